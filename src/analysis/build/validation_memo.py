"""Remembering that an edition's input files passed validation, so that a rebuild in which they have
not changed does not check them again (and, with nothing else to do, never imports pandas).

What validation concludes depends on nothing but the year and area, the files in the data folder's
``partnerships/`` and ``reference/`` folders, and the code that checks them (it reads no clock and
no environment variable). A memo is kept only under a key made of all of that, by content:

- the year, the area, the data folder and the project folder (messages name paths relative to it);
- every file in ``partnerships/`` and ``reference/``, at any depth: its path and its bytes, so a
  file added, removed or renamed changes the key as surely as an edited one (validation also
  looks for folders, such as last year's, that may not exist yet: those are in the key too);
- every module of the ``analysis`` package, and the Python environment (its packages and the
  pinned requirements, as ``analysis.build.cache.environment_fingerprint`` sees them).

Nothing is trusted from a file's size or times: the files are small (a few hundred kilobytes with
the package's code), and hashing them takes a few milliseconds. Only a validation without errors is
remembered, with the lines it printed (its warnings), which are printed again when it is used; and
only when the files hashed after it are those hashed before (none was saved while it read them).
With a symbolic link among the files nothing is remembered: validation runs every time.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from analysis.config import PROJECT_ROOT, data_paths
from analysis.files import write_atomically

MEMO_NAME = "validated.json"
MEMO_VERSION = 1
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _entries_under(folder: Path, suffixes: tuple[str, ...] = ()) -> list[Path]:
    """Every folder, file and link under ``folder`` (of the files, those ending in ``suffixes`` when
    given), in a fixed order: an empty folder counts too (validation looks for last year's). Links
    are listed, not followed."""
    found = []
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        found += [Path(root) / name for name in folders]
        found += [Path(root) / name for name in sorted(files) if not suffixes or name.endswith(suffixes)]
    return found


def validation_folders(data_folder: Path | None) -> tuple[Path, Path]:
    """The folders whose files validation may read: the data folder's partnerships/ and reference/."""
    paths = data_paths(data_folder)
    return paths.partnerships, paths.reference


def validation_key(year: str, area_code: str, data_folder: Path | None, environment: str) -> str | None:
    """The SHA-256 of everything validation's outcome depends on (see the module's docstring); None
    when that cannot be known for sure, and validation must run: a symbolic link among the files
    (validation refuses a linked file, and what a link points to can change without the folder
    changing), or something that is not a file or cannot be read (validation says why, if it reads it)."""
    digest = hashlib.sha256()

    def add(text: str) -> None:
        data = text.encode("utf-8")
        digest.update(len(data).to_bytes(8, "little") + data)

    for part in (f"memo {MEMO_VERSION}", year, area_code, str(data_paths(data_folder).root.resolve()),
                 str(PROJECT_ROOT), environment):
        add(part)
    for folder, suffixes in [(folder, ()) for folder in validation_folders(data_folder)] + [(PACKAGE_DIR, (".py",))]:
        add(f"folder {folder.resolve()} {folder.is_dir()}")
        for path in _entries_under(folder, suffixes):
            if path.is_symlink():
                return None
            if path.is_dir():
                add(f"folder {path.relative_to(folder).as_posix()}")
                continue
            if not path.is_file():
                return None  # a pipe or a socket, say: reading it could wait for ever
            add(f"file {path.relative_to(folder).as_posix()}")
            try:
                content = path.read_bytes()
            except OSError:
                return None
            digest.update(len(content).to_bytes(8, "little") + content)
    return digest.hexdigest()


def remembered_messages(memo_path: Path, key: str) -> list[str] | None:
    """The lines a validation under ``key`` printed, if one passed; None when none is remembered
    (or the memo cannot be read: validation then runs again)."""
    try:
        memo = json.loads(Path(memo_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(memo, dict) or memo.get("key") != key:
        return None
    messages = memo.get("messages")
    if not isinstance(messages, list) or not all(isinstance(line, str) for line in messages):
        return None
    return messages


def remember(memo_path: Path, key: str, messages: list[str]) -> None:
    """Remember that a validation under ``key`` passed, printing ``messages``."""
    Path(memo_path).parent.mkdir(parents=True, exist_ok=True)
    write_atomically(memo_path, json.dumps({"key": key, "messages": messages}, ensure_ascii=False, indent=1))
