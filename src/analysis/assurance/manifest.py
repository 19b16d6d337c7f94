"""The run manifest: what produced an edition.

One JSON file per edition (``manifest.json`` in the staged book, copied into the
published edition) records the parameters, the sha256 of every input file, the
Python and package versions, the git commit and whether the working tree had
uncommitted changes, when the build started and how long each notebook took.
A scrutineer can check a published edition against it; the site index reads
the area name from it.
"""
from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from analysis.inputs.partnership import edition_data_paths
from analysis.config import EDITION_FACTS_NAME, DataPaths  # noqa: F401 - EDITION_FACTS_NAME is the stage file this module writes
from analysis.errors import ParameterError
from analysis.files import sha256_file, write_atomically
from analysis.periods import ReportYear

MANIFEST_NAME = "manifest.json"
INPUTS_NAME = "inputs.json"  # the manifest's hashes of every input file, for the data log
MANIFEST_VERSION = 1

# Distribution names as pip knows them.
KEY_PACKAGES = (
    "analysis",
    "jupyter-book",
    "sphinx",
    "myst-nb",
    "myst-parser",
    "sphinx-book-theme",
    "papermill",
    "nbclient",
    "ipykernel",
    "pandas",
    "numpy",
    "matplotlib",
    "afcharts",
)


def utc_now_iso() -> str:
    """The current time in UTC, ISO 8601 to the second, e.g. 2025-06-30T09:15:02+00:00."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def input_folders(data_dir: Path, year: str, area: str | None = None) -> list[Path]:
    """The folders under ``data_dir`` an edition reads: reference data, the partnership's
    figures for the year (and the previous year, used for year-on-year comparisons, when it
    exists) and the national extract. The partnership's own files (partnership.toml and its
    reference tables) are read too: see :func:`partnership_files`."""
    paths = edition_data_paths(Path(data_dir), area)
    folders = [paths.reference, paths.year(year)]
    try:
        folders.append(paths.year(ReportYear.parse(year).previous().label))
    except ParameterError:
        pass
    folders.append(paths.national)
    return folders


def partnership_files(data_dir: Path, area: str | None = None) -> list[Path]:
    """The files directly in the edition's partnership folder (not its year folders)."""
    folder = edition_data_paths(Path(data_dir), area).partnership
    return sorted(path for path in folder.glob("*") if path.is_file()) if folder.is_dir() else []


def hash_inputs(data_dir: Path, year: str, area: str | None = None) -> dict[str, Any]:
    """sha256 and size of every file in the edition's input folders.

    Paths are relative to ``data_dir`` and use forward slashes; hidden files
    (``.gitkeep``) and caches are skipped. Folders that do not exist are listed
    under ``folders_not_present`` rather than failing: checking the inputs is the
    data validation's job, recording them is this module's.
    """
    data_dir = Path(data_dir).resolve()
    files: list[dict[str, Any]] = []
    missing: list[str] = []
    for folder in [*input_folders(data_dir, year, area), None]:
        if folder is not None and not folder.is_dir():
            missing.append(folder.relative_to(data_dir).as_posix())
            continue
        paths = partnership_files(data_dir, area) if folder is None else sorted(folder.rglob("*"))
        for path in paths:
            relative = path.relative_to(data_dir)
            if not path.is_file() or any(
                part.startswith(".") or part == "__pycache__" for part in relative.parts
            ):
                continue
            files.append(
                {
                    "path": relative.as_posix(),
                    "sha256": sha256_file(path),
                    "bytes": path.stat().st_size,
                }
            )
    return {"data_dir": str(data_dir), "files": files, "folders_not_present": missing}


def package_versions(names: tuple[str, ...] = KEY_PACKAGES) -> dict[str, str | None]:
    """Installed version of each package, or None when it is not installed."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _git(repo_root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", "-C", str(repo_root), *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


# What a build reads, relative to the book's root: a change anywhere else (an editor's backup,
# a notes file) does not make the code "dirty".
BUILD_INPUTS = ("src", "notebooks", "data", "book", "_config.yml", "_toc.yml", "requirements.txt",
                "pyproject.toml", "CHANGELOG.md")


def uncommitted_fingerprint(repo_root: Path) -> str | None:
    """sha256 of the uncommitted changes to what a build reads (BUILD_INPUTS): ``git diff HEAD``
    plus the path and content of every untracked (not ignored) file there. Two builds with the
    same commit and the same fingerprint ran the same code; None when git cannot say."""
    root = Path(repo_root)
    diff = subprocess.run(["git", "-C", str(root), "diff", "HEAD", "--binary", "--", *BUILD_INPUTS],
                          capture_output=True, timeout=60, check=False)
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", *BUILD_INPUTS)
    if diff.returncode != 0 or untracked.returncode != 0:
        return None
    digest = hashlib.sha256(diff.stdout)
    for name in sorted(filter(None, untracked.stdout.split("\0"))):
        path = root / name
        digest.update(b"\0" + name.encode("utf-8") + b"\0")
        digest.update((sha256_file(path) if path.is_file() else "missing").encode("ascii"))
    return digest.hexdigest()


def git_state(repo_root: Path) -> dict[str, Any]:
    """Commit and dirtiness of the git working tree holding ``repo_root``.

    Never raises: when git is missing, the folder is not a repository or the
    repository has no commits yet, the answer says so in ``note``.
    """
    state: dict[str, Any] = {"available": False, "commit": None, "dirty": None, "note": None}
    try:
        inside = _git(repo_root, "rev-parse", "--is-inside-work-tree")
    except (OSError, subprocess.SubprocessError) as error:
        state["note"] = f"git could not be run: {error}"
        return state
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        state["note"] = "not a git working tree: " + (inside.stderr.strip() or inside.stdout.strip())
        return state
    state["available"] = True
    head = _git(repo_root, "rev-parse", "--verify", "--quiet", "HEAD")
    if head.returncode == 0 and head.stdout.strip():
        state["commit"] = head.stdout.strip()
    else:
        state["note"] = "the repository has no commits yet"
    status = _git(repo_root, "status", "--porcelain", "--untracked-files=normal", "--", *BUILD_INPUTS)
    if status.returncode == 0:
        state["dirty"] = bool(status.stdout.strip())
        if state["dirty"]:
            # "dirty" alone cannot tell two different sets of uncommitted changes apart.
            state["uncommitted_sha256"] = uncommitted_fingerprint(repo_root)
    else:
        state["note"] = ((state["note"] + "; ") if state["note"] else "") + (
            "git status failed: " + status.stderr.strip()
        )
    return state


def create_manifest(
    *,
    parameters: dict[str, Any],
    inputs: dict[str, Any],
    repo_root: Path,
    build_started: str,
    notebook_seconds: dict[str, float],
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble the manifest (a plain JSON-ready dict)."""
    manifest: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        "parameters": dict(parameters),
        "build_started_utc": build_started,
        "inputs": inputs,
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable,
        },
        "platform": platform.platform(),
        "packages": package_versions(),
        "git": git_state(repo_root),
        "notebook_seconds": {name: round(seconds, 2) for name, seconds in notebook_seconds.items()},
    }
    if extra:
        manifest.update(extra)
    return manifest


def write_manifest(manifest: dict[str, Any], path: Path) -> Path:
    """Write the manifest as pretty, key-ordered JSON (UTF-8); return the path."""
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    return write_atomically(path, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def notebook_title(path: Path) -> str:
    """The title of a notebook's page: its first level-one heading (the notebook's name
    when it has none)."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return Path(path).stem


def write_if_changed(path: Path, value: Any) -> Path:
    """Write ``value`` as JSON, leaving the file untouched when it already says the same."""
    text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_atomically(path, text)
    return path


def write_edition_facts(facts: dict[str, Any], inputs: dict[str, Any], stage_dir: Path) -> None:
    """Write beside the manifest in the stage the parts of it that stay the same from one build
    to the next unless the edition changes: its facts (title, kind, local authorities, notebooks,
    page titles) and its input files' hashes. A page reading only these is not executed again
    just because the build ran at another time."""
    write_if_changed(Path(stage_dir) / EDITION_FACTS_NAME, facts)
    write_if_changed(Path(stage_dir) / INPUTS_NAME, inputs)


def load_manifest(path: Path) -> dict[str, Any]:
    """Read a manifest back: ``path`` is the JSON file or the folder holding it."""
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    with open(path, encoding="utf-8") as handle:
        manifest = json.load(handle)
    if not isinstance(manifest, dict) or "parameters" not in manifest:
        raise ValueError(f"{path} is not a run manifest (no 'parameters')")
    return manifest


def published_parameters(edition: Path) -> dict[str, Any]:
    """The build parameters recorded in a published edition's manifest (empty if it has none)."""
    path = Path(edition) / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")).get("parameters") or {})
    except ValueError:
        return {}
