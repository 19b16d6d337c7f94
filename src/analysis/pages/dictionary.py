"""The data dictionary appendix, generated from the indicator catalogue."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from IPython.display import HTML

from analysis.inputs.catalogue import load_catalogue, load_list_catalogue, load_sections
from analysis.inputs.formats import FIGURE_COLUMN_MEANINGS, FIGURE_COLUMNS
from analysis.present.tables import show_table
from analysis.vocabulary import PERIOD_TYPE_LABELS, POLARITY_LABELS, UNIT_LABELS

def input_format() -> HTML:
    """The columns of a partnership figures file and what goes in each."""
    table = pd.DataFrame({"Column": FIGURE_COLUMNS, "What it holds": [FIGURE_COLUMN_MEANINGS[c] for c in FIGURE_COLUMNS]})
    return show_table(table, "Columns of a partnership figures file")


def indicator_dictionary(data_dir: Path | str | None = None) -> HTML:
    return show_table(indicator_table(data_dir), "The indicator catalogue")


def list_dictionary(data_dir: Path | str | None = None) -> HTML:
    return show_table(list_table(data_dir), "The qualitative lists")


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
