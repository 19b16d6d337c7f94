"""The Methods page's conventions, each taken from the code that applies it, and how each
national measure's change on the year before is tested (:mod:`analysis.stats.dispersion`)."""
from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pandas as pd

from analysis.config import PROJECT_ROOT, data_paths
from analysis.inputs.catalogue import load_key_findings, load_sections
from analysis.national.load import national_catalogue
from analysis.pages.measures import measures_on_pages, notebook_code
from analysis.stats import dispersion as dispersion_rule

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
    ("Dispersion of a measure", "Average over every local authority and pair of consecutive years of z², z the plain test's score statistic (Pearson chi-square divided by its degrees of freedom)", "McCullagh and Nelder (1989), section 9.2"),
    ("Change in an over-dispersed count, rate or proportion", "The plain test in its normal form with the variance multiplied by the dispersion φ: z = (observed − expected) / √(φ × variance), the same as the plain test on the numbers divided by φ", "Wedderburn (1974), quasi-likelihood; McCullagh and Nelder (1989)"),
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


# --------------------------------------------------------------------------------------
# How each change on the year before is tested
# --------------------------------------------------------------------------------------
METHOD_WORDS = {
    dispersion_rule.PLAIN: "plain test",
    dispersion_rule.QUASI: "over-dispersed test",
    dispersion_rule.NOT_TESTED: "not tested: an estimate",
}
NOTEBOOKS = PROJECT_ROOT / "notebooks"


def edition_measures(data_dir=None, sections: tuple[str, ...] | None = None,
                     notebooks: Path = NOTEBOOKS, shown: dict[str, list[str]] | None = None) -> list[str]:
    """Every national measure whose change on the year before an edition's pages show: the
    section pages' comparison tables and trend charts (the sections given, or all) and the
    front page's national headline tiles (data/reference/key_findings.csv). A measure shown in
    several places is the same test, listed once. ``shown``: each section notebook's measures
    as the build recorded them (analysis.pages.measures); without it the notebooks in
    ``notebooks`` are read."""
    catalogue = set(national_catalogue(data_paths(data_dir).reference)["indicator_id"])
    table = load_sections(data_dir)
    found = []
    for section in table.index:
        if sections is not None and section not in sections:
            continue
        notebook = table.at[section, "notebook"]
        if shown is not None:
            found += shown.get(notebook, [])
            continue
        path = Path(notebooks) / f"{notebook}.ipynb"
        if path.exists():
            found += measures_on_pages(notebook_code(path))
    findings = load_key_findings(data_dir)
    found += list(findings.loc[findings["source"] == "national", "indicator_id"])
    return [m for m in dict.fromkeys(found) if m in catalogue]


def partnership_tested_tiles(data_dir=None) -> int:
    """How many of the front page's headline tiles are the partnership's own figures, whose change
    is shown but not tested (analysis.pages.findings.PARTNERSHIP_NOT_TESTED)."""
    findings = load_key_findings(data_dir)
    return int((findings["source"] == "partnership").sum())


def verdict_methods(data_dir=None) -> pd.DataFrame:
    """Every national measure with its dispersion in the national extract and the test the book
    uses for its change on the year before (:func:`analysis.stats.dispersion.dispersion_table`)."""
    paths = data_paths(data_dir)
    table = dispersion_rule.dispersion_table(str(paths.national), str(paths.reference))
    titles = national_catalogue(paths.reference).set_index("indicator_id")["title"]
    return table.assign(title=table["indicator_id"].map(titles))


def verdict_methods_table(data_dir=None, measures: list[str] | None = None) -> pd.DataFrame:
    """The Methods page's table: each measure (those given, or all), its dispersion and its test."""
    table = verdict_methods(data_dir)
    if measures is not None:
        table = table.set_index("indicator_id").loc[[m for m in measures if m in set(table["indicator_id"])]]
        table = table.reset_index()
    return pd.DataFrame({
        "Measure": table["title"],
        "Authority-year pairs": [format_number(v, 0) for v in table["pairs"]],
        "Dispersion": [format_number(round_half_up(v, 2), 2) if v == v else "not measured"
                       for v in table["dispersion"]],
        "Test of the change on the year before": [METHOD_WORDS[m] for m in table["method"]],
    })


def _titles(table: pd.DataFrame) -> str:
    titles = list(table["title"])
    if not titles:
        return "none"
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + f" and {titles[-1]}"


def verdict_rule_values(data_dir=None, sections: tuple[str, ...] | None = None,
                        own_figures: bool = True, shown: dict[str, list[str]] | None = None) -> dict[str, dict]:
    """The numbers the Methods page states about the year-on-year tests, by the name its prose
    uses (keyword arguments for `Page.glue_text`), each from the code or data it comes from."""
    confidence = inspect.signature(compare.year_on_year).parameters["confidence"].default
    threshold = dispersion_rule.OVERDISPERSION_THRESHOLD
    table = verdict_methods(data_dir)
    measures = edition_measures(data_dir, sections, shown=shown)
    shown = table[table["indicator_id"].isin(measures)]
    tested = shown[shown["method"] != dispersion_rule.NOT_TESTED]
    by_method = {m: shown[shown["method"] == m] for m in METHOD_WORDS}
    missing = table[table["indicator_id"] == "cla_missing_incidents_per_child"]
    tiles = partnership_tested_tiles(data_dir) if own_figures else 0
    code = "analysis.stats.dispersion"
    pages = ("analysis.pages.methods.edition_measures: the measures in the section notebooks' summary and trend "
             "calls and the national rows of data/reference/key_findings.csv")
    values = {
        "yoy_threshold": dict(text=format_number(threshold, 1), raw_value=threshold, source_kind="code",
                              source=f"{code}.OVERDISPERSION_THRESHOLD"),
        "yoy_threshold_chance": dict(
            text=f"{format_number(round_half_up(dispersion_rule.chance_flagged_share(threshold, confidence) * 100, 0), 0)} in 100",
            raw_value=dispersion_rule.chance_flagged_share(threshold, confidence), source_kind="code",
            source=f"{code}.chance_flagged_share(OVERDISPERSION_THRESHOLD)"),
        "yoy_nominal_chance": dict(text=f"{format_number(round_half_up((1 - confidence) * 100, 0), 0)} in 100",
                                   raw_value=1 - confidence, source_kind="code",
                                   source="1 - analysis.stats.compare.year_on_year default confidence"),
        "yoy_minimum_pairs": dict(text=format_number(dispersion_rule.MINIMUM_PAIRS, 0),
                                  raw_value=dispersion_rule.MINIMUM_PAIRS, source_kind="code",
                                  source=f"{code}.MINIMUM_PAIRS"),
        "yoy_measures_shown": dict(text=format_number(len(shown), 0), raw_value=len(shown), source_kind="code",
                                   source=pages),
        "yoy_tests": dict(text=format_number(len(tested), 0), raw_value=len(tested), source_kind="code",
                          source=pages + ", less the estimates"),
        "yoy_chance_flags": dict(text=format_number(round_half_up(len(tested) * (1 - confidence), 1), 1),
                                 raw_value=len(tested) * (1 - confidence), source_kind="code",
                                 source="the number of tests x (1 - confidence)"),
        "yoy_quasi_count": dict(text=format_number(len(by_method[dispersion_rule.QUASI]), 0),
                                raw_value=len(by_method[dispersion_rule.QUASI]), source_kind="code",
                                source=f"{code}.dispersion_table: measures on this edition's pages above the threshold"),
        "yoy_plain_count": dict(text=format_number(len(by_method[dispersion_rule.PLAIN]), 0),
                                raw_value=len(by_method[dispersion_rule.PLAIN]), source_kind="code",
                                source=f"{code}.dispersion_table: measures on this edition's pages at or below the threshold"),
        "yoy_plain_measures": dict(text=_titles(by_method[dispersion_rule.PLAIN]), source_kind="code",
                                   source=f"{code}.dispersion_table: the measures with the plain test"),
        "yoy_untested_measures": dict(text=_titles(table[table["method"] == dispersion_rule.NOT_TESTED]),
                                      source_kind="catalogue",
                                      source="data/reference/national_indicators.csv, kind estimate"),
        "yoy_partnership_tiles": dict(text=format_number(tiles, 0), raw_value=tiles, source_kind="code",
                                      source="analysis.pages.methods.partnership_tested_tiles (key_findings.csv)"),
    }
    if len(missing):
        row = missing.iloc[0]
        values["yoy_example_dispersion"] = dict(
            text=format_number(round_half_up(row["dispersion"], 0), 0), raw_value=row["dispersion"],
            source_kind="national", indicator_id="cla_missing_incidents_per_child",
            source=f"{code}.dispersion_table: cla_missing_incidents_per_child, every local authority and pair of years")
        values["yoy_example_plain_flagged"] = dict(
            text=f"{format_number(round_half_up(row['flagged_plain'] * 100, 0), 0)}%", raw_value=row["flagged_plain"],
            source_kind="national", indicator_id="cla_missing_incidents_per_child",
            source=f"{code}.dispersion_table: share of pairs with |z| > 1.96 under the plain test")
    return values


def glue_verdict_rule(page, names: list[str]) -> list[str]:
    """Glue each named number the Methods page states about the year-on-year tests (names of
    `verdict_rule_values`, in the order given); returns the measures on the edition's pages,
    for the table."""
    about = page.partnership.about
    sections = tuple(about.sections) if about is not None else None
    own = bool(about is not None and about.own_figures)
    # In a build, each section's measures as the build read them from the edition's notebooks.
    facts = page.edition_facts()
    shown = facts.get("measures_shown") if facts else None
    values = verdict_rule_values(page.data_dir, sections, own, shown)
    unknown = [name for name in names if name not in values]
    if unknown:
        raise KeyError(f"no year-on-year value called {', '.join(unknown)}; they are {', '.join(values)}")
    for name in names:
        page.glue_text(name, **values[name])
    return edition_measures(page.data_dir, sections, shown=shown)
