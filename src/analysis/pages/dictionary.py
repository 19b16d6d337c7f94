"""The data dictionary appendix, generated from the indicator catalogue."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from IPython.display import HTML

from analysis.inputs.catalogue import load_catalogue, load_list_catalogue, load_sections
from analysis.inputs.formats import FIGURE_COLUMN_MEANINGS, FIGURE_COLUMNS
from analysis.present.spreadsheets import Downloads
from analysis.present.tables import show_table
from analysis.vocabulary import PERIOD_TYPE_LABELS, POLARITY_LABELS, UNIT_LABELS


def input_format(downloads: Downloads | None = None) -> HTML:
    """The columns of a partnership figures file and what goes in each; with the page's
    ``downloads``, its spreadsheet linked under it (as for each table here)."""
    table = pd.DataFrame({"Column": FIGURE_COLUMNS, "What it holds": [FIGURE_COLUMN_MEANINGS[c] for c in FIGURE_COLUMNS]})
    return _show(table, "Columns of a partnership figures file", downloads, "input-format",
                 "the book's input formats (analysis.inputs.formats)")


def indicator_dictionary(data_dir: Path | str | None = None, downloads: Downloads | None = None) -> HTML:
    return _show(indicator_table(data_dir), "The indicator catalogue", downloads, "indicators",
                 "the indicator catalogue (data/reference/indicators.csv) and its sections")


def list_dictionary(data_dir: Path | str | None = None, downloads: Downloads | None = None) -> HTML:
    return _show(list_table(data_dir), "The qualitative lists", downloads, "lists",
                 "the catalogue of qualitative lists (data/reference/lists.csv) and its sections")


def _show(table: pd.DataFrame, caption: str, downloads: Downloads | None, name: str, source: str) -> HTML:
    """The table, with its spreadsheet when there are ``downloads`` (the notebook's)."""
    if downloads is None:
        return show_table(table, caption)
    return downloads.table(table, caption, name=name, source=source)


def indicator_table(data_dir: Path | str | None = None) -> pd.DataFrame:
    catalogue = load_catalogue(data_dir or None)
    sections = load_sections(data_dir or None)
    table = catalogue.assign(
        section=catalogue["section"].map(sections["title"]),
        unit=catalogue["unit"].map(UNIT_LABELS),
        period_type=catalogue["period_type"].map(PERIOD_TYPE_LABELS),
        polarity=catalogue["polarity"].map(POLARITY_LABELS),
    )
    return table[["indicator_id", "section", "title", "definition", "unit", "period_type", "polarity", "partner", "required"]].rename(columns={
        "indicator_id": "Indicator id", "section": "Section", "title": "Title", "definition": "Definition",
        "unit": "Unit", "period_type": "Period", "polarity": "Polarity", "partner": "Supplied by", "required": "Required",
    }).reset_index(drop=True)


def list_table(data_dir: Path | str | None = None) -> pd.DataFrame:
    lists = load_list_catalogue(data_dir or None)
    sections = load_sections(data_dir or None)
    return lists.assign(section=lists["section"].map(sections["title"]))[
        ["list_id", "section", "title", "description", "partner", "required"]
    ].rename(columns={"list_id": "List id", "section": "Section", "title": "Title", "description": "What it holds",
                      "partner": "Supplied by", "required": "Required"}).reset_index(drop=True)
