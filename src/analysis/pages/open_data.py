"""The edition's figures as open data in the Explore Education Statistics (EES) format.

The register page publishes every figure of the edition as ``register-of-figures.csv``. This
module publishes the same figures as EES open data: tidy CSV files with a metadata file
(``<name>.meta.csv``) each, screened before they are published, so that they can be loaded
into EES or read by the tools made for its files.

**Which figures.** The register's rows of an indicator's figure as it was supplied or
published: ``source_kind`` ``partnership``, ``national`` or ``record_level``, an
``indicator_id`` of the indicator catalogues (``data/reference/indicators.csv`` or
``national_indicators.csv``), a ``period``, and the indicator's own ``unit`` (a row of another
unit, or of none, says something about the figure: its period, a comparison with England).
Values the book works out (``derived``: a gap between two figures, a share, a rank, a figure
worked out from the report rather than stated in it) stay in the register, whose ``source``
says how each was worked out, and are not open data; nor are words, parameters and code
constants. The value is the register's ``raw_value`` as written; a register row that shows a
DfE symbol keeps it (``k`` is written ``low`` and ``:`` is written ``x``, their current EES
forms), and a count from 1 to 5 from record-level data is written ``c``
(``analysis.vocabulary.SMALL_COUNT_RANGE``; the Methods page states the rule). Two rows of one
indicator and period that disagree are refused, naming both rows of the register.

**The shape.** One data file per EES ``time_identifier``, because a file may not mix
incompatible time identifiers and the register holds financial years (the partnership's
figures), academic years, calendar years and DfE reporting years (the national statistics):
``register-of-figures-financial-year.csv``, ``...-academic-year.csv``,
``...-calendar-year.csv`` and ``...-reporting-year.csv``, each only when the edition has such
figures. Each row is one time period of the edition's local authority; each indicator is a
column with one unit; a cell with no figure in the book for that period is ``x`` (not
available). There are no filter columns: each file holds one area, and one value per indicator
and period, so a filter would have a single level, which the screener refuses.

Time periods follow the DfE conventions the book reads (analysis.periods): a financial year
``2024-25`` is ``202425`` "Financial year", an academic year ``2024/25`` is ``202425``
"Academic year", a calendar year ``2024`` is "Calendar year", a DfE reporting year ``2025`` and
a snapshot on 31 March ``2025`` are "Reporting year" (a partnership's snapshot ``2024-25`` is
the snapshot of 31 March 2025, so "Reporting year" 2025), and an ONS mid-year estimate keeps
its year under "Reporting year", as DfE republishes those estimates.

**The rules followed** (the DfE analysts' guide, "Open data standards",
https://dfe-analytical-services.github.io/analysts-guide/statistics-production/ud.html, and
the checks of DfE's screener, the R package ``eesyscreener``, named here by function):

* data columns in the standard's order: ``time_period, time_identifier, geographic_level,
  country_code, country_name``, then for Local authority rows ``region_code, region_name,
  old_la_code, new_la_code, la_name`` (``precheck_col_req_data``,
  ``precheck_geog_level_present``, ``check_geog_region_for_la``), then filters, then
  indicators; time and geography checked by :func:`analysis.national.ees.check_ees`;
* one ``time_identifier`` per file (``precheck_time_id_mix``), and rows unique by time,
  geography and filters (``check_general_dupes``);
* column names snake_case, starting with a lower-case letter, without spaces, at most 50
  characters (``check_col_snake_case``, ``check_col_var_start``, ``check_col_names_spaces``,
  ``check_api_char_col_name``), and no indicator named after a filter value
  (``check_col_ind_smushed``);
* indicator cells are plain numbers or the GSS symbols ``c``, ``low``, ``u``, ``x``, ``z``:
  never blank, never the legacy ``~`` or ``:`` (``check_ind_invalid_entry``), never ``NA`` or
  ``NULL`` (``check_general_null``);
* the metadata file has exactly the columns ``col_name, col_type, label, indicator_grouping,
  indicator_unit, indicator_dp, filter_hint, filter_grouping_column``
  (``precheck_col_req_meta``, ``precheck_col_invalid_meta``), one row per filter and indicator
  and none for a time or geography column (``precheck_meta_ob_unit``,
  ``precheck_cross_meta_to_data``, ``precheck_cross_data_to_meta``, ``precheck_col_to_rows``);
  ``col_name`` filled in, unique, without spaces (``precheck_meta_col_name``,
  ``check_meta_col_name_dupe``, ``check_meta_col_name_spaces``); ``col_type`` ``Filter`` or
  ``Indicator`` (``precheck_meta_col_type``); every ``label`` filled in, unique and at most 100
  characters (``check_meta_label``, ``check_meta_dupe_label``, ``check_api_char_col_label``);
  ``indicator_unit`` one of ``%``, ``pp``, ``£``, ``£m``, ``numberstring`` or blank
  (``check_meta_ind_unit_validation``); ``indicator_dp`` a whole number for every indicator
  (``check_meta_ind_dp_set``, ``check_meta_ind_dp_values``); no unit, decimal places or
  grouping on a filter and no hint or grouping column on an indicator
  (``check_meta_ind_unit``, ``check_meta_indicator_dp``, ``check_meta_indicator_grouping``,
  ``check_meta_filter_hint``, ``check_meta_fil_grp``); a filter has two levels or more and its
  default, "Total", is in the data (``precheck_filter_not_singular``,
  ``check_filter_defaults``);
* file names only letters, numbers, hyphens and underscores, and the metadata file named
  after the data file (``check_filename_special``, ``check_filename_spaces``,
  ``check_filenames_match``).

The book's units become EES units: a percentage or a percentage change ``%``; a count, a
ratio and a rate per 10,000 children no unit (the rate's label says "per 10,000 children").
``indicator_dp`` is the most decimal places the book shows a figure of the column with (a
percentage DfE publishes as 0.0 is written 0 in the register, shown 0.0%: one place), and
``indicator_grouping`` the title of the book's section the indicator belongs to.

:func:`publish_open_data` builds the files, writes them and screens what it wrote with
:func:`screen_open_data`, refusing (``InputError``, naming file, row, column and rule) to leave
a file that breaks a rule; the register page calls it and links the files.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from analysis.config import data_paths
from analysis.errors import InputError, InputProblem
from analysis.files import write_all_atomically
from analysis.inputs.catalogue import load_catalogue, load_sections
from analysis.national import ees
from analysis.national.load import load_areas, national_catalogue
from analysis.national.write import AREAS_FILE
from analysis.present.spreadsheets import Downloads
from analysis.present.tables import show_table
from analysis.vocabulary import SMALL_COUNT_RANGE, SYMBOLS

# The register download on the page, whose rows these files publish.
REGISTER_NAME = "register-of-figures.csv"
OPEN_DATA_STEM = "register-of-figures"
META_SUFFIX = ".meta.csv"

# Register rows that hold an indicator's figure as supplied or published (not worked out by the book).
FIGURE_SOURCE_KINDS = ("partnership", "national", "record_level")
RECORD_LEVEL = "record_level"

TIME_COLUMNS = ["time_period", "time_identifier"]
NATIONAL_COLUMNS = ["geographic_level", "country_code", "country_name"]
LA_COLUMNS = ["region_code", "region_name", "old_la_code", "new_la_code", "la_name"]
GEOGRAPHY_COLUMNS = NATIONAL_COLUMNS + LA_COLUMNS
META_COLUMNS = ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp",
                "filter_hint", "filter_grouping_column"]
OPTIONAL_META_COLUMNS = ["filter_default", "parent_filter"]
FILTER, INDICATOR = "Filter", "Indicator"

# The book's units as EES indicator units; a rate's label carries "per 10,000 children".
EES_UNITS = {"count": "", "percentage": "%", "percentage_change": "%", "rate_per_10000": "", "ratio": ""}
ACCEPTABLE_INDICATOR_UNITS = ("", "%", "pp", "£", "£m", "numberstring")
RATE_WORDS = "per 10,000 children"

# The DfE symbols (analysis.vocabulary.SYMBOLS) as an EES file writes them today.
EES_SYMBOLS = {"c": "c", "k": "low", "low": "low", "u": "u", "x": "x", "z": "z", ":": "x"}
CELL_SYMBOLS = ("c", "low", "u", "x", "z")
NOT_AVAILABLE = "x"
LEGACY_SYMBOLS = ("~", ":")
NULL_WORDS = ("NULL", "Null", "null", "NA", "na", "N/A", "n/a", ".", "..", "-")
# eesyscreener check_col_ind_smushed: words that belong in a filter, not in an indicator's name.
FILTER_WORDS = ("male", "female", "asian", "chinese", "indian", "pakistani", "bangladeshi", "black", "african",
                "caribbean", "white", "roma", "irish", "english", "british", "scottish", "welsh",
                "northern irish", "arab")
NAME_LIMIT, LABEL_LIMIT = 50, 100  # EES API: column names, column labels
FILTER_DEFAULT = "Total"

# Each book period type: the EES time identifier and how its period is written in the register.
_FINANCIAL = re.compile(r"^(\d{4})-(\d{2})$")
_ACADEMIC = re.compile(r"^(\d{4})/(\d{2})$")
_YEAR = re.compile(r"^\d{4}$")
TIME_IDENTIFIER_ORDER = ("Financial year", "Academic year", "Calendar year", "Reporting year")
PERIOD_WORDS = {
    "financial_year": "a financial year such as 2024-25",
    "academic_year": "an academic year such as 2024/25",
    "calendar_year": "a calendar year such as 2024",
    "reporting_year": "a DfE reporting year such as 2025",
    "snapshot_31_march": "the year of 31 March, such as 2025, or the financial year ending then, such as 2024-25",
    "mid_year": "the year of the mid-year estimate, such as 2024",
}
NO_AREA = ("The Explore Education Statistics open data format places each figure in one of its geographic levels, "
           "such as a local authority. This edition's area is not a local authority in the national statistics (a "
           "partnership of several local authorities is not one of the levels), so its figures are not published "
           "in that format.")
NO_FIGURES = "This edition publishes no figure of a catalogued indicator, so it has no open data file."


# --------------------------------------------------------------------------
# The area and the indicators
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Geography:
    """The local authority an edition's figures are for, as EES writes it."""

    new_la_code: str
    la_name: str
    old_la_code: str
    region_code: str
    region_name: str
    country_code: str = "E92000001"
    country_name: str = "England"
    geographic_level: str = "Local authority"

    def columns(self) -> dict[str, str]:
        """The geography columns of one row, in the standard's order."""
        return {column: getattr(self, column) for column in GEOGRAPHY_COLUMNS}


def local_authority(area_code: str, areas: pd.DataFrame) -> Geography | None:
    """The area as an EES local authority, from the national statistics' areas (areas.csv):
    its codes, name and the region DfE publishes it under; None when ``area_code`` is not a
    local authority there (a partnership of several authorities is built under its id)."""
    found = areas[(areas["area_code"] == str(area_code)) & (areas["geographic_level"] == "Local authority")]
    if found.empty:
        return None
    row = found.iloc[0]
    england = areas[areas["geographic_level"] == "National"]
    country = ({"country_code": england["area_code"].iloc[0], "country_name": england["area_name"].iloc[0]}
               if len(england) else {})
    return Geography(new_la_code=row["area_code"], la_name=row["area_name"], old_la_code=row["old_la_code"],
                     region_code=row["region_code"], region_name=row["region_name"], **country)


def edition_geography(area_code: str, data_dir: str | Path | None = None) -> Geography | None:
    """The edition's area as an EES local authority (see :func:`local_authority`); None when it is
    not one, or when the national statistics have not been imported."""
    national = data_paths(data_dir or None).national
    if not area_code or not (national / AREAS_FILE).exists():
        return None
    return local_authority(area_code, load_areas(national))


def edition_indicators(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Every indicator a register row may name: the partnership's catalogue and the national
    one, indexed by indicator_id, with title, unit, period_type, source ('partnership' or
    'national') and section_title (the title of the book's section it belongs to)."""
    data_dir = data_dir or None
    columns = ["indicator_id", "title", "unit", "period_type", "section"]
    partnership = load_catalogue(data_dir).reset_index(drop=True)[columns].assign(source="partnership")
    national = national_catalogue(data_paths(data_dir).reference)[columns].assign(source="national")
    sections = load_sections(data_dir).set_index("section")["title"]
    indicators = pd.concat([partnership, national], ignore_index=True)
    indicators["section_title"] = indicators["section"].map(sections).fillna("")
    return indicators.drop_duplicates("indicator_id").set_index("indicator_id", drop=False)


# --------------------------------------------------------------------------
# The figures
# --------------------------------------------------------------------------


def ees_time(period: str, period_type: str) -> tuple[str, str]:
    """(time_period, time_identifier) of a register period of this period type:
    ('2024-25', 'financial_year') -> ('202425', 'Financial year'). ValueError naming the form
    expected when the period does not have it."""
    period = str(period).strip()
    if period_type == "financial_year" and (match := _FINANCIAL.match(period)):
        start, end = match.groups()
        if (int(start[2:]) + 1) % 100 == int(end):
            return f"{start}{end}", "Financial year"
    elif period_type == "academic_year" and (match := _ACADEMIC.match(period)):
        start, end = match.groups()
        if (int(start[2:]) + 1) % 100 == int(end):
            return f"{start}{end}", "Academic year"
    elif period_type == "calendar_year" and _YEAR.match(period):
        return period, "Calendar year"
    elif period_type in ("reporting_year", "snapshot_31_march", "mid_year") and _YEAR.match(period):
        return period, "Reporting year"
    elif period_type == "snapshot_31_march" and (match := _FINANCIAL.match(period)):
        start, end = match.groups()
        if (int(start[2:]) + 1) % 100 == int(end):
            return str(int(start) + 1), "Reporting year"
    if period_type not in PERIOD_WORDS:
        raise ValueError(f"period type {period_type!r} has no EES time identifier")
    raise ValueError(f"the period must be {PERIOD_WORDS[period_type]} ({period_type})")


def plain_number(text: str) -> str | None:
    """A register raw value as an EES number: '8583' -> '8583', '1e-05' -> '0.00001'; None
    when it is not a finite number ('', 'nan', 'c')."""
    try:
        number = Decimal(str(text).strip())
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    written = format(number, "f")
    return "0" if written in ("-0", "-0.0") else written


def figure_cell(raw_value: str, text: str, unit: str, source_kind: str) -> str:
    """The cell an EES file writes for one register figure: its number; the DfE symbol the book
    shows, as EES writes it; ``c`` for a count from 1 to 5 from record-level data; else ``x``."""
    number = plain_number(raw_value)
    if number is not None:
        low, high = SMALL_COUNT_RANGE
        if source_kind == RECORD_LEVEL and unit == "count" and low <= float(number) <= high:
            return "c"
        return number
    shown = str(text).strip().lower()
    if shown in SYMBOLS:
        return EES_SYMBOLS.get(shown, NOT_AVAILABLE)
    return NOT_AVAILABLE


# The first number of a register text: '591.3 per 10,000 children', 'about 44,000', '0.0%'.
_SHOWN_NUMBER = re.compile(r"\d[\d,]*(?:\.(\d+))?")


def shown_decimals(text: str, cell: str) -> int:
    """Decimal places the book shows a figure with: those of the number in its register text
    ('0.0%' -> 1, '8,583' -> 0); those of the cell when the text shows no number ('c', words)."""
    match = _SHOWN_NUMBER.search(str(text))
    if match:
        return len(match.group(1) or "")
    return int(ees.decimal_places(pd.Series([cell])).iloc[0])


FIGURE_COLUMNS = ["indicator_id", "time_identifier", "time_period", "cell", "decimals", "register_row"]


def open_data_figures(register: pd.DataFrame, indicators: pd.DataFrame,
                      register_name: str = REGISTER_NAME) -> pd.DataFrame:
    """One row per indicator and time period the register publishes a figure for:
    indicator_id, time_identifier, time_period, cell (as the EES file writes it) and
    decimals (the most decimal places the book shows it with, :func:`shown_decimals`) and
    register_row (the row of the register CSV, header row 1, it first appears on).

    InputError naming the register's file, row, column and rule for an indicator no catalogue
    lists, a period not of the indicator's period type, or two rows of one indicator and
    period with different values.
    """
    problems: list[InputProblem] = []
    found: dict[tuple[str, str, str], tuple[str, int]] = {}
    decimals: dict[tuple[str, str, str], int] = {}
    for position, row in enumerate(register.fillna("").astype(str).to_dict("records")):
        line = ees.spreadsheet_row(position)
        indicator_id = row["indicator_id"].strip()
        if row["source_kind"] not in FIGURE_SOURCE_KINDS or not indicator_id or not row["period"].strip():
            continue
        if indicator_id not in indicators.index:
            problems.append(InputProblem(register_name, "indicator_id is in neither indicator catalogue "
                                         "(data/reference/indicators.csv, national_indicators.csv)",
                                         row=line, column="indicator_id", value=indicator_id))
            continue
        indicator = indicators.loc[indicator_id]
        if row["unit"] != indicator["unit"]:
            continue  # a value worked out from the indicator (a change, a rank), not the indicator itself
        try:
            time_period, identifier = ees_time(row["period"], indicator["period_type"])
        except ValueError as error:
            problems.append(InputProblem(register_name, f"{error}, as {indicator_id} is in its catalogue",
                                         row=line, column="period", value=row["period"]))
            continue
        cell = figure_cell(row["raw_value"], row["text"], row["unit"], row["source_kind"])
        key = (indicator_id, identifier, time_period)
        if key in found and found[key][0] != cell:
            problems.append(InputProblem(
                register_name, f"{indicator_id} for {row['period']} is {cell} here but {found[key][0]} at row "
                f"{found[key][1]}: one figure may have only one value", row=line, column="raw_value",
                value=row["raw_value"]))
            continue
        found.setdefault(key, (cell, line))
        decimals[key] = max(decimals.get(key, 0), shown_decimals(row["text"], cell))
    if problems:
        raise InputError(problems)
    rows = [(*key, cell, decimals[key], line) for key, (cell, line) in found.items()]
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


# --------------------------------------------------------------------------
# The files
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenDataFile:
    """One EES data file and its metadata, as text cells."""

    name: str  # register-of-figures-financial-year.csv
    time_identifier: str
    data: pd.DataFrame
    meta: pd.DataFrame

    @property
    def meta_name(self) -> str:
        return meta_name(self.name)

    @property
    def indicators(self) -> list[str]:
        return list(self.meta.loc[self.meta["col_type"] == INDICATOR, "col_name"])


def meta_name(data_name: str) -> str:
    """The metadata file's name for a data file: 'x.csv' -> 'x.meta.csv'."""
    return re.sub(r"\.csv$", META_SUFFIX, data_name)


def file_name(time_identifier: str, stem: str = OPEN_DATA_STEM) -> str:
    """'Financial year' -> 'register-of-figures-financial-year.csv'."""
    return f"{stem}-{time_identifier.lower().replace(' ', '-')}.csv"


def indicator_label(indicator: pd.Series) -> str:
    """An indicator's label: its catalogue title, saying 'per 10,000 children' for a rate."""
    title = str(indicator["title"]).strip()
    if indicator["unit"] == "rate_per_10000" and "10,000" not in title:
        title = f"{title} ({RATE_WORDS})"
    return title


def _metadata(figures: pd.DataFrame, indicator_ids: list[str], indicators: pd.DataFrame) -> pd.DataFrame:
    """One metadata row per indicator; its decimal places the most any of its figures is shown with."""
    places = figures.groupby("indicator_id")["decimals"].max()
    labels = {i: indicator_label(indicators.loc[i]) for i in indicator_ids}
    repeated = {label for label in labels.values() if list(labels.values()).count(label) > 1}
    rows = []
    for indicator_id in indicator_ids:
        indicator = indicators.loc[indicator_id]
        label = labels[indicator_id]
        if label in repeated:
            label = f"{label} ({'national statistics' if indicator['source'] == 'national' else 'partnership figure'})"
        rows.append({"col_name": indicator_id, "col_type": INDICATOR, "label": label,
                     "indicator_grouping": indicator.get("section_title", ""),
                     "indicator_unit": EES_UNITS.get(indicator["unit"], ""),
                     "indicator_dp": str(int(places[indicator_id])),
                     "filter_hint": "", "filter_grouping_column": ""})
    return pd.DataFrame(rows, columns=META_COLUMNS)


def open_data_files(register: pd.DataFrame, indicators: pd.DataFrame, geography: Geography,
                    stem: str = OPEN_DATA_STEM) -> list[OpenDataFile]:
    """The edition's figures (:func:`open_data_figures`) as EES files, one per time identifier
    in the order Financial, Academic, Calendar, Reporting year: a row per time period, oldest
    first, with the area's geography, and a column per indicator in the order the register
    first shows it; ``x`` where the book has no figure of the indicator for that period."""
    figures = open_data_figures(register, indicators)
    files = []
    for identifier in TIME_IDENTIFIER_ORDER:
        chosen = figures[figures["time_identifier"] == identifier]
        if chosen.empty:
            continue
        indicator_ids = list(dict.fromkeys(chosen.sort_values("register_row")["indicator_id"]))
        cells = chosen.pivot(index="time_period", columns="indicator_id", values="cell")
        cells = cells.reindex(index=sorted(cells.index), columns=indicator_ids).fillna(NOT_AVAILABLE)
        data = pd.DataFrame({"time_period": cells.index, "time_identifier": identifier,
                             **geography.columns()}).reset_index(drop=True)
        data = pd.concat([data, cells.reset_index(drop=True)], axis=1)
        data.columns.name = None
        files.append(OpenDataFile(file_name(identifier, stem), identifier, data.astype(str),
                                  _metadata(chosen, indicator_ids, indicators)))
    return files


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as the bytes of a UTF-8 CSV file (no byte order mark, no index, LF line ends)."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def write_open_data(files: list[OpenDataFile], folder: Path | str) -> list[Path]:
    """Write each data file and its metadata file into ``folder``, all or none; their paths."""
    contents: dict[str, bytes] = {}
    for file in files:
        contents[file.name] = csv_bytes(file.data)
        contents[file.meta_name] = csv_bytes(file.meta)
    write_all_atomically(Path(folder), contents)
    return [Path(folder) / name for name in contents]


# --------------------------------------------------------------------------
# Screening: the EES checks on the files as written
# --------------------------------------------------------------------------


def _problem(file: str, rule: str, check: str, row: int | None = None, column: str | None = None,
             value=None) -> InputProblem:
    return InputProblem(file, f"{rule} (EES screener: {check})", row=row, column=column, value=value)


def check_file_names(data_name: str, meta_file_name: str) -> list[InputProblem]:
    """File names of letters, numbers, hyphens and underscores, the metadata named after the data."""
    problems = []
    for name in (data_name, meta_file_name):
        stem = re.sub(r"(\.meta)?\.csv$", "", name)
        if not name.endswith(".csv") or re.search(r"[^A-Za-z0-9_-]", stem):
            problems.append(_problem(name, "a file name may hold only letters, numbers, hyphens and underscores, "
                                           "and ends .csv", "check_filename_special"))
    if meta_file_name != meta_name(data_name):
        problems.append(_problem(meta_file_name, f"the metadata file of {data_name} must be named "
                                                 f"{meta_name(data_name)}", "check_filenames_match"))
    return problems


def check_meta(meta: pd.DataFrame, file: str) -> list[InputProblem]:
    """The metadata file on its own: its columns and every row's entries."""
    problems = [_problem(file, "required metadata column is missing", "precheck_col_req_meta", row=1, column=c)
                for c in META_COLUMNS if c not in meta.columns]
    problems += [_problem(file, "not a column a metadata file may have", "precheck_col_invalid_meta", row=1,
                          column=c) for c in meta.columns if c not in META_COLUMNS + OPTIONAL_META_COLUMNS]
    if problems:
        return problems
    observational = set(TIME_COLUMNS + GEOGRAPHY_COLUMNS)
    seen_names: dict[str, int] = {}
    seen_labels: dict[str, int] = {}
    for position, row in enumerate(meta.to_dict("records")):
        line = ees.spreadsheet_row(position)
        name, kind, label = row["col_name"], row["col_type"], row["label"]
        if not name.strip():
            problems.append(_problem(file, "col_name must be filled in", "precheck_meta_col_name", line, "col_name"))
        elif re.search(r"\s", name):
            problems.append(_problem(file, "col_name must not hold spaces", "check_meta_col_name_spaces", line,
                                     "col_name", name))
        if name in seen_names:
            problems.append(_problem(file, f"col_name repeats row {seen_names[name]}", "check_meta_col_name_dupe",
                                     line, "col_name", name))
        seen_names.setdefault(name, line)
        if name in observational:
            problems.append(_problem(file, "a time or geography column is not described in the metadata",
                                     "precheck_meta_ob_unit", line, "col_name", name))
        if kind not in (FILTER, INDICATOR):
            problems.append(_problem(file, "col_type must be Filter or Indicator", "precheck_meta_col_type", line,
                                     "col_type", kind))
        if not label.strip():
            problems.append(_problem(file, "label must be filled in", "check_meta_label", line, "label"))
        elif label in seen_labels:
            problems.append(_problem(file, f"label repeats row {seen_labels[label]}", "check_meta_dupe_label",
                                     line, "label", label))
        elif len(label) > LABEL_LIMIT:
            problems.append(_problem(file, f"label is longer than {LABEL_LIMIT} characters",
                                     "check_api_char_col_label", line, "label", label))
        seen_labels.setdefault(label, line)
        if kind == INDICATOR:
            if any(word in name.lower() for word in FILTER_WORDS):
                problems.append(_problem(file, "an indicator's name holds a value that belongs in a filter",
                                         "check_col_ind_smushed", line, "col_name", name))
            if row["indicator_unit"] not in ACCEPTABLE_INDICATOR_UNITS:
                problems.append(_problem(file, "indicator_unit must be %, pp, £, £m, numberstring or blank",
                                         "check_meta_ind_unit_validation", line, "indicator_unit",
                                         row["indicator_unit"]))
            if not re.fullmatch(r"\d+", row["indicator_dp"].strip()):
                problems.append(_problem(file, "indicator_dp must be a whole number of decimal places, 0 or more",
                                         "check_meta_ind_dp_values", line, "indicator_dp", row["indicator_dp"]))
            for column, check in (("filter_hint", "check_meta_filter_hint"),
                                  ("filter_grouping_column", "check_meta_fil_grp")):
                if row[column].strip():
                    problems.append(_problem(file, f"an indicator has no {column}", check, line, column, row[column]))
        if kind == FILTER:
            for column, check in (("indicator_unit", "check_meta_ind_unit"), ("indicator_dp", "check_meta_indicator_dp"),
                                  ("indicator_grouping", "check_meta_indicator_grouping")):
                if row[column].strip():
                    problems.append(_problem(file, f"a filter has no {column}", check, line, column, row[column]))
    return problems


def check_data(data: ees.EesFile, meta: pd.DataFrame) -> list[InputProblem]:
    """The data file against the standard (:func:`analysis.national.ees.check_ees`) and against
    its metadata: column names and order, one time identifier, unique rows, indicator cells."""
    file = data.name
    frame = data.frame
    problems = ees.check_ees(data)
    written = list(data.original_columns.values())
    for column in written:
        if re.search(r"\s", column):
            problems.append(_problem(file, "a column name must not hold spaces", "check_col_names_spaces", 1, column))
        elif not re.fullmatch(r"[a-z][a-z0-9_]*", column):
            problems.append(_problem(file, "a column name is snake_case and starts with a lower-case letter",
                                     "check_col_snake_case", 1, column))
        if len(column) > NAME_LIMIT:
            problems.append(_problem(file, f"a column name is at most {NAME_LIMIT} characters",
                                     "check_api_char_col_name", 1, column))
    filters = list(meta.loc[meta["col_type"] == FILTER, "col_name"])
    indicators = list(meta.loc[meta["col_type"] == INDICATOR, "col_name"])
    for column in filters + indicators:
        if column not in frame.columns:
            problems.append(_problem(file, "a column the metadata describes is not in the data file",
                                     "precheck_cross_meta_to_data", 1, column))
    observational = [c for c in TIME_COLUMNS + GEOGRAPHY_COLUMNS if c in frame.columns]
    described = [c for c in frame.columns if c not in observational]
    for column in described:
        if column not in filters + indicators:
            problems.append(_problem(file, "a column that is neither a time nor a geography column must be "
                                           "described in the metadata file", "precheck_cross_data_to_meta", 1, column))
    if len(meta) > len(frame.columns) - len(ees.MANDATORY_COLUMNS):
        problems.append(_problem(file, "the metadata has more rows than the data file has columns besides the "
                                       "mandatory five", "precheck_col_to_rows"))
    expected = observational + [c for c in filters if c in frame.columns] + [c for c in indicators if c in frame.columns]
    if [c for c in frame.columns if c in expected] != expected:
        problems.append(_problem(file, "columns must be in the order time, geography, filters, indicators: "
                                       + ", ".join(expected), "open data standards, column order", 1))
    if "time_identifier" in frame.columns:
        identifiers = list(dict.fromkeys(frame["time_identifier"]))
        for index in frame.index[frame["time_identifier"] != identifiers[0]] if identifiers else []:
            problems.append(_problem(file, f"one time_identifier per file: this file's first is {identifiers[0]!r}",
                                     "precheck_time_id_mix", ees.spreadsheet_row(index), "time_identifier",
                                     frame.at[index, "time_identifier"]))
    key = [c for c in observational + filters if c in frame.columns]
    if key:
        repeated = frame.duplicated(key, keep="first")
        for index in frame.index[repeated]:
            problems.append(_problem(file, "rows must be unique by time, geography and filters",
                                     "check_general_dupes", ees.spreadsheet_row(index)))
    for column in filters:
        if column in frame.columns:
            levels = set(frame[column])
            if len(levels) < 2:
                problems.append(_problem(file, "a filter has at least two levels", "precheck_filter_not_singular",
                                         1, column))
            if FILTER_DEFAULT not in levels:
                problems.append(_problem(file, f"a filter's default level, {FILTER_DEFAULT!r}, must be in the data",
                                         "check_filter_defaults", 1, column))
    if "Local authority" in set(frame.get("geographic_level", ())):
        for column in ("region_code", "region_name"):
            if column in frame.columns:
                for index in frame.index[(frame["geographic_level"] == "Local authority") & (frame[column] == "")]:
                    problems.append(_problem(file, f"{column} is filled in on Local authority rows",
                                             "check_geog_region_for_la", ees.spreadsheet_row(index), column))
    for column in frame.columns:
        for index in frame.index[frame[column].isin(NULL_WORDS)]:
            problems.append(_problem(file, "no NULL, NA or legacy placeholder in a cell: a missing value is one of "
                                           "the symbols " + ", ".join(CELL_SYMBOLS), "check_general_null",
                                     ees.spreadsheet_row(index), data.column_label(column), frame.at[index, column]))
    for column in indicators:
        if column not in frame.columns:
            continue
        cells = frame[column]
        for index in frame.index[(cells == "") | cells.isin(LEGACY_SYMBOLS)]:
            problems.append(_problem(file, "an indicator cell is never blank nor a legacy symbol (~ or :)",
                                     "check_ind_invalid_entry", ees.spreadsheet_row(index), column, cells[index]))
        usable = frame.index[(cells != "") & ~cells.isin(LEGACY_SYMBOLS) & ~cells.isin(NULL_WORDS)]
        _, _, bad = ees.parse_values(data, column, usable)
        problems += bad
        odd = usable[cells[usable].str.lower().isin(list(SYMBOLS)) & ~cells[usable].isin(CELL_SYMBOLS)]
        for index in odd:
            problems.append(_problem(file, "a symbol is one of " + ", ".join(CELL_SYMBOLS) + ", in lower case",
                                     "check_ind_invalid_entry", ees.spreadsheet_row(index), column, cells[index]))
    return problems


def screen_open_data(data_path: Path | str, meta_path: Path | str | None = None) -> list[InputProblem]:
    """Every way a written data file and its metadata file break the EES rules this module
    follows (the module's docstring lists them); an empty list when they pass."""
    data_path = Path(data_path)
    meta_path = Path(meta_path) if meta_path else data_path.with_name(meta_name(data_path.name))
    problems = check_file_names(data_path.name, meta_path.name)
    data = ees.read_ees(data_path)
    raw_meta = ees.read_raw(meta_path)
    problems += data.problems + raw_meta.problems
    if not raw_meta.header:
        return problems
    meta = pd.DataFrame(raw_meta.rows, columns=raw_meta.header, dtype=object)
    meta_problems = check_meta(meta, meta_path.name)
    problems += meta_problems
    if any(p.column in ("col_name", "col_type") and p.row == 1 for p in meta_problems):
        return problems
    return problems + check_data(data, meta)


def publish_open_data(register: pd.DataFrame, indicators: pd.DataFrame, geography: Geography | None,
                      folder: Path | str = ".") -> list[OpenDataFile]:
    """Build the edition's EES files, write them into ``folder`` and screen what was written;
    InputError (file, row, column, rule) when a file breaks a rule. When the area is not a local
    authority (``geography`` None) nothing is written and there are no files."""
    if geography is None:
        return []
    files = open_data_files(register, indicators, geography)
    write_open_data(files, folder)
    problems = [problem for file in files
                for problem in screen_open_data(Path(folder) / file.name, Path(folder) / file.meta_name)]
    if problems:
        raise InputError(problems)
    return files


# --------------------------------------------------------------------------
# On the page
# --------------------------------------------------------------------------


def _periods(file: OpenDataFile) -> str:
    """The time periods of a file as the book writes them: '2023-24, 2024-25'."""
    written = []
    for period in file.data["time_period"]:
        if len(period) == 6 and file.time_identifier == "Academic year":
            written.append(f"{period[:4]}/{period[4:]}")
        elif len(period) == 6:
            written.append(f"{period[:4]}-{period[4:]}")
        else:
            written.append(period)
    return ", ".join(written)


OPEN_DATA_TABLE_COLUMNS = ["Time identifier", "Time periods", "Rows", "Indicators"]


def open_data_table(files: list[OpenDataFile]) -> pd.DataFrame:
    """What each open data file holds, as the page lists it (the links above it name the
    files): its time identifier, its periods, how many rows and indicator columns."""
    return pd.DataFrame([{"Time identifier": file.time_identifier, "Time periods": _periods(file),
                          "Rows": str(len(file.data)), "Indicators": str(len(file.indicators))} for file in files],
                        columns=OPEN_DATA_TABLE_COLUMNS)


def download_links(files: list[OpenDataFile]) -> str:
    """MyST Markdown: a list item per file with download links to it and its metadata."""
    return "\n".join(f"- {file.time_identifier}: {{download}}`{file.name} <{file.name}>`, with its metadata "
                     f"{{download}}`{file.meta_name} <{file.meta_name}>`" for file in files)


OPEN_DATA_TABLE_SOURCE = ("the open data files in the EES format made from the book's register of figures for "
                          "this edition, published with the register of figures page")


def show_open_data(files: list[OpenDataFile], geography: Geography | None, downloads: Downloads | None = None) -> None:
    """Show the download links to the open data files and the table describing them, or say why
    there are none. With ``downloads`` (the page's), the table's data is also written as a
    spreadsheet and linked under it. The cell showing them renders its Markdown as MyST (cell
    metadata ``mystnb.markdown_format: myst``), so the links are the book's own downloads."""
    if geography is None or not files:
        display(Markdown(NO_AREA if geography is None else NO_FIGURES))
        return
    display(Markdown(download_links(files)))
    table, caption = open_data_table(files), "Open data files in the EES format"
    if downloads is None:
        display(show_table(table, caption))
        return
    display(downloads.table(table, caption, name="open-data-files", source=OPEN_DATA_TABLE_SOURCE))
