"""No record-level data about children reaches the published site.

The person-level values below are SYNTHETIC: SW1A 1AA is a public, non-residential
postcode; 999 000 0018 is in the NHS's range of test numbers; the UPN is made up.
"""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from analysis.assurance import privacy
from analysis.assurance.privacy import nhs_number_is_valid, scan_edition, scan_text

YEAR = "2024-25"
AREA = "E09000007"
REGISTER_HEADER = "page,name,indicator_id,text,raw_value,unit,period,source_kind,source\n"


def _notebook(outputs: list[dict]) -> str:
    return json.dumps({"cells": [{"cell_type": "code", "source": "table", "metadata": {},
                                  "outputs": outputs}], "metadata": {}}, indent=1)


@pytest.fixture
def synthetic_edition(tmp_path):
    """A SYNTHETIC published folder with one problem of each kind."""
    folder = tmp_path / "edition"
    (folder / "notebooks").mkdir(parents=True)
    (folder / "_sources" / "notebooks").mkdir(parents=True)
    (folder / "notebooks" / "assurance").mkdir()
    (folder / "notebooks" / "02_front_door.html").write_text(
        "<html><body>\n<p>Referrals</p>\n<table><tr><th>Area</th><th>Referrals</th></tr>\n"
        "<tr><td>SW1A 1AA</td><td>12</td></tr></table>\n</body></html>\n")
    (folder / "downloads.csv").write_text("area,count\nCamden,12\nx,999 000 0018\n")
    (folder / "_sources" / "notebooks" / "04_child_protection.ipynb").write_text(_notebook([{
        "output_type": "execute_result", "execution_count": 1, "metadata": {},
        "data": {"text/html": "<table><thead><tr><th>child</th><th>date_of_birth</th></tr></thead></table>",
                 "text/plain": "   child date_of_birth\n0      a        x"},
    }]))
    (folder / "notebooks" / "assurance" / "register-of-figures.csv").write_text(
        REGISTER_HEADER
        + "04_child_protection,cp_total,cp_total,350,350,count,2024-25,partnership,figures.csv row 2\n"
        + "04_child_protection,cp_small,cp_small,3,3,count,2024-25,record_level,case records\n")
    return folder


def _by_file(findings):
    found: dict[str, list[privacy.Finding]] = {}
    for finding in findings:
        found.setdefault(finding.file, []).append(finding)
    return found


def test_each_kind_of_record_level_data_is_reported_with_file_and_line(synthetic_edition):
    found = _by_file(scan_edition(synthetic_edition))
    assert set(found) == {"notebooks/02_front_door.html", "downloads.csv",
                          "_sources/notebooks/04_child_protection.ipynb", "notebooks/assurance/register-of-figures.csv"}
    postcode, = found["notebooks/02_front_door.html"]
    assert postcode.line == 4 and "UK postcode" in postcode.what and "SW1A" in postcode.what
    assert "1AA" not in postcode.what  # the message does not repeat the whole value
    nhs, = found["downloads.csv"]
    assert nhs.line == 3 and "NHS number" in nhs.what
    notebook = found["_sources/notebooks/04_child_protection.ipynb"]
    assert notebook and all("date_of_birth" in f.what and f.where == "cell 1, output 1" for f in notebook)
    assert all(f.line is not None for f in notebook)
    register, = found["notebooks/assurance/register-of-figures.csv"]
    assert register.line == 3 and "small count (3)" in register.what and "cp_small" in register.what
    message = privacy.failure_message(scan_edition(synthetic_edition), f"{AREA} {YEAR}")
    assert "notebooks/02_front_door.html, line 4: a UK postcode" in message
    assert "downloads.csv, line 3: an NHS number" in message


def test_stage_registers_are_checked(tmp_path):
    edition = tmp_path / "html"
    edition.mkdir()
    (edition / "index.html").write_text("<p>Nothing here</p>")
    register = tmp_path / "stage" / "_data" / "06_children_missing" / "register.csv"
    register.parent.mkdir(parents=True)
    register.write_text(REGISTER_HEADER
                        + "06,a,,0,0,count,2024-25,record_level,case records\n"
                        + "06,b,,6,6,count,2024-25,record_level,case records\n"
                        + "06,c,,4.0,4.0,percentage,2024-25,record_level,case records\n"
                        + "06,d,,5,5,count,2024-25,record_level,case records\n")
    findings = scan_edition(edition, stage_dir=tmp_path / "stage")
    assert [(f.file, f.line) for f in findings] == [("stage: _data/06_children_missing/register.csv", 5)]


@pytest.mark.parametrize("text, expected", [
    ("<th>Postcode</th>", "postcode"),
    ("<th>Unique pupil number</th>", "unique pupil number"),
    ("<th scope='col'>NHS number</th>", "NHS number"),
    ("<th>Surname</th>", "name"),
    ("<p>Pupil A123456789012 was</p>", "unique pupil number"),
    ("<p>DOB: 03/04/2015</p>", "date of birth"),
    ("<p>born on 3 March 2014</p>", "date of birth"),
    ("<p>NHS 999-000-0018</p>", "NHS number"),
])
def test_person_level_html(text, expected):
    findings = scan_text(text, "page.html")
    assert len(findings) == 1 and expected in findings[0].what


@pytest.mark.parametrize("text", [
    "<p>There were 8,583 referrals in 2024-25 (E09000007).</p>",
    "<p>The partnership does not publish postcode or date of birth data.</p>",
    "<p>Children born in 2014 started school in 2018.</p>",
    "<p>Call 020 7974 3317 or 9990000017.</p>",  # 9990000017 fails the NHS check digit
    '<img src="data:image/png;base64,iVBORw0KGgoSW1A1AA9990000018AAAA">',
    "<p>sw1a 1aa</p>",  # not written as a postcode
    "<td>Referrals</td><td>3</td>",  # a small count without a record-level source is not flagged here
])
def test_no_false_positives(text):
    assert scan_text(text, "page.html") == []


def test_csv_downloads_embedded_in_pages_are_scanned():
    csv_text = "Area,NHS number\nCamden,9990000018\n"
    page = f'<p><a download="x.csv" href="data:text/csv;charset=utf-8,{quote(csv_text)}">CSV</a></p>'
    findings = scan_text(page, "notebooks/01_context.html")
    assert {f.what.split(" (")[0] for f in findings} >= {"a person-level field 'NHS number'", "an NHS number"}
    assert all(f.where.startswith("CSV download") for f in findings)


def test_theme_assets_are_not_scanned(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "vendor.js").write_text('var demo = "SW1A 1AA 9990000018";')
    assert scan_edition(tmp_path) == []


def test_nhs_check_digit():
    assert nhs_number_is_valid("943 476 5919")
    assert nhs_number_is_valid("9990000018")
    assert not nhs_number_is_valid("9990000017")
    assert not nhs_number_is_valid("0000000000")


# --------------------------------------------------------------------------
# Sphinx's search index
# --------------------------------------------------------------------------

# Synthetic: "2024116108" is how Sphinx indexes a table row "2024 | 116 | 108" (the digits of
# neighbouring cells run together); it happens to pass the NHS number checksum.
GLUED_DIGITS = "2024116108"


def _search_index(title: str) -> str:
    index = {"alltitles": {title: [[0, None]]}, "docnames": ["notebooks/01_context"],
             "terms": {GLUED_DIGITS: 4, "plan": [1, 2]}, "titleterms": {GLUED_DIGITS: 4}, "titles": [title]}
    return "Search.setIndex(" + json.dumps(index) + ")"


def test_digits_the_search_index_runs_together_are_not_taken_for_an_nhs_number():
    from analysis.person_level import nhs_number_is_valid

    assert nhs_number_is_valid(GLUED_DIGITS)  # so a plain text scan would report it
    assert privacy.scan_text(_search_index("Context"), "searchindex.js") == []
    assert privacy.scan_text(_search_index("Context"), "other.js") != []


def test_the_search_index_titles_are_still_scanned():
    findings = privacy.scan_text(_search_index(f"Child {GLUED_DIGITS}, SW1A 1AA"), "searchindex.js")
    assert {finding.what.split(" (")[0] for finding in findings} == {"a UK postcode", "an NHS number"}


def test_a_search_index_sphinx_did_not_write_is_scanned_as_text():
    findings = privacy.scan_text(f"var index = '{GLUED_DIGITS}';", "searchindex.js")
    assert [finding.what.split(" (")[0] for finding in findings] == ["an NHS number"]
