"""The parts of the PDF that need no browser: its options, which parts of the book are
appendices, the cover and the numbered contents (tests/browser/test_pdf.py prints it)."""
from __future__ import annotations

import datetime as dt

import pytest
import yaml

from analysis.build import pdf_contents as contents
from analysis.config import PROJECT_ROOT
from analysis.errors import ParameterError

YEAR = "2024-25"
TITLE = "Camden Safeguarding Children Partnership: annual report 2024-25"
MANIFEST = {
    "title": TITLE,
    "parameters": {"year": YEAR, "area_code": "E09000007", "area_name": "Camden"},
    "build_started_utc": "2025-07-01T09:30:00+00:00",
    "git": {"available": True, "commit": "ee0dce35142c3001bd493a1f66df07f03c3fdbf5", "dirty": False},
}


# --------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------


def test_a_committee_date_is_read_as_year_month_day():
    assert contents.parse_committee_date("2025-09-18") == dt.date(2025, 9, 18)


@pytest.mark.parametrize("bad", ["2025-13-01", "2025-02-30", "18/09/2025", "2025-9-18", "next week", ""])
def test_a_bad_committee_date_is_refused_naming_the_value(bad):
    with pytest.raises(ParameterError) as caught:
        contents.parse_committee_date(bad)
    assert f"--committee-date {bad!r}" in str(caught.value)
    assert "YYYY-MM-DD" in str(caught.value)


def test_options_survive_the_round_trip_through_the_pdf_metadata():
    options = contents.PdfOptions(appendices=True, committee_date="2025-09-18")
    assert contents.PdfOptions.from_json(options.to_json()) == options
    assert contents.PdfOptions.from_json("{}") == contents.PdfOptions()


# --------------------------------------------------------------------------
# Which parts are printed
# --------------------------------------------------------------------------


def test_the_first_part_of_the_book_is_the_report_and_the_later_ones_appendices():
    root, parts = contents.toc_parts(yaml.safe_load((PROJECT_ROOT / "_toc.yml").read_text(encoding="utf-8")))
    assert root == "notebooks/00_key_findings"
    assert [(part.caption, part.appendix) for part in parts] == [
        ("Findings", False), ("Methods and data", True), ("Assurance", True)]
    assert "notebooks/02_front_door" in parts[0].documents
    dropped = contents.left_out(parts, contents.PdfOptions())
    assert "notebooks/90_data_dictionary" in dropped and "notebooks/assurance/register" in dropped
    assert not set(dropped) & set(parts[0].documents)
    assert contents.left_out(parts, contents.PdfOptions(appendices=True)) == []


# --------------------------------------------------------------------------
# Cover
# --------------------------------------------------------------------------


def test_the_cover_names_the_edition_its_version_and_the_meeting():
    cover = contents.cover_html(TITLE, MANIFEST, contents.PdfOptions(committee_date="2025-09-18"),
                                dt.date(2025, 9, 1))
    for expected in ("Camden Safeguarding Children Partnership", "Annual report", "1 April 2024 to 31 March 2025",
                     "Camden (E09000007)", "18 September 2025", "built 1 July 2025", "commit ee0dce35142c",
                     "Printed", "1 September 2025", "appendices on methods, data and assurance are in the online"):
        assert expected in cover, expected
    # The year never breaks across lines.
    assert '<span style="white-space:nowrap">2024-25</span>' in cover
    assert "uncommitted" not in cover
    plain = contents.cover_html(TITLE, {**MANIFEST, "git": {"commit": "abc", "dirty": True}},
                                contents.PdfOptions(appendices=True), dt.date(2025, 9, 1))
    assert "For the meeting on" not in plain and "with uncommitted changes" in plain
    assert "the appendices on methods, data and assurance." in plain


def test_the_cover_of_a_partnership_over_two_authorities_names_each():
    manifest = {**MANIFEST, "parameters": {"year": "2024-25", "area_code": "pan-dorset", "area_name": "Pan-Dorset"},
                "local_authorities": [{"code": "E06000059", "name": "Dorset"},
                                      {"code": "E06000058", "name": "Bournemouth, Christchurch and Poole"}]}
    cover = contents.cover_html("Pan-Dorset Safeguarding Children Partnership: children's safeguarding statistics "
                                "2024-25", manifest, contents.PdfOptions(), dt.date(2025, 9, 1))
    assert "Pan-Dorset: Dorset (E06000059) and Bournemouth, Christchurch and Poole (E06000058)" in cover
    assert "(pan-dorset)" not in cover


# --------------------------------------------------------------------------
# Contents
# --------------------------------------------------------------------------

PARTS = [contents.Part("Findings", ("a", "b"), False), contents.Part("Assurance", ("c",), True)]
FOUND = {"a": {"title": "Alpha", "id": "alpha", "index": 3}, "b": {"title": "Beta", "id": "beta", "index": 5},
         "c": {"title": "Gamma", "id": "gamma", "index": 8}}
ROOT = {"title": "Key findings", "id": "key-findings", "index": 1}


def test_the_contents_lists_the_printed_parts_and_chapters_in_order():
    entries = contents.contents_entries(ROOT, PARTS, FOUND, dropped=["c"])
    assert [(e.title, e.anchor) for e in entries] == [
        ("Key findings", "key-findings"), ("Findings", None), ("Alpha", "alpha"), ("Beta", "beta")]
    with_all = contents.contents_entries(ROOT, PARTS, FOUND, dropped=[])
    assert [e.title for e in with_all][-2:] == ["Assurance", "Gamma"]
    with pytest.raises(ValueError, match="c is in _toc.yml but has no heading"):
        contents.contents_entries(ROOT, PARTS, {k: v for k, v in FOUND.items() if k != "c"}, dropped=[])


def test_page_numbers_go_into_the_same_lines():
    entries = contents.contents_entries(ROOT, PARTS, FOUND, dropped=["c"])
    blank = contents.contents_html(entries)
    numbered = contents.contents_html(entries, {1: 3, 3: 9, 5: 14})
    assert blank.count("<li") == numbered.count("<li") == 4
    assert "<span class='pdf-toc-page'></span>" in blank
    assert "Alpha</span><span class='pdf-toc-leader'></span><span class='pdf-toc-page'>9</span>" in numbered
    assert "href='#beta'" in numbered and ">14</span>" in numbered


def test_heading_pages_come_from_the_bookmarks_even_when_chromium_repeats_words():
    headings = [{"level": 1, "text": "Key findings"}, {"level": 2, "text": "Where Camden stands out"},
                {"level": 2, "text": "Who leads the partnership"}]
    bookmarks = [("Key findings", 3), ("Where Where CamdenCamden stands out stands out", 7),
                 ("Who leads thepartnership", 10)]
    assert contents.heading_pages(headings, bookmarks) == [3, 7, 10]
    with pytest.raises(ValueError, match="3 headings"):
        contents.heading_pages(headings, bookmarks[:2])
    with pytest.raises(ValueError, match="does not match the heading 'Who leads the partnership'"):
        contents.heading_pages(headings, bookmarks[:2] + [("Priorities", 11)])


def test_chapters_that_moved_between_the_prints_are_named():
    entries = contents.contents_entries(ROOT, PARTS, FOUND, dropped=["c"])
    numbers = {1: 3, 3: 9, 5: 14}
    after = [0, 1, 2, 3, 4, 5]
    after[1], after[3], after[5] = 3, 9, 14
    assert contents.moved(entries, numbers, after) == []
    after[5] = 15
    assert contents.moved(entries, numbers, after) == ["Beta: contents says page 14, printed on page 15"]
