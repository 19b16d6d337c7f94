"""Errors that say exactly what is wrong: an input file's place, or a parameter."""
from __future__ import annotations

import re
from dataclasses import dataclass

# How many problems of one kind in one file are listed before the rest are counted: a
# return pasted 200,000 times must give a message a person can read, not 200,000 lines.
SHOWN_PER_KIND = 20


class ParameterError(ValueError):
    """A parameter given on the command line or to a notebook is not acceptable."""


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with one input file.

    `row` is the row number a person sees in a spreadsheet (the header is row 1),
    or None when the problem is with the whole file or a whole column.
    """

    file: str
    rule: str
    row: int | None = None
    column: str | None = None
    value: object = None
    sheet: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        text = ", ".join(where) + f": {self.rule}"
        if self.value is not None and str(self.value) != "":
            text += f" (value: {self.value!r})"
        return text


class InputError(ValueError):
    """Raised with every problem found, so the user can fix them all at once."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = list(problems)
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} found in the input files:"]
        lines += [f"  - {line}" for line in summarise(self.problems)]
        super().__init__("\n".join(lines))


_NUMBERS_AND_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\d+")


def _kind(problem: InputProblem, rule_kinds: dict[str, str]) -> tuple[str, str | None, str]:
    """Problems of one kind: the same file, sheet and rule, whatever the numbers and quoted
    values in the rule's wording. ``rule_kinds`` keeps each wording's kind: thousands of
    problems can share one wording."""
    rule = problem.rule
    if rule not in rule_kinds:
        rule_kinds[rule] = _NUMBERS_AND_QUOTED.sub("#", rule)
    return problem.file, problem.sheet, rule_kinds[rule]


def summarise(problems: list[InputProblem], shown_per_kind: int = SHOWN_PER_KIND) -> list[str]:
    """Each problem as a line, in order, but at most ``shown_per_kind`` of one kind; the rest
    of that kind are counted in one line after the last shown ("and 199,990 more like this")."""
    rule_kinds: dict[str, str] = {}
    kinds = [_kind(problem, rule_kinds) for problem in problems]
    counts: dict[tuple, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    lines: list[str] = []
    shown: dict[tuple, int] = {}
    for problem, kind in zip(problems, kinds):
        shown[kind] = shown.get(kind, 0) + 1
        if shown[kind] <= shown_per_kind:
            lines.append(str(problem))
        if shown[kind] == shown_per_kind and counts[kind] > shown_per_kind:
            more = counts[kind] - shown_per_kind
            lines.append(f"and {more:,} more like this in {problem.file}" + (f", sheet {problem.sheet}" if problem.sheet
                                                                             else "") + f": {problem.rule}")
    return lines
