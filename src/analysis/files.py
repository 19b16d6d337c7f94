"""Writing files so that a reader never sees half of one, and fingerprinting them."""
from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path


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
