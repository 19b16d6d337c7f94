"""Comparisons for the book: trends, benchmarks against neighbours, region and England, and
year-on-year verdicts that are only as strong as the statistics allow.

All functions take the frame returned by :func:`analysis.national.load.load_national`
(or any frame with the same columns) and return pandas DataFrames or dataclasses with
plain-English labels ready to display.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from analysis.national.indicators import INDICATORS_BY_ID
from analysis.national.load import UnknownAreaError, UnknownIndicatorError
from analysis.periods import period_label
from analysis.present.formatting import format_statistic, ordinal
from analysis.rounding import round_half_up
from analysis.stats import significance as stats
from analysis.vocabulary import POLARITIES, SYMBOLS
QUARTILE_LABELS = {
    "up_good": ("best quartile", "second quartile", "third quartile", "worst quartile"),
    "up_bad": ("best quartile", "second quartile", "third quartile", "worst quartile"),
    "neutral": ("lowest quartile", "second lowest quartile", "second highest quartile", "highest quartile"),
}
LONDON_SUBREGIONS = {"E13000001": "E12000007", "E13000002": "E12000007"}


# --------------------------------------------------------------------------------------
# Labels and formatting
# --------------------------------------------------------------------------------------
def symbol_note(symbol: str) -> str:
    """Plain-English meaning of a DfE symbol ('' when there is none)."""
    return SYMBOLS.get(symbol, "") if symbol else ""


def _indicator_rows(national: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    rows = national[national["indicator_id"] == indicator_id]
    if rows.empty:
        known = sorted(national["indicator_id"].unique())
        raise UnknownIndicatorError(
            f"no national indicator {indicator_id!r} in the extract; known indicators: {', '.join(known)}"
        )
    return rows


def _unit_and_period(indicator_id: str, catalogue: pd.DataFrame | None) -> tuple[str, str]:
    if catalogue is not None:
        found = catalogue[catalogue["indicator_id"] == indicator_id]
        if not found.empty:
            return found["unit"].iloc[0], found["period_type"].iloc[0]
    spec = INDICATORS_BY_ID.get(indicator_id)
    return (spec.unit, spec.period_type) if spec else ("count", "reporting_year")


# --------------------------------------------------------------------------------------
# Trend
# --------------------------------------------------------------------------------------
def trend(national: pd.DataFrame, indicator_id: str, area_code: str,
          catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every year available for one indicator and area, oldest first.

    Columns: indicator_id, time_period, period (e.g. "2024-25"), area_code, area_name,
    value, symbol, numerator, denominator, display (formatted value or symbol), note
    (what the symbol means).
    """
    rows = _indicator_rows(national, indicator_id)
    area_rows = rows[rows["area_code"] == area_code]
    if area_rows.empty:
        if not (national["area_code"] == area_code).any():
            raise UnknownAreaError(f"unknown area code {area_code!r}: not in the national extract")
        raise UnknownAreaError(f"{indicator_id} has no values for area {area_code!r}")
    unit, period_type = _unit_and_period(indicator_id, catalogue)
    out = area_rows.sort_values("time_period").copy()
    decimals = out["decimals"] if "decimals" in out else pd.Series(None, index=out.index)
    out["period"] = [period_label(t, period_type) for t in out["time_period"]]
    out["display"] = [
        format_statistic(v, unit, s, None if pd.isna(d) else int(d))
        for v, s, d in zip(out["value"], out["symbol"], decimals)
    ]
    out["note"] = [symbol_note(s) for s in out["symbol"]]
    columns = ["indicator_id", "time_period", "period", "area_code", "area_name", "value", "symbol",
               "numerator", "denominator", "display", "note"]
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
    polarity: str
    table: pd.DataFrame  # comparator, role, area_code, value, symbol, display, note
    neighbours: pd.DataFrame  # each neighbour's value
    neighbour_model: str
    neighbours_with_value: int
    rank: int | None
    ranked: int
    quartile: str | None
    not_ranked: list[str] = field(default_factory=list)  # LAs whose value is suppressed or not available
    rank_note: str = ""
    summary: str = ""


def _ranking(values: pd.Series, polarity: str) -> pd.Series:
    ascending = polarity != "up_good"
    return values.rank(method="min", ascending=ascending).astype(int)


def quartile_band(rank: int, ranked: int, polarity: str) -> str:
    """Quartile of a rank among ``ranked`` authorities: band = ceil(4 x rank / ranked).

    For up_good and up_bad, rank 1 is the best value, so band 1 is the "best quartile";
    for neutral, rank 1 is the lowest value, so band 1 is the "lowest quartile".
    """
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {', '.join(POLARITIES)}; got {polarity!r}")
    band = min(4, max(1, math.ceil(4 * rank / ranked)))
    return QUARTILE_LABELS[polarity][band - 1]


def benchmark(national: pd.DataFrame, neighbours: pd.DataFrame, indicator_id: str, area_code: str,
              time_period: int, polarity: str, catalogue: pd.DataFrame | None = None) -> Benchmark:
    """Compare an area with its statistical neighbours' average, its region(s) and England.

    * Statistical neighbours: the simple (unweighted) mean of the neighbours' values,
      as DfE's LAIT tool does; neighbours whose value is suppressed are left out and the
      table says how many of the ten were used. ``neighbours`` is the frame from
      :func:`analysis.national.load.load_neighbours` (it says which DfE model).
    * Region: the area's region as DfE publishes it (Inner or Outer London for London
      boroughs) and, when different, its English region (London).
    * Rank among all local authorities with a value that year (1 = best for up_good /
      up_bad, 1 = lowest for neutral; ties share the better rank) and the quartile band
      that respects the polarity. Authorities whose value is suppressed are not ranked,
      and the result says so.
    """
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {', '.join(POLARITIES)}; got {polarity!r}")
    rows = _indicator_rows(national, indicator_id)
    rows = rows[rows["time_period"] == int(time_period)]
    unit, period_type = _unit_and_period(indicator_id, catalogue)
    area = rows[rows["area_code"] == area_code]
    if area.empty:
        if not (national["area_code"] == area_code).any():
            raise UnknownAreaError(f"unknown area code {area_code!r}: not in the national extract")
        raise UnknownAreaError(f"{indicator_id} has no value for {area_code!r} in {time_period}")
    area = area.iloc[0]
    decimals = int(area["decimals"]) if "decimals" in area and not pd.isna(area["decimals"]) else None
    by_code = rows.set_index("area_code")

    def entry(comparator: str, role: str, code: str, value: float, symbol: str, note: str = "") -> dict:
        return {
            "comparator": comparator, "role": role, "area_code": code, "value": value, "symbol": symbol,
            "display": format_statistic(value, unit, symbol, decimals), "note": note or symbol_note(symbol),
        }

    table = [entry(area["area_name"], "area", area_code, area["value"], area["symbol"])]

    # statistical neighbours
    if len(neighbours) and set(neighbours["area_code"]) != {area_code}:
        raise ValueError(
            f"the neighbours given are for {', '.join(sorted(set(neighbours['area_code'])))}, not {area_code}; "
            f"use load_neighbours({area_code!r})"
        )
    model = str(neighbours["model"].iloc[0]) if len(neighbours) else ""
    neighbour_rows = []
    for n in neighbours.sort_values("rank").itertuples():
        found = by_code.loc[n.neighbour_code] if n.neighbour_code in by_code.index else None
        value = float(found["value"]) if found is not None else float("nan")
        symbol = str(found["symbol"]) if found is not None else "x"
        neighbour_rows.append(
            {"rank": n.rank, "area_code": n.neighbour_code, "area_name": n.neighbour_name,
             "closeness": n.closeness, "value": value, "symbol": symbol,
             "display": format_statistic(value, unit, symbol, decimals)}
        )
    neighbour_frame = pd.DataFrame(neighbour_rows, columns=["rank", "area_code", "area_name", "closeness", "value",
                                                            "symbol", "display"])
    used = neighbour_frame["value"].dropna()
    average = float(used.mean()) if len(used) else float("nan")
    if unit == "count":
        average_note = "average of the neighbours' counts"
    else:
        average_note = "simple average of the neighbours' values"
    names = ", ".join(neighbour_frame["area_name"])
    table.append(
        entry(
            f"Statistical neighbours average (DfE {model} model)",
            "neighbours",
            "",
            average,
            "" if len(used) else "x",
            f"{average_note}; {len(used)} of {len(neighbour_frame)} neighbours have a value ({names})",
        )
    )

    # regions and England
    region_code = area.get("region_code", "")
    regions = [region_code] if region_code else []
    english = area.get("english_region_code", "") or LONDON_SUBREGIONS.get(region_code, region_code)
    if english and english != region_code:
        regions.append(english)
    for code in regions:
        if code in by_code.index:
            r = by_code.loc[code]
            table.append(entry(r["area_name"], "region", code, r["value"], r["symbol"]))
    england = rows[rows["geographic_level"] == "National"]
    if len(england):
        e = england.iloc[0]
        table.append(entry(e["area_name"], "england", e["area_code"], e["value"], e["symbol"]))

    # rank among local authorities
    las = rows[rows["geographic_level"] == "Local authority"]
    with_value = las[las["value"].notna()]
    not_ranked = sorted(las.loc[las["value"].isna(), "area_name"])
    ranks = _ranking(with_value.set_index("area_code")["value"], polarity)
    ranked = len(ranks)
    direction = {"up_good": "1 = highest, higher is better", "up_bad": "1 = lowest, lower is better",
                 "neutral": "1 = lowest"}[polarity]
    if area_code in ranks.index:
        rank = int(ranks[area_code])
        quartile = quartile_band(rank, ranked, polarity)
        rank_note = f"{ordinal(rank)} of {ranked} local authorities with a published value ({direction})"
    else:
        rank, quartile = None, None
        rank_note = (
            f"{area['area_name']} is not ranked because its value is "
            f"{symbol_note(area['symbol']) or 'not available'}"
        )
    if not_ranked:
        rank_note += (
            f"; {len(not_ranked)} authorit{'y' if len(not_ranked) == 1 else 'ies'} with a suppressed or "
            "unavailable value are not ranked"
        )

    period = period_label(time_period, period_type)
    area_display = table[0]["display"]
    if rank is not None:
        summary = (
            f"In {period}, {area['area_name']}'s figure was {area_display}: {rank_note.split(';')[0]}, "
            f"in the {quartile}."
        )
    else:
        summary = f"In {period}, {rank_note}."
    return Benchmark(
        indicator_id=indicator_id, area_code=area_code, area_name=str(area["area_name"]),
        time_period=int(time_period), polarity=polarity, table=pd.DataFrame(table),
        neighbours=neighbour_frame, neighbour_model=model, neighbours_with_value=len(used),
        rank=rank, ranked=ranked, quartile=quartile, not_ranked=not_ranked, rank_note=rank_note,
        summary=summary,
    )


# --------------------------------------------------------------------------------------
# Year on year
# --------------------------------------------------------------------------------------
@dataclass
class YearOnYear:
    """A change between two years, with the test behind the words."""

    kind: str
    previous: float  # in display units (count, %, rate per 10,000 or ratio)
    current: float
    change: float
    relative_change: float
    test: stats.ChangeTest | None
    significant: bool | None
    direction: str  # "increased", "decreased", "no change", or "not comparable"
    verdict: str
    assessment: str = ""  # "better", "worse", "" (only when significant and polarity is not neutral)


def _fmt(value: float, kind: str, per: float) -> str:
    if kind == "count":
        return f"{value:,.0f}"
    if kind == "proportion":
        return f"{round_half_up(value, 1):.1f}%"
    return f"{round_half_up(value, 1):,.1f}"


def year_on_year(previous: float, current: float, kind: str, *, previous_denominator: float | None = None,
                 current_denominator: float | None = None, confidence: float = 0.95,
                 polarity: str = "neutral", per: float | None = None, what: str = "",
                 displays: tuple[str, str] | None = None) -> YearOnYear:
    """Describe a change between two years in words only as strong as the statistics allow.

    kind:
      * ``"count"``: ``previous`` and ``current`` are counts (Poisson), tested with the
        exact conditional test (:func:`analysis.stats.significance.compare_counts`);
      * ``"rate"``: counts with their populations as denominators (same test, with
        populations); shown per ``per`` (10,000 unless given; use 1 for a ratio such as
        incidents per child);
      * ``"proportion"``: numbers of children with the characteristic out of the
        denominators, tested with :func:`analysis.stats.significance.compare_proportions`.

    The verdict says "increased (statistically significant at 95%)" only when the test
    says so; otherwise it says the change is within the range expected from
    year-to-year variation. ``displays`` replaces the two figures in the wording (for
    example the published whole-number percentages "17%" and "21%"), ``what`` names the
    subject ("Referrals").
    """
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {', '.join(POLARITIES)}; got {polarity!r}")
    level = f"{confidence:.0%}"
    subject = f"{what} " if what else ""
    values = [previous, current, previous_denominator, current_denominator]
    needs_denominators = kind in ("rate", "proportion")
    missing = any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values[:2]) or (
        needs_denominators and any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values[2:])
    )
    if kind not in ("count", "rate", "proportion"):
        raise ValueError(f"kind must be 'count', 'rate' or 'proportion'; got {kind!r}")
    if missing:
        return YearOnYear(kind, float("nan"), float("nan"), float("nan"), float("nan"), None, None, "not comparable",
                          f"{subject}cannot be compared between the two years because a figure or its "
                          "denominator is not available")
    if kind == "count":
        test = stats.compare_counts(previous, current, confidence=confidence)
        shown_prev, shown_curr = float(previous), float(current)
    elif kind == "rate":
        scale = 10000 if per is None else per
        test = stats.compare_counts(previous, current, previous_denominator, current_denominator, confidence)
        shown_prev = previous / previous_denominator * scale
        shown_curr = current / current_denominator * scale
    else:
        test = stats.compare_proportions(previous, previous_denominator, current, current_denominator, confidence)
        shown_prev = previous / previous_denominator * 100
        shown_curr = current / current_denominator * 100
    scale_per = per or 10000
    a, b = displays if displays else (_fmt(shown_prev, kind, scale_per), _fmt(shown_curr, kind, scale_per))
    change = shown_curr - shown_prev
    relative = change / shown_prev if shown_prev else float("inf") if change else 0.0
    same = a == b or change == 0
    if kind == "rate" and scale_per == 10000 and "per 10,000" not in b:
        b += " per 10,000 children"
    if same:
        direction = "no change"
        verdict = f"{subject}stayed the same ({b})".strip()
        return YearOnYear(kind, shown_prev, shown_curr, change, relative, test, test.significant, direction,
                          verdict[0].upper() + verdict[1:])
    up = change > 0
    direction = "increased" if up else "decreased"
    assessment = ""
    if test.significant:
        verdict = f"{subject}{direction} from {a} to {b} (statistically significant at {level})"
        if polarity != "neutral":
            better = up == (polarity == "up_good")
            assessment = "better" if better else "worse"
            verdict += f"; {'an improvement' if better else 'a deterioration'}"
    else:
        verb = ("rose" if up else "fell") + (" slightly" if abs(relative) < 0.05 else "")
        verdict = (
            f"{subject}{verb} from {a} to {b}; the change is within the range expected from year-to-year "
            f"variation (not statistically significant at {level})"
        )
    verdict = verdict[0].upper() + verdict[1:]
    return YearOnYear(kind, shown_prev, shown_curr, change, relative, test, test.significant, direction, verdict,
                      assessment)


def indicator_change(national: pd.DataFrame, indicator_id: str, area_code: str, time_period: int,
                     polarity: str | None = None, catalogue: pd.DataFrame | None = None,
                     confidence: float = 0.95) -> YearOnYear:
    """:func:`year_on_year` for one indicator and area, ``time_period`` against the year before.

    Counts are tested as Poisson counts; rates per 10,000 and ratios as counts with
    their denominators; percentages as proportions of their denominators. The
    published numerator and denominator are used, so a suppressed figure cannot be
    compared and the verdict says so.
    """
    rows = _indicator_rows(national, indicator_id)
    rows = rows[rows["area_code"] == area_code].set_index("time_period")
    unit, period_type = _unit_and_period(indicator_id, catalogue)
    if polarity is None:
        if catalogue is not None and (catalogue["indicator_id"] == indicator_id).any():
            polarity = catalogue.loc[catalogue["indicator_id"] == indicator_id, "polarity"].iloc[0]
        else:
            polarity = INDICATORS_BY_ID[indicator_id].polarity if indicator_id in INDICATORS_BY_ID else "neutral"
    t, p = int(time_period), int(time_period) - 1
    if t not in rows.index or p not in rows.index:
        return YearOnYear(unit, float("nan"), float("nan"), float("nan"), float("nan"), None, None, "not comparable",
                          f"No figure for {period_label(p if p not in rows.index else t, period_type)}, so the "
                          "two years cannot be compared")
    prev, curr = rows.loc[p], rows.loc[t]
    for row, year in ((prev, p), (curr, t)):
        if row["symbol"]:
            return YearOnYear(unit, float("nan"), float("nan"), float("nan"), float("nan"), None, None,
                              "not comparable",
                              f"The {period_label(year, period_type)} figure is {symbol_note(row['symbol'])} "
                              f"({row['symbol']}), so the two years cannot be compared")
    decimals = int(curr["decimals"]) if "decimals" in curr and not pd.isna(curr["decimals"]) else None
    shown_unit = "ratio" if unit == "rate_per_10000" else unit  # "per 10,000 children" is added once
    displays = (format_statistic(prev["value"], shown_unit, "", decimals),
                format_statistic(curr["value"], shown_unit, "", decimals))
    if unit == "count":
        return year_on_year(prev["value"], curr["value"], "count", polarity=polarity, confidence=confidence,
                            displays=displays)
    kind = "proportion" if unit == "percentage" else "rate"
    per = 10000 if unit == "rate_per_10000" else 1
    return year_on_year(prev["numerator"], curr["numerator"], kind, previous_denominator=prev["denominator"],
                        current_denominator=curr["denominator"], polarity=polarity, per=per, confidence=confidence,
                        displays=displays)
