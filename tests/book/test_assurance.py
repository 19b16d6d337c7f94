"""Assurance pages of the built book: reproduction of the report, register of figures,
provenance and data log (the tables themselves are unit tested in tests/unit/test_assurance_pages.py)."""
import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import yaml
from bs4 import BeautifulSoup

from analysis.build.stage import toc_files

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ASSURANCE = "notebooks/assurance"

# Tokens a page may show without registering them: years and dates (exempt by design).
YEAR = r"(?:19|20)\d\d"
EXEMPT = [
    re.compile(rf"^{YEAR}$"),                      # a year: 2024
    re.compile(rf"^{YEAR}-\d\d$"),                  # a financial year: 2024-25
    re.compile(rf"^{YEAR}/\d\d$"),                  # an academic year: 2024/25
]
DATE = re.compile(r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|"
                  r"November|December) " + YEAR + r"\b")


def _page(edition, name):
    return BeautifulSoup((edition.html_dir / ASSURANCE / f"{name}.html").read_text(encoding="utf-8"), "lxml")


def _table(soup, caption) -> pd.DataFrame:
    """The table with this caption, as text cells."""
    table = soup.find("caption", string=caption).find_parent("table")
    headings = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")]
    return pd.DataFrame(rows, columns=headings)


def test_assurance_pages_are_a_part_of_the_table_of_contents_after_methods():
    parts = yaml.safe_load((PROJECT_ROOT / "_toc.yml").read_text(encoding="utf-8"))["parts"]
    assert [part["caption"] for part in parts][-2:] == ["Methods and data", "Assurance"]
    assert [chapter["file"] for chapter in parts[-1]["chapters"]] == [
        f"{ASSURANCE}/{name}" for name in ("reproduction", "claims", "register", "provenance", "data_log")]


def test_book_reproduces_every_report_figure(camden_edition):
    soup = _page(camden_edition, "reproduction")
    results = _table(soup, "Each figure of the report against the book")["Result"]
    figures = pd.read_csv(PROJECT_ROOT / "data/partnerships/camden/2024-25/figures.csv", dtype=str)
    assert len(results) == (figures["status"] == "reported").sum()
    assert set(results) == {"Match"}
    summary = _table(soup, "How many of the report's figures the book reproduces").iloc[0]
    assert summary["Figures the report states"] == summary["Reproduced exactly"] == str(len(results))


def _section_registers(edition) -> pd.DataFrame:
    """Every section page's register as the notebook wrote it, in the order of _toc.yml."""
    entries, _ = toc_files(PROJECT_ROOT / "_toc.yml")
    frames = [pd.read_csv(path, dtype=str, keep_default_na=False)
              for entry in entries if not entry.startswith(ASSURANCE)
              if (path := edition.stage_dir / "_data" / Path(entry).name / "register.csv").exists()]
    assert len(frames) >= 15
    return pd.concat(frames, ignore_index=True)


def test_register_page_lists_every_row_of_every_section_register_in_book_order(camden_edition):
    registers = _section_registers(camden_edition)
    shown = _table(_page(camden_edition, "register"), "Register of figures")
    assert len(shown) == len(registers)
    assert list(zip(shown["Page"], shown["Name"], shown["Text shown"], shown["Source"])) == list(
        zip(registers["page"], registers["name"], registers["text"], registers["source"]))


def test_register_is_published_as_page_and_csv(camden_edition):
    csv_files = list(camden_edition.html_dir.glob("_downloads/*/register-of-figures.csv"))
    assert len(csv_files) == 1
    register = pd.read_csv(csv_files[0], dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(register, _section_registers(camden_edition))
    referrals = register[(register["indicator_id"] == "front_door_referrals") & (register["page"] == "02_front_door")
                         & (register["source_kind"] == "partnership")]
    assert "8,583" in set(referrals["text"])
    assert (referrals["source"].str.startswith("data/partnerships/camden/2024-25/figures.csv row")).all()
    page = _page(camden_edition, "register")
    assert page.find("a", href=re.compile(r"register-of-figures\.csv$"))


def _prose_numbers(soup):
    article = soup.find("article")
    # Not prose: code, tables, charts and the links to their spreadsheets ("... (02_front_door-x.xlsx, 12 KB)").
    for hidden in article.select("div.cell_input, div.analysis-code, details.sources, details.chart-data, table, figure, "
                                 ".toggle-details, .data-download"):
        hidden.decompose()
    text = " ".join(el.get_text(" ", strip=True) for el in article.find_all(["p", "li"]))
    text = DATE.sub(" ", text)
    return re.findall(r"\d[\d,]*(?:\.\d+)?(?:[-/]\d+)?", text)


def test_every_number_in_prose_is_in_the_register(camden_edition):
    """Each number in a page's sentences appears in a registered text on that page."""
    register = pd.read_csv(camden_edition.stage_dir / ASSURANCE / "register-of-figures.csv", dtype=str,
                           keep_default_na=False)
    pages = sorted((camden_edition.html_dir / "notebooks").glob("*.html")) + \
        sorted((camden_edition.html_dir / ASSURANCE).glob("*.html"))
    assert len(pages) >= 21 and not list(camden_edition.html_dir.glob("book/*.html"))
    for path in pages:
        registered = " ".join(register.loc[register["page"] == path.stem, "text"])
        registered_numbers = set(re.findall(r"\d[\d,]*(?:\.\d+)?(?:[-/]\d+)?", registered))
        for number in _prose_numbers(BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")):
            if any(pattern.match(number) for pattern in EXEMPT):
                continue
            assert number in registered_numbers, f"{number} on {path.name} is not in the register"


def test_provenance_page_shows_the_run_manifest(camden_edition):
    manifest = json.loads(camden_edition.manifest_path.read_text(encoding="utf-8"))
    soup = _page(camden_edition, "provenance")
    code = _table(soup, "The code that built this edition").set_index("Item")["Value"]
    assert code["Code version (git commit)"] == str(manifest["git"]["commit"])
    assert code["Uncommitted changes"].startswith("Yes" if manifest["git"]["dirty"] else "No")
    assert code["Build started (UTC)"] == manifest["build_started_utc"]
    packages = _table(soup, "Python and package versions").set_index("Package")["Version"]
    assert packages.to_dict() == {name: str(version) for name, version in manifest["packages"].items()}
    inputs = _table(soup, "Every input file and its SHA-256 fingerprint")
    assert list(inputs["SHA-256"]) == [f["sha256"] for f in manifest["inputs"]["files"]]
    seconds = _table(soup, "How long each notebook took to execute")
    assert list(seconds["Notebook"]) == list(manifest["notebook_seconds"]) and len(seconds) >= 17
    # Each notebook is named by its page's title, as the reader knows it.
    assert list(seconds["Page"][:3]) == ["Key findings", "Context and population", "The children's front door"]
    assert "E09000007" in soup.get_text(" ") and "papermill" in soup.get_text(" ")
    # The manifest download is the run manifest (written before the HTML build took its time).
    link = soup.find("a", href=re.compile(r"manifest\.json$"))
    download = json.loads((camden_edition.html_dir / ASSURANCE / link["href"]).resolve().read_text(encoding="utf-8"))
    assert download == {key: value for key, value in manifest.items() if key != "html_build_seconds"}


def test_data_log_lists_every_national_source_file_with_its_sha256(camden_edition):
    provenance = json.loads((PROJECT_ROOT / "data/national/provenance.json").read_text(encoding="utf-8"))
    sources = _table(_page(camden_edition, "data_log"), "Sources of data")
    listed = dict(zip(sources["Source"], sources["SHA-256"]))
    assert len(provenance["source_files"]) >= 10
    for source in provenance["source_files"]:
        assert listed.get(source["file"]) == source["sha256"], source["file"]
    national = sources[sources["Source"].isin([s["file"] for s in provenance["source_files"]])]
    assert set(national["Version or date"]) == {provenance["import_date"]}


def test_data_log_lists_the_report_and_the_assumptions(camden_edition):
    log = _page(camden_edition, "data_log")
    sources = _table(log, "Sources of data")
    seed = PROJECT_ROOT / "data/partnerships/camden/2024-25/sources/camden-cscp-annual-report-2024-25-scrutiny-committee.txt"
    report = sources[sources["Source"].str.startswith("Camden Safeguarding Children Partnership")]
    assert list(report["SHA-256"]) == [hashlib.sha256(seed.read_bytes()).hexdigest()]
    assumptions = _table(log, "Assumptions and caveats log")
    log_file = pd.read_csv(PROJECT_ROOT / "data/partnerships/camden/assumptions.csv", dtype=str, keep_default_na=False)
    assert list(assumptions["Id"]) == list(log_file["assumption_id"])
    assert "derived_previous_referrals" in set(assumptions["Id"])
