"""The committee paper's text: checked, filled from the data, and shaped like the council's paper.

The shape is tested against the paper as submitted (the copy in the edition's sources/):
the same numbered sections in the same order, the same details, and each figure the report
quotes from a section filled into that same section of the made paper.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from analysis.build.committee_paper import FilledPaper, PaperFailed, fill_paper, paper_html, write_docx
from analysis.errors import InputError
from analysis.inputs.committee_paper import paper_path, paper_problems, read_paper
from analysis.inputs.edition import PartnershipData

PROJECT_DATA = Path(__file__).resolve().parents[2] / "data"
SEED = PROJECT_DATA / "partnerships" / "camden" / "2024-25" / "sources" / \
    "camden-cscp-annual-report-2024-25-scrutiny-committee.txt"


@pytest.fixture(scope="module")
def edition():
    return PartnershipData("2024-25", None)


@pytest.fixture(scope="module")
def paper(edition) -> FilledPaper:
    return fill_paper(read_paper(paper_path(edition.folder)), edition)


def _words(heading: str) -> list[str]:
    heading = re.sub(r"\(.*?\)|[^\w\s]", " ", heading.lower())
    return heading.split()


def _seed_sections() -> dict[int, str]:
    """The submitted paper's numbered section headings, by number."""
    found = {}
    for line in SEED.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*(\d{1,2})\.\s+\**([^*]+?)\**\s*(\(|$)", line)
        if match and int(match.group(1)) not in found and int(match.group(1)) == len(found) + 1:
            found[int(match.group(1))] = match.group(2).strip()
    return found


def test_the_camden_paper_has_no_problems(edition):
    source = read_paper(paper_path(edition.folder))
    assert paper_problems(source, edition.catalogue, edition.list_catalogue, edition.figures) == []


def test_the_sections_are_the_submitted_papers_in_the_same_order(paper):
    seed = _seed_sections()
    assert len(seed) == 26
    made = [heading.split(". ", 1) for heading, _ in paper.sections]
    assert [int(number) for number, _ in made] == list(seed)
    for (number, heading), expected in zip(made, seed.values()):
        # The submitted headings' first two words ("The CSCP objectives are to:" -> the, cscp).
        assert _words(heading)[:2] == _words(expected)[:2], (number, heading, expected)


def test_the_details_are_the_submitted_papers(paper):
    seed = SEED.read_text(encoding="utf-8")
    details = paper.details
    assert f"REPORT TITLE: {details['title']}" in seed
    assert f"REPORT OF: {details['report_of']}" in seed
    assert f"FOR SUBMISSION TO: {details['submitted_to']}" in seed
    assert "DATE: 9 December 2025" in seed and str(details["committee_date"]) == "2025-12-09"
    assert details["council"].upper() in seed and f"WARDS: {details['wards']}" in seed
    assert len(details["recommendations"]) == 3


def test_each_quoted_figure_is_filled_into_the_section_it_was_quoted_from(edition, paper):
    sections = {int(heading.split(".")[0]): body for heading, body in paper.sections}
    missing = []
    for row in edition.figures.itertuples():
        if not row.quote_number:
            continue  # derived, not stated by the paper
        number = int(row.source_section.split(".")[0])
        figure = edition.figure(row.indicator_id, row.period)
        if figure.text not in sections[number]:
            missing.append((row.indicator_id, row.period, figure.text, number))
    assert missing == []


def test_the_papers_figures_follow_the_data(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(PROJECT_DATA, data, ignore=shutil.ignore_patterns("national"))
    figures = data / "partnerships" / "camden" / "2024-25" / "figures.csv"
    text = figures.read_text(encoding="utf-8")
    figures.write_text(text.replace("front_door_referrals,2024-25,8583,", "front_door_referrals,2024-25,9917,"),
                       encoding="utf-8")
    edition = PartnershipData("2024-25", None, data)
    made = fill_paper(read_paper(paper_path(edition.folder)), edition)
    contact_service = dict(made.sections)["13. Children and Families Contact Service (Annual Report: section 6)"]
    assert "There were 9,917 referrals" in contact_service and "8,583" not in contact_service


def _problems_after(tmp_path, edition, old, new):
    path = tmp_path / "committee_paper.md"
    text = paper_path(edition.folder).read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return paper_problems(read_paper(path), edition.catalogue, edition.list_catalogue, edition.figures)


@pytest.mark.parametrize("old, new, rule", [
    ("There were {figure:front_door_referrals} referrals", "There were 8,583 referrals", "the figure 8,583 is typed"),
    ("with {figure:missing_episodes_24h_or_less} of missing", "with 79.4% of missing", "the figure 79.4% is typed"),
    ("{figure:early_help_contacts}", "{figure:early_help_contact}", "not in the catalogue"),
    ("{list:review_themes}", "{list:review_theme}", "not in the list catalogue"),
    ("{list:review_themes}", "Themes: {list:review_themes}", "alone on its line"),
    ("{next_year}", "{nxet_year}", "unknown placeholder"),
    ("Since the pandemic", "DOB 03/07/2014. Since the pandemic", "personal data"),
])
def test_a_paper_that_breaks_a_rule_is_refused_at_its_line(tmp_path, edition, old, new, rule):
    problems = _problems_after(tmp_path, edition, old, new)
    assert len(problems) == 1 and rule in problems[0].rule, problems
    line = problems[0].row
    assert line is not None and new in (tmp_path / "committee_paper.md").read_text(encoding="utf-8").splitlines()[line - 1]


@pytest.mark.parametrize("old, new, key, rule", [
    ('wards = "All"\n', "", "wards", "no wards"),
    ('committee_date = "2025-12-09"', 'committee_date = "9 December 2025"', "committee_date", "YYYY-MM-DD"),
    ('wards = "All"', 'wards = "All"\nward = "All"', "ward", "unknown key"),
])
def test_the_details_are_checked_key_by_key(tmp_path, edition, old, new, key, rule):
    problems = _problems_after(tmp_path, edition, old, new)
    assert [(p.column, rule in p.rule) for p in problems] == [(key, True)]


def test_a_paper_without_its_details_or_with_text_before_the_sections_is_refused(tmp_path, edition):
    path = tmp_path / "committee_paper.md"
    path.write_text("## Purpose\n\nText.\n", encoding="utf-8")
    with pytest.raises(InputError, match="must start with its details"):
        read_paper(path)
    text = paper_path(edition.folder).read_text(encoding="utf-8")
    path.write_text(text.replace("\n## Purpose of Report", "\nA stray line.\n\n## Purpose of Report", 1), encoding="utf-8")
    with pytest.raises(InputError, match="text before the first section heading") as error:
        read_paper(path)
    assert error.value.problems[0].row is not None


def test_a_figure_the_edition_lacks_is_named(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(PROJECT_DATA, data, ignore=shutil.ignore_patterns("national"))
    figures = data / "partnerships" / "camden" / "2024-25" / "figures.csv"
    lines = figures.read_text(encoding="utf-8").splitlines(keepends=True)
    figures.write_text("".join(line for line in lines if not line.startswith("ehe_register,")), encoding="utf-8")
    edition = PartnershipData("2024-25", None, data)
    with pytest.raises(PaperFailed, match="ehe_register for 2024/25"):
        fill_paper(read_paper(paper_path(edition.folder)), edition)


def test_the_html_is_one_page_with_a_heading_for_each_section(paper):
    page = paper_html(paper)
    assert '<html lang="en-GB">' in page
    assert page.count("<h1>") == 1
    assert page.count("<h2>") == len(paper.sections) + 2  # and the summary and the recommendations
    assert "<strong>Intersectionality and Identity</strong>" in page
    assert "{" not in page.split("<style>")[0] + page.split("</style>")[1]


def test_the_word_document_has_real_headings_lists_and_its_language(paper, tmp_path):
    from docx import Document

    path = tmp_path / "paper.docx"
    write_docx(paper, path)
    document = Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Summary of report", "Recommendations"] + [heading for heading, _ in paper.sections]
    assert document.core_properties.title == paper.title
    assert document.core_properties.language == "en-GB"
    assert 'w:val="en-GB"' in document.styles.element.xml
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "Intersectionality and Identity: Embedding Social GRACES" in " ".join(bullets)
    assert [p.text for p in document.paragraphs if p.style.name == "List Number"] == paper.details["recommendations"]
    assert [[c.text for c in row.cells] for row in document.tables[0].rows][5] == ["Date", "9 December 2025"]
    assert not any("{" in p.text or "**" in p.text for p in document.paragraphs)
