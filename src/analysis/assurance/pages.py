"""Assurance pages written into each staged edition after its notebooks have run.

- Provenance: the run manifest as a page (parameters, code version, packages, inputs).
- Register of figures: every value glued into the book, with its source and page (and as CSV).
- Reproduction: does the book reproduce each figure the published report states?
- Data log and assumptions: sources with sha256 and licence, assumptions and caveats.

The pages are Markdown generated from data, added to the staged table of contents.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import yaml

from analysis.config import data_paths
from analysis.inputs.catalogue import load_sections
from analysis.pages.page import REGISTER_COLUMNS
from analysis.present.tables import table_html

ASSURANCE_FOLDER = "assurance"
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10}
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


# --- register of figures ----------------------------------------------------

def collect_register(stage_dir: Path) -> pd.DataFrame:
    """Every page's register of figures, in book order."""
    frames = [pd.read_csv(path, dtype=str, keep_default_na=False)
              for path in sorted((stage_dir / "_data").glob("*/register.csv"))]
    if not frames:
        return pd.DataFrame(columns=REGISTER_COLUMNS)
    return pd.concat(frames, ignore_index=True)[REGISTER_COLUMNS]


# --- reproduction of the published report -----------------------------------

def numbers_stated(text: str) -> list[float]:
    """Numbers a sentence states, in digits or as words: 'six ... 8,583 ... 79.4%' -> [6, 8583, 79.4]."""
    found = [float(n.replace(",", "")) for n in _NUMBER.findall(text)]
    found += [NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in NUMBER_WORDS]
    return found


def number_shown(text: str) -> float | None:
    """The number in the text the book shows: 'about 44,000' -> 44000; 'not supplied' -> None."""
    match = _NUMBER.search(text)
    return float(match.group().replace(",", "")) if match else None


def reproduction_table(register: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """For each figure the report states: the report's words, the book's value, match or not and why."""
    shown = register[register["source_kind"].isin(["partnership", "derived"]) & (register["indicator_id"] != "")]
    rows = []
    for figure in figures[figures["status"] == "reported"].itertuples():
        on_pages = shown[(shown["indicator_id"] == figure.indicator_id) & (shown["period"] == figure.period)]
        stated = numbers_stated(figure.source_quote)
        if on_pages.empty:
            book, pages, verdict = "not shown", "", "Differs: the book does not show this figure"
        else:
            book = on_pages["text"].iloc[0]
            pages = ", ".join(sorted(set(on_pages["page"])))
            value = number_shown(book)
            if value is not None and any(abs(value - s) < 1e-9 for s in stated):
                verdict = "Match"
            else:
                verdict = f"Differs: the book shows {book}; the report's sentence states {', '.join(f'{s:g}' for s in stated)}"
        rows.append({
            "Indicator": figure.indicator_id, "Period": figure.period,
            "Report says": figure.source_quote, "Report section": figure.source_section,
            "Book shows": book, "Pages": pages, "Result": verdict,
        })
    return pd.DataFrame(rows)


def _read_text_csv(path: Path) -> pd.DataFrame:
    """A small CSV as text, whether saved as UTF-8 (with or without a byte-order mark) or by Excel as cp1252."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")


# --- page writing -------------------------------------------------------------

def _page(title: str, intro: str, blocks: list[str]) -> str:
    body = "\n\n".join(blocks)
    return f"# {title}\n\n{intro}\n\n{body}\n"


def _html_block(html_text: str) -> str:
    # A blank-line-free HTML block is passed through by MyST as raw HTML.
    return '<div class="table-wrapper">' + html_text.replace("\n", " ") + "</div>"


def provenance_page(manifest: dict) -> str:
    params = manifest.get("parameters", {})
    git = manifest.get("code", manifest.get("git", {})) or {}
    parameter_rows = pd.DataFrame([{"Parameter": k, "Value": "" if v is None else str(v)} for k, v in params.items()])
    python = manifest.get("python", {})
    code_rows = pd.DataFrame([{"Item": k, "Value": str(v)} for k, v in git.items()]
                             + [{"Item": "python", "Value": str(python.get("version", ""))},
                                {"Item": "build started (UTC)", "Value": str(manifest.get("build_started_utc", ""))}])
    versions = manifest.get("packages", manifest.get("package_versions", {})) or {}
    package_rows = pd.DataFrame([{"Package": k, "Version": str(v)} for k, v in versions.items()])
    inputs = pd.DataFrame(manifest.get("inputs", {}).get("files", []))
    notebook_seconds = manifest.get("notebook_seconds", manifest.get("durations", {})) or {}
    timing_rows = pd.DataFrame([
        {"Notebook": name, "Executed copy": f"[download](../_sources/{name})",
         "Seconds": f"{seconds:.1f}"} for name, seconds in notebook_seconds.items()])
    blocks = [
        "## Parameters", _html_block(table_html(parameter_rows, "Parameters of this edition")),
        "## Code version", _html_block(table_html(code_rows, "The code that built this edition")),
        "## Software", _html_block(table_html(package_rows, "Python and package versions")),
        "## Input files", _html_block(table_html(inputs.rename(columns={"path": "File", "sha256": "SHA-256", "bytes": "Bytes"}),
                                                 "Every input file and its SHA-256 fingerprint")),
        "## Notebooks",
        "Each section's executed notebook can be downloaded from the download button at the top of its page.",
        _html_block(table_html(timing_rows.drop(columns=["Executed copy"]) if not timing_rows.empty else timing_rows,
                               "How long each notebook took to execute")),
        "The whole manifest as JSON: {download}`manifest.json <manifest.json>`.",
    ]
    return _page("Provenance of this edition",
                 "What produced this edition of the book: parameters, code, software and input data.", blocks)


def register_page(register: pd.DataFrame, sections: pd.DataFrame) -> str:
    shown = register.copy()
    titles = dict(zip(sections["notebook"], sections["title"]))
    shown.insert(0, "Page title", shown["page"].map(lambda p: titles.get(p, p)))
    shown = shown.rename(columns={"page": "Page", "name": "Name", "indicator_id": "Indicator", "text": "Text shown",
                                  "raw_value": "Raw value", "unit": "Unit", "period": "Period",
                                  "source_kind": "Kind of source", "source": "Source"})
    return _page(
        "Register of figures",
        "Every value inserted into the text of this book, the exact text shown, its raw value, unit and period, "
        "where it came from and the page it appears on. Download it as {download}`register-of-figures.csv "
        "<register-of-figures.csv>`.",
        [_html_block(table_html(shown, "Register of figures"))],
    )


def reproduction_page(table: pd.DataFrame) -> str:
    matches = int((table["Result"] == "Match").sum()) if not table.empty else 0
    summary = pd.DataFrame([{"Figures the report states": len(table), "Reproduced exactly": matches,
                             "Differ or not shown": len(table) - matches}])
    return _page(
        "Does the book reproduce the published report?",
        "For each figure the published report states, the sentence that states it, the value the book shows "
        "and whether they agree. This table is produced when the book is built, from the transcribed figures "
        "and the register of figures, not written by hand.",
        [_html_block(table_html(summary, "Summary")),
         _html_block(table_html(table, "Each figure of the report against the book"))],
    )


def data_log_page(manifest: dict, data_dir: Path, year: str) -> str:
    documents_path = data_dir / "partnership" / year / "documents.csv"
    hashes = {f["path"]: f["sha256"] for f in manifest.get("inputs", {}).get("files", [])}
    rows = []
    if documents_path.exists():
        for doc in _read_text_csv(documents_path).itertuples():
            source_copies = [p for p in hashes if p.startswith(f"partnership/{year}/sources/")]
            rows.append({"Source": doc.title, "Publisher": doc.publisher, "Version or date": doc.date,
                         "Licence": getattr(doc, "licence", "") or "not stated",
                         "SHA-256": "; ".join(hashes[p] for p in source_copies) or "not kept",
                         "Where": doc.location})
    provenance_path = data_dir / "national" / "provenance.json"
    if provenance_path.exists():
        import json

        provenance = json.loads(provenance_path.read_text(encoding="utf-8"))
        for source in provenance.get("sources", provenance.get("files", [])):
            rows.append({"Source": source.get("file", source.get("file_name", "")),
                         "Publisher": source.get("publication", ""),
                         "Version or date": provenance.get("import_date", provenance.get("imported", "")),
                         "Licence": source.get("licence", provenance.get("licence", "")),
                         "SHA-256": source.get("sha256", ""), "Where": "Explore Education Statistics (DfE)"})
    assumptions_path = data_dir / "reference" / "assumptions.csv"
    assumptions = (pd.read_csv(assumptions_path, dtype=str, keep_default_na=False) if assumptions_path.exists()
                   else pd.DataFrame(columns=["assumption_id", "section", "kind", "statement", "impact"]))
    assumptions = assumptions.rename(columns={"assumption_id": "Id", "section": "Section", "kind": "Kind",
                                              "statement": "Assumption or caveat", "impact": "What it means for the figures"})
    return _page(
        "Data log, assumptions and caveats",
        "Every source of data behind this edition, with its version, licence and fingerprint (a secure hash of the file), and the "
        "assumptions and caveats that apply to the figures, as the government's Quality Assurance of Code "
        "for Analysis and Research asks.",
        ["## Data log", _html_block(table_html(pd.DataFrame(rows), "Sources of data")),
         "## Assumptions and caveats", _html_block(table_html(assumptions, "Assumptions and caveats log"))],
    )


def write_assurance_pages(stage_dir: Path, manifest: dict, year: str, data_dir: Path | None = None) -> list[str]:
    """Write the assurance pages into the staged book and list them in its table of contents."""
    data_dir = data_paths(data_dir).root
    folder = stage_dir / ASSURANCE_FOLDER
    folder.mkdir(exist_ok=True)
    register = collect_register(stage_dir)
    register.to_csv(folder / "register-of-figures.csv", index=False)
    shutil.copyfile(stage_dir / "manifest.json", folder / "manifest.json")
    sections = (load_sections(data_dir) if (data_dir / "reference" / "sections.csv").exists()
                else pd.DataFrame(columns=["section", "position", "notebook", "title"]))
    figures_path = data_dir / "partnership" / year / "figures.csv"
    figures = (pd.read_csv(figures_path, dtype=str, keep_default_na=False) if figures_path.exists()
               else pd.DataFrame(columns=["indicator_id", "period", "status", "source_quote", "source_section"]))
    pages = {
        "reproduction": reproduction_page(reproduction_table(register, figures)),
        "register": register_page(register, sections.reset_index(drop=True)),
        "provenance": provenance_page(manifest),
        "data-log": data_log_page(manifest, data_dir, year),
    }
    for name, text in pages.items():
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    toc_path = stage_dir / "_toc.yml"
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    chapters = [{"file": f"{ASSURANCE_FOLDER}/{name}"} for name in pages]
    if "parts" in toc:
        toc["parts"].append({"caption": "Assurance", "chapters": chapters})
    else:  # a book without parts lists its chapters at the top level
        toc.setdefault("chapters", []).extend(chapters)
    toc_path.write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    return [f"{ASSURANCE_FOLDER}/{name}" for name in pages]
