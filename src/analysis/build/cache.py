"""Reusing a notebook executed by an earlier build when nothing it depends on has changed.

After a notebook runs, the build writes a record of it into ``<stage>/_cache/<notebook>.json``:

- its **key**: the notebook as this edition shows it, the parameters it ran with, the Python
  environment (Python's version, every installed package's version and ``requirements.txt``),
  which input files the edition has (a file that appears can change a page that looks for it) and
  the code that starts its kernel and tidies the executed notebook after it runs
  (analysis.build.execute, analysis.build.kernel_server);
- what it **read** while it ran, as recorded in its kernel (:mod:`analysis.build.reads`): each
  file's SHA-256 (or that it was missing), each folder's list of names, and each module of the
  ``analysis`` package it imported, with the SHA-256 of its code;
- what it **wrote**: the SHA-256 of the executed notebook, of every file in its side-file folder
  and of every other file it wrote into the stage (a download beside the page).

The next build re-executes the notebook unless every one of those is the same again; a record
that cannot be read, or an executed copy that is missing or not what was written, means it runs
again. Jupyter Book's own cache (jupyter-cache) is not used: it keys a notebook on its code cells
only, so a changed data file would never re-run a page.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.build.reads import PACKAGE
from analysis.build.stage import STAGE_DATA_FOLDER
from analysis.files import sha256_bytes, sha256_file, write_atomically

CACHE_FOLDER = "_cache"
# How a record names a file in the stage, so that a copied or moved stage still finds its own files.
IN_STAGE = "<stage>/"
RECORD_VERSION = 1
MISSING = "missing"
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _json_sha(value: Any) -> str:
    return sha256_bytes(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8"))


class FileHashes:
    """SHA-256 of files, each read once per build and again only when the file has changed
    since (its size, times or inode differ): hashing every national file for every page would
    take longer than running most pages."""

    def __init__(self, memo_path: Path | None = None):
        self.memo_path = memo_path
        self.memo: dict[str, list] = {}
        if memo_path is not None and memo_path.is_file():
            try:
                self.memo = json.loads(memo_path.read_text(encoding="utf-8"))
            except ValueError:
                self.memo = {}

    def file(self, path: Path | str) -> str:
        path = str(path)
        try:
            stat = os.stat(path)
        except OSError:
            return MISSING
        if not os.path.isfile(path):
            return "folder" if os.path.isdir(path) else MISSING
        signature = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
        known = self.memo.get(path)
        if known and known[:4] == signature:
            return known[4]
        digest = sha256_file(Path(path))
        self.memo[path] = [*signature, digest]
        return digest

    def folder(self, path: Path | str) -> str:
        try:
            return _json_sha(sorted(os.listdir(path)))
        except OSError:
            return MISSING

    def save(self) -> None:
        if self.memo_path is not None:
            write_atomically(self.memo_path, json.dumps(self.memo, sort_keys=True))


def module_file(name: str) -> Path:
    """The source file of a module of the analysis package."""
    parts = name.split(".")[1:]
    base = PACKAGE_DIR.joinpath(*parts)
    package = base / "__init__.py"
    return package if package.is_file() else base.with_suffix(".py")


def installed_packages() -> list[str]:
    """Every installed package with its version, as the name of its metadata folder on the path
    (``pandas-2.2.3.dist-info``): found as importlib.metadata finds them, without reading each
    one's metadata file (a tenth of a second, on every build)."""
    found = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # not a folder (a zip file, say) or gone
            continue
        found.update(name for name in names if name.endswith((".dist-info", ".egg-info")))
    return sorted(found)


def environment_fingerprint(book_root: Path) -> str:
    """Python's version, every installed package and version, and the pinned requirements."""
    packages = installed_packages()
    requirements = book_root / "requirements.txt"
    pinned = requirements.read_text(encoding="utf-8") if requirements.is_file() else ""
    return _json_sha({"python": sys.version, "packages": packages, "requirements": pinned})


def inputs_present_fingerprint(inputs: dict[str, Any]) -> str:
    """Which input files the edition has (from the manifest's input hashes), not their contents."""
    return _json_sha({"files": sorted(item["path"] for item in inputs.get("files", [])),
                      "absent": sorted(inputs.get("folders_not_present", []))})


@dataclass
class NotebookKey:
    """What a notebook's record must match besides its reads."""

    source: str
    parameters: str
    environment: str
    inputs_present: str
    tidying: str

    @classmethod
    def of(cls, task: dict[str, Any], environment: str, inputs_present: str) -> "NotebookKey":
        return cls(source=sha256_file(Path(task["input"])), parameters=_json_sha(task["parameters"]),
                   environment=environment, inputs_present=inputs_present,
                   tidying=_sha_of_files(module_file(name) for name in RUNNING_MODULES))


KEY_WORDS = {"source": "the notebook changed", "parameters": "its parameters changed",
             "environment": "the Python environment or requirements.txt changed",
             "inputs_present": "an input file was added or removed",
             "tidying": "the code that runs and tidies executed notebooks changed"}
# They start the kernel and rewrite every executed notebook, outside the kernel that records reads.
RUNNING_MODULES = ("analysis.build.execute", "analysis.build.kernel_server")


def _sha_of_files(paths) -> str:
    return hashlib.sha256("".join(sha256_file(path) for path in paths).encode("ascii")).hexdigest()


@dataclass
class Record:
    notebook: str
    key: dict[str, str]
    files: dict[str, str] = field(default_factory=dict)
    folders: dict[str, str] = field(default_factory=dict)
    modules: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self) -> str:
        return json.dumps({"version": RECORD_VERSION, **self.__dict__}, indent=1, sort_keys=True)


class NotebookCache:
    """The records of one edition's stage."""

    def __init__(self, stage_dir: Path, environment: str, inputs_present: str):
        self.stage_dir = stage_dir
        self.folder = stage_dir / CACHE_FOLDER
        self.environment = environment
        self.inputs_present = inputs_present
        self.hashes = FileHashes(self.folder / "file-hashes.json")

    def portable(self, path: str) -> str:
        """A path as a record keeps it: relative to the stage when it is in the stage."""
        inside = str(self.stage_dir) + os.sep
        return IN_STAGE + path[len(inside):] if path.startswith(inside) else path

    def local(self, kept: str) -> str:
        """A path a record keeps, as a path on this machine."""
        return str(self.stage_dir / kept[len(IN_STAGE):]) if kept.startswith(IN_STAGE) else kept

    def record_path(self, notebook: str) -> Path:
        return self.folder / f"{notebook}.json"

    def reads_log(self, notebook: str) -> Path:
        return self.folder / f"{notebook}.reads"

    def load(self, notebook: str) -> Record | None:
        try:
            data = json.loads(self.record_path(notebook).read_text(encoding="utf-8"))
            if data.pop("version") != RECORD_VERSION:
                return None
            return Record(**data)
        except (OSError, ValueError, TypeError, KeyError):
            return None  # no record, or one that is damaged: the notebook runs again

    def key(self, task: dict[str, Any]) -> NotebookKey:
        return NotebookKey.of(task, self.environment, self.inputs_present)

    def outputs(self, task: dict[str, Any], written: list[str] = ()) -> dict[str, str]:
        """The executed notebook, every file in its side-file folder and the other files it
        ``written`` (by path in the stage), each with its SHA-256."""
        found = {task["output"]: self.hashes.file(task["output"])}
        side_files = Path(task["side_files"])
        if side_files.is_dir():
            for path in sorted(side_files.rglob("*")):
                if path.is_file():
                    found[str(path)] = self.hashes.file(path)
        for path in written:
            found[str(self.stage_dir / path)] = self.hashes.file(self.stage_dir / path)
        return {os.path.relpath(path, self.stage_dir): digest for path, digest in found.items()}

    def written_besides(self, record: Record) -> list[str]:
        """The files a notebook wrote outside its side-file folder, by path in the stage."""
        return sorted(path for path in record.outputs if not path.startswith(STAGE_DATA_FOLDER + "/"))

    def why_stale(self, task: dict[str, Any], ignore: frozenset[str] = frozenset()) -> str | None:
        """None when the notebook's executed copy can be reused; otherwise why it must run.
        ``ignore``: files whose change alone does not count."""
        record = self.load(task["notebook"])
        if record is None:
            return "no record of an earlier run (never run, or its record could not be read)"
        key = self.key(task).__dict__
        for part, words in KEY_WORDS.items():
            if record.key.get(part) != key[part]:
                return words
        for name, digest in record.modules.items():
            if self.hashes.file(module_file(name)) != digest:
                return f"the code of {name} changed"
        for kept, digest in record.files.items():
            path = self.local(kept)
            if path not in ignore and self.hashes.file(path) != digest:
                return f"{self._shown(path)} changed"
        for kept, digest in record.folders.items():
            path = self.local(kept)
            if self.hashes.folder(path) != digest:
                return f"the files in {self._shown(path)} changed"
        if self.outputs(task, self.written_besides(record)) != record.outputs:
            return "its executed copy is missing or was changed since it was written"
        return None

    def _shown(self, path: str) -> str:
        inside = path.startswith(str(self.stage_dir) + os.sep)
        return f"{os.path.relpath(path, self.stage_dir)} in the stage" if inside else path

    def forget(self, task: dict[str, Any]) -> None:
        """Remove a notebook's record and what it wrote besides its side files, before it runs again."""
        record = self.load(task["notebook"])
        for path in self.written_besides(record) if record else []:
            if self.stage_dir / path != Path(task["output"]):
                (self.stage_dir / path).unlink(missing_ok=True)
        self.record_path(task["notebook"]).unlink(missing_ok=True)
        self.reads_log(task["notebook"]).unlink(missing_ok=True)

    def notebooks(self) -> list[str]:
        """The notebooks with a record."""
        return sorted(path.relative_to(self.folder).as_posix()[:-len(".json")]
                      for path in self.folder.rglob("*.ipynb.json"))

    def written(self) -> set[str]:
        """Every file the records say a notebook wrote, by path in the stage: bringing the stage
        up to date keeps them."""
        found = set()
        for notebook in self.notebooks():
            record = self.load(notebook)
            found.update(record.outputs if record else ())
        return found

    def prune(self, notebooks: set[str]) -> list[str]:
        """Remove what notebooks no longer in the edition wrote, and their records."""
        removed = []
        for notebook in self.notebooks():
            if notebook in notebooks:
                continue
            record = self.load(notebook)
            for path in record.outputs if record else ():
                if (self.stage_dir / path).is_file():
                    (self.stage_dir / path).unlink()
                    removed.append(path)
            self.record_path(notebook).unlink(missing_ok=True)
            self.reads_log(notebook).unlink(missing_ok=True)
        return removed

    def remember(self, task: dict[str, Any], seconds: float) -> Record:
        """Write the record of a notebook that has just run, from its reads log."""
        files, folders, modules, written = {}, {}, {}, []
        log = self.reads_log(task["notebook"])
        for line in log.read_text(encoding="utf-8").splitlines() if log.is_file() else []:
            kind, _, what = line.partition(" ")
            if kind == "file":
                files[self.portable(what)] = self.hashes.file(what)
            elif kind == "folder":
                folders[self.portable(what)] = self.hashes.folder(what)
            elif kind == "wrote" and what.startswith(str(self.stage_dir) + os.sep) and os.path.isfile(what):
                written.append(os.path.relpath(what, self.stage_dir))
            elif kind == "module" and what.split(".")[0] == PACKAGE:
                path = module_file(what)
                if path.is_file():
                    modules[what] = self.hashes.file(path)
        record = Record(notebook=task["notebook"], key=self.key(task).__dict__, files=files, folders=folders,
                        modules=modules, outputs=self.outputs(task, written), seconds=round(seconds, 2))
        write_atomically(self.record_path(task["notebook"]), record.to_json())
        return record

    def seconds(self, notebook: str) -> float | None:
        record = self.load(notebook)
        return record.seconds if record else None

    def save(self) -> None:
        self.hashes.save()

    # What the stage held when Jupyter Book last built it, and when the edition was last published:
    # a build killed in between must not leave the next one believing it is up to date.
    def staged_files(self, moment: str) -> dict[str, str] | None:
        """The staged files' SHA-256 at the last ``moment`` ('html' or 'published'); None if unknown."""
        try:
            return json.loads((self.folder / f"staged-at-{moment}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def remember_staged_files(self, moment: str, files: dict[str, str]) -> None:
        write_atomically(self.folder / f"staged-at-{moment}.json", json.dumps(files, indent=1, sort_keys=True))

