"""What a section notebook uses to put numbers, and the words that state its findings, into its
prose and record where they came from.

Every number glued into a page goes through `Page.glue...`, which also appends it to
the page's register of figures (a CSV in the notebook's output folder). The register
is what lets a scrutineer trace any number on the page back to its source.

Every chart and table a page shows goes through `Page.show_chart` or `Page.show_table`, which
also write its data as a spreadsheet into the same folder and link it under it
(analysis.present.spreadsheets).
"""
from __future__ import annotations

import csv
import json
import numbers
import html
from pathlib import Path

import pandas as pd
import yaml
from IPython.display import HTML, Markdown, display
from myst_nb import glue

from analysis.config import EDITION_FACTS_NAME, display_path
from analysis.inputs.edition import Figure, PartnershipData
from analysis.pages.national_view import NationalView
from analysis.periods import ReportYear
from analysis.present.formatting import format_value
from analysis.present.headlines import (
    SHARE_RULE, article_for, compared_with_earlier_years, longer_trend, mid_sentence, noun_for, share_of, since_previous,
)
from analysis.present.charts import Chart
from analysis.present.spreadsheets import Downloads, TableData
from analysis.present.tables import WithDownload, table_html
from analysis.present.wording import continued_sentence, figure_change
from analysis.vocabulary import PERIOD_TYPE_LABELS

REGISTER_COLUMNS = [
    "page", "name", "indicator_id", "text", "raw_value", "unit", "period",
    "source_kind", "source",
]


def how_obtained(figure: Figure | None, *, derived: str, published: str,
                 missing: str = "not in the partnership's figures") -> str:
    """The words for how a figure was obtained: `derived` when it was worked out from other
    figures, `published` when it was stated, `missing` when there is no figure."""
    if figure is None:
        return missing
    return derived if figure.is_derived else published


def period_with_status(figure: Figure) -> str:
    """A figure's period as a chart labels it, marking a derived value: '2023-24 (derived,
    approximate)' for a derived value given as approximate, '2024-25' for a published one."""
    if not figure.is_derived:
        return figure.period
    return f"{figure.period} (derived, approximate)" if figure.qualifier else f"{figure.period} (derived)"


def yearly_values(national: NationalView, indicator_id: str) -> pd.Series:
    """The area's published values of a national indicator for every year up to the edition's,
    oldest first, by DfE time period; a year with no value (or a suppressed one) is NaN."""
    table = national.national
    rows = table[(table["indicator_id"] == indicator_id) & (table["area_code"] == national.page.area_code)]
    values = rows.set_index("time_period")["value"].astype(float)
    if values.empty:
        return values
    # Every year from the first published to the edition's, so a gap or a later year cannot pass unseen.
    return values.reindex(range(int(values.index.min()), national.time_period + 1))


def edition_title(year: str, area_code: str, output_dir: Path | str | None) -> str:
    """The edition's title, as the build wrote it into the staged book's _config.yml (the stage
    is two folders above a page's side-file folder, _data/<page>); the year and area when the
    page runs outside a build."""
    config = Path(output_dir).parent.parent / "_config.yml" if output_dir else None
    if config is not None and config.is_file():
        title = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("title")
        if title:
            return str(title)
    return f"the {year} edition of the analysis book for {area_code}"


def page_downloads(page: str, year: str, area_code: str, output_dir: Path | str | None) -> Downloads:
    """Where a page's charts and tables are written as spreadsheets (its side-file folder), with
    the edition's title for their covers; dated the last day of the edition's year. A page
    without a side-file folder (run by hand) writes and links none."""
    return Downloads(output_dir or None, page, edition_title(year, area_code, output_dir),
                     ReportYear.parse(year).last_day)


def _note(text: str) -> HTML:
    """A note box in the theme's admonition style (Markdown outputs cannot hold directives)."""
    return HTML(f'<div class="admonition note" role="note"><p class="admonition-title">Note</p>'
                f"<p>{html.escape(text)}</p></div>")


def _as_written(value):
    """A raw value for the register as a person writes it: 8583 rather than 8583.0."""
    if isinstance(value, (float, numbers.Real)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    return value


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
        self.downloads = page_downloads(page, year, area_code, output_dir)

    def edition_facts(self) -> dict | None:
        """In a build, what the build recorded about the edition before the pages ran (the stage's
        edition.json: its notebooks, their titles, the measures each section shows); None when
        the page runs outside a build."""
        if self.register_path is None:
            return None
        path = self.register_path.parent.parent.parent / EDITION_FACTS_NAME
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def edition_title(self) -> str:
        """The edition's title, for the covers of the page's spreadsheets (:func:`edition_title`)."""
        return edition_title(self.year, self.area_code, self.downloads.folder)

    def period_span(self) -> str:
        """'1 April 2024 to 31 March 2025' for the edition's financial year."""
        year = ReportYear.parse(self.year)
        return f"{year.first_day.day} April {year.start} to {year.last_day.day} March {year.end}"

    def introduction(self, section: str) -> None:
        """Show the partnership's own words introducing a section (``introductions`` in its
        partnership.toml); nothing when it gives none."""
        about = self.partnership.about
        text = about.introduction(section) if about else ""
        if text:
            display(Markdown(text))

    def national(self):
        """The national statistics for this page's area and year (one view per page, so that
        what it explains once a page is explained once)."""
        if getattr(self, "_national", None) is None:
            self._national = NationalView(self)
        return self._national

    # --- gluing -------------------------------------------------------------

    def glue_text(self, name: str, text: str, *, raw_value="", unit: str = "", period: str = "",
                  source_kind: str, source: str, indicator_id: str = "") -> str:
        """Glue an already formatted string and register it. Returns the text."""
        glue(name, str(text), display=False)
        self._register_rows.append({
            "page": self.page, "name": name, "indicator_id": indicator_id, "text": str(text),
            "raw_value": _as_written(raw_value), "unit": unit, "period": period,
            "source_kind": source_kind, "source": source,
        })
        self._write_register()
        return str(text)

    def figure(self, indicator_id: str, period: str | None = None) -> Figure | None:
        """The partnership's figure, or None when it was not supplied for this year."""
        return self.partnership.figure(indicator_id, period)

    def glue_figure(self, name: str, indicator_id: str, period: str | None = None, *,
                    label_name: str | None = None) -> Figure | None:
        """Glue one partnership figure as the book prints it (e.g. '8,583', 'about 44,000').

        Also glues the indicator's title from the catalogue as `label_name` (`<name>_label`
        unless given), so that prose can name what was measured (e.g. 'aged 10-24') without
        typing any number. A notebook whose prose uses the title passes `label_name`, so the
        name can be found in its code.
        """
        self.glue_label(label_name or f"{name}_label", indicator_id)
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

    def glue_latest_two(self, indicator_id: str, *, latest: str, latest_label: str, previous: str,
                        latest_period: str, previous_period: str, change: str) -> tuple[Figure | None, Figure | None]:
        """Glue the two latest periods of an indicator and the change between them, each under
        the name given: the figures (`latest`, `previous`), the indicator's title
        (`latest_label`), their periods and the change ('down 42.2%'); "not supplied" when absent.
        Returns (previous, latest).
        """
        series = self.partnership.series(indicator_id)
        newest = self.glue_figure(latest, indicator_id, series[-1].period if series else None, label_name=latest_label)
        earlier = self.glue_figure(previous, indicator_id, series[-2].period if len(series) > 1 else None)
        for name, figure in ((latest_period, newest), (previous_period, earlier)):
            if figure:
                self.glue_text(name, figure.period, source_kind="partnership", period=figure.period,
                               source=f"{figure.source_file} row {figure.source_row} (period)", indicator_id=indicator_id)
            else:
                self.glue_text(name, "not supplied", source_kind="not supplied", source=f"no period for {indicator_id}")
        if newest and earlier:
            self.glue_text(change, figure_change(earlier, newest),
                           raw_value=newest.value - earlier.value, unit="percentage_change", source_kind="derived",
                           source=f"({newest.value:g} - {earlier.value:g}) / {earlier.value:g}", indicator_id=indicator_id)
        else:
            self.glue_text(change, "not available", source_kind="not supplied",
                           source=f"needs two periods of {indicator_id}")
        return earlier, newest

    def glue_list_period(self, name: str, list_id: str) -> None:
        """Glue the period a qualitative list covers (e.g. '2023-25'), or "not supplied"."""
        self.glue_text(name, self.partnership.list_period(list_id) or "not supplied",
                       source_kind="partnership", source=f"{display_path(self.partnership.folder / 'lists.csv')}, list {list_id}")

    def glue_label(self, name: str, indicator_id: str) -> str:
        """Glue an indicator's title, in lower case for use mid-sentence."""
        catalogue = self.partnership.catalogue
        title = mid_sentence(catalogue.at[indicator_id, "title"])
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

    # --- gluing worked-out values and the words that state a finding --------------
    # Each computes its words from the figures (analysis.present.headlines) and registers
    # the figures behind them, so no claim in the prose is typed by hand. They return
    # nothing, so a notebook cell that ends with one shows no output.

    def glue_ratio(self, name: str, numerator: Figure | None, denominator: Figure | None, *,
                   numerator_words: str, denominator_words: str, decimals: int = 1) -> None:
        """Glue one figure divided by another (e.g. missing episodes per young person), or
        "not available" when either is not supplied."""
        if numerator is None or denominator is None:
            self.glue_text(name, "not available", source_kind="not supplied",
                           source=f"needs both {numerator_words} and {denominator_words}")
            return
        self.glue_derived(name, numerator.value / denominator.value, "ratio",
                          f"{numerator_words} ({numerator.text}) divided by {denominator_words} ({denominator.text})",
                          decimals=decimals, period=self.year)

    def _glue_words(self, name: str, words: str, figure: Figure | None, how: str) -> None:
        if figure is None:
            self.glue_text(name, words, source_kind="not supplied", source=f"no figure: {how}")
            return
        self.glue_text(name, words, raw_value=figure.value, unit=figure.unit, period=figure.period,
                       source_kind="derived", source=f"{figure.text} ({figure.period}): {how}",
                       indicator_id=figure.indicator_id)

    def glue_share_words(self, name: str, figure: Figure | None, group: str = "", *,
                         sentence_start: bool = True) -> None:
        """Glue a percentage as words for a share of a group: 'Most episodes', or on its own
        ('most', to go before 'of those who ...'); 'an unknown share' when not supplied."""
        if figure is not None and figure.unit != "percentage":
            raise ValueError(f"{figure.indicator_id} is a {figure.unit}, not a percentage: it has no share words")
        words = share_of(figure.value if figure else None, group, sentence_start=sentence_start)
        self._glue_words(name, words, figure, f"the share in words ({SHARE_RULE})")

    def glue_article(self, name: str, figure: Figure | None) -> None:
        """Glue 'a' or 'an' for a figure as it is read aloud ('an 8% increase'); nothing for a
        figure that needs none ('no change') or is not supplied."""
        words = article_for(figure.text) if figure else ""
        self._glue_words(name, words, figure, "the article for the figure")

    def glue_noun(self, name: str, figure: Figure | None, singular: str, plural: str | None = None) -> None:
        """Glue the noun that goes with a count: the singular for exactly one, else the plural."""
        words = noun_for(figure.value if figure else None, singular, plural)
        self._glue_words(name, words, figure, "singular for one, plural otherwise")

    def glue_how_obtained(self, name: str, figure: Figure | None, *, derived: str, published: str) -> None:
        """Glue how a figure was obtained: `derived` or `published` (see `how_obtained`)."""
        words = how_obtained(figure, derived=derived, published=published)
        if figure is None:
            self.glue_text(name, words, source_kind="not supplied", source="no figure to describe")
            return
        self.glue_text(name, words, source_kind="derived" if figure.is_derived else "partnership",
                       source=figure.source, indicator_id=figure.indicator_id)

    def figure_before(self, figure: Figure) -> Figure | None:
        """The indicator's figure for the latest period before `figure`'s (from this edition or
        the previous one), or None."""
        earlier = [f for f in self.partnership.series(figure.indicator_id) if f.period < figure.period]
        return earlier[-1] if earlier else None

    def glue_since_previous(self, name: str, figure: Figure | None) -> None:
        """Glue how a figure compares with the indicator's figure before it: 'up from 70% in
        2023-24', 'the same as in 2023-24', 'with no earlier figure to compare it with'."""
        earlier = self.figure_before(figure) if figure else None
        if earlier is None:
            words = since_previous(figure.value if figure else None, None)
            self._glue_words(name, words, figure, "no earlier period of the indicator in the partnership figures")
            return
        words = since_previous(figure.value, earlier.value, earlier.text, earlier.period,
                               max(figure.decimals, earlier.decimals))
        self._glue_words(name, words, figure, f"compared with {earlier.text} ({earlier.period}), "
                                              f"{earlier.source_file} row {earlier.source_row}")

    def glue_longer_trend(self, name: str, indicator_id: str) -> None:
        """Glue the direction of every period of a partnership indicator: 'which has fallen
        every year since 2019', or how far back the figures go when there are too few."""
        series = self.partnership.series(indicator_id)
        words = longer_trend([f.period for f in series], [f.value for f in series])
        values = ", ".join(f"{f.period}: {f.text}" for f in series) or "none"
        self.glue_text(name, words, source_kind="derived" if series else "not supplied", indicator_id=indicator_id,
                       source=f"every period of {indicator_id} in the partnership figures ({values})")

    def glue_compared_with_earlier_years(self, name: str, national: NationalView, indicator_id: str,
                                         subject: str) -> None:
        """Glue how the area's count of a national indicator for the edition's year compares with
        the years before: 'Fewer children became looked after than in previous years' (see
        `analysis.present.headlines.compared_with_earlier_years`)."""
        values = yearly_values(national, indicator_id)
        words = compared_with_earlier_years(list(values), subject)
        if values.empty or pd.isna(values.iloc[-1]):
            self.glue_text(name, words, source_kind="national", indicator_id=indicator_id,
                           source=f"no value of {indicator_id} for {self.area_code} in {national.time_period}")
            return
        earlier = ", ".join(f"{year}: {value:g}" for year, value in values.iloc[:-1].items() if pd.notna(value))
        self.glue_text(name, words, raw_value=values.iloc[-1], unit=national.catalogue.at[indicator_id, "unit"],
                       period=str(national.time_period), source_kind="national", indicator_id=indicator_id,
                       source=f"{national.source(indicator_id, national.time_period)}; earlier years {earlier or 'none'}")

    def _write_register(self) -> None:
        if not self.register_path:
            return
        with open(self.register_path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=REGISTER_COLUMNS)
            writer.writeheader()
            writer.writerows(self._register_rows)

    # --- showing ------------------------------------------------------------

    def spreadsheet(self, data: TableData, name: str) -> str:
        """Write a chart's or table's data as a spreadsheet into the page's side-file folder and
        return the Markdown linking it; '' when the page has no such folder (run by hand)."""
        return self.downloads.spreadsheet(data, name)

    def show_chart(self, chart: Chart) -> None:
        """Show a chart with its data table, CSV download and spreadsheet link."""
        chart.show(self.spreadsheet(chart.data(), chart.chart_id))

    def show_table(self, table: pd.DataFrame, caption: str, *, name: str, source: str, after: str = "",
                   notes_heading: str = "", notes: dict[str, str] | None = None) -> HTML:
        """A table with its spreadsheet linked under it (analysis.present.spreadsheets.Downloads.table)."""
        return self.downloads.table(table, caption, name=name, source=source, after=after,
                                    notes_heading=notes_heading, notes=notes)

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
        table, caption = pd.DataFrame(rows), "Each partnership figure on this page and where it came from"
        link = self.spreadsheet(TableData(table, caption, f"the partnership's figures for {self.year}; each row "
                                                         "names its data file, sheet and row"), "sources")
        display(WithDownload(
            '<details class="sources"><summary>Sources of the figures on this page</summary>'
            + table_html(table, caption) + "</details>", link))

    def list_table(self, list_id: str, item_heading: str = "Item", detail_heading: str = "Detail",
                   detail_continues: bool = False) -> HTML:
        """A qualitative list from the partnership's data, as a table in its published order.

        ``detail_continues``: the report split each sentence between the item and its detail
        ('Address disproportionality' / 'In safeguarding responses, ...'), so each row is
        shown as the one sentence it is, in a single column.
        """
        items = self.partnership.items(list_id)
        if items.empty:
            return HTML(f"<p>Not supplied for {html.escape(self.year)}.</p>")
        caption = self.partnership.list_catalogue.at[list_id, "title"]
        lists = display_path(self.partnership.folder / "lists.csv")
        source = f"the partnership's lists for {self.year} ({lists}, list {list_id})"
        if detail_continues:
            sentences = [continued_sentence(row.item, row.detail) for row in items.itertuples()]
            return self.show_table(pd.DataFrame({item_heading: sentences}), caption, name=list_id, source=source)
        table = items[["item", "detail"]].rename(columns={"item": item_heading, "detail": detail_heading})
        if table[detail_heading].eq("").all():
            table = table.drop(columns=[detail_heading])
        return self.show_table(table, caption, name=list_id, source=source)
