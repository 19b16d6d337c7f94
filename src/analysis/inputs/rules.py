"""The rules every value in an edition's input files must follow.

The rules (each problem says which one it broke):

- files: the required columns are present, no unknown or repeated column, a workbook has
  its ``figures`` sheet, no formula or Excel error value in a cell;
- ``indicator_id`` is in the catalogue (``data/reference/indicators.csv``) and supplied by
  the partnership; an indicator appears once per period, across all files;
- ``value`` is a number (thousands separators and, for a percentage, a trailing % are
  accepted); a count is a whole number and not negative; a rate is not negative; a
  percentage is between 0 and 100;
- ``numerator``/``denominator`` (optional, percentages only): both or neither, whole
  numbers, not negative, denominator above zero, numerator not greater than the
  denominator, and the value equal to numerator / denominator x 100 to the decimals given;
- ``period`` is the edition's period for the indicator's period type (financial_year
  '2025-26', calendar_year '2025', academic_year '2025/26', ...). The period just before it
  ('2024-25', '2024', '2024/25') is accepted too, as a restatement of last year's figure (the
  2024-25 report states the 2023 knife crime figure, for example): it is marked as such by
  its period, used for comparison only, and compared with the previous edition (a warning
  when they differ). Any other period is an error;
- ``qualifier`` is blank or one of about, more than, fewer than, at least; ``status`` (in
  figures.csv) is reported or derived, and a derived value says how;
- ``quote_number`` (figures.csv): a reported figure with a ``source_quote`` names which number
  of the quote it is, exactly as the quote writes it ('8,583', '79.4%', 'five'), and that
  number is in the quote (the reproduction page reads it from the report itself);
- required indicators and lists have a value for the edition (an error when missing);
  optional ones missing are warnings (the book shows them as "not supplied");
- a partner's return filled in twice (CSV and Excel) is an error; files in ``returns/``
  that are neither .csv nor .xlsx are warnings (an .xls must be saved as .xlsx: error).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from analysis.errors import InputProblem
from analysis.inputs.formats import QUALIFIERS, STATUSES
from analysis.inputs.readers import ReadTable, SheetRow
from analysis.present.formatting import decimals_in
from analysis.periods import ReportYear, expected_period, previous_expected_period

RULE_UNKNOWN_INDICATOR = "unknown indicator_id (not in data/reference/indicators.csv)"
RULE_NOT_A_NUMBER = "value must be a number"
RULE_PERCENTAGE_RANGE = "a percentage must be between 0 and 100"
RULE_DUPLICATE = "the same indicator and period appear more than once"
RULE_MISSING_COLUMN = "required column missing"
RULE_QUOTE_NUMBER_BLANK = ("quote_number is blank: a reported figure with a source_quote must say which number "
                           "of the quote it is, as the quote writes it (8,583, 79.4% or five, say)")
RULE_QUOTE_NUMBER_NOT_A_NUMBER = ("quote_number must be a number as the quote writes it: digits (8,583, 2131, "
                                  "79.4%) or a number word (one to twenty)")
RULE_QUOTE_NUMBER_NOT_IN_QUOTE = "quote_number must be a number the source_quote states, written as the quote writes it"

# ASCII digits only: Python reads '٨٥' (Arabic-Indic) and '８５' (full-width) as 85, which
# would let a number nobody can check by eye through.
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$", re.ASCII)
RULE_OTHER_DIGITS = ("digits from another script (such as Arabic-Indic or full-width): type the number with "
                     "the digits 0 to 9")
# Dashes Word and Excel put in place of a hyphen or a minus sign: they look the same, but are not.
OTHER_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"


def dash_hint(text: str) -> str:
    """': it has the dash '–' (U+2013), not a hyphen: type '-'' when text holds a look-alike dash."""
    dash = next((ch for ch in str(text) if ch in OTHER_DASHES), None)
    return f": it has the dash {dash!r} (U+{ord(dash):04X}), not a hyphen or minus sign: type '-'" if dash else ""


def parse_number(text: str, unit: str = "") -> tuple[float | None, str]:
    """(value, cleaned text) for a number as people type it, or (None, text) if it is not one.

    Accepts '1234', '1,234', ' 79.4 ' and, for a percentage, '79.4%'. Refuses 'n/a',
    '1,2' (a decimal comma), 'nan', 'inf' and anything else.
    """
    cleaned = str(text).strip()
    if unit in ("percentage", "percentage_change") and cleaned.endswith("%"):
        cleaned = cleaned[:-1].strip()
    if "," in cleaned:
        if not _GROUPED_NUMBER.match(cleaned):
            return None, str(text)
        cleaned = cleaned.replace(",", "")
    if not _PLAIN_NUMBER.match(cleaned):
        return None, str(text)
    return float(cleaned), cleaned


# --------------------------------------------------------------------------
# The numbers a quoted sentence states
# --------------------------------------------------------------------------

# Numbers a report writes as words. Extend when a report writes another (and test it).
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}
# A number in digits ('8,583', '2131', '79.4', '5%'), not part of a longer one; or a number word.
_WRITTEN_NUMBER = re.compile(
    r"(?<![\d,.])\d+(?:,\d{3})*(?:\.\d+)?%?"
    r"|\b(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class WrittenNumber:
    """A number as a text writes it ('8,583', '79.4%', 'five'), its value and where it is."""

    text: str
    value: float
    start: int
    end: int

    def is_written(self, as_written: str) -> bool:
        """Whether ``as_written`` (a quote_number) names this number: the same text, ignoring
        case and surrounding spaces, with or without the % sign."""
        wanted = " ".join(str(as_written).split()).lower()
        return wanted in (self.text.lower(), self.text.lower().rstrip("%"))


def numbers_written(text: str) -> list[WrittenNumber]:
    """Every number a text writes, in order: 'submitted six ..., 8,583 (5% increase)' ->
    six (6), 8,583 (8583), 5% (5). '2024-25' is two numbers, 2024 and 25."""
    found = []
    for match in _WRITTEN_NUMBER.finditer(text):
        written = match.group()
        word = written.lower()
        value = float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else float(written.rstrip("%").replace(",", ""))
        found.append(WrittenNumber(written, value, match.start(), match.end()))
    return found


def written_number_value(as_written: str) -> float | None:
    """The value of a number written on its own ('8,583' -> 8583, 'five' -> 5, '79.4%' -> 79.4);
    None if it is not one number."""
    cleaned = " ".join(str(as_written).split())
    found = numbers_written(cleaned)
    if len(found) != 1 or found[0].text.lower() != cleaned.lower():
        return None
    return found[0].value


def quote_number_problems(table: ReadTable, row: SheetRow) -> list[InputProblem]:
    """The rule for ``quote_number`` in figures.csv: a reported figure with a quote names which
    number of the quote it is, written as the quote writes it, and the quote states it."""
    quote, named = row.get("source_quote"), row.get("quote_number")
    if row.get("status") != "reported" or not quote:
        return []
    if not named:
        rule = RULE_QUOTE_NUMBER_BLANK if "quote_number" in table.columns else (
            "no quote_number column: " + RULE_QUOTE_NUMBER_BLANK.replace("quote_number is blank: ", ""))
        return [table.problem(rule, row.row, "quote_number")]
    if written_number_value(named) is None:
        return [table.problem(RULE_QUOTE_NUMBER_NOT_A_NUMBER, row.row, "quote_number", named)]
    if not any(number.is_written(named) for number in numbers_written(quote)):
        stated = ", ".join(number.text for number in numbers_written(quote)) or "none"
        return [table.problem(f"{RULE_QUOTE_NUMBER_NOT_IN_QUOTE} (the quote states: {stated})",
                              row.row, "quote_number", named)]
    return []


# --------------------------------------------------------------------------
# Rules about one value
# --------------------------------------------------------------------------


@lru_cache(maxsize=64)
def accepted_periods(period_type: str, year: ReportYear) -> tuple[str, str]:
    """(the edition's period, last year's) for an indicator's period type: worked out once for
    each type and year (they never change), not again for each row of a big return."""
    return expected_period(period_type, year), previous_expected_period(period_type, year)


def indicator_details(catalogue: pd.DataFrame) -> dict[str, dict[str, str]]:
    """The catalogue as {indicator_id: {column: text}}: a return can have thousands of rows, and
    a dictionary answers each row's look-up far quicker than ``catalogue.loc``."""
    return catalogue.to_dict("index")


def check_value_row(table: ReadTable, row: SheetRow, indicators: dict[str, dict[str, str]], year: ReportYear | None,
                    *, transcribed: bool) -> tuple[list[InputProblem], dict | None]:
    """Check one row with a value; return its problems and, if it is usable, the cleaned row.
    ``indicators`` is the catalogue as :func:`indicator_details` gives it."""
    problems: list[InputProblem] = []
    number = row.row
    indicator = row.get("indicator_id")
    if "indicator_id" in row.unreadable:
        return problems, None
    if not indicator:
        problems.append(table.problem("indicator_id is blank: every value must name its indicator",
                                      number, "indicator_id"))
        return problems, None
    if indicator not in indicators:
        problems.append(table.problem(RULE_UNKNOWN_INDICATOR, number, "indicator_id", indicator))
        return problems, None
    meta = indicators[indicator]
    if meta["source_type"] != "partnership":
        problems.append(table.problem(
            f"{indicator} is a {meta['source_type']} indicator, not one the partnership supplies",
            number, "indicator_id", indicator))
        return problems, None
    unit = meta["unit"]
    usable = True

    # value
    raw = row.get("value")
    value: float | None = None
    cleaned = raw
    if "value" in row.unreadable:
        usable = False
    else:
        value, cleaned = parse_number(raw, unit)
        if value is None:
            other_digits = any(ch.isdigit() and not ch.isascii() for ch in str(raw))
            if not str(raw).strip():  # a numerator or denominator was given without the value
                rule = ("value is blank, but a numerator or denominator is given: type the value too (the "
                        "percentage is what the book publishes)")
            else:
                rule = RULE_OTHER_DIGITS if other_digits else RULE_NOT_A_NUMBER + dash_hint(raw)
            problems.append(table.problem(rule, number, "value", raw))
            usable = False
        elif "value" in row.percent_formatted and unit not in ("percentage", "percentage_change"):
            problems.append(table.problem(
                f"the cell is formatted as a percentage, so Excel shows {cleaned}%, but {indicator} is a "
                f"{unit.replace('_', ' ')}: format the cell as a number (Home, Number format, General) and type "
                "the value again", number, "value", f"{cleaned}%"))
            usable = False
        else:
            if unit == "percentage" and not 0 <= value <= 100:
                problems.append(table.problem(RULE_PERCENTAGE_RANGE, number, "value", raw))
            elif unit in ("count", "rate_per_10000") and value < 0:
                problems.append(table.problem(f"a {unit.replace('_', ' ')} cannot be negative", number, "value", raw))
            elif unit == "count" and not value.is_integer():
                problems.append(table.problem("a count must be a whole number", number, "value", raw))

    # period
    period = row.get("period")
    if "period" not in row.unreadable:
        if not period:
            problems.append(table.problem("period is blank: say which period the value covers", number, "period"))
            usable = False
        elif year is not None:
            expected, previous = accepted_periods(meta["period_type"], year)
            if period not in (expected, previous):
                kind = meta["period_type"].replace("_", " ")
                article = "an" if kind[0] in "aeiou" else "a"
                problems.append(table.problem(
                    f"period does not match the {year.label} edition: {article} {kind} indicator's period must be "
                    f"{expected} (or {previous} to restate last year's figure)" + dash_hint(period),
                    number, "period", period))
    else:
        usable = False

    # qualifier
    qualifier = row.get("qualifier")
    if "qualifier" not in row.unreadable and qualifier.lower() in QUALIFIERS:
        qualifier = qualifier.lower()
    elif "qualifier" not in row.unreadable:
        problems.append(table.problem(f"qualifier must be one of {sorted(QUALIFIERS)}", number, "qualifier", qualifier))

    # numerator and denominator
    numerator_text, denominator_text = row.get("numerator"), row.get("denominator")
    if (numerator_text or denominator_text) and not ({"numerator", "denominator"} & row.unreadable):
        problems += _check_fraction(table, number, unit, numerator_text, denominator_text, value, cleaned, qualifier)

    # status and derivation (transcribed figures only)
    status = row.get("status") if transcribed else "reported"
    if transcribed:
        if status not in STATUSES:
            problems.append(table.problem("status must be reported or derived", number, "status", status))
        if status == "derived" and not row.get("derivation"):
            problems.append(table.problem("a derived value must say how it was derived", number, "derivation", ""))
        problems += quote_number_problems(table, row)

    if not usable:
        return problems, None
    return problems, {
        "indicator_id": indicator,
        "period": period,
        "value": cleaned,
        "qualifier": qualifier,
        "status": status,
        "derivation": row.get("derivation") if transcribed else "",
        "document_id": row.get("document_id") if transcribed else f"return-{table.path.stem.lower()}",
        "source_section": row.get("source_section") if transcribed else "",
        "source_quote": (row.get("source_quote") if transcribed
                         else " ".join(part for part in (row.get("source"), row.get("notes")) if part)),
        "numerator": numerator_text,
        "denominator": denominator_text,
        "quote_number": row.get("quote_number") if transcribed else "",
        "source_file": table.file,
        "source_row": number,
        "source_sheet": table.sheet or "",
        "origin": "transcribed" if transcribed else "return",
    }


def _check_fraction(table: ReadTable, number: int, unit: str, numerator_text: str, denominator_text: str,
                    value: float | None, value_text: str, qualifier: str) -> list[InputProblem]:
    problems: list[InputProblem] = []
    if unit != "percentage":
        column = "numerator" if numerator_text else "denominator"
        return [table.problem(f"numerator and denominator are given for percentages only; this indicator "
                              f"is a {unit.replace('_', ' ')}", number, column, numerator_text or denominator_text)]
    parts: dict[str, float] = {}
    for column, text in (("numerator", numerator_text), ("denominator", denominator_text)):
        if not text:
            other = "denominator" if column == "numerator" else "numerator"
            problems.append(table.problem(f"a {other} needs a {column}: give both or neither", number, column))
            continue
        parsed, _ = parse_number(text)
        if parsed is None:
            problems.append(table.problem(f"{column} must be a number", number, column, text))
        elif parsed < 0:
            problems.append(table.problem(f"{column} cannot be negative", number, column, text))
        elif not parsed.is_integer():
            problems.append(table.problem(f"{column} must be a whole number (a count of children)", number, column, text))
        else:
            parts[column] = parsed
    if len(parts) < 2:
        return problems
    numerator, denominator = parts["numerator"], parts["denominator"]
    if denominator == 0:
        problems.append(table.problem("denominator cannot be zero", number, "denominator", denominator_text))
    elif numerator > denominator:
        problems.append(table.problem("numerator is greater than the denominator", number, "numerator",
                                      f"{numerator_text} > {denominator_text}"))
    elif value is not None and not qualifier:
        share = numerator / denominator * 100
        tolerance = 0.5 * 10 ** -decimals_in(value_text) + 1e-9
        if abs(share - value) > tolerance:
            problems.append(table.problem(
                f"value does not match numerator / denominator x 100 ({share:.2f})", number, "value", value_text))
    return problems


def column_problems(table: ReadTable, required: list[str], allowed: list[str]) -> list[InputProblem]:
    problems = [table.problem(RULE_MISSING_COLUMN, None, column) for column in required if column not in table.columns]
    for column in table.columns:
        if column and column not in allowed:
            problems.append(table.problem(
                f"unknown column (the columns are: {', '.join(allowed)})", 1, column))
    return problems
