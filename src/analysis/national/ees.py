"""Reading EES-format CSV files and checking them against the EES open data standard.

Explore Education Statistics (EES) publishes tidy CSV files with a fixed set of
geography and time columns ("the EES open data standard", DfE Analytical Services,
https://dfe-analytical-services.github.io/analysts-guide/statistics-production/ud.html).
This module reads such a file exactly as published and reports, with file, row,
column and value, every way in which it breaks the rules this project relies on:

* the mandatory columns time_period, time_identifier, geographic_level,
  country_code and country_name are present (and new_la_code, la_name and
  old_la_code when there are Local authority rows, region_code and region_name when
  there are Regional rows), and filled in on every row that needs them;
* time_identifier is one the standard allows, and time_period has the matching
  form: four digits (2025) for "Reporting year", "Calendar year", months and weeks;
  six digits naming consecutive years (202425) for "Academic year",
  "Financial year", "Tax year", terms and financial quarters;
* geographic_level is one the standard allows;
* every value is a plain number or one of the DfE symbols.

Real files differ from one another and this module copes with what we have seen:
columns in any order, a UTF-8 byte order mark before the first column name,
column names that differ only in case (``CLA_group`` and ``cla_group``), quoted empty
strings, and percentages published as whole numbers in some files and to one
decimal place in others (values are kept as published; see :func:`decimals`).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputProblem
from analysis.vocabulary import SYMBOLS

# DfE symbols (analysis.vocabulary.SYMBOLS) each mean "no number here, for this reason": never read as zero.

MANDATORY_COLUMNS = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name")
LA_COLUMNS = ("new_la_code", "la_name", "old_la_code")
REGION_COLUMNS = ("region_code", "region_name")

#: Geographic levels the EES open data standard allows (eesyscreener geography_df).
ALLOWED_GEOGRAPHIC_LEVELS = (
    "National",
    "Regional",
    "Local authority",
    "Local authority district",
    "RSC region",
    "Parliamentary constituency",
    "Local skills improvement plan area",
    "Local enterprise partnership",
    "English devolved area",
    "Opportunity area",
    "Ward",
    "MAT",
    "Sponsor",
    "School",
    "Provider",
    "Institution",
    "Planning area",
    "Police force area",
)

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)
_WEEKS = tuple(f"Week {n}" for n in range(1, 53))
FOUR_DIGIT_IDENTIFIERS = ("Calendar year", "Reporting year") + _MONTHS + _WEEKS
SIX_DIGIT_IDENTIFIERS = (
    "Autumn and spring term", "Spring term", "Autumn term", "Summer term",
    "Financial year", "Academic year", "Tax year",
    "Financial year Q1", "Financial year Q2", "Financial year Q3", "Financial year Q4",
    "Part 1 (April to September)", "Part 2 (October to March)",
)

_NUMBER = re.compile(r"^-?(\d+)(\.(\d+))?$")
_NEW_CODE = re.compile(r"^[EWSNK]\d{8}$")
_OLD_LA_CODE = re.compile(r"^\d{3}$")
# Area code columns checked at each geographic level: (level, column, pattern, rule broken).
_CODE_RULES = [
    ("Local authority", "new_la_code", _NEW_CODE, "new_la_code must be a nine character GSS code: E followed by 8 digits"),
    ("Local authority", "old_la_code", _OLD_LA_CODE,
     "old_la_code must be a three digit DfE local authority number such as 202"),
    ("Regional", "region_code", _NEW_CODE, "region_code must be a nine character GSS code such as E12000007"),
]


def spreadsheet_row(index: int) -> int:
    """Row number a person sees in a spreadsheet for the data row at position `index`."""
    return int(index) + 2


@dataclass
class EesFile:
    """One CSV file as read: every cell a string, column names normalised."""

    path: Path
    frame: pd.DataFrame  # all values str, stripped; columns normalised to lower case
    original_columns: dict[str, str]  # normalised name -> name as written in the file
    had_bom: bool = False
    problems: list[InputProblem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def columns(self) -> set[str]:
        return set(self.frame.columns)

    def column_label(self, column: str) -> str:
        """The column name as the file writes it, for messages."""
        return self.original_columns.get(column, column)


def normalise_column(name: str) -> str:
    """Column names are compared without case or surrounding spaces: CLA_group == cla_group."""
    return name.replace("\ufeff", "").strip().lower()


@dataclass
class RawCsv:
    """A CSV file as text cells: the header as written (BOM removed) and the data rows."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    had_bom: bool = False
    problems: list[InputProblem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def normalised_header(self) -> list[str]:
        return [normalise_column(name) for name in self.header]


def read_raw(path: Path) -> RawCsv:
    """Read a CSV file as stripped strings, coping with a byte order mark and quoted empty strings.

    Problems that stop the file being read (not text, empty, ragged rows) are returned in
    ``RawCsv.problems``. Rows are padded to the header's width; a trailing empty cell
    (from a trailing comma) is ignored.
    """
    path = Path(path)
    raw = path.read_bytes()
    problems: list[InputProblem] = []
    had_bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(
            InputProblem(path.name, f"the file is not UTF-8 text (undecodable byte at position {error.start}); "
                                    "save it as 'CSV UTF-8'")
        )
        return RawCsv(path, [], [], had_bom, problems)
    if not text.strip():
        problems.append(InputProblem(path.name, "the file is empty"))
        return RawCsv(path, [], [], had_bom, problems)
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        problems.append(InputProblem(path.name, f"the file cannot be read as CSV ({error})"))
        return RawCsv(path, [], [], had_bom, problems)
    header = [cell.replace("\ufeff", "").strip() for cell in records[0]]
    width = len(header)
    rows: list[list[str]] = []
    for row_number, row in enumerate(records[1:], start=2):
        cells = [cell.strip() for cell in row]
        if len(cells) > width and not any(cells[width:]):
            cells = cells[:width]
        if len(cells) > width:
            problems.append(
                InputProblem(path.name, f"row has {len(cells)} cells but the header has {width} columns",
                             row=row_number, value=",".join(cells[width:]))
            )
            cells = cells[:width]
        rows.append(cells + [""] * (width - len(cells)))
    return RawCsv(path, header, rows, had_bom, problems)


def ees_file(raw: RawCsv) -> EesFile:
    """The EES view of a CSV: a frame of strings with normalised, unique column names."""
    problems = list(raw.problems)
    names = raw.normalised_header
    original: dict[str, str] = {}
    keep: list[int] = []
    for position, (name, as_written) in enumerate(zip(names, raw.header)):
        if name == "":
            if any(row[position] for row in raw.rows):
                problems.append(
                    InputProblem(raw.name, "column has values but no name in the header row", row=1,
                                 column=f"column {position + 1}")
                )
            continue
        if name in original:
            problems.append(
                InputProblem(
                    raw.name,
                    f"column name appears twice (columns {names.index(name) + 1} and {position + 1}, ignoring case)",
                    row=1,
                    column=as_written,
                )
            )
            continue
        original[name] = as_written
        keep.append(position)
    frame = pd.DataFrame([[row[i] for i in keep] for row in raw.rows], columns=[names[i] for i in keep],
                         dtype=object)
    return EesFile(raw.path, frame, original, raw.had_bom, problems)


def read_ees(path: Path) -> EesFile:
    """Read an EES-format CSV file (see :func:`read_raw` and :func:`ees_file`)."""
    return ees_file(read_raw(path))


def parse_value(text: str) -> tuple[float, str]:
    """A published cell as (number, symbol).

    ``"22.6"`` -> (22.6, ""); ``"c"`` -> (nan, "c"); ``""`` -> (nan, "").
    Raises ValueError for anything else (for example ``"1,234"`` or ``"n/a"``).
    """
    cell = str(text).strip()
    if cell == "":
        return np.nan, ""
    if _NUMBER.match(cell):
        return float(cell), ""
    symbol = cell.lower()
    if symbol in SYMBOLS:
        return np.nan, symbol
    raise ValueError(cell)


def decimal_places(cells: pd.Series) -> pd.Series:
    """Decimal places of each cell that is a plain number ('22.6' -> 1, '88' -> 0, 'c' -> 0)."""
    text = cells.astype(str).str.strip()
    numeric = text.str.match(_NUMBER)
    dot = text.str.find(".")
    places = (text.str.len() - dot - 1).where(numeric & (dot >= 0), 0)
    return places.astype(int)


def decimals(cells: pd.Series) -> int:
    """The number of decimal places a column is published to (the most any number shows)."""
    places = cells.astype(str).str.extract(_NUMBER)[2].dropna()
    return int(places.str.len().max()) if len(places) else 0


def parse_values(ees: EesFile, column: str, rows: pd.Index | None = None) -> tuple[pd.Series, pd.Series, list[InputProblem]]:
    """Parse one value column into numbers and symbols, with a problem for each bad cell."""
    cells = ees.frame[column] if rows is None else ees.frame.loc[rows, column]
    cells = cells.astype(str).str.strip()
    numeric = cells.str.match(_NUMBER)
    values = pd.Series(np.nan, index=cells.index, dtype=float)
    values[numeric] = cells[numeric].astype(float)
    lowered = cells.str.lower()
    is_symbol = lowered.isin(list(SYMBOLS))
    symbols = pd.Series("", index=cells.index, dtype=object)
    symbols[is_symbol] = lowered[is_symbol]
    bad = ~(numeric | is_symbol | (cells == ""))
    problems = [
        InputProblem(
            ees.name,
            "value is neither a plain number nor a DfE symbol (c, k, low, u, x, z, :); "
            "numbers must not contain commas, spaces or units",
            row=spreadsheet_row(index),
            column=ees.column_label(column),
            value=cells[index],
        )
        for index in cells.index[bad]
    ]
    return values, symbols, problems


def check_time(file: str, row: int, period: str, identifier: str) -> list[InputProblem]:
    """Check one time_period / time_identifier pair; empty list when they agree."""
    problems: list[InputProblem] = []
    if identifier in FOUR_DIGIT_IDENTIFIERS:
        if not re.fullmatch(r"\d{4}", period):
            problems.append(
                InputProblem(
                    file,
                    f"time_period must be a four digit year (such as 2025) when time_identifier is "
                    f"{identifier!r}",
                    row=row,
                    column="time_period",
                    value=period,
                )
            )
    elif identifier in SIX_DIGIT_IDENTIFIERS:
        if not re.fullmatch(r"\d{6}", period):
            problems.append(
                InputProblem(
                    file,
                    f"time_period must be six digits naming two consecutive years (such as 202425) "
                    f"when time_identifier is {identifier!r}",
                    row=row,
                    column="time_period",
                    value=period,
                )
            )
        elif (int(period[2:4]) + 1) % 100 != int(period[4:6]):
            problems.append(
                InputProblem(
                    file,
                    f"time_period {period} does not name two consecutive years: after "
                    f"{period[:4]} comes {(int(period[:4]) + 1)}, so write {period[:4]}{(int(period[2:4]) + 1) % 100:02d}",
                    row=row,
                    column="time_period",
                    value=period,
                )
            )
    else:
        problems.append(
            InputProblem(
                file,
                "time_identifier is not one the EES open data standard allows (for example "
                "'Reporting year', 'Financial year', 'Academic year', 'Calendar year')",
                row=row,
                column="time_identifier",
                value=identifier,
            )
        )
    return problems


def year_ending_march(period: str, identifier: str) -> int:
    """The year ending 31 March a DfE time period refers to.

    "Reporting year" 2025 (children's social care: year ending 31 March 2025) -> 2025;
    "Financial year" 202425 (1 April 2024 to 31 March 2025) -> 2025.
    """
    if identifier == "Reporting year":
        return int(period)
    if identifier == "Financial year":
        return int(period[:4]) + 1
    raise ValueError(f"time_identifier {identifier!r} does not describe a year ending 31 March")


def check_ees(ees: EesFile) -> list[InputProblem]:
    """Every way the file breaks the EES open data standard (as far as this project needs it)."""
    file = ees.name
    frame = ees.frame
    problems: list[InputProblem] = []
    missing = [column for column in MANDATORY_COLUMNS if column not in frame.columns]
    for column in missing:
        problems.append(
            InputProblem(file, "mandatory EES column is missing from the header row", row=1, column=column)
        )
    if "geographic_level" in frame.columns:
        levels = frame["geographic_level"]
        unknown = ~levels.isin(ALLOWED_GEOGRAPHIC_LEVELS)
        for index in frame.index[unknown]:
            problems.append(
                InputProblem(
                    file,
                    "geographic_level is not one the EES open data standard allows (National, Regional, "
                    "Local authority, ...)",
                    row=spreadsheet_row(index),
                    column="geographic_level",
                    value=levels[index],
                )
            )
        for level, needed in (("Local authority", LA_COLUMNS), ("Regional", REGION_COLUMNS)):
            at_level = frame.index[levels == level]
            if len(at_level) == 0:
                continue
            for column in needed:
                if column not in frame.columns:
                    problems.append(
                        InputProblem(
                            file,
                            f"column {column} is mandatory because the file has {level} rows "
                            f"(first at row {spreadsheet_row(at_level[0])})",
                            row=1,
                            column=column,
                        )
                    )
                    continue
                blank = frame.loc[at_level, column] == ""
                for index in at_level[blank.to_numpy()]:
                    problems.append(
                        InputProblem(
                            file,
                            f"{column} must be filled in on {level} rows",
                            row=spreadsheet_row(index),
                            column=column,
                            value="",
                        )
                    )
            for code_level, column, pattern, rule in _CODE_RULES:
                if level != code_level or column not in frame.columns:
                    continue
                codes = frame.loc[at_level, column]
                for index in at_level[((codes != "") & ~codes.str.match(pattern)).to_numpy()]:
                    problems.append(InputProblem(file, rule, row=spreadsheet_row(index), column=column,
                                                 value=codes[index]))
    for column in ("country_code", "country_name"):
        if column in frame.columns:
            for index in frame.index[(frame[column] == "").to_numpy()]:
                problems.append(
                    InputProblem(file, f"{column} must be filled in on every row", row=spreadsheet_row(index),
                                 column=column, value="")
                )
    if "time_period" in frame.columns and "time_identifier" in frame.columns:
        pairs = frame[["time_period", "time_identifier"]]
        checked: dict[tuple[str, str], list[InputProblem]] = {}
        for index, period, identifier in zip(pairs.index, pairs["time_period"], pairs["time_identifier"]):
            key = (period, identifier)
            if key not in checked:
                checked[key] = check_time(file, 0, period, identifier)
            for problem in checked[key]:
                problems.append(
                    InputProblem(problem.file, problem.rule, row=spreadsheet_row(index), column=problem.column,
                                 value=problem.value)
                )
    return problems


def area_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The area each row describes: area_code, area_name, old_la_code, region_code, region_name.

    National rows are England (country_code), Regional rows the region (region_code;
    DfE also publishes Inner London E13000001 and Outer London E13000002 as regions),
    Local authority rows the authority (new_la_code, with its old three digit code).
    """
    level = frame["geographic_level"]

    def col(name: str) -> pd.Series:
        return frame[name] if name in frame.columns else pd.Series("", index=frame.index, dtype=object)

    national = level == "National"
    regional = level == "Regional"
    local = level == "Local authority"
    area_code = np.select([national, regional, local], [col("country_code"), col("region_code"), col("new_la_code")], "")
    area_name = np.select([national, regional, local], [col("country_name"), col("region_name"), col("la_name")], "")
    return pd.DataFrame(
        {
            "geographic_level": level,
            "area_code": area_code,
            "area_name": area_name,
            "old_la_code": np.where(local, col("old_la_code"), ""),
            "region_code": np.where(national, "", col("region_code")),
            "region_name": np.where(national, "", col("region_name")),
        },
        index=frame.index,
    )
