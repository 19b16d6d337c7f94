"""The package's bytecode, written by the build (analysis.build.bytecode): every module compiled
once, again only when its source changes, and never run from bytecode of an older source, even
one of the same size and time."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from analysis.build.bytecode import write_bytecode


def make_package(root: Path) -> Path:
    package = root / "package_for_bytecode"
    (package / "inner").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "inner" / "__init__.py").write_text("", encoding="utf-8")
    (package / "inner" / "figures.py").write_text("ANSWER = 41\n", encoding="utf-8")
    return package


def imported_answer(root: Path) -> str:
    """ANSWER as a fresh process that may not write bytecode imports it."""
    environment = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-c", "import package_for_bytecode.inner.figures as f; print(f.ANSWER)"],
                          env=environment, capture_output=True, text=True, check=True).stdout.strip()


def test_every_module_is_compiled_once_then_only_when_its_source_changes(tmp_path):
    package = make_package(tmp_path)
    assert {path.name for path in write_bytecode(package)} == {"__init__.py", "figures.py"}
    assert write_bytecode(package) == []  # nothing changed: nothing compiled
    assert imported_answer(tmp_path) == "41"
    assert len(list(package.rglob("__pycache__/*.pyc"))) == 3

    figures = package / "inner" / "figures.py"
    figures.write_text("ANSWER = 42\n", encoding="utf-8")
    assert write_bytecode(package) == [figures]
    assert imported_answer(tmp_path) == "42"


def test_bytecode_of_an_older_source_of_the_same_size_and_time_is_not_run(tmp_path):
    package = make_package(tmp_path)
    write_bytecode(package)
    figures = package / "inner" / "figures.py"
    before = figures.stat()
    figures.write_text("ANSWER = 43\n", encoding="utf-8")  # the same size
    os.utime(figures, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same time
    assert imported_answer(tmp_path) == "43"


def test_a_folder_that_cannot_be_written_is_left_as_it_is(tmp_path):
    package = make_package(tmp_path)
    folders = [package, package / "inner"]
    for folder in folders:
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(package, os.W_OK):  # as root, nothing is read-only: make the cache a file instead
            for folder in folders:
                folder.chmod(0o755)
                (folder / "__pycache__").write_text("not a folder", encoding="utf-8")
        assert write_bytecode(package) == []
        assert imported_answer(tmp_path) == "41"
    finally:
        for folder in folders:
            folder.chmod(0o755)
