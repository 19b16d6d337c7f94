"""An edition's own figures: read from its year folder, checked, and looked up by indicator.

An edition's figures come from ``data/partnerships/<id>/<year>/`` (see ``analysis.inputs.formats``):
``figures.csv`` (transcribed from a published report) and/or the partners' returns,
``lists.csv`` and ``documents.csv``. :func:`collect` reads them all, applying the rules
about single values (``analysis.inputs.rules``); :class:`PartnershipData` is what the
pages use: every value keeps the file, sheet and row it came from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.config import data_paths, display_path
from analysis.errors import InputError, InputProblem
from analysis.inputs.catalogue import load_catalogue, load_list_catalogue
from analysis.inputs.partnership import NO_PARTNERSHIP, Partnership, edition_partnership
from analysis.inputs.formats import (
    DOCUMENT_COLUMNS, DOCUMENT_REQUIRED_COLUMNS, DOCUMENTS_FILE, FIGURE_COLUMNS, FIGURE_OPTIONAL_COLUMNS,
    FIGURES_FILE, LIST_COLUMNS, LISTS_FILE, LOADED_COLUMNS, RETURN_COLUMNS, RETURN_REQUIRED_COLUMNS,
)
from analysis.inputs.personal_data import personal_data_problems
from analysis.inputs.readers import (
    ReadTable, other_files_in_returns, read_csv_table, read_table, return_files, why_not_read,
)
from analysis.inputs.rules import (
    RULE_DUPLICATE, RULE_MISSING_COLUMN, RULE_UNKNOWN_INDICATOR, check_value_row, column_problems, indicator_details,
)
from analysis.periods import ReportYear, expected_period
from analysis.present.formatting import format_value, typed_decimals

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
    filled_returns: dict[str, str] = field(default_factory=dict)  # partner -> the return file read

    @property
    def has_figures(self) -> bool:
        return bool(self.sources)


def _empty_lists() -> pd.DataFrame:
    return pd.DataFrame(columns=LIST_COLUMNS + ["source_file", "source_row"])


# Ways partners write "approximately", read as the qualifier "about" (with a warning).
APPROXIMATE_WORDS = {"approx", "approx.", "approximately", "c", "c.", "ca", "ca.", "circa", "~"}
_APPROXIMATE_VALUE = re.compile(r"^(approx\.?|approximately|c\.|ca\.|circa|~)\s*(?=\d)", re.IGNORECASE)
# Ways partners write "no figure", read as not supplied for an optional indicator (with a warning).
NOT_AVAILABLE_WORDS = {"n/a", "na", "n.a.", "not available", "-", "–"}
_HELD_BACK = re.compile(r"^\s*[<≤]\s*\d+\s*$")


def _has_value(row) -> bool:
    return bool(row.get("value") or row.get("numerator") or row.get("denominator"))


class _Collector:
    """Reads one year folder file by file into a :class:`Collected`."""

    def __init__(self, year: ReportYear, folder: Path, catalogue: pd.DataFrame, list_catalogue: pd.DataFrame):
        self.year = year
        self.catalogue = catalogue
        self.indicators = indicator_details(catalogue)  # looked up once for each row read
        self.list_catalogue = list_catalogue
        self.result = Collected(year.label, folder, pd.DataFrame(columns=LOADED_COLUMNS), _empty_lists(), {})
        self.records: list[dict] = []
        self.seen: dict[tuple[str, str], tuple[str, str | None, int]] = {}

    def columns_ok(self, table: ReadTable, required: list[str], allowed: list[str]) -> bool:
        """Report the table's read and column problems, and any personal data in it; True when
        its rows can be read."""
        self.result.errors += table.problems
        self.result.warnings += table.warnings
        self.result.errors += personal_data_problems(table)
        found = column_problems(table, required, allowed)
        self.result.errors += found
        return not any(p.rule == RULE_MISSING_COLUMN for p in found)

    def understand(self, table: ReadTable, row) -> bool:
        """Read the human ways of writing a value that a return may hold, saying what was
        understood: "approx."/"c." as the qualifier "about"; "N/A" for an optional indicator as
        not supplied. False when the row is to be skipped as not supplied. "<5" is refused:
        a figure held back cannot be published as a number."""
        if "value" in row.unreadable or "qualifier" in row.unreadable:
            return True
        qualifier, value = row.get("qualifier").strip(), row.get("value").strip()
        if qualifier.lower() in APPROXIMATE_WORDS:
            self.result.warnings.append(table.problem(f"read the qualifier {qualifier!r} as 'about'", row.row,
                                                      "qualifier", qualifier))
            row.values["qualifier"] = "about"
        match = _APPROXIMATE_VALUE.match(value)
        if match and not row.get("qualifier"):
            self.result.warnings.append(table.problem(
                f"read {value!r} as the qualifier 'about' and the value {value[match.end():]!r}", row.row, "value", value))
            row.values.update(qualifier="about", value=value[match.end():])
        indicator = row.get("indicator_id")
        if value.lower() in NOT_AVAILABLE_WORDS and indicator in self.indicators:
            if self.indicators[indicator]["required"] == "yes":
                self.result.errors.append(table.problem(
                    f"{indicator} is required: give its value ({value!r} is not one)", row.row, "value", value))
                self.result.errored_indicators.add(indicator)
            else:
                self.result.warnings.append(table.problem(
                    f"read {value!r} as not supplied (an optional indicator)", row.row, "value", value))
            return False
        if _HELD_BACK.match(value):
            self.result.errors.append(table.problem(
                f"{value!r} is a figure held back, not a number the book can publish: leave the value blank (it is "
                "shown as not supplied) and say in notes that it is small", row.row, "value", value))
            self.result.errored_indicators.add(indicator)
            return False
        return True

    def add_rows(self, table: ReadTable, transcribed: bool) -> None:
        result = self.result
        for row in table.rows:
            if not transcribed and not self.understand(table, row):
                continue
            if not transcribed and not _has_value(row) and not ({"value", "numerator", "denominator"} & row.unreadable):
                self.note_blank_row(table, row)
                continue
            found, clean = check_value_row(table, row, self.indicators, self.year, transcribed=transcribed)
            result.errors += found
            if found or clean is None or row.unreadable:
                # Already reported at this row: completeness does not report it again elsewhere.
                result.errored_indicators.add(row.get("indicator_id"))
            if clean is None:
                continue
            key = (clean["indicator_id"], clean["period"])
            if key in self.seen:
                file, sheet, number = self.seen[key]
                where = file + (f", sheet {sheet}" if sheet else "") + f", row {number}"
                result.errors.append(table.problem(
                    f"{RULE_DUPLICATE} (first in {where})", row.row, "indicator_id", f"{key[0]} {key[1]}"))
                continue
            self.seen[key] = (table.file, table.sheet, row.row)
            self.records.append(clean)

    def note_blank_row(self, table: ReadTable, row) -> None:
        indicator = row.get("indicator_id")
        if indicator and indicator not in self.result.blank_rows:
            self.result.blank_rows[indicator] = (table.file, table.sheet, row.row)
        if indicator and indicator not in self.indicators:
            self.result.errors.append(table.problem(RULE_UNKNOWN_INDICATOR, row.row, "indicator_id", indicator))

    def read_figures_csv(self, path: Path) -> None:
        """figures.csv: the transcribed format."""
        table = read_csv_table(path)
        if self.columns_ok(table, FIGURE_COLUMNS, FIGURE_COLUMNS + FIGURE_OPTIONAL_COLUMNS):
            self.add_rows(table, transcribed=True)
            self.result.sources.append(table.file)
            self.result.notes.append(f"read {table.file}: {len(table.rows)} rows ({table.encoding})")

    def percentages_as_fractions(self, table: ReadTable) -> str:
        """'rows 4, 9' when a return has percentages and every one of them is between 0 and 1
        (a share typed as a fraction reads as under 1%); '' otherwise."""
        rows = []
        for row in table.rows:
            indicator = row.get("indicator_id")
            if indicator not in self.indicators or self.indicators[indicator]["unit"] != "percentage":
                continue
            try:
                value = float(str(row.get("value")).replace(",", "").rstrip("%"))
            except ValueError:
                continue
            rows.append((row.row, value))
        if rows and all(0 < value <= 1 for _, value in rows):
            return ("row" if len(rows) == 1 else "rows") + " " + ", ".join(str(number) for number, _ in rows)
        return ""

    def read_returns(self, folder: Path) -> None:
        """The partners' returns, CSV or Excel, each filled in once."""
        result = self.result
        filled: dict[str, str] = {}
        # Blank rows of templates nobody filled in: a missing value is pointed at the row of a
        # filled-in return when there is one (the Excel return rather than its unused CSV twin).
        template_blank_rows: dict[str, tuple[str, tuple[str, str | None, int]]] = {}
        partners = set(self.catalogue["partner"])
        for path in return_files(folder):
            partner = path.stem.lower()
            if partner not in partners:
                result.errors.append(InputProblem(
                    display_path(path), f"not read: a return is named after its partner, and {path.stem!r} is not one "
                    f"(the partners are: {', '.join(sorted(partners))}). Rename it, e.g. council{path.suffix}"))
                continue
            table = read_table(path)
            if not table.columns or not self.columns_ok(table, RETURN_REQUIRED_COLUMNS, RETURN_COLUMNS):
                if not table.columns:
                    result.errors += table.problems
                result.unreadable_partners.add(partner)
                continue
            if not table.rows:
                result.warnings.append(InputProblem(
                    table.file, "the return has its header row and no rows below it: were its rows deleted? "
                                "Start again from the template", 1, None, None, table.sheet))
            if not any(_has_value(row) for row in table.rows):
                if table.problems:  # e.g. the values typed on another sheet: already said
                    result.unreadable_partners.add(partner)
                result.notes.append(f"{table.file}: not filled in (every value is blank), so not read")
                for row in table.rows:
                    indicator = row.get("indicator_id")
                    if indicator:
                        template_blank_rows.setdefault(indicator, (partner, (table.file, table.sheet, row.row)))
                continue
            if partner in filled:
                result.errors.append(InputProblem(
                    table.file,
                    f"the return is filled in twice ({filled[partner]} too): keep one and delete the other "
                    "(or save the unused template back empty)", None, None, None, table.sheet))
                continue
            filled[partner] = table.file
            result.filled_returns[partner] = table.file
            fractions = self.percentages_as_fractions(table)
            if fractions:
                result.warnings.append(InputProblem(
                    table.file, f"every percentage in this return is 1 or less ({fractions}): were they typed as "
                                "fractions (0.85 for 85%)? Type a percentage as a number out of 100",
                    None, "value", None, table.sheet))
            self.add_rows(table, transcribed=False)
            result.sources.append(table.file)
            where = f"{table.file}" + (f" (sheet {table.sheet})" if table.sheet else f" ({table.encoding})")
            result.notes.append(f"read {where}: {sum(1 for r in table.rows if r.get('value'))} values")
        # A template nobody filled in is pointed at only when its partner filled in no other return.
        for indicator, (partner, where) in template_blank_rows.items():
            if partner not in filled:
                result.blank_rows.setdefault(indicator, where)
        for path in other_files_in_returns(folder):
            if path.suffix.lower() in (".xls", ".xlsm", ".ods", ".numbers"):
                result.errors.append(InputProblem(
                    display_path(path), f"a {path.suffix} file is not read: save it as an Excel workbook (.xlsx) or as CSV"))
            else:
                result.warnings.append(InputProblem(display_path(path), why_not_read(path)))

    def read_lists(self, path: Path) -> None:
        table = read_csv_table(path)
        if self.columns_ok(table, LIST_COLUMNS, LIST_COLUMNS):
            self.result.lists = _check_lists(table, self.list_catalogue, self.result, self.year)

    def read_documents(self, path: Path) -> None:
        table = read_csv_table(path)
        # Documents may carry more columns (licence, ...): only the two the book uses are checked.
        if self.columns_ok(table, DOCUMENT_REQUIRED_COLUMNS, DOCUMENT_COLUMNS + table.columns):
            documents: dict[str, tuple[str, int]] = {}
            for row in table.rows:
                document_id = row.get("document_id")
                if not document_id:
                    self.result.errors.append(table.problem(
                        "document_id is blank: every document needs its id, as figures and lists name it",
                        row.row, "document_id"))
                elif document_id in documents:
                    self.result.errors.append(table.problem(
                        f"the same document_id appears more than once (first in row {documents[document_id][1]}): "
                        "keep one row for each document", row.row, "document_id", document_id))
                else:
                    documents[document_id] = (row.get("title"), row.row)
                    if not row.get("title"):
                        self.result.errors.append(table.problem(
                            "title is blank: the pages name each figure's source by its document's title",
                            row.row, "title", document_id))
            self.result.documents = {document_id: title for document_id, (title, _) in documents.items()}

    def finish(self) -> Collected:
        if self.records:
            figures = pd.DataFrame(self.records, columns=LOADED_COLUMNS)
            figures["source_row"] = figures["source_row"].astype(int)
            self.result.figures = figures
        return self.result


def collect(year: str, folder: Path, catalogue: pd.DataFrame, list_catalogue: pd.DataFrame) -> Collected:
    """Read figures.csv, the partner returns, lists.csv and documents.csv of one year folder."""
    folder = Path(folder)
    collector = _Collector(ReportYear.parse(year), folder, catalogue, list_catalogue)
    if (folder / FIGURES_FILE).exists() or (folder / FIGURES_FILE).is_symlink():
        collector.read_figures_csv(folder / FIGURES_FILE)
    collector.read_returns(folder)
    collected = collector.finish()
    for name, read in ((LISTS_FILE, collector.read_lists), (DOCUMENTS_FILE, collector.read_documents)):
        if (folder / name).exists() or (folder / name).is_symlink():
            read(folder / name)
            continue
        # A list saved in another format is not read: say so, naming both files.
        for other in sorted(folder.glob(f"{Path(name).stem}.*")):
            collected.errors.append(InputProblem(
                display_path(other), f"not read: the edition's {name} is missing, and this file is not a CSV file; "
                                     f"save it from Excel as \"CSV UTF-8 (Comma delimited)\" named {name}"))
    documents = folder / DOCUMENTS_FILE
    unknown = _unknown_documents(collected, documents)
    # Without documents.csv the pages can still name each document, by its id: a warning.
    (collected.errors if documents.exists() or documents.is_symlink() else collected.warnings).extend(unknown)
    return collected


def _unknown_documents(collected: Collected, documents_path: Path) -> list[InputProblem]:
    """A figure or list item whose document_id is not in documents.csv: its page could not say
    where it comes from."""
    documents_file = display_path(documents_path)
    known = set(collected.documents)
    problems = []
    figures = collected.figures
    transcribed = figures[figures["origin"] == "transcribed"] if len(figures) else figures
    rows = [(r.document_id, r.source_file, r.source_row) for r in transcribed.itertuples()]
    rows += [(r.document_id, r.source_file, r.source_row) for r in collected.lists.itertuples()]
    if documents_path.exists() or documents_path.is_symlink():
        rule = (f"the document_id is not in {documents_file} (it lists: {', '.join(sorted(known)) or 'none'}): "
                "add the document there, or correct the id")
    else:
        rule = (f"the document_id cannot be looked up: {documents_file} is missing, so the pages name the "
                "document by its id. Put it back, listing each source document's title (new-edition writes one "
                "with a row for each partner's return)")
    for document_id, file, row in rows:
        if document_id and document_id not in known:
            problems.append(InputProblem(file, rule, int(row), "document_id", document_id))
    return problems


def _ended_before(period: str, year: ReportYear) -> bool:
    """Whether a list's period ('2023-24', '2022-24') ended before the edition's year began."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", str(period).strip())
    if not match:
        return False
    start, end = int(match.group(1)), int(match.group(1)[:2] + match.group(2))
    end += 100 if end < start else 0  # 1999-01
    return end <= year.start


def _check_lists(table: ReadTable, list_catalogue: pd.DataFrame, result: Collected,
                 year: ReportYear | None = None) -> pd.DataFrame:
    records = []
    stale: dict[str, tuple[int, str]] = {}
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
        if not row.get("period"):
            result.errors.append(table.problem("period is blank: say which period the list covers (for example "
                                               f"{year.label if year else '2024-25'})", row.row, "period"))
            continue
        if year is not None and _ended_before(row.get("period"), year):
            stale.setdefault(list_id, (row.row, row.get("period")))
        record = {column: row.get(column) for column in LIST_COLUMNS}
        record["position"] = int(position)
        record["source_file"] = table.file
        record["source_row"] = row.row
        records.append(record)
    positions: dict[str, list[int]] = {}
    periods: dict[str, dict[str, int]] = {}
    for record in records:
        positions.setdefault(record["list_id"], []).append(record["position"])
        periods.setdefault(record["list_id"], {}).setdefault(record["period"], record["source_row"])
    for list_id, given in periods.items():
        if len(given) > 1:
            result.warnings.append(table.problem(
                f"the list {list_id} gives {len(given)} periods ({', '.join(given)}), and the page names the first: "
                "give every item of a list the same period", list(given.values())[1], "period", list_id))
    for list_id, numbers in positions.items():
        missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
        if missing:
            result.warnings.append(table.problem(
                f"the list {list_id} has no item in position {', '.join(map(str, missing))} (it has "
                f"{', '.join(map(str, sorted(numbers)))}): is an item missing?", None, "position", list_id))
    for list_id, (number, period) in stale.items():
        result.warnings.append(table.problem(
            f"the list {list_id} is for {period}, which ended before this edition's year {year.label}: "
            "is it last year's list? Give the list in force in the edition's year", number, "period", period))
    if not records:
        return _empty_lists()
    return pd.DataFrame(records, columns=LIST_COLUMNS + ["source_file", "source_row"])


# --------------------------------------------------------------------------
# The figures as the pages use them
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One value of one indicator, with everything needed to say where it came from."""

    indicator_id: str
    title: str
    definition: str
    unit: str
    period_type: str
    polarity: str
    period: str
    value: float
    decimals: int
    qualifier: str
    status: str
    derivation: str
    document: str
    source_section: str
    source_quote: str
    source_file: str
    source_row: int
    source_sheet: str = ""  # the workbook's sheet, for a value read from an Excel return
    origin: str = "transcribed"  # "transcribed" (figures.csv) or "return" (a partner's return)
    edition: str = ""  # the edition year whose folder the value was read from

    @property
    def text(self) -> str:
        """The value as the book prints it, e.g. 'about 44,000' or '79.4%'."""
        return format_value(self.value, self.unit, self.decimals, self.qualifier)

    @property
    def is_derived(self) -> bool:
        return self.status == "derived"

    @property
    def source(self) -> str:
        """Where the value came from, in one line."""
        if self.is_derived:
            return f"Derived: {self.derivation}"
        if self.origin == "return":
            where = f"sheet {self.source_sheet}, row {self.source_row}" if self.source_sheet else f"row {self.source_row}"
            text = f"{self.document} ({self.source_file}, {where})"
            return text + (f": \u201c{self.source_quote}\u201d" if self.source_quote else "")
        return f"{self.document}, section {self.source_section}: \u201c{self.source_quote}\u201d"


class PartnershipData:
    """Figures and lists for one partnership year, as published in the report.

    The year folder may hold ``figures.csv`` (the transcribed format), filled-in partner
    returns (``returns/*.csv`` or ``returns/*.xlsx``), or both; every value keeps the file,
    sheet and row it came from. Problems with the values raise InputError listing them
    all (``analysis.inputs.rules`` has the rules; ``python -m analysis validate`` also checks
    that nothing required is missing).

    When the previous year's folder exists (``data/partnerships/<id>/2024-25/`` for 2025-26),
    it is the previous edition: ``previous_figure(indicator_id)`` gives its value, and
    ``figure(indicator_id, period)`` and ``series(indicator_id)`` use it for periods this
    edition's files do not give, so year-on-year comparisons need no copying of figures.
    """

    def __init__(self, year: str, area_code: str | None = None, data_dir: Path | str | None = None,
                 *, previous_edition: bool = True, catalogues: tuple[pd.DataFrame, pd.DataFrame] | None = None,
                 partnership: Partnership | None = None):
        self.year = year
        self.data_dir = Path(data_dir) if data_dir else None
        # The indicator and list catalogues and the partnership are read here unless the caller
        # has read them already (a validation reads each once).
        self.catalogue, self.list_catalogue = catalogues or (load_catalogue(data_dir), load_list_catalogue(data_dir))
        # The partnership the edition is for (None for an area no partnership is configured
        # for); only a partnership that supplies its own figures has any to read.
        self.about = partnership or edition_partnership(area_code, data_dir)
        self.folder = (self.about.year_folder(year) if self.about
                       else data_paths(data_dir, NO_PARTNERSHIP).year(year))
        self.area_code = area_code
        self.covers_area = bool(self.about and self.about.own_figures)
        self._use_previous = previous_edition
        self._previous: PartnershipData | None | bool = False  # False: not looked for yet
        self.sources: list[str] = []
        self.figures = pd.DataFrame(columns=LOADED_COLUMNS)
        self.lists = pd.DataFrame(columns=LIST_COLUMNS)
        self.documents: dict[str, str] = {}
        self.available = False
        if self.covers_area and self.folder.is_dir():
            self._load()

    def _load(self) -> None:
        collected = collect(self.year, self.folder, self.catalogue, self.list_catalogue)
        if collected.errors:
            raise InputError(collected.errors)
        self.available = collected.has_figures
        self.sources = collected.sources
        self.figures = collected.figures
        self.lists = collected.lists
        self.documents = collected.documents

    # --- the previous edition ------------------------------------------------

    @property
    def previous_edition(self) -> "PartnershipData | None":
        """The previous year's figures (the previous edition), or None when its folder does
        not exist or holds no figures."""
        if self._previous is False:
            self._previous = None
            if self._use_previous and self.covers_area:
                previous_year = ReportYear.parse(self.year).previous().label
                if self.about.year_folder(previous_year).is_dir():
                    previous = PartnershipData(previous_year, self.area_code, self.data_dir, previous_edition=False)
                    self._previous = previous if previous.available else None
        return self._previous  # type: ignore[return-value]

    def expected_period(self, indicator_id: str) -> str:
        """The period this edition's value of an indicator covers (2025-26, 2025 or 2025/26)."""
        return expected_period(self.catalogue.at[indicator_id, "period_type"], self.year)

    def previous_figure(self, indicator_id: str) -> Figure | None:
        """The previous edition's value of an indicator for its own period (e.g. 2024-25 in
        the 2025-26 edition), read from the previous year's folder; None if there is none."""
        if indicator_id not in self.catalogue.index:
            raise KeyError(f"{indicator_id!r} is not in the indicator catalogue")
        previous = self.previous_edition
        if previous is None:
            return None
        return previous.figure(indicator_id, previous.expected_period(indicator_id))

    # --- look-ups -------------------------------------------------------------

    def has(self, indicator_id: str, period: str | None = None) -> bool:
        return self._row(indicator_id, period) is not None

    def _row(self, indicator_id: str, period: str | None):
        if indicator_id not in self.catalogue.index:
            raise KeyError(f"{indicator_id!r} is not in the indicator catalogue")
        rows = self.figures[self.figures["indicator_id"] == indicator_id]
        if period is not None:
            rows = rows[rows["period"] == period]
        elif len(rows) > 1:
            # The edition's own period is the row that is not a previous period.
            reported = rows[rows["status"] == "reported"]
            rows = reported if len(reported) else rows
            rows = rows.sort_values("period", ascending=False)
        return None if rows.empty else rows.iloc[0]

    def figure(self, indicator_id: str, period: str | None = None) -> Figure | None:
        """The figure for an indicator (latest period if several), or None if not supplied.

        With a ``period`` this edition's files do not give (last year's, say), the previous
        edition's value for that period is used when there is one. Without a period, only
        this edition's own values count: a missing figure is never filled from last year.
        """
        row = self._row(indicator_id, period)
        if row is None:
            if period is not None and period != self.expected_period(indicator_id) and self.previous_edition:
                return self.previous_edition.figure(indicator_id, period)
            return None
        meta = self.catalogue.loc[indicator_id]
        return Figure(
            indicator_id=indicator_id,
            title=meta["title"],
            definition=meta["definition"],
            unit=meta["unit"],
            period_type=meta["period_type"],
            polarity=meta["polarity"],
            period=row["period"],
            value=float(row["value"].replace(",", "")),
            decimals=typed_decimals(row["value"], meta["unit"]),
            qualifier=row["qualifier"],
            status=row["status"],
            derivation=row["derivation"],
            document=self.documents.get(row["document_id"], row["document_id"]),
            source_section=row["source_section"],
            source_quote=row["source_quote"],
            source_file=row["source_file"],
            source_row=int(row["source_row"]),
            source_sheet=row["source_sheet"],
            origin=row["origin"],
            edition=self.year,
        )

    def series(self, indicator_id: str) -> list[Figure]:
        """Every period supplied for an indicator, oldest first.

        When this edition supplies the indicator, the previous edition's periods that this
        edition does not restate are included, so the series runs across editions.
        """
        periods = set(self.figures.loc[self.figures["indicator_id"] == indicator_id, "period"])
        figures = {period: self.figure(indicator_id, period) for period in periods}
        if periods and self.previous_edition is not None:
            for earlier in self.previous_edition.series(indicator_id):
                figures.setdefault(earlier.period, earlier)
        return [figures[period] for period in sorted(figures)]

    def items(self, list_id: str) -> pd.DataFrame:
        """One qualitative list (e.g. review themes) in its published order."""
        rows = self.lists[self.lists["list_id"] == list_id].sort_values("position")
        return rows[["period", "position", "item", "detail", "source_section", "source_quote"]].reset_index(drop=True)

    def list_period(self, list_id: str) -> str:
        """The period a list covers, e.g. '2023-25' for two-year priorities; '' if not supplied."""
        periods = self.items(list_id)["period"]
        return periods.iloc[0] if len(periods) else ""

    def previous_period(self, period: str) -> str:
        """The period before a financial year such as 2024-25 (2023-24)."""
        return ReportYear.parse(period).previous().label
