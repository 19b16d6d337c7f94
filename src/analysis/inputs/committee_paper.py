"""The committee paper's text: ``<year>/committee_paper.md`` in the partnership's folder, read and checked.

The council's cover report to its scrutiny committee is the partnership's own words, so it
lives with the edition's data, not in the code. The file is Markdown with a TOML header
between ``+++`` lines (the report's details: title, report of, committee, dates, summary,
recommendations, appendices); each ``## heading`` in the Markdown is one numbered section.
Figures are never typed: a placeholder in braces is filled from the edition's data when the
paper is made (``analysis.build.committee_paper``):

- ``{figure:ID}`` an indicator's value as the book shows it ("8,583", "about 44,000", "79.4%");
  ``{previous:ID}`` its value for the period before; ``{period:ID}`` the period it covers;
  ``{change:ID}`` "up from 45", "down from 45" or "the same as 45";
- ``{list:ID}`` a list as bullets, alone on its line (each item in bold, then its detail);
  ``{details:ID}`` the details only, as bullets; ``{items:ID}`` the items in a sentence
  ("a, b and c"); ``{count:ID}`` how many items, in words; ``{list_period:ID}`` its period;
- ``{year}``, ``{next_year}``, ``{partnership}``, ``{short_name}``, ``{website}``, and
  ``{appendices}`` (the appendices, numbered, alone on its line).

:func:`read_paper` reads the file; :func:`paper_problems` checks it against the catalogues
and the edition's figures: every key and placeholder known, no figure typed where it should
be glued, no personal data. Each problem names the file, line and rule.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from analysis.config import display_path
from analysis.errors import InputError, InputProblem
from analysis.periods import ReportYear
from analysis.person_level import value_findings

PAPER_FILE = "committee_paper.md"
FENCE = "+++"

# The paper's details, in its TOML header: key -> what it is (all required).
PAPER_KEYS = {
    "council": "the council the paper is submitted in, as its papers name it",
    "wards": "the wards the report concerns (All)",
    "title": "the report's title",
    "report_of": "whose report it is",
    "submitted_to": "the committee it is submitted to",
    "committee_date": "the committee's date, YYYY-MM-DD",
    "signed_by": "who signs the report",
    "signed_on": "the date it is signed, YYYY-MM-DD",
    "contact": "the contact officer",
    "access_to_information": "the Local Government Act 1972 statement on background papers",
    "summary": "the summary of the report (Markdown paragraphs)",
    "recommendations_to": "the sentence before the recommendations",
    "recommendations": "the recommendations, a list of sentences",
    "appendices": "the appendices, a list (Appendix 1 is the annual report: the book's PDF)",
}
DATE_KEYS = ("committee_date", "signed_on")
LIST_KEYS = ("recommendations", "appendices")

INDICATOR_PLACEHOLDERS = ("figure", "previous", "period", "change")
LIST_PLACEHOLDERS = ("list", "details", "items", "count", "list_period")
PLAIN_PLACEHOLDERS = ("year", "next_year", "partnership", "short_name", "website", "appendices")
BLOCK_PLACEHOLDERS = ("list", "details", "appendices")  # each alone on its line
PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([A-Za-z0-9_]+))?\}")


@dataclass
class PaperSource:
    """The paper's file as written: its details and its numbered sections (heading, body)."""

    path: Path
    details: dict
    sections: list[tuple[str, str]]
    # The line in the file where each section's heading is, and where the Markdown starts.
    heading_lines: list[int] = field(default_factory=list)
    body_start: int = 1

    @property
    def file(self) -> str:
        return display_path(self.path)


def paper_path(year_folder: Path) -> Path:
    return Path(year_folder) / PAPER_FILE


def read_paper(path: Path) -> PaperSource:
    """Read the paper's file; InputError naming the file and line when it cannot be read."""
    path = Path(path)
    file = display_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([InputProblem(file, "the committee paper's text is missing: write it (data/partnerships/"
                                             "README.md says how), or copy last year's and bring it up to date")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError([InputProblem(file, f"cannot be read as UTF-8 text: {error}")]) from None
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE or FENCE not in (line.strip() for line in lines[1:]):
        raise InputError([InputProblem(file, f"must start with its details between two {FENCE} lines (TOML)", 1)])
    end = next(index for index, line in enumerate(lines[1:], start=1) if line.strip() == FENCE)
    try:
        details = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as error:
        raise InputError([InputProblem(file, f"the details between the {FENCE} lines are not valid TOML: {error}",
                                       2)]) from None
    sections: list[tuple[str, list[str]]] = []
    heading_lines = []
    problems = []
    for number, line in enumerate(lines[end + 1:], start=end + 2):
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
            heading_lines.append(number)
        elif line.startswith("#") and re.match(r"#+\s", line):
            problems.append(InputProblem(file, "a section's heading is a level-two heading ('## '); other "
                                               "heading levels are not used", number))
        elif sections:
            sections[-1][1].append(line)
        elif line.strip():
            problems.append(InputProblem(file, "text before the first section heading ('## ...'): the summary "
                                               "and recommendations go in the details", number))
    if problems:
        raise InputError(problems)
    return PaperSource(path, details, [(heading, "\n".join(body).strip()) for heading, body in sections],
                       heading_lines, end + 2)


def _line_of(source: PaperSource, section: int, offset_text: str) -> int:
    """The file's line of a piece of text in a section's body (approximate: its first match)."""
    heading_line = source.heading_lines[section]
    body = source.sections[section][1]
    before = body[:body.find(offset_text)] if offset_text in body else ""
    # The body was stripped: count the blank lines between the heading and its first text.
    raw = source.path.read_text(encoding="utf-8-sig").splitlines()
    first = next((n for n in range(heading_line, len(raw)) if raw[n].strip()), heading_line)
    return first + 1 + before.count("\n")


def _texts(source: PaperSource) -> list[tuple[str, int | None, str]]:
    """Every piece of text with its place: (where, line, text)."""
    texts = []
    for key, value in source.details.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                texts.append((f"details, key {key}", None, item))
    for index, (heading, body) in enumerate(source.sections):
        texts.append(("heading", source.heading_lines[index], heading))
        for paragraph in body.split("\n"):
            if paragraph.strip():
                texts.append(("section", _line_of(source, index, paragraph), paragraph))
    return texts


def _typed_numbers(text: str, figures: pd.DataFrame) -> list[str]:
    """The numbers of the edition's figures (as their quotes write them) typed in a text."""
    outside = PLACEHOLDER.sub(" ", text)
    found = []
    for written in sorted({str(n) for n in figures.get("quote_number", pd.Series(dtype=str)) if str(n).strip()}):
        if not any(ch.isdigit() for ch in written):
            continue  # "five" is too common a word to look for
        if re.search(r"(?<![\w.,])" + re.escape(written) + r"(?![\w]|[.,]\d)", outside):
            found.append(written)
    return found


def _date_problems(source: PaperSource, year: ReportYear | None) -> list[InputProblem]:
    """Dates written YYYY-MM-DD; the committee meets after the edition's year has ended, and the
    paper is signed before the meeting (a paper copied from last year keeps last year's dates)."""
    problems, dates = [], {}
    for key in DATE_KEYS:
        value = source.details.get(key)
        if isinstance(value, date):
            dates[key] = value
        elif isinstance(value, str) and value:
            try:
                dates[key] = date.fromisoformat(value)
            except ValueError:
                problems.append(InputProblem(source.file, f"{key} must be a date written YYYY-MM-DD", None, key, value))
    meeting, signed = dates.get("committee_date"), dates.get("signed_on")
    if year is not None and meeting is not None and meeting <= year.last_day:
        problems.append(InputProblem(
            source.file, f"committee_date is before the end of the {year.label} year ({year.last_day}): a paper on "
                         "the year meets after it has ended. Is it last year's date?", None, "committee_date",
            str(meeting)))
    if meeting is not None and signed is not None and signed > meeting:
        problems.append(InputProblem(source.file, "signed_on is after committee_date: the paper is signed before "
                                                  "the meeting", None, "signed_on", str(signed)))
    return problems


def paper_problems(source: PaperSource, catalogue: pd.DataFrame, list_catalogue: pd.DataFrame,
                   figures: pd.DataFrame, year: ReportYear | str | None = None) -> list[InputProblem]:
    """Everything wrong with the paper's file, each naming the file, line (or key) and rule."""
    file = source.file
    problems = _date_problems(source, ReportYear.parse(year) if isinstance(year, str) else year)
    for key in PAPER_KEYS:
        value = source.details.get(key)
        if value in (None, "", []):
            problems.append(InputProblem(file, f"the details have no {key}: give {PAPER_KEYS[key]}", None, key))
        elif key in LIST_KEYS and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problems.append(InputProblem(file, f"{key} must be a list of texts", None, key))
        elif key not in LIST_KEYS and not isinstance(value, (str, date)):
            problems.append(InputProblem(file, f"{key} must be a text", None, key))
    for key in sorted(set(source.details) - set(PAPER_KEYS)):
        problems.append(InputProblem(file, f"unknown key in the details (the keys are: {', '.join(PAPER_KEYS)})",
                                     None, key))
    if not source.sections:
        problems.append(InputProblem(file, "the paper has no sections: each starts with a '## heading' line"))
    for where, line, text in _texts(source):
        column = where.split("key ")[-1] if where.startswith("details") else None
        for match in PLACEHOLDER.finditer(text):
            kind, name = match.group(1), match.group(2)
            rule = None
            if kind in INDICATOR_PLACEHOLDERS:
                if name not in catalogue.index:
                    rule = f"{{{kind}:...}} names an indicator not in the catalogue"
            elif kind in LIST_PLACEHOLDERS:
                if name not in list_catalogue.index:
                    rule = f"{{{kind}:...}} names a list not in the list catalogue"
            elif kind in PLAIN_PLACEHOLDERS and name is None:
                pass
            else:
                rule = (f"unknown placeholder {match.group(0)}: use figure, previous, period, change (with an "
                        f"indicator), list, details, items, count, list_period (with a list), or "
                        f"{', '.join(PLAIN_PLACEHOLDERS)}")
            if rule is None and kind in BLOCK_PLACEHOLDERS and text.strip() != match.group(0):
                rule = f"{match.group(0)} makes a list, so it must be alone on its line"
            if rule:
                problems.append(InputProblem(file, rule, line, column, match.group(0)))
        for number in _typed_numbers(text, figures):
            problems.append(InputProblem(
                file, f"the figure {number} is typed: glue it with a placeholder such as {{figure:ID}}, so the paper "
                      "says what the data says", line, column, number))
        for _, what in value_findings(text):
            problems.append(InputProblem(file, f"looks like personal data: {what}; delete it", line, column))
    return problems
