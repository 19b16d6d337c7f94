"""What the importer knows about each published table and each indicator it extracts.

This module is the single place where national indicators are defined: which file
(recognised by its columns and content, not its name), which columns or categories,
and how a value is obtained (as published, or computed here and then said so in the
definition). ``data/reference/national_indicators.csv`` is written from it by
:func:`catalogue_frame` (see ``analysis.national.importer.write_catalogue``), and a test
checks the committed file is up to date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

CIN = "Children in need"
CLA = "Children looked after in England including adoptions"
ONS = "ONS mid-year population estimates (via DfE)"
SNM = "Statistical neighbour model"
LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

SECTIONS = ("context", "front_door", "child_protection", "children_looked_after", "children_missing", "exploitation")
UNITS = ("count", "percentage", "rate_per_10000", "ratio")
PERIOD_TYPES = ("reporting_year", "snapshot_31_march", "mid_year")
POLARITIES = ("up_good", "up_bad", "neutral")
CATALOGUE_COLUMNS = (
    "indicator_id", "section", "title", "definition", "unit", "period_type", "polarity",
    "source_type", "partner", "required", "publication", "source_file", "breakdown",
)


def label_key(text: str) -> str:
    """Category labels are matched ignoring case and repeated spaces."""
    return re.sub(r"\s+", " ", str(text)).strip().lower()


def wide(value_column: str, *filters: str) -> str:
    """Name of a value column after a long table is spread out by its filter columns.

    ``wide("children_count", "CLA on 31 March", "Total children")`` is the count in the
    rows whose filters are "CLA on 31 March" and "Total children".
    """
    if not filters:
        return value_column
    return f"{value_column}[{' | '.join(label_key(f) for f in filters)}]"


@dataclass(frozen=True)
class Table:
    """A published table: how to recognise it and how it is laid out."""

    key: str
    publication: str
    expected_file: str  # the name EES gives the download; used in messages, not for recognition
    signature: frozenset[str]  # normalised column names that together identify the table
    description: str
    signature_value: tuple[str, str] | None = None  # (column, label) that must occur in the content
    excluded_columns: frozenset[str] = frozenset()  # columns whose presence means "not this table"
    filters: tuple[str, ...] = ()  # filter columns spread into wide columns (long tables)
    values: tuple[str, ...] = ()  # value columns read from the table
    time_identifiers: tuple[str, ...] = ("Reporting year", "Financial year")
    kind: str = "ees"  # "ees" or "neighbours"
    model: str = ""  # statistical neighbour model, for kind "neighbours"


TABLES: tuple[Table, ...] = (
    Table(
        "cin_b1", CIN, "b1_children_in_need_2013_to_2025.csv",
        frozenset({"anypoint_episodes", "at31_episodes", "started_episodes"}),
        "Children in need: episodes and children at any point, started, ended and at 31 March",
        values=("anypoint_child", "anypoint_episodes", "started_episodes", "at31_episodes"),
    ),
    Table(
        "cin_c1", CIN, "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
        frozenset({"referral_count", "rereferral_count"}),
        "Referrals, re-referrals within 12 months, no further action, assessed not in need",
        values=("referral_count", "rereferral_count", "rereferral_percent", "no_further_action_count",
                "no_further_action_percent", "not_in_need_count", "not_in_need_percent"),
    ),
    Table(
        "cin_c3", CIN, "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv",
        frozenset({"episodes_with_assessment_factor"}),
        "Factors identified at the end of assessment",
        values=("episodes_with_assessment_factor", "domestic_abuse_child", "domestic_abuse_parent",
                "domestic_abuse_person", "mental_health_child", "mental_health_parent", "mental_health_person",
                "child_sexual_exploitation", "child_criminal_exploitation", "gangs", "going_missing",
                "trafficking"),
    ),
    Table(
        "cin_d3", CIN, "d3_cpps_subsequent_plan_2013_to_2025.csv",
        frozenset({"cpp_start", "cpp_subsequent"}),
        "Child protection plans starting and second or subsequent plans",
        values=("cpp_start", "cpp_subsequent", "cpp_subsequent_percent"),
    ),
    Table(
        "cin_d5", CIN, "d5_cpps_at31march_by_duration_2013_to_2025.csv",
        frozenset({"cpp_at31", "3_months_or_less"}),
        "Child protection plans at 31 March by length of time on the plan",
        values=("cpp_at31", "3_months_or_less", "3_months_or_less_percent", "more_than_3_months_6_months",
                "more_than_3_months_6_months_percent", "more_than_6_months_less_than_1_year",
                "more_than_6_months_less_than_1_year_percent", "1_year_less_than_2_years",
                "1_year_less_than_2_years_percent", "2_years_or_more", "2_years_or_more_percent"),
    ),
    Table(
        "cla_numbers", CLA, "cla_number_and_rate_per_10k_children.csv",
        frozenset({"population_type", "children_count", "rate_per_10000"}),
        "Children looked after at 31 March, starting and ceasing: count and rate per 10,000",
        filters=("population_type",), values=("children_count", "rate_per_10000", "population_estimate"),
    ),
    Table(
        "cla_health", CLA, "la_conviction_health_outcome_cla.csv",
        frozenset({"characteristic", "breakdown", "children_count", "children_percent"}),
        "Health, development, SDQ, convictions and substance misuse of children looked after",
        signature_value=("breakdown", "Had their annual health assessment"),
        filters=("characteristic", "breakdown"), values=("children_count", "children_percent"),
    ),
    Table(
        "cla_new_placements", CLA, "la_cla_during_year_new_placements.csv",
        frozenset({"characteristic", "breakdown", "children_count", "children_percent"}),
        "Location and distance of new placements; reasons for placement change",
        signature_value=("characteristic", "Location of new placements during the year"),
        filters=("characteristic", "breakdown"), values=("children_count", "children_percent"),
    ),
    Table(
        "cla_placement_stability", CLA, "la_cla_placement_stability.csv",
        frozenset({"cla_group", "placement_stability", "children_count"}),
        "Placement stability of children looked after",
        filters=("cla_group", "placement_stability"), values=("children_count", "children_percent"),
    ),
    Table(
        "cla_missing", CLA, "la_children_who_were_missing_or_away_from_placement_without_authorisation.csv",
        frozenset({"cla_group", "number"}),
        "Children looked after who went missing or were away from placement without authorisation",
        filters=("cla_group",), values=("number",),
    ),
    Table(
        "ons_population", ONS, "ons_mid-year_population_estimates_2012_to_2024.csv",
        frozenset({"age_group", "population_estimate"}),
        "ONS mid-year estimates of children aged 0 to 17",
        excluded_columns=frozenset({"population_type"}),
        filters=("age_group",), values=("population_estimate",),
        time_identifiers=("Reporting year", "Calendar year"),
    ),
    Table(
        "sn_2021", SNM, "New_Statistical_Neighbour_Groupings_April_2021.csv",
        frozenset({"la num", "sn1", "snp"}),
        "Statistical neighbours, 2021 model (April 2021 groupings)", kind="neighbours", model="2021",
    ),
    Table(
        "sn_2025", SNM, "sn_model_2025_wide.csv",
        frozenset({"old_la_code", "sn_1", "sn_1p"}),
        "Statistical neighbours, 2025 model", kind="neighbours", model="2025",
    ),
)
TABLES_BY_KEY = {table.key: table for table in TABLES}

POPULATION_COLUMN = wide("population_estimate", "Children aged 0 to 17 years")


@dataclass(frozen=True)
class Indicator:
    """One national indicator and how it is obtained from its table.

    method:
      * ``published``: the value is the published cell in ``value``; ``numerator``
        (summed) and ``denominator`` are the published cells behind it, when there are any;
      * ``percentage``: computed here as 100 x sum(numerator) / denominator, rounded half
        up to one decimal place;
      * ``rate_per_10000``: computed here as numerator / ONS mid-year estimate of children
        aged 0 to 17 for the mid-year before the year end x 10,000, one decimal place.
    """

    indicator_id: str
    section: str
    title: str
    definition: str
    unit: str
    period_type: str
    polarity: str
    table: str
    method: str = "published"
    value: str | None = None
    numerator: tuple[str, ...] = ()
    denominator: str | None = None
    breakdown: str = ""

    @property
    def publication(self) -> str:
        return TABLES_BY_KEY[self.table].publication

    @property
    def source_file(self) -> str:
        return TABLES_BY_KEY[self.table].expected_file

    def columns(self) -> list[str]:
        """Every (wide) column the indicator reads."""
        out = [self.value] if self.value else []
        out += list(self.numerator)
        if self.denominator:
            out.append(self.denominator)
        return out


_RATE_NOTE = (
    " Rate computed by this project as the count divided by the ONS mid-year estimate of children "
    "aged 0 to 17 for the mid-year before the year end (mid-2024 for the year ending 31 March 2025), "
    "times 10,000, rounded half up to one decimal place: DfE's method."
)
_FACTOR_NOTE = (
    " Computed by this project as the number of episodes with this factor divided by the number of "
    "episodes with assessment factors recorded, times 100, rounded half up to one decimal place. "
    "An assessment can record several factors, so these percentages do not add up to 100."
)
_CLA_PCT_NOTE = " DfE publishes this percentage as a whole number."


def _factor(indicator_id: str, section: str, title: str, what: str, column: str) -> Indicator:
    return Indicator(
        indicator_id, section, title,
        f"Episodes of need with an assessment completed in the year where {what} was identified as a "
        f"factor at the end of the assessment, as a percentage of episodes with any assessment factor "
        f"recorded (DfE children in need census).{_FACTOR_NOTE}",
        "percentage", "reporting_year", "neutral", "cin_c3", method="percentage",
        numerator=(column,), denominator="episodes_with_assessment_factor",
        breakdown=f"{column} / episodes_with_assessment_factor",
    )


def _cla_pct(indicator_id, section, title, definition, polarity, table, group, item, total,
             value_column="children_percent", count_column="children_count", period="snapshot_31_march"):
    return Indicator(
        indicator_id, section, title, definition + _CLA_PCT_NOTE, "percentage", period, polarity, table,
        value=wide(value_column, group, item) if value_column else None,
        numerator=(wide(count_column, group, item),), denominator=wide(count_column, group, total),
        breakdown=f"{group}: {item} (of {total})",
    )


_HEALTH = "Health assessments: Children looked after all ages"
_DEV = "Development assessments: Children looked after ages 0 to 4 years"
_SDQ = "Ages 5 to 16 years with SDQ score"
_CONV = "Convictions: Children looked after Ages 10 to 17 years"
_SUBST = "Substance misuse: Children looked after all ages"
_LOC = "Location of new placements during the year"
_IN_NEAR = "Placed inside LA boundary less than 20 miles from home"
_IN_FAR = "Placed inside LA boundary more than 20 miles from home"
_OUT_NEAR = "Placed outside LA boundary less than 20 miles from home"
_OUT_FAR = "Placed outside LA boundary more than 20 miles from home"
_LONG = "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years"
_MISSING = "cla_missing"
_TWELVE_MONTHS = (
    "children looked after continuously for at least 12 months at 31 March"
)


def _missing(name: str) -> str:
    return wide("number", name)


INDICATORS: tuple[Indicator, ...] = (
    # --- context -------------------------------------------------------------------------
    Indicator(
        "population_0_17", "context", "Children aged 0 to 17 (ONS mid-year estimate)",
        "ONS mid-year estimate of the number of children aged 0 to 17 living in the area, as republished "
        "by DfE. The time period is the mid-year of the estimate (30 June): 2024 means mid-2024, the "
        "estimate DfE uses for rates per 10,000 children in the year ending 31 March 2025.",
        "count", "mid_year", "neutral", "ons_population", value=POPULATION_COLUMN,
        breakdown="age_group: Children aged 0 to 17 years",
    ),
    # --- front door: referrals and children in need ------------------------------------
    Indicator(
        "cin_referrals", "front_door", "Referrals to children's social care",
        "Number of referrals to children's social care received during the year ending 31 March "
        "(DfE children in need census).",
        "count", "reporting_year", "neutral", "cin_c1", value="referral_count", breakdown="referral_count",
    ),
    Indicator(
        "cin_referrals_rate", "front_door", "Referrals per 10,000 children",
        "Referrals to children's social care received during the year per 10,000 children aged 0 to 17."
        + _RATE_NOTE,
        "rate_per_10000", "reporting_year", "neutral", "cin_c1", method="rate_per_10000",
        numerator=("referral_count",), breakdown="referral_count / ONS population aged 0 to 17",
    ),
    Indicator(
        "cin_rereferrals_pct", "front_door", "Re-referrals within 12 months",
        "Percentage of referrals during the year that were made within 12 months of a previous referral "
        "of the same child, as published by DfE (one decimal place).",
        "percentage", "reporting_year", "up_bad", "cin_c1", value="rereferral_percent",
        numerator=("rereferral_count",), denominator="referral_count",
        breakdown="rereferral_percent (rereferral_count / referral_count)",
    ),
    Indicator(
        "cin_referrals_nfa_pct", "front_door", "Referrals resulting in no further action",
        "Percentage of referrals during the year that resulted in no further action, as published by DfE "
        "(one decimal place).",
        "percentage", "reporting_year", "neutral", "cin_c1", value="no_further_action_percent",
        numerator=("no_further_action_count",), denominator="referral_count",
        breakdown="no_further_action_percent (no_further_action_count / referral_count)",
    ),
    Indicator(
        "cin_assessed_not_in_need_pct", "front_door", "Referrals assessed as not in need",
        "Percentage of referrals during the year where the child was assessed and found not to be in need, "
        "as published by DfE (one decimal place).",
        "percentage", "reporting_year", "neutral", "cin_c1", value="not_in_need_percent",
        numerator=("not_in_need_count",), denominator="referral_count",
        breakdown="not_in_need_percent (not_in_need_count / referral_count)",
    ),
    Indicator(
        "cin_31_march", "front_door", "Children in need at 31 March",
        "Number of episodes of need open on 31 March (DfE children in need census, 'At31_episodes'), "
        "which DfE reports as the number of children in need at 31 March. Includes children on child "
        "protection plans and children looked after.",
        "count", "snapshot_31_march", "neutral", "cin_b1", value="at31_episodes", breakdown="At31_episodes",
    ),
    Indicator(
        "cin_31_march_rate", "front_door", "Children in need at 31 March per 10,000 children",
        "Children in need at 31 March per 10,000 children aged 0 to 17." + _RATE_NOTE,
        "rate_per_10000", "snapshot_31_march", "neutral", "cin_b1", method="rate_per_10000",
        numerator=("at31_episodes",), breakdown="At31_episodes / ONS population aged 0 to 17",
    ),
    Indicator(
        "cin_during_year", "front_door", "Children in need at any point during the year",
        "Number of children who were in need at any point during the year ending 31 March (DfE children "
        "in need census, 'Anypoint_child').",
        "count", "reporting_year", "neutral", "cin_b1", value="anypoint_child", breakdown="Anypoint_child",
    ),
    Indicator(
        "cin_episodes_started", "front_door", "Episodes of need starting during the year",
        "Number of episodes of need that started during the year ending 31 March (DfE children in need "
        "census, 'Started_episodes').",
        "count", "reporting_year", "neutral", "cin_b1", value="started_episodes", breakdown="Started_episodes",
    ),
    # --- child protection ------------------------------------------------------------------
    Indicator(
        "cpp_started", "child_protection", "Child protection plans starting during the year",
        "Number of child protection plans that started during the year ending 31 March (DfE children in "
        "need census).",
        "count", "reporting_year", "neutral", "cin_d3", value="cpp_start", breakdown="CPP_start",
    ),
    Indicator(
        "cpp_started_rate", "child_protection", "Child protection plans starting per 10,000 children",
        "Child protection plans starting during the year per 10,000 children aged 0 to 17." + _RATE_NOTE,
        "rate_per_10000", "reporting_year", "neutral", "cin_d3", method="rate_per_10000",
        numerator=("cpp_start",), breakdown="CPP_start / ONS population aged 0 to 17",
    ),
    Indicator(
        "cpp_subsequent_pct", "child_protection", "Second or subsequent child protection plans",
        "Percentage of child protection plans starting during the year that were the child's second or "
        "subsequent plan (at any time in the child's life), as published by DfE (one decimal place).",
        "percentage", "reporting_year", "up_bad", "cin_d3", value="cpp_subsequent_percent",
        numerator=("cpp_subsequent",), denominator="cpp_start",
        breakdown="CPP_subsequent_percent (CPP_subsequent / CPP_start)",
    ),
    Indicator(
        "cpp_31_march", "child_protection", "Children on child protection plans at 31 March",
        "Number of child protection plans open on 31 March (DfE children in need census, 'CPP_At31'); "
        "a child has at most one plan at a time.",
        "count", "snapshot_31_march", "neutral", "cin_d5", value="cpp_at31", breakdown="CPP_At31",
    ),
    Indicator(
        "cpp_31_march_rate", "child_protection", "Child protection plans at 31 March per 10,000 children",
        "Child protection plans open on 31 March per 10,000 children aged 0 to 17." + _RATE_NOTE,
        "rate_per_10000", "snapshot_31_march", "neutral", "cin_d5", method="rate_per_10000",
        numerator=("cpp_at31",), breakdown="CPP_At31 / ONS population aged 0 to 17",
    ),
    *(
        Indicator(
            f"cpp_duration_{suffix}_pct", "child_protection",
            f"Child protection plans at 31 March open for {label}",
            f"Percentage of child protection plans open on 31 March that had been open for {label}, "
            "as published by DfE (one decimal place).",
            "percentage", "snapshot_31_march", polarity, "cin_d5", value=f"{column}_percent",
            numerator=(column,), denominator="cpp_at31", breakdown=f"{column}_percent ({column} / CPP_At31)",
        )
        for suffix, label, column, polarity in (
            ("3_months_or_less", "3 months or less", "3_months_or_less", "neutral"),
            ("3_to_6_months", "more than 3 months and up to 6 months", "more_than_3_months_6_months", "neutral"),
            ("6_to_12_months", "more than 6 months and less than 1 year", "more_than_6_months_less_than_1_year",
             "neutral"),
            ("1_to_2_years", "1 year and less than 2 years", "1_year_less_than_2_years", "neutral"),
            ("2_years_or_more", "2 years or more", "2_years_or_more", "up_bad"),
        )
    ),
    Indicator(
        "assessment_factor_episodes", "child_protection", "Assessments with factors recorded",
        "Number of episodes of need with an assessment completed in the year and at least one factor "
        "identified at the end of the assessment (DfE children in need census); the denominator of the "
        "factor percentages.",
        "count", "reporting_year", "neutral", "cin_c3", value="episodes_with_assessment_factor",
        breakdown="Episodes_with_assessment_factor",
    ),
    _factor("factor_domestic_abuse_child_pct", "child_protection",
            "Assessments identifying domestic abuse: the child",
            "domestic abuse concerning the child (the child as the subject of domestic abuse)",
            "domestic_abuse_child"),
    _factor("factor_domestic_abuse_parent_pct", "child_protection",
            "Assessments identifying domestic abuse: a parent or carer",
            "domestic abuse concerning the child's parent or carer", "domestic_abuse_parent"),
    _factor("factor_domestic_abuse_person_pct", "child_protection",
            "Assessments identifying domestic abuse: another person in the household",
            "domestic abuse concerning another person living in the household", "domestic_abuse_person"),
    _factor("factor_mental_health_child_pct", "child_protection",
            "Assessments identifying mental health: the child",
            "a concern about the child's mental health", "mental_health_child"),
    _factor("factor_mental_health_parent_pct", "child_protection",
            "Assessments identifying mental health: a parent or carer",
            "a concern about the mental health of the child's parent or carer", "mental_health_parent"),
    _factor("factor_mental_health_person_pct", "child_protection",
            "Assessments identifying mental health: another person in the household",
            "a concern about the mental health of another person living in the household",
            "mental_health_person"),
    _factor("factor_child_sexual_exploitation_pct", "exploitation",
            "Assessments identifying child sexual exploitation",
            "child sexual exploitation", "child_sexual_exploitation"),
    _factor("factor_child_criminal_exploitation_pct", "exploitation",
            "Assessments identifying child criminal exploitation",
            "child criminal exploitation (recorded from 2022; earlier years are 'x', not available)",
            "child_criminal_exploitation"),
    _factor("factor_gangs_pct", "exploitation", "Assessments identifying gangs",
            "a concern about the child's involvement with gangs", "gangs"),
    _factor("factor_trafficking_pct", "exploitation", "Assessments identifying trafficking",
            "trafficking", "trafficking"),
    _factor("factor_going_missing_pct", "children_missing", "Assessments identifying going missing",
            "the child going missing", "going_missing"),
    # --- children looked after -------------------------------------------------------------
    *(
        item
        for indicator_id, label, group, period, title in (
            ("cla_31_march", "looked after on 31 March", "Children looked after on 31 March each year",
             "snapshot_31_march", "Children looked after at 31 March"),
            ("cla_started", "who started to be looked after during the year",
             "Children starting to be looked after each year", "reporting_year",
             "Children starting to be looked after"),
            ("cla_ceased", "who ceased to be looked after during the year",
             "Children ceasing to be looked after each year", "reporting_year",
             "Children ceasing to be looked after"),
        )
        for item in (
            Indicator(
                indicator_id, "children_looked_after", title,
                f"Number of children {label} (DfE children looked after return, SSDA903).",
                "count", period, "neutral", "cla_numbers", value=wide("children_count", group),
                breakdown=f"population_type: {group}",
            ),
            Indicator(
                f"{indicator_id}_rate", "children_looked_after", f"{title} per 10,000 children",
                f"Children {label} per 10,000 children aged 0 to 17, as published by DfE (whole numbers), "
                "using the ONS mid-year estimate for the mid-year before the year end. The numerator and "
                "denominator are the published count and population estimate.",
                "rate_per_10000", period, "neutral", "cla_numbers", value=wide("rate_per_10000", group),
                numerator=(wide("children_count", group),), denominator=wide("population_estimate", group),
                breakdown=f"population_type: {group}",
            ),
        )
    ),
    _cla_pct("cla_health_assessments_pct", "children_looked_after", "Annual health assessments",
             f"Percentage of {_TWELVE_MONTHS} whose annual health assessment was up to date.",
             "up_good", "cla_health", _HEALTH, "Had their annual health assessment", "Total all ages"),
    _cla_pct("cla_dental_checks_pct", "children_looked_after", "Dental checks",
             f"Percentage of {_TWELVE_MONTHS} who had their teeth checked by a dentist during the year.",
             "up_good", "cla_health", _HEALTH, "Had their teeth checked by a dentist", "Total all ages"),
    _cla_pct("cla_immunisations_pct", "children_looked_after", "Immunisations up to date",
             f"Percentage of {_TWELVE_MONTHS} whose immunisations were up to date.",
             "up_good", "cla_health", _HEALTH, "Had their immunisations up to date", "Total all ages"),
    _cla_pct("cla_development_assessments_pct", "children_looked_after",
             "Development assessments up to date for under-fives",
             f"Percentage of {_TWELVE_MONTHS} aged 0 to 4 whose development assessments were up to date.",
             "up_good", "cla_health", _DEV, "Development assessments up to date", "Total ages 0 to 4 years"),
    _cla_pct("cla_sdq_concern_pct", "children_looked_after",
             "Strengths and difficulties questionnaire score a cause for concern",
             f"Of {_TWELVE_MONTHS} aged 5 to 16 with a strengths and difficulties questionnaire (SDQ) score "
             "received, the percentage whose score was a cause for concern (17 or more).",
             "up_bad", "cla_health", _SDQ, "SDQ score is a cause for concern", "SDQ score was received"),
    _cla_pct("cla_convictions_pct", "children_looked_after",
             "Convicted or subject to youth cautions",
             f"Percentage of {_TWELVE_MONTHS} aged 10 to 17 who were convicted or subject to youth cautions "
             "or youth conditional cautions during the year.",
             "up_bad", "cla_health", _CONV,
             "Convicted or subject to youth cautions, or youth conditional cautions during the year",
             "Total ages 10 to 17 years", period="reporting_year"),
    _cla_pct("cla_substance_misuse_pct", "children_looked_after", "Identified as having a substance misuse problem",
             f"Percentage of {_TWELVE_MONTHS} identified as having a substance misuse problem during the year.",
             "neutral", "cla_health", _SUBST, "Identified as having a substance misuse problem", "Total all ages",
             period="reporting_year"),
    Indicator(
        "cla_new_placements", "children_looked_after", "New placements during the year",
        "Number of new placements of children looked after that started during the year ending 31 March "
        "(placements, not children: a child can have more than one).",
        "count", "reporting_year", "neutral", "cla_new_placements",
        value=wide("children_count", _LOC, "Total new placements"),
        breakdown=f"{_LOC}: Total new placements",
    ),
    Indicator(
        "cla_new_placements_over_20_miles_pct", "children_looked_after",
        "New placements more than 20 miles from home",
        "Percentage of new placements during the year that were more than 20 miles from the child's home "
        "(inside or outside the local authority boundary), of all new placements including those whose "
        "distance was not recorded. Computed by this project from DfE counts (one decimal place, half up); "
        "suppressed when either count is suppressed.",
        "percentage", "reporting_year", "up_bad", "cla_new_placements", method="percentage",
        numerator=(wide("children_count", _LOC, _IN_FAR), wide("children_count", _LOC, _OUT_FAR)),
        denominator=wide("children_count", _LOC, "Total new placements"),
        breakdown=f"{_LOC}: ({_IN_FAR} + {_OUT_FAR}) / Total new placements",
    ),
    Indicator(
        "cla_new_placements_under_20_miles_pct", "children_looked_after",
        "New placements less than 20 miles from home",
        "Percentage of new placements during the year that were less than 20 miles from the child's home "
        "(inside or outside the local authority boundary), of all new placements including those whose "
        "distance was not recorded. Computed by this project from DfE counts (one decimal place, half up); "
        "suppressed when either count is suppressed.",
        "percentage", "reporting_year", "up_good", "cla_new_placements", method="percentage",
        numerator=(wide("children_count", _LOC, _IN_NEAR), wide("children_count", _LOC, _OUT_NEAR)),
        denominator=wide("children_count", _LOC, "Total new placements"),
        breakdown=f"{_LOC}: ({_IN_NEAR} + {_OUT_NEAR}) / Total new placements",
    ),
    Indicator(
        "cla_new_placements_inside_la_pct", "children_looked_after",
        "New placements inside the local authority boundary",
        "Percentage of new placements during the year that were inside the local authority's boundary "
        "(at any distance), of all new placements including those whose distance was not recorded. "
        "Computed by this project from DfE counts (one decimal place, half up); suppressed when either "
        "count is suppressed.",
        "percentage", "reporting_year", "up_good", "cla_new_placements", method="percentage",
        numerator=(wide("children_count", _LOC, _IN_NEAR), wide("children_count", _LOC, _IN_FAR)),
        denominator=wide("children_count", _LOC, "Total new placements"),
        breakdown=f"{_LOC}: ({_IN_NEAR} + {_IN_FAR}) / Total new placements",
    ),
    _cla_pct("cla_new_placements_distance_not_known_pct", "children_looked_after",
             "New placements with distance not recorded",
             "Percentage of new placements during the year whose distance from home was not known or not "
             "recorded.",
             "up_bad", "cla_new_placements", _LOC, "Distance not known or not recorded", "Total new placements",
             period="reporting_year"),
    _cla_pct("cla_three_or_more_placements_pct", "children_looked_after",
             "Children looked after with 3 or more placements during the year",
             "Percentage of children looked after at 31 March who had 3 or more placements during the year.",
             "up_bad", "cla_placement_stability", "CLA on 31 March", "With 3 or more placements during the year",
             "Total children"),
    _cla_pct("cla_three_or_more_placements_2_years_pct", "children_looked_after",
             "Children looked after with 3 or more placements in 2 years",
             "Of the children looked after at 31 March in DfE's group 'CLA 2 years on 31 March', the "
             "percentage with 3 or more placements during the previous 2 years.",
             "up_bad", "cla_placement_stability", "CLA 2 years on 31 March",
             "With 3 or more placements during the previous 2 years", "Total children"),
    _cla_pct("cla_long_term_stability_pct", "children_looked_after",
             "Long-term placement stability",
             "Of children aged under 16 at 31 March who had been looked after continuously for at least "
             "2.5 years, the percentage who had been living with the same carer for at least 2 years.",
             "up_good", "cla_placement_stability", _LONG, "Living with the same carer for at least 2 years",
             "Total children"),
    # --- children looked after who went missing ---------------------------------------------
    Indicator(
        "cla_during_year", "children_looked_after", "Children looked after during the year",
        "Number of children looked after at any time during the year ending 31 March, as given in DfE's "
        "table of children who went missing (the denominator of the missing percentages).",
        "count", "reporting_year", "neutral", _MISSING, value=_missing("Children looked after during the year"),
        breakdown="CLA_group: Children looked after during the year",
    ),
    Indicator(
        "cla_missing_children", "children_missing", "Children looked after who went missing",
        "Number of children looked after during the year who had at least one missing incident.",
        "count", "reporting_year", "neutral", _MISSING,
        value=_missing("Children who had a missing incident during the year"),
        breakdown="CLA_group: Children who had a missing incident during the year",
    ),
    Indicator(
        "cla_missing_repeat_children", "children_missing", "Children looked after who went missing more than once",
        "Number of children looked after during the year who went missing more than once.",
        "count", "reporting_year", "neutral", _MISSING,
        value=_missing("Children who went missing more than once during the year"),
        breakdown="CLA_group: Children who went missing more than once during the year",
    ),
    Indicator(
        "cla_missing_incidents", "children_missing", "Missing incidents of children looked after",
        "Number of missing incidents of children looked after during the year.",
        "count", "reporting_year", "neutral", _MISSING, value=_missing("Number of missing incidents during the year"),
        breakdown="CLA_group: Number of missing incidents during the year",
    ),
    Indicator(
        "cla_missing_pct", "children_missing", "Children looked after who went missing (%)",
        "Percentage of children looked after during the year who had at least one missing incident, as "
        "published by DfE (whole numbers).",
        "percentage", "reporting_year", "up_bad", _MISSING,
        value=_missing("Percentage of children who had a missing incident during the year"),
        numerator=(_missing("Children who had a missing incident during the year"),),
        denominator=_missing("Children looked after during the year"),
        breakdown="CLA_group: Percentage of children who had a missing incident during the year",
    ),
    Indicator(
        "cla_missing_incidents_per_child", "children_missing", "Missing incidents per child who went missing",
        "Average number of missing incidents per child looked after who went missing during the year, as "
        "published by DfE (one decimal place).",
        "ratio", "reporting_year", "up_bad", _MISSING,
        value=_missing("Average number of missing incidents per looked after child who went missing"),
        numerator=(_missing("Number of missing incidents during the year"),),
        denominator=_missing("Children who had a missing incident during the year"),
        breakdown="CLA_group: Average number of missing incidents per looked after child who went missing",
    ),
    Indicator(
        "cla_away_children", "children_missing", "Children looked after away from placement without authorisation",
        "Number of children looked after during the year who were away from placement without "
        "authorisation at least once.",
        "count", "reporting_year", "neutral", _MISSING,
        value=_missing("Children who were away from placement without authorisation during the year"),
        breakdown="CLA_group: Children who were away from placement without authorisation during the year",
    ),
    Indicator(
        "cla_away_pct", "children_missing", "Children looked after away from placement without authorisation (%)",
        "Percentage of children looked after during the year who were away from placement without "
        "authorisation at least once, as published by DfE (whole numbers).",
        "percentage", "reporting_year", "up_bad", _MISSING,
        value=_missing("Percentage of children who were away from placement without authorisation during the year"),
        numerator=(_missing("Children who were away from placement without authorisation during the year"),),
        denominator=_missing("Children looked after during the year"),
        breakdown="CLA_group: Percentage of children who were away from placement without authorisation during the year",
    ),
)
INDICATORS_BY_ID = {indicator.indicator_id: indicator for indicator in INDICATORS}


def catalogue_rows() -> list[dict[str, str]]:
    """Rows of data/reference/national_indicators.csv, in the order above."""
    return [
        {
            "indicator_id": i.indicator_id,
            "section": i.section,
            "title": i.title,
            "definition": i.definition,
            "unit": i.unit,
            "period_type": i.period_type,
            "polarity": i.polarity,
            "source_type": "national",
            "partner": "",
            "required": "no",
            "publication": i.publication,
            "source_file": i.source_file,
            "breakdown": i.breakdown,
        }
        for i in INDICATORS
    ]


def _check_definitions() -> None:
    seen: set[str] = set()
    for i in INDICATORS:
        assert i.indicator_id not in seen, i.indicator_id
        seen.add(i.indicator_id)
        assert re.fullmatch(r"[a-z][a-z0-9_]*", i.indicator_id), i.indicator_id
        assert i.section in SECTIONS and i.unit in UNITS, i.indicator_id
        assert i.period_type in PERIOD_TYPES and i.polarity in POLARITIES, i.indicator_id
        assert i.table in TABLES_BY_KEY, i.indicator_id
        assert i.method in ("published", "percentage", "rate_per_10000"), i.indicator_id


_check_definitions()
