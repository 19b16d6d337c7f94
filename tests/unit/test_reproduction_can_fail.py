"""The reproduction page can fail: every wrong figure is reported, read against the report itself.

The reproduction table (``analysis.assurance.pages.reproduction_table``) reads each reported
figure's number from the copy of the report kept in ``sources/`` (the number ``quote_number``
names in the sentence ``source_quote`` quotes) and compares with it the number the book shows
and the value transcribed in figures.csv. Here every transcribed figure of the 2024-25 report is
broken in turn, in the transcription and, separately, in the book, and each break must be
reported: the mutation score must be 100%.
"""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis.assurance.edition import report_figures, source_document_files, source_document_texts
from analysis.assurance.pages import (
    NO_QUOTE_NUMBER, NO_TEXT, QUOTE_NOT_FOUND, ReportText, numbers_stated, reproduction_table,
)
from analysis.config import DataPaths
from analysis.errors import InputError
from analysis.inputs.edition import PartnershipData
from analysis.inputs.rules import (
    RULE_QUOTE_NUMBER_BLANK, RULE_QUOTE_NUMBER_NOT_A_NUMBER, RULE_QUOTE_NUMBER_NOT_IN_QUOTE, numbers_written,
    written_number_value,
)
from tests.support.partnerships import write_synthetic_partnership
from tests.unit.test_partnership import REPORT_FIGURES

YEAR, CAMDEN = "2024-25", "E09000007"
DOCUMENT = "cscp-ar-2024-25-scrutiny"


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return report_figures(YEAR, None, CAMDEN)


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return source_document_texts(YEAR, None, CAMDEN)


def _shown(value: str) -> str:
    """A value as the book prints it (thousands separated), from figures.csv's text."""
    number = float(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,}"


def _register(figures: pd.DataFrame, shown: dict[tuple[str, str], str] | None = None) -> pd.DataFrame:
    """A synthetic register: each reported figure glued on one page as figures.csv gives it,
    or as ``shown`` says for the figures it names."""
    shown = shown or {}
    rows = []
    for figure in figures[figures["status"] == "reported"].itertuples():
        text = shown.get((figure.indicator_id, figure.period), _shown(figure.value))
        rows.append({"page": "p", "name": f"{figure.indicator_id}@{figure.period}", "indicator_id": figure.indicator_id,
                     "text": text, "raw_value": text.replace(",", ""), "unit": "", "period": figure.period,
                     "source_kind": "partnership", "source": "figures.csv"})
        # The period the figure covers is glued too (no raw value): it is not the figure.
        rows.append({"page": "p", "name": f"{figure.indicator_id}@{figure.period} period",
                     "indicator_id": figure.indicator_id, "text": figure.period, "raw_value": "", "unit": "",
                     "period": figure.period, "source_kind": "partnership", "source": "figures.csv (period)"})
    return pd.DataFrame(rows)


def _results(register: pd.DataFrame, figures: pd.DataFrame, texts: dict[str, str]) -> dict[tuple[str, str], str]:
    table = reproduction_table(register, figures, report_texts=texts)
    return dict(zip(zip(figures.loc[figures["status"] == "reported", "indicator_id"],
                        figures.loc[figures["status"] == "reported", "period"]), table["Result"]))


def _mutants(value: str, quote: str) -> list[str]:
    """Wrong values for a figure: one more (a slip of the keyboard) and every other number its
    sentence states (the figure next to it: "six ..., five ... and one ...")."""
    right = float(value)
    others = {number.value for number in numbers_written(quote)} - {right}
    return [f"{wrong:g}" for wrong in [right + 1, *sorted(others)]]


def _reported(figures: pd.DataFrame) -> pd.DataFrame:
    return figures[figures["status"] == "reported"]


# --------------------------------------------------------------------------
# The mutation test
# --------------------------------------------------------------------------


def test_every_transcribed_figure_broken_in_turn_is_reported(figures, texts):
    reported = _reported(figures)
    assert len(reported) == 32
    assert set(_results(_register(figures), figures, texts).values()) == {"Match"}, "the unbroken book must match"
    mutants = detected = 0
    missed = []
    for index, figure in reported.iterrows():
        key = (figure.indicator_id, figure.period)
        for wrong in _mutants(figure.value, figure.source_quote):
            # 1. A wrong transcription, which the book then shows (as a real build would).
            broken = figures.copy()
            broken.at[index, "value"] = wrong
            results = _results(_register(broken), broken, texts)
            mutants += 1
            caught = (results[key].startswith("Differs: ") and "a transcription error" in results[key]
                      and all(result == "Match" for other, result in results.items() if other != key))
            detected += caught
            if not caught:
                missed.append(f"figures.csv {key} = {wrong}: {results[key]}")
            # 2. The book shows a wrong number, the transcription is right.
            results = _results(_register(figures, {key: _shown(wrong)}), figures, texts)
            mutants += 1
            caught = (results[key].startswith(f"Differs: the book shows {_shown(wrong)}; the report states ")
                      and all(result == "Match" for other, result in results.items() if other != key))
            detected += caught
            if not caught:
                missed.append(f"book shows {key} = {wrong}: {results[key]}")
    score = f"mutation score: {detected / mutants:.1%} ({detected} of {mutants} mutants of {len(reported)} figures detected)"
    print(score)
    assert detected == mutants and not missed, score + "; missed:\n" + "\n".join(missed)


# --------------------------------------------------------------------------
# The scrutineer's cases
# --------------------------------------------------------------------------

@pytest.mark.parametrize("indicator, period, wrong, report_states", [
    ("rapid_reviews", "2024-25", "6", "five"),           # "six ... leading to five Rapid Reviews and one new LCSPR"
    ("new_lcsprs", "2024-25", "5", "one"),
    ("serious_incident_notifications", "2024-25", "1", "six"),
    ("knife_crime_victims_10_24", "2023", "24", "45"),   # "26 victims aged 10–24 recorded in 2024, down from 45"
    ("knife_crime_victims_10_24", "2024", "45", "26"),
    ("front_door_referrals_change", "2024-25", "8583", "5%"),
])
def test_a_number_next_to_the_figure_in_its_sentence_does_not_match(figures, texts, indicator, period, wrong,
                                                                     report_states):
    key = (indicator, period)
    index = figures.index[(figures["indicator_id"] == indicator) & (figures["period"] == period)][0]
    broken = figures.copy()
    broken.at[index, "value"] = wrong
    assert _results(_register(broken), broken, texts)[key] == (
        f"Differs: the book shows {_shown(wrong)}; figures.csv transcribes it as {wrong} (a transcription error); "
        f"the report states {report_states}")
    assert _results(_register(figures, {key: _shown(wrong)}), figures, texts)[key] == (
        f"Differs: the book shows {_shown(wrong)}; the report states {report_states}")


def test_number_words_are_read_from_the_report():
    assert numbers_stated("submitted six Serious Incident Notifications, leading to five Rapid Reviews and one "
                          "new LCSPR") == [6, 5, 1]
    assert numbers_stated("Twelve reviews, eleven audits and twenty visits; someone, none, often") == [12, 11, 20]
    assert [(n.text, n.value) for n in numbers_written("with 26 victims aged 10–24 recorded in 2024, down from 45")] == [
        ("26", 26), ("10", 10), ("24", 24), ("2024", 2024), ("45", 45)]
    assert written_number_value("five") == 5 and written_number_value("8,583") == 8583
    assert written_number_value("79.4%") == 79.4 and written_number_value("Rapid") is None
    assert written_number_value("five 5") is None


def test_the_report_number_is_the_one_named_in_the_report_text(texts):
    report = ReportText.of(texts[DOCUMENT])
    quote = "submitted six Serious Incident Notifications, leading to five Rapid Reviews and one new LCSPR"
    assert [report.number(quote, named).value for named in ("six", "five", "one")] == [6, 5, 1]
    assert report.number("with 26 victims aged 10–24 recorded in 2024, down from 45 the previous year", "45").text == "45"
    # A quote that starts inside a number: the report's number is the whole of it.
    assert report.number("583 referrals made to the Children's front door", "583") == (
        "Not found: the report's sentence does not state \u201c583\u201d (it states 8,583)")
    # Line breaks, curly or straight apostrophes and dashes do not stop a quote being found.
    assert report.number("There were 8,583 referrals made to the\nChildren\u2019s front door", "8,583").value == 8583


def _one_figure(quote: str, quote_number: str, value: str = "5", document: str = "d") -> pd.DataFrame:
    return pd.DataFrame([{"indicator_id": "rapid_reviews", "period": "2024-25", "value": value, "qualifier": "",
                          "status": "reported", "derivation": "", "document_id": document, "source_section": "12",
                          "source_quote": quote, "quote_number": quote_number}])


def _book_shows(text: str) -> pd.DataFrame:
    return pd.DataFrame([{"page": "p", "name": "n", "indicator_id": "rapid_reviews", "text": text, "raw_value": text,
                          "unit": "count", "period": "2024-25", "source_kind": "partnership", "source": "s"}])


REPORT = "In 2024–25 the partnership submitted six notifications, leading to five Rapid Reviews and one new LCSPR."


def test_a_quote_not_in_the_report_is_not_found():
    table = reproduction_table(_book_shows("5"), _one_figure("leading to five Rapid Reviews and two LCSPRs", "five"),
                               report_texts={"d": REPORT})
    assert table.iloc[0]["Result"] == QUOTE_NOT_FOUND == "Not found: the report does not contain this quote"
    assert table.iloc[0]["Report's number"] == ""


def test_a_named_number_not_in_the_quote_is_not_found():
    table = reproduction_table(_book_shows("5"), _one_figure("leading to five Rapid Reviews", "5"),
                               report_texts={"d": REPORT})
    assert table.iloc[0]["Result"] == "Not found: the report's sentence does not state \u201c5\u201d (it states five)"


def test_no_quote_number_or_no_copy_of_the_report_is_not_checked():
    quote = "leading to five Rapid Reviews"
    assert reproduction_table(_book_shows("5"), _one_figure(quote, ""), report_texts={"d": REPORT}
                              ).iloc[0]["Result"] == NO_QUOTE_NUMBER
    assert reproduction_table(_book_shows("5"), _one_figure(quote, "five"), report_texts={}
                              ).iloc[0]["Result"] == NO_TEXT


def test_every_page_that_shows_a_figure_must_show_the_report_number():
    register = pd.concat([_book_shows("5"), _book_shows("6").assign(page="q")], ignore_index=True)
    row = reproduction_table(register, _one_figure("leading to five Rapid Reviews", "five"),
                             report_texts={"d": REPORT}).iloc[0]
    assert row["Result"] == "Differs: the book shows 6 on q; the report states five"
    assert (row["Book shows"], row["Pages"], row["Report's number"]) == ("5; 6", "p, q", "five")
    shown_nowhere = reproduction_table(_book_shows("5").assign(indicator_id="other"),
                                       _one_figure("leading to five Rapid Reviews", "five"), report_texts={"d": REPORT})
    assert shown_nowhere.iloc[0]["Result"] == "Differs: the book does not show this figure; the report states five"


def test_each_quote_number_is_the_figure_a_person_read_from_the_report(figures):
    # A transcription that named another number of the sentence (quote_number "six" and value 6
    # for the rapid reviews) would agree with itself: the numbers a person read pin it down.
    read = {(indicator, period): value for indicator, period, value, _ in REPORT_FIGURES}
    reported = _reported(figures)
    assert {(f.indicator_id, f.period): written_number_value(f.quote_number) for f in reported.itertuples()} == read


# --------------------------------------------------------------------------
# The source document and the quote_number column of figures.csv
# --------------------------------------------------------------------------


def test_the_report_text_is_the_copy_kept_in_sources():
    files = source_document_files(YEAR, None, CAMDEN)
    assert {document: path.name for document, path in files.items()} == {
        DOCUMENT: "camden-cscp-annual-report-2024-25-scrutiny-committee.txt"}


@pytest.fixture
def synthetic_year(tmp_path):
    shutil.copytree(DataPaths().reference, tmp_path / "reference")
    year_dir = write_synthetic_partnership(tmp_path) / "2030-31"
    year_dir.mkdir(parents=True)
    return tmp_path, year_dir


def test_sources_a_documents_file_column_names(synthetic_year):
    data_dir, year_dir = synthetic_year
    (year_dir / "sources").mkdir()
    (year_dir / "sources" / "report.txt").write_text(REPORT, encoding="utf-8")
    (year_dir / "sources" / "other.txt").write_text("another", encoding="utf-8")
    (year_dir / "documents.csv").write_text("document_id,title,file\nd,The report,report.txt\ne,Other,\n",
                                            encoding="utf-8")
    assert source_document_texts("2030-31", data_dir, "synthetic") == {"d": REPORT}


def test_quote_number_is_required_for_a_reported_quote_and_must_be_in_it(synthetic_year):
    data_dir, year_dir = synthetic_year
    header = "indicator_id,period,value,qualifier,status,derivation,document_id,source_section,source_quote,quote_number\n"
    (year_dir / "figures.csv").write_text(header + "\n".join([
        'rapid_reviews,2030-31,5,,reported,,d,12,"leading to five Rapid Reviews",five',
        'new_lcsprs,2030-31,1,,reported,,d,12,"and one new LCSPR",',
        'serious_incident_notifications,2030-31,6,,reported,,d,12,"submitted six notifications",6',
        'missing_episodes,2030-31,870,,reported,,d,20,"reported missing 870 times",lots',
        'missing_young_people,2030-31,127,,reported,,d,20,"",',
        'front_door_referrals,2030-31,8583,,derived,"worked out",d,13,"There were 8,583 referrals",',
    ]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        PartnershipData("2030-31", "E09000007", data_dir)
    messages = [str(problem) for problem in caught.value.problems]
    file = str(year_dir / "figures.csv")
    assert messages == [
        f"{file}, row 3, column quote_number: {RULE_QUOTE_NUMBER_BLANK}",
        f"{file}, row 4, column quote_number: {RULE_QUOTE_NUMBER_NOT_IN_QUOTE} (the quote states: six) (value: '6')",
        f"{file}, row 5, column quote_number: {RULE_QUOTE_NUMBER_NOT_A_NUMBER} (value: 'lots')",
    ]


def test_figures_without_quotes_need_no_quote_number_column(synthetic_year):
    data_dir, year_dir = synthetic_year
    (year_dir / "figures.csv").write_text(
        "indicator_id,period,value,qualifier,status,derivation,document_id,source_section,source_quote\n"
        "rapid_reviews,2030-31,5,,reported,,d,12,\n", encoding="utf-8")
    data = PartnershipData("2030-31", "E09000007", data_dir)
    assert data.figure("rapid_reviews").value == 5


def test_quoted_figures_without_a_quote_number_column_are_refused_row_by_row(synthetic_year):
    data_dir, year_dir = synthetic_year
    (year_dir / "figures.csv").write_text(
        "indicator_id,period,value,qualifier,status,derivation,document_id,source_section,source_quote\n"
        'rapid_reviews,2030-31,5,,reported,,d,12,"leading to five Rapid Reviews"\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        PartnershipData("2030-31", "E09000007", data_dir)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{year_dir / 'figures.csv'}, row 2, column quote_number: no quote_number column: a reported figure with a "
        "source_quote must say which number of the quote it is, as the quote writes it (8,583, 79.4% or five, say)"]
