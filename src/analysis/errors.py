"""Errors that say exactly what is wrong: an input file's place, or a parameter."""
from __future__ import annotations

from dataclasses import dataclass


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
        lines += [f"  - {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))
