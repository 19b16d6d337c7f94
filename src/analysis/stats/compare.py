"""Comparisons for the book, as numbers: trends, benchmarks against neighbours, region and
England, and year-on-year changes with the test behind them.

All functions take the frame returned by :func:`analysis.national.load.load_national`
(or any frame with the same columns) and the national indicator catalogue, which says
each indicator's unit, period type and polarity. They return values, DfE symbols, ranks,
quartile bands, test results and directions; :mod:`analysis.present.wording` and
:mod:`analysis.present.formatting` turn them into words and figures.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pandas as pd

from analysis.national.load import UnknownAreaError, UnknownIndicatorError
from analysis.periods import period_label
from analysis.present.formatting import display_decimals
from analysis.rounding import round_half_up
from analysis.stats import significance as stats
from analysis.stats.dispersion import ESTIMATE, NOT_TESTED, PLAIN, QUASI, indicator_dispersion, tested_as
from analysis.stats.frame_cache import rows_of
from analysis.vocabulary import DOWN, NOT_COMPARABLE, POLARITIES, SAME, UP

LONDON_SUBREGIONS = {"E13000001": "E12000007", "E13000002": "E12000007"}
#: With fewer neighbours than this having a value, their average is too thin to stand for
#: "similar areas", so the book shows how many had one instead of an average.
MINIMUM_NEIGHBOURS_FOR_AVERAGE = 5

# Why a change is not tested, by the catalogue's kind of indicator.
NOT_TESTED_REASONS = {ESTIMATE: "an estimate"}


# --------------------------------------------------------------------------------------
# Looking up
# --------------------------------------------------------------------------------------
def _indicator_rows(national: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    rows = rows_of(national, "indicator_id", indicator_id)
    if rows.empty:
        known = sorted(national["indicator_id"].unique())
        raise UnknownIndicatorError(
            f"no national indicator {indicator_id!r} in the extract; known indicators: {', '.join(known)}"
        )
    return rows


def catalogue_entry(catalogue: pd.DataFrame, indicator_id: str) -> pd.Series:
    """The indicator's row of the catalogue (its unit, period_type and polarity)."""
    found = catalogue[catalogue["indicator_id"] == indicator_id]
    if found.empty:
        raise UnknownIndicatorError(f"indicator {indicator_id!r} is not in the catalogue given")
    return found.iloc[0]


def _check_polarity(polarity: str) -> None:
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {', '.join(POLARITIES)}; got {polarity!r}")


def _source_decimals(row: pd.Series) -> int | None:
    """How many decimals the source published the value with (None when not recorded)."""
    return int(row["decimals"]) if "decimals" in row and not pd.isna(row["decimals"]) else None


# --------------------------------------------------------------------------------------
# Trend
# --------------------------------------------------------------------------------------
def joined_predecessors(national: pd.DataFrame, area_code: str, predecessors) -> list[str]:
    """The predecessors whose series continues the area's: those DfE publishes under the
    area's own three digit authority code (a county council replaced by one unitary authority
    keeps its code). A predecessor split between several successors, each with a code of its
    own, is not joined."""
    def old_codes(code: str) -> set[str]:
        column = rows_of(national, "area_code", code)["old_la_code"] if "old_la_code" in national else []
        return {str(c) for c in column if str(c) not in ("", "nan")}

    own = old_codes(area_code)
    return [code for code in predecessors if own and old_codes(code) == own]


def trend(national: pd.DataFrame, indicator_id: str, area_code: str, catalogue: pd.DataFrame,
          predecessors=()) -> pd.DataFrame:
    """Every year available for one indicator and area, oldest first.

    Columns: indicator_id, time_period, period (its label, e.g. "2024-25"), area_code,
    area_name, value, symbol, numerator, denominator, decimals (as published).

    ``predecessors``: codes of authorities the area replaced. The years the area itself
    has no row for are taken from a predecessor published under the same DfE authority
    code (:func:`joined_predecessors`); such rows keep the predecessor's area_code, so a
    page can say which years they are.
    """
    rows = _indicator_rows(national, indicator_id)
    area_rows = rows[rows["area_code"] == area_code]
    joined = joined_predecessors(national, area_code, predecessors)
    for code in joined:
        earlier = rows[(rows["area_code"] == code) & ~rows["time_period"].isin(area_rows["time_period"])]
        area_rows = pd.concat([earlier, area_rows]) if len(earlier) else area_rows
    if area_rows.empty:
        if not (national["area_code"] == area_code).any():
            raise UnknownAreaError(f"unknown area code {area_code!r}: not in the national extract")
        raise UnknownAreaError(f"{indicator_id} has no values for area {area_code!r}")
    period_type = catalogue_entry(catalogue, indicator_id)["period_type"]
    out = area_rows.sort_values("time_period").copy()
    out["period"] = [period_label(t, period_type) for t in out["time_period"]]
    columns = ["indicator_id", "time_period", "period", "area_code", "area_name", "value", "symbol",
               "numerator", "denominator", "decimals"]
    return out.loc[:, [c for c in columns if c in out.columns]].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Benchmark
# --------------------------------------------------------------------------------------
@dataclass
class Benchmark:
    """An area's value next to its statistical neighbours, region and England, and its rank."""

    indicator_id: str
    area_code: str
    area_name: str
    time_period: int
    unit: str
    period_type: str
    polarity: str
    value: float  # the area's value (NaN when not published)
    symbol: str  # the area's DfE symbol ('' when published)
    decimals: int | None  # decimals the area's value was published with
    table: pd.DataFrame  # role (area, neighbours, region, england), area_code, area_name, value, symbol
    neighbours: pd.DataFrame  # each neighbour: rank, area_code, area_name, closeness, value, symbol
    neighbour_model: str
    neighbour_average: float  # simple mean of the neighbours that have a value (NaN when none has)
    neighbours_with_value: int
    rank: int | None  # among local authorities with a value; None when the area has none
    ranked: int  # how many local authorities were ranked
    quartile: int | None  # band 1 to 4 (1 = best, or lowest for a neutral indicator)
    not_ranked: list[str] = field(default_factory=list)  # LAs whose value is suppressed or not available

    @property
    def neighbours_in_model(self) -> int:
        """How many statistical neighbours the area has in the model (ten in DfE's)."""
        return len(self.neighbours)

    @property
    def neighbour_average_shown(self) -> bool:
        """Whether enough neighbours have a value for their average to be shown
        (:data:`MINIMUM_NEIGHBOURS_FOR_AVERAGE`)."""
        return self.neighbours_with_value >= MINIMUM_NEIGHBOURS_FOR_AVERAGE


def rank_values(values: pd.Series, polarity: str) -> pd.Series:
    """Rank 1 = best (highest for up_good, lowest for up_bad) or lowest (neutral); ties share
    the better rank."""
    _check_polarity(polarity)
    ascending = polarity != "up_good"
    return values.rank(method="min", ascending=ascending).astype(int)


def quartile_band(rank: int, ranked: int) -> int:
    """Quartile band of a rank among ``ranked`` authorities: ceil(4 x rank / ranked), 1 to 4.

    Band 1 holds rank 1, so it is the best quartile (up_good, up_bad) or the lowest
    (neutral), following :func:`rank_values`.
    """
    if not 1 <= rank <= ranked:
        raise ValueError(f"rank must be between 1 and the number ranked ({ranked}); got {rank!r}")
    return math.ceil(4 * rank / ranked)


def _neighbour_values(neighbours: pd.DataFrame, by_code: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """Each statistical neighbour's value; a neighbour with no row in the extract is 'x'."""
    if len(neighbours) and set(neighbours["area_code"]) != {area_code}:
        raise ValueError(
            f"the neighbours given are for {', '.join(sorted(set(neighbours['area_code'])))}, not {area_code}; "
            f"use load_neighbours({area_code!r})"
        )
    rows = []
    for n in neighbours.sort_values("rank").itertuples():
        found = by_code.loc[n.neighbour_code] if n.neighbour_code in by_code.index else None
        rows.append({"rank": n.rank, "area_code": n.neighbour_code, "area_name": n.neighbour_name,
                     "closeness": n.closeness,
                     "value": float(found["value"]) if found is not None else float("nan"),
                     "symbol": str(found["symbol"]) if found is not None else "x"})
    return pd.DataFrame(rows, columns=["rank", "area_code", "area_name", "closeness", "value", "symbol"])


def _region_codes(area: pd.Series) -> list[str]:
    """The region DfE publishes for the area (e.g. Inner London) and, when different, its English region."""
    region_code = area.get("region_code", "")
    regions = [region_code] if region_code else []
    english = area.get("english_region_code", "") or LONDON_SUBREGIONS.get(region_code, region_code)
    if english and english != region_code:
        regions.append(english)
    return regions


def benchmark(national: pd.DataFrame, neighbours: pd.DataFrame, indicator_id: str, area_code: str,
              time_period: int, catalogue: pd.DataFrame, abolished=()) -> Benchmark:
    """Compare an area with its statistical neighbours' average, its region(s) and England.

    * Statistical neighbours: the simple (unweighted) mean of the neighbours' values,
      as DfE's LAIT tool does; neighbours whose value is suppressed are left out and
      ``neighbours_with_value`` says how many were used. ``neighbours`` is the frame from
      :func:`analysis.national.load.load_neighbours` (it says which DfE model).
    * Region: the area's region as DfE publishes it (Inner or Outer London for London
      boroughs) and, when different, its English region (London).
    * Rank among all local authorities with a value that year (see :func:`rank_values`)
      and its quartile band. Authorities whose value is suppressed are not ranked and
      are listed in ``not_ranked``; ``abolished`` names the codes of authorities that no
      longer existed that year (DfE keeps rows for some, without a value), which are not
      listed there.
    """
    meta = catalogue_entry(catalogue, indicator_id)
    polarity = meta["polarity"]
    _check_polarity(polarity)
    rows = _indicator_rows(national, indicator_id)
    rows = rows[rows["time_period"] == int(time_period)]
    area = rows[rows["area_code"] == area_code]
    if area.empty:
        if not (national["area_code"] == area_code).any():
            raise UnknownAreaError(f"unknown area code {area_code!r}: not in the national extract")
        raise UnknownAreaError(f"{indicator_id} has no value for {area_code!r} in {time_period}")
    area = area.iloc[0]
    by_code = rows.set_index("area_code")

    def entry(role: str, code: str, name: str, value: float, symbol: str) -> dict:
        return {"role": role, "area_code": code, "area_name": name, "value": value, "symbol": symbol}

    table = [entry("area", area_code, area["area_name"], area["value"], area["symbol"])]

    neighbour_frame = _neighbour_values(neighbours, by_code, area_code)
    used = neighbour_frame["value"].dropna()
    average = float(used.mean()) if len(used) else float("nan")
    table.append(entry("neighbours", "", "", average, "" if len(used) else "x"))

    for code in _region_codes(area):
        if code in by_code.index:
            r = by_code.loc[code]
            table.append(entry("region", code, r["area_name"], r["value"], r["symbol"]))
    england = rows[rows["geographic_level"] == "National"]
    if len(england):
        e = england.iloc[0]
        table.append(entry("england", e["area_code"], e["area_name"], e["value"], e["symbol"]))

    las = rows[rows["geographic_level"] == "Local authority"]
    with_value = las[las["value"].notna()]
    ranks = rank_values(with_value.set_index("area_code")["value"], polarity)
    rank = int(ranks[area_code]) if area_code in ranks.index else None
    return Benchmark(
        indicator_id=indicator_id, area_code=area_code, area_name=str(area["area_name"]),
        time_period=int(time_period), unit=meta["unit"], period_type=meta["period_type"], polarity=polarity,
        value=float(area["value"]), symbol=str(area["symbol"]), decimals=_source_decimals(area),
        table=pd.DataFrame(table), neighbours=neighbour_frame,
        neighbour_model=str(neighbours["model"].iloc[0]) if len(neighbours) else "",
        neighbour_average=average, neighbours_with_value=len(used),
        rank=rank, ranked=len(ranks), quartile=None if rank is None else quartile_band(rank, len(ranks)),
        not_ranked=sorted(las.loc[las["value"].isna() & ~las["area_code"].isin(list(abolished)), "area_name"]),
    )


# --------------------------------------------------------------------------------------
# Year on year
# --------------------------------------------------------------------------------------
@dataclass
class YearOnYear:
    """A change between two years: the figures, the test behind them, and which way they moved."""

    kind: str  # how the change was tested: "count", "rate" or "proportion"
    unit: str  # how the two figures are shown: count, percentage, rate_per_10000 or ratio
    decimals: int  # decimal places the two figures are shown with
    previous: float  # the tested figures in display units (count, %, rate per 10,000 or ratio)
    current: float
    shown_previous: float  # the figures as shown: the published values when given, else previous and current
    shown_current: float
    change: float  # current - previous
    relative_change: float  # change / previous
    test: stats.ChangeTest | None
    direction: str  # UP, DOWN, SAME (the tested figures are exactly equal) or NOT_COMPARABLE
    assessment: str = ""  # "better" or "worse": only when significant and the polarity is not neutral
    period_type: str = "reporting_year"
    missing_year: int | None = None  # not comparable: the year with no figure, or with a symbol
    missing_symbol: str = ""  # that year's DfE symbol ('' when it has no figure at all)
    method: str = PLAIN  # PLAIN, QUASI (over-dispersed) or NOT_TESTED: the test used, or that the
    # indicator gets when its two years can be compared (analysis.stats.dispersion)
    dispersion: float = 1.0  # what the test's variance was multiplied by (1 for the plain test)
    not_tested: str = ""  # why there is no test although both figures are published ('an estimate')

    @property
    def significant(self) -> bool | None:
        """Whether the test found a significant change (None when there was no test)."""
        return None if self.test is None else self.test.significant

    @property
    def shown_equal(self) -> bool:
        """Whether the two figures are the same as shown (rounded to ``decimals``)."""
        return round_half_up(self.shown_previous, self.decimals) == round_half_up(self.shown_current, self.decimals)


def _display_unit(kind: str, per: float) -> str:
    if kind == "count":
        return "count"
    if kind == "proportion":
        return "percentage"
    return "rate_per_10000" if per == 10000 else "ratio"


def _not_comparable(kind: str, unit: str, period_type: str = "reporting_year", missing_year: int | None = None,
                    missing_symbol: str = "") -> YearOnYear:
    nan = float("nan")
    return YearOnYear(kind=kind, unit=unit, decimals=display_decimals(unit), previous=nan, current=nan,
                      shown_previous=nan, shown_current=nan, change=nan, relative_change=nan, test=None,
                      direction=NOT_COMPARABLE, period_type=period_type, missing_year=missing_year,
                      missing_symbol=missing_symbol)


def year_on_year(previous: float, current: float, kind: str, *, previous_denominator: float | None = None,
                 current_denominator: float | None = None, confidence: float = 0.95,
                 polarity: str = "neutral", per: float | None = None,
                 published: tuple[float, float] | None = None, published_decimals: int | None = None,
                 period_type: str = "reporting_year", dispersion: float | None = None,
                 not_tested: str = "") -> YearOnYear:
    """Test a change between two years and say which way it went.

    kind:
      * ``"count"``: ``previous`` and ``current`` are counts (Poisson), tested with the
        exact conditional test (:func:`analysis.stats.significance.compare_counts`);
      * ``"rate"``: counts with their populations as denominators (same test, with
        populations); shown per ``per`` (10,000 unless given; use 1 for a ratio such as
        incidents per child);
      * ``"proportion"``: numbers of children with the characteristic out of the
        denominators, tested with :func:`analysis.stats.significance.compare_proportions`.

    ``dispersion``: when given (more than 1), the over-dispersed test instead: the same
    test with its variance multiplied by the dispersion
    (:func:`analysis.stats.significance.compare_counts_overdispersed`,
    :func:`analysis.stats.significance.compare_proportions_overdispersed`).
    ``not_tested``: why the change is not tested at all ("an estimate"); the figures are
    still given, with no test.

    ``published`` gives the two figures as published (for example DfE's whole-number
    percentages 17 and 21) and ``published_decimals`` their decimals; they are what
    the book shows. The direction is the sign of the tested change (SAME only when the
    tested figures are equal): whether the change is real is the test's to say, never
    the rounding's. ``assessment`` says better or worse only when the change is significant.
    """
    _check_polarity(polarity)
    if kind not in ("count", "rate", "proportion"):
        raise ValueError(f"kind must be 'count', 'rate' or 'proportion'; got {kind!r}")
    scale = 10000 if per is None else per
    unit = _display_unit(kind, scale)
    figures = [previous, current] + ([previous_denominator, current_denominator] if kind != "count" else [])
    if any(pd.isna(v) for v in figures):
        return _not_comparable(kind, unit, period_type)
    quasi = dispersion is not None and dispersion > 1
    method = NOT_TESTED if not_tested else QUASI if quasi else PLAIN
    test = None
    if kind == "count":
        if not not_tested:
            test = (stats.compare_counts_overdispersed(previous, current, dispersion, confidence=confidence) if quasi
                    else stats.compare_counts(previous, current, confidence=confidence))
        tested_previous, tested_current = float(previous), float(current)
    elif kind == "rate":
        if not not_tested:
            test = (stats.compare_counts_overdispersed(previous, current, dispersion, previous_denominator,
                                                       current_denominator, confidence) if quasi
                    else stats.compare_counts(previous, current, previous_denominator, current_denominator,
                                              confidence))
        tested_previous = previous / previous_denominator * scale
        tested_current = current / current_denominator * scale
    else:
        if not not_tested:
            test = (stats.compare_proportions_overdispersed(previous, previous_denominator, current,
                                                            current_denominator, dispersion, confidence) if quasi
                    else stats.compare_proportions(previous, previous_denominator, current, current_denominator,
                                                   confidence))
        tested_previous = previous / previous_denominator * 100
        tested_current = current / current_denominator * 100
    shown_previous, shown_current = published if published else (tested_previous, tested_current)
    decimals = display_decimals(unit, published_decimals)
    change = tested_current - tested_previous
    relative = change / tested_previous if tested_previous else float("inf") if change else 0.0
    direction = SAME if change == 0 else UP if change > 0 else DOWN
    assessment = ""
    if direction != SAME and test is not None and test.significant and polarity != "neutral":
        assessment = "better" if (direction == UP) == (polarity == "up_good") else "worse"
    return YearOnYear(kind=kind, unit=unit, decimals=decimals, previous=tested_previous, current=tested_current,
                      shown_previous=float(shown_previous), shown_current=float(shown_current), change=change,
                      relative_change=relative, test=test, direction=direction, assessment=assessment,
                      period_type=period_type, method=method, dispersion=float(dispersion) if quasi else 1.0,
                      not_tested=not_tested)


def indicator_change(national: pd.DataFrame, indicator_id: str, area_code: str, time_period: int,
                     catalogue: pd.DataFrame, confidence: float = 0.95, predecessors=()) -> YearOnYear:
    """:func:`year_on_year` for one indicator and area, ``time_period`` against the year before.

    Counts are tested as Poisson counts; rates per 10,000 and ratios as counts with
    their denominators; percentages as proportions of their denominators. The test is
    chosen from how much the indicator varies across all local authorities in ``national``
    (:mod:`analysis.stats.dispersion`): the plain test, the over-dispersed test, or, for an
    estimate (the catalogue's ``kind``), none. The published numerator and denominator
    are used, so a suppressed figure cannot be compared: ``missing_year`` and
    ``missing_symbol`` then say which and why.
    ``predecessors``: as for :func:`trend`, the year before may be a predecessor's, where
    its series continues the area's (the same DfE authority code).
    """
    meta = catalogue_entry(catalogue, indicator_id)
    unit, period_type, polarity = meta["unit"], meta["period_type"], meta["polarity"]
    kind = tested_as(unit)
    per = 10000 if unit == "rate_per_10000" else 1
    rows = _indicator_rows(national, indicator_id)
    measured = indicator_dispersion(national, meta)
    area_rows = rows[rows["area_code"] == area_code]
    for code in joined_predecessors(national, area_code, predecessors):
        earlier = rows[(rows["area_code"] == code) & ~rows["time_period"].isin(area_rows["time_period"])]
        area_rows = pd.concat([earlier, area_rows]) if len(earlier) else area_rows
    rows = area_rows.set_index("time_period")
    t, p = int(time_period), int(time_period) - 1
    if t not in rows.index or p not in rows.index:
        return replace(_not_comparable(kind, unit, period_type, missing_year=p if p not in rows.index else t),
                       method=measured.method, dispersion=measured.scale)
    prev, curr = rows.loc[p], rows.loc[t]
    for row, year in ((prev, p), (curr, t)):
        if row["symbol"]:
            return replace(_not_comparable(kind, unit, period_type, missing_year=year, missing_symbol=row["symbol"]),
                           method=measured.method, dispersion=measured.scale)
    published = (prev["value"], curr["value"])
    how = dict(dispersion=measured.dispersion if measured.method == QUASI else None,
               not_tested=NOT_TESTED_REASONS[ESTIMATE] if measured.method == NOT_TESTED else "")
    if kind == "count":
        return year_on_year(prev["value"], curr["value"], "count", polarity=polarity, confidence=confidence,
                            published=published, published_decimals=_source_decimals(curr),
                            period_type=period_type, **how)
    return year_on_year(prev["numerator"], curr["numerator"], kind, previous_denominator=prev["denominator"],
                        current_denominator=curr["denominator"], polarity=polarity, per=per, confidence=confidence,
                        published=published, published_decimals=_source_decimals(curr), period_type=period_type,
                        **how)
