"""Checking an edition's inputs: every problem at once, each with file, sheet, row and column.

An edition's figures come from ``data/partnership/<year>/``:

- ``figures.csv``: the transcribed format (one row per value, with the document and the
  exact phrase it comes from; the 2024-25 edition is in this format), and/or
- ``returns/*.csv`` and ``returns/*.xlsx``: the partners' returns (``analysis.returns``);
- ``lists.csv`` (the qualitative lists) and ``documents.csv`` (the source documents).

``collect`` reads them all and applies the rules about single values (which the loader,
``analysis.partnership.PartnershipData``, enforces too); ``validate_edition`` adds the
rules about the edition as a whole (required indicators and lists, restated values) and
returns a report of errors and warnings. ``python -m analysis validate`` prints it and
``build`` runs it before anything is staged.

The rules (each problem says which one it broke):

- files: the required columns are present, no unknown or repeated column, a workbook has
  its ``figures`` sheet, no formula or Excel error value in a cell;
- ``indicator_id`` is in the catalogue (``data/reference/indicators.csv``) and supplied by
  the partnership; an indicator appears once per period, across all files;
- ``value`` is a number (thousands separators and, for a percentage, a trailing % are
  accepted); a count is a whole number and not negative; a rate is not negative; a
  percentage is between 0 and 100;
- ``numerator``/``denominator`` (optional, percentages only): both or neither, whole
  numbers, not negative, denominator above zero, numerator not greater than the
  denominator, and the value equal to numerator / denominator x 100 to the decimals given;
- ``period`` is the edition's period for the indicator's period type (financial_year
  '2025-26', calendar_year '2025', academic_year '2025/26', ...). The period just before it
  ('2024-25', '2024', '2024/25') is accepted too, as a restatement of last year's figure (the
  2024-25 report states the 2023 knife crime figure, for example): it is marked as such by
  its period, used for comparison only, and compared with the previous edition (a warning
  when they differ). Any other period is an error;
- ``qualifier`` is blank or one of about, more than, fewer than, at least; ``status`` (in
  figures.csv) is reported or derived, and a derived value says how;
- required indicators and lists have a value for the edition (an error when missing);
  optional ones missing are warnings (the book shows them as "not supplied");
- a partner's return filled in twice (CSV and Excel) is an error; files in ``returns/``
  that are neither .csv nor .xlsx are warnings (an .xls must be saved as .xlsx: error).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.errors import InputError, InputProblem
from analysis.params import ReportYear
from analysis.returns import (
    DOCUMENT_COLUMNS, LIST_COLUMNS, RETURN_COLUMNS, RETURN_REQUIRED_COLUMNS, RETURNS_FOLDER,
    ReadTable, SheetRow, display_path, expected_period, other_files_in_returns,
    previous_expected_period, read_csv_table, read_table, return_files,
)

FIGURES_FILE = "figures.csv"
LISTS_FILE = "lists.csv"
DOCUMENTS_FILE = "documents.csv"

FIGURE_COLUMNS = [
    "indicator_id", "period", "value", "qualifier", "status", "derivation",
    "document_id", "source_section", "source_quote",
]
FIGURE_OPTIONAL_COLUMNS = ["numerator", "denominator"]
QUALIFIERS = {"", "about", "more than", "fewer than", "at least"}
STATUSES = {"reported", "derived"}
DOCUMENT_REQUIRED_COLUMNS = ["document_id", "title"]

# Columns of the loaded figures table (PartnershipData.figures).
LOADED_COLUMNS = FIGURE_COLUMNS + FIGURE_OPTIONAL_COLUMNS + [
    "source_file", "source_row", "source_sheet", "origin",
]

RULE_UNKNOWN_INDICATOR = "unknown indicator_id (not in data/reference/indicators.csv)"
RULE_NOT_A_NUMBER = "value must be a number"
RULE_PERCENTAGE_RANGE = "a percentage must be between 0 and 100"
RULE_DUPLICATE = "the same indicator and period appear more than once"
RULE_MISSING_COLUMN = "required column missing"

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(text: str, unit: str = "") -> tuple[float | None, str]:
    """(value, cleaned text) for a number as people type it, or (None, text) if it is not one.

    Accepts '1234', '1,234', ' 79.4 ' and, for a percentage, '79.4%'. Refuses 'n/a',
    '1,2' (a decimal comma), 'nan', 'inf' and anything else.
    """
    cleaned = str(text).strip()
    if unit in ("percentage", "percentage_change") and cleaned.endswith("%"):
        cleaned = cleaned[:-1].strip()
    if "," in cleaned:
        if not _GROUPED_NUMBER.match(cleaned):
            return None, str(text)
        cleaned = cleaned.replace(",", "")
    if not _PLAIN_NUMBER.match(cleaned):
        return None, str(text)
    return float(cleaned), cleaned


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


# --------------------------------------------------------------------------
# Rules about one value
# --------------------------------------------------------------------------


def check_value_row(table: ReadTable, row: SheetRow, catalogue: pd.DataFrame, year: ReportYear | None,
                    *, transcribed: bool) -> tuple[list[InputProblem], dict | None]:
    """Check one row with a value; return its problems and, if it is usable, the cleaned row."""
    problems: list[InputProblem] = []
    number = row.row
    indicator = row.get("indicator_id")
    if "indicator_id" in row.unreadable:
        return problems, None
    if not indicator:
        problems.append(table.problem("indicator_id is blank: every value must name its indicator",
                                      number, "indicator_id"))
        return problems, None
    if indicator not in catalogue.index:
        problems.append(table.problem(RULE_UNKNOWN_INDICATOR, number, "indicator_id", indicator))
        return problems, None
    meta = catalogue.loc[indicator]
    if meta["source_type"] != "partnership":
        problems.append(table.problem(
            f"{indicator} is a {meta['source_type']} indicator, not one the partnership supplies",
            number, "indicator_id", indicator))
        return problems, None
    unit = meta["unit"]
    usable = True

    # value
    raw = row.get("value")
    value: float | None = None
    cleaned = raw
    if "value" in row.unreadable:
        usable = False
    else:
        value, cleaned = parse_number(raw, unit)
        if value is None:
            problems.append(table.problem(RULE_NOT_A_NUMBER, number, "value", raw))
            usable = False
        else:
            if unit == "percentage" and not 0 <= value <= 100:
                problems.append(table.problem(RULE_PERCENTAGE_RANGE, number, "value", raw))
            elif unit in ("count", "rate_per_10000") and value < 0:
                problems.append(table.problem(f"a {unit.replace('_', ' ')} cannot be negative", number, "value", raw))
            elif unit == "count" and not value.is_integer():
                problems.append(table.problem("a count must be a whole number", number, "value", raw))

    # period
    period = row.get("period")
    if "period" not in row.unreadable:
        if not period:
            problems.append(table.problem("period is blank: say which period the value covers", number, "period"))
            usable = False
        elif year is not None:
            expected = expected_period(meta["period_type"], year)
            previous = previous_expected_period(meta["period_type"], year)
            if period not in (expected, previous):
                kind = meta["period_type"].replace("_", " ")
                article = "an" if kind[0] in "aeiou" else "a"
                problems.append(table.problem(
                    f"period does not match the {year.label} edition: {article} {kind} indicator's period must be "
                    f"{expected} (or {previous} to restate last year's figure)", number, "period", period))
    else:
        usable = False

    # qualifier
    qualifier = row.get("qualifier")
    if "qualifier" not in row.unreadable and qualifier.lower() in QUALIFIERS:
        qualifier = qualifier.lower()
    elif "qualifier" not in row.unreadable:
        problems.append(table.problem(f"qualifier must be one of {sorted(QUALIFIERS)}", number, "qualifier", qualifier))

    # numerator and denominator
    numerator_text, denominator_text = row.get("numerator"), row.get("denominator")
    if (numerator_text or denominator_text) and not ({"numerator", "denominator"} & row.unreadable):
        problems += _check_fraction(table, number, unit, numerator_text, denominator_text, value, cleaned, qualifier)

    # status and derivation (transcribed figures only)
    status = row.get("status") if transcribed else "reported"
    if transcribed:
        if status not in STATUSES:
            problems.append(table.problem("status must be reported or derived", number, "status", status))
        if status == "derived" and not row.get("derivation"):
            problems.append(table.problem("a derived value must say how it was derived", number, "derivation", ""))

    if not usable:
        return problems, None
    return problems, {
        "indicator_id": indicator,
        "period": period,
        "value": cleaned,
        "qualifier": qualifier,
        "status": status,
        "derivation": row.get("derivation") if transcribed else "",
        "document_id": row.get("document_id") if transcribed else f"return-{table.path.stem.lower()}",
        "source_section": row.get("source_section") if transcribed else "",
        "source_quote": (row.get("source_quote") if transcribed
                         else " ".join(part for part in (row.get("source"), row.get("notes")) if part)),
        "numerator": numerator_text,
        "denominator": denominator_text,
        "source_file": table.file,
        "source_row": number,
        "source_sheet": table.sheet or "",
        "origin": "transcribed" if transcribed else "return",
    }


def _check_fraction(table: ReadTable, number: int, unit: str, numerator_text: str, denominator_text: str,
                    value: float | None, value_text: str, qualifier: str) -> list[InputProblem]:
    problems: list[InputProblem] = []
    if unit != "percentage":
        column = "numerator" if numerator_text else "denominator"
        return [table.problem(f"numerator and denominator are given for percentages only; this indicator "
                              f"is a {unit.replace('_', ' ')}", number, column, numerator_text or denominator_text)]
    parts: dict[str, float] = {}
    for column, text in (("numerator", numerator_text), ("denominator", denominator_text)):
        if not text:
            other = "denominator" if column == "numerator" else "numerator"
            problems.append(table.problem(f"a {other} needs a {column}: give both or neither", number, column))
            continue
        parsed, _ = parse_number(text)
        if parsed is None:
            problems.append(table.problem(f"{column} must be a number", number, column, text))
        elif parsed < 0:
            problems.append(table.problem(f"{column} cannot be negative", number, column, text))
        elif not parsed.is_integer():
            problems.append(table.problem(f"{column} must be a whole number (a count of children)", number, column, text))
        else:
            parts[column] = parsed
    if len(parts) < 2:
        return problems
    numerator, denominator = parts["numerator"], parts["denominator"]
    if denominator == 0:
        problems.append(table.problem("denominator cannot be zero", number, "denominator", denominator_text))
    elif numerator > denominator:
        problems.append(table.problem("numerator is greater than the denominator", number, "numerator",
                                      f"{numerator_text} > {denominator_text}"))
    elif value is not None and not qualifier:
        share = numerator / denominator * 100
        tolerance = 0.5 * 10 ** -_decimals(value_text) + 1e-9
        if abs(share - value) > tolerance:
            problems.append(table.problem(
                f"value does not match numerator / denominator x 100 ({share:.2f})", number, "value", value_text))
    return problems


def _column_problems(table: ReadTable, required: list[str], allowed: list[str]) -> list[InputProblem]:
    problems = [table.problem(RULE_MISSING_COLUMN, None, column) for column in required if column not in table.columns]
    for column in table.columns:
        if column and column not in allowed:
            problems.append(table.problem(
                f"unknown column (the columns are: {', '.join(allowed)})", 1, column))
    return problems


def check_figures(table: pd.DataFrame, catalogue: pd.DataFrame, file: str, year: str | None = None
                  ) -> list[InputProblem]:
    """Every problem in a figures table (transcribed format), each naming its row (header is
    row 1) and column. ``year``, when given, also checks each period against the edition."""
    read = ReadTable(Path(file), file, None, list(table.columns), {}, [], [])
    for offset, record in table.iterrows():
        values = {column: str(record[column]).strip() for column in table.columns}
        read.rows.append(SheetRow(int(offset) + 2, values))
    report_year = ReportYear.parse(year) if year else None
    problems: list[InputProblem] = []
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for row in read.rows:
        found, clean = check_value_row(read, row, catalogue, report_year, transcribed=True)
        problems += found
        key = (row.get("indicator_id"), row.get("period"))
        if key in seen and key[0] in catalogue.index:
            problems.append(read.problem(
                f"{RULE_DUPLICATE} (first in {seen[key][0]}, row {seen[key][1]})", row.row, "indicator_id",
                f"{key[0]} {key[1]}"))
        seen.setdefault(key, (file, row.row))
    return problems


# --------------------------------------------------------------------------
# Reading a year folder
# --------------------------------------------------------------------------


@dataclass
class Collected:
    """Everything read from one year folder, with the problems found on the way."""

    year: str
    folder: Path
    figures: pd.DataFrame
    lists: pd.DataFrame
    documents: dict[str, str]
    errors: list[InputProblem] = field(default_factory=list)
    warnings: list[InputProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # indicator_id -> (file, sheet, row) of a template row left blank
    blank_rows: dict[str, tuple[str, str | None, int]] = field(default_factory=dict)
    # list_id -> (file, row) of a placeholder row left blank
    blank_list_rows: dict[str, tuple[str, int]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)  # files values were read from
    # indicators with a value in a row that has an error; partners whose return could not be
    # read (missing column, unreadable workbook): the completeness check leaves them alone,
    # as the error already says what is wrong.
    errored_indicators: set[str] = field(default_factory=set)
    unreadable_partners: set[str] = field(default_factory=set)

    @property
    def has_figures(self) -> bool:
        return bool(self.sources)


def _empty_figures() -> pd.DataFrame:
    return pd.DataFrame(columns=LOADED_COLUMNS)


def _empty_lists() -> pd.DataFrame:
    return pd.DataFrame(columns=LIST_COLUMNS + ["source_file", "source_row"])


def _is_filled(table: ReadTable) -> bool:
    return any(row.get("value") or row.get("numerator") or row.get("denominator") for row in table.rows)


def collect(year: str, folder: Path, catalogue: pd.DataFrame, list_catalogue: pd.DataFrame) -> Collected:
    """Read figures.csv, the partner returns, lists.csv and documents.csv of one year folder."""
    report_year = ReportYear.parse(year)
    folder = Path(folder)
    result = Collected(report_year.label, folder, _empty_figures(), _empty_lists(), {})
    records: list[dict] = []
    seen: dict[tuple[str, str], tuple[str, str | None, int]] = {}

    def add_rows(table: ReadTable, transcribed: bool) -> None:
        for row in table.rows:
            if not transcribed and not (row.get("value") or row.get("numerator") or row.get("denominator")) \
                    and not ({"value", "numerator", "denominator"} & row.unreadable):
                indicator = row.get("indicator_id")
                if indicator and indicator not in result.blank_rows:
                    result.blank_rows[indicator] = (table.file, table.sheet, row.row)
                if indicator and indicator not in catalogue.index:
                    result.errors.append(table.problem(RULE_UNKNOWN_INDICATOR, row.row, "indicator_id", indicator))
                continue
            found, clean = check_value_row(table, row, catalogue, report_year, transcribed=transcribed)
            result.errors += found
            if found or clean is None or row.unreadable:
                # Already reported at this row: completeness does not report it again elsewhere.
                result.errored_indicators.add(row.get("indicator_id"))
            if clean is None:
                continue
            key = (clean["indicator_id"], clean["period"])
            if key in seen:
                first = seen[key]
                where = first[0] + (f", sheet {first[1]}" if first[1] else "") + f", row {first[2]}"
                result.errors.append(table.problem(
                    f"{RULE_DUPLICATE} (first in {where})", row.row, "indicator_id", f"{key[0]} {key[1]}"))
                continue
            seen[key] = (table.file, table.sheet, row.row)
            records.append(clean)

    # figures.csv: the transcribed format
    figures_path = folder / FIGURES_FILE
    if figures_path.exists():
        table = read_csv_table(figures_path)
        result.errors += table.problems
        column_problems = _column_problems(table, FIGURE_COLUMNS, FIGURE_COLUMNS + FIGURE_OPTIONAL_COLUMNS)
        result.errors += column_problems
        if not any(p.rule == RULE_MISSING_COLUMN for p in column_problems):
            add_rows(table, transcribed=True)
            result.sources.append(table.file)
            result.notes.append(f"read {table.file}: {len(table.rows)} rows ({table.encoding})")

    # the partners' returns
    filled_stems: dict[str, str] = {}
    # Blank rows of templates nobody filled in: a missing value is pointed at the row of a
    # filled-in return when there is one (the Excel return rather than its unused CSV twin).
    template_blank_rows: dict[str, tuple[str, str | None, int]] = {}
    for path in return_files(folder):
        table = read_table(path)
        result.errors += table.problems
        if not table.columns:
            result.unreadable_partners.add(path.stem.lower())
            continue
        column_problems = _column_problems(table, RETURN_REQUIRED_COLUMNS, RETURN_COLUMNS)
        result.errors += column_problems
        if any(p.rule == RULE_MISSING_COLUMN for p in column_problems):
            result.unreadable_partners.add(path.stem.lower())
            continue
        if not _is_filled(table):
            result.notes.append(f"{table.file}: not filled in (every value is blank), so not read")
            for row in table.rows:
                indicator = row.get("indicator_id")
                if indicator and indicator not in template_blank_rows:
                    template_blank_rows[indicator] = (table.file, table.sheet, row.row)
            continue
        stem = path.stem.lower()
        if stem in filled_stems:
            result.errors.append(InputProblem(
                table.file,
                f"the return is filled in twice ({filled_stems[stem]} too): keep one and delete the other "
                "(or save the unused template back empty)", None, None, None, table.sheet))
            continue
        filled_stems[stem] = table.file
        add_rows(table, transcribed=False)
        result.sources.append(table.file)
        where = f"{table.file}" + (f" (sheet {table.sheet})" if table.sheet else f" ({table.encoding})")
        result.notes.append(f"read {where}: {sum(1 for r in table.rows if r.get('value'))} values")
    for path in other_files_in_returns(folder):
        shown = display_path(path)
        if path.suffix.lower() in (".xls", ".xlsm", ".ods", ".numbers"):
            result.errors.append(InputProblem(
                shown, f"a {path.suffix} file is not read: save it as an Excel workbook (.xlsx) or as CSV"))
        else:
            result.warnings.append(InputProblem(shown, "not a .csv or .xlsx file, so not read"))

    for indicator, where in template_blank_rows.items():
        result.blank_rows.setdefault(indicator, where)
    if records:
        figures = pd.DataFrame(records, columns=LOADED_COLUMNS)
        figures["source_row"] = figures["source_row"].astype(int)
        result.figures = figures

    # lists.csv
    lists_path = folder / LISTS_FILE
    if lists_path.exists():
        table = read_csv_table(lists_path)
        result.errors += table.problems
        column_problems = _column_problems(table, LIST_COLUMNS, LIST_COLUMNS)
        result.errors += column_problems
        if not any(p.rule == RULE_MISSING_COLUMN for p in column_problems):
            result.lists = _check_lists(table, list_catalogue, result)

    # documents.csv
    documents_path = folder / DOCUMENTS_FILE
    if documents_path.exists():
        table = read_csv_table(documents_path)
        result.errors += table.problems
        # Documents may carry more columns (licence, ...): only the two the book uses are checked.
        column_problems = _column_problems(table, DOCUMENT_REQUIRED_COLUMNS, DOCUMENT_COLUMNS + table.columns)
        result.errors += column_problems
        if not any(p.rule == RULE_MISSING_COLUMN for p in column_problems):
            result.documents = {row.get("document_id"): row.get("title") for row in table.rows
                                if row.get("document_id")}
    return result


def _check_lists(table: ReadTable, list_catalogue: pd.DataFrame, result: Collected) -> pd.DataFrame:
    records = []
    seen: dict[tuple[str, int], int] = {}
    for row in table.rows:
        list_id = row.get("list_id")
        if list_id and list_id not in list_catalogue.index:
            result.errors.append(table.problem("unknown list_id (not in data/reference/lists.csv)",
                                               row.row, "list_id", list_id))
            continue
        if not row.get("item"):
            if list_id and list_id not in result.blank_list_rows:
                result.blank_list_rows[list_id] = (table.file, row.row)
            if not list_id or not any(row.get(c) for c in ("detail", "source_quote")):
                continue  # a placeholder row of the template
            result.errors.append(table.problem("item is blank", row.row, "item"))
            continue
        if not list_id:
            result.errors.append(table.problem("list_id is blank: every item must name its list", row.row, "list_id"))
            continue
        position = row.get("position")
        if not re.fullmatch(r"\d+", position or "") or int(position) < 1:
            result.errors.append(table.problem("position must be a whole number from 1 (the item's place in the list)",
                                               row.row, "position", position))
            continue
        key = (list_id, int(position))
        if key in seen:
            result.errors.append(table.problem(f"the same list and position appear more than once (first in row {seen[key]})",
                                               row.row, "position", f"{list_id} {position}"))
            continue
        seen[key] = row.row
        record = {column: row.get(column) for column in LIST_COLUMNS}
        record["position"] = int(position)
        record["source_file"] = table.file
        record["source_row"] = row.row
        records.append(record)
    if not records:
        return _empty_lists()
    return pd.DataFrame(records, columns=LIST_COLUMNS + ["source_file", "source_row"])


# --------------------------------------------------------------------------
# The whole edition
# --------------------------------------------------------------------------


@dataclass
class ValidationReport:
    year: str
    folder: Path | None
    errors: list[InputProblem] = field(default_factory=list)
    warnings: list[InputProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None  # why nothing was validated (not the partnership's area, ...)

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_for_errors(self) -> None:
        if self.errors:
            raise InputError(self.errors)

    def format(self) -> str:
        where = display_path(self.folder) if self.folder else "(no folder)"
        lines = [f"Validation of the {self.year} edition's figures in {where}"]
        if self.skipped:
            lines.append(f"  {self.skipped}")
        for note in self.notes:
            lines.append(f"  {note}")
        if self.errors:
            count = len(self.errors)
            lines.append(f"{count} error{'s' if count != 1 else ''} (the book cannot be built until they are fixed):")
            lines += [f"  - {problem}" for problem in self.errors]
        if self.warnings:
            count = len(self.warnings)
            lines.append(f"{count} warning{'s' if count != 1 else ''} (the book can be built):")
            lines += [f"  - {problem}" for problem in self.warnings]
        if not self.errors:
            lines.append("No errors" + (" (see the warnings above)." if self.warnings else ": the figures are ready."))
        return "\n".join(lines)


def _partner_return_hint(folder: Path, partner: str) -> str:
    return display_path(folder / RETURNS_FOLDER) + f"/{partner}.csv or .xlsx"


def _completeness(report: ValidationReport, collected: Collected, catalogue: pd.DataFrame,
                  list_catalogue: pd.DataFrame, year: ReportYear) -> None:
    figures = collected.figures
    present = set(zip(figures["indicator_id"], figures["period"]))
    for indicator in catalogue.itertuples():
        if indicator.source_type != "partnership":
            continue
        period = expected_period(indicator.period_type, year)
        if (indicator.indicator_id, period) in present:
            continue
        if indicator.indicator_id in collected.errored_indicators or indicator.partner in collected.unreadable_partners:
            continue  # its row, or its partner's whole return, is already reported
        required = indicator.required == "yes"
        if indicator.indicator_id in collected.blank_rows:
            file, sheet, row = collected.blank_rows[indicator.indicator_id]
            problem = InputProblem(
                file, f"{'required' if required else 'optional'} indicator {indicator.indicator_id} has no value "
                f"for {period}" + ("" if required else ": shown as 'not supplied'"), row, "value", None, sheet)
        else:
            file = (display_path(collected.folder / FIGURES_FILE) if (collected.folder / FIGURES_FILE).exists()
                    and not return_files(collected.folder) else _partner_return_hint(collected.folder, indicator.partner))
            problem = InputProblem(
                file, f"{'required' if required else 'optional'} indicator {indicator.indicator_id} "
                f"({indicator.partner}) has no value for {period}"
                + ("" if required else ": shown as 'not supplied'"), None, "indicator_id", indicator.indicator_id)
        (report.errors if required else report.warnings).append(problem)
    lists = collected.lists
    supplied = set(lists["list_id"]) if len(lists) else set()
    lists_file = display_path(collected.folder / LISTS_FILE)
    for item in list_catalogue.itertuples():
        if item.list_id in supplied:
            continue
        required = item.required == "yes"
        rule = f"{'required' if required else 'optional'} list {item.list_id} has no items" + (
            "" if required else ": shown as 'not supplied'")
        if item.list_id in collected.blank_list_rows:
            file, row = collected.blank_list_rows[item.list_id]
            problem = InputProblem(file, rule, row, "item")
        else:
            problem = InputProblem(lists_file, rule, None, "list_id", item.list_id)
        (report.errors if required else report.warnings).append(problem)


def _restatements(report: ValidationReport, collected: Collected, previous, catalogue: pd.DataFrame,
                  year: ReportYear) -> None:
    """Last year's figure given again in this edition: compare it with the previous edition."""
    for record in collected.figures.itertuples():
        meta = catalogue.loc[record.indicator_id]
        if record.period != previous_expected_period(meta["period_type"], year):
            continue
        published = previous.figure(record.indicator_id, record.period) if previous else None
        if published is None:
            continue
        value, _ = parse_number(record.value, meta["unit"])
        if value is not None and value != published.value:
            report.warnings.append(InputProblem(
                record.source_file,
                f"restates {record.indicator_id} for {record.period} as {record.value}, but the previous "
                f"edition published {published.text} ({published.source_file}, row {published.source_row}); "
                "the book compares with the restated value on this edition's pages",
                record.source_row, "value", record.value, record.source_sheet or None))


def _partnership_area(data_dir: Path | None) -> str | None:
    root = Path(data_dir) / "reference" if data_dir else paths.REFERENCE_DIR
    path = root / "partnership.csv"
    if not path.exists():
        return None
    table = read_csv_table(path)
    return table.rows[0].get("area_code") if table.rows else None


def validate_edition(year: str, area_code: str | None = None, data_dir: Path | str | None = None
                     ) -> ValidationReport:
    """Check every input of one edition; return all errors and warnings (never raises
    InputError: call ``report.raise_for_errors()``). ParameterError for a bad year."""
    from analysis.catalogue import load_catalogue, load_list_catalogue
    from analysis.partnership import PartnershipData

    report_year = ReportYear.parse(year)
    data_dir = Path(data_dir) if data_dir else None
    folder = paths.partnership_year_dir(report_year.label, data_dir)
    report = ValidationReport(report_year.label, folder)
    try:
        catalogue = load_catalogue(data_dir)
        list_catalogue = load_list_catalogue(data_dir)
    except InputError as error:
        report.errors += error.problems
        return report
    own_area = _partnership_area(data_dir)
    if area_code and own_area and area_code != own_area:
        report.skipped = (f"the partnership's own figures describe {own_area} only; the {area_code} "
                          "edition is built from national statistics alone, so there is nothing to check")
        return report
    if not folder.is_dir():
        report.errors.append(InputProblem(
            display_path(folder),
            f"the edition's folder does not exist: run `python -m analysis new-edition {report_year.label}` "
            "and fill in the returns"))
        return report
    collected = collect(report_year.label, folder, catalogue, list_catalogue)
    report.errors += collected.errors
    report.warnings += collected.warnings
    report.notes += collected.notes
    if not collected.has_figures and not collected.errors:
        report.notes.append("no figures.csv and no filled-in return: every figure is missing")
    _completeness(report, collected, catalogue, list_catalogue, report_year)
    previous_folder = paths.partnership_year_dir(report_year.previous().label, data_dir)
    previous = None
    if previous_folder.is_dir():
        try:
            previous = PartnershipData(report_year.previous().label, None, data_dir, previous_edition=False)
            report.notes.append(f"previous edition: {display_path(previous_folder)} (used for year-on-year comparisons)")
        except InputError as error:
            report.errors += error.problems
    else:
        report.notes.append(f"no previous edition folder ({display_path(previous_folder)}): "
                            "no year-on-year comparisons")
    _restatements(report, collected, previous if previous and previous.available else None, catalogue, report_year)
    return report


def validate_for_build(year: str, area_code: str, data_dir: Path | str | None) -> ValidationReport | None:
    """The validation ``build`` runs first; None when the data folder holds no partnership
    reference data at all (a book built from other inputs, such as a test fixture)."""
    root = Path(data_dir) / "reference" if data_dir else paths.REFERENCE_DIR
    if not (root / "partnership.csv").exists() or not (root / "indicators.csv").exists():
        return None
    return validate_edition(year, area_code, data_dir)
