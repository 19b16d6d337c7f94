"""What a section notebook uses to put numbers into its prose and record where they came from.

Every number glued into a page goes through `Page.glue...`, which also appends it to
the page's register of figures (a CSV in the notebook's output folder). The register
is what lets a scrutineer trace any number on the page back to its source.
"""
from __future__ import annotations

import csv
import html
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown, display
from myst_nb import glue

from analysis.inputs.edition import Figure, PartnershipData
from analysis.pages.national_view import NationalView
from analysis.periods import ReportYear
from analysis.present.formatting import format_value
from analysis.present.tables import show_table, table_html
from analysis.present.wording import percent_change
from analysis.vocabulary import PERIOD_TYPE_LABELS

REGISTER_COLUMNS = [
    "page", "name", "indicator_id", "text", "raw_value", "unit", "period",
    "source_kind", "source",
]


def _note(text: str) -> HTML:
    """A note box in the theme's admonition style (Markdown outputs cannot hold directives)."""
    return HTML(f'<div class="admonition note" role="note"><p class="admonition-title">Note</p>'
                f"<p>{html.escape(text)}</p></div>")


class Page:
    """One section of the book for one edition: its data, its glued figures, its sources."""

    def __init__(self, page: str, year: str, area_code: str, data_dir: str = "", output_dir: str = ""):
        self.page = page
        self.year = year
        self.area_code = area_code
        self.data_dir = Path(data_dir) if data_dir else None
        self.partnership = PartnershipData(year, area_code, self.data_dir)
        self.used: list[Figure] = []
        self.register_path = Path(output_dir) / "register.csv" if output_dir else None
        self._register_rows: list[dict] = []
        if self.register_path:
            self.register_path.parent.mkdir(parents=True, exist_ok=True)
            self._write_register()

    def period_span(self) -> str:
        """'1 April 2024 to 31 March 2025' for the edition's financial year."""
        year = ReportYear.parse(self.year)
        return f"{year.first_day.day} April {year.start} to {year.last_day.day} March {year.end}"

    def national(self):
        """The national statistics for this page's area and year."""
        return NationalView(self)

    # --- gluing -------------------------------------------------------------

    def glue_text(self, name: str, text: str, *, raw_value="", unit: str = "", period: str = "",
                  source_kind: str, source: str, indicator_id: str = "") -> str:
        """Glue an already formatted string and register it. Returns the text."""
        glue(name, str(text), display=False)
        self._register_rows.append({
            "page": self.page, "name": name, "indicator_id": indicator_id, "text": str(text),
            "raw_value": raw_value, "unit": unit, "period": period,
            "source_kind": source_kind, "source": source,
        })
        self._write_register()
        return str(text)

    def figure(self, indicator_id: str, period: str | None = None) -> Figure | None:
        """The partnership's figure, or None when it was not supplied for this year."""
        return self.partnership.figure(indicator_id, period)

    def glue_figure(self, name: str, indicator_id: str, period: str | None = None) -> Figure | None:
        """Glue one partnership figure as the book prints it (e.g. '8,583', 'about 44,000').

        Also glues `<name>_label`, the indicator's title from the catalogue, so that prose
        can name what was measured (e.g. 'aged 10-24') without typing any number.
        """
        self.glue_label(f"{name}_label", indicator_id)
        figure = self.figure(indicator_id, period)
        if figure is None:
            self.glue_text(name, "not supplied", source_kind="not supplied",
                           source=f"no value for {indicator_id} in the {self.year} partnership figures",
                           indicator_id=indicator_id)
            return None
        self.used.append(figure)
        where = f"{figure.source_file}" + (f" sheet {figure.source_sheet}" if figure.source_sheet else "") + f" row {figure.source_row}"
        source = where if not figure.is_derived else f"{where}; derived: {figure.derivation}"
        self.glue_text(name, figure.text, raw_value=figure.value, unit=figure.unit, period=figure.period,
                       source_kind="derived" if figure.is_derived else "partnership",
                       source=source, indicator_id=indicator_id)
        return figure

    def glue_latest_two(self, prefix: str, indicator_id: str) -> tuple[Figure | None, Figure | None]:
        """Glue the two latest periods of an indicator and the change between them.

        Names: <prefix>_latest, <prefix>_previous, <prefix>_latest_period,
        <prefix>_previous_period, <prefix>_change ("not supplied" when absent).
        """
        series = self.partnership.series(indicator_id)
        latest = self.glue_figure(f"{prefix}_latest", indicator_id, series[-1].period if series else None)
        earlier = self.glue_figure(f"{prefix}_previous", indicator_id, series[-2].period if len(series) > 1 else None)
        for name, figure in ((f"{prefix}_latest_period", latest), (f"{prefix}_previous_period", earlier)):
            if figure:
                self.glue_text(name, figure.period, source_kind="partnership", period=figure.period,
                               source=f"{figure.source_file} row {figure.source_row} (period)", indicator_id=indicator_id)
            else:
                self.glue_text(name, "not supplied", source_kind="not supplied", source=f"no period for {indicator_id}")
        if latest and earlier:
            self.glue_text(f"{prefix}_change", percent_change(earlier.value, latest.value),
                           raw_value=latest.value - earlier.value, unit="percentage_change", source_kind="derived",
                           source=f"({latest.value:g} - {earlier.value:g}) / {earlier.value:g}", indicator_id=indicator_id)
        else:
            self.glue_text(f"{prefix}_change", "not available", source_kind="not supplied",
                           source=f"needs two periods of {indicator_id}")
        return earlier, latest

    def glue_label(self, name: str, indicator_id: str) -> str:
        """Glue an indicator's title, in lower case for use mid-sentence."""
        catalogue = self.partnership.catalogue
        title = catalogue.at[indicator_id, "title"]
        if len(title) > 1 and not title[1].isupper():
            title = title[0].lower() + title[1:]
        row = catalogue.index.get_loc(indicator_id) + 2
        return self.glue_text(name, title, source_kind="catalogue", indicator_id=indicator_id,
                              source=f"data/reference/indicators.csv row {row} (title)")

    def glue_derived(self, name: str, value: float, unit: str, derivation: str,
                     decimals: int | None = None, period: str = "", indicator_id: str = "",
                     qualifier: str = "") -> str:
        """Glue a value the book computes from other figures, with how it was computed."""
        text = format_value(value, unit, decimals, qualifier)
        return self.glue_text(name, text, raw_value=value, unit=unit, period=period,
                              source_kind="derived", source=derivation, indicator_id=indicator_id)

    def _write_register(self) -> None:
        if not self.register_path:
            return
        with open(self.register_path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=REGISTER_COLUMNS)
            writer.writeheader()
            writer.writerows(self._register_rows)

    # --- showing ------------------------------------------------------------

    def not_supplied_note(self, indicator_ids: list[str]) -> None:
        """Say plainly which of this section's partnership figures are absent for this edition."""
        if not self.partnership.available:
            display(_note(f"The partnership's own figures for {self.year} are not available for this area, "
                          "so the partnership figures on this page are shown as \u201cnot supplied\u201d."))
            return
        missing = [i for i in indicator_ids if not self.partnership.has(i)]
        if not missing:
            return
        titles = ", ".join(self.partnership.catalogue.at[i, "title"].lower() for i in missing)
        display(_note(f"The partnership's own figures for {self.year} do not include: {titles}. "
                      "They are shown as \u201cnot supplied\u201d on this page."))

    def sources_table(self) -> None:
        """A table of every partnership figure used on this page and where it came from."""
        if not self.used:
            return
        seen = {}
        for figure in self.used:
            seen[(figure.indicator_id, figure.period)] = figure
        rows = [{
            "Figure": f.title,
            "Value": f.text,
            "Period": f"{f.period} ({PERIOD_TYPE_LABELS.get(f.period_type, f.period_type)})",
            "Source": f.source,
            "Data file": f"{f.source_file}, " + (f"sheet {f.source_sheet}, " if f.source_sheet else "") + f"row {f.source_row}",
        } for f in seen.values()]
        display(HTML(
            '<details class="sources"><summary>Sources of the figures on this page</summary>'
            + table_html(pd.DataFrame(rows), "Each partnership figure on this page and where it came from")
            + "</details>"
        ))

    def list_table(self, list_id: str, item_heading: str = "Item", detail_heading: str = "Detail") -> HTML:
        """A qualitative list from the partnership's data, as a table in its published order."""
        items = self.partnership.items(list_id)
        if items.empty:
            return HTML(f"<p>Not supplied for {html.escape(self.year)}.</p>")
        table = items[["item", "detail"]].rename(columns={"item": item_heading, "detail": detail_heading})
        if table[detail_heading].eq("").all():
            table = table.drop(columns=[detail_heading])
        caption = self.partnership.list_catalogue.at[list_id, "title"]
        return show_table(table, caption)
