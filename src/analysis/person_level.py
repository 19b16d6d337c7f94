"""What counts as data about one person: field names and values such as a postcode or a date of birth.

Used twice: ``analysis.inputs.personal_data`` looks for them in every cell of the input files
(so ``validate`` names the partner's file, row and column), and ``analysis.assurance.privacy``
in every file of an edition before it is published.
"""
from __future__ import annotations

import re
from typing import Iterator

# Field names (normalised: lower case, runs of other characters as "_") that
# identify a record about a person, with what to call them in a message.
PERSON_FIELDS: dict[str, str] = {
    **dict.fromkeys(("child_id", "childid", "child_ref", "child_reference", "child_number",
                     "la_child_id", "person_id", "personid", "person_ref", "person_reference",
                     "pupil_id", "client_id", "case_id"), "a person identifier"),
    **dict.fromkeys(("upn", "unique_pupil_number", "former_upn", "pupil_upn"), "a unique pupil number"),
    **dict.fromkeys(("nhs_number", "nhs_no", "nhsnumber", "nhs_num", "nhs_id"), "an NHS number"),
    **dict.fromkeys(("date_of_birth", "dob", "d_o_b", "birth_date", "birthdate", "dateofbirth"),
                    "a date of birth"),
    **dict.fromkeys(("postcode", "post_code", "postal_code", "home_postcode", "address_postcode"),
                    "a postcode"),
    **dict.fromkeys(("forename", "forenames", "first_name", "firstname", "given_name", "given_names",
                     "surname", "last_name", "lastname", "family_name", "full_name",
                     "child_name", "person_name"), "a person's name"),
}
# Identifier-style names that are never prose: also looked for in plain-text
# notebook outputs (a printed DataFrame's header line).
_SNAKE_FIELDS = sorted((name for name in PERSON_FIELDS if "_" in name), key=len, reverse=True)
_SNAKE_FIELD_PATTERN = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(_SNAKE_FIELDS) + r")(?![A-Za-z0-9_])")

# A full UK postcode (outward and inward code). Upper case only: lower-case
# letter runs in code, CSS and hashes are not postcodes.
POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][A-HJKPSTUW0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])"
)
# Ten digits, together or as 3-3-4 with spaces or hyphens (the check digit is tested separately).
NHS_CANDIDATE = re.compile(r"(?<![\w./:+-])(\d{3})([ -]?)(\d{3})\2(\d{4})(?!\w|[./:+-]\d)")
# Unique pupil number: check letter (not I, O, S), 11 digits and a digit or
# letter (temporary UPNs end with a letter).
UPN = re.compile(r"(?<![A-Za-z0-9])([A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z])(?![A-Za-z0-9])")
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DATE = (r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}|"
         r"\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTHS + r"\.?,?\s+\d{4})")
# A date right after a date-of-birth label (allowing a few separators or tags
# between them, as in "DOB: 01/02/2015" or "<th>Date of birth</th><td>2015-02-01").
DATE_OF_BIRTH = re.compile(
    r"(?i)(?<![A-Za-z])(?:d\.?o\.?b|date[\s_]+of[\s_]+birth|birth[\s_]?date|born(?:\s+on)?)(?![A-Za-z])"
    r"(?:[\s:=\"',|>-]|</?[a-z][^<>]{0,40}>){0,8}(" + _DATE + r")"
)


def normalise_field(name: str) -> str:
    """'Date of birth' -> 'date_of_birth'; 'NHS No.' -> 'nhs_no'."""
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def person_field(name: str) -> str | None:
    """What a person-level field name identifies, or None for any other name."""
    return PERSON_FIELDS.get(normalise_field(name))


def nhs_number_is_valid(digits: str) -> bool:
    """Modulus 11 check of a 10-digit NHS number (weights 10..2; check 11 means 0, 10 is invalid)."""
    digits = re.sub(r"[ -]", "", digits)
    if not re.fullmatch(r"\d{10}", digits) or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _mask(value: str, keep: int) -> str:
    shown = value[:keep]
    return shown + "".join("*" if ch.isalnum() else ch for ch in value[keep:])


def value_findings(text: str) -> Iterator[tuple[int, str]]:
    """(offset, what) for each person-level value in ``text`` (data: URIs already removed)."""
    for match in POSTCODE.finditer(text):
        value = match.group(1)
        yield match.start(1), f"a UK postcode ({_mask(value, len(value.split()[0]) if ' ' in value else 2)})"
    for match in NHS_CANDIDATE.finditer(text):
        value = match.group(0)
        if nhs_number_is_valid(value):
            yield match.start(), f"an NHS number ({_mask(value, 3)})"
    for match in UPN.finditer(text):
        yield match.start(1), f"a unique pupil number ({_mask(match.group(1), 1)})"
    for match in DATE_OF_BIRTH.finditer(text):
        yield match.start(1), f"a date of birth ({_mask(match.group(1), 0)})"
