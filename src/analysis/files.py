"""Writing files so that a reader never sees half of one, fingerprinting them, and keeping a
table worked out once in a build's shared cache."""
from __future__ import annotations

import fcntl
import hashlib
import io
import os
import pickle
import uuid
from pathlib import Path
from typing import Any, Callable


def write_atomically(path: Path | str, data: str | bytes) -> Path:
    """Write ``data`` to a hidden temporary file beside ``path``, then rename it over ``path``.

    The rename is atomic on one file system: a reader sees the old file or the new
    one, never a half-written one, and a failed write leaves the old file as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        if isinstance(data, str):
            temporary.write_text(data, encoding="utf-8")
        else:
            temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def write_all_atomically(folder: Path, contents: dict[str, bytes]) -> None:
    """Write several files into ``folder``: every one to a temporary name first, then
    all renamed into place, so a failure while writing leaves the old files untouched."""
    folder.mkdir(parents=True, exist_ok=True)
    temporary: dict[str, Path] = {}
    try:
        for name, data in contents.items():
            path = folder / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
            path.write_bytes(data)
            temporary[name] = path
        for name, path in temporary.items():
            os.replace(path, folder / name)
    finally:
        for path in temporary.values():
            path.unlink(missing_ok=True)


def sha256_file(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def kept(path: Path | None, make: Callable[[], Any]) -> Any:
    """What ``make()`` gives, kept in ``path`` (a pickle in a build's shared cache, named by a hash
    of everything it is made from) and read back from there by every later page; ``path`` None:
    made and not kept. Pages that ask at once wait for the first to make it; a damaged file is
    made again and replaced."""
    if path is None:
        return make()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.is_file():
            try:
                return pickle.loads(path.read_bytes())
            except Exception:  # noqa: BLE001 - a damaged file is made again and replaced
                pass
        made = make()
        buffer = io.BytesIO()
        pickle.dump(made, buffer, protocol=pickle.HIGHEST_PROTOCOL)
        write_atomically(path, buffer.getvalue())
        return made
