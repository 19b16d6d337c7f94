"""Side by side: the report's own figure and the nearest national statistic, never merged.

The table shows the figures; each pair's two definitions and why they differ follow it in a
collapsible, so that long definitions are read as text rather than squeezed into columns.
"""
from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from analysis.inputs.catalogue import load_reconciliation_pairs
from analysis.present.formatting import display_decimals
from analysis.present.tables import notes_html, show_table
from analysis.present.wording import national_gap
from analysis.vocabulary import PERIOD_TYPE_LABELS


def difference(local, national_row: pd.Series | None, local_unit: str, national_unit: str) -> str:
    """The gap in plain words, only where both are the same kind of number.

    ``local`` is the report's figure; ``national_row`` the national statistic's row (its
    value and the decimals it was published with). The gap is shown with as many
    decimals as the more precise of the two figures as the book shows them.
    """
    if local is None or national_row is None or pd.isna(national_row["value"]):
        return "Not comparable: one of the two figures is not available"
    if local_unit != national_unit:
        return "Not comparable: different units"
    national_decimals = display_decimals(national_unit, int(national_row["decimals"]))
    return national_gap(national_row["value"] - local.value, local_unit, max(local.decimals, national_decimals))


def reconciliation_table(page, national) -> pd.DataFrame:
    """One row per pair; values are registered on the page as they are shown."""
    rows = []
    for number, pair in enumerate(load_reconciliation_pairs(page.data_dir, page.area_code).itertuples(), start=1):
        local = page.glue_figure(f"local_{number}", pair.partnership_indicator)
        national_text = national.glue_value(f"national_{number}", pair.national_indicator)
        period = national.latest_period(pair.national_indicator)
        row = national.row(pair.national_indicator, period) if period else None
        meta = national.catalogue.loc[pair.national_indicator]
        local_meta = page.partnership.catalogue.loc[pair.partnership_indicator]
        rows.append({
            "Report's measure": local_meta["title"],
            "Report's figure": f"{local.text} ({local.period}, {PERIOD_TYPE_LABELS[local.period_type]})" if local else "not supplied",
            "Report's definition": local_meta["definition"],
            "National statistic": meta["title"],
            "National figure": f"{national_text} ({national.period_label(pair.national_indicator, period)})" if period else national_text,
            "National definition": meta["definition"],
            "Difference": difference(local, row, local_meta["unit"], meta["unit"]),
            "Why they differ": pair.what_differs,
        })
    return pd.DataFrame(rows)


# The columns of reconciliation_table that are long text: shown under the table, not in it.
DEFINITIONS = ["Report's definition", "National definition", "Why they differ"]


def show_reconciliation(table: pd.DataFrame, caption: str) -> HTML:
    """The reconciliation table with its figures in columns and, under it, one collapsible per
    pair with the report's definition, the national definition and why they differ."""
    notes = "".join(
        notes_html(f"Definitions: {measure} and {statistic}", {column: row[column] for column in DEFINITIONS})
        for measure, statistic, (_, row) in zip(table["Report's measure"], table["National statistic"],
                                                table.iterrows()))
    return show_table(table.drop(columns=DEFINITIONS), caption, after=notes)
