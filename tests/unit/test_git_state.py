"""Only changes to what a build reads make the code "dirty": an editor's backup or a notes file
beside the book does not."""
from __future__ import annotations

import subprocess

from analysis.assurance.manifest import git_state


def _git(folder, *args):
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


def _repository(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "module.py").write_text("X = 1\n")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "page.ipynb").write_text("{}\n")
    (tmp_path / "README.md").write_text("synthetic\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "-c", "user.name=synthetic", "-c", "user.email=synthetic@example.org", "commit", "-qm", "synthetic")
    return tmp_path


def test_files_the_build_does_not_read_leave_the_code_clean(tmp_path):
    repository = _repository(tmp_path)
    assert git_state(repository)["dirty"] is False
    (repository / "notes.txt").write_text("my notes\n")
    (repository / "README.md").write_text("synthetic, edited\n")
    (repository / "page.ipynb~").write_text("an editor's backup\n")
    assert git_state(repository)["dirty"] is False


def test_a_change_to_the_code_notebooks_or_a_new_module_is_dirty_and_fingerprinted(tmp_path):
    repository = _repository(tmp_path)
    (repository / "src" / "new_module.py").write_text("Y = 2\n")
    first = git_state(repository)
    assert first["dirty"] is True and first["uncommitted_sha256"]
    (repository / "notes.txt").write_text("my notes\n")  # not read by a build: same fingerprint
    assert git_state(repository)["uncommitted_sha256"] == first["uncommitted_sha256"]
    (repository / "notebooks" / "page.ipynb").write_text('{"cells": []}\n')
    second = git_state(repository)
    assert second["dirty"] is True and second["uncommitted_sha256"] != first["uncommitted_sha256"]
