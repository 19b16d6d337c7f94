"""Annual reports and statistics profiles from the same notebooks: pages and cells by kind."""
import json

import pytest
import yaml

from analysis.build.edition_kind import notebook_for_edition, shown_in, toc_for_edition
from analysis.config import PROJECT_ROOT
from analysis.vocabulary import ANNUAL_REPORT, STATISTICS_PROFILE


def _cell(text, *tags):
    return {"cell_type": "markdown", "metadata": {"tags": list(tags)}, "source": text}


NOTEBOOK = {"metadata": {}, "cells": [_cell("both"), _cell("report", "annual-report"),
                                      _cell("profile", "statistics-profile", "hide-input")]}


def test_each_kind_keeps_its_own_cells_and_the_shared_ones():
    assert [c["source"] for c in notebook_for_edition(NOTEBOOK, ANNUAL_REPORT)["cells"]] == ["both", "report"]
    assert [c["source"] for c in notebook_for_edition(NOTEBOOK, STATISTICS_PROFILE)["cells"]] == ["both", "profile"]
    assert len(NOTEBOOK["cells"]) == 3  # the notebook itself is not changed


def test_a_page_is_in_every_kind_unless_its_metadata_says_otherwise():
    assert shown_in(NOTEBOOK, STATISTICS_PROFILE) and shown_in(NOTEBOOK, ANNUAL_REPORT)
    report_only = {"metadata": {"analysis": {"editions": ["annual_report"]}}, "cells": []}
    assert shown_in(report_only, ANNUAL_REPORT) and not shown_in(report_only, STATISTICS_PROFILE)
    with pytest.raises(ValueError, match="'annual report'"):
        shown_in({"metadata": {"analysis": {"editions": ["annual report"]}}}, ANNUAL_REPORT)
    with pytest.raises(ValueError, match="an edition is one of"):
        notebook_for_edition(NOTEBOOK, "profile")


def test_the_toc_loses_left_out_pages_and_empty_parts():
    toc = {"format": "jb-book", "root": "notebooks/00",
           "parts": [{"caption": "Findings", "chapters": [{"file": "notebooks/01"}, {"file": "notebooks/13"}]},
                     {"caption": "Only report", "chapters": [{"file": "notebooks/12"}]}]}
    kept = toc_for_edition(toc, {"notebooks/13", "notebooks/12"})
    assert kept["parts"] == [{"caption": "Findings", "chapters": [{"file": "notebooks/01"}]}]
    with pytest.raises(ValueError, match="first page"):
        toc_for_edition(toc, {"notebooks/00"})


def test_a_profile_leaves_out_the_pages_about_the_partnerships_report():
    # The book's own notebooks: the reproduction and reconciliation pages are about the
    # partnership's report, so a statistics profile has neither.
    toc = yaml.safe_load((PROJECT_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    entries = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    in_profile = {entry for entry in entries
                  if shown_in(json.loads((PROJECT_ROOT / f"{entry}.ipynb").read_text(encoding="utf-8")),
                              STATISTICS_PROFILE)}
    assert "notebooks/assurance/reproduction" not in in_profile
    assert "notebooks/13_reconciliation" not in in_profile
    assert {"notebooks/00_key_findings", "notebooks/06_children_missing", "notebooks/assurance/provenance"} <= in_profile


def test_every_cell_tag_in_the_notebooks_is_one_the_build_knows():
    # A misspelt edition tag ("annual_report" for "annual-report") would silently put a
    # cell in both kinds of edition.
    known = {"parameters", "hide-input", "annual-report", "statistics-profile"}
    used = {}
    for path in sorted((PROJECT_ROOT / "notebooks").rglob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for tag in cell.get("metadata", {}).get("tags", []):
                used.setdefault(tag, path.name)
    assert {"annual-report", "statistics-profile"} <= set(used)
    assert {tag: page for tag, page in used.items() if tag not in known} == {}
