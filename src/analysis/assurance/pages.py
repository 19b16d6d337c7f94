"""The tables of the assurance pages, built from data given to them.

The four assurance notebooks (``notebooks/assurance/``) read the staged edition and its
inputs (``analysis.assurance.edition``) and show these tables:

- Reproduction: does the book reproduce each figure the published report states?
- Register of figures: every value glued into the book, with its source and page.
- Provenance: the run manifest (parameters, code version, packages, inputs, timings).
- Data log: every source of data with its version, licence and sha256; the assumptions log.

Every function here takes data (a register, a manifest, the importer's provenance record)
and returns a table, so each can be tested without building the book.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

# --------------------------------------------------------------------------
# Reproduction of the published report
# --------------------------------------------------------------------------

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10}
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def numbers_stated(text: str) -> list[float]:
    """Numbers a sentence states, in digits or as words: 'six ... 8,583 ... 79.4%' -> [6, 8583, 79.4]."""
    found = [float(n.replace(",", "")) for n in _NUMBER.findall(text)]
    found += [NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in NUMBER_WORDS]
    return found


def number_shown(text: str) -> float | None:
    """The number in the text the book shows: 'about 44,000' -> 44000; 'not supplied' -> None."""
    match = _NUMBER.search(text)
    return float(match.group().replace(",", "")) if match else None


REPRODUCTION_COLUMNS = ["Figure", "Period", "Report says, in section", "Book shows", "Pages", "Result"]


def reproduction_table(register: pd.DataFrame, figures: pd.DataFrame, indicator_titles: dict[str, str] | None = None,
                       page_titles: dict[str, str] | None = None) -> pd.DataFrame:
    """For each figure the report states: the report's words, the book's value, match or not and
    why. Each figure is named by its indicator's title (its id without a title) and each page
    by its own title; the report's words are followed by the section they are in."""
    indicator_titles, page_titles = indicator_titles or {}, page_titles or {}
    shown = register[register["source_kind"].isin(["partnership", "derived"]) & (register["indicator_id"] != "")]
    rows = []
    for figure in figures[figures["status"] == "reported"].itertuples():
        on_pages = shown[(shown["indicator_id"] == figure.indicator_id) & (shown["period"] == figure.period)]
        stated = numbers_stated(figure.source_quote)
        if on_pages.empty:
            book, pages, verdict = "not shown", "", "Differs: the book does not show this figure"
        else:
            book = on_pages["text"].iloc[0]
            pages = ", ".join(page_titles.get(page, page) for page in sorted(set(on_pages["page"])))
            value = number_shown(book)
            # The book's number must be the figure transcribed from the report, and the report's
            # sentence must state it: a sentence states other numbers too ("8,583 referrals, a 5%
            # increase", "2024-25"), and matching any of them would pass a wrong figure.
            transcribed = float(figure.value) if str(getattr(figure, "value", "")).strip() else None
            expected = [transcribed] if transcribed is not None else stated
            if (value is not None and any(abs(value - e) < 1e-9 for e in expected)
                    and any(abs(value - s) < 1e-9 for s in stated)):
                verdict = "Match"
            elif transcribed is not None:
                verdict = f"Differs: the book shows {book}; the report states {transcribed:g}"
            else:
                verdict = f"Differs: the book shows {book}; the report's sentence states {', '.join(f'{s:g}' for s in stated)}"
        rows.append({
            "Figure": indicator_titles.get(figure.indicator_id, figure.indicator_id), "Period": figure.period,
            "Report says, in section": f"“{figure.source_quote}”, section {figure.source_section}",
            "Book shows": book, "Pages": pages, "Result": verdict,
        })
    return pd.DataFrame(rows, columns=REPRODUCTION_COLUMNS)


def reproduction_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row: how many figures the report states, how many the book reproduces exactly."""
    matches = int((table["Result"] == "Match").sum())
    return pd.DataFrame([{"Figures the report states": len(table), "Reproduced exactly": matches,
                          "Differ or not shown": len(table) - matches}])


# --------------------------------------------------------------------------
# Register of figures
# --------------------------------------------------------------------------

REGISTER_HEADINGS = {"page": "Page", "name": "Name", "indicator_id": "Indicator", "text": "Text shown",
                     "raw_value": "Raw value", "unit": "Unit", "period": "Period",
                     "source_kind": "Kind of source", "source": "Source"}


def register_table(register: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    """The register as the page shows it: each row with its page's title first (``titles``
    maps a notebook's name to its page's title, as StagedEdition.page_titles gives them)."""
    shown = register.rename(columns=REGISTER_HEADINGS)
    shown.insert(0, "Page title", register["page"].map(titles).fillna(register["page"]))
    return shown


# --------------------------------------------------------------------------
# Provenance: the run manifest (analysis.assurance.manifest) as tables
# --------------------------------------------------------------------------


PARAMETER_LABELS = {
    "year": "Edition (financial year)",
    "area_code": "Area code",
    "area_name": "Area",
    "jobs": "Notebooks executed at the same time",
    "data_dir": "Data folder",
}


def parameters_table(manifest: dict) -> pd.DataFrame:
    """The parameters the edition was built with, in words ('Data folder: the project's data/
    folder' when none was given)."""
    rows = []
    for name, value in manifest["parameters"].items():
        if name == "data_dir" and not value:
            value = "the project's data/ folder"
        rows.append({"Parameter": PARAMETER_LABELS.get(name, name.replace("_", " ")),
                     "Value": "" if value is None else str(value)})
    return pd.DataFrame(rows, columns=["Parameter", "Value"])


def code_table(manifest: dict) -> pd.DataFrame:
    """The code's version (git commit and whether it had uncommitted changes), the Python
    version and when the build started, in words."""
    git = manifest["git"]
    if git.get("available"):
        rows = [{"Item": "Code version (git commit)", "Value": str(git.get("commit") or "")}]
        if git.get("dirty"):
            rows.append({"Item": "Uncommitted changes", "Value": "Yes: the SHA-256 of the changes is "
                                                                 f"{git.get('uncommitted_sha256') or 'not recorded'}"})
        else:
            rows.append({"Item": "Uncommitted changes", "Value": "No"})
    else:
        rows = [{"Item": "Code version (git commit)",
                 "Value": f"Not recorded: {git.get('note') or 'the code was not in a git working tree'}"}]
    rows += [{"Item": "Python", "Value": manifest["python"]["version"]},
             {"Item": "Build started (UTC)", "Value": manifest["build_started_utc"]}]
    return pd.DataFrame(rows, columns=["Item", "Value"])


def packages_table(manifest: dict) -> pd.DataFrame:
    return pd.DataFrame([{"Package": name, "Version": str(version)}
                         for name, version in manifest["packages"].items()], columns=["Package", "Version"])


def input_files_table(manifest: dict) -> pd.DataFrame:
    files = pd.DataFrame(manifest["inputs"]["files"], columns=["path", "sha256", "bytes"])
    return files.rename(columns={"path": "File", "sha256": "SHA-256", "bytes": "Bytes"})


def notebook_seconds_table(manifest: dict, titles: dict[str, str]) -> pd.DataFrame:
    """How long each page's notebook took to execute: the page's title, its notebook, seconds."""
    return pd.DataFrame([{"Page": titles.get(Path(name).stem, Path(name).stem), "Notebook": name,
                          "Seconds": f"{seconds:.1f}"}
                         for name, seconds in manifest["notebook_seconds"].items()],
                        columns=["Page", "Notebook", "Seconds"])


# --------------------------------------------------------------------------
# Data log and assumptions
# --------------------------------------------------------------------------

SOURCE_COLUMNS = ["Source", "Publisher", "Version or date", "Licence", "SHA-256", "Where"]
NATIONAL_SOURCES_WHERE = "Explore Education Statistics (DfE)"


def document_sources(documents: pd.DataFrame, manifest: dict, year: str) -> pd.DataFrame:
    """The edition's source documents (documents.csv), each with the sha256 of the copies kept in
    the year's sources/ folder (the run manifest hashed every input file)."""
    # The manifest hashes the edition's own partnership folder only: partnerships/<id>/<year>/sources/.
    kept = [f["sha256"] for f in manifest["inputs"]["files"]
            if re.match(rf"partnerships/[^/]+/{re.escape(year)}/sources/", f["path"])]
    return pd.DataFrame([{
        "Source": doc.title, "Publisher": doc.publisher, "Version or date": doc.date,
        "Licence": doc.licence or "not stated", "SHA-256": "; ".join(kept) or "not kept", "Where": doc.location,
    } for doc in documents.itertuples()], columns=SOURCE_COLUMNS)


def national_sources(provenance: dict) -> pd.DataFrame:
    """Every file the national importer read (its provenance.json), with its sha256 and licence."""
    return pd.DataFrame([{
        "Source": source["file"], "Publisher": source["publication"],
        "Version or date": provenance["import_date"], "Licence": source["licence"],
        "SHA-256": source["sha256"], "Where": NATIONAL_SOURCES_WHERE,
    } for source in provenance["source_files"]], columns=SOURCE_COLUMNS)


def sources_table(documents: pd.DataFrame, manifest: dict, provenance: dict, year: str) -> pd.DataFrame:
    """The data log: the partnership's source documents, then the national statistics files."""
    return pd.concat([document_sources(documents, manifest, year), national_sources(provenance)],
                     ignore_index=True)


ASSUMPTION_HEADINGS = {"assumption_id": "Id", "section": "Section", "kind": "Kind",
                       "statement": "Assumption or caveat", "impact": "What it means for the figures"}


def assumptions_table(assumptions: pd.DataFrame) -> pd.DataFrame:
    return assumptions[list(ASSUMPTION_HEADINGS)].rename(columns=ASSUMPTION_HEADINGS)
