"""Reading the source folder: recognising each published table and reading it, checked.

Every CSV in the folder is read; the tables the importer knows
(:mod:`analysis.national.tables`) are recognised by their columns and content, not by
file name, and checked against the EES open data standard and their layout. Every
problem in every file is collected and raised at once (file, row, column, value and
rule) before anything is extracted. Unrecognised CSVs are skipped and listed.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from analysis.errors import InputError, InputProblem
from analysis.files import sha256_bytes
from analysis.national import ees as ees_mod
from analysis.national.ees import EesFile, RawCsv, area_columns, check_ees, ees_file, parse_values, read_raw, spreadsheet_row
from analysis.national.neighbours import NeighbourRow, parse_neighbours
from analysis.national.tables import TABLES, Table, label_key

KEPT_LEVELS = ("National", "Regional", "Local authority")

#: At most this many problems of one kind are listed for one file; the rest are counted.
MAX_PROBLEMS_PER_RULE = 20


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


def _named_like_a_known_table(name: str) -> bool:
    return any(name.lower() == table.expected_file.lower() for table in TABLES)


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


def _missing_columns(ees: EesFile, table: Table) -> list[InputProblem]:
    return [
        InputProblem(ees.name, f"column {column} is needed for the {table.key} table but is missing",
                     row=1, column=column)
        for column in list(table.filters) + list(table.values)
        if column not in ees.frame.columns
    ]


def _kept_levels(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """England, regions and local authorities; and how many rows of each other level were left out."""
    levels = frame["geographic_level"]
    kept = levels.isin(KEPT_LEVELS)
    dropped = levels[~kept & levels.isin(ees_mod.ALLOWED_GEOGRAPHIC_LEVELS)].value_counts().to_dict()
    return frame[kept], dropped


def _kept_time_periods(file: str, frame: pd.DataFrame, table: Table) -> tuple[pd.DataFrame, list[InputProblem]]:
    """Rows with this table's time identifiers and a valid time period; the others are reported and left out."""
    problems = []
    bad_identifier = ~frame["time_identifier"].isin(table.time_identifiers)
    for identifier, rows in frame[bad_identifier].groupby("time_identifier").groups.items():
        if identifier not in ees_mod.FOUR_DIGIT_IDENTIFIERS + ees_mod.SIX_DIGIT_IDENTIFIERS:
            continue  # already reported by check_ees
        first = rows[0]
        problems.append(
            InputProblem(
                file,
                f"this table must use time_identifier {' or '.join(repr(t) for t in table.time_identifiers)} "
                f"(years ending 31 March); found {identifier!r} on {len(rows)} row(s)",
                row=spreadsheet_row(first),
                column="time_identifier",
                value=identifier,
            )
        )
    pairs = list(zip(frame["time_period"], frame["time_identifier"]))
    valid = {pair: not ees_mod.check_time(file, 0, *pair) for pair in set(pairs)}
    time_ok = pd.Series([valid[pair] for pair in pairs], index=frame.index, dtype=bool)
    return frame[time_ok & ~bad_identifier], problems


def _time_period(frame: pd.DataFrame, table: Table) -> pd.Series:
    """The year ending 31 March of each row; the mid-year of the estimate for ONS population."""
    if table.key == "ons_population":
        return frame["time_period"].str[:4].astype(int)
    pairs = list(zip(frame["time_period"], frame["time_identifier"]))
    years = {pair: ees_mod.year_ending_march(*pair) for pair in set(pairs)}
    return pd.Series([years[pair] for pair in pairs], index=frame.index, dtype=int)


def _filter_key(frame: pd.DataFrame, table: Table) -> pd.Series:
    """Each row's filter labels joined as in a wide column name; '-' for a table without filters."""
    if not table.filters:
        return pd.Series("-", index=frame.index, dtype=object)
    parts = []
    for column in table.filters:
        labels = {label: label_key(label) for label in frame[column].unique()}
        parts.append(frame[column].map(labels))
    filter_key = parts[0]
    for part in parts[1:]:
        filter_key = filter_key + " | " + part
    return filter_key


def _duplicate_rows(file: str, key: pd.DataFrame, table: Table) -> list[InputProblem]:
    """A row with the same time period, area and filters as an earlier one."""
    duplicated = key.duplicated(keep="first") & (key["area_code"] != "")
    if not duplicated.any():
        return []
    first_row = {}
    for index, k in zip(key.index, map(tuple, key.to_numpy())):
        if k not in first_row:
            first_row[k] = index
    problems = []
    for index in key.index[duplicated.to_numpy()]:
        k = tuple(key.loc[index])
        problems.append(
            InputProblem(
                file,
                f"duplicate row: same time period, area and {', '.join(table.filters) or 'filters'} as row "
                f"{spreadsheet_row(first_row[k])}",
                row=spreadsheet_row(index),
                column="time_period",
                value=" / ".join(str(x) for x in k if x not in ("", "-")),
            )
        )
    return problems


def _spread(key: pd.DataFrame, frame: pd.DataFrame, parsed_values: dict[str, pd.Series],
            parsed_symbols: dict[str, pd.Series], table: Table):
    """One row per (time_period, area_code), one column per value column and filter labels."""
    long = key.copy()
    for column in table.values:
        long[f"v:{column}"] = parsed_values[column]
        long[f"s:{column}"] = parsed_symbols[column]
        long[f"c:{column}"] = True  # the file has this cell
        long[f"d:{column}"] = ees_mod.decimal_places(frame[column])
    spread = long.pivot(index=["time_period", "area_code"], columns="filters")
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
    return (pd.DataFrame(values, index=spread.index), pd.DataFrame(symbols, index=spread.index),
            pd.DataFrame(present, index=spread.index), places)


def read_table(ees: EesFile, table: Table) -> tuple[TableData | None, list[InputProblem]]:
    """Check an EES file against the standard and the table's layout, then spread it out."""
    problems = list(ees.problems) + check_ees(ees) + _missing_columns(ees, table)
    if any(p.row == 1 for p in problems) or ees.frame.empty:
        if ees.frame.empty and not problems:
            problems.append(InputProblem(ees.name, "the file has a header row but no data rows", row=2))
        return None, problems

    frame, dropped = _kept_levels(ees.frame)
    frame, found = _kept_time_periods(ees.name, frame, table)
    problems += found
    period = _time_period(frame, table)
    areas = area_columns(frame)
    areas.insert(0, "time_period", period)

    # one row per time period x area x filters
    key = pd.DataFrame({"time_period": period, "area_code": areas["area_code"], "filters": _filter_key(frame, table)})
    problems += _duplicate_rows(ees.name, key, table)
    parsed_values: dict[str, pd.Series] = {}
    parsed_symbols: dict[str, pd.Series] = {}
    for column in table.values:
        values, symbols, bad = parse_values(ees, column, frame.index)
        problems += bad
        parsed_values[column] = values
        parsed_symbols[column] = symbols
    if problems:
        return None, problems

    values, symbols, present, places = _spread(key, frame, parsed_values, parsed_symbols, table)
    area_keys = (
        areas.drop_duplicates(["time_period", "area_code"])
        .set_index(["time_period", "area_code"])[["geographic_level", "old_la_code"]]
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
# Reading the folder
# --------------------------------------------------------------------------------------
@dataclass
class SourceFile:
    """A recognised source file: which table it holds and what provenance records about it."""

    name: str
    table: Table
    sha256: str
    size_bytes: int
    rows_read: int
    time_periods: list[int] = field(default_factory=list)
    seconds: float = 0.0  # time taken to read it


@dataclass
class FolderContents:
    """Everything read from the source folder, checked."""

    sources: dict[str, SourceFile] = field(default_factory=dict)  # by table key
    tables: dict[str, TableData] = field(default_factory=dict)  # EES tables, by key
    neighbour_rows: dict[str, list[NeighbourRow]] = field(default_factory=dict)  # by model
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    missing_tables: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _read_file(path: Path, contents: FolderContents, say: Callable[[str], None]) -> list[InputProblem]:
    """Read one CSV into ``contents`` (or list it as skipped); return its problems."""
    tick = time.perf_counter()
    data = path.read_bytes()
    raw = read_raw(path)
    if not raw.header and raw.problems:  # not text, or empty
        if _named_like_a_known_table(path.name):
            return list(raw.problems)  # a file the user clearly meant us to read
        contents.skipped.append((path.name, raw.problems[0].rule))
        say(f"skipped {path.name}: {raw.problems[0].rule}")
        return []
    table, reason = recognise(raw)
    if table is None:
        near = _near_miss(raw)
        if near is not None:
            return [near]
        contents.skipped.append((path.name, reason))
        say(f"skipped {path.name}: {reason}")
        return []
    if table.key in contents.sources:
        first = contents.sources[table.key].name
        return [InputProblem(path.name, f"holds the same table ({table.description}) as {first}; keep only one of "
                                        "them in the folder")]
    source = SourceFile(path.name, table, sha256_bytes(data), len(data), len(raw.rows))
    contents.sources[table.key] = source
    if table.kind == "neighbours":
        rows, problems, notes = parse_neighbours(path.name, raw.header, raw.rows)
        problems = list(raw.problems) + problems
        contents.neighbour_rows[table.model] = rows
        source.time_periods = [int(table.model)]
        contents.warnings += notes
    else:
        data_table, problems = read_table(ees_file(raw), table)
        if data_table is not None:
            contents.tables[table.key] = data_table
            source.time_periods = data_table.time_periods
            for level, count in data_table.dropped_levels.items():
                contents.warnings.append(f"{path.name}: {count} {level} rows not kept (only England, regions "
                                         "and local authorities are)")
    source.seconds = time.perf_counter() - tick
    say(f"read {path.name} as {table.key} ({len(raw.rows)} rows, {source.seconds:.2f} s)")
    return problems


def read_folder(source_dir: Path, say: Callable[[str], None]) -> FolderContents:
    """Recognise and read every CSV in ``source_dir``.

    Raises :class:`analysis.errors.InputError` listing every problem in every file, or
    saying that the folder holds no table the importer knows.
    """
    if not source_dir.is_dir():
        raise InputError([InputProblem(str(source_dir), "the folder does not exist or is not a folder")])
    contents = FolderContents()
    problems: list[InputProblem] = []
    csv_files = sorted((p for p in source_dir.iterdir() if p.is_file() and p.suffix.lower() == ".csv"),
                       key=lambda p: p.name)
    for path in csv_files:
        problems += _read_file(path, contents, say)
    if problems:
        raise InputError(_cap(problems))
    if not contents.tables:
        raise InputError([InputProblem(str(source_dir), "no EES file the importer knows was found in the folder "
                                                         f"(looked at {len(csv_files)} CSV file(s))")])
    contents.missing_tables = [f"{t.description} ({t.expected_file})" for t in TABLES if t.key not in contents.sources]
    return contents
