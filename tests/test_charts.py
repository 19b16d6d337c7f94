import base64
import re

import pandas as pd

from analysis.charts import CATEGORICAL, CONTEXT, FOCUS, bar_chart, describe_bars, describe_trend, line_chart


def _chart():
    return bar_chart(["2023", "2024"], [45, 26], title="Fewer victims", subtitle="Victims aged 10 to 24, by calendar year",
                     unit="count", source="synthetic test values", value_heading="Victims", label_heading="Year",
                     highlight="2024", horizontal=False, chart_id="knife")


def test_palette_is_the_analysis_function_palette():
    assert CATEGORICAL[:4] == ["#12436D", "#28A197", "#801650", "#F46A25"]
    assert FOCUS == "#12436D" and CONTEXT == "#BFBFBF"


def test_chart_html_has_title_alt_table_and_csv():
    html = _chart().to_html()
    assert "<strong>Fewer victims</strong>" in html
    alt = re.search(r'alt="([^"]+)"', html).group(1)
    assert alt.startswith("Bar chart of victims aged 10 to 24")
    assert "2023: 45; 2024: 26" in alt and "2024 is 42% lower than 2023" in alt
    assert "<caption>Data for the chart" in html and "<td>45</td>" in html
    csv = re.search(r'href="data:text/csv;charset=utf-8,([^"]+)"', html).group(1)
    assert "Year%2CVictims" in csv


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
    chart = line_chart({"Area": pd.Series([1.0, None, 3.0], index=[2020, 2021, 2022]),
                        "England": pd.Series([2.0, 2.5, 2.7], index=[2020, 2021, 2022])},
                       title="t", subtitle="Rate", unit="rate_per_10000", source="synthetic", value_heading="Rate")
    assert chart.table["Year"].tolist() == [2020, 2021, 2022]
    assert chart.table["Area"].tolist()[1] == "not available"
    assert "Also shown for comparison: England" in chart.alt_text
