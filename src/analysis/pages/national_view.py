"""National statistics on a section page: the area's latest values, trends, benchmarks.

Used through `Page.national()`. Every number it puts into prose is glued and registered
with its source: the national extract file, indicator, area and year.
"""
from __future__ import annotations

import html
from dataclasses import replace
from datetime import date
from functools import lru_cache

import pandas as pd
from IPython.display import HTML, Markdown, display

from analysis.config import data_paths, display_path
from analysis.national.combined import combination_method, combine_authorities
from analysis.national.write import EXTRACT_FILE
from analysis.national.load import (load_national, load_neighbours, national_catalogue, predecessors_of,
                                    read_area_successors)
from analysis.periods import ReportYear, period_label
from analysis.present.charts import MINIMUM_VALUES, interval_text, line_chart
from analysis.present.formatting import comparator_figures, display_decimals, format_statistic
from analysis.present.tables import notes_html
from analysis.present.wording import (RANK_ORDER, joined_series_note, latest_published_period, neighbour_average_cell,
                                      neighbour_minimum_sentence, quartile_label, series_start_note, trend_chart_title,
                                      year_on_year_verdict)
from analysis.stats import compare
from analysis.stats.intervals import published_interval

NEIGHBOUR_MODEL = "2025"
RANK = "Rank"
# What the notes under a comparison table are about.
CHANGE_NOTES = "Change on the year before"
# Units written once, after the measure, so that the figure cells hold numbers only.
MEASURE_UNITS = {"percentage": "%", "rate_per_10000": "per 10,000 children"}


def measure_and_figures(title: str, benchmark) -> tuple[str, dict[str, str]]:
    """The measure with its unit ('Re-referrals within 12 months (%)') and each comparator's
    figure without it ('18.3'), for a table row. Other units are shown as they are."""
    unit = MEASURE_UNITS.get(benchmark.unit)
    if unit is None:
        return title, comparator_figures(benchmark)
    figures = comparator_figures(replace(benchmark, unit="ratio"))  # the same decimals, no unit
    return (title if unit in title else f"{title} ({unit})"), figures


def compact_rank(benchmark) -> str:
    """The rank for a table cell: '104 / 153' (104th of the 153 authorities with a published
    value), or 'not ranked (c)' with the symbol of the area's value (the table's key says
    what it means)."""
    if benchmark.rank is None:
        return f"not ranked ({benchmark.symbol})" if benchmark.symbol else "not ranked"
    return f"{benchmark.rank} / {benchmark.ranked}"


def rank_header(polarities: set[str]) -> str:
    """The rank column's header, with the direction of the ranking: the one direction when all
    the rows share it, otherwise '1 = best' (1 = lowest where neither is better)."""
    if len(polarities) == 1:
        return f"{RANK} ({RANK_ORDER[next(iter(polarities))]})"
    return f"{RANK} (1 = best, or lowest where neither is better)"


def region_cells(benchmark, english_region_code: str) -> dict[str, tuple[str, str]]:
    """The area's region figures for a table row, without the unit (as :func:`measure_and_figures`):
    {"region": (name, figure)} for the English region (London for a London borough) and
    {"subregion": (name, figure)} for Inner or Outer London when DfE publishes the area in one."""
    shown = replace(benchmark, unit="ratio") if benchmark.unit in MEASURE_UNITS else benchmark
    cells = {}
    for row in benchmark.table[benchmark.table["role"] == "region"].itertuples():
        role = "region" if row.area_code == english_region_code or not english_region_code else "subregion"
        cells.setdefault(role, (row.area_name, format_statistic(row.value, shown.unit, row.symbol, shown.decimals)))
    return cells


def period_end(time_period: int, period_type: str) -> date:
    """The last day a national statistic's period covers (mid-year: 30 June)."""
    year = int(time_period)
    ends = {"mid_year": date(year, 6, 30), "calendar_year": date(year, 12, 31),
            "academic_year": date(year, 8, 31)}
    return ends.get(period_type, date(year, 3, 31))


@lru_cache(maxsize=2)
def _national(national_dir: str) -> pd.DataFrame:
    return load_national(national_dir)


@lru_cache(maxsize=2)
def _national_with_partnership(national_dir: str, reference_dir: str, partnership_id: str,
                               codes: tuple[str, ...], name: str) -> pd.DataFrame:
    """The extract with a partnership over several authorities added as one area: its rows are
    the authorities' figures combined exactly (analysis.national.combined), never averaged."""
    national = _national(national_dir)
    combined = combine_authorities(national, national_catalogue(reference_dir), list(codes), partnership_id, name)
    return pd.concat([national, combined], ignore_index=True)


class NationalView:
    """The national statistics for one page's area and edition year."""

    def __init__(self, page):
        self.page = page
        self.explained = False  # whether the comparison tables have been explained on the page
        paths = data_paths(page.data_dir)
        self.extract = display_path(paths.national / EXTRACT_FILE)  # named in every figure's source
        self.national = _national(str(paths.national))
        self.catalogue = national_catalogue(paths.reference).set_index("indicator_id", drop=False)
        self.time_period = ReportYear.parse(page.year).dfe_time_period
        # A partnership over several authorities is one combined area; each authority is
        # shown and ranked beside it.
        about = page.partnership.about
        self.authorities: dict[str, str] = {}
        if about is not None and about.covers_several_authorities and page.area_code == about.id:
            self.national = _national_with_partnership(str(paths.national), str(paths.reference), about.id,
                                                       about.local_authorities, about.short_name)
            names = self.national.drop_duplicates("area_code").set_index("area_code")["area_name"]
            self.authorities = {code: str(names.get(code, code)) for code in about.local_authorities}
        area = self.national[self.national["area_code"] == page.area_code]
        self.area_rows = area  # looked up figure by figure: far fewer rows than the whole frame
        self.available = not area.empty
        self.area_name = area["area_name"].iloc[0] if self.available else page.area_code
        self.area_row = area.iloc[0] if self.available else None
        # Local government reorganisation: who the area replaced, and who replaced whom.
        self.successions = read_area_successors(paths.reference)
        self.predecessors = predecessors_of(page.area_code, self.successions)
        try:
            self.neighbours = load_neighbours(page.area_code, NEIGHBOUR_MODEL, paths.national)
        except (ValueError, FileNotFoundError):
            self.neighbours = pd.DataFrame(columns=["neighbour_code", "neighbour_name", "rank"])

    # --- looking up -------------------------------------------------------------

    def latest_period(self, indicator_id: str) -> int | None:
        """The edition's year if published, else the latest earlier year (mid-year for population)."""
        target = self.edition_period(indicator_id)
        area = self.area_rows
        rows = area[(area["indicator_id"] == indicator_id) & (area["time_period"] <= target)]
        return int(rows["time_period"].max()) if not rows.empty else None

    def row(self, indicator_id: str, time_period: int | None = None) -> pd.Series | None:
        time_period = time_period or self.latest_period(indicator_id)
        area = self.area_rows
        rows = area[(area["indicator_id"] == indicator_id) & (area["time_period"] == time_period)]
        return None if rows.empty else rows.iloc[0]

    def period_label(self, indicator_id: str, time_period: int) -> str:
        return period_label(time_period, self.catalogue.at[indicator_id, "period_type"])

    def edition_period(self, indicator_id: str) -> int:
        """The period that is the edition's own: its DfE year, or the mid-year before it for population."""
        mid_year = self.catalogue.at[indicator_id, "period_type"] == "mid_year"
        return self.time_period - 1 if mid_year else self.time_period

    def period_text(self, indicator_id: str, time_period: int) -> str:
        """The period beside a figure, saying so when it is older than the edition's own
        ('2022-23 (latest published)'), so an old figure is never taken for this year's."""
        label = self.period_label(indicator_id, time_period)
        return latest_published_period(label) if time_period < self.edition_period(indicator_id) else label

    def abolished(self, indicator_id: str, time_period: int) -> list[str]:
        """Codes of authorities that reorganisation had abolished by the end of the period."""
        end = period_end(time_period, self.catalogue.at[indicator_id, "period_type"])
        return [code for code, succession in self.successions.items() if not succession.existed_on(end)]

    def interval(self, indicator_id: str, time_period: int):
        """The 95% confidence interval of the area's published rate or percentage (None for
        other units, or without a published numerator and denominator)."""
        row = self.row(indicator_id, time_period)
        if row is None or pd.isna(row["value"]):
            return None
        return published_interval(self.catalogue.at[indicator_id, "unit"], row["numerator"], row["denominator"])

    def with_interval(self, figure: str, indicator_id: str, time_period: int, decimals) -> str:
        """'591.3 (575.9 to 607.1)': a table cell's figure with its 95% confidence interval."""
        interval = self.interval(indicator_id, time_period)
        unit = self.catalogue.at[indicator_id, "unit"]
        return f"{figure} ({interval_text(interval, unit, decimals)})" if interval else figure

    def change(self, indicator_id: str, time_period: int):
        """The tested change on the year before, across a reorganisation where the area's series
        continues a predecessor's (the same DfE authority code)."""
        return compare.indicator_change(self.national, indicator_id, self.page.area_code, time_period, self.catalogue,
                                        predecessors=[p.old_code for p in self.predecessors])

    def display(self, indicator_id: str, time_period: int | None = None) -> str:
        row = self.row(indicator_id, time_period)
        if row is None:
            return "not available"
        return format_statistic(row["value"], self.catalogue.at[indicator_id, "unit"], row["symbol"], int(row["decimals"]))

    def source(self, indicator_id: str, time_period: int) -> str:
        file = self.catalogue.at[indicator_id, "source_file"]
        if self.authorities:
            how = combination_method(self.catalogue.loc[indicator_id])
            return (f"{self.extract}: {indicator_id}, {' + '.join(self.authorities)}, {time_period}, {how} "
                    f"(from {file})")
        return f"{self.extract}: {indicator_id}, {self.page.area_code}, {time_period} (from {file})"

    # --- gluing -----------------------------------------------------------------

    def glue_value(self, name: str, indicator_id: str, period_name: str | None = None) -> str:
        """Glue the area's latest value and, as `period_name` (`<name>_period` unless given),
        the period it is for."""
        period_name = period_name or f"{name}_period"
        period = self.latest_period(indicator_id)
        if period is None:
            self.page.glue_text(period_name, "not available", source_kind="national",
                                source=f"no value of {indicator_id} for {self.page.area_code}")
            return self.page.glue_text(name, "not available", source_kind="national", indicator_id=indicator_id,
                                       source=f"no value of {indicator_id} for {self.page.area_code}")
        row = self.row(indicator_id, period)
        self.page.glue_text(period_name, self.period_text(indicator_id, period), source_kind="national",
                            period=str(period), source=self.source(indicator_id, period), indicator_id=indicator_id)
        return self.page.glue_text(name, self.display(indicator_id, period), raw_value=row["value"],
                                   unit=self.catalogue.at[indicator_id, "unit"], period=str(period),
                                   source_kind="national", source=self.source(indicator_id, period),
                                   indicator_id=indicator_id)

    # --- showing ----------------------------------------------------------------

    def glue_area(self, name: str = "area_name") -> str:
        return self.page.glue_text(name, self.area_name, source_kind="national",
                                   source=f"{display_path(data_paths(self.page.data_dir).national / 'areas.csv')}: {self.page.area_code}")

    def unavailable_note(self) -> None:
        succession = self.successions.get(self.page.area_code)
        replaced = (f" It was replaced on {succession.changed_on.day} {succession.changed_on:%B %Y} by "
                    f"{' and '.join(succession.successor_codes)}." if succession else "")
        display(HTML(f'<div class="admonition note" role="note"><p class="admonition-title">Note</p>'
                     f"<p>The national statistics have no figures for area {self.page.area_code}.{replaced}</p></div>"))

    def summary(self, indicator_ids: list[str]) -> HTML | None:
        """One row per indicator: the area, its neighbours, region and England, rank, change.

        Cells are kept short so the table fits a laptop screen: the rank as "104 / 153" with
        its direction in the column header, the quartile as its band; the year-on-year
        verdicts, being sentences, go in a collapsible under the table.
        """
        if not self.available:
            self.unavailable_note()
            return None
        rows, changes, polarities = [], {}, set()
        # London boroughs are compared with London, and with Inner or Outer London as DfE publishes them.
        english = self.area_row["english_region_name"] or self.area_row["region_name"]
        region_headings = {"region": f"Region ({english})"}
        if self.area_row["region_name"] and self.area_row["region_name"] != english:
            region_headings["subregion"] = f"Sub-region ({self.area_row['region_name']})"
        for indicator_id in indicator_ids:
            period = self.latest_period(indicator_id)
            if period is None:
                continue
            result = compare.benchmark(self.national, self.neighbours, indicator_id, self.page.area_code, period,
                                       self.catalogue, abolished=self.abolished(indicator_id, period))
            if self.authorities:
                rows.append(self._partnership_row(indicator_id, period, result, region_headings))
                polarities.add(result.polarity)
                changes[rows[-1]["Measure"]] = year_on_year_verdict(self.change(indicator_id, period))
                continue
            change = self.change(indicator_id, period)
            title, figures = measure_and_figures(self.catalogue.at[indicator_id, "title"], result)
            regions = region_cells(result, self.area_row["english_region_code"])
            polarities.add(result.polarity)
            shown_decimals = display_decimals(result.unit, result.decimals)
            row = {
                "Measure": title, "Period": self.period_text(indicator_id, period),
                self.area_name: self.with_interval(figures["area"], indicator_id, period, shown_decimals),
                "Statistical neighbours (average)": neighbour_average_cell(
                    figures["neighbours"], result.neighbours_with_value, result.neighbours_in_model,
                    result.neighbour_average_shown),
            }
            for role, heading in region_headings.items():
                row[heading] = regions.get(role, ("", ""))[1]
            row.update({
                "England": figures.get("england", ""),
                RANK: compact_rank(result),
                "Quartile band": quartile_label(result.quartile, result.polarity),
            })
            rows.append(row)
            changes[title] = year_on_year_verdict(change)
        if not rows:
            return None
        if not self.explained and self.authorities:
            self.explained = True
            self._explain_partnership()
        if not self.explained:  # once a page, before its first comparison table
            self.explained = True
            neighbours = ", ".join(self.neighbours["neighbour_name"]) or "none in the DfE model"
            explanation = (
                f"Statistical neighbours: the ten authorities most like {self.area_name} in DfE's "
                f"{NEIGHBOUR_MODEL} statistical neighbour model ({neighbours}). "
                f"{neighbour_minimum_sentence(compare.MINIMUM_NEIGHBOURS_FOR_AVERAGE)} Rank: the area's place "
                "among the local authorities with a published figure, out of how many have one.")
            self._explain(explanation, "analysis.pages.national_view: NEIGHBOUR_MODEL and "
                                       "analysis.stats.compare.MINIMUM_NEIGHBOURS_FOR_AVERAGE")
        header = rank_header(polarities)
        if any(self.interval(i, self.latest_period(i)) for i in indicator_ids if self.latest_period(i)):
            shown_area = f"{self.area_name} (95% confidence interval)"
        else:
            shown_area = self.area_name
        table = pd.DataFrame(rows).rename(columns={RANK: header, self.area_name: shown_area, **{
            name: f"{name} and its {header[0].lower()}{header[1:]}" for name in self.authorities.values()}})
        caption = (f"{self.area_name} and its authorities compared with their region and England" if self.authorities
                   else f"{self.area_name} compared with similar areas, its region and England")
        return self.page.show_table(table, caption, name="comparison", source=self.sources(indicator_ids),
                                    after=notes_html(CHANGE_NOTES, changes), notes_heading=CHANGE_NOTES,
                                    notes=changes)

    def sources(self, indicator_ids: list[str]) -> str:
        """The publications a table of these indicators comes from, and the extract that holds them."""
        publications = dict.fromkeys(self.catalogue.loc[list(indicator_ids), "publication"])
        return f"{'; '.join(publications)}, via the book's extract of national statistics ({self.extract})"

    def _partnership_row(self, indicator_id: str, period: int, result, region_headings: dict[str, str]) -> dict:
        """A summary row for a partnership over several authorities: the combined figure, each
        authority's figure with its rank ('349.8 (20 / 153)'), the region and England (the
        partnership as a whole is not ranked: DfE publishes no figure for it)."""
        title, figures = measure_and_figures(self.catalogue.at[indicator_id, "title"], result)
        regions = region_cells(result, self.area_row["english_region_code"])
        row = {"Measure": title, "Period": self.period_text(indicator_id, period),
               self.area_name: self.with_interval(figures["area"], indicator_id, period,
                                                  display_decimals(result.unit, result.decimals))}
        for code, name in self.authorities.items():
            try:
                authority = compare.benchmark(self.national, self.neighbours.iloc[0:0], indicator_id, code, period,
                                              self.catalogue, abolished=self.abolished(indicator_id, period))
            except ValueError:  # no row for the authority that year
                row[name] = "not available"
                continue
            row[name] = f"{measure_and_figures(title, authority)[1]['area']} ({compact_rank(authority)})"
        for role, heading in region_headings.items():
            row[heading] = regions.get(role, ("", ""))[1]
        row["England"] = figures.get("england", "")
        return row

    def _explain_partnership(self) -> None:
        """Say once a page how a partnership over several authorities is shown."""
        names = list(self.authorities.values())
        together = ", ".join(names[:-1]) + f" and {names[-1]}"
        explanation = (
            f"{self.area_name} covers {len(names)} local authorities: {together}. DfE publishes figures for each "
            f"authority, not for the partnership, so {self.area_name}'s figures are the authorities' combined: "
            "counts added up, and rates and percentages worked out again from the added-up numbers they are "
            "calculated from. Where one authority's figure is suppressed or not published there is no combined "
            "figure, and a figure is never an average of the authorities'. Each authority is ranked among the local "
            f"authorities with a published figure; {self.area_name} as a whole is not ranked. Statistical "
            "neighbours are not shown: DfE's model gives each authority neighbours of its own.")
        self._explain(explanation, "analysis.pages.national_view and analysis.national.combined: how a "
                                   "partnership over several authorities is combined and ranked")

    def _explain(self, explanation: str, source: str) -> None:
        """Show how the comparison tables are made, registered as every number in the prose is."""
        self.page.glue_text("comparison_explained", explanation, source_kind="code", source=source)
        display(Markdown(explanation))

    def trend(self, indicator_id: str, headline: str | None = None) -> None:
        """Line chart of every year published for the area, its region (London and Inner or Outer
        London for a London borough) and England. Years of an authority the area replaced,
        published under the same DfE code, are joined on and said so under the chart."""
        if not self.available:
            return
        meta = self.catalogue.loc[indicator_id]
        area_trend = compare.trend(self.national, indicator_id, self.page.area_code, self.catalogue,
                                   predecessors=[p.old_code for p in self.predecessors])
        area_row = self.area_row
        series = {self.area_name: area_trend.set_index("period")["value"]}
        # Counts for a region or England dwarf one area's: compare like with like, rates and shares only.
        # The English region first (London), then DfE's own region when it differs (Inner London).
        regions = [(area_row["english_region_code"] or area_row["region_code"],
                    area_row["english_region_name"] or area_row["region_name"])]
        if area_row["region_code"] and area_row["region_code"] != regions[0][0]:
            regions.append((area_row["region_code"], area_row["region_name"]))
        comparators = [] if meta["unit"] == "count" else regions + [("E92000001", "England")]
        # A partnership over several authorities: each authority's own series beside the combined one.
        comparators = [(code, name) for code, name in self.authorities.items()] + comparators
        for code, label in comparators:
            if code and code != self.page.area_code:
                try:
                    other = compare.trend(self.national, indicator_id, code, self.catalogue)
                    series[label] = other.set_index("period")["value"].reindex(series[self.area_name].index)
                except ValueError:
                    pass
        note, noted = self.reorganisation_note(area_trend)
        if area_trend["value"].notna().sum() < MINIMUM_VALUES:
            # Too few years to show a trend: the summary table and text say it; a new authority's
            # short series is explained here, as there is no chart to carry the note.
            if note:
                display(HTML(f'<p class="trend-note">{html.escape(meta["title"])}: {html.escape(note)}</p>'))
            return
        period = self.latest_period(indicator_id)
        highlight = self.period_label(indicator_id, period) if period else None
        # Never more decimals than the source published (DfE publishes some rates as whole numbers).
        decimals = display_decimals(meta["unit"], int(area_trend["decimals"].max()))
        if headline is None:
            change = self.change(indicator_id, period)
            england = series.get("England")
            headline = trend_chart_title(
                self.area_name, meta["title"], highlight, change, unit=meta["unit"], decimals=decimals,
                area_value=_latest(series[self.area_name], highlight),
                england_value=_latest(england, highlight) if england is not None else None)
        intervals = {row.period: published_interval(meta["unit"], row.numerator, row.denominator)
                     for row in area_trend.itertuples() if pd.notna(row.value)}
        chart = line_chart(series, title=headline, subtitle=f"{meta['title']}, by year", decimals=decimals,
                           intervals=intervals, unit=meta["unit"], value_heading=meta["title"], period_heading="Year",
                           source=f"{meta['publication']} ({meta['source_file']}), via the national extract",
                           highlight_period=highlight, chart_id=f"trend-{indicator_id}", note=note,
                           noted_periods=noted)
        self.page.show_chart(chart)

    def reorganisation_note(self, area_trend: pd.DataFrame) -> tuple[str | None, list[str]]:
        """What a trend says about the authorities the area replaced, and the periods it is about:
        the predecessor's years joined to the series, or why the series starts where it does."""
        joined = area_trend[area_trend["area_code"] != self.page.area_code]
        if len(joined):
            succession = next(p for p in self.predecessors if p.old_code == joined["area_code"].iloc[0])
            note = joined_series_note(succession.old_name, succession.old_code, succession.changed_on,
                                      str(self.area_row["old_la_code"]))
            return note, list(joined["period"])
        codes = [p.old_code for p in self.predecessors]
        if codes and not compare.joined_predecessors(self.national, self.page.area_code, codes):
            succession = self.predecessors[0]
            return series_start_note(self.area_name, succession.old_name, succession.old_code, succession.changed_on,
                                     str(area_trend.loc[area_trend["value"].notna(), "period"].iloc[0]),
                                     in_part=len(succession.successor_codes) > 1), []
        return None, []


def _latest(values: pd.Series, period) -> float | None:
    """The value for ``period``, or None when there is none."""
    value = values.get(period) if period is not None else None
    return None if value is None or pd.isna(value) else float(value)
