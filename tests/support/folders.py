"""Snapshots of folders, to check that a failed or refused build changed nothing."""
from __future__ import annotations

from pathlib import Path


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) under ``folder``, by relative path."""
    folder = Path(folder)
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes() if path.is_file() else None)
        for path in sorted(folder.rglob("*"))
    }


def file_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (folders left out)."""
    return {name: content for name, content in snapshot(folder).items() if content is not None}
