"""Extracting the tidy national statistics from the tables read: indicators, areas, neighbours.

Each indicator in the catalogue (:mod:`analysis.national.indicators`) is taken from its
table as published, or computed (percentages, rates per 10,000 children) with DfE's
method. DfE symbols stay symbols: a value computed from a suppressed or unavailable
component gets that component's symbol, never a number.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.national.indicators import INDICATORS, Indicator
from analysis.national.neighbours import NeighbourRow
from analysis.national.read import KEPT_LEVELS, FolderContents, TableData
from analysis.national.tables import POPULATION_COLUMN, Table
from analysis.rounding import round_half_up

LEVEL_ORDER = {level: position for position, level in enumerate(KEPT_LEVELS)}
LONDON_SUBREGIONS = {"E13000001", "E13000002"}
LONDON = "E12000007"

#: Columns of national_indicators.csv as committed (see analysis.national.write).
EXTRACT_COLUMNS = ("indicator_id", "time_period", "area_code", "value", "symbol", "numerator", "denominator")
AREA_COLUMNS = (
    "area_code", "old_la_code", "area_name", "geographic_level", "region_code", "region_name",
    "english_region_code", "english_region_name",
)
NEIGHBOUR_COLUMNS = (
    "model", "area_code", "old_la_code", "area_name", "rank", "neighbour_code", "neighbour_old_la_code",
    "neighbour_name", "closeness",
)

#: When a computed value has a missing component, the symbol it gets (first found in this order).
SYMBOL_PRIORITY = ("c", "u", "x", "z", "low", "k", ":")


# --------------------------------------------------------------------------------------
# Indicators
# --------------------------------------------------------------------------------------
def _combine_symbols(parts: list[pd.Series]) -> pd.Series:
    """The symbol a computed value gets from its components (first in SYMBOL_PRIORITY)."""
    out = pd.Series("", index=parts[0].index, dtype=object)
    for symbol in reversed(SYMBOL_PRIORITY):
        for part in parts:
            out[part == symbol] = symbol
    return out


def _round1(values: pd.Series) -> pd.Series:
    return values.map(lambda v: round_half_up(v, 1) if np.isfinite(v) else np.nan)


class PopulationLookup:
    """ONS mid-year estimates of children aged 0 to 17, by mid-year and area."""

    def __init__(self, population: TableData):
        column = POPULATION_COLUMN
        values = population.values[column]
        symbols = population.symbols[column]
        self.by_code: dict[tuple[int, str], tuple[float, str]] = {
            key: (value, symbol) for key, value, symbol in zip(values.index, values, symbols)
        }
        self.by_old: dict[tuple[int, str], tuple[float, str]] = {}
        keys = population.keys
        for (mid_year, code), value, symbol, level, old in zip(
            values.index, values, symbols, keys["geographic_level"], keys["old_la_code"]
        ):
            if level == "Local authority" and old:
                self.by_old[(mid_year, old)] = (value, symbol)

    def for_rows(self, keys: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        """Population (and its symbol) for each (time_period, area_code) row: mid-year before the year end."""
        values, symbols = [], []
        for (period, code), level, old in zip(keys.index, keys["geographic_level"], keys["old_la_code"]):
            found = self.by_code.get((period - 1, code))
            if found is None and level == "Local authority" and old:
                found = self.by_old.get((period - 1, old))
            if found is None:
                found = (np.nan, "x")
            values.append(found[0])
            symbols.append(found[1])
        return pd.Series(values, index=keys.index, dtype=float), pd.Series(symbols, index=keys.index, dtype=object)


def extract_indicator(indicator: Indicator, data: TableData, population: PopulationLookup | None) -> tuple[pd.DataFrame, int, str | None]:
    """Rows of one indicator from its table; returns (rows, decimals, warning)."""
    columns = [c for c in indicator.columns() if c not in data.values.columns]
    if columns:
        return pd.DataFrame(), 0, (
            f"{indicator.indicator_id}: {data.file} has no rows for {', '.join(columns)}; indicator not extracted"
        )
    v, s = data.values, data.symbols

    def total(names: tuple[str, ...]) -> tuple[pd.Series, pd.Series, pd.Series]:
        value = sum((v[n] for n in names), start=pd.Series(0.0, index=v.index))
        symbol = _combine_symbols([s[n] for n in names])
        present = np.logical_and.reduce([data.present[n] for n in names])
        return value, symbol, pd.Series(present, index=v.index)

    numerator = pd.Series(np.nan, index=v.index)
    denominator = pd.Series(np.nan, index=v.index)
    if indicator.method == "published":
        value = v[indicator.value]
        symbol = s[indicator.value]
        present = data.present[indicator.value]
        places = data.decimals[indicator.value]
        if indicator.numerator:
            numerator = total(indicator.numerator)[0]
        if indicator.denominator:
            denominator = v[indicator.denominator]
    elif indicator.method == "percentage":
        numerator, num_symbol, num_present = total(indicator.numerator)
        denominator = v[indicator.denominator]
        symbol = _combine_symbols([num_symbol, s[indicator.denominator]])
        present = num_present & data.present[indicator.denominator]
        with np.errstate(divide="ignore", invalid="ignore"):
            value = _round1(100 * numerator / denominator.where(denominator > 0))
        symbol = symbol.where(~((symbol == "") & (denominator == 0)), "z")
        places = 1
    elif indicator.method == "rate_per_10000":
        if population is None:
            return pd.DataFrame(), 0, (
                f"{indicator.indicator_id}: no ONS population file, so the rate per 10,000 was not computed"
            )
        numerator, num_symbol, present = total(indicator.numerator)
        denominator, pop_symbol = population.for_rows(data.keys)
        symbol = _combine_symbols([num_symbol, pop_symbol])
        with np.errstate(divide="ignore", invalid="ignore"):
            value = _round1(numerator / denominator.where(denominator > 0) * 10000)
        places = 1
    else:  # pragma: no cover - the catalogue check allows no other method
        raise ValueError(indicator.method)

    value = value.where(symbol == "")
    rows = pd.DataFrame(
        {
            "indicator_id": indicator.indicator_id,
            "value": value,
            "symbol": symbol,
            "numerator": numerator,
            "denominator": denominator,
            "geographic_level": data.keys["geographic_level"],
        },
        index=v.index,
    )[present.to_numpy()]
    return rows.reset_index(), places, None


# --------------------------------------------------------------------------------------
# Areas and neighbours
# --------------------------------------------------------------------------------------
def build_areas(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per area code with the name and region of its latest appearance."""
    areas = pd.concat(frames, ignore_index=True)
    areas = areas[areas["area_code"] != ""]
    areas = areas.sort_values("time_period", ascending=False, kind="stable")
    latest = areas.drop_duplicates("area_code", keep="first").copy()
    names = dict(zip(latest["area_code"], latest["area_name"]))
    london_name = names.get(LONDON, "London")

    def english_region(row) -> tuple[str, str]:
        if row.geographic_level == "National":
            return "", ""
        code = row.region_code
        if code in LONDON_SUBREGIONS:
            return LONDON, london_name
        return code, row.region_name

    english = [english_region(row) for row in latest.itertuples()]
    latest["english_region_code"] = [e[0] for e in english]
    latest["english_region_name"] = [e[1] for e in english]
    latest["_order"] = latest["geographic_level"].map(LEVEL_ORDER)
    latest = latest.sort_values(["_order", "area_code"], kind="stable")
    return latest.loc[:, list(AREA_COLUMNS)].reset_index(drop=True)


def old_code_lookup(frames: list[pd.DataFrame]) -> dict[str, tuple[str, str]]:
    """Old three digit LA code -> (new code, name) at the latest time period in the EES files."""
    areas = pd.concat(frames, ignore_index=True)
    areas = areas[(areas["geographic_level"] == "Local authority") & (areas["old_la_code"] != "")]
    areas = areas.sort_values("time_period", ascending=False, kind="stable").drop_duplicates("old_la_code")
    return {old: (new, name) for old, new, name in zip(areas["old_la_code"], areas["area_code"], areas["area_name"])}


def build_neighbours(model: str, rows: list[NeighbourRow], lookup: dict[str, tuple[str, str]]) -> tuple[pd.DataFrame, list[str]]:
    """One model's neighbour rows with new (GSS) codes and names; a warning for old codes not found."""
    warnings: list[str] = []
    unmapped: set[str] = set()
    records = []
    for r in rows:
        area_code, area_name = lookup.get(r.old_la_code, ("", r.la_name))
        neighbour_code, neighbour_name = lookup.get(r.neighbour_old_la_code, ("", ""))
        if not area_code:
            unmapped.add(r.old_la_code)
        if not neighbour_code:
            unmapped.add(r.neighbour_old_la_code)
        records.append(
            {
                "model": model,
                "area_code": area_code,
                "old_la_code": r.old_la_code,
                "area_name": area_name or r.la_name,
                "rank": r.rank,
                "neighbour_code": neighbour_code,
                "neighbour_old_la_code": r.neighbour_old_la_code,
                "neighbour_name": neighbour_name,
                "closeness": r.closeness,
            }
        )
    if unmapped:
        warnings.append(
            f"statistical neighbours {model} model: old LA code(s) {', '.join(sorted(unmapped))} not found in "
            "the EES files, so their new code is left empty"
        )
    return pd.DataFrame.from_records(records, columns=list(NEIGHBOUR_COLUMNS)), warnings


# --------------------------------------------------------------------------------------
# The whole extract
# --------------------------------------------------------------------------------------
@dataclass
class ExtractedIndicator:
    """Where one indicator's rows came from, as provenance records it."""

    indicator_id: str
    source_file: str
    table: str
    method: str
    decimals: int
    rows: int
    time_periods: list[int]
    population_file: str | None = None  # for a rate per 10,000 children


@dataclass
class IndicatorRows:
    """Every indicator's rows, where each came from, and how long each table took."""

    rows: pd.DataFrame  # EXTRACT_COLUMNS, in catalogue order
    extracted: list[ExtractedIndicator]
    warnings: list[str]  # indicators not extracted, and why
    seconds_by_table: dict[str, float]


def extract_indicators(indicators: tuple[Indicator, ...], tables: dict[str, TableData]) -> IndicatorRows:
    """Every indicator whose table was read, one row per indicator x time period x area."""
    population = PopulationLookup(tables["ons_population"]) if "ons_population" in tables else None
    pieces: list[pd.DataFrame] = []
    extracted: list[ExtractedIndicator] = []
    warnings: list[str] = []
    seconds_by_table: dict[str, float] = defaultdict(float)
    for indicator in indicators:
        data_table = tables.get(indicator.table)
        if data_table is None:
            continue
        tick = time.perf_counter()
        rows, places, warning = extract_indicator(indicator, data_table, population)
        seconds_by_table[indicator.table] += time.perf_counter() - tick
        if warning:
            warnings.append(warning)
            continue
        pieces.append(rows)
        extracted.append(
            ExtractedIndicator(
                indicator_id=indicator.indicator_id,
                source_file=data_table.file,
                table=indicator.table,
                method=indicator.method,
                decimals=places,
                rows=len(rows),
                time_periods=sorted(int(p) for p in rows["time_period"].unique()),
                population_file=tables["ons_population"].file if indicator.method == "rate_per_10000" else None,
            )
        )

    extract = pd.concat(pieces, ignore_index=True)
    extract["_level"] = extract["geographic_level"].map(LEVEL_ORDER)
    order = {i.indicator_id: n for n, i in enumerate(indicators)}
    extract["_indicator"] = extract["indicator_id"].map(order)
    extract = extract.sort_values(["_indicator", "time_period", "_level", "area_code"], kind="stable")
    extract = extract.loc[:, list(EXTRACT_COLUMNS)].reset_index(drop=True)
    return IndicatorRows(extract, extracted, warnings, dict(seconds_by_table))


def all_neighbours(neighbour_rows: dict[str, list[NeighbourRow]],
                   lookup: dict[str, tuple[str, str]]) -> tuple[pd.DataFrame, list[str]]:
    """Every model's neighbours, sorted by model, old code and rank; and the warnings."""
    frames, warnings = [], []
    for model in sorted(neighbour_rows):
        frame, found = build_neighbours(model, neighbour_rows[model], lookup)
        frames.append(frame)
        warnings += found
    neighbours = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(NEIGHBOUR_COLUMNS))
    return neighbours.sort_values(["model", "old_la_code", "rank"], kind="stable").reset_index(drop=True), warnings


@dataclass
class NationalExtract:
    """The tidy extract, ready to write."""

    indicators: IndicatorRows
    areas: pd.DataFrame  # AREA_COLUMNS
    neighbours: pd.DataFrame  # NEIGHBOUR_COLUMNS
    warnings: list[str]  # about neighbours whose old code is in no EES file

    def rows_from(self, table: Table) -> int:
        """How many rows of the extract came from a table."""
        if table.kind == "neighbours":
            return int((self.neighbours["model"] == table.model).sum())
        return sum(e.rows for e in self.indicators.extracted if e.table == table.key)


def extract_all(folder: FolderContents, indicators: tuple[Indicator, ...] = INDICATORS) -> NationalExtract:
    """The indicators, areas and statistical neighbours from everything read."""
    area_frames = [t.areas for t in folder.tables.values()]
    neighbours, warnings = all_neighbours(folder.neighbour_rows, old_code_lookup(area_frames))
    return NationalExtract(extract_indicators(indicators, folder.tables), build_areas(area_frames), neighbours,
                           warnings)
