"""The published report's claims about which way figures moved, or how the area stands against
England or its region, checked against the national statistics.

A partnership's year folder may keep ``claims.csv``: one row per claim, with the words of the
report, the national indicator that can test it, what kind of claim it is and the DfE time
periods it is about, or why no national statistic can test it. :func:`read_claims` reads and
checks the file (every problem with its file, row, column and rule); :func:`check_claim` gives
each claim a verdict from the area's published national series
(:func:`analysis.stats.compare.trend`):

* ``direction``: the last period listed against each earlier one (up, down or the same);
* ``continuous``: every year from the first period to the last against the year before it;
* ``peak``: the period higher than the year before it and the year after it;
* ``level``: the area against England or its region in the period (higher, lower or the same).

The check is made on the values as DfE publishes them (rounded as published), not with a test
of whether a change is bigger than year-to-year variation: the section pages give that test.
A claim of another kind (``most_common``), or one no national indicator measures, is recorded
as not checkable with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from analysis.config import display_path
from analysis.errors import InputError, InputProblem
from analysis.inputs.catalogue import read_reference_csv
from analysis.inputs.formats import CLAIM_COLUMNS, CLAIMS_FILE
from analysis.inputs.partnership import edition_data_paths
from analysis.national.load import UnknownAreaError, national_catalogue
from analysis.periods import period_label
from analysis.present.formatting import format_pair, format_statistic
from analysis.present.spreadsheets import Downloads
from analysis.present.tables import show_table, together
from analysis.present.wording import describe_change, symbol_meaning, when
from analysis.stats import compare

PERIOD_SEPARATOR = ";"
# Each kind of claim and how many periods it names (None: two or more).
KINDS = {"direction": None, "continuous": 2, "peak": 1, "level": 1, "most_common": None}
CHECKED_KINDS = ("direction", "continuous", "peak", "level")
DIRECTIONS = ("up", "down", "same")
COMPARATORS = ("england", "region")

SUPPORTED, NOT_SUPPORTED, NOT_CHECKABLE = "Supported", "Not supported", "Not checkable"
VERDICTS = (SUPPORTED, NOT_SUPPORTED, NOT_CHECKABLE)

MOVED = {"up": "rose", "down": "fell", "same": "stayed the same"}
THAN = {"up": "higher than", "down": "lower than", "same": "the same as"}


@dataclass(frozen=True)
class Claim:
    """One claim of the report, as claims.csv records it (``row``: its row in the file)."""

    claim_id: str
    section: str
    quote: str
    kind: str
    indicator_id: str
    periods: tuple[int, ...]
    direction: str
    compared_with: str
    checkable: bool
    why_not_checkable: str
    reading: str
    row: int = 0


@dataclass(frozen=True)
class Verdict:
    """A claim's verdict: Supported, Not supported or Not checkable, and the numbers or reason."""

    claim: Claim
    verdict: str
    detail: str  # the national figures that decide it, or why it cannot be checked
    figures: str = ""  # the national figures the check read, period by period


# --------------------------------------------------------------------------------------
# Reading and checking claims.csv
# --------------------------------------------------------------------------------------
def claims_path(year: str, data_dir: Path | str | None = None, area: str | None = None) -> Path:
    """Where an edition keeps its claims: ``data/partnerships/<id>/<year>/claims.csv``."""
    return edition_data_paths(data_dir, area).year(year) / CLAIMS_FILE


def _periods(text: str) -> tuple[int, ...] | None:
    """'2024;2025' -> (2024, 2025); None when a part is not a four-digit year."""
    parts = [part.strip() for part in text.split(PERIOD_SEPARATOR)] if text.strip() else []
    if not all(len(part) == 4 and part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)


def _row_problems(row: dict, indicator_ids: set[str]) -> list[tuple[str, str]]:
    """(column, rule) for every problem with one row of claims.csv."""
    found = []
    for column in ("claim_id", "section", "quote"):
        if not row[column].strip():
            found.append((column, "must not be empty"))
    kind = row["kind"].strip()
    if kind not in KINDS:
        found.append(("kind", f"must be one of {', '.join(KINDS)}"))
    checkable = row["checkable"].strip()
    if checkable not in ("yes", "no"):
        found.append(("checkable", "must be yes or no"))
    indicator = row["indicator_id"].strip()
    if indicator and indicator not in indicator_ids:
        found.append(("indicator_id", "must be a national indicator in data/reference/national_indicators.csv"))
    periods = _periods(row["periods"])
    if periods is None:
        found.append(("periods", f"must be DfE time periods (four-digit years) separated by '{PERIOD_SEPARATOR}'"))
    elif periods != tuple(sorted(set(periods))):
        found.append(("periods", "must be in order, oldest first, each once"))
    direction, compared_with = row["direction"].strip(), row["compared_with"].strip()
    if direction and direction not in DIRECTIONS:
        found.append(("direction", f"must be one of {', '.join(DIRECTIONS)} (or empty)"))
    if compared_with and compared_with not in COMPARATORS:
        found.append(("compared_with", f"must be one of {', '.join(COMPARATORS)} (or empty)"))
    if checkable == "no" and not row["why_not_checkable"].strip():
        found.append(("why_not_checkable", "must say why a claim that is not checkable cannot be checked"))
    if checkable != "yes" or kind not in KINDS:
        return found
    # A claim the book checks needs everything the check reads.
    if kind not in CHECKED_KINDS:
        found.append(("checkable", f"a {kind} claim cannot be checked: the book checks {', '.join(CHECKED_KINDS)}"))
        return found
    if row["why_not_checkable"].strip():
        found.append(("why_not_checkable", "must be empty for a claim that is checkable"))
    if not indicator:
        found.append(("indicator_id", "must name the national indicator that checks the claim"))
    expected = KINDS[kind]
    if periods is not None and (len(periods) < 2 if expected is None else len(periods) != expected):
        needed = "two or more periods" if expected is None else (
            "one period" if expected == 1 else "two periods, the first and the last year")
        found.append(("periods", f"a {kind} claim names {needed}"))
    if kind == "peak" and direction not in ("", "up"):
        found.append(("direction", "a peak claim is up (or empty)"))
    elif kind != "peak" and not direction:
        found.append(("direction", f"a {kind} claim must say up, down or same"))
    if kind == "continuous" and direction == "same":
        found.append(("direction", "a continuous claim is up or down"))
    if kind == "level" and not compared_with:
        found.append(("compared_with", "a level claim must say what it is compared with: england or region"))
    if kind != "level" and compared_with:
        found.append(("compared_with", "only a level claim is compared with england or region"))
    return found


def read_claims(path: Path | str, indicator_ids) -> list[Claim]:
    """Every claim in ``path`` (a claims.csv), checked; InputError lists every problem with its
    file, row, column and rule. ``indicator_ids``: the national indicators a claim may name."""
    path = Path(path)
    table = read_reference_csv(path, CLAIM_COLUMNS)
    file, known = display_path(path), set(indicator_ids)
    problems, claims, first_row = [], [], {}
    for offset, row in enumerate(table.to_dict("records")):
        line = offset + 2  # the header is row 1
        found = _row_problems(row, known)
        problems += [InputProblem(file, rule, line, column, row[column]) for column, rule in found]
        claim_id = row["claim_id"].strip()
        if claim_id and claim_id in first_row:
            problems.append(InputProblem(file, f"claim_id appears more than once (first on row {first_row[claim_id]})",
                                         line, "claim_id", claim_id))
        first_row.setdefault(claim_id, line)
        if not found:
            claims.append(Claim(
                claim_id=claim_id, section=row["section"].strip(), quote=row["quote"].strip(),
                kind=row["kind"].strip(), indicator_id=row["indicator_id"].strip(), periods=_periods(row["periods"]),
                direction=row["direction"].strip() or ("up" if row["kind"].strip() == "peak" else ""),
                compared_with=row["compared_with"].strip(), checkable=row["checkable"].strip() == "yes",
                why_not_checkable=row["why_not_checkable"].strip(), reading=row["reading"].strip(), row=line))
    if problems:
        raise InputError(problems)
    return claims


def edition_claims(year: str, data_dir: Path | str | None = None, area: str | None = None) -> list[Claim] | None:
    """The edition's claims, checked against the national indicator catalogue; None when the
    edition records none (its year folder has no claims.csv)."""
    path = claims_path(year, data_dir, area)
    if not path.exists():
        return None
    reference = edition_data_paths(data_dir, area).reference
    return read_claims(path, national_catalogue(reference)["indicator_id"])


# --------------------------------------------------------------------------------------
# Checking a claim against the national series
# --------------------------------------------------------------------------------------
def _not_checkable(claim: Claim, why: str, figures: str = "") -> Verdict:
    return Verdict(claim, NOT_CHECKABLE, why, figures)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


class _Series:
    """The area's published values of one indicator, by DfE time period."""

    def __init__(self, national: pd.DataFrame, catalogue: pd.DataFrame, indicator_id: str, area_code: str):
        entry = compare.catalogue_entry(catalogue, indicator_id)
        self.unit, self.period_type = entry["unit"], entry["period_type"]
        self.rows = compare.trend(national, indicator_id, area_code, catalogue).set_index("time_period")

    def label(self, year: int) -> str:
        return period_label(year, self.period_type)

    def missing(self, years) -> str:
        """Why a value needed is not published ('' when every one is)."""
        for year in years:
            if year not in self.rows.index:
                return f"DfE publishes no figure for the area for {self.label(year)}"
            symbol = str(self.rows.at[year, "symbol"])
            if symbol or pd.isna(self.rows.at[year, "value"]):
                meaning = symbol_meaning(symbol) if symbol else "not available"
                return f"The {self.label(year)} figure is {meaning}" + (f" ({symbol})" if symbol else "")
        return ""

    def value(self, year: int) -> float:
        return float(self.rows.at[year, "value"])

    def decimals(self, year: int) -> int | None:
        decimals = self.rows.at[year, "decimals"] if "decimals" in self.rows else None
        return None if decimals is None or pd.isna(decimals) else int(decimals)

    def text(self, year: int) -> str:
        """The value as the book shows it: '151', '24.3%', '42.8 per 10,000 children'."""
        return format_statistic(self.value(year), self.unit, "", self.decimals(year))

    def at(self, year: int) -> str:
        """'151 on 31 March 2025', '24.3% in 2024-25'."""
        return f"{self.text(year)} {when(self.label(year))}"

    def listing(self, years) -> str:
        """'31 March 2021: 329; 31 March 2022: 145' for the years published."""
        return "; ".join(f"{self.label(y)}: {self.text(y)}" for y in years if not self.missing([y]))

    def moved(self, earlier: int, later: int) -> str:
        """Which way the published value moved: up, down or same."""
        difference = self.value(later) - self.value(earlier)
        return "same" if difference == 0 else "up" if difference > 0 else "down"

    def movement(self, earlier: int, later: int) -> str:
        """'fell from 135 in 2023-24 to 109 in 2024-25, down 26 (19.3%)'."""
        moved = self.moved(earlier, later)
        if moved == "same":
            return f"was {self.text(later)} {when(self.label(earlier))} and {when(self.label(later))}"
        first, second = format_pair(self.value(earlier), self.value(later), self.unit,
                                    _shown_decimals(self.unit, self.decimals(later)))
        change = describe_change(self.value(earlier), self.value(later), self.unit,
                                 _shown_decimals(self.unit, self.decimals(later)))
        return f"{MOVED[moved]} from {first} {when(self.label(earlier))} to {second} {when(self.label(later))}, {change}"

    def change(self, earlier: int, later: int) -> str:
        """'down 26 (19.3%) on 2023-24'."""
        words = describe_change(self.value(earlier), self.value(later), self.unit,
                                _shown_decimals(self.unit, self.decimals(later)))
        return f"{words} on {self.label(earlier)}"


def _shown_decimals(unit: str, decimals: int | None) -> int:
    return 0 if unit == "count" else 1 if decimals is None else min(1, decimals)


def _check_direction(claim: Claim, series: _Series) -> Verdict:
    *earlier, last = claim.periods
    figures = series.listing(claim.periods)
    wrong = [year for year in earlier if series.moved(year, last) != claim.direction]
    if len(earlier) == 1:
        verdict = NOT_SUPPORTED if wrong else SUPPORTED
        return Verdict(claim, verdict, _sentence(series.movement(earlier[0], last)), figures)
    if not wrong:
        others = " and ".join(series.at(year) for year in reversed(earlier))
        size = series.change(earlier[-1], last)
        return Verdict(claim, SUPPORTED, _sentence(f"{series.at(last)}: {THAN[claim.direction]} {others}; {size}"),
                       figures)
    reasons = "; ".join(f"{series.at(last)} against {series.at(year)}: it {series.movement(year, last)}"
                        for year in reversed(wrong))
    return Verdict(claim, NOT_SUPPORTED, _sentence(f"Not {THAN[claim.direction]} every earlier year: {reasons}"),
                   figures)


def _check_continuous(claim: Claim, series: _Series) -> Verdict:
    first, last = claim.periods
    years = list(range(first, last + 1))
    figures = series.listing(years)
    why = series.missing(years)
    if why:
        return _not_checkable(claim, _sentence(f"{why}, so every year from {series.label(first)} to "
                                               f"{series.label(last)} cannot be compared"), figures)
    breaks = [(a, b) for a, b in zip(years, years[1:]) if series.moved(a, b) != claim.direction]
    if breaks:
        reasons = "; ".join(series.movement(a, b) for a, b in breaks)
        return Verdict(claim, NOT_SUPPORTED, _sentence(f"Not every year: it {reasons}"), figures)
    return Verdict(claim, SUPPORTED, _sentence(f"{MOVED[claim.direction].capitalize()} every year, from "
                                               f"{series.at(first)} to {series.at(last)}"), figures)


def _check_peak(claim: Claim, series: _Series) -> Verdict:
    (year,) = claim.periods
    years = [year - 1, year, year + 1]
    figures = series.listing(years)
    why = series.missing(years)
    if why:
        return _not_checkable(claim, _sentence(f"{why}, so {series.label(year)} cannot be compared with the "
                                               "years either side"), figures)
    higher = series.value(year) > series.value(year - 1) and series.value(year) > series.value(year + 1)
    words = (f"{series.at(year)}: {'higher' if higher else 'not higher'} than both {series.at(year - 1)} and "
             f"{series.at(year + 1)}")
    return Verdict(claim, SUPPORTED if higher else NOT_SUPPORTED, _sentence(words), figures)


def _comparator(national: pd.DataFrame, claim: Claim, area_code: str, year: int) -> pd.Series | None:
    """The England or region row of the indicator for the year (the English region: London)."""
    rows = national[(national["indicator_id"] == claim.indicator_id) & (national["time_period"] == year)]
    if claim.compared_with == "england":
        found = rows[rows["geographic_level"] == "National"]
        return found.iloc[0] if len(found) else None
    area = national[national["area_code"] == area_code]
    if area.empty:
        return None
    region = area.iloc[0].get("english_region_code", "") or area.iloc[0].get("region_code", "")
    region = compare.LONDON_SUBREGIONS.get(region, region)
    found = rows[rows["area_code"] == region]
    return found.iloc[0] if len(found) else None


def _check_level(claim: Claim, series: _Series, national: pd.DataFrame, area_code: str) -> Verdict:
    (year,) = claim.periods
    other = _comparator(national, claim, area_code, year)
    if other is None or other["symbol"] or pd.isna(other["value"]):
        return _not_checkable(claim, _sentence(f"DfE publishes no {claim.compared_with} figure for "
                                               f"{series.label(year)}"), series.listing([year]))
    name = str(other["area_name"])
    other_text = format_statistic(float(other["value"]), series.unit, "", series.decimals(year))
    difference = series.value(year) - float(other["value"])
    stands = "same" if difference == 0 else "up" if difference > 0 else "down"
    verdict = SUPPORTED if stands == claim.direction else NOT_SUPPORTED
    figures = f"{series.listing([year])}; {name}: {other_text}"
    return Verdict(claim, verdict, _sentence(f"{series.at(year)}, {THAN[stands]} {name}'s {other_text}"), figures)


def _context(claim: Claim, national: pd.DataFrame, catalogue: pd.DataFrame, area_code: str) -> str:
    """For a claim that is not checkable but names the nearest indicator: what it shows."""
    if not claim.indicator_id or not claim.periods:
        return ""
    try:
        series = _Series(national, catalogue, claim.indicator_id, area_code)
    except (UnknownAreaError, ValueError):
        return ""
    if series.missing(claim.periods):
        return ""
    title = str(compare.catalogue_entry(catalogue, claim.indicator_id)["title"])
    if len(claim.periods) == 1:
        year = claim.periods[0]
        return f" For context only, DfE's figure: {title.lower()} ({series.label(year)}), {series.text(year)}."
    return f" For context only, DfE's figure: {title.lower()} {series.movement(claim.periods[-2], claim.periods[-1])}."


def check_claim(claim: Claim, national: pd.DataFrame, catalogue: pd.DataFrame, area_code: str) -> Verdict:
    """The claim's verdict from the area's published national series (``national``: the frame of
    :func:`analysis.national.load.load_national`; ``catalogue``: its indicator catalogue)."""
    if not claim.checkable:
        return _not_checkable(claim, _sentence(claim.why_not_checkable)
                              + _context(claim, national, catalogue, area_code))
    try:
        series = _Series(national, catalogue, claim.indicator_id, area_code)
    except (UnknownAreaError, ValueError):
        return _not_checkable(claim, f"The national statistics have no figures of this indicator for {area_code}.")
    if claim.kind == "continuous":
        return _check_continuous(claim, series)
    if claim.kind == "peak":
        return _check_peak(claim, series)
    why = series.missing(claim.periods)
    if why:
        return _not_checkable(claim, _sentence(f"{why}, so the claim cannot be checked"),
                              series.listing(claim.periods))
    if claim.kind == "level":
        return _check_level(claim, series, national, area_code)
    return _check_direction(claim, series)


def check_claims(claims: list[Claim] | None, national: pd.DataFrame, catalogue: pd.DataFrame,
                 area_code: str) -> list[Verdict]:
    """Every claim's verdict, in the order of claims.csv (none when the edition records none)."""
    return [check_claim(claim, national, catalogue, area_code) for claim in claims or []]


# --------------------------------------------------------------------------------------
# What the page shows
# --------------------------------------------------------------------------------------
def claims_status(year: str, claims: list[Claim] | None, area_name: str) -> str:
    """The page's opening sentence: what it checks, or that the edition records no claims."""
    if claims is None:
        return (f"The {year} edition records no claims from a published report (its year folder has no "
                f"{CLAIMS_FILE}), so there is nothing to check on this page.")
    if not claims:
        return f"The {year} edition's {CLAIMS_FILE} lists no claims, so there is nothing to check on this page."
    return (f"The claims below are those the published report for {year} makes about which way figures moved "
            f"or how {area_name} stands, in the report's own words, each checked against the national "
            f"statistics published for {area_name}.")


def claims_summary(verdicts: list[Verdict]) -> pd.DataFrame:
    """One row: how many claims were recorded and how many got each verdict."""
    counts = {verdict: sum(v.verdict == verdict for v in verdicts) for verdict in VERDICTS}
    return pd.DataFrame([{"Claims recorded": len(verdicts), **counts}])


CHECKED_COLUMNS = ["Report section", "What the report says", "Checked against", "Verdict",
                   "What the national statistics show", "How the claim is read"]
NOT_CHECKED_COLUMNS = ["Report section", "What the report says", "Nearest national statistic",
                       "Why it cannot be checked", "How the claim is read"]


def _periods_text(periods: tuple[int, ...], kind: str, period_type: str) -> str:
    """'31 March 2021 to 31 March 2025' for a continuous claim; '2022-23, 2023-24, 2024-25' otherwise."""
    labels = [period_label(year, period_type) for year in periods]
    return " to ".join(labels) if kind == "continuous" else ", ".join(labels)


def claims_table(verdicts: list[Verdict], catalogue: pd.DataFrame, checked: bool = True) -> pd.DataFrame:
    """The claims with a verdict from the national figures (``checked``), or those that are not
    checkable and why, for the page, in the order of claims.csv."""
    rows = []
    for v in verdicts:
        if (v.verdict != NOT_CHECKABLE) != checked:
            continue
        claim = v.claim
        quoted = f"\u201c{claim.quote}\u201d"
        if not checked:
            nearest = (str(compare.catalogue_entry(catalogue, claim.indicator_id)["title"]) if claim.indicator_id
                       else "None")
            rows.append(dict(zip(NOT_CHECKED_COLUMNS, [claim.section, quoted, nearest, v.detail, claim.reading])))
            continue
        entry = compare.catalogue_entry(catalogue, claim.indicator_id)
        against = f"{entry['title']} ({_periods_text(claim.periods, claim.kind, entry['period_type'])})"
        rows.append(dict(zip(CHECKED_COLUMNS, [claim.section, quoted, against, v.verdict, v.detail, claim.reading])))
    return pd.DataFrame(rows, columns=CHECKED_COLUMNS if checked else NOT_CHECKED_COLUMNS)


def claims_source(year: str, data_dir: Path | str | None, area: str | None, extract: str) -> str:
    """Where the claims tables come from, for their spreadsheets: the edition's claims.csv and
    the national extract (``extract``, as NationalView names it) they are checked against."""
    return (f"the published report's claims as the edition records them ({display_path(claims_path(year, data_dir, area))}), "
            f"checked against the book's extract of national statistics ({extract})")


def show_claims(verdicts: list[Verdict], catalogue: pd.DataFrame, downloads: Downloads | None = None,
                source: str = "") -> HTML:
    """The page's tables: how many claims have each verdict, then each claim; a sentence
    instead when the edition records no claims. With ``downloads`` (the page's), each table's
    data is written as a spreadsheet, from ``source``, and linked under it."""
    if not verdicts:
        return HTML("<p>No claims are recorded for this edition, so there are no verdicts.</p>")
    tables = [(claims_summary(verdicts), "How many claims have each verdict", "summary"),
              (claims_table(verdicts, catalogue), "Claims checked against the national statistics", "checked"),
              (claims_table(verdicts, catalogue, checked=False),
               "Claims the national statistics cannot check, and why", "not-checkable")]
    if downloads is None:
        return HTML("".join(show_table(table, caption).data for table, caption, _ in tables))
    return together([downloads.table(table, caption, name=name, source=source) for table, caption, name in tables])
