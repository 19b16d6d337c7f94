"""The Methods page's conventions, each taken from the code that applies it."""
from __future__ import annotations

import inspect

import pandas as pd

from analysis.present.charts import MINIMUM_VALUES
from analysis.present.formatting import format_number
from analysis.present.wording import LEVEL_STORY
from analysis.rounding import round_half_up
from analysis.stats import compare
from analysis.stats import significance as stats
from analysis.vocabulary import SMALL_COUNT_RANGE

STATISTICS = [
    ("Rate per 10,000 children", "count / population aged 0-17 x 10,000, population from the ONS mid-year estimate of the year before the reporting year ends", "DfE children in need and children looked after statistics, methodology"),
    ("Confidence interval for a proportion", "Wilson score interval: (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n), z the normal quantile for the confidence level", "Wilson (1927); Public Health England, Technical guide: confidence intervals"),
    ("Confidence interval for a count or rate", "Exact (Garwood) Poisson interval: lower = χ²(α/2, 2x) / 2, upper = χ²(1-α/2, 2x+2) / 2, divided by the population for a rate", "Garwood (1936); Public Health England, Technical guide: confidence intervals"),
    ("Change in a count or rate between two years", "Exact conditional test: given the total of the two counts, the later count is binomial with probability set by the two populations", "Przyborowski and Wilenski (1940), as in R's poisson.test"),
    ("Change in a proportion between two years", "Two-proportion z-test, or Fisher's exact test where any expected count is small; Newcombe's hybrid score interval for the difference", "Newcombe (1998); Fisher (1935)"),
    ("Rank and quartile", "Rank among local authorities with a published value (ties share the better rank); quartile band = ceil(4 x rank / ranked), the first quartile the best where higher or lower is better, the lowest where neither is", "DfE Local Authority Interactive Tool convention"),
]


def statistics_table() -> pd.DataFrame:
    """Each statistical method the book uses, its formula and its source."""
    return pd.DataFrame(STATISTICS, columns=["Measure", "Formula", "Source"])


def convention_values() -> dict[str, dict]:
    """Each convention the Methods page states, by the name its prose uses: the text, the raw
    value and the code it is taken from (keyword arguments for `Page.glue_text`)."""
    confidence = inspect.signature(stats.wilson_interval).parameters["confidence"].default
    low, high = SMALL_COUNT_RANGE
    example = 2.25
    return {
        "confidence_level": dict(text=f"{format_number(confidence * 100, 0)}%", raw_value=confidence, source_kind="code",
                                 source="analysis.stats.significance.wilson_interval default confidence"),
        "rate_base": dict(text=format_number(stats.rate_per_10000(1, 1), 0), raw_value=stats.rate_per_10000(1, 1),
                          source_kind="code",
                          source="analysis.stats.significance.rate_per_10000 (count / population x 10,000)"),
        "small_counts": dict(text=f"{low} to {high}", source_kind="code", source="analysis.vocabulary.SMALL_COUNT_RANGE"),
        "rounding_example": dict(text=f"{example} becomes {round_half_up(example, 1)}", raw_value=example,
                                 source_kind="code", source="analysis.rounding.round_half_up(2.25, 1)"),
        "chart_minimum": dict(text=format_number(MINIMUM_VALUES, 0), raw_value=MINIMUM_VALUES, source_kind="code",
                              source="analysis.present.charts.MINIMUM_VALUES"),
        "level_story": dict(text=f"{format_number(LEVEL_STORY * 100, 0)}%", raw_value=LEVEL_STORY, source_kind="code",
                            source="analysis.present.wording.LEVEL_STORY"),
        "neighbour_minimum": dict(text=format_number(compare.MINIMUM_NEIGHBOURS_FOR_AVERAGE, 0),
                                  raw_value=compare.MINIMUM_NEIGHBOURS_FOR_AVERAGE, source_kind="code",
                                  source="analysis.stats.compare.MINIMUM_NEIGHBOURS_FOR_AVERAGE"),
        "python_rounding": dict(text=f"{round(example, 1)}", raw_value=round(example, 1), source_kind="code",
                                source="Python's built-in round(2.25, 1)"),
    }


def glue_conventions(page, names: list[str]) -> None:
    """Glue each named convention (a name of `convention_values`) on the page, in the order
    given, registered with the code it comes from."""
    values = convention_values()
    unknown = [name for name in names if name not in values]
    if unknown:
        raise KeyError(f"no convention called {', '.join(unknown)}; the conventions are {', '.join(values)}")
    for name in names:
        page.glue_text(name, **values[name])
