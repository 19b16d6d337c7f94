"""The package's compiled bytecode, written before a build starts the processes that import it.

Every notebook's kernel, every notebook worker and every Dask worker imports the ``analysis``
package afresh. Python keeps each module's compiled bytecode beside it (``__pycache__``) unless
it is told not to (PYTHONDONTWRITEBYTECODE, common on shared machines and in containers); then
each of those processes compiles the package again, about 0.05 s of work a kernel. So the build
writes the bytecode itself. Each file is checked against its source's hash whenever it is
imported (not against the file's time), so an edited module never runs from old bytecode.
"""
from __future__ import annotations

import importlib.util
import py_compile
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
# The flags of a bytecode file checked against its source's hash on every import (PEP 552).
_CHECKED_HASH = (0b11).to_bytes(4, "little")


def write_bytecode(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """Compile each module under ``package_dir`` that has no bytecode of its present source;
    return the modules compiled. A folder that cannot be written is left as it is (its modules
    are compiled by each process that imports them, as before)."""
    compiled = []
    for source in sorted(package_dir.rglob("*.py")):
        try:
            cached = Path(importlib.util.cache_from_source(str(source)))
            expected = importlib.util.MAGIC_NUMBER + _CHECKED_HASH + importlib.util.source_hash(source.read_bytes())
            if _header(cached) == expected:
                continue
            py_compile.compile(str(source), cfile=str(cached), doraise=True,
                               invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
            compiled.append(source)
        except (OSError, py_compile.PyCompileError):
            continue  # a read-only install, or a module with a syntax error: its import says so
    return compiled


def _header(cached: Path) -> bytes:
    try:
        with cached.open("rb") as handle:
            return handle.read(16)
    except OSError:
        return b""
