"""Personal data in an input file: found by ``validate``, named by file, sheet, row and column.

The book publishes aggregate figures only, and the build refuses to publish a page that
holds record-level data (``analysis.assurance.privacy``). A partner who types a child's
date of birth or postcode into a notes cell should hear about it from ``validate``, at the
cell, before anything is built: the same patterns are looked for in every cell of every
input table. The value found is never repeated in full in the message (it is masked).
"""
from __future__ import annotations

import re

from analysis.person_level import person_field, value_findings
from analysis.errors import InputProblem
from analysis.inputs.readers import ReadTable

RULE_PERSONAL_DATA = ("looks like personal data about a child or family: {what}. The book holds aggregate "
                      "figures only; delete it from the file (and from any copy sent by email)")
RULE_CONTACT = ("looks like a person's contact details: {what}. The notes and sources are published beside "
                "the figure; delete them from the file")
# Contact details of a named person: notes and sources are published as each figure's source.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
UK_PHONE = re.compile(r"(?<![\d,.])(?:\+44\s?\(?0?\)?\s?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d|[.,]\d)")
TITLED_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z'-]+)?")
RULE_PERSON_COLUMN = ("the column is named like personal data ({what}): the book holds aggregate figures only; "
                      "delete the column")


def personal_data_problems(table: ReadTable) -> list[InputProblem]:
    """A problem for each column named like personal data and each cell holding a person-level
    value (a postcode, an NHS number, a unique pupil number, a date of birth)."""
    problems = []
    for name, header in table.headers.items():
        what = person_field(header)
        if what:
            problems.append(InputProblem(table.file, RULE_PERSON_COLUMN.format(what=what), 1, header, None,
                                         table.sheet))
    flagged = _texts_with_findings(table)
    if not flagged:
        return problems
    for row in table.rows:
        for name, text in row.values.items():
            if text in flagged and name not in row.unreadable:
                problems += [table.problem(rule, row.row, name) for rule in flagged[text]]
    return problems


def _texts_with_findings(table: ReadTable) -> dict[str, list[str]]:
    """{cell text: the rules it breaks} for each different text in the table that breaks one.
    A big return repeats the same few texts in thousands of cells: each is scanned once."""
    texts: set[str] = set()
    for row in table.rows:
        if row.unreadable:  # a cell that could not be read (a formula, a huge paste) is already reported
            texts.update(text for name, text in row.values.items() if name not in row.unreadable)
        else:
            texts.update(row.values.values())
    flagged = {}
    for text in texts - {""}:
        rules = _cell_findings(text)
        if rules:
            flagged[text] = rules
    return flagged


def _cell_findings(text: str) -> list[str]:
    """The personal-data and contact-details rules one cell's text breaks, in the order reported."""
    # Upper case: partners type postcodes in any case (the published-page scan looks for
    # upper case only, where lower-case runs are code and styles).
    rules = [RULE_PERSONAL_DATA.format(what=what) for _, what in value_findings(text.upper())]
    return rules + [RULE_CONTACT.format(what=what) for what in _contact_details(text)]


def _contact_details(text: str) -> list[str]:
    """What contact details a cell holds, masked: an email address, a phone number, a titled name."""
    found = []
    for match in EMAIL.finditer(text):
        found.append(f"an email address ({match.group()[0]}***@{match.group().split('@')[1]})")
    for match in UK_PHONE.finditer(text):
        if sum(ch.isdigit() for ch in match.group()) in (10, 11, 12):
            found.append(f"a phone number ({match.group()[:4]}***)")
    for match in TITLED_NAME.finditer(text):
        found.append(f"a person's name ({match.group().split()[0]} ***)")
    return found
