"""The reference data: indicator and list catalogues, sections and key findings
(``data/reference/``), and a partnership's assumptions log (its folder under
``data/partnerships/``), each read and checked. Its reconciliation pairs are read by
:mod:`analysis.pages.reconcile`."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.inputs.partnership import edition_data_paths
from analysis.config import data_paths, display_path
from analysis.errors import InputError, InputProblem
from analysis.vocabulary import PERIOD_TYPES, POLARITIES, UNITS

CATALOGUE_COLUMNS = [
    "indicator_id", "section", "title", "definition", "unit",
    "period_type", "polarity", "source_type", "partner", "required",
]


def read_reference_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    """A reference CSV as text cells; InputError when it is missing or lacks a column."""
    if not path.exists():
        raise InputError([InputProblem(display_path(path), "file not found")])
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError([InputProblem(display_path(path), "required column missing", column=c) for c in missing])
    return table


def load_catalogue(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The partnership indicator catalogue, checked, indexed by indicator_id."""
    path = data_paths(data_dir).reference / "indicators.csv"
    table = read_reference_csv(path, CATALOGUE_COLUMNS)
    problems = []
    for offset, row in table.iterrows():
        line = offset + 2
        for column, allowed in (("unit", UNITS), ("period_type", PERIOD_TYPES), ("polarity", POLARITIES)):
            if row[column] not in allowed:
                problems.append(InputProblem(display_path(path), f"must be one of {sorted(allowed)}", line, column,
                                             row[column]))
        if row["required"] not in ("yes", "no"):
            problems.append(InputProblem(display_path(path), "must be yes or no", line, "required", row["required"]))
    duplicated = table["indicator_id"].duplicated(keep="first")
    for offset in table.index[duplicated]:
        problems.append(InputProblem(display_path(path), "indicator_id appears more than once", offset + 2,
                                     "indicator_id", table.at[offset, "indicator_id"]))
    if problems:
        raise InputError(problems)
    return table.set_index("indicator_id", drop=False)


def load_list_catalogue(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The qualitative lists a partnership supplies each year (priorities, themes, ...)."""
    path = data_paths(data_dir).reference / "lists.csv"
    table = read_reference_csv(path, ["list_id", "section", "title", "description", "partner", "required"])
    return table.set_index("list_id", drop=False)


def load_sections(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The report sections in book order, with their notebook names."""
    path = data_paths(data_dir).reference / "sections.csv"
    table = read_reference_csv(path, ["section", "position", "notebook", "title"])
    table["position"] = table["position"].astype(int)
    return table.sort_values("position").set_index("section", drop=False)


def load_key_findings(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The front page's key findings, in their order."""
    path = data_paths(data_dir).reference / "key_findings.csv"
    table = read_reference_csv(path, ["position", "indicator_id", "source", "headline"])
    table["position"] = table["position"].astype(int)
    return table.sort_values("position")


def load_assumptions(data_dir: Path | str | None = None, area: str | None = None) -> pd.DataFrame:
    """The partnership's assumptions and caveats log (its folder's assumptions.csv; empty when
    it keeps none)."""
    columns = ["assumption_id", "section", "kind", "statement", "impact"]
    path = edition_data_paths(data_dir, area).partnership / "assumptions.csv"
    return read_reference_csv(path, columns) if path.exists() else pd.DataFrame(columns=columns)
