"""Import published national statistics (EES CSV files) into the project's tidy extract.

Usage (the CLI wraps this as ``python -m analysis import-national <folder>``)::

    from analysis.national.importer import import_national
    summary = import_national(Path("~/Downloads/ees"), log=print)
    print(summary.report())

The importer reads every CSV in the folder the user names, recognises the DfE and ONS
tables it knows by their columns and content (not by file name), checks each against
the EES open data standard and reports every problem at once (file, row, column,
value and rule) before anything is written. Unrecognised CSVs are skipped and listed.
It then writes, to ``data/national/`` by default:

``national_indicators.csv``
    one row per indicator x time period x area: indicator_id, time_period, area_code,
    value, symbol, numerator, denominator. To keep the committed extract small, columns
    that are the same for every row of an area (geographic_level, old_la_code,
    area_name, region_code, region_name) or of an indicator (source_file) are not
    repeated here; :func:`analysis.national.load.load_national` joins them back from
    ``areas.csv`` and ``provenance.json``.
``areas.csv``
    every area in the files (England, regions including Inner and Outer London, local
    authorities) with its latest name and region.
``statistical_neighbours.csv``
    each local authority's ten statistical neighbours in each DfE model.
``provenance.json``
    for each source file: name, sha256, size, rows read, publication, licence, time
    periods; the import date; the indicators and where each comes from.

All four files are first written to temporary files in the output folder and then
renamed over the old ones, so a failed import never leaves a half-written extract.
"""
from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from analysis.errors import InputError, InputProblem
from analysis.config import DataPaths
from analysis.files import sha256_bytes, write_all_atomically
from analysis.rounding import round_half_up

from . import ees as ees_mod
from .ees import EesFile, RawCsv, area_columns, check_ees, ees_file, parse_values, read_raw, spreadsheet_row
from .neighbours import NeighbourRow, parse_neighbours
from .indicators import (
    CATALOGUE_COLUMNS,
    INDICATORS,
    LICENCE,
    LICENCE_URL,
    POPULATION_COLUMN,
    TABLES,
    TABLES_BY_KEY,
    Indicator,
    Table,
    catalogue_rows,
    label_key,
)

KEPT_LEVELS = ("National", "Regional", "Local authority")
LEVEL_ORDER = {level: position for position, level in enumerate(KEPT_LEVELS)}
LONDON_SUBREGIONS = {"E13000001", "E13000002"}
LONDON = "E12000007"

EXTRACT_FILE = "national_indicators.csv"
AREAS_FILE = "areas.csv"
NEIGHBOURS_FILE = "statistical_neighbours.csv"
PROVENANCE_FILE = "provenance.json"

#: Columns of national_indicators.csv as committed (see the module docstring).
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

#: At most this many problems of one kind are listed for one file; the rest are counted.
MAX_PROBLEMS_PER_RULE = 20


# --------------------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------------------
@dataclass
class FileSummary:
    file: str
    table: str
    publication: str
    rows_read: int
    rows_extracted: int
    seconds: float
    sha256: str
    size_bytes: int
    time_periods: list[int]


@dataclass
class ImportSummary:
    """What an import read, skipped and wrote, and how long it took."""

    source_dir: Path
    output_dir: Path
    files: list[FileSummary] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    missing_tables: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outputs: dict[str, int] = field(default_factory=dict)  # file name -> size in bytes
    rows_written: int = 0
    indicators: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def report(self) -> str:
        lines = [f"Imported national statistics from {self.source_dir} into {self.output_dir}"]
        lines.append(f"{'file':<82} {'table':<24} {'rows read':>9} {'extracted':>9} {'seconds':>8}")
        for f in self.files:
            lines.append(f"{f.file:<82} {f.table:<24} {f.rows_read:>9} {f.rows_extracted:>9} {f.seconds:>8.2f}")
        for name, reason in self.skipped:
            lines.append(f"skipped {name}: {reason}")
        for table in self.missing_tables:
            lines.append(f"not found: {table}")
        for warning in self.warnings:
            lines.append(f"note: {warning}")
        for name, size in self.outputs.items():
            lines.append(f"wrote {name} ({size:,} bytes)")
        lines.append(
            f"{len(self.indicators)} indicators, {self.rows_written:,} rows, in {self.seconds:.2f} seconds"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.report()


# --------------------------------------------------------------------------------------
# Recognising files
# --------------------------------------------------------------------------------------
def recognise(raw: RawCsv) -> tuple[Table | None, str]:
    """Which known table a CSV holds, judged by its columns and content; (None, reason) if none."""
    columns = raw.normalised_header
    present = set(columns)
    matches: list[Table] = []
    for table in TABLES:
        if not table.signature <= present or table.excluded_columns & present:
            continue
        if table.signature_value:
            column, label = table.signature_value
            position = columns.index(column)
            wanted = label_key(label)
            if not any(position < len(row) and label_key(row[position]) == wanted for row in raw.rows):
                continue
        matches.append(table)
    if len(matches) == 1:
        return matches[0], ""
    if len(matches) > 1:
        return None, "its columns match more than one known table: " + ", ".join(t.key for t in matches)
    looks_ees = {"time_period", "geographic_level"} & present
    what = "an EES file" if looks_ees else "a CSV file"
    return None, f"{what} that is not one of the tables the importer knows"


def _near_miss(raw: RawCsv) -> InputProblem | None:
    """A file named like a known DfE download but without the columns that identify it."""
    present = set(raw.normalised_header)
    for table in TABLES:
        if raw.name.lower() == table.expected_file.lower():
            missing = sorted(table.signature - present)
            if missing:
                return InputProblem(
                    raw.name,
                    f"the file is named like DfE's {table.description.lower()} table but lacks the column(s) "
                    f"{', '.join(missing)} that identify it",
                    row=1,
                    column=missing[0],
                )
    return None


def _cap(problems: list[InputProblem]) -> list[InputProblem]:
    """List at most MAX_PROBLEMS_PER_RULE problems per (file, rule); count the rest."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    kept: list[InputProblem] = []
    extra: dict[tuple[str, str], list[InputProblem]] = defaultdict(list)
    for problem in problems:
        key = (problem.file, problem.rule)
        counts[key] += 1
        if counts[key] <= MAX_PROBLEMS_PER_RULE:
            kept.append(problem)
        else:
            extra[key].append(problem)
    for (file, rule), rest in extra.items():
        rows = [p.row for p in rest if p.row is not None]
        kept.append(
            InputProblem(
                file,
                f"{len(rest)} more rows with the same problem ({rule})",
                row=rows[0] if rows else None,
                column=rest[0].column,
            )
        )
    return kept


# --------------------------------------------------------------------------------------
# Reading one EES table
# --------------------------------------------------------------------------------------
@dataclass
class TableData:
    """One EES table, spread so that each (time_period, area_code) is one row."""

    table: Table
    file: str
    rows_read: int
    keys: pd.DataFrame  # index (time_period, area_code): geographic_level, old_la_code
    values: pd.DataFrame  # same index; wide value columns as floats
    symbols: pd.DataFrame  # same index; symbols ('' if none)
    present: pd.DataFrame  # same index; True where the file has the cell
    decimals: dict[str, int]
    areas: pd.DataFrame  # time_period + area columns, one row per file row kept
    time_periods: list[int]
    dropped_levels: dict[str, int]


def read_table(ees: EesFile, table: Table) -> tuple[TableData | None, list[InputProblem]]:
    """Check an EES file against the standard and the table's layout, then spread it out."""
    problems = list(ees.problems) + check_ees(ees)
    frame = ees.frame
    needed = list(table.filters) + list(table.values)
    for column in needed:
        if column not in frame.columns:
            problems.append(
                InputProblem(ees.name, f"column {column} is needed for the {table.key} table but is missing",
                             row=1, column=column)
            )
    if any(p.row == 1 for p in problems) or ees.frame.empty:
        if ees.frame.empty and not problems:
            problems.append(InputProblem(ees.name, "the file has a header row but no data rows", row=2))
        return None, problems

    levels = frame["geographic_level"]
    kept = levels.isin(KEPT_LEVELS)
    dropped = levels[~kept & levels.isin(ees_mod.ALLOWED_GEOGRAPHIC_LEVELS)].value_counts().to_dict()
    frame = frame[kept]

    # time periods: this table's identifiers only; rows with a bad time period are reported and left out
    bad_identifier = ~frame["time_identifier"].isin(table.time_identifiers)
    for identifier, rows in frame[bad_identifier].groupby("time_identifier").groups.items():
        if identifier not in ees_mod.FOUR_DIGIT_IDENTIFIERS + ees_mod.SIX_DIGIT_IDENTIFIERS:
            continue  # already reported by check_ees
        first = rows[0]
        problems.append(
            InputProblem(
                ees.name,
                f"this table must use time_identifier {' or '.join(repr(t) for t in table.time_identifiers)} "
                f"(years ending 31 March); found {identifier!r} on {len(rows)} row(s)",
                row=spreadsheet_row(first),
                column="time_identifier",
                value=identifier,
            )
        )
    pairs = list(zip(frame["time_period"], frame["time_identifier"]))
    valid = {pair: not ees_mod.check_time(ees.name, 0, *pair) for pair in set(pairs)}
    time_ok = pd.Series([valid[pair] for pair in pairs], index=frame.index, dtype=bool)
    frame = frame[time_ok & ~bad_identifier]

    if table.key == "ons_population":
        period = frame["time_period"].str[:4].astype(int)  # the mid-year of the estimate
    else:
        pairs = list(zip(frame["time_period"], frame["time_identifier"]))
        years = {pair: ees_mod.year_ending_march(*pair) for pair in set(pairs)}
        period = pd.Series([years[pair] for pair in pairs], index=frame.index, dtype=int)
    areas = area_columns(frame)
    areas.insert(0, "time_period", period)

    # one row per time period x area x filters
    filter_key = pd.Series("-", index=frame.index, dtype=object)  # wide tables: no filters
    if table.filters:
        parts = []
        for column in table.filters:
            labels = {label: label_key(label) for label in frame[column].unique()}
            parts.append(frame[column].map(labels))
        filter_key = parts[0]
        for part in parts[1:]:
            filter_key = filter_key + " | " + part
    key = pd.DataFrame({"time_period": period, "area_code": areas["area_code"], "filters": filter_key})
    duplicated = key.duplicated(keep="first") & (key["area_code"] != "")
    if duplicated.any():
        first_row = {}
        for index, k in zip(key.index, map(tuple, key.to_numpy())):
            if k not in first_row:
                first_row[k] = index
        for index in key.index[duplicated.to_numpy()]:
            k = tuple(key.loc[index])
            problems.append(
                InputProblem(
                    ees.name,
                    f"duplicate row: same time period, area and {', '.join(table.filters) or 'filters'} as row "
                    f"{spreadsheet_row(first_row[k])}",
                    row=spreadsheet_row(index),
                    column="time_period",
                    value=" / ".join(str(x) for x in k if x not in ("", "-")),
                )
            )

    parsed_values: dict[str, pd.Series] = {}
    parsed_symbols: dict[str, pd.Series] = {}
    for column in table.values:
        values, symbols, bad = parse_values(ees, column, frame.index)
        problems += bad
        parsed_values[column] = values
        parsed_symbols[column] = symbols
    if problems:
        return None, problems

    long = key.copy()
    for column in table.values:
        long[f"v:{column}"] = parsed_values[column]
        long[f"s:{column}"] = parsed_symbols[column]
        long[f"c:{column}"] = True  # the file has this cell
        long[f"d:{column}"] = ees_mod.decimal_places(frame[column])
    index_cols = ["time_period", "area_code"]
    spread = long.pivot(index=index_cols, columns="filters")
    places_by_filter = long.groupby("filters")[[f"d:{column}" for column in table.values]].max()
    values: dict[str, pd.Series] = {}
    symbols: dict[str, pd.Series] = {}
    present: dict[str, pd.Series] = {}
    places: dict[str, int] = {}
    for column in table.values:
        for filters in spread[f"v:{column}"].columns:
            name = f"{column}[{filters}]" if table.filters else column
            values[name] = spread[(f"v:{column}", filters)].astype(float)
            symbols[name] = spread[(f"s:{column}", filters)].fillna("")
            present[name] = spread[(f"c:{column}", filters)].notna()
            places[name] = int(places_by_filter.loc[filters, f"d:{column}"])
    values = pd.DataFrame(values, index=spread.index)
    symbols = pd.DataFrame(symbols, index=spread.index)
    present = pd.DataFrame(present, index=spread.index)

    area_keys = (
        areas.drop_duplicates(["time_period", "area_code"])
        .set_index(index_cols)[["geographic_level", "old_la_code"]]
        .reindex(values.index)
    )
    return (
        TableData(
            table=table,
            file=ees.name,
            rows_read=len(ees.frame),
            keys=area_keys,
            values=values,
            symbols=symbols,
            present=present,
            decimals=places,
            areas=areas,
            time_periods=sorted(int(p) for p in period.unique()),
            dropped_levels=dropped,
        ),
        problems,
    )


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
    else:  # pragma: no cover - guarded in specs
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
# Writing
# --------------------------------------------------------------------------------------
def _to_csv_text(frame: pd.DataFrame) -> str:
    """CSV text with numbers written as a person writes them; missing numbers are empty.

    ``%.12g`` gives 3069 for 3069.0 and 22.6 for 22.6; every value in the extract has at
    most 12 significant digits (counts, populations, and values with 1 or 2 decimals).
    """
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.12g")


def write_catalogue(path: Path = DataPaths().reference / "national_indicators.csv") -> Path:
    """Write data/reference/national_indicators.csv from the indicator definitions."""
    frame = pd.DataFrame(catalogue_rows(), columns=list(CATALOGUE_COLUMNS))
    write_all_atomically(path.parent, {path.name: frame.to_csv(index=False, lineterminator="\n").encode("utf-8")})
    return path


# --------------------------------------------------------------------------------------
# The import
# --------------------------------------------------------------------------------------
def import_national(
    source_dir: Path,
    output_dir: Path = DataPaths().national,
    *,
    log: Callable[[str], None] | None = None,
    today: date | None = None,
) -> ImportSummary:
    """Read the EES files in ``source_dir``, check them, and write the tidy extract to ``output_dir``.

    Raises :class:`analysis.errors.InputError` listing every problem found (file, row,
    column, value, rule) before anything is written. ``log`` (for example ``print``)
    receives a line per file as it is read. Returns an :class:`ImportSummary`.
    """
    started = time.perf_counter()
    say = log or (lambda message: None)
    source_dir = Path(source_dir).expanduser()
    output_dir = Path(output_dir)
    summary = ImportSummary(source_dir=source_dir, output_dir=output_dir)
    if not source_dir.is_dir():
        raise InputError([InputProblem(str(source_dir), "the folder does not exist or is not a folder")])

    problems: list[InputProblem] = []
    tables: dict[str, TableData] = {}
    neighbour_rows: dict[str, list[NeighbourRow]] = {}
    file_info: dict[str, dict] = {}
    seen_tables: dict[str, str] = {}
    seconds: dict[str, float] = {}

    csv_files = sorted((p for p in source_dir.iterdir() if p.is_file() and p.suffix.lower() == ".csv"),
                       key=lambda p: p.name)
    for path in csv_files:
        tick = time.perf_counter()
        data = path.read_bytes()
        raw = read_raw(path)
        if not raw.header and raw.problems:  # not text, or empty
            if any(path.name.lower() == t.expected_file.lower() for t in TABLES):
                problems += raw.problems  # a file the user clearly meant us to read
            else:
                summary.skipped.append((path.name, raw.problems[0].rule))
                say(f"skipped {path.name}: {raw.problems[0].rule}")
            continue
        table, reason = recognise(raw)
        if table is None:
            near = _near_miss(raw)
            if near is not None:
                problems.append(near)
            else:
                summary.skipped.append((path.name, reason))
                say(f"skipped {path.name}: {reason}")
            continue
        if table.key in seen_tables:
            problems.append(
                InputProblem(
                    path.name,
                    f"holds the same table ({table.description}) as {seen_tables[table.key]}; keep only one of them "
                    "in the folder",
                )
            )
            continue
        seen_tables[table.key] = path.name
        file_info[table.key] = {
            "file": path.name,
            "table": table.key,
            "description": table.description,
            "publication": table.publication,
            "sha256": sha256_bytes(data),
            "size_bytes": len(data),
            "rows_read": len(raw.rows),
            "licence": LICENCE,
            "time_period_type": (
                "statistical neighbour model year" if table.kind == "neighbours"
                else "mid_year" if table.key == "ons_population"
                else "year ending 31 March"
            ),
        }
        if table.kind == "neighbours":
            rows, found, notes = parse_neighbours(path.name, raw.header, raw.rows)
            problems += list(raw.problems) + found
            neighbour_rows[table.model] = rows
            file_info[table.key]["time_periods"] = [int(table.model)]
            summary.warnings += notes
        else:
            data_table, found = read_table(ees_file(raw), table)
            problems += found
            if data_table is not None:
                tables[table.key] = data_table
                file_info[table.key]["time_periods"] = data_table.time_periods
                for level, count in data_table.dropped_levels.items():
                    summary.warnings.append(f"{path.name}: {count} {level} rows not kept (only England, regions "
                                            "and local authorities are)")
        seconds[table.key] = time.perf_counter() - tick
        say(f"read {path.name} as {table.key} ({len(raw.rows)} rows, {seconds[table.key]:.2f} s)")

    if problems:
        raise InputError(_cap(problems))
    if not tables:
        raise InputError([InputProblem(str(source_dir), "no EES file the importer knows was found in the folder "
                                                         f"(looked at {len(csv_files)} CSV file(s))")])
    summary.missing_tables = [
        f"{t.description} ({t.expected_file})" for t in TABLES if t.key not in seen_tables
    ]

    # indicators
    population = PopulationLookup(tables["ons_population"]) if "ons_population" in tables else None
    pieces: list[pd.DataFrame] = []
    indicator_info: list[dict] = []
    rows_by_table: dict[str, int] = defaultdict(int)
    for indicator in INDICATORS:
        data_table = tables.get(indicator.table)
        if data_table is None:
            continue
        tick = time.perf_counter()
        rows, places, warning = extract_indicator(indicator, data_table, population)
        seconds[indicator.table] += time.perf_counter() - tick
        if warning:
            summary.warnings.append(warning)
            continue
        pieces.append(rows)
        rows_by_table[indicator.table] += len(rows)
        indicator_info.append(
            {
                "indicator_id": indicator.indicator_id,
                "source_file": data_table.file,
                "table": indicator.table,
                "method": indicator.method,
                "decimals": places,
                "rows": len(rows),
                "time_periods": sorted(int(p) for p in rows["time_period"].unique()),
            }
        )
        if indicator.method == "rate_per_10000" and "ons_population" in file_info:
            indicator_info[-1]["population_file"] = file_info["ons_population"]["file"]

    extract = pd.concat(pieces, ignore_index=True)
    extract["_level"] = extract["geographic_level"].map(LEVEL_ORDER)
    order = {i.indicator_id: n for n, i in enumerate(INDICATORS)}
    extract["_indicator"] = extract["indicator_id"].map(order)
    extract = extract.sort_values(["_indicator", "time_period", "_level", "area_code"], kind="stable")
    extract = extract.loc[:, list(EXTRACT_COLUMNS)].reset_index(drop=True)

    area_frames = [t.areas for t in tables.values()]
    areas = build_areas(area_frames)
    lookup = old_code_lookup(area_frames)
    neighbour_frames = []
    for model in sorted(neighbour_rows):
        frame, warnings = build_neighbours(model, neighbour_rows[model], lookup)
        neighbour_frames.append(frame)
        summary.warnings += warnings
    neighbours = (
        pd.concat(neighbour_frames, ignore_index=True)
        if neighbour_frames
        else pd.DataFrame(columns=list(NEIGHBOUR_COLUMNS))
    )
    neighbours = neighbours.sort_values(["model", "old_la_code", "rank"], kind="stable").reset_index(drop=True)

    contents: dict[str, bytes] = {
        EXTRACT_FILE: _to_csv_text(extract).encode("utf-8"),
        AREAS_FILE: areas.to_csv(index=False, lineterminator="\n").encode("utf-8"),
        NEIGHBOURS_FILE: neighbours.to_csv(index=False, lineterminator="\n").encode("utf-8"),
    }
    provenance = {
        "import_date": (today or date.today()).isoformat(),
        "importer": "analysis.national.importer.import_national",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "period_conventions": {
            "time_period": "year ending 31 March (DfE 'Reporting year'), except population_0_17 whose "
                           "time_period is the ONS mid-year",
            "rates": "per 10,000 children aged 0 to 17; the year ending 31 March YYYY uses the mid-(YYYY-1) "
                     "ONS estimate",
        },
        "source_files": [file_info[key] for key in sorted(file_info, key=lambda k: file_info[k]["file"])],
        "skipped_files": [{"file": name, "reason": reason} for name, reason in summary.skipped],
        "indicators": indicator_info,
        "outputs": {
            name: {"sha256": sha256_bytes(data), "size_bytes": len(data)} for name, data in contents.items()
        },
    }
    contents[PROVENANCE_FILE] = (json.dumps(provenance, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    write_all_atomically(output_dir, contents)

    for key, info in sorted(file_info.items(), key=lambda kv: kv[1]["file"]):
        extracted = rows_by_table.get(key, 0)
        if TABLES_BY_KEY[key].kind == "neighbours":
            extracted = int((neighbours["model"] == TABLES_BY_KEY[key].model).sum())
        summary.files.append(
            FileSummary(
                file=info["file"], table=key, publication=info["publication"], rows_read=info["rows_read"],
                rows_extracted=extracted, seconds=seconds.get(key, 0.0), sha256=info["sha256"],
                size_bytes=info["size_bytes"], time_periods=info.get("time_periods", []),
            )
        )
    summary.outputs = {name: len(data) for name, data in contents.items()}
    summary.rows_written = len(extract)
    summary.indicators = [info["indicator_id"] for info in indicator_info]
    summary.seconds = time.perf_counter() - started
    say(f"wrote {len(contents)} files to {output_dir} in {summary.seconds:.2f} seconds")
    return summary
