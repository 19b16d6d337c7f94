"""Two kinds of edition from one set of notebooks.

* An **annual report** is a partnership's own: its figures and lists for the year, with the
  national statistics as context.
* A **statistics profile** is for an area with no partnership figures: the national
  statistics alone, titled as such, without the pages and sentences that are about a
  report it does not have (no reproduction or reconciliation page, no "not supplied").

A notebook says which kinds show it in its metadata, ``{"analysis": {"editions":
["annual_report"]}}`` (both when it says nothing), and a cell that belongs to only one kind
is tagged ``annual-report`` or ``statistics-profile``. The build stages each notebook for
its edition's kind (:func:`notebook_for_edition`) and drops the pages it does not show from
the staged table of contents (:func:`toc_for_edition`).
"""
from __future__ import annotations

import copy
from typing import Any

from analysis.vocabulary import ANNUAL_REPORT, EDITION_KINDS, STATISTICS_PROFILE

# The cell tag that keeps a cell in one kind of edition only.
CELL_TAGS = {ANNUAL_REPORT: "annual-report", STATISTICS_PROFILE: "statistics-profile"}


def check_kind(kind: str) -> str:
    if kind not in EDITION_KINDS:
        raise ValueError(f"an edition is one of {', '.join(EDITION_KINDS)}; got {kind!r}")
    return kind


def shown_in(notebook: dict[str, Any], kind: str) -> bool:
    """Whether the notebook's page is in this kind of edition (its metadata
    ``analysis.editions``; every kind when it names none)."""
    editions = (notebook.get("metadata", {}).get("analysis") or {}).get("editions")
    if editions is None:
        return True
    unknown = [name for name in editions if name not in EDITION_KINDS]
    if unknown:
        raise ValueError(f"metadata analysis.editions names {', '.join(map(repr, unknown))}; "
                         f"the kinds of edition are {', '.join(EDITION_KINDS)}")
    return check_kind(kind) in editions


def notebook_for_edition(notebook: dict[str, Any], kind: str) -> dict[str, Any]:
    """The notebook without the cells tagged for the other kind of edition."""
    other = CELL_TAGS[STATISTICS_PROFILE if check_kind(kind) == ANNUAL_REPORT else ANNUAL_REPORT]
    kept = copy.deepcopy(notebook)
    kept["cells"] = [cell for cell in notebook["cells"]
                     if other not in (cell.get("metadata", {}).get("tags") or [])]
    return kept


def toc_for_edition(toc: dict[str, Any], left_out: set[str]) -> dict[str, Any]:
    """The table of contents without the pages in ``left_out`` (toc entries such as
    'notebooks/13_reconciliation'), and without any part left with no chapters."""
    toc = copy.deepcopy(toc)
    if toc.get("root") in left_out:
        raise ValueError(f"the book's first page, {toc['root']}, cannot be left out of an edition")
    parts = []
    for part in toc.get("parts", []):
        chapters = [chapter for chapter in part.get("chapters", []) if chapter.get("file") not in left_out]
        if chapters:
            parts.append({**part, "chapters": chapters})
    if "parts" in toc:
        toc["parts"] = parts
    if "chapters" in toc:
        toc["chapters"] = [chapter for chapter in toc["chapters"] if chapter.get("file") not in left_out]
    return toc
