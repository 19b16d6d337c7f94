"""The national indicators, defined once in ``data/reference/national_indicators.csv``.

One row per indicator. The pages read its description (title, definition, unit,
period_type, polarity, section, publication, source_file, breakdown); the importer
reads how its value is obtained:

``table``
    the key of the published table it comes from (see :mod:`analysis.national.tables`);
``method``
    ``published``: the value is the published cell in ``value_column``, and
    ``numerator_columns`` (summed) and ``denominator_column`` are the published cells
    behind it, when there are any; ``percentage``: computed here as
    100 x sum(numerator_columns) / denominator_column, rounded half up to one decimal
    place; ``rate_per_10000``: computed here as sum(numerator_columns) / the ONS
    mid-year estimate of children aged 0 to 17 for the mid-year before the year end
    x 10,000, one decimal place. A computed indicator's definition says so.
``value_column``, ``numerator_columns``, ``denominator_column``
    value columns of the table. A long table (one spread by filter columns) names the
    rows after the column, one label per filter column, as published:
    ``children_count[CLA on 31 March | Total children]``. Several numerator columns
    are joined by `` + ``.
``kind``
    ``recorded``: counted from records (children, referrals, plans), so a change between two
    years is tested; ``estimate``: a modelled estimate (the ONS mid-year population
    estimate), whose change is never tested for significance (see
    :mod:`analysis.stats.dispersion`). An estimate is published, not computed here.

The file is checked when it is read: every problem is reported with its file, row,
column and rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.config import DataPaths, display_path
from analysis.errors import InputError, InputProblem
from analysis.inputs.catalogue import load_sections, read_reference_csv
from analysis.national.tables import TABLES_BY_KEY, Table, wide
from analysis.vocabulary import PERIOD_TYPES, POLARITIES, UNITS

CATALOGUE_FILE = "national_indicators.csv"
CATALOGUE_COLUMNS = (
    "indicator_id", "section", "title", "definition", "unit", "period_type", "polarity",
    "source_type", "partner", "required", "publication", "source_file", "breakdown",
    "table", "method", "value_column", "numerator_columns", "denominator_column", "kind",
)
METHODS = ("published", "percentage", "rate_per_10000")
RECORDED, ESTIMATE = "recorded", "estimate"
KINDS = (RECORDED, ESTIMATE)
NUMERATOR_SEPARATOR = " + "

_INDICATOR_ID = re.compile(r"[a-z][a-z0-9_]*")
_COLUMN_REFERENCE = re.compile(r"(?P<column>[a-z0-9_]+)(?:\[(?P<labels>[^\[\]]*)\])?")
# A computed value must say so in its definition, so a reader never takes it for DfE's figure.
_COMPUTED_NOTE = "computed by this project"


@dataclass(frozen=True)
class Indicator:
    """One national indicator and how it is obtained from its table (see the module docstring).

    ``value``, ``numerator`` and ``denominator`` are the importer's names for the columns:
    :func:`analysis.national.tables.wide` names.
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
    kind: str = RECORDED

    @property
    def tested(self) -> bool:
        """Whether a change between two years is tested for significance (not for an estimate)."""
        return self.kind != ESTIMATE

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


# --------------------------------------------------------------------------------------
# Column references: "column" or "column[label | label]"
# --------------------------------------------------------------------------------------
def column_reference_problem(reference: str, table: Table) -> str | None:
    """Why ``reference`` does not name a value column of ``table``; None when it does."""
    match = _COLUMN_REFERENCE.fullmatch(reference.strip())
    if match is None:
        return ("must be a value column name in lower case, followed for a long table by its labels: "
                "column[label | label]")
    column, labels = match["column"], match["labels"]
    if column not in table.values:
        return f"{column} is not a value column of table {table.key} (its value columns: {', '.join(table.values)})"
    labels = [label.strip() for label in labels.split("|")] if labels is not None else []
    if not table.filters and labels:
        return f"table {table.key} has no filter columns: give the column name alone"
    if table.filters and (len(labels) != len(table.filters) or not all(labels)):
        return (f"table {table.key} is spread by {', '.join(table.filters)}: give one label for each, "
                f"as {column}[{' | '.join(table.filters)}]")
    return None


def column_key(reference: str) -> str:
    """The importer's name for a checked column reference (labels matched ignoring case)."""
    match = _COLUMN_REFERENCE.fullmatch(reference.strip())
    labels = match["labels"]
    return wide(match["column"], *(labels.split("|") if labels is not None else ()))


def numerator_references(cell: str) -> list[str]:
    """The column references in a numerator_columns cell ("a + b"); none when it is empty."""
    return [part.strip() for part in cell.split(NUMERATOR_SEPARATOR.strip())] if cell.strip() else []


# --------------------------------------------------------------------------------------
# Checking the catalogue
# --------------------------------------------------------------------------------------
def _one_of(allowed) -> str:
    return "must be one of " + ", ".join(allowed)


def _description_problems(row: dict, sections: set[str]) -> list[tuple[str, str]]:
    """(column, rule) for each problem with what the pages read."""
    found = []
    if not _INDICATOR_ID.fullmatch(row["indicator_id"]):
        found.append(("indicator_id", "must be lower case letters, digits and underscores, starting with a letter"))
    for column in ("title", "definition"):
        if not row[column].strip():
            found.append((column, "must not be empty"))
    if row["section"] not in sections:
        found.append(("section", "must be one of the sections in sections.csv: " + ", ".join(sorted(sections))))
    for column, allowed in (("unit", UNITS), ("period_type", PERIOD_TYPES), ("polarity", POLARITIES),
                            ("kind", KINDS)):
        if row[column] not in allowed:
            found.append((column, _one_of(allowed)))
    # The same columns as the partnership catalogue, with the values that say "national".
    for column, expected in (("source_type", "national"), ("partner", ""), ("required", "no")):
        if row[column] != expected:
            found.append((column, f"must be {expected!r} for a national indicator" if expected
                          else "must be empty for a national indicator"))
    return found


def _source_problems(row: dict, table: Table) -> list[tuple[str, str]]:
    """(column, rule) for a publication or source file that is not the table's."""
    found = []
    for column, expected in (("publication", table.publication), ("source_file", table.expected_file)):
        if row[column] != expected:
            found.append((column, f"must be {expected!r}, the {column.replace('_', ' ')} of table {table.key}"))
    return found


def _method_problems(row: dict, table: Table) -> list[tuple[str, str]]:
    """(column, rule) for each problem with how the value is obtained."""
    method = row["method"]
    if method not in METHODS:
        return [("method", _one_of(METHODS))]
    found = []
    value, denominator = row["value_column"].strip(), row["denominator_column"].strip()
    numerators = numerator_references(row["numerator_columns"])
    for column, references in (("value_column", [value] if value else []), ("numerator_columns", numerators),
                               ("denominator_column", [denominator] if denominator else [])):
        for reference in references:
            rule = column_reference_problem(reference, table)
            if rule:
                found.append((column, rule))
    if method == "published":
        if not value:
            found.append(("value_column", "a published indicator needs the column of its published value"))
        if bool(numerators) != bool(denominator):
            found.append(("denominator_column" if numerators else "numerator_columns",
                          "a published indicator gives both a numerator and a denominator, or neither"))
        return found
    if value:
        found.append(("value_column", f"must be empty: a {method} is computed from its numerator"))
    if not numerators:
        found.append(("numerator_columns", f"a {method} needs at least one numerator column"))
    if method == "percentage" and not denominator:
        found.append(("denominator_column", "a percentage needs a denominator column"))
    if method == "rate_per_10000" and denominator:
        found.append(("denominator_column", "must be empty: a rate per 10,000 divides by the ONS population"))
    if row["unit"] != method:
        found.append(("unit", f"must be {method}, the unit the {method} method gives"))
    if _COMPUTED_NOTE not in row["definition"].lower():
        found.append(("definition", f"a computed indicator's definition must say it is {_COMPUTED_NOTE}"))
    return found


def row_problems(row: dict, sections: set[str]) -> list[tuple[str, str]]:
    """(column, rule) for every problem with one catalogue row."""
    found = _description_problems(row, sections)
    table = TABLES_BY_KEY.get(row["table"])
    if table is None or table.kind != "ees":
        known = [t.key for t in TABLES_BY_KEY.values() if t.kind == "ees"]
        return found + [("table", _one_of(known))]
    return found + _source_problems(row, table) + _method_problems(row, table)


def read_catalogue(reference_dir: Path = DataPaths().reference) -> pd.DataFrame:
    """The national indicator catalogue as text, checked; InputError listing every problem."""
    path = Path(reference_dir) / CATALOGUE_FILE
    catalogue = read_reference_csv(path, list(CATALOGUE_COLUMNS))
    # sections.csv sits beside the catalogue, in the reference folder of the same data folder
    sections = set(load_sections(Path(reference_dir).parent).index)
    file = display_path(path)
    problems = []
    first_row: dict[str, int] = {}
    for offset, row in enumerate(catalogue.to_dict("records")):
        line = offset + 2  # the header is row 1
        problems += [InputProblem(file, rule, line, column, row[column])
                     for column, rule in row_problems(row, sections)]
        indicator_id = row["indicator_id"]
        if indicator_id in first_row:
            rule = f"indicator_id appears more than once (first on row {first_row[indicator_id]})"
            problems.append(InputProblem(file, rule, line, "indicator_id", indicator_id))
        first_row.setdefault(indicator_id, line)
    if problems:
        raise InputError(problems)
    return catalogue


def indicators_from(catalogue: pd.DataFrame) -> tuple[Indicator, ...]:
    """The indicators of a checked catalogue, in its order."""
    return tuple(
        Indicator(
            indicator_id=row["indicator_id"], section=row["section"], title=row["title"],
            definition=row["definition"], unit=row["unit"], period_type=row["period_type"],
            polarity=row["polarity"], table=row["table"], method=row["method"],
            value=column_key(row["value_column"]) if row["value_column"].strip() else None,
            numerator=tuple(column_key(part) for part in numerator_references(row["numerator_columns"])),
            denominator=column_key(row["denominator_column"]) if row["denominator_column"].strip() else None,
            breakdown=row["breakdown"], kind=row["kind"],
        )
        for row in catalogue.to_dict("records")
    )


def load_indicators(reference_dir: Path = DataPaths().reference) -> tuple[Indicator, ...]:
    """The national indicators defined in ``reference_dir``'s catalogue, checked."""
    return indicators_from(read_catalogue(reference_dir))


INDICATORS: tuple[Indicator, ...] = load_indicators()
INDICATORS_BY_ID = {indicator.indicator_id: indicator for indicator in INDICATORS}
