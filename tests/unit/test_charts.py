"""Charts: the Analysis Function palette from afcharts, alt text and tables written from the
data, stable PNGs, and no chart of fewer than three values."""
import io
import re
from urllib.parse import unquote

import numpy as np
import pandas as pd
from PIL import Image

import matplotlib.pyplot as plt
import pytest

from analysis.present.charts import (
    CATEGORICAL, CONTEXT, FOCUS, ChartNotWorthDrawing, bar_chart, describe_bars, describe_trend, line_chart,
)

# The Government Analysis Function's accessible categorical palette, in order, and its focus
# chart colours (dark blue against grey), as its data visualisation guidance lists them.
ANALYSIS_FUNCTION_PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
FOCUS_COLOUR, CONTEXT_COLOUR = "#12436D", "#BFBFBF"


def _chart():
    return bar_chart(["2022", "2023", "2024"], [40, 45, 26], title="Fewer victims", subtitle="Victims aged 10 to 24, by calendar year",
                     unit="count", source="synthetic test values", value_heading="Victims", label_heading="Year",
                     highlight="2024", horizontal=False, chart_id="knife")


def _pixels(png: bytes, colour: str) -> np.ndarray:
    """Where the picture is exactly ``colour`` (a boolean array, rows by columns)."""
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return np.all(image == rgb, axis=-1)


def _bar(png: bytes, colour: str) -> tuple[int, int, int]:
    """The solid bar drawn in ``colour``: its first and last column and its height in pixels."""
    per_column = _pixels(png, colour).sum(axis=0)
    columns = np.nonzero(per_column >= 0.9 * per_column.max())[0]
    return int(columns.min()), int(columns.max()), int(per_column.max())


def test_palette_is_the_analysis_function_palette():
    assert CATEGORICAL == ANALYSIS_FUNCTION_PALETTE
    assert (FOCUS, CONTEXT) == (FOCUS_COLOUR, CONTEXT_COLOUR)


def test_bar_chart_draws_the_highlighted_bar_in_focus_at_its_height():
    # 2023 = 45 (the tallest) in the context grey, then the highlighted 2024 = 26 in the focus blue.
    grey_left, grey_right, grey_height = _bar(_chart().png, CONTEXT_COLOUR)
    blue_left, blue_right, blue_height = _bar(_chart().png, FOCUS_COLOUR)
    assert grey_right < blue_left
    assert abs((blue_right - blue_left) - (grey_right - grey_left)) <= 1  # the same width, to the pixel
    assert abs(blue_height - grey_height * 26 / 45) <= 2, (blue_height, grey_height)


def test_line_chart_draws_each_series_in_the_palette_order():
    chart = line_chart({"Area": pd.Series([1.0, 2.0, 3.0], index=[2020, 2021, 2022]),
                        "England": pd.Series([2.0, 2.5, 2.7], index=[2020, 2021, 2022])},
                       title="t", subtitle="Rate", unit="rate_per_10000", source="synthetic", value_heading="Rate")
    drawn = {colour: int(_pixels(chart.png, colour).sum()) for colour in ANALYSIS_FUNCTION_PALETTE}
    assert drawn[ANALYSIS_FUNCTION_PALETTE[0]] > 100 and drawn[ANALYSIS_FUNCTION_PALETTE[1]] > 100, drawn
    assert all(drawn[colour] == 0 for colour in ANALYSIS_FUNCTION_PALETTE[2:4]), drawn


def test_chart_html_has_title_alt_table_and_csv():
    html = _chart().to_html()
    assert "<strong>Fewer victims</strong>" in html
    alt = re.search(r'alt="([^"]+)"', html).group(1)
    assert alt.startswith("Bar chart of victims aged 10 to 24")
    assert "3 bars. 2022: 40; 2023: 45; 2024: 26." in alt and "Highest: 2023; lowest: 2024." in alt
    # A cell may carry attributes (its column header for phones): match the cell by its content.
    assert "<caption>Data for the chart" in html and re.search(r"<td[^>]*>45</td>", html)
    csv = re.search(r'href="data:text/csv;charset=utf-8,([^"]+)"', html).group(1)
    assert unquote(csv) == "Year,Victims\n2022,40\n2023,45\n2024,26\n"


def test_charts_are_byte_identical_when_rebuilt():
    assert _chart().png == _chart().png
    png = _chart().png
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"Software" not in png and b"matplotlib" not in png


def test_alt_text_names_highest_and_lowest():
    text = describe_bars(["A", "B", "C"], [3, 9, 1], "percentage", "share")
    assert "Highest: B; lowest: C" in text and "A: 3.0%" in text


def test_trend_alt_text_direction_and_peak():
    text = describe_trend([2020, 2021, 2022], [10, 30, 20], "count", "referrals", highlight=2022)
    assert "rose from 10 in 2020 to 20 in 2022" in text and "highest value was 30 in 2021" in text


def test_line_chart_table_lists_every_year_and_missing_values():
    chart = line_chart({"Area": pd.Series([1.0, None, 3.0, 4.0], index=[2020, 2021, 2022, 2023]),
                        "England": pd.Series([2.0, 2.5, 2.7, 2.8], index=[2020, 2021, 2022, 2023])},
                       title="t", subtitle="Rate", unit="rate_per_10000", source="synthetic", value_heading="Rate")
    assert chart.table["Year"].tolist() == [2020, 2021, 2022, 2023]
    # The rate's unit is in the header once; the cells, and so the CSV, hold numbers.
    assert list(chart.table.columns) == ["Year", "Area (per 10,000 children)", "England (per 10,000 children)"]
    assert chart.table["Area (per 10,000 children)"].tolist() == ["1.0", "not available", "3.0", "4.0"]
    assert "Also shown for comparison: England" in chart.alt_text


def test_charts_show_each_value_at_its_sources_decimals():
    # 85% and 100% were published as whole numbers, 79.4% with one decimal.
    chart = bar_chart(["A", "B", "C"], [85, 100, 79.4], title="t", subtitle="Share", unit="percentage",
                      source="synthetic", value_heading="Share (%)", decimals=[0, 0, 1])
    assert list(chart.table["Share (%)"]) == ["85%", "100%", "79.4%"]
    assert "A: 85%; B: 100%; C: 79.4%." in chart.alt_text
    # Without the source's decimals, the unit's default applies (one decimal for a percentage).
    default = bar_chart(["A", "B", "C"], [85, 90, 95], title="t", subtitle="Share", unit="percentage",
                        source="synthetic", value_heading="Share (%)")
    assert list(default.table["Share (%)"]) == ["85.0%", "90.0%", "95.0%"]


def test_trend_tables_and_alt_text_keep_whole_number_rates_whole():
    rates = pd.Series([50.0, 59.0, 58.0], index=["31 March 2023", "31 March 2024", "31 March 2025"])
    chart = line_chart({"Area": rates}, title="t", subtitle="Rate", unit="rate_per_10000", source="synthetic",
                       value_heading="Rate", decimals=0)
    assert list(chart.table["Area (per 10,000 children)"]) == ["50", "59", "58"]
    assert "from 50 per 10,000 children on 31 March 2023 to 58 per 10,000 children on 31 March 2025" in chart.alt_text
    assert ".0" not in chart.alt_text


def test_trend_alt_text_says_in_for_a_year():
    alt = describe_trend(["2023-24", "2024-25"], [10, 12], "count", "referrals")
    assert "from 10 in 2023-24 to 12 in 2024-25" in alt


@pytest.mark.parametrize("values", [[45, 26], [79.4, 20.6], [85, None, None], [5]])
def test_a_bar_chart_of_fewer_than_three_values_is_refused(values):
    # Two numbers, or a number against its complement, read better as a sentence.
    labels = [f"label {i}" for i in range(len(values))]
    with pytest.raises(ChartNotWorthDrawing, match="at least 3 values"):
        bar_chart(labels, values, title="t", subtitle="Share", unit="percentage", source="synthetic",
                  value_heading="Share (%)")


def test_a_trend_of_fewer_than_three_years_is_refused():
    with pytest.raises(ChartNotWorthDrawing, match="would show 2 value"):
        line_chart({"Area": pd.Series([1.0, None, 3.0], index=[2020, 2021, 2022])}, title="t", subtitle="Rate",
                   unit="rate_per_10000", source="synthetic", value_heading="Rate")


def test_whole_number_trends_get_whole_number_axis_steps(monkeypatch):
    # Published as whole percentages (19%, 20%, 18%, 17%, 21%): no axis step of 2.5 or 17.5.
    ticks = []
    real_close = plt.close
    monkeypatch.setattr(plt, "close", lambda fig: (ticks.extend(fig.axes[0].get_yticks()), real_close(fig)))
    line_chart({"Area": pd.Series([19.0, 20.0, 18.0, 17.0, 21.0], index=range(2019, 2024))}, title="t",
               subtitle="Share", unit="percentage", source="synthetic", value_heading="Share", decimals=0)
    assert ticks and all(float(tick).is_integer() for tick in ticks), ticks


def test_a_trend_with_intervals_draws_error_bars_and_lists_each_interval():
    years = pd.Series([20.0, 22.5, 21.0], index=["2022-23", "2023-24", "2024-25"])
    intervals = {"2022-23": (18.04, 22.1), "2023-24": (20.5, 24.55), "2024-25": None}
    chart = line_chart({"Area": years}, title="t", subtitle="Share", unit="percentage", source="s",
                       value_heading="Share", decimals=1, intervals=intervals)
    assert list(chart.table["Area: 95% confidence interval"]) == ["18.0 to 22.1", "20.5 to 24.6", ""]
    assert "95% confidence interval" in chart.alt_text
    plain = line_chart({"Area": years}, title="t", subtitle="Share", unit="percentage", source="s",
                       value_heading="Share", decimals=1)
    assert "Area: 95% confidence interval" not in plain.table.columns and "confidence" not in plain.alt_text
