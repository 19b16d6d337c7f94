"""How the validation treats the malformed-returns corpus: precise, vague, crash or silent.

Runs every case in tests/fixtures/malformed_returns through ``validate`` (and, when accepted,
reads every figure as the pages do), as tests/unit/test_return_corpus.py does, and prints the
verdict of each case and the counts. The test asserts every case is precise; this script
shows the counts (and the cases that are not) when something changes.

    .venv/bin/python benchmarks/return_corpus.py [--verbose]
"""
from __future__ import annotations

import argparse
import collections
import contextlib
import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path[:0] = [str(TESTS), str(TESTS / "fixtures" / "synthetic_2025_26")]

from support.return_corpus import apply_case, case_folders, judge, read_case, warning_keys  # noqa: E402


def filled_return_set(root: Path) -> tuple[Path, set[str]]:
    from analysis import cli
    from analysis.inputs.validate import validate_edition
    from synthetic_fill import copy_data, fill_all

    data = copy_data(root, national=False)
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(["new-edition", "2025-26", "--data-dir", str(data), "--allow-data-outside-project"]) == 0
    fill_all(data)
    return data, warning_keys(validate_edition("2025-26", None, data).warnings, data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print the report of every case that is not precise")
    args = parser.parse_args()
    counts: collections.Counter = collections.Counter()
    by_outcome: collections.Counter = collections.Counter()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as temporary:
        base, baseline = filled_return_set(Path(temporary) / "base")
        for folder in case_folders():
            case = read_case(folder)
            data = Path(temporary) / "case" / "data"
            shutil.rmtree(data.parent, ignore_errors=True)
            shutil.copytree(base, data, symlinks=True)
            apply_case(data, case)
            verdict = judge(data, case, baseline)
            counts[verdict.kind] += 1
            by_outcome[case["outcome"]] += 1
            print(f"{verdict.kind:8} {case['outcome']:9} {folder.name}: {verdict.why}")
            if args.verbose and verdict.kind != "precise":
                print("    " + verdict.report.replace("\n", "\n    ")[-2000:])
    total = sum(counts.values())
    print(f"\n{total} cases ({', '.join(f'{by_outcome[k]} {k}' for k in ('refused', 'warned', 'accepted'))}) "
          f"in {time.perf_counter() - started:.1f} s")
    print("  " + ", ".join(f"{counts[kind]} {kind}" for kind in ("precise", "vague", "crash", "silent")))
    return 0 if counts["precise"] == total else 1


if __name__ == "__main__":
    sys.exit(main())
