"""The malformed-returns corpus (tests/fixtures/malformed_returns): apply a case, judge the result.

Each case is a folder with ``case.toml``: what is wrong, the change that makes it from a
correctly filled SYNTHETIC 2025-26 return set (tests/fixtures/synthetic_2025_26), the outcome
expected (refused, warned or accepted) and the message expected (its file, sheet, row, column
and words). ``apply_case`` makes the change in a copy of that return set; ``judge`` runs
``validate`` on it and, when the edition is accepted, loads every figure and list as the pages
do, then says which of these the result is:

- ``precise``: the expected outcome, with a message naming the expected file, sheet, row,
  column and rule (for an accepted case: no error, and the values read are the ones expected);
- ``vague``: refused or warned, but not with the message expected (or refused when it should
  have been accepted);
- ``crash``: an exception escaped (a traceback for the partner);
- ``silent``: accepted without a word when it should have been refused or warned about.
"""
from __future__ import annotations

import csv
import io
import os
import random
import tomllib
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "malformed_returns"
YEAR = "2025-26"
EDITION = Path("partnerships") / "camden" / YEAR
OUTCOMES = ("refused", "warned", "accepted")


def case_folders() -> list[Path]:
    return sorted(path for path in CORPUS.iterdir() if (path / "case.toml").is_file())


def read_case(folder: Path) -> dict:
    with open(Path(folder) / "case.toml", "rb") as handle:
        case = tomllib.load(handle)
    assert case.get("outcome") in OUTCOMES, f"{folder.name}: outcome must be one of {OUTCOMES}"
    assert case.get("what_is_wrong"), f"{folder.name}: say what is wrong"
    return case


# --------------------------------------------------------------------------
# Making the change
# --------------------------------------------------------------------------


def _encoding_of(data: bytes) -> str:
    from analysis.inputs.readers import decode_text

    return {"utf-8-sig": "utf-8-sig", "utf-8": "utf-8", "utf-16": "utf-16"}.get(decode_text(data)[1], "cp1252")


def _read_csv(path: Path) -> tuple[list[list[str]], str]:
    data = path.read_bytes()
    encoding = _encoding_of(data)
    return list(csv.reader(io.StringIO(data.decode(encoding), newline=""))), encoding


def _write_csv(path: Path, records: list[list[str]], encoding: str) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(records)
    path.write_bytes(out.getvalue().encode(encoding))


def _find_row(header: list, rows: list[list], change: dict) -> int:
    """Index into ``rows`` of the row the change names: ``row`` (spreadsheet number) or ``where``."""
    if "row" in change:
        return change["row"] - 2
    where = change["where"]
    columns = [str(name or "").strip().lower() for name in header]
    for index, row in enumerate(rows):
        if all(str(row[columns.index(column)] if columns.index(column) < len(row) else "").strip() == str(value)
               for column, value in where.items()):
            return index
    raise KeyError(f"no row where {where}")


def _csv_set(path: Path, change: dict) -> None:
    records, encoding = _read_csv(path)
    header, rows = records[0], records[1:]
    if change.get("row") == 1:
        header[[h.strip().lower() for h in header].index(change["column"])] = str(change["value"])
    else:
        row = rows[_find_row(header, rows, change)]
        at = [h.strip().lower() for h in header].index(change["column"])
        row.extend([""] * (at + 1 - len(row)))
        row[at] = str(change["value"])
    _write_csv(path, [header] + rows, encoding)


def _sheet(path: Path, change: dict):
    workbook = load_workbook(path)
    return workbook, workbook[change.get("sheet", "figures")]


def _xlsx_row(sheet, change: dict) -> int:
    header = [cell.value for cell in sheet[1]]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    return _find_row(header, rows, change) + 2


def _xlsx_column(sheet, name: str) -> int:
    header = [str(cell.value or "").strip().lower() for cell in sheet[1]]
    return header.index(name) + 1


def _xlsx_set(path: Path, change: dict) -> None:
    workbook, sheet = _sheet(path, change)
    number = 1 if change.get("row") == 1 else _xlsx_row(sheet, change)
    cell = sheet.cell(number, _xlsx_column(sheet, change["column"]))
    cell.value = change["value"]
    if "number_format" in change:
        cell.number_format = change["number_format"]
    workbook.save(path)


def apply_change(edition: Path, change: dict) -> None:
    """Make one change (one entry of the case's ``[[change]]`` list) in the edition folder."""
    action = change["action"]
    path = edition / change["file"] if "file" in change else None
    if action == "set":  # one cell, chosen by row number or by other cells in its row
        (_xlsx_set if path.suffix == ".xlsx" else _csv_set)(path, change)
    elif action == "replace_text":  # in the text of a CSV file, kept in its encoding
        data = path.read_bytes()
        encoding = _encoding_of(data)
        text = data.decode(encoding)
        assert change["old"] in text, f"{change['old']!r} is not in {path}"
        path.write_bytes(text.replace(change["old"], change["new"]).encode(encoding))
    elif action == "insert_line":  # a line of text before the given line (0: before the header)
        records, encoding = _read_csv(path)
        records.insert(change["at"], next(csv.reader([change["text"]])))
        _write_csv(path, records, encoding)
    elif action == "delete_column":
        records, encoding = _read_csv(path)
        at = [h.strip().lower() for h in records[0]].index(change["column"])
        _write_csv(path, [row[:at] + row[at + 1:] for row in records], encoding)
    elif action == "add_column":  # a column at the end: header and one value for each row
        records, encoding = _read_csv(path)
        records[0].append(change["header"])
        for row in records[1:]:
            row.extend([""] * (len(records[0]) - 1 - len(row)) + [change.get("value", "")])
        _write_csv(path, records, encoding)
    elif action == "delete_rows":  # the rows matching ``where``
        records, encoding = _read_csv(path)
        header, rows = records[0], records[1:]
        columns = [h.strip().lower() for h in header]
        kept = [row for row in rows if not all(row[columns.index(c)] == str(v) for c, v in change["where"].items())]
        assert len(kept) < len(rows), f"no row where {change['where']}"
        _write_csv(path, [header] + kept, encoding)
    elif action == "repeat_row":  # the row matching ``where``, ``times`` more times
        records, encoding = _read_csv(path)
        row = records[1:][_find_row(records[0], records[1:], change)]
        _write_csv(path, records + [row] * change["times"], encoding)
    elif action == "reencode":  # the same text in another encoding
        data = path.read_bytes()
        text = data.decode(_encoding_of(data))
        encoded = {
            "utf-16": lambda: text.encode("utf-16"),
            "utf-8": lambda: text.encode("utf-8"),
            "utf-8 with a byte-order mark, then cp1252 bytes": lambda: b"\xef\xbb\xbf" + text.encode("cp1252"),
            "two utf-8 byte-order marks": lambda: b"\xef\xbb\xbf\xef\xbb\xbf" + text.encode("utf-8"),
        }[change["encoding"]]()
        path.write_bytes(encoded)
    elif action == "keep_header":  # the header row and nothing else
        records, encoding = _read_csv(path)
        _write_csv(path, records[:1], encoding)
    elif action == "truncate":  # keep the first ``keep`` bytes
        path.write_bytes(path.read_bytes()[:change["keep"]])
    elif action == "random_bytes":
        path.write_bytes(random.Random(change.get("seed", 0)).randbytes(change["size"]))
    elif action == "write_bytes":  # bytes given in hex, then optionally random bytes
        tail = random.Random(0).randbytes(change.get("random_tail", 0))
        path.write_bytes(bytes.fromhex(change["hex"]) + tail)
    elif action == "write_text":
        path.write_text(change["text"], encoding=change.get("encoding", "utf-8"))
    elif action == "copy":
        (edition / change["to"]).write_bytes(path.read_bytes())
    elif action == "move":  # into a folder too, made if needed
        (edition / change["to"]).parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, edition / change["to"])
    elif action == "append_text":  # a line at the end of a CSV file, in its encoding
        data = path.read_bytes()
        encoding = _encoding_of(data)
        text = data.decode(encoding)
        path.write_bytes((text.rstrip("\r\n") + "\r\n" + change["text"] + "\r\n").encode(encoding))
    elif action == "delete":
        path.unlink()
    elif action == "symlink":  # the file becomes a link to a copy outside the edition (or nowhere)
        target = edition.parents[3] / "outside" / path.name
        target.parent.mkdir(exist_ok=True)
        if not change.get("broken"):
            target.write_bytes(path.read_bytes())
        path.unlink()
        path.symlink_to(target)
    elif action == "csv_to_xlsx":  # a CSV file saved by Excel as a workbook, under another name
        from openpyxl import Workbook

        records, _ = _read_csv(path)
        workbook = Workbook()
        workbook.active.title = change.get("sheet", "Sheet1")
        for record in records:
            workbook.active.append(record)
        workbook.save(edition / change["to"])
    elif action == "hide_row":
        workbook, sheet = _sheet(path, change)
        sheet.row_dimensions[_xlsx_row(sheet, change)].hidden = True
        workbook.save(path)
    elif action == "hide_column":
        from openpyxl.utils import get_column_letter

        workbook, sheet = _sheet(path, change)
        sheet.column_dimensions[get_column_letter(_xlsx_column(sheet, change["column"]))].hidden = True
        workbook.save(path)
    elif action == "insert_sheet_row":  # a row above the header of the figures sheet
        workbook, sheet = _sheet(path, change)
        sheet.insert_rows(1)
        sheet.cell(1, 1).value = change["text"]
        workbook.save(path)
    elif action == "set_coordinate":  # one cell of a workbook by its address, e.g. XFD1048576
        workbook, sheet = _sheet(path, change)
        sheet[change["cell"]] = change["value"]
        workbook.save(path)
    elif action == "hide_sheet":  # another sheet made active first: Excel cannot hide the active sheet
        workbook, sheet = _sheet(path, change)
        workbook.active = next(i for i, ws in enumerate(workbook.worksheets) if ws is not sheet)
        sheet.sheet_state = "hidden"
        workbook.save(path)
    elif action == "merge_cells":
        workbook, sheet = _sheet(path, change)
        sheet.merge_cells(change["cells"])
        workbook.save(path)
    elif action == "copy_sheet":  # a copy of the figures sheet under another name, one cell changed on the original
        workbook, sheet = _sheet(path, change)
        workbook.copy_worksheet(sheet).title = change["to"]
        if "where" in change:
            sheet.cell(_xlsx_row(sheet, change), _xlsx_column(sheet, change["column"])).value = change["value"]
        workbook.save(path)
    elif action == "pad_sheet_xml":  # the sheet's XML padded with spaces: small file, huge when unpacked
        import zipfile

        members = {}
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                members[info.filename] = archive.read(info.filename)
        xml = members["xl/worksheets/sheet1.xml"]
        at = xml.index(b"</sheetData>")
        members["xl/worksheets/sheet1.xml"] = xml[:at] + b" " * change["bytes"] + xml[at:]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in members.items():
                archive.writestr(name, content)
    elif action == "rename_sheet":
        workbook = load_workbook(path)
        workbook[change["sheet"]].title = change["to"]
        workbook.save(path)
    elif action == "values_on_copied_sheet":  # the figures sheet copied, values typed on the copy only
        workbook, sheet = _sheet(path, change)
        copy = workbook.copy_worksheet(sheet)
        copy.title = change["to"]
        column = _xlsx_column(sheet, "value")
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, column).value = None
        workbook.save(path)
    else:
        raise ValueError(f"unknown action {action!r}")


def apply_case(data: Path, case: dict) -> Path:
    """Make the case's changes in the data folder's 2025-26 edition; return the edition folder."""
    edition = Path(data) / EDITION
    for change in case.get("change", []):
        apply_change(edition, change)
    return edition


# --------------------------------------------------------------------------
# Judging the result
# --------------------------------------------------------------------------


@dataclass
class Verdict:
    kind: str  # precise, vague, crash or silent
    why: str
    report: str = ""
    lines: int = 0
    problems: list = field(default_factory=list)


def _matches(problem, expect: dict, edition: Path) -> bool:
    """Whether a problem names the expected file (its path from the edition folder), sheet, row,
    column and words."""
    file = str(problem.file)
    if "file" in expect and not file.endswith(f"camden/{YEAR}/{expect['file']}"):
        return False
    for key in ("sheet", "row", "column"):
        if key in expect and getattr(problem, key) != expect[key]:
            return False
    rule = problem.rule.lower()
    return all(words.lower() in rule for words in expect.get("rule", []))


def _load_like_the_pages(data: Path) -> dict[str, str]:
    """Every figure's text and every list, read as the pages read them; {indicator: text}."""
    from analysis.inputs.edition import PartnershipData

    edition = PartnershipData(YEAR, None, data)
    texts = {}
    for indicator in edition.catalogue.index:
        figure = edition.figure(indicator)
        if figure is not None:
            texts[indicator] = figure.text
            figure.source  # noqa: B018 - reading it is the check (it names the document)
    for list_id in edition.list_catalogue.index:
        edition.items(list_id)
    return texts


def warning_keys(warnings, data: Path) -> set[str]:
    """The warnings as text with the data folder's own path taken out, so that those of the
    filled return set and of a case made from a copy of it can be compared."""
    return {str(warning).replace(str(data), "<data>") for warning in warnings}


def judge(data: Path, case: dict, baseline_warnings: set[str]) -> Verdict:
    """Validate the edition in ``data`` and say how the case came out (see the module's doc)."""
    from analysis.inputs.validate import validate_edition

    try:
        report = validate_edition(YEAR, None, data)
        text = report.format()
    except Exception:  # noqa: BLE001 - a traceback is the finding
        return Verdict("crash", traceback.format_exc(limit=3))
    lines = text.count("\n") + 1
    edition = Path(data) / EDITION
    expect = case.get("expect", {})
    new_warnings = [w for w in report.warnings if not warning_keys([w], data) <= baseline_warnings]
    outcome = case["outcome"]
    if lines > case.get("max_lines", 200):
        return Verdict("vague", f"the report has {lines} lines (at most {case.get('max_lines', 200)})", text, lines)
    if outcome == "refused" and not report.errors:
        return Verdict("silent", "accepted, but should have been refused", text, lines)
    if outcome == "warned" and report.errors:
        return Verdict("vague", "refused, but should have been accepted with a warning", text, lines, report.errors)
    if outcome == "warned" and not new_warnings:
        return Verdict("silent", "accepted without a warning", text, lines)
    if outcome == "accepted" and report.errors:
        return Verdict("vague", "refused, but should have been accepted", text, lines, report.errors)
    if outcome in ("refused", "warned"):
        where = report.warnings if expect.get("kind") == "warning" or outcome == "warned" else report.errors
        if not any(_matches(problem, expect, edition) for problem in where):
            return Verdict("vague", f"no {('warning' if where is report.warnings else 'error')} matches {expect}",
                           text, lines, where)
    if report.errors:
        return Verdict("precise", "refused with the message expected", text, lines)
    try:
        texts = _load_like_the_pages(data)
    except Exception:  # noqa: BLE001 - validation passed but the pages would fail: a crash
        return Verdict("crash", "validation passed, then reading the figures failed:\n"
                       + traceback.format_exc(limit=3), text, lines)
    for indicator, shown in case.get("shown", {}).items():
        if texts.get(indicator) != shown:
            return Verdict("vague", f"{indicator} is shown as {texts.get(indicator)!r}, not {shown!r}", text, lines)
    return Verdict("precise", "accepted" + (" with the warning expected" if outcome == "warned" else ""), text, lines)
