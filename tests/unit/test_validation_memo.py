"""A validation that passed is remembered (analysis.build.validation_memo): a rebuild checks the input
files again whenever anything validation could see has changed, and only then.

Each case starts from the SYNTHETIC filled-in 2025-26 folder (tests/fixtures/synthetic_2025_26:
invented values, four warnings), validates it once through the build's step
(``pipeline.validate_inputs``), changes one thing, and counts whether validation ran again.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

import analysis.inputs.validate as validate_module
from analysis.build import pipeline, validation_memo
from analysis.errors import InputError
from synthetic_fill import read_template_csv, template_row, write_csv

YEAR = "2025-26"
AREA = "E09000007"
ENVIRONMENT = "the environment's fingerprint"


class Validations:
    """Runs the build's validation step with a memo, counting how often validation itself ran."""

    def __init__(self, data: Path, memo: Path, monkeypatch):
        self.data, self.memo, self.runs = data, memo, 0
        real = validate_module.validate_for_build

        def counted(*args, **kwargs):
            self.runs += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(validate_module, "validate_for_build", counted)

    def check(self, *, year: str = YEAR, area: str = AREA, environment: str = ENVIRONMENT,
              force: bool = False) -> list[str]:
        lines: list[str] = []
        pipeline.validate_inputs(year, area, self.data, lines.append, memo_path=self.memo,
                                 environment=environment, force=force)
        return lines


@pytest.fixture
def validations(data, tmp_path, monkeypatch):
    return Validations(data, tmp_path / "stage" / "_cache" / validation_memo.MEMO_NAME, monkeypatch)


def edit_value(path: Path, indicator: str, value: str) -> None:
    columns, rows = read_template_csv(path)
    rows[template_row(path, indicator) - 2]["value"] = value
    write_csv(path, columns, rows, "utf-8")


def test_a_validation_that_passed_is_remembered_with_its_warnings(validations):
    first = validations.check()
    assert validations.runs == 1 and validations.memo.is_file()
    warnings = [line for line in first if line.startswith("warning: ")]
    assert len(warnings) == 4 and first[-1] == "Checked the input files: no errors, 4 warnings", first
    again = validations.check()
    assert validations.runs == 1, "validation ran again with nothing changed"
    assert again == first  # the same lines, warnings included


def _edit_a_return(data: Path) -> None:
    edit_value(data / "partnerships" / "camden" / YEAR / "returns" / "council.csv", "front_door_referrals", "8901")


def _add_a_file(data: Path) -> None:
    (data / "partnerships" / "camden" / YEAR / "returns" / "late.csv").write_text("indicator_id,value\n", "utf-8")


def _remove_a_file(data: Path) -> None:
    (data / "partnerships" / "camden" / YEAR / "returns" / "police.xlsx").unlink()


def _rename_a_file(data: Path) -> None:
    folder = data / "partnerships" / "camden" / YEAR
    (folder / "lists.csv").rename(folder / "lists.xlsx")


def _add_an_empty_folder(data: Path) -> None:
    (data / "partnerships" / "camden" / "2019-20").mkdir()  # validation looks for last year's folder


def _edit_a_catalogue(data: Path) -> None:
    path = data / "reference" / "indicators.csv"
    path.write_bytes(path.read_bytes().replace(b"Referrals", b"Referrals received", 1))


def _edit_another_partnership(data: Path) -> None:
    path = data / "partnerships" / "pan-dorset" / "partnership.toml"
    path.write_text(path.read_text("utf-8") + "\n# edited\n", "utf-8")


@pytest.mark.parametrize("change", [_edit_a_return, _add_a_file, _remove_a_file, _rename_a_file,
                                    _add_an_empty_folder, _edit_a_catalogue, _edit_another_partnership])
def test_a_change_to_any_file_validation_could_read_validates_again(validations, data, change):
    validations.check()
    change(data)
    try:
        validations.check()
    except InputError:
        pass  # (some changes leave the folder invalid: refused, it was validated again all the same)
    assert validations.runs == 2, f"{change.__name__}: the remembered validation was used"


def test_files_written_again_with_the_same_bytes_are_not_a_change(validations, data):
    validations.check()
    for path in (data / "partnerships").rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes())
    validations.check()
    assert validations.runs == 1


@pytest.mark.parametrize("other", [{"year": "2024-25"}, {"area": "camden"}, {"environment": "another environment"},
                                   {"force": True}])
def test_another_year_area_or_environment_or_force_validates_again(validations, other):
    validations.check()
    validations.check(**other)
    assert validations.runs == 2, other


def test_a_change_to_the_package_code_validates_again(validations, tmp_path, monkeypatch):
    package = tmp_path / "package"
    shutil.copytree(validation_memo.PACKAGE_DIR / "inputs", package / "inputs",
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(validation_memo, "PACKAGE_DIR", package)
    validations.check()
    module = package / "inputs" / "rules.py"
    module.write_text(module.read_text("utf-8") + "\n# a changed rule\n", "utf-8")
    validations.check()
    assert validations.runs == 2


def test_a_failed_validation_is_not_remembered_and_a_passed_one_is_not_used_for_bad_files(validations, data):
    validations.check()
    memo_before = validations.memo.read_bytes()
    council = data / "partnerships" / "camden" / YEAR / "returns" / "council.csv"
    good = council.read_bytes()
    edit_value(council, "front_door_referrals", "many")
    for attempt in (1, 2):
        with pytest.raises(InputError) as refused:
            validations.check()
        assert "council.csv, row 5, column value: value must be a number (value: 'many')" in str(refused.value)
        assert validations.runs == 1 + attempt  # refused each time: a refusal is never remembered
        assert validations.memo.read_bytes() == memo_before
    council.write_bytes(good)  # put right: the earlier validation holds again
    validations.check()
    assert validations.runs == 3


@pytest.mark.parametrize("damage", ["{", '{"key": "%s"}', '{"key": "%s", "messages": [1]}', '["not a memo"]'])
def test_a_damaged_memo_is_not_trusted(validations, damage):
    validations.check()
    key = validation_memo.validation_key(YEAR, AREA, validations.data, ENVIRONMENT)
    validations.memo.write_text(damage.replace("%s", key), "utf-8")
    validations.check()
    assert validations.runs == 2


def test_validation_reads_only_files_in_the_folders_the_memo_hashes(data):
    """Every file validation opens and every folder it lists, with last year's edition beside the
    year's, lies inside the folders whose every file is in the memo's key."""
    data = data.resolve()
    seen: list[str] = []
    recording = [True]

    def record(event: str, args: tuple) -> None:
        if not recording[0]:
            return
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            seen.append(os.path.abspath(os.fsdecode(args[0])))
        elif event in ("os.listdir", "os.scandir") and args and isinstance(args[0], (str, bytes, os.PathLike)):
            seen.append(os.path.abspath(os.fsdecode(args[0])))

    sys.addaudithook(record)  # (a hook cannot be removed: it stops recording at the end)
    try:
        report = validate_module.validate_edition(YEAR, AREA, data)
    finally:
        recording[0] = False
    assert not report.errors and any("previous edition" in note for note in report.notes)
    in_data = {path for path in seen if path.startswith(str(data) + os.sep)}
    assert any(path.endswith("council.csv") for path in in_data)  # the recording works
    folders = [str(folder.resolve()) + os.sep for folder in validation_memo.validation_folders(data)]
    outside = sorted(path for path in in_data if not any((path + os.sep).startswith(folder) for folder in folders))
    assert not outside, outside
    # Nor anything of the project's but the package's code (in the key too) and the Python environment.
    project = validation_memo.PROJECT_ROOT
    hashed = (str(validation_memo.PACKAGE_DIR) + os.sep, str(Path(sys.prefix).resolve()) + os.sep)
    in_project = sorted(path for path in seen if path.startswith(str(project) + os.sep) and "__pycache__" not in path
                        and not any(path.startswith(prefix) for prefix in hashed))
    assert not in_project, in_project


def test_with_a_symbolic_link_among_the_files_validation_runs_every_time(validations, data, tmp_path):
    validations.check()
    figures = data / "partnerships" / "camden" / YEAR / "lists.csv"
    elsewhere = tmp_path / "lists-elsewhere.csv"
    elsewhere.write_bytes(figures.read_bytes())
    figures.unlink()
    figures.symlink_to(elsewhere)  # the same bytes, but a link: validation refuses it
    for attempt in (1, 2):
        with pytest.raises(InputError, match="symbolic link"):
            validations.check()
        assert validations.runs == 1 + attempt


def test_a_broken_link_in_another_partnerships_folder_does_not_stop_the_build(validations, data):
    # (An editor's lock file is such a link.) Validation reads nothing there; it runs, and passes.
    (data / "partnerships" / "pan-dorset" / ".#partnership.toml").symlink_to("no-such-file")
    lines = validations.check()
    assert lines[-1].startswith("Checked the input files: no errors") and validations.runs == 1
    validations.check()
    assert validations.runs == 2  # (never remembered while the link is there)


def test_a_file_saved_while_validation_reads_them_is_not_remembered_as_valid(validations, data, monkeypatch):
    council = data / "partnerships" / "camden" / YEAR / "returns" / "council.csv"
    real = validate_module.validate_for_build

    def saved_during(*args, **kwargs):
        report = real(*args, **kwargs)  # it read the valid file; now the partner saves a new one
        edit_value(council, "front_door_referrals", "many")
        return report

    monkeypatch.setattr(validate_module, "validate_for_build", saved_during)
    validations.check()  # passes: it read the file before it was saved
    assert not validations.memo.exists()
    monkeypatch.setattr(validate_module, "validate_for_build", real)
    with pytest.raises(InputError, match="'many'"):
        validations.check()


def test_something_that_is_not_a_file_is_never_read_and_leaves_validation_to_run(validations, data):
    os.mkfifo(data / "partnerships" / "pan-dorset" / "a-pipe")  # reading it would wait for a writer
    validations.check()
    validations.check()
    assert validations.runs == 2  # (the key could not be known: nothing remembered, nothing waited)
