"""How well calibrated are the book's year-on-year verdicts? One line per national indicator.

For every local authority and every pair of consecutive years in the national extract, the
change is tested twice: with the plain test (Poisson counts, binomial proportions: the exact
conditional test for counts and rates, the z-test or Fisher's test for percentages) and with
the method the book now uses for that indicator (analysis.stats.dispersion: plain, over-dispersed
or not tested). The script prints the indicator's dispersion (average z squared under the plain
test), how many pairs it was measured on, and the share of pairs called significant at 95% by
each; then the same for the one pair of years the scrutineer looked at (2022-23 to 2023-24).

A calibrated test calls about 5% of unchanged authorities significant; where most authorities
really did change, more. A plain-test share far above the over-dispersed share is over-claiming.

    .venv/bin/python benchmarks/verdict_calibration.py [--data-dir DATA] [--year 2024]
"""
from __future__ import annotations

import argparse
import sys
import time

import pandas as pd

from analysis.config import data_paths
from analysis.national.load import load_national, national_catalogue
from analysis.stats import significance as stats
from analysis.stats.dispersion import NOT_TESTED, QUASI, dispersion_table, pair_statistics


def _significant(row, kind: str, dispersion: float | None) -> bool:
    """Whether one authority's change is significant at 95%: the plain test when ``dispersion`` is None."""
    if kind == "proportion":
        if dispersion is None:
            return stats.compare_proportions(row.x1, row.t1, row.x2, row.t2).significant
        return stats.compare_proportions_overdispersed(row.x1, row.t1, row.x2, row.t2, dispersion).significant
    populations = (None, None) if kind == "count" else (row.t1, row.t2)
    if dispersion is None:
        if float(row.x1).is_integer() and float(row.x2).is_integer():
            return stats.compare_counts(row.x1, row.x2, *populations).significant
        return abs(row.z) > 1.959964  # a count published with decimals: the plain normal test
    return stats.compare_counts_overdispersed(row.x1, row.x2, dispersion, *populations).significant


def calibration(data_dir=None, year: int = 2024) -> pd.DataFrame:
    paths = data_paths(data_dir)
    national = load_national(paths.national)
    catalogue = national_catalogue(paths.reference)
    methods = dispersion_table(str(paths.national), str(paths.reference)).set_index("indicator_id")
    out = []
    for indicator_id in catalogue["indicator_id"]:
        chosen = methods.loc[indicator_id]
        pairs = pair_statistics(national[national["indicator_id"] == indicator_id], chosen["kind"])
        scale = chosen["dispersion"] if chosen["method"] == QUASI else None
        plain = [_significant(r, chosen["kind"], None) for r in pairs.itertuples()]
        if chosen["method"] == NOT_TESTED:
            book = [False] * len(pairs)
        else:
            book = [_significant(r, chosen["kind"], scale) for r in pairs.itertuples()]
        pairs = pairs.assign(plain=plain, book=book)
        one = pairs[pairs["time_period"] == year]
        out.append({
            "indicator_id": indicator_id, "kind": chosen["kind"], "pairs": len(pairs),
            "dispersion": chosen["dispersion"], "method": chosen["method"],
            "plain_flagged": pairs["plain"].mean() if len(pairs) else float("nan"),
            "book_flagged": pairs["book"].mean() if len(pairs) else float("nan"),
            f"las_{year}": len(one), f"plain_{year}": int(one["plain"].sum()), f"book_{year}": int(one["book"].sum()),
        })
    return pd.DataFrame(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default=None, help="the data folder (default: the project's data/)")
    parser.add_argument("--year", type=int, default=2024,
                        help="the later DfE year of the one pair also shown (default 2024: 2022-23 to 2023-24)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    table = calibration(args.data_dir, args.year)
    y = args.year
    print(f"{'indicator':44} {'kind':10} {'pairs':>5} {'disp.':>7} {'method':14} {'plain':>6} {'book':>6}"
          f"   {y - 1}->{y}: plain / book of LAs")
    for r in table.itertuples():
        d = r._asdict()
        print(f"{r.indicator_id:44} {r.kind:10} {r.pairs:5d} {r.dispersion:7.2f} {r.method:14} "
              f"{r.plain_flagged:6.1%} {r.book_flagged:6.1%}   {d[f'plain_{y}']:3d} / {d[f'book_{y}']:3d} of {d[f'las_{y}']}")
    tested = table[table["method"] != NOT_TESTED]
    print(f"\nAll tested indicators: plain test flags {tested['plain_flagged'].mean():.1%} of authority-year pairs "
          f"on average, the book's method {tested['book_flagged'].mean():.1%}. Methods: "
          + ", ".join(f"{m} {n}" for m, n in table["method"].value_counts().items())
          + f". ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
