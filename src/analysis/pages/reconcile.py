"""Side by side: the report's own figure and the nearest national statistic, never merged.

The table shows the figures and the gap between them. Under it, each pair's gap is explained
from the data, never by hand: its size (absolute and relative), whether the two periods differ
and which they are, how much of it rounding and a change over time could explain, and the part
known factors explain where the national data allows (placements with no distance recorded).
The partnership's reconciliation.csv holds only what differs in the two DEFINITIONS
(``definitions_differ``); it may not claim anything about the size of a gap.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from analysis.config import display_path
from analysis.errors import InputError, InputProblem
from analysis.inputs.catalogue import read_reference_csv
from analysis.inputs.edition import Figure
from analysis.inputs.partnership import edition_data_paths
from analysis.pages.national_view import period_end
from analysis.pages.page import yearly_values
from analysis.periods import ReportYear, period_label
from analysis.present.formatting import display_decimals, format_number, format_value
from analysis.present.headlines import mid_sentence
from analysis.present.tables import notes_html, show_table
from analysis.vocabulary import PERIOD_TYPE_LABELS

# --------------------------------------------------------------------------------------
# The pairs: data/partnerships/<id>/reconciliation.csv, read and checked
# --------------------------------------------------------------------------------------
PAIR_COLUMNS = ["partnership_indicator", "national_indicator", "definitions_differ"]
# What the hand-written text may not do: state a size, or put a gap down to rounding or timing.
SIZE_CLAIM = re.compile(r"%|\bper ?cent|\b(?:round\w*|approximat\w*|timing|gaps?|explain\w*)\b", re.IGNORECASE)


def pairs_path(data_dir: Path | str | None, area: str | None) -> Path:
    """The partnership's reconciliation.csv (it may keep none)."""
    return edition_data_paths(data_dir, area).partnership / "reconciliation.csv"


def pair_problems(file: str, line: int, row: pd.Series, local_ids, national_ids) -> list[InputProblem]:
    """What is wrong with one row of reconciliation.csv (``line`` as a spreadsheet numbers it)."""
    problems = []
    if row["partnership_indicator"] not in local_ids:
        problems.append(InputProblem(file, "not an indicator in data/reference/indicators.csv", line,
                                     "partnership_indicator", row["partnership_indicator"]))
    if row["national_indicator"] not in national_ids:
        problems.append(InputProblem(file, "not an indicator in data/reference/national_indicators.csv", line,
                                     "national_indicator", row["national_indicator"]))
    text = row["definitions_differ"].strip()
    if not text:
        problems.append(InputProblem(file, "must say how the two definitions differ", line, "definitions_differ"))
    elif claim := SIZE_CLAIM.search(text):
        problems.append(InputProblem(
            file, f"must describe definitions only: '{claim.group(0)}' is about the size of the gap, which the "
                  "page computes from the data", line, "definitions_differ", text))
    return problems


def load_pairs(data_dir: Path | str | None, area: str | None, local_ids, national_ids) -> pd.DataFrame:
    """The partnership's pairs, checked (InputError naming file, row, column and rule); none
    when it keeps no reconciliation.csv."""
    path = pairs_path(data_dir, area)
    if not path.exists():
        return pd.DataFrame(columns=PAIR_COLUMNS)
    table = read_reference_csv(path, PAIR_COLUMNS)
    file = display_path(path)
    problems = [problem for offset, row in table.iterrows()
                for problem in pair_problems(file, offset + 2, row, set(local_ids), set(national_ids))]
    if problems:
        raise InputError(problems)
    return table


# --------------------------------------------------------------------------------------
# The numbers (no wording): the gap, rounding, periods, change over time, known factors
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Gap:
    """The report's figure minus the national figure, and that as a share of the national."""

    report: float
    national: float

    @property
    def absolute(self) -> float:
        return self.report - self.national

    @property
    def relative(self) -> float | None:
        """The gap as a percentage of the national figure (None when that is zero)."""
        return self.absolute / self.national * 100 if self.national else None


def rounded_to(value: float) -> int:
    """The place a figure given as approximate was rounded to: 44,000 -> 1,000; 3,700 -> 100."""
    place = 1
    while value and value % (place * 10) == 0 and place * 10 < abs(value):
        place *= 10
    return place


def rounding_margin(value: float, unit: str, decimals: int, qualifier: str = "") -> float:
    """The most that rounding can have moved a figure either way: half the place it was
    rounded to ('about 44,000': 500), half its last decimal for a percentage or rate (85%: 0.5;
    61.4%: 0.05), nothing for an exact count."""
    if qualifier == "about":
        return rounded_to(value) / 2
    if unit == "count":
        return 0.0
    return 0.5 * 10 ** -decimals


def decimals_needed(value: float) -> int:
    """The fewest decimals that write a margin exactly: 500 -> 0, 0.55 -> 2."""
    return next((d for d in range(4) if round(value, d) == round(value, 6)), 3)


def report_span(period: str, period_type: str) -> tuple[date, date]:
    """The first and last day a report figure's period covers."""
    if period_type == "calendar_year":
        return date(int(period), 1, 1), date(int(period), 12, 31)
    if period_type == "academic_year":
        start = int(period[:4])
        return date(start, 9, 1), date(start + 1, 8, 31)
    year = ReportYear.parse(period)
    return year.first_day, year.last_day


def national_span(time_period: int, period_type: str) -> tuple[date, date]:
    """The first and last day a national statistic's period covers (one day for a snapshot
    or a mid-year estimate)."""
    end = period_end(time_period, period_type)
    starts = {"reporting_year": date(end.year - 1, 4, 1), "calendar_year": date(end.year, 1, 1),
              "academic_year": date(end.year - 1, 9, 1)}
    return starts.get(period_type, end), end


def period_relation(report: tuple[date, date], national: tuple[date, date]) -> str:
    """How the national statistic's period stands to the report's: 'same', 'last_day' (a
    count on the report year's last day), 'within' (a day inside it), 'earlier' (ending before
    it starts) or 'other'."""
    if report == national:
        return "same"
    if national[0] == national[1] == report[1]:
        return "last_day"
    if national[0] == national[1] and report[0] <= national[0] <= report[1]:
        return "within"
    if national[1] < report[0]:
        return "earlier"
    return "other"


def years_earlier(report: tuple[date, date], national: tuple[date, date]) -> int:
    """Whole years from the end of the national period to the end of the report's."""
    return report[1].year - national[1].year


@dataclass(frozen=True)
class YearlyChange:
    """The largest change in a published series from one year to the next, and the span."""

    largest: float
    first: int
    last: int


def largest_yearly_change(values: pd.Series) -> YearlyChange | None:
    """The largest change between consecutive years of a series indexed by year (a missing
    year breaks the run); None with fewer than two consecutive values."""
    changes = values.sort_index().diff().abs().dropna()
    published = values.dropna()
    if changes.empty:
        return None
    return YearlyChange(float(changes.max()), int(published.index.min()), int(published.index.max()))


@dataclass(frozen=True)
class DistanceRecorded:
    """DfE's new placements during the year: all, those with no distance recorded, and those
    under 20 miles from home."""

    placements: int
    not_recorded: int
    under_20_miles: int

    @property
    def recorded(self) -> int:
        return self.placements - self.not_recorded

    @property
    def share_of_recorded(self) -> float:
        """Placements under 20 miles as a percentage of those with a distance recorded."""
        return self.under_20_miles / self.recorded * 100


def distance_recorded(under_20_row: pd.Series | None, not_known_row: pd.Series | None) -> DistanceRecorded | None:
    """The counts behind DfE's share of new placements under 20 miles and its share with no
    distance recorded (the same year's rows); None when a count is suppressed or missing, or
    the two are not of the same placements."""
    if under_20_row is None or not_known_row is None:
        return None
    counts = [under_20_row["denominator"], not_known_row["numerator"], under_20_row["numerator"],
              not_known_row["denominator"]]
    if any(pd.isna(count) for count in counts) or counts[0] != counts[3] or counts[0] == counts[1]:
        return None
    return DistanceRecorded(int(counts[0]), int(counts[1]), int(counts[2]))


# --------------------------------------------------------------------------------------
# The words, each number glued through the page (and so in its register)
# --------------------------------------------------------------------------------------
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
                9: "nine"}


def publisher(catalogue_row: pd.Series) -> str:
    """Who publishes a national statistic, as the page names it: ONS or DfE."""
    return "ONS" if str(catalogue_row["publication"]).startswith("ONS") else "DfE"


def gap_unit(unit: str) -> str:
    """The unit a gap between two figures of ``unit`` is registered in."""
    return "percentage_points" if unit == "percentage" else unit


def in_units(text: str, unit: str) -> str:
    """A glued amount with what it counts: '23.6 percentage points', '1 percentage point', '500'."""
    if unit != "percentage":
        return text
    return f"{text} percentage point" + ("" if text == "1" else "s")


def precision_words(decimals: int, plural: bool = False) -> str:
    """'a whole number' ('whole numbers'), 'given to one decimal place'."""
    if decimals == 0:
        return "whole numbers" if plural else "a whole number"
    return f"given to {NUMBER_WORDS.get(decimals, str(decimals))} decimal place" + ("s" if decimals > 1 else "")


@dataclass
class Pair:
    """One pair on the page: its number (for glue names), the report's figure, the national
    statistic's row and catalogue entry, and the texts already glued."""

    number: int
    local: Figure
    row: pd.Series
    meta: pd.Series
    national_text: str
    decimals: int  # the gap's decimals: the finer of the two figures as the book shows them

    @property
    def who(self) -> str:
        return publisher(self.meta)

    @property
    def gap(self) -> Gap:
        return Gap(self.local.value, float(self.row["value"]))


def glue_gap(page, pair: Pair) -> tuple[str, str]:
    """Glue the gap and the gap relative to the national figure; return their texts."""
    gap, n = pair.gap, pair.number
    how = (f"{pair.local.indicator_id} {pair.local.value:g} ({pair.local.period}) minus "
           f"{pair.meta['indicator_id']} {pair.row['value']:g} ({int(pair.row['time_period'])})")
    size = page.glue_derived(f"gap_{n}", abs(gap.absolute), gap_unit(pair.local.unit),
                             how, decimals=pair.decimals, period=page.year, indicator_id=pair.local.indicator_id)
    if gap.relative is None:
        return size, ""
    relative_decimals = 0 if abs(gap.relative) >= 0.5 or gap.relative == 0 else 1
    relative = page.glue_derived(f"gap_relative_{n}", abs(gap.relative), "percentage", f"({how}) / "
                                 f"{pair.row['value']:g} x 100", decimals=relative_decimals, period=page.year,
                                 indicator_id=pair.local.indicator_id)
    return size, relative


def gap_is_nil(pair: Pair) -> bool:
    """Whether the two figures are the same as the book shows them."""
    return format_number(abs(pair.gap.absolute), pair.decimals) == format_number(0, pair.decimals)


def gap_cell(size: str, relative: str, pair: Pair) -> str:
    """The gap for the table: '8,724 (25%) above', '23.6 percentage points (38%) above', 'the same'."""
    if gap_is_nil(pair):
        return "The same"
    where = "above" if pair.gap.absolute > 0 else "below"
    return f"{in_units(size, pair.local.unit)}" + (f" ({relative})" if relative else "") + f" {where}"


def gap_sentence(size: str, relative: str, pair: Pair) -> str:
    """'The report's figure (about 44,000) is 8,724 (25%) above ONS's (35,276).'"""
    if gap_is_nil(pair):
        return f"The report's figure ({pair.local.text}) and {pair.who}'s ({pair.national_text}) are the same."
    return (f"The report's figure ({pair.local.text}) is {gap_cell(size, relative, pair)} "
            f"{pair.who}'s ({pair.national_text}).")


def period_sentence(pair: Pair, relation: str, report: tuple, national: tuple) -> str:
    """Whether the periods differ, and which they are."""
    local = f"{pair.local.period} ({PERIOD_TYPE_LABELS[pair.local.period_type].split(',')[0]})"
    time_period, period_type = int(pair.row["time_period"]), pair.meta["period_type"]
    day = f"{national[1].day} {national[1]:%B %Y}"
    if relation == "same":
        return f"The periods are the same: both figures are for {pair.local.period}."
    kind = "an estimate for" if period_type == "mid_year" else "a snapshot on"
    if relation == "last_day":
        return (f"The periods differ: the report's figure is for {local}; {pair.who}'s is {kind} {day}, "
                "the last day of that year.")
    if relation == "within":
        return (f"The periods differ: the report's figure is for {local}; {pair.who}'s is {kind} {day}, "
                "within that year.")
    label = period_label(time_period, period_type)
    if relation == "earlier":
        years = years_earlier(report, national)
        count = NUMBER_WORDS.get(years, str(years))
        return (f"The years differ: the report's figure is for {local}; {pair.who}'s latest published figure "
                f"is for {label}, {count} year{'s' if years > 1 else ''} earlier.")
    return f"The periods differ: the report's figure is for {local}; {pair.who}'s is for {label}."


def rounding_sentence(page, pair: Pair) -> str:
    """How much rounding can explain, computed from how each figure was given, and whether
    the gap exceeds it."""
    local, n = pair.local, pair.number
    national_decimals = int(pair.row["decimals"])
    margin = (rounding_margin(local.value, local.unit, local.decimals, local.qualifier)
              + rounding_margin(pair.row["value"], pair.meta["unit"], national_decimals))
    if margin == 0:
        return "Both figures are exact counts, so rounding explains none of the gap."
    text = page.glue_derived(f"rounding_{n}", margin, gap_unit(local.unit),
                             "half the last place each figure was given to, added up",
                             decimals=decimals_needed(margin), period=page.year, indicator_id=local.indicator_id)
    if local.qualifier == "about":
        place = page.glue_derived(f"rounded_to_{n}", rounded_to(local.value), "count",
                                  f"the place {local.value:g} was rounded to", period=local.period,
                                  indicator_id=local.indicator_id)
        how = f"The report's figure is rounded to the nearest {place} ({local.text})"
    elif local.decimals == national_decimals:
        how = (f"The report's {local.text} and {pair.who}'s {pair.national_text} are both "
               f"{precision_words(local.decimals, plural=True)}")
    else:
        how = (f"The report's {local.text} is {precision_words(local.decimals)} and {pair.who}'s "
               f"{pair.national_text} is {precision_words(national_decimals)}")
    verdict = ("The gap is larger, so rounding cannot explain it." if abs(pair.gap.absolute) > margin
               else "The gap is no larger, so rounding alone could explain it." if not gap_is_nil(pair) else "")
    return f"{how}, so rounding explains at most {in_units(text, local.unit)} either way. {verdict}".strip()


def timing_sentence(page, national, pair: Pair) -> str:
    """How far the national figure has moved from one year to the next, against the gap: the
    most a difference in period of up to a year could explain on past changes."""
    indicator_id, n = pair.meta["indicator_id"], pair.number
    change = largest_yearly_change(yearly_values(national, indicator_id))
    if change is None:
        return (f"{pair.who} has published only one year of this figure, so how much it changes from one year "
                "to the next is not known.")
    period_type = pair.meta["period_type"]
    text = page.glue_derived(f"yearly_change_{n}", change.largest, gap_unit(pair.local.unit),
                             f"largest change from one year to the next in {indicator_id}, {page.area_code}, "
                             f"{change.first} to {change.last}", decimals=pair.decimals, period=str(change.last),
                             indicator_id=indicator_id)
    span = f"{period_label(change.first, period_type)} to {period_label(change.last, period_type)}"
    verdict = ("The gap is larger, so on past changes the difference in period cannot explain it."
               if abs(pair.gap.absolute) > change.largest
               else "The gap is no larger, so the difference in period could explain it.")
    return (f"From one year to the next, {pair.who}'s figure for {national.area_name} has changed by at most "
            f"{in_units(text, pair.local.unit)} ({span}). {verdict}")


def distance_sentences(page, national, pair: Pair, size: str) -> list[str]:
    """The part of the gap in placements within 20 miles explained by DfE counting new
    placements with no distance recorded, recomputed without them."""
    period, n = int(pair.row["time_period"]), pair.number
    not_known_id = "cla_new_placements_distance_not_known_pct"
    counts = distance_recorded(pair.row, national.row(not_known_id, period))
    if counts is None:
        return []
    source = f"{national.source(pair.meta['indicator_id'], period)}; {national.source(not_known_id, period)}"

    def glue(name, value, unit, how, decimals=0):
        return page.glue_derived(f"{name}_{n}", value, unit, f"{how}; {source}", decimals=decimals,
                                 period=str(period), indicator_id=pair.meta["indicator_id"])

    placements = glue("placements", counts.placements, "count", "new placements during the year")
    not_recorded = glue("not_recorded", counts.not_recorded, "count", "new placements with no distance recorded")
    share_not_recorded = national.glue_value(f"not_recorded_pct_{n}", not_known_id)
    recorded = glue("recorded", counts.recorded, "count", "new placements minus those with no distance recorded")
    under = glue("under_20_recorded", counts.under_20_miles, "count", "new placements under 20 miles from home")
    decimals = int(pair.row["decimals"])
    share = glue("under_20_share_of_recorded", counts.share_of_recorded, "percentage",
                 "under 20 miles / placements with a distance recorded x 100", decimals)
    rounded_share = float(format_number(counts.share_of_recorded, decimals))
    explained = glue("explained_by_not_recorded", rounded_share - pair.row["value"], "percentage_points",
                     f"{share} minus {pair.national_text}", decimals)
    remaining = glue("remaining", abs(pair.local.value - rounded_share), "percentage_points",
                     f"{pair.local.text} minus {share}", decimals)
    where = "below" if pair.local.value > rounded_share else "above"
    return [
        f"{pair.who}'s {pair.national_text} is of all {placements} new placements made in "
        f"{period_label(period, 'reporting_year')}, including the {not_recorded} ({share_not_recorded}) with no "
        "distance recorded.",
        f"Of the {recorded} with a distance recorded, {under} ({share}) were within 20 miles: "
        f"{in_units(remaining, 'percentage')} {where} the report's {pair.local.text}. Placements with no distance "
        f"recorded account for {explained} of the {in_units(size, 'percentage')}.",
    ]


# The known factors the national data can measure, by the national statistic they explain.
KNOWN_FACTORS = {"cla_new_placements_under_20_miles_pct": distance_sentences}


def explain(page, national, pair: Pair) -> tuple[str, list[str]]:
    """The gap for the table and the sentences that explain it, every number glued."""
    size, relative = glue_gap(page, pair)
    report = report_span(pair.local.period, pair.local.period_type)
    statistic = national_span(int(pair.row["time_period"]), pair.meta["period_type"])
    relation = period_relation(report, statistic)
    sentences = [gap_sentence(size, relative, pair), period_sentence(pair, relation, report, statistic)]
    if relation in ("within", "earlier", "other") and not gap_is_nil(pair):
        sentences.append(timing_sentence(page, national, pair))
    sentences.append(rounding_sentence(page, pair))
    factor = KNOWN_FACTORS.get(pair.meta["indicator_id"])
    if factor and not gap_is_nil(pair):
        sentences.extend(factor(page, national, pair, size))
    return gap_cell(size, relative, pair), sentences


def not_comparable(local, row: pd.Series | None, local_unit: str, national_unit: str) -> str:
    """Why a pair has no gap to explain ('' when it has one)."""
    if local is None or row is None or pd.isna(row["value"]):
        return "Not comparable: one of the two figures is not available."
    if local_unit != national_unit:
        return "Not comparable: the two figures are different kinds of number."
    return ""


def national_cell(national, indicator_id: str, period: int | None, text: str) -> str:
    """'35,276 (mid-2024)', '70 (2023-24, latest published)' when older than the edition's year."""
    if period is None:
        return text
    label = national.period_label(indicator_id, period)
    older = period < national.edition_period(indicator_id)
    return f"{text} ({label}, latest published)" if older else f"{text} ({label})"


def glue_national_title(page, national, number: int, indicator_id: str) -> str:
    """Glue the national statistic's title as it reads mid-sentence (its pair's heading names it)."""
    row = national.catalogue.index.get_loc(indicator_id) + 2
    return page.glue_text(f"national_{number}_title", mid_sentence(national.catalogue.at[indicator_id, "title"]),
                          source_kind="catalogue", indicator_id=indicator_id,
                          source=f"data/reference/national_indicators.csv row {row} (title)")


def reconciliation_table(page, national) -> pd.DataFrame:
    """One row per pair; values are registered on the page as they are shown."""
    rows = []
    pairs = load_pairs(page.data_dir, page.area_code, page.partnership.catalogue.index, national.catalogue.index)
    for number, entry in enumerate(pairs.itertuples(), start=1):
        local = page.glue_figure(f"local_{number}", entry.partnership_indicator)
        national_text = national.glue_value(f"national_{number}", entry.national_indicator)
        period = national.latest_period(entry.national_indicator)
        row = national.row(entry.national_indicator, period) if period else None
        meta = national.catalogue.loc[entry.national_indicator]
        glue_national_title(page, national, number, entry.national_indicator)
        local_meta = page.partnership.catalogue.loc[entry.partnership_indicator]
        reason = not_comparable(local, row, local_meta["unit"], meta["unit"])
        if reason:
            gap, sentences = "Not comparable", [reason]
        else:
            decimals = max(local.decimals, display_decimals(meta["unit"], int(row["decimals"])))
            gap, sentences = explain(page, national, Pair(number, local, row, meta, national_text, decimals))
        rows.append({
            "Report's measure": local_meta["title"],
            "Report's figure": f"{local.text} ({local.period})" if local else "not supplied",
            "Report's definition": local_meta["definition"],
            "National statistic": meta["title"],
            "National figure": national_cell(national, entry.national_indicator, period, national_text),
            "National definition": meta["definition"],
            "Report's figure against the national": gap,
            "Why they differ": entry.definitions_differ,
            EXPLANATION: sentences,
        })
    return pd.DataFrame(rows)


# The columns of reconciliation_table that are long text: shown under the table, not in it.
DEFINITIONS = ["Report's definition", "National definition", "Why they differ"]
# How each is headed under the table.
DEFINITION_HEADINGS = {"Why they differ": "How the definitions differ"}
# The collapsible's summary under a pair's explanation (which names the two measures).
DEFINITIONS_SUMMARY = "The two definitions, and how they differ"
# The computed explanation of each gap: a list of sentences, shown under the table.
EXPLANATION = "What the gap is made of"


def explanation_html(measure: str, statistic: str, sentences: list[str], notes: str) -> str:
    """One pair's computed explanation: its two measures, a sentence per point, then ``notes``
    (the collapsible definitions)."""
    items = "".join(f"<li>{html.escape(sentence)}</li>" for sentence in sentences)
    return (f'<div class="reconciliation-pair"><p><strong>{html.escape(measure)}</strong> beside '
            f"<strong>{html.escape(mid_sentence(statistic))}</strong></p><ul>{items}</ul>{notes}</div>")


def show_reconciliation(table: pd.DataFrame, caption: str, page=None) -> HTML:
    """The reconciliation table with its figures in columns and, under it, each pair's computed
    explanation (when the table has one) and a collapsible with the report's definition, the
    national definition and how the definitions differ. With its ``page``, the table's data is
    also a spreadsheet, those texts its notes."""
    blocks, notes = [], {}
    for number, (_, row) in enumerate(table.iterrows(), start=1):
        measure, statistic = row["Report's measure"], row["National statistic"]
        definitions = {DEFINITION_HEADINGS.get(column, column): row[column] for column in DEFINITIONS}
        if isinstance(row.get(EXPLANATION), list):
            blocks.append(explanation_html(measure, statistic, row[EXPLANATION],
                                           notes_html(DEFINITIONS_SUMMARY, definitions)))
            definitions[EXPLANATION] = " ".join(row[EXPLANATION])
        else:
            blocks.append(notes_html(f"Definitions: {measure} and {statistic}", definitions))
        notes.update({f"Row {number}, {measure}, {heading[0].lower() + heading[1:]}": text
                      for heading, text in definitions.items()})
    shown = table.drop(columns=DEFINITIONS + [EXPLANATION], errors="ignore")
    if page is None:
        return show_table(shown, caption, after="".join(blocks))
    return page.show_table(shown, caption, name="reconciliation", after="".join(blocks),
                           source=f"the partnership's figures for {page.year} and the national statistics "
                                  "(Department for Education and ONS) shown on this page",
                           notes_heading="The definitions of each row's two measures and what its gap is made of",
                           notes=notes)
