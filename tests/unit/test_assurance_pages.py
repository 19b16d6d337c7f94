"""The assurance pages' tables, built from small registers, manifests and provenance records."""
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis.assurance.edition import (
    StagedEdition, collect_register, report_figures, section_notebooks, source_documents,
)
from analysis.assurance.manifest import create_manifest
from analysis.assurance.pages import (
    assumptions_table, code_table, document_sources, input_files_table, national_sources,
    notebook_seconds_table, number_shown, numbers_stated, packages_table, parameters_table,
    register_table, reproduction_summary, reproduction_table, sources_table,
)
from analysis.assurance.reproducibility import normalise_json
from analysis.national.importer import import_national
from analysis.pages.page import REGISTER_COLUMNS
from analysis.present.tables import table_html
from tests.support.partnerships import write_synthetic_partnership

SYNTHETIC_EES = Path(__file__).resolve().parents[1] / "fixtures" / "ees" / "synthetic_valid"


def _register_row(page, name, indicator_id="", text="", period="2024-25", source_kind="partnership"):
    return {"page": page, "name": name, "indicator_id": indicator_id, "text": text, "raw_value": text.replace(",", ""),
            "unit": "count", "period": period, "source_kind": source_kind, "source": "s"}


# --------------------------------------------------------------------------
# Reproduction (what makes it fail: tests/unit/test_reproduction_can_fail.py)
# --------------------------------------------------------------------------

REPORT = {"r": "Section 13. There were 8,583 referrals in 2024-25 (5% increase). The council submitted six "
               "notifications."}


def _figure(indicator_id, quote, quote_number, value, status="reported", section="13"):
    return {"indicator_id": indicator_id, "period": "2024-25", "value": value, "status": status, "document_id": "r",
            "source_quote": quote, "quote_number": quote_number, "source_section": section}


def test_numbers_stated_reads_digits_and_words():
    assert numbers_stated("submitted six Serious Incident Notifications, leading to five Rapid Reviews") == [6, 5]
    assert numbers_stated("There were 8,583 referrals (5% increase)") == [8583, 5]
    assert numbers_stated("with 79.4% of missing episodes") == [79.4]
    assert number_shown("about 44,000") == 44000 and number_shown("not supplied") is None


def test_reproduction_reports_a_difference_with_its_reason():
    register = pd.DataFrame([
        _register_row("p", "a", "x", "8,583"),
        _register_row("p", "b", "y", "8,600"),
    ])
    figures = pd.DataFrame([
        _figure("x", "There were 8,583 referrals", "8,583", "8583"),
        _figure("y", "There were 8,583 referrals", "8,583", "8583"),
        _figure("z", "six notifications", "six", "6", section="12"),
        _figure("w", "", "", "1", status="derived", section="12"),
    ])
    table = reproduction_table(register, figures, report_texts=REPORT).set_index("Figure")  # no titles: the ids
    assert list(table.index) == ["x", "y", "z"]  # derived figures are not the report's
    assert table.at["x", "Result"] == "Match"
    assert table.at["y", "Result"] == "Differs: the book shows 8,600; the report states 8,583"
    assert table.at["z", "Result"] == "Differs: the book does not show this figure; the report states six"
    assert table.at["z", "Report's number"] == "six"
    summary = reproduction_summary(table.reset_index()).iloc[0].to_dict()
    assert summary == {"Figures the report states": 3, "Reproduced exactly": 1, "Differ or not shown": 2}


def test_a_figure_matches_only_the_number_named_not_any_number_in_its_sentence():
    # "There were 8,583 referrals in 2024-25 (5% increase)" states 5 too; a book showing 5 for the
    # referrals, or 2024 from "in 2024-25", is wrong.
    quote = "There were 8,583 referrals in 2024-25 (5% increase)"
    figures = pd.DataFrame([_figure("referrals", quote, "8,583", "8583")])
    for shown, result in (("8,583", "Match"), ("5", "Differs: the book shows 5; the report states 8,583"),
                          ("2,024", "Differs: the book shows 2,024; the report states 8,583")):
        register = pd.DataFrame([_register_row("p", "a", "referrals", shown)])
        assert reproduction_table(register, figures, report_texts=REPORT).iloc[0]["Result"] == result, shown


def test_reproduction_names_figures_and_pages_by_their_titles():
    register = pd.DataFrame([_register_row("02_front_door", "a", "front_door_referrals", "8,583")])
    figures = pd.DataFrame([_figure("front_door_referrals", "8,583 referrals", "8,583", "8583", section="s")])
    row = reproduction_table(register, figures, {"front_door_referrals": "Referrals to the front door"},
                             {"02_front_door": "The children's front door"}, report_texts=REPORT).iloc[0]
    assert (row["Figure"], row["Pages"], row["Report says, in section"]) == (
        "Referrals to the front door", "The children's front door", "“8,583 referrals”, section s")


def test_an_edition_without_transcribed_figures_reproduces_nothing():
    table = reproduction_table(pd.DataFrame(columns=REGISTER_COLUMNS), pd.DataFrame(
        columns=["indicator_id", "period", "status", "source_quote", "source_section"]), report_texts={})
    assert table.empty and "Result" in table.columns
    assert reproduction_summary(table).iloc[0].to_dict() == {
        "Figures the report states": 0, "Reproduced exactly": 0, "Differ or not shown": 0}


# --------------------------------------------------------------------------
# Register of figures: the section pages' registers, in book order
# --------------------------------------------------------------------------

BOOK_ORDER = ["notebooks/00_key_findings.ipynb", "notebooks/92_methods.ipynb", "notebooks/90_data_dictionary.ipynb",
              "notebooks/91_changes.ipynb", "notebooks/assurance/reproduction.ipynb",
              "notebooks/assurance/register.ipynb"]


@pytest.fixture
def registers_dir(tmp_path):
    """A staged edition's _data folder: registers for three sections (none for the data
    dictionary, which glues nothing) and one for an assurance page."""
    data = tmp_path / "stage" / "_data"
    for page, names in [("00_key_findings", ["a", "b"]), ("92_methods", ["c"]), ("91_changes", ["d", "e"]),
                        ("reproduction", ["not a section"])]:
        (data / page).mkdir(parents=True)
        pd.DataFrame([_register_row(page, name) for name in names]).to_csv(data / page / "register.csv", index=False)
    (data / "register").mkdir()
    return data


def test_section_notebooks_leave_out_the_assurance_pages():
    assert section_notebooks({"notebooks": BOOK_ORDER}) == BOOK_ORDER[:4]


def test_register_follows_book_order_not_folder_order(registers_dir):
    register = collect_register(registers_dir, section_notebooks({"notebooks": BOOK_ORDER}))
    assert list(register.columns) == REGISTER_COLUMNS
    assert list(register["name"]) == ["a", "b", "c", "d", "e"]  # 92_methods before 91_changes, as in the book


def test_staged_edition_is_found_from_the_output_folder(registers_dir, monkeypatch):
    monkeypatch.chdir(registers_dir / "register")  # any folder two levels below the stage
    edition = StagedEdition.from_output_dir("../../_data/register")
    assert edition.stage_dir == Path("../..") and edition.registers_dir == Path("../../_data")
    assert (edition.registers_dir / "92_methods" / "register.csv").is_file()
    with pytest.raises(ValueError, match="run in the build"):
        StagedEdition.from_output_dir("")


def test_register_table_names_each_page_and_keeps_every_row(registers_dir):
    register = collect_register(registers_dir, BOOK_ORDER[:4])
    table = register_table(register, {"00_key_findings": "Key findings", "92_methods": "Methods"})
    assert list(table.columns) == ["Page title", "Page", "Name", "Indicator", "Text shown", "Raw value", "Unit",
                                   "Period", "Kind of source", "Source"]
    # A page without a title (none given for 91_changes here) is named by its notebook.
    assert list(table["Page title"]) == ["Key findings", "Key findings", "Methods", "91_changes", "91_changes"]
    assert list(table["Name"]) == list(register["name"])


# --------------------------------------------------------------------------
# Provenance: the keys the run manifest has
# --------------------------------------------------------------------------


@pytest.fixture
def manifest(tmp_path):
    return create_manifest(
        parameters={"year": "2024-25", "area_code": "E09000007", "data_dir": ""},
        inputs={"data_dir": "data", "folders_not_present": [], "files": [
            {"path": "reference/indicators.csv", "sha256": "1" * 64, "bytes": 7181},
            {"path": "partnerships/synthetic/2024-25/sources/report.txt", "sha256": "2" * 64, "bytes": 100},
            {"path": "partnerships/synthetic/2023-24/sources/report.txt", "sha256": "3" * 64, "bytes": 90},
        ]},
        repo_root=tmp_path, build_started="2025-06-30T09:15:02+00:00",
        notebook_seconds={"notebooks/01_context.ipynb": 3.04, "notebooks/92_methods.ipynb": 12.25},
    )


def test_provenance_tables_read_the_manifest(manifest):
    # Parameters and code in words: no Python names, no True/False/None.
    assert parameters_table(manifest).to_dict("records") == [
        {"Parameter": "Edition (financial year)", "Value": "2024-25"}, {"Parameter": "Area code", "Value": "E09000007"},
        {"Parameter": "Data folder", "Value": "the project's data/ folder"}]
    code = dict(zip(code_table(manifest)["Item"], code_table(manifest)["Value"]))
    # tmp_path is no repository
    assert code["Code version (git commit)"].startswith("Not recorded: ") and "not a git working tree" in code[
        "Code version (git commit)"]
    assert code["Build started (UTC)"] == "2025-06-30T09:15:02+00:00" and code["Python"].count(".") == 2
    packages = packages_table(manifest)
    assert list(packages["Package"]) == list(manifest["packages"]) and "pandas" in set(packages["Package"])
    assert list(input_files_table(manifest).columns) == ["File", "SHA-256", "Bytes"]
    assert notebook_seconds_table(manifest, {"01_context": "Context and population"}).to_dict("records") == [
        {"Page": "Context and population", "Notebook": "notebooks/01_context.ipynb", "Seconds": "3.0"},
        {"Page": "92_methods", "Notebook": "notebooks/92_methods.ipynb", "Seconds": "12.2"}]


@pytest.mark.parametrize("dirty, expected", [(False, "No"), (True, "Yes: the SHA-256 of the changes is " + "a" * 64)])
def test_the_code_version_is_said_in_words(manifest, dirty, expected):
    manifest["git"] = {"available": True, "commit": "c" * 40, "dirty": dirty, "note": None,
                       "uncommitted_sha256": "a" * 64 if dirty else None}
    code = code_table(manifest)
    assert code.to_dict("records")[:2] == [{"Item": "Code version (git commit)", "Value": "c" * 40},
                                           {"Item": "Uncommitted changes", "Value": expected}]
    shown = " ".join(code["Value"]) + " ".join(parameters_table(manifest)["Value"])
    assert not {"True", "False", "None"} & set(shown.replace(":", " ").split()), shown


@pytest.mark.parametrize("key, table", [("git", code_table), ("packages", packages_table),
                                        ("notebook_seconds", lambda manifest: notebook_seconds_table(manifest, {}))])
def test_a_manifest_without_a_key_is_an_error_not_an_empty_table(manifest, key, table):
    del manifest[key]
    with pytest.raises(KeyError, match=key):
        table(manifest)


# --------------------------------------------------------------------------
# Data log: the keys the national importer writes
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def provenance(tmp_path_factory):
    """What the importer records about the SYNTHETIC EES files it reads."""
    out = tmp_path_factory.mktemp("national")
    import_national(SYNTHETIC_EES, out, today=date(2025, 7, 1))
    return json.loads((out / "provenance.json").read_text(encoding="utf-8"))


def test_data_log_lists_every_file_the_importer_read_with_its_sha256(provenance):
    table = national_sources(provenance)
    assert len(provenance["source_files"]) >= 4
    assert list(zip(table["Source"], table["SHA-256"])) == [
        (source["file"], source["sha256"]) for source in provenance["source_files"]]
    assert set(table["Version or date"]) == {"2025-07-01"}
    assert set(table["Licence"]) == {"Open Government Licence v3.0"}


def test_a_provenance_record_without_source_files_is_an_error(provenance):
    renamed = {("files" if key == "source_files" else key): value for key, value in provenance.items()}
    with pytest.raises(KeyError, match="source_files"):
        national_sources(renamed)


def test_documents_carry_the_sha256_of_their_copies_kept_for_the_year(manifest, provenance):
    documents = pd.DataFrame([{"document_id": "r", "title": "Annual report", "publisher": "Council",
                               "date": "2025-12-09", "location": "www.example.org", "licence": ""}])
    row = document_sources(documents, manifest["inputs"], "2024-25").iloc[0]
    assert row["SHA-256"] == "2" * 64 and row["Licence"] == "not stated"
    assert document_sources(documents, manifest["inputs"], "2025-26").iloc[0]["SHA-256"] == "not kept"
    table = sources_table(documents, manifest["inputs"], provenance, "2024-25")
    assert list(table["Source"]) == ["Annual report"] + [s["file"] for s in provenance["source_files"]]


def test_assumptions_table_headings():
    log = pd.DataFrame([{"assumption_id": "a1", "section": "front_door", "kind": "caveat", "statement": "s",
                         "impact": "i"}])
    assert assumptions_table(log).to_dict("records") == [
        {"Id": "a1", "Section": "front_door", "Kind": "caveat", "Assumption or caveat": "s",
         "What it means for the figures": "i"}]


def test_year_files_are_read_as_excel_saves_them(tmp_path):
    year = write_synthetic_partnership(tmp_path) / "2025-26"
    year.mkdir(parents=True)
    (year / "documents.csv").write_bytes("document_id,title\nr,Report – 2025\n".encode("cp1252"))
    documents = source_documents("2025-26", tmp_path)
    assert documents.iloc[0]["title"] == "Report – 2025" and documents.iloc[0]["licence"] == ""
    assert report_figures("2025-26", tmp_path).empty  # built from returns: nothing transcribed
    assert source_documents("2026-27", tmp_path).empty


# --------------------------------------------------------------------------
# Rebuilding: the provenance notebook's build times are a declared difference
# --------------------------------------------------------------------------


def _provenance_notebook(manifest) -> dict:
    outputs = [table_html(code_table(manifest), "code"), table_html(notebook_seconds_table(manifest, {}), "seconds"),
               table_html(input_files_table(manifest), "inputs")]
    return {"cells": [{"cell_type": "code", "outputs": [{"output_type": "display_data", "metadata": {},
                                                         "data": {"text/html": html, "text/plain": "HTML"}}]}
                      for html in outputs]}


@pytest.mark.parametrize("relative", ["notebooks/assurance/provenance.ipynb",
                                      "_sources/notebooks/assurance/provenance.ipynb"])
def test_the_provenance_notebook_may_differ_in_build_times_only(manifest, relative):
    published = normalise_json(_provenance_notebook(manifest), relative)
    manifest["build_started_utc"] = "2025-07-01T10:11:12+00:00"
    manifest["notebook_seconds"] = {name: seconds + 1.3 for name, seconds in manifest["notebook_seconds"].items()}
    assert normalise_json(_provenance_notebook(manifest), relative) == published
    manifest["inputs"]["files"][0]["sha256"] = "f" * 64  # an input changed: not a declared difference
    assert normalise_json(_provenance_notebook(manifest), relative) != published
    # Another notebook's outputs are compared in full, clock times included.
    later = manifest | {"build_started_utc": "2025-07-02T08:00:00+00:00"}
    assert (normalise_json(_provenance_notebook(manifest), "notebooks/92_methods.ipynb")
            != normalise_json(_provenance_notebook(later), "notebooks/92_methods.ipynb"))


def test_a_pages_title_is_its_notebooks_first_heading(tmp_path):
    from analysis.assurance.manifest import notebook_title

    def notebook(*cells):
        path = tmp_path / f"{len(list(tmp_path.iterdir()))}_page.ipynb"
        path.write_text(json.dumps({"cells": [{"cell_type": kind, "source": text} for kind, text in cells]}))
        return path

    assert notebook_title(notebook(("code", "# not a heading"), ("markdown", ["Intro\n", "# Key findings\n"]))) == \
        "Key findings"
    assert notebook_title(notebook(("markdown", "## Only a subheading"))) == "1_page"
