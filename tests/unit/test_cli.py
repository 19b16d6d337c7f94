"""The command line: help, exit codes, messages without tracebacks."""
from __future__ import annotations

import subprocess
import re
import sys
from pathlib import Path

import pytest

from analysis import cli
from analysis.build import pipeline
from analysis.build.failures import BuildFailed
from analysis.errors import InputError, InputProblem, ParameterError
from analysis.periods import ReportYear


def run(capsys, *argv):
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def year_message(text):
    with pytest.raises(ParameterError) as caught:
        ReportYear.parse(text)
    return str(caught.value)


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    commands = out.split("commands:", 1)[1].split("examples:", 1)[0]
    listed = re.findall(r"^    ([a-z][a-z-]*)", commands, flags=re.MULTILINE)
    # Every command the Makefile wraps is listed, and nothing else.
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    wrapped = set(re.findall(r"-m analysis ([a-z-]+)", makefile))
    assert sorted(listed) == sorted(wrapped), out
    assert "examples:" in out


def test_build_help_explains_every_option_with_defaults(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["build", "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    for option in ("--year", "--area", "--data-dir", "--jobs", "--stage-dir", "--site-dir"):
        assert option in out
    assert "default: the partnership that supplies its own figures" in " ".join(out.split()) and "(default: 2)" in out
    assert "examples:" in out and "exit codes:" in out


def test_module_entry_point_runs():
    completed = subprocess.run([sys.executable, "-m", "analysis", "--help"],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0 and "build" in completed.stdout


def test_bad_year_exits_2_with_the_message_and_no_traceback():
    completed = subprocess.run([sys.executable, "-m", "analysis", "build", "--year", "2024/25"],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 2
    assert completed.stderr.strip() == f"error: {year_message('2024/25')}"
    assert "Traceback" not in completed.stderr


def test_bad_area_exits_2(capsys):
    code, _, err = run(capsys, "build", "--year", "2024-25", "--area", "E0900007")
    assert code == 2
    assert err.strip() == (
        "error: area code 'E0900007' is not an ONS area code: E followed by 8 digits"
    )


def test_an_unknown_partnership_id_exits_2_naming_the_partnerships_there_are(capsys):
    code, _, err = run(capsys, "build", "--year", "2024-25", "--area", "nowhere")
    assert code == 2
    assert "no partnership 'nowhere' in data/partnerships" in err and "camden, pan-dorset" in err


def test_missing_year_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["build"])
    assert caught.value.code == 2
    assert "--year" in capsys.readouterr().err


def test_no_command_prints_help_and_exits_2(capsys):
    code, _, err = run(capsys)
    assert code == 2 and "build" in err


def test_build_passes_the_options_to_the_pipeline(capsys, monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(pipeline, "build_edition", lambda *a, **k: calls.append((a, k)))
    monkeypatch.chdir(tmp_path)
    code, _, _ = run(capsys, "build", "--year", "2025-26", "--area", "E09000001",
                     "--data-dir", "data", "--jobs", "3", "--site-dir", "out")
    assert code == 0
    (args, kwargs), = calls
    assert args == ("2025-26", "E09000001")
    assert kwargs["data_dir"] == tmp_path / "data" and kwargs["jobs"] == 3
    assert kwargs["site_dir"] == tmp_path / "out"


def test_build_failure_exits_1_with_the_message(capsys, monkeypatch):
    def fail(*args, **kwargs):
        raise BuildFailed("1 problem stopped the build:\n  - notebooks/x.ipynb, cell 3")

    monkeypatch.setattr(pipeline, "build_edition", fail)
    code, _, err = run(capsys, "build", "--year", "2024-25")
    assert code == 1
    assert "notebooks/x.ipynb, cell 3" in err and "Traceback" not in err


def _fake_importer(monkeypatch, function):
    monkeypatch.setattr("analysis.national.importer.import_national", function)


def test_import_national_calls_the_importer(capsys, monkeypatch, tmp_path):
    calls = []

    class Summary:
        def report(self):
            return "synthetic import report"

    def importer(folder, output, *, log=None):
        calls.append((folder, output))
        log("reading synthetic.csv")
        return Summary()

    _fake_importer(monkeypatch, importer)
    code, out, _ = run(capsys, "import-national", str(tmp_path), "--output", str(tmp_path / "out"))
    assert code == 0
    assert calls == [(tmp_path, tmp_path / "out")]
    assert "reading synthetic.csv" in out and "synthetic import report" in out


def test_import_national_with_the_real_importer_refuses_a_folder_without_ees_files(capsys, tmp_path):
    (tmp_path / "synthetic_not_ees.csv").write_text("this,is\nnot,an EES file\n")
    code, _, err = run(capsys, "import-national", str(tmp_path), "--output", str(tmp_path / "out"))
    assert code == 1
    assert err.startswith("error: ") and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_import_national_input_error_exits_1(capsys, monkeypatch, tmp_path):
    problem = InputProblem(file="cin.csv", rule="time_period must be a year", row=4,
                           column="time_period", value="2025/26")

    def importer(folder, output, *, log=None):
        raise InputError([problem])

    _fake_importer(monkeypatch, importer)
    code, _, err = run(capsys, "import-national", str(tmp_path), "--output", str(tmp_path / "out"))
    assert code == 1
    assert str(problem) in err and "Traceback" not in err


def test_import_national_missing_folder_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "import-national", str(tmp_path / "nowhere"))
    assert code == 2
    assert err.strip() == f"error: folder {tmp_path / 'nowhere'} does not exist or is not a folder"


def test_without_area_the_partnerships_own_area_is_used(tmp_path):
    import argparse
    import tomllib

    from tests.support.partnerships import write_synthetic_partnership

    from analysis.config import PROJECT_ROOT
    from analysis.errors import ParameterError

    camden = tomllib.loads((PROJECT_ROOT / "data" / "partnerships" / "camden" / "partnership.toml").read_text())
    assert cli._partnership_area(argparse.Namespace(data_dir=None)) == camden["local_authorities"][0]
    (tmp_path / "reference").mkdir()  # a data folder that configures no partnership
    with pytest.raises(ParameterError, match="no --area given, and no partnership in .* supplies its own figures"):
        cli._partnership_area(argparse.Namespace(data_dir=tmp_path))
    write_synthetic_partnership(tmp_path, "first")
    assert cli._partnership_area(argparse.Namespace(data_dir=tmp_path)) == "E09000007"
    write_synthetic_partnership(tmp_path, "second", codes=("E09000019",))
    with pytest.raises(ParameterError, match=r"several partnerships supply their own figures \(first, second\)"):
        cli._partnership_area(argparse.Namespace(data_dir=tmp_path))
