"""Every path the project uses, and the form of an edition's parameters.

Paths are built from the project root, never from the current directory (Papermill runs
notebooks in other folders). The data folder can be moved with ``--data-dir``: every
path under it comes from one :class:`DataPaths` object, so a build reads, and
fingerprints, exactly the folder it was given.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import ParameterError

PROJECT_ROOT = Path(__file__).resolve().parents[2]

DATA_DIR = PROJECT_ROOT / "data"
CHANGELOG_FILE = PROJECT_ROOT / "CHANGELOG.md"

BUILD_DIR = PROJECT_ROOT / "_build"
STAGE_DIR = BUILD_DIR / "stage"
SITE_DIR = BUILD_DIR / "site"

# An area is named by its ONS (GSS) code: E followed by 8 digits.
AREA_CODE = re.compile(r"^E\d{8}$")


def check_area_code(text: str) -> str:
    """The area code, stripped; ParameterError when it is not E followed by 8 digits."""
    code = str(text).strip()
    if not AREA_CODE.match(code):
        raise ParameterError(
            f"area code {text!r} is not an ONS area code: E followed by 8 digits"
        )
    return code


@dataclass(frozen=True)
class DataPaths:
    """The folders and files of one data folder (the project's ``data/`` by default)."""

    root: Path = DATA_DIR

    @property
    def reference(self) -> Path:
        return self.root / "reference"

    @property
    def national(self) -> Path:
        return self.root / "national"

    @property
    def partnership(self) -> Path:
        return self.root / "partnership"

    def year(self, year: str) -> Path:
        """Folder holding the partnership's own figures for one edition year."""
        return self.partnership / str(year)


def data_paths(data_dir: Path | str | None = None) -> DataPaths:
    """The paths under ``data_dir`` (None or "" for the project's ``data/``)."""
    return DataPaths(Path(data_dir)) if data_dir else DataPaths()


def display_path(path: Path | str) -> str:
    """A path as messages show it: relative to the project when inside it."""
    try:
        return Path(path).resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)
