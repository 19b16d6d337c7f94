"""Side by side: the report's own figure and the nearest national statistic, never merged."""
from __future__ import annotations

import pandas as pd

from analysis.inputs.catalogue import load_reconciliation_pairs
from analysis.vocabulary import PERIOD_TYPE_LABELS


def difference(local, national_value: float | None, local_unit: str, national_unit: str) -> str:
    """The gap in plain words, only where both are the same kind of number."""
    if local is None or national_value is None or pd.isna(national_value):
        return "Not comparable: one of the two figures is not available"
    if local_unit != national_unit:
        return "Not comparable: different units"
    gap = national_value - local.value
    if local_unit == "percentage":
        points = f"{abs(gap):.1f}".rstrip("0").rstrip(".")
        return "The same value" if gap == 0 else f"The national figure is {points} percentage points {'higher' if gap > 0 else 'lower'}"
    return "The same value" if gap == 0 else f"The national figure is {abs(gap):,.0f} {'higher' if gap > 0 else 'lower'}"


def reconciliation_table(page, national) -> pd.DataFrame:
    """One row per pair; values are registered on the page as they are shown."""
    rows = []
    for number, pair in enumerate(load_reconciliation_pairs(page.data_dir).itertuples(), start=1):
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
            "Difference": difference(local, None if row is None else row["value"], local_meta["unit"], meta["unit"]),
            "Why they differ": pair.what_differs,
        })
    return pd.DataFrame(rows)
