"""No record-level data about children in a published edition.

The book publishes aggregate figures only. Before an edition is published the
runner scans every file that would be published (HTML, CSV, executed
notebooks, JSON, Markdown sources, the search index) and refuses to publish if
it finds:

- person-level *fields*: a column or field named like a record about a person
  (``child_id``, ``upn``, ``nhs_number``, ``date_of_birth``, ``postcode``,
  ``surname``, ...) in a CSV header, an HTML table header, a JSON key, a
  Markdown table header or a notebook output's table;
- person-level *values*: a full UK postcode, an NHS number (10 digits, with a
  valid modulus 11 check digit), a unique pupil number (a letter and 12
  characters), or a date next to "date of birth", "DOB" or "born";
- *small counts from record-level data*: the register of figures (each page's
  ``register.csv`` in the stage, and any published CSV with the register's
  ``raw_value`` and ``source_kind`` columns) marks each value's kind of source;
  a count from 1 to 5 whose source kind is ``record_level`` is not published
  (DESIGN.md, "small numbers").

Theme assets under ``_static/`` are vendored code, not content, and are not
scanned; embedded images (``data:image/...`` URIs, ``image/png`` notebook
outputs) are skipped; CSV downloads embedded as ``data:text/csv`` URIs are
decoded and scanned like CSV files.

Spreadsheets (``.xlsx``: each chart's and table's data, the register of figures)
are read cell by cell (:func:`scan_workbook`): every cell of every sheet is checked
as a CSV's header and rows are, and each finding names its sheet and cell.

``scan_edition(folder, stage_dir=...)`` returns the findings;
``failure_message`` words them for the build's error.
"""
from __future__ import annotations

import bisect
import csv
import hashlib
import io
import json
import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import unquote

# What counts as person-level is in analysis.person_level (the input check uses it too).
from analysis.person_level import (  # noqa: F401 - nhs_number_is_valid is re-exported for the tests
    _SNAKE_FIELD_PATTERN, PERSON_FIELDS, nhs_number_is_valid, normalise_field, person_field, value_findings,
)
from analysis.files import sha256_file, write_atomically
from analysis.vocabulary import SMALL_COUNT_RANGE

# --------------------------------------------------------------------------
# What is not scanned
# --------------------------------------------------------------------------

# Register of figures: a count from 1 to 5 from record-level data is not published.
RECORD_LEVEL = "record_level"
# Units that are not counts (a percentage of 3 is not a count of 3 children).
_NOT_COUNT_UNITS = ("percentage", "rate", "ratio", "proportion", "mean", "median", "average")

# Files: theme assets are vendored, images are not text.
SKIPPED_FOLDERS = ("_static",)
TEXT_SUFFIXES = {".html", ".htm", ".csv", ".tsv", ".ipynb", ".json", ".txt", ".md", ".js", ".xml",
                 ".yml", ".yaml", ".rst", ".svg", ""}
_DATA_URI = re.compile(r"data:[^\s\"'<>)\\]*")
_CSV_DATA_URI = re.compile(r"data:text/csv[^,\s\"'<>\\]*,([^\s\"'<>\\]*)")
_IMAGE_OUTPUT = re.compile(r"\"image/[a-z0-9.+-]+\"\s*:\s*\"(?:[^\"\\]|\\.)*\"")
# Workbooks are read cell by cell, not as text.
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
# Cells of a row are joined with this when their values are checked, so that a date is still
# found next to its "date of birth" label in the cell before it, as in a CSV row.
_CELL_SEPARATOR = " | "


@dataclass(frozen=True)
class Finding:
    """One thing in one file that must not be published."""

    file: str  # path relative to the scanned folder, e.g. notebooks/04_child_protection.html
    line: int | None  # 1-based line in the file, when known
    what: str  # what was found, with the value masked
    where: str = ""  # more detail: "cell 5, output 1", "CSV download chart-x.csv, line 3"

    def __str__(self) -> str:
        text = self.file
        if self.line is not None:
            text += f", line {self.line}"
        if self.where:
            text += f" ({self.where})"
        return f"{text}: {self.what}"


# --------------------------------------------------------------------------
# Checks on pieces of text
# --------------------------------------------------------------------------


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _blank_data_uris(text: str) -> str:
    """Replace data: URIs with spaces (keeping offsets and line numbers)."""
    return _DATA_URI.sub(lambda m: " " * len(m.group()), text)


def _csv_downloads(text: str) -> Iterator[tuple[int, str]]:
    """(offset, decoded CSV text) of every data:text/csv URI in ``text``."""
    for match in _CSV_DATA_URI.finditer(text):
        yield match.start(), unquote(match.group(1))


def _scan_values(text: str, file: str, *, line_offset: int = 0, where: str = "") -> list[Finding]:
    findings = []
    for offset, what in value_findings(_blank_data_uris(text)):
        findings.append(Finding(file, _line_of(text, offset) + line_offset, what, where))
    for offset, csv_text in _csv_downloads(text):
        line = _line_of(text, offset) + line_offset
        label = "CSV download" + (f" in {where}" if where else "")
        for finding in _scan_csv_text(csv_text, file):
            findings.append(Finding(file, line, finding.what, f"{label}, line {finding.line}"))
    return findings


def _field_finding(file: str, line: int | None, name: str, context: str, where: str = "") -> Finding | None:
    kind = person_field(name)
    if kind is None:
        return None
    return Finding(file, line, f"a person-level field {name.strip()!r} ({kind}) in {context}", where)


# --------------------------------------------------------------------------
# CSV, HTML, JSON, notebooks, Markdown
# --------------------------------------------------------------------------


def _scan_csv_text(text: str, file: str) -> list[Finding]:
    findings: list[Finding] = []
    rows = list(csv.reader(io.StringIO(text)))
    if rows:
        for name in rows[0]:
            finding = _field_finding(file, 1, name, "a CSV header")
            if finding:
                findings.append(finding)
    findings += _scan_values(text, file)
    if rows and {"raw_value", "source_kind"} <= {normalise_field(name) for name in rows[0]}:
        findings += register_findings(text, file)
    return findings


def _is_count_unit(unit: str) -> bool:
    unit = unit.strip().lower()
    return not any(unit.startswith(prefix) for prefix in _NOT_COUNT_UNITS)


def register_findings(text: str, file: str) -> list[Finding]:
    """Counts from 1 to 5 from record-level data in a register of figures (CSV text)."""
    findings = []
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None:
        return findings
    columns = {normalise_field(name): name for name in reader.fieldnames}
    low, high = SMALL_COUNT_RANGE
    for number, row in enumerate(reader, start=2):
        kind = normalise_field(row.get(columns["source_kind"]) or "")
        if kind != RECORD_LEVEL:
            continue
        raw = (row.get(columns["raw_value"]) or "").strip().replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        unit = row.get(columns.get("unit", ""), "") or ""
        if low <= value <= high and _is_count_unit(unit):
            label = ", ".join(
                f"{key} {row[columns[key]]}" for key in ("page", "name", "indicator_id")
                if key in columns and row.get(columns[key])
            )
            findings.append(Finding(
                file, number,
                f"a small count ({raw}) from record-level data ({label}): counts from {low} to {high} "
                "from record-level data are not published",
            ))
    return findings


class _TableHeaders(HTMLParser):
    """Collects the text of every <th> (with its line) and Markdown-free table headers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headers: list[tuple[int, str]] = []
        self._open: list[str] | None = None
        self._line = 0

    def handle_starttag(self, tag, attrs):
        if tag == "th":
            self._open = []
            self._line = self.getpos()[0]

    def handle_endtag(self, tag):
        if tag == "th" and self._open is not None:
            self.headers.append((self._line, "".join(self._open)))
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)


def _html_headers(text: str) -> list[tuple[int, str]]:
    parser = _TableHeaders()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed HTML: value checks still run
        pass
    return parser.headers


def _scan_html_text(text: str, file: str, *, line_offset: int = 0, where: str = "") -> list[Finding]:
    findings = []
    for line, name in _html_headers(text):
        finding = _field_finding(file, line + line_offset, name, "a table header", where)
        if finding:
            findings.append(finding)
    findings += _scan_values(text, file, line_offset=line_offset, where=where)
    return findings


_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _scan_markdown_text(text: str, file: str) -> list[Finding]:
    findings = []
    lines = text.splitlines()
    for index in range(1, len(lines)):
        if _MD_TABLE_RULE.match(lines[index]) and "|" in lines[index - 1]:
            for name in lines[index - 1].strip().strip("|").split("|"):
                finding = _field_finding(file, index, name, "a Markdown table header")
                if finding:
                    findings.append(finding)
    findings += _scan_html_text(text, file)
    return findings


def _json_keys(value, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key), f"{path}.{key}" if path else str(key)
            yield from _json_keys(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_keys(item, f"{path}[{index}]")


def _line_with(text: str, needle: str) -> int | None:
    offset = text.find(needle)
    return None if offset < 0 else _line_of(text, offset)


def _scan_json_text(text: str, file: str) -> list[Finding]:
    findings = []
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    for key, path in _json_keys(data):
        finding = _field_finding(file, _line_with(text, json.dumps(key)), key, f"a JSON key ({path})")
        if finding:
            findings.append(finding)
    findings += _scan_values(text, file)
    return findings


def _joined(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def _scan_notebook_text(text: str, file: str) -> list[Finding]:
    """Field names in each cell's outputs; values anywhere except embedded images."""
    findings: list[Finding] = []
    try:
        notebook = json.loads(text)
    except ValueError:
        return _scan_values(text, file)
    for cell_number, cell in enumerate(notebook.get("cells", []), start=1):
        for output_number, output in enumerate(cell.get("outputs", []) or [], start=1):
            where = f"cell {cell_number}, output {output_number}"
            data = output.get("data", {}) or {}
            texts = []
            if output.get("output_type") == "stream":
                texts.append(_joined(output.get("text")))
            for mime, content in data.items():
                if mime in ("text/html", "text/markdown"):
                    for line, name in _html_headers(_joined(content)):
                        finding = _field_finding(file, None, name, "a table header", where)
                        if finding:
                            findings.append(finding)
                    if mime == "text/markdown":
                        findings += [Finding(file, None, f.what, where)
                                     for f in _scan_markdown_text(_joined(content), file)
                                     if "Markdown table header" in f.what]
                elif mime == "text/plain":
                    texts.append(_joined(content))
                elif mime.endswith("json") and not isinstance(content, str):
                    for key, path in _json_keys(content):
                        finding = _field_finding(file, None, key, f"a JSON key ({path})", where)
                        if finding:
                            findings.append(finding)
            for plain in texts:
                for match in _SNAKE_FIELD_PATTERN.finditer(plain):
                    name = match.group(1)
                    findings.append(Finding(
                        file, None, f"a person-level field {name!r} ({PERSON_FIELDS[name]}) in a text output",
                        where))
    # Line numbers for the output findings: the first line of the file naming the field.
    located = []
    for finding in findings:
        name = re.search(r"field '([^']*)'", finding.what)
        line = _line_with(text, name.group(1)) if name else None
        located.append(Finding(finding.file, line, finding.what, finding.where))
    masked = _IMAGE_OUTPUT.sub(lambda m: " " * len(m.group()), text)
    places = _value_places(notebook)
    for finding in _scan_values(masked, file):
        candidates = places.get(finding.what) or [""]
        where = candidates.pop(0) if len(candidates) > 1 else candidates[0]
        located.append(Finding(finding.file, finding.line, finding.what, finding.where or where))
    return located


def _value_places(notebook: dict) -> dict[str, list[str]]:
    """For each value finding's description, the cells (and outputs) it occurs in, in order."""
    places: dict[str, list[str]] = {}
    for cell_number, cell in enumerate(notebook.get("cells", []), start=1):
        pieces = [(f"cell {cell_number}, source", _joined(cell.get("source")))]
        for output_number, output in enumerate(cell.get("outputs", []) or [], start=1):
            texts = [_joined(output.get("text"))] + [
                content if isinstance(content, str) else _joined(content) if isinstance(content, list)
                else json.dumps(content)
                for mime, content in (output.get("data") or {}).items() if not mime.startswith("image/")
            ]
            pieces.append((f"cell {cell_number}, output {output_number}", "\n".join(texts)))
        for where, piece in pieces:
            for _, what in value_findings(_blank_data_uris(piece)):
                places.setdefault(what, []).append(where)
    return places


# Sphinx's search index: the words of every page, stemmed, with the digits of neighbouring table
# cells run together ("2024116108" from 2024 | 116 | 108), which can look like an NHS number.
SEARCH_INDEX = "searchindex.js"
_SEARCH_INDEX_CALL = re.compile(r"^\s*Search\.setIndex\((.*)\)\s*;?\s*$", re.S)


def _scan_search_index(text: str, file: str) -> list[Finding]:
    """The search index without its word lists (``terms``, ``titleterms``): every page those
    words come from is scanned in full; the rest (titles, file names) is scanned as JSON."""
    match = _SEARCH_INDEX_CALL.match(text)
    try:
        index = json.loads(match.group(1)) if match else None
    except ValueError:
        index = None
    if not isinstance(index, dict):
        return _scan_values(text, file)  # not the index Sphinx writes: read it as any other text
    rest = {key: value for key, value in index.items() if key not in ("terms", "titleterms")}
    return _scan_json_text(json.dumps(rest, indent=1, ensure_ascii=False), file)


def scan_text(text: str, file: str) -> list[Finding]:
    """Findings in one file's text; how it is read depends on the file's suffix."""
    suffix = Path(file).suffix.lower()
    if suffix in (".csv", ".tsv"):
        if suffix == ".tsv":
            text = text.replace("\t", ",")
        return _scan_csv_text(text, file)
    if suffix in (".html", ".htm", ".xml", ".svg"):
        return _scan_html_text(text, file)
    if suffix == ".ipynb":
        return _scan_notebook_text(text, file)
    if suffix == ".json":
        return _scan_json_text(text, file)
    if Path(file).name == SEARCH_INDEX:
        return _scan_search_index(text, file)
    if suffix in (".md", ".rst", ".txt"):
        return _scan_markdown_text(text, file)
    return _scan_values(text, file)


# --------------------------------------------------------------------------
# Spreadsheets
# --------------------------------------------------------------------------


def _cell_name(sheet: str, row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"sheet {sheet!r}, cell {get_column_letter(column)}{row}"


def _cell_text(value) -> str:
    return "" if value is None else str(value)


def _sheet_findings(sheet: str, rows: list[list[str]], file: str) -> list[Finding]:
    """Findings in one sheet's cells (rows of text): a cell that is a person-level field's
    name, person-level values in a row, small counts from record-level data in a register."""
    findings = []
    for row_number, cells in enumerate(rows, start=1):
        starts, offset = [], 0  # where each cell starts in the row's joined text
        for column, text in enumerate(cells, start=1):
            starts.append(offset)
            offset += len(text) + len(_CELL_SEPARATOR)
            finding = _field_finding(file, None, text, "a spreadsheet cell", _cell_name(sheet, row_number, column))
            if finding:
                findings.append(finding)
        for offset, what in value_findings(_CELL_SEPARATOR.join(cells)):
            column = bisect.bisect_right(starts, offset)
            findings.append(Finding(file, None, what, _cell_name(sheet, row_number, column)))
    findings += _register_sheet_findings(sheet, rows, file)
    return findings


def _register_sheet_findings(sheet: str, rows: list[list[str]], file: str) -> list[Finding]:
    """A register of figures on a sheet (a row with the columns raw_value and source_kind, and
    the rows under it), checked as a register CSV is."""
    for header_number, cells in enumerate(rows, start=1):
        if {"raw_value", "source_kind"} <= {normalise_field(cell) for cell in cells}:
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows[header_number - 1:])
            return [Finding(file, None, finding.what, f"sheet {sheet!r}, row {header_number + finding.line - 1}")
                    for finding in register_findings(buffer.getvalue(), file)]
    return []


def scan_workbook(path: Path, file: str) -> list[Finding]:
    """Every cell of every sheet of a workbook, read as a spreadsheet program shows it; a workbook
    that cannot be opened is a finding too, as it cannot be checked."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True)
    except Exception as error:  # noqa: BLE001 - whatever the reason, an unreadable file is not published
        return [Finding(file, None, f"a workbook that cannot be opened, so it cannot be checked for "
                                    f"record-level data ({type(error).__name__})")]
    findings = []
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # the cells the file holds, whatever size it claims
            rows = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
            findings += _sheet_findings(sheet.title, rows, file)
    finally:
        workbook.close()
    return findings


# --------------------------------------------------------------------------
# Folders
# --------------------------------------------------------------------------


def edition_files(folder: Path) -> Iterator[Path]:
    """The files of an edition that are scanned: text files and workbooks outside _static/."""
    folder = Path(folder)
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or relative.parts[0] in SKIPPED_FOLDERS:
            continue
        if path.suffix.lower() not in TEXT_SUFFIXES | WORKBOOK_SUFFIXES:
            continue
        yield path


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None


def scan_file(path: Path, file: str) -> list[Finding]:
    """Findings in one file, named ``file``: a workbook cell by cell, any other file as text
    (nothing for a file that is not text)."""
    if Path(path).suffix.lower() in WORKBOOK_SUFFIXES:
        return scan_workbook(Path(path), file)
    text = _read_text(Path(path))
    return scan_text(text, file) if text is not None else []


def scan_folder(folder: Path, *, prefix: str = "", clean: "CleanFiles | None" = None) -> list[Finding]:
    findings = []
    for path in edition_files(folder):
        findings += (clean.scan if clean else scan_file)(path, prefix + path.relative_to(folder).as_posix())
    return findings


class CleanFiles:
    """The files an earlier scan found nothing in, by name and SHA-256 of their bytes, kept in
    ``memo_path`` so that a rebuild scans again only what changed (most pages do not).

    The memo is for one version of the scan: it holds the SHA-256 of the scan's own code, and is
    ignored when that differs. A file with a finding is never remembered, so it is reported again.
    """

    def __init__(self, memo_path: Path):
        self.memo_path = Path(memo_path)
        self.scanner = scanner_fingerprint()
        self.remembered: set[str] = set()
        try:
            memo = json.loads(self.memo_path.read_text(encoding="utf-8"))
            if memo.get("scanner") == self.scanner:
                self.remembered = set(memo["clean"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # no memo, or a damaged one: everything is scanned
        self.clean: set[str] = set()

    def scan(self, path: Path, file: str) -> list[Finding]:
        key = f"{file} {sha256_file(path)}"
        if key in self.remembered:
            self.clean.add(key)
            return []
        findings = scan_file(path, file)
        if not findings:
            self.clean.add(key)
        return findings

    def save(self) -> None:
        write_atomically(self.memo_path, json.dumps({"scanner": self.scanner, "clean": sorted(self.clean)}, indent=0))


def scanner_fingerprint() -> str:
    """The SHA-256 of the scan's code: this module and the modules whose rules it applies."""
    import analysis.person_level
    import analysis.vocabulary

    digest = hashlib.sha256()
    for module in (sys.modules[__name__], analysis.person_level, analysis.vocabulary):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def stage_registers(stage_dir: Path) -> list[Path]:
    """Each page's register of figures in a staged edition (``_data/<page>/register.csv``)."""
    return sorted(Path(stage_dir).glob("_data/*/register.csv"))


def scan_edition(folder: Path, *, stage_dir: Path | None = None,
                 extra_files: Iterable[Path] = (), clean_memo: Path | None = None) -> list[Finding]:
    """Everything person-level in an edition about to be (or already) published.

    ``folder``: the edition's files (the built HTML folder, or a published
    edition). ``stage_dir``: the staged edition, whose registers of figures are
    checked for small counts from record-level data. ``extra_files``: files
    published alongside (such as the run manifest), scanned too. ``clean_memo``: a file
    remembering the files found clean (CleanFiles); those unchanged are not scanned again.
    """
    folder = Path(folder)
    clean = CleanFiles(clean_memo) if clean_memo else None
    findings = scan_folder(folder, clean=clean)
    for path in extra_files:
        path = Path(path)
        if path.is_file():
            findings += (clean.scan if clean else scan_file)(path, path.name)
    if clean:
        clean.save()
    if stage_dir is not None:
        stage_dir = Path(stage_dir)
        for path in stage_registers(stage_dir):
            text = _read_text(path)
            if text is not None:
                relative = "stage: " + path.relative_to(stage_dir).as_posix()
                findings += [Finding(relative, f.line, f.what, f.where)
                             for f in register_findings(text, path.name)]
    return _unique(findings)


def _unique(findings: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))


def failure_message(findings: list[Finding], label: str, *, limit: int = 50) -> str:
    """The build's error: each finding with file and line, then what to do."""
    count = len(findings)
    lines = [f"{count} piece{'s' if count != 1 else ''} of record-level data about children would have "
             f"been published in {label}; nothing was published:"]
    lines += [f"  - {finding}" for finding in findings[:limit]]
    if count > limit:
        lines.append(f"  ... and {count - limit} more")
    lines.append("Publish aggregate figures only: remove person-level columns and values from the "
                 "notebooks' outputs, and do not publish counts from 1 to 5 from record-level data.")
    return "\n".join(lines)
