"""How much more the national figures vary from one year to the next than a plain test assumes.

The book's plain year-on-year tests treat a count as a Poisson count, a rate as a Poisson
count over its denominator and a percentage as a binomial proportion. Under those
assumptions the test statistic z of an authority's change between two years is about
standard normal when nothing has changed, so z squared averages 1. Many children's social
care figures vary much more than that from year to year: missing incidents cluster within
children, referrals move with local practice. Their plain test would call ordinary
year-to-year movement "statistically significant".

The **dispersion** of an indicator is measured on the national extract itself: the average of
z squared over every local authority and every pair of consecutive years with published
figures (:func:`pair_statistics`, :func:`dispersion_of`). It is the Pearson chi-square
statistic divided by its degrees of freedom, the dispersion a quasi-Poisson or
quasi-binomial model estimates (statsmodels' ``scale='X2'``) for a model with one
underlying rate per authority and pair of years, that is "no change".

How the book tests a change in an indicator (:func:`choose_method`):

* an **estimate** (the catalogue's ``kind``, such as the ONS mid-year population estimate):
  no test (:data:`NOT_TESTED`);
* dispersion at most :data:`OVERDISPERSION_THRESHOLD`, or too few authority-year pairs in
  the extract to measure it (:data:`MINIMUM_PAIRS`): the plain test (:data:`PLAIN`);
* dispersion above the threshold: the **over-dispersed** test (:data:`QUASI`): the plain
  normal test with the variance multiplied by the dispersion, which is the same as the
  plain test on counts divided by the dispersion
  (:func:`analysis.stats.significance.compare_counts_overdispersed`,
  :func:`analysis.stats.significance.compare_proportions_overdispersed`).

The z of each pair is the score (Pearson) statistic of the plain test:

* counts and rates: given the total n = x1 + x2 and populations t1, t2 (1 for a count),
  z = (x2 - n p0) / sqrt(n p0 (1 - p0)) with p0 = t2 / (t1 + t2);
* percentages: the two-proportion z with the pooled proportion.

A pair that carries no information (both counts zero, or a pooled proportion of 0 or 1)
is left out. Computing this takes a few milliseconds an indicator; it is done once per
national extract in a process (:func:`dispersion_table` by the extract's folder, and
:func:`indicator_dispersion` by the frame given). In a build, the whole table (about 0.7 s) is
worked out once for all pages and editions: :func:`dispersion_table` keeps it in the build's
shared cache (``ANALYSIS_SHARED_CACHE``) under the SHA-256 of the national figures, the
catalogue, this module's code and the versions of Python and the libraries it uses.
"""
from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import SHARED_CACHE_VARIABLE
from analysis.files import kept
from analysis.national.indicators import ESTIMATE  # the catalogue's kind of an indicator never tested
from analysis.stats.frame_cache import frame_cache, rows_of


def _scipy_stats():
    """scipy.stats, imported the first time a test needs it: the import takes half a second in
    every notebook's kernel, and many pages never test anything."""
    from scipy import stats

    return stats

#: Above this dispersion a plain test would flag too many authorities by chance, and the
#: over-dispersed test is used. At this dispersion the plain test at 95% flags about 7 in 100
#: unchanged authorities instead of 5 in 100 (:func:`chance_flagged_share`).
OVERDISPERSION_THRESHOLD = 1.2
#: With fewer authority-year pairs than this in the extract the dispersion is not measured
#: and the plain test is kept.
MINIMUM_PAIRS = 30

PLAIN, QUASI, NOT_TESTED = "plain", "over-dispersed", "not tested"


def tested_as(unit: str) -> str:
    """How a change in a figure of this unit is tested: 'count', 'rate' or 'proportion'."""
    return "count" if unit == "count" else "proportion" if unit == "percentage" else "rate"


def pair_statistics(rows: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The plain test's z for every local authority and pair of consecutive years.

    ``rows``: the extract's rows of one indicator (any geographic level: only local
    authorities are used; rows with a DfE symbol are left out). ``kind``: 'count', 'rate'
    or 'proportion' (:func:`tested_as`). Columns: area_code, time_period (the later year),
    x1, t1, x2, t2, z.
    """
    columns = ["area_code", "time_period", "x1", "t1", "x2", "t2", "z"]
    if kind not in ("count", "rate", "proportion"):
        raise ValueError(f"kind must be 'count', 'rate' or 'proportion'; got {kind!r}")
    las = rows
    if "geographic_level" in rows:
        las = rows[rows["geographic_level"] == "Local authority"]
    if "symbol" in las:
        las = las[las["symbol"].fillna("") == ""]
    if kind == "count":
        frame = pd.DataFrame({"area_code": las["area_code"], "time_period": las["time_period"].astype(int),
                              "x": pd.to_numeric(las["value"], errors="coerce"), "t": 1.0})
    else:
        frame = pd.DataFrame({"area_code": las["area_code"], "time_period": las["time_period"].astype(int),
                              "x": pd.to_numeric(las["numerator"], errors="coerce"),
                              "t": pd.to_numeric(las["denominator"], errors="coerce")})
    frame = frame.dropna().drop_duplicates(["area_code", "time_period"])
    frame = frame[(frame["x"] >= 0) & (frame["t"] > 0)]
    earlier = frame.assign(time_period=frame["time_period"] + 1)
    pairs = earlier.merge(frame, on=["area_code", "time_period"], suffixes=("1", "2"))
    x1, t1, x2, t2 = (pairs[c].to_numpy(float) for c in ("x1", "t1", "x2", "t2"))
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "proportion":
            pooled = (x1 + x2) / (t1 + t2)
            se = np.sqrt(pooled * (1 - pooled) * (1 / t1 + 1 / t2))
            z = (x2 / t2 - x1 / t1) / se
            informative = (se > 0) & (x1 <= t1) & (x2 <= t2)
        else:
            n = x1 + x2
            p0 = t2 / (t1 + t2)
            z = (x2 - n * p0) / np.sqrt(n * p0 * (1 - p0))
            informative = n > 0
    pairs["z"] = z
    return pairs.loc[informative, columns].reset_index(drop=True)


def dispersion_of(z) -> float:
    """The average of z squared (NaN when there is no z)."""
    z = np.asarray(z, dtype=float)
    return float(np.mean(z * z)) if len(z) else float("nan")


def chance_flagged_share(dispersion: float, confidence: float = 0.95) -> float:
    """The share of unchanged authorities a plain test at ``confidence`` flags as significant
    when the figures vary ``dispersion`` times as much as it assumes: P(chi2_1 > c / dispersion),
    c the test's critical value (3.84 at 95%)."""
    critical = _scipy_stats().chi2.ppf(confidence, 1)
    return float(_scipy_stats().chi2.sf(critical / dispersion, 1))


def choose_method(dispersion: float, pairs: int, estimate: bool = False) -> str:
    """:data:`NOT_TESTED` for an estimate; :data:`QUASI` when the dispersion, measured on at
    least :data:`MINIMUM_PAIRS` pairs, is above :data:`OVERDISPERSION_THRESHOLD`; else :data:`PLAIN`."""
    if estimate:
        return NOT_TESTED
    if pairs >= MINIMUM_PAIRS and dispersion > OVERDISPERSION_THRESHOLD:
        return QUASI
    return PLAIN


@dataclass(frozen=True)
class Dispersion:
    """One indicator's dispersion in the national extract and the test the book uses for it."""

    indicator_id: str
    kind: str  # count, rate or proportion
    pairs: int  # local authority and consecutive-year pairs measured
    dispersion: float  # average z squared under the plain test
    method: str  # PLAIN, QUASI or NOT_TESTED
    flagged_plain: float  # share of the pairs with |z| > 1.96 under the plain test (normal approximation)

    @property
    def scale(self) -> float:
        """What the test's variance is multiplied by: the dispersion for the over-dispersed test, else 1."""
        return self.dispersion if self.method == QUASI else 1.0


def _is_estimate(meta) -> bool:
    return str(meta.get("kind", "") if hasattr(meta, "get") else "") == ESTIMATE


def measure(rows: pd.DataFrame, indicator_id: str, unit: str, estimate: bool = False,
            confidence: float = 0.95) -> Dispersion:
    """The :class:`Dispersion` of one indicator from its rows of the extract."""
    kind = tested_as(unit)
    z = pair_statistics(rows, kind)["z"].to_numpy(float)
    value = dispersion_of(z)
    critical = float(_scipy_stats().norm.ppf(1 - (1 - confidence) / 2))
    flagged = float(np.mean(np.abs(z) > critical)) if len(z) else float("nan")
    return Dispersion(indicator_id, kind, len(z), value, choose_method(value, len(z), estimate), flagged)


# ------------------------------------------------------------------------------------
# Computed once per extract
# ------------------------------------------------------------------------------------
def indicator_dispersion(national: pd.DataFrame, meta) -> Dispersion:
    """The :class:`Dispersion` of the indicator whose catalogue row is ``meta`` (indicator_id,
    unit and, when the catalogue has it, kind), measured on ``national`` and kept for as long
    as that frame lives, so each page computes it once."""
    key = (str(meta["indicator_id"]), str(meta["unit"]), _is_estimate(meta))
    cache = frame_cache(national)
    if key not in cache:
        cache[key] = measure(rows_of(national, "indicator_id", key[0]), *key)
    return cache[key]


def table_from(national: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Every catalogue indicator's :class:`Dispersion` as a table, in catalogue order."""
    rows = [indicator_dispersion(national, meta) for meta in catalogue.to_dict("records")]
    return pd.DataFrame([vars(r) | {"scale": r.scale} for r in rows]) if rows else pd.DataFrame(
        columns=["indicator_id", "kind", "pairs", "dispersion", "method", "flagged_plain", "scale"])


@lru_cache(maxsize=4)
def dispersion_table(national_dir: str, reference_dir: str) -> pd.DataFrame:
    """:func:`table_from` for the extract in ``national_dir`` and the catalogue in
    ``reference_dir``, computed once per process for each extract, and once per build when the
    build gives a shared cache (:func:`shared_table_path`)."""
    from analysis.national.load import load_national, national_catalogue

    national, catalogue = load_national(Path(national_dir)), national_catalogue(Path(reference_dir))
    return kept(shared_table_path(national, catalogue), lambda: table_from(national, catalogue))


def shared_table_path(national: pd.DataFrame, catalogue: pd.DataFrame) -> Path | None:
    """Where the build's shared cache keeps the table for these figures (None outside a build).

    The name is the SHA-256 of everything the table is worked out from: both frames' contents,
    the code of this module and of the catalogue's kinds, and the versions of Python, numpy, pandas and scipy."""
    folder = os.environ.get(SHARED_CACHE_VARIABLE)
    if not folder:
        return None
    digest = hashlib.sha256()
    for frame in (national, catalogue):
        digest.update(",".join(map(str, frame.columns)).encode("utf-8"))
        digest.update(pd.util.hash_pandas_object(frame, index=True).values.tobytes())
    from analysis.national import indicators  # ESTIMATE, the kind never tested

    for module_file in (__file__, indicators.__file__):
        digest.update(Path(module_file).read_bytes())
    digest.update(sys.version.encode("utf-8"))
    for library in ("numpy", "pandas", "scipy"):
        digest.update(f"{library} {metadata.version(library)}".encode("utf-8"))
    return Path(folder) / f"dispersion-{digest.hexdigest()}.pkl"
