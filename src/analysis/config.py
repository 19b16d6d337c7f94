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

# The assurance pages, which read the other pages' outputs and the run manifest, so run after them.
ASSURANCE_NOTEBOOKS = "notebooks/assurance/"
# In an edition's stage, beside the run manifest: what the edition is (title, kind, notebooks, page
# titles, the measures each section shows), without when or how fast it was built.
EDITION_FACTS_NAME = "edition.json"
# Where a build's notebooks keep what is worked out the same way for every page and edition (the
# national dispersion table), by the SHA-256 of what it is worked out from: beside the stages.
SHARED_CACHE_VARIABLE = "ANALYSIS_SHARED_CACHE"
SHARED_CACHE_FOLDER = "_shared"

# An area is named by its ONS (GSS) code: E followed by 8 digits.
AREA_CODE = re.compile(r"^E\d{8}$")
# A partnership's id (its folder under data/partnerships/): lower-case words joined by hyphens.
PARTNERSHIP_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def check_edition_area(text: str) -> str:
    """An ONS area code or a partnership's id, stripped; ParameterError for anything else."""
    name = str(text).strip()
    return name if PARTNERSHIP_ID.match(name) else check_area_code(name)


def is_edition_area(name: str) -> bool:
    """Whether ``name`` can be what an edition is built and published for: an ONS area code,
    or a partnership's id (a partnership over several authorities)."""
    return bool(AREA_CODE.match(name) or PARTNERSHIP_ID.match(name))


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
    """The folders and files of one data folder (the project's ``data/`` by default).

    ``partnership_id`` picks whose folder ``partnership`` and ``year`` point to."""

    root: Path = DATA_DIR
    partnership_id: str | None = None

    @property
    def reference(self) -> Path:
        return self.root / "reference"

    @property
    def national(self) -> Path:
        return self.root / "national"

    @property
    def partnerships(self) -> Path:
        """One folder per partnership: its partnership.toml and a folder per edition year."""
        return self.root / "partnerships"

    @property
    def partnership(self) -> Path:
        """The partnership's folder (its file, reference tables and own figures)."""
        if not self.partnership_id:
            raise ValueError("these data paths name no partnership: give partnership_id "
                             "(analysis.inputs.partnership.edition_data_paths finds an edition's)")
        return self.partnerships / self.partnership_id

    def year(self, year: str) -> Path:
        """Folder holding the partnership's own figures for one edition year."""
        return self.partnership / str(year)


def data_paths(data_dir: Path | str | None = None, partnership_id: str | None = None) -> DataPaths:
    """The paths under ``data_dir`` (None or "" for the project's ``data/``), with one
    partnership's folder when ``partnership_id`` is given."""
    return DataPaths(Path(data_dir) if data_dir else DATA_DIR, partnership_id)


def display_path(path: Path | str) -> str:
    """A path as messages show it: relative to the project when inside it."""
    try:
        return Path(path).resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)
