"""A partnership that covers more than one local authority, as one area of the national statistics.

DfE publishes its figures per local authority. A figure for the authorities together is
formed only where that can be done exactly: counts are added up; rates, percentages and
ratios are worked out again from the added-up numerators and denominators. The average of
the authorities' rates is never used: it would weigh a small authority as much as a large
one. Where any authority's figure is suppressed or not published, there is no combined
figure for that year, and the combined row says why with a DfE symbol.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pandas as pd

from analysis.errors import ParameterError
from analysis.national.load import UnknownAreaError
from analysis.rounding import round_half_up
from analysis.vocabulary import SYMBOLS

LOCAL_AUTHORITY = "Local authority"
PARTNERSHIP_LEVEL = "Partnership"

SUMMED = "sum of the authorities' counts"
RECOMPUTED = "recomputed from the authorities' summed numerators and denominators"
NOT_COMBINED = "not combined: shown per authority"

# What the summed numerator over the summed denominator is multiplied by, per unit.
SCALE = {"rate_per_10000": 10_000, "percentage": 100, "ratio": 1}

# Columns that describe the area rather than the figure (areas.csv's columns).
AREA_COLUMNS = ["area_code", "old_la_code", "area_name", "geographic_level", "region_code", "region_name",
                "english_region_code", "english_region_name"]
# Columns worked out for each combined figure; every other column is copied when the authorities agree.
FIGURE_COLUMNS = ["indicator_id", "time_period", "value", "symbol", "numerator", "denominator", "decimals"]


class CombinedAreaError(ParameterError):
    """The authorities given cannot be made into one combined area."""


# --------------------------------------------------------------------------------------
# How each indicator is combined
# --------------------------------------------------------------------------------------
def _text(entry: pd.Series, column: str) -> str:
    value = entry.get(column, "")
    return "" if pd.isna(value) else str(value).strip()


def combination_method(catalogue_row: pd.Series) -> str:
    """How an indicator's combined figure is formed: :data:`SUMMED`, :data:`RECOMPUTED` or
    :data:`NOT_COMBINED`, from the catalogue's unit and its numerator and denominator.

    A rate per 10,000 that the project computes (method ``rate_per_10000``) divides by the
    ONS population, which the catalogue leaves out of ``denominator_column``.
    """
    unit = _text(catalogue_row, "unit")
    if unit == "count":
        return SUMMED
    has_denominator = bool(_text(catalogue_row, "denominator_column")) or _text(catalogue_row, "method") == "rate_per_10000"
    if unit in SCALE and _text(catalogue_row, "numerator_columns") and has_denominator:
        return RECOMPUTED
    return NOT_COMBINED


# --------------------------------------------------------------------------------------
# Checking the codes
# --------------------------------------------------------------------------------------
def _checked_codes(frame: pd.DataFrame, codes: Sequence[str], combined_code: str | None = None) -> list[str]:
    """The codes as a list, refused unless they are two or more different local authorities
    of ``frame`` (the national extract or areas.csv) and the combined code is a new one."""
    codes = [codes] if isinstance(codes, str) else [str(code) for code in codes]
    if len(codes) < 2:
        raise CombinedAreaError(f"a combined area needs at least two local authority codes; got {codes}")
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise CombinedAreaError(f"each authority can be counted only once; repeated: {', '.join(repeated)}")
    authorities = set(frame.loc[frame["geographic_level"] == LOCAL_AUTHORITY, "area_code"])
    unknown = [code for code in codes if code not in authorities]
    if unknown:
        raise UnknownAreaError(f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a local "
                               f"authority in the national statistics, so cannot be combined")
    if combined_code is not None and str(combined_code) in set(frame["area_code"]):
        raise CombinedAreaError(f"the combined area's code {combined_code!r} is already an area of the national "
                                "statistics; choose a code of its own")
    return codes


# --------------------------------------------------------------------------------------
# The combined area
# --------------------------------------------------------------------------------------
def _shared(values: pd.Series):
    """The one value all the authorities have (e.g. their region), else empty ('' or NaN)."""
    found = values.dropna().unique()
    if len(found) == 1:
        return found[0]
    return "" if values.dtype == object else float("nan")


def combined_area_row(areas: pd.DataFrame, codes: Sequence[str], combined_code: str, name: str) -> pd.Series:
    """The combined area's row for the areas table (areas.csv, :func:`analysis.national.load.load_areas`).

    Its region is the authorities' region when they share one, else empty; it has no old
    DfE authority code, and its geographic level is :data:`PARTNERSHIP_LEVEL`.
    """
    codes = _checked_codes(areas, codes, combined_code)
    authorities = areas[areas["area_code"].isin(codes)]
    row = {column: _shared(authorities[column]) for column in areas.columns}
    row.update(area_code=str(combined_code), old_la_code="", area_name=name, geographic_level=PARTNERSHIP_LEVEL)
    return pd.Series(row, index=areas.columns, name=None)


def _names(national: pd.DataFrame, codes: list[str]) -> dict[str, str]:
    if "area_name" not in national:
        return {code: code for code in codes}
    found = national.drop_duplicates("area_code").set_index("area_code")["area_name"]
    return {code: str(found.get(code, code)) for code in codes}


# --------------------------------------------------------------------------------------
# Combining one indicator in one year
# --------------------------------------------------------------------------------------
def _published_decimals(rows: pd.DataFrame) -> int:
    """The decimal places the source published the indicator with: its ``decimals`` column,
    else the most decimals among the authorities' published values. The fewest, when the
    authorities differ, so the combined figure is never more precise than the source."""
    if "decimals" in rows and rows["decimals"].notna().any():
        return int(rows["decimals"].min())
    places = [max(0, -Decimal(repr(float(v))).normalize().as_tuple().exponent) for v in rows["value"].dropna()]
    return max(places, default=0)


def _symbol(row: pd.Series) -> str:
    return "" if pd.isna(row.get("symbol", "")) else str(row.get("symbol", ""))


def _is_published(row: pd.Series) -> bool:
    return pd.notna(row["value"]) and _symbol(row) == ""


def _sum(values: pd.Series) -> float:
    return float(values.sum()) if values.notna().all() else float("nan")


def _combine_year(rows: pd.DataFrame, codes: list[str], unit: str, method: str, decimals: int,
                  names: dict[str, str]) -> dict:
    """value, symbol, numerator, denominator and note (how it was formed, or why not) of the
    combined figure, from the authorities' rows for one indicator and year."""
    by_code = {code: rows[rows["area_code"] == code] for code in codes}
    present = {code: found.iloc[0] for code, found in by_code.items() if len(found)}
    nothing = {"value": float("nan"), "numerator": float("nan"), "denominator": float("nan")}

    if method == NOT_COMBINED:
        return {**nothing, "symbol": "x", "note": NOT_COMBINED}

    reasons = []
    for code in codes:
        if code not in present:
            reasons.append(f"{names[code]} has no figure for this year")
        elif not _is_published(present[code]):
            symbol = _symbol(present[code])
            reasons.append(f"the figure for {names[code]} is {SYMBOLS.get(symbol, 'not published')}")
        elif method == RECOMPUTED and (pd.isna(present[code]["numerator"]) or pd.isna(present[code]["denominator"])):
            reasons.append(f"the numerator or denominator for {names[code]} is not published")
    if reasons:
        symbols = [_symbol(present[code]) if code in present else "" for code in codes]
        if "c" in symbols:
            symbol = "c"  # a suppressed part means the whole cannot be shown
        elif len(set(symbols)) == 1 and symbols[0]:
            symbol = symbols[0]  # every authority has the same symbol, e.g. all 'z'
        else:
            symbol = "x"
        return {**nothing, "symbol": symbol, "note": "not combined: " + "; ".join(reasons)}

    published = pd.DataFrame(list(present.values()))
    numerator, denominator = _sum(published["numerator"]), _sum(published["denominator"])
    if method == SUMMED:
        value = round_half_up(float(published["value"].sum()), decimals)
        return {"value": value, "symbol": "", "numerator": numerator, "denominator": denominator, "note": SUMMED}
    if denominator == 0:
        return {**nothing, "symbol": "z", "note": "not combined: the summed denominator is zero"}
    value = round_half_up(numerator / denominator * SCALE[unit], decimals)
    return {"value": value, "symbol": "", "numerator": numerator, "denominator": denominator, "note": RECOMPUTED}


def _each_year(national: pd.DataFrame, catalogue: pd.DataFrame, codes: list[str]):
    """(indicator_id, time_period, the authorities' rows that indicator, method, combined figure)
    for every indicator in the catalogue and year any of the authorities has a row for."""
    entries = catalogue.drop_duplicates("indicator_id").set_index("indicator_id", drop=False)
    names = _names(national, codes)
    authorities = national[national["area_code"].isin(codes)]
    for indicator_id, rows in authorities.groupby("indicator_id", sort=False):
        if indicator_id not in entries.index:
            continue
        entry = entries.loc[indicator_id]
        method = combination_method(entry)
        decimals = _published_decimals(rows)
        for time_period, year_rows in rows.groupby("time_period"):
            combined = _combine_year(year_rows, codes, _text(entry, "unit"), method, decimals, names)
            yield indicator_id, time_period, rows, method, {**combined, "decimals": decimals}


# --------------------------------------------------------------------------------------
# The combined figures
# --------------------------------------------------------------------------------------
def combine_authorities(national: pd.DataFrame, catalogue: pd.DataFrame, codes: Sequence[str],
                        combined_code: str, name: str | None = None) -> pd.DataFrame:
    """The authorities' figures as one area, in the national frame's shape (same columns and
    dtypes as :func:`analysis.national.load.load_national`), ready to add to it.

    One row per indicator and year that any of the authorities has a row for:

    * counts: the sum of the authorities' values;
    * rates, percentages and ratios: the summed numerators over the summed denominators
      (x 10,000, x 100 or x 1), rounded half up to the decimals the source published; the
      row's numerator and denominator are the sums;
    * a year where any authority's figure, numerator or denominator is suppressed, not
      published or missing: value NaN, numerator and denominator NaN, and symbol 'c' if any
      authority's figure is suppressed, the authorities' symbol if they all have the same
      one, else 'x' (not available). :func:`combination_notes` says why.

    Indicators that cannot be combined exactly (:data:`NOT_COMBINED`) and indicators not in
    the catalogue have no combined rows: the page shows them per authority. ``name`` is
    the combined area's name (the authorities' names joined with 'and' unless given).
    """
    codes = _checked_codes(national, codes, combined_code)
    names = _names(national, codes)
    area_columns = [column for column in AREA_COLUMNS if column in national.columns]
    area = combined_area_row(national[area_columns].drop_duplicates("area_code"), codes, combined_code,
                             name or " and ".join(names[code] for code in codes))
    other_columns = [column for column in national.columns if column not in area_columns + FIGURE_COLUMNS]

    records = []
    for indicator_id, time_period, rows, method, combined in _each_year(national, catalogue, codes):
        if method == NOT_COMBINED:
            continue
        record = {column: _shared(rows[column]) for column in other_columns}  # e.g. the source file
        record.update(area.to_dict())
        record.update({column: combined[column] for column in FIGURE_COLUMNS[2:] if column in national.columns})
        record.update(indicator_id=indicator_id, time_period=time_period)
        records.append(record)
    out = pd.DataFrame(records, columns=national.columns)
    return out.astype(national.dtypes.to_dict()).reset_index(drop=True)


def combination_notes(national: pd.DataFrame, catalogue: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """How each indicator's combined figure was formed in each year, for the page to say so.

    Columns: indicator_id, time_period, method (:data:`SUMMED`, :data:`RECOMPUTED` or
    :data:`NOT_COMBINED`), note (the method, or why that year has no combined figure, e.g.
    "not combined: the figure for <authority> is suppressed to protect confidentiality
    (small number)").
    """
    codes = _checked_codes(national, codes)
    rows = [{"indicator_id": indicator_id, "time_period": time_period, "method": method, "note": combined["note"]}
            for indicator_id, time_period, _, method, combined in _each_year(national, catalogue, codes)]
    return pd.DataFrame(rows, columns=["indicator_id", "time_period", "method", "note"])
