"""The published tables the importer knows: how each file is recognised and how it is laid out.

A table is recognised by its columns and content, never by its file name (EES names
downloads differently over time). Each national indicator in
``data/reference/national_indicators.csv`` names the table it comes from by its key.
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

# Rates per 10,000 children divide by this column of the ONS population table.
POPULATION_COLUMN = wide("population_estimate", "Children aged 0 to 17 years")
