"""Files as partners really send them: every read problem is a message naming the file and
what to do, never a traceback. The cases are built here from SYNTHETIC bytes."""
from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from analysis.inputs.readers import read_table

HEADER = "indicator_id,period,value\n"
ROW = "front_door_referrals,2025-26,8912\n"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name, data, expected", [
    ("bom_then_cp1252.csv", codecs.BOM_UTF8 + (HEADER + "synthetic,2025-26,“5–6”\n").encode("cp1252"), None),
    ("double_bom.csv", codecs.BOM_UTF8 * 2 + (HEADER + ROW).encode("utf-8"), None),
    ("truncated_utf16.csv", (HEADER + ROW).encode("utf-16")[:-1], "UTF-16 text that is cut short"),
    ("workbook_named_csv.csv", b"PK\x03\x04" + b"\x00" * 40, "an Excel workbook (.xlsx) saved under a .csv name"),
    ("encrypted_named_csv.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "password-protected or old-format"),
    ("semicolons.csv", "indicator_id;period;value\nfront_door_referrals;2025-26;8912\n".encode(), "separated by semicolons"),
    ("tabs.csv", "indicator_id\tperiod\tvalue\nfront_door_referrals\t2025-26\t8912\n".encode(), "separated by tabs"),
    ("title_row.csv", ("Council return 2025-26,,\n" + HEADER + ROW).encode(),
     "the header row (the column names) must be row 1; row 1 looks like a title: 'Council return 2025-26'"),
    ("encrypted.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "password-protected (encrypted)"),
    ("csv_named_xlsx.xlsx", (HEADER + ROW).encode(), "named .xlsx but is not an Excel workbook"),
])
def test_each_awkward_file_is_read_or_refused_with_a_message(tmp_path, name, data, expected):
    table = read_table(_write(tmp_path, name, data))
    messages = [str(problem) for problem in table.problems]
    if expected is None:
        assert messages == [] and [row.values["indicator_id"] for row in table.rows], messages
    else:
        assert len(messages) == 1 and expected in messages[0] and name in messages[0], messages


def test_a_utf8_mark_in_front_of_windows_1252_bytes_reads_the_characters_meant(tmp_path):
    data = codecs.BOM_UTF8 + (HEADER + "synthetic,2025-26,“5–6”\n").encode("cp1252")
    table = read_table(_write(tmp_path, "bom.csv", data))
    assert table.rows[0].values["value"] == "“5–6”"


def test_a_title_row_in_a_workbook_is_named(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "figures"
    sheet.append(["Police return 2025-26"])
    sheet.append(["indicator_id", "period", "value"])
    sheet.append(["front_door_referrals", "2025-26", 8912])
    workbook.save(tmp_path / "police.xlsx")
    (problem,) = read_table(tmp_path / "police.xlsx").problems
    assert "row 1 looks like a title: 'Police return 2025-26'" in str(problem) and "sheet figures" in str(problem)


def _fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix.lower() in (".csv", ".xlsx"))


def test_no_traceback_escapes_from_any_fixture_its_truncations_or_random_bytes(tmp_path):
    """Every CSV and workbook under tests/fixtures, each cut at several points, and random
    bytes under both names: read_table returns rows or problems, and never raises."""
    files = _fixture_files()
    assert len(files) >= 10
    rng = random.Random(2025)  # the same bytes every run
    cases = []
    for path in files:
        data = path.read_bytes()
        for cut in sorted({1, 2, 3, len(data) // 3, len(data) // 2, len(data) - 1}):
            cases.append((f"cut{cut}_{path.name}", data[:cut]))
    for index in range(40):
        noise = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        cases += [(f"random{index}.csv", noise), (f"random{index}.xlsx", noise)]
    for name, data in cases:
        table = read_table(_write(tmp_path, name, data))  # must not raise: rows, problems, or a header alone
        assert all(name in str(problem) for problem in table.problems), name
