"""Accessible charts in the Government Analysis Function's house style (afcharts):
headline titles, alt text from the data, and the numbers as a table with a CSV download
beneath every chart.

A chart must earn its place: it shows at least three values of one measure (a trend, or
stages of one process). Two numbers, or a number against its complement, read better as a
sentence, so :func:`bar_chart` and :func:`line_chart` refuse them.
"""
from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass
from urllib.parse import quote

import matplotlib

matplotlib.use("Agg")
import matplotlib.ticker  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from afcharts.af_colours import get_af_colours  # noqa: E402
from IPython.display import display  # noqa: E402

from analysis.present.formatting import DEFAULT_DECIMALS, format_value  # noqa: E402
from analysis.present.wording import when  # noqa: E402
from analysis.present.spreadsheets import TableData  # noqa: E402
from analysis.present.tables import WithDownload, table_html  # noqa: E402

# The Analysis Function's accessible palettes, as afcharts publishes them.
CATEGORICAL = get_af_colours("categorical")
FOCUS, CONTEXT = get_af_colours("focus")
DARK_GREY = CATEGORICAL[4]
HIGHLIGHT_RING = CATEGORICAL[2]
MINIMUM_VALUES = 3
# Axis numbers with thousands separators, as in the text ("8,000", not "8000").
THOUSANDS = matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:,.0f}" if value == int(value) else f"{value:,.1f}")


class ChartNotWorthDrawing(ValueError):
    """Fewer values than a chart needs: say them in a sentence instead."""


def apply_style() -> None:
    """afcharts' house style, sized for a 7.5-inch figure; fixed fonts and hash salt so that
    rebuilt charts are identical."""
    plt.style.use("default")
    plt.style.use("afcharts.afcharts")
    plt.rcParams.update({
        "font.family": "DejaVu Sans",  # the same font on every machine, so the same picture
        "font.size": 11,
        "axes.titlesize": 12,
        "axes.labelsize": 11,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "svg.hashsalt": "analysis-book",
        "figure.dpi": 100,
    })


def _check_enough(values, what: str) -> None:
    shown = [value for value in values if pd.notna(value)]
    if len(shown) < MINIMUM_VALUES:
        raise ChartNotWorthDrawing(
            f"a chart of {what} would show {len(shown)} value(s); a chart needs at least "
            f"{MINIMUM_VALUES} values of one measure to show more than a sentence can")


@dataclass
class Chart:
    """A finished chart: picture, words and numbers together."""

    chart_id: str
    title: str
    subtitle: str
    alt_text: str
    table: pd.DataFrame
    source: str
    png: bytes

    def to_html(self) -> str:
        image = base64.b64encode(self.png).decode("ascii")
        csv_text = self.table.to_csv(index=False)
        csv_link = "data:text/csv;charset=utf-8," + quote(csv_text)
        data_table = table_html(self.table, f"Data for the chart: {self.subtitle}", "table chart-table")
        return (
            f'<figure class="chart" id="chart-{self.chart_id}">'
            f'<p class="chart-title"><strong>{html.escape(self.title)}</strong></p>'
            f'<p class="chart-subtitle">{html.escape(self.subtitle)}</p>'
            f'<img src="data:image/png;base64,{image}" alt="{html.escape(self.alt_text)}" '
            f'style="max-width:100%;height:auto">'
            f'<figcaption>Source: {html.escape(self.source)}</figcaption>'
            f"</figure>"
            f'<details class="chart-data" open><summary>Table: the numbers in this chart</summary>'
            f"{data_table}"
            f'<p><a download="{self.chart_id}.csv" href="{csv_link}">Download the data as CSV ({self.chart_id}.csv)</a></p>'
            f"</details>"
        )

    def data(self) -> TableData:
        """The chart's numbers as its table shows them, for its spreadsheet."""
        return TableData(self.table, self.title, self.source, subtitle=self.subtitle, kind="chart")

    def show(self, link: str = "") -> None:
        """Show the chart, then ``link`` (Markdown: the link to its spreadsheet) when given."""
        display(WithDownload(self.to_html(), link))


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    # No 'Software' or date metadata, so the same chart gives the same bytes every build.
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _per_value(decimals, count: int) -> list:
    """Each value's decimals: one number for all, or one per value (None: the unit's default)."""
    if decimals is None or isinstance(decimals, int):
        return [decimals] * count
    return list(decimals)


# A long unit is written once, in the column header, so that the table's cells (and its
# CSV download) hold numbers: "<area> (per 10,000 children)" over "591.3".
HEADER_UNITS = {"rate_per_10000": "per 10,000 children"}


def _cells_text(values, unit: str, decimals) -> list[str]:
    """Each value for a table cell: without its unit when the header carries it."""
    if unit in HEADER_UNITS:
        return _values_text(values, "ratio", DEFAULT_DECIMALS[unit] if decimals is None else decimals)
    return _values_text(values, unit, decimals)


def interval_text(interval, unit: str, decimals) -> str:
    """'575.9 to 607.1' at the figure's own decimals, without the unit; '' without an interval."""
    if interval is None:
        return ""
    decimals = decimals if isinstance(decimals, int) else DEFAULT_DECIMALS.get(unit)
    return " to ".join(format_value(bound, "ratio", decimals) for bound in interval)


def _header(name: str, unit: str) -> str:
    return f"{name} ({HEADER_UNITS[unit]})" if unit in HEADER_UNITS else name


def _values_text(values, unit: str, decimals) -> list[str]:
    """Each value as the book writes it, at its source's decimals."""
    return [format_value(v, unit, d) if pd.notna(v) else "not available"
            for v, d in zip(values, _per_value(decimals, len(values)))]


def describe_bars(labels: list[str], values: list[float], unit: str, measure: str, kind: str = "Bar chart",
                  decimals: int | list[int] | None = None) -> str:
    """Alt text for a bar chart that says what the bars show and the main pattern.

    ``decimals`` is the source's decimal places, for all values or one per value."""
    texts = _values_text(values, unit, decimals)
    shown = [(label, value) for label, value in zip(labels, values) if pd.notna(value)]
    if not shown:
        return f"{kind} of {measure}: no values are available."
    parts = [f"{label}: {text}" for label, value, text in zip(labels, values, texts) if pd.notna(value)]
    text = f"{kind} of {measure}, {len(shown)} bars. " + "; ".join(parts) + "."
    if len(shown) > 2:
        top = max(shown, key=lambda pair: pair[1])
        bottom = min(shown, key=lambda pair: pair[1])
        text += f" Highest: {top[0]}; lowest: {bottom[0]}."
    elif len(shown) == 2 and shown[0][1] != 0:
        change = (shown[1][1] - shown[0][1]) / shown[0][1] * 100
        direction = "higher" if change > 0 else "lower"
        text += f" {shown[1][0]} is {format_value(abs(change), 'percentage', 0)} {direction} than {shown[0][0]}."
    return text


def bar_chart(
    labels: list[str],
    values: list[float],
    *,
    title: str,
    subtitle: str,
    unit: str,
    source: str,
    value_heading: str,
    label_heading: str = "Category",
    highlight: str | None = None,
    horizontal: bool = True,
    chart_id: str | None = None,
    decimals: int | list[int] | None = None,
) -> Chart:
    """A bar chart with each bar labelled with its value (so colour never carries meaning alone).

    ``decimals`` is the source's decimal places (one for all bars, or one per bar), so a
    figure published as '85%' is labelled '85%', never '85.0%'."""
    _check_enough(values, title)
    apply_style()
    colours = [FOCUS if highlight is None or label == highlight else CONTEXT for label in labels]
    height = max(2.2, 0.55 * len(labels) + 1.0) if horizontal else 3.6
    fig, ax = plt.subplots(figsize=(7.5, height))
    positions = range(len(labels))
    plotted = [0 if pd.isna(v) else v for v in values]
    if horizontal:
        bars = ax.barh(list(positions), plotted, color=colours)
        ax.set_yticks(list(positions), labels)
        ax.invert_yaxis()
        ax.set_xlabel(value_heading)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)  # afcharts draws value lines across; here they run down
    else:
        bars = ax.bar(list(positions), plotted, color=colours)
        ax.set_xticks(list(positions), labels)
        ax.set_ylabel(value_heading)
        ax.grid(axis="x", visible=False)
    (ax.xaxis if horizontal else ax.yaxis).set_major_formatter(THOUSANDS)
    texts = _values_text(values, unit, decimals)
    ax.bar_label(bars, labels=texts, padding=3, fontsize=10, color=DARK_GREY)
    ax.margins(x=0.15) if horizontal else ax.margins(y=0.15)
    table = pd.DataFrame({label_heading: labels, _header(value_heading, unit): _cells_text(values, unit, decimals)})
    alt = describe_bars(labels, values, unit, subtitle[0].lower() + subtitle[1:],
                        "Horizontal bar chart" if horizontal else "Bar chart", decimals)
    return Chart(chart_id or _slug(title), title, subtitle, alt, table, source, _png(fig))


def describe_trend(periods: list, values: list[float], unit: str, measure: str, highlight=None,
                   decimals: int | None = None) -> str:
    """Alt text for a line chart: first and last values, direction, and the peak, each at
    the source's ``decimals``."""
    points = [(p, v) for p, v in zip(periods, values) if pd.notna(v)]
    if not points:
        return f"Line chart of {measure}: no values are available."

    def text(value) -> str:
        return format_value(value, unit, decimals)

    (first_p, first_v), (last_p, last_v) = points[0], points[-1]
    if len(points) == 1:
        return f"Line chart of {measure}: one value, {text(first_v)} {when(first_p)}."
    direction = "rose" if last_v > first_v else "fell" if last_v < first_v else "was unchanged"
    peak_p, peak_v = max(points, key=lambda pair: pair[1])
    sentence = (f"Line chart of {measure} from {first_p} to {last_p}. It {direction} from "
                f"{text(first_v)} {when(first_p)} to {text(last_v)} {when(last_p)}; "
                f"the highest value was {text(peak_v)} {when(peak_p)}.")
    if highlight is not None:
        sentence += f" {highlight} is highlighted."
    return sentence


def line_chart(
    series: dict[str, pd.Series],
    *,
    title: str,
    subtitle: str,
    unit: str,
    source: str,
    value_heading: str,
    period_heading: str = "Year",
    highlight_period=None,
    chart_id: str | None = None,
    decimals: int | None = None,
    note: str | None = None,
    noted_periods=(),
    intervals: dict | None = None,
) -> Chart:
    """Trend lines, one per area (at most four), the first one in focus, markers on every point.

    ``decimals`` is the source's decimal places (DfE publishes some rates as whole numbers).
    ``note`` is said under the chart and in its alt text; ``noted_periods`` (periods of the
    first series) are shaded, so the years the note is about can be seen. ``intervals`` gives
    the first series' 95% confidence interval by period, (lower, upper): drawn as error bars
    and written in the chart's table."""
    _check_enough(next(iter(series.values())).values, title)
    apply_style()
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    markers = ["o", "s", "^", "D"]
    for index, (name, values) in enumerate(series.items()):
        colour = CATEGORICAL[index % len(CATEGORICAL)]
        ax.plot(values.index.astype(str), values.values, marker=markers[index % 4], color=colour,
                linewidth=2.5 if index == 0 else 1.5, label=name)
    intervals = {p: i for p, i in (intervals or {}).items() if i is not None}
    if intervals:
        first_name, first = next(iter(series.items()))
        shown = [p for p in first.index if p in intervals and pd.notna(first[p])]
        ax.errorbar([str(p) for p in shown], [first[p] for p in shown],
                    yerr=[[first[p] - intervals[p][0] for p in shown], [intervals[p][1] - first[p] for p in shown]],
                    fmt="none", ecolor=CATEGORICAL[0], elinewidth=1.2, capsize=4, zorder=4,
                    label=f"{first_name}: 95% confidence interval")
    # Shaded after the lines are drawn, when the axis already places each period.
    shaded = [str(p) for p in next(iter(series.values())).index if p in set(noted_periods)]
    if shaded:
        positions = [str(p) for p in next(iter(series.values())).index]
        ax.axvspan(positions.index(shaded[0]) - 0.5, positions.index(shaded[-1]) + 0.5, color=CONTEXT, alpha=0.25,
                   zorder=0, label="Shaded: see the note under the chart")
    if highlight_period is not None:
        first = next(iter(series.values()))
        if highlight_period in first.index and pd.notna(first[highlight_period]):
            ax.scatter([str(highlight_period)], [first[highlight_period]], s=160, facecolors="none",
                       edgecolors=HIGHLIGHT_RING, linewidths=2, zorder=5)
            # The number alone: the axis says the unit, and a long label would cover the lines.
            label = format_value(first[highlight_period], "ratio" if unit in HEADER_UNITS else unit,
                                 DEFAULT_DECIMALS.get(unit) if decimals is None else decimals)
            ax.annotate(label, (str(highlight_period), first[highlight_period]),
                        textcoords="offset points", xytext=(0, 10), ha="center", color=DARK_GREY, fontsize=10)
    ax.set_ylabel(value_heading)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(THOUSANDS)
    if decimals == 0 or unit == "count":  # whole-number figures get whole-number axis steps
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.tick_params(axis="x", rotation=45)
    ax.legend(frameon=False, loc="best")
    table = pd.DataFrame({period_heading: list(next(iter(series.values())).index)})
    for index, (name, values) in enumerate(series.items()):
        table[_header(name, unit)] = _cells_text([values.get(p) for p in table[period_heading]], unit, decimals)
        if index == 0 and intervals:
            table[f"{name}: 95% confidence interval"] = [
                interval_text(intervals.get(p), unit, decimals if decimals is not None else DEFAULT_DECIMALS.get(unit))
                for p in table[period_heading]]
    first_name, first_values = next(iter(series.items()))
    alt = describe_trend(list(first_values.index), list(first_values.values), unit,
                         f"{subtitle[0].lower() + subtitle[1:]} for {first_name}", highlight_period, decimals)
    if intervals:
        alt += f" Error bars show the 95% confidence interval of each of {first_name}'s figures."
    if len(series) > 1:
        alt += " Also shown for comparison: " + ", ".join(list(series)[1:]) + "."
    if note:
        alt += f" Note: {note}"
        source = f"{source}. Note: {note}"
    return Chart(chart_id or _slug(title), title, subtitle, alt, table, source, _png(fig))
