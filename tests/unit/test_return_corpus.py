"""The malformed-returns corpus: every case refused, warned about or accepted exactly as it says.

One folder per case in tests/fixtures/malformed_returns (see its README.md); each is a single
change to a correctly filled SYNTHETIC 2025-26 return set. A case passes only when the
result is precise (tests/support/return_corpus.py says what that means): never a traceback,
never silent, and every refusal naming the file, sheet, row, column and rule expected.
``python benchmarks/return_corpus.py`` prints the counts.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "synthetic_2025_26"))

from support.return_corpus import apply_case, case_folders, judge, read_case, warning_keys  # noqa: E402

CASES = case_folders()


@pytest.fixture(scope="module")
def filled_return_set(tmp_path_factory):
    """The correctly filled SYNTHETIC 2025-26 return set, and the warnings it gives as it is."""
    from analysis import cli
    from analysis.inputs.validate import validate_edition
    from synthetic_fill import copy_data, fill_all

    data = copy_data(tmp_path_factory.mktemp("filled-returns"), national=False)
    assert cli.main(["new-edition", "2025-26", "--data-dir", str(data), "--allow-data-outside-project"]) == 0
    fill_all(data)
    report = validate_edition("2025-26", None, data)
    assert report.ok, report.format()
    return data, warning_keys(report.warnings, data)


def test_the_corpus_has_at_least_eighty_cases_of_each_outcome_it_claims():
    outcomes = [read_case(folder)["outcome"] for folder in CASES]
    assert len(CASES) >= 80
    assert {"refused", "warned", "accepted"} <= set(outcomes)


@pytest.mark.parametrize("folder", CASES, ids=[folder.name for folder in CASES])
def test_case(folder, filled_return_set, tmp_path):
    base, baseline_warnings = filled_return_set
    data = tmp_path / "data"
    shutil.copytree(base, data, symlinks=True)
    case = read_case(folder)
    apply_case(data, case)
    verdict = judge(data, case, baseline_warnings)
    assert verdict.kind == "precise", f"{folder.name} ({case['what_is_wrong']}): {verdict.kind}: {verdict.why}\n{verdict.report[-3000:]}"
