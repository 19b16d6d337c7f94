"""Long lists of problems are summarised per kind, so a message stays readable."""
from __future__ import annotations

from analysis.errors import InputError, InputProblem, summarise


def _duplicates(count: int, start_row: int = 2) -> list[InputProblem]:
    return [InputProblem("returns/council.csv", f"the same indicator appears more than once (first in row {start_row})",
                         row, "indicator_id", "rapid_reviews") for row in range(start_row + 1, start_row + 1 + count)]


def test_at_most_twenty_of_a_kind_then_a_count_of_the_rest():
    other = InputProblem("returns/health.csv", "value must be a number", 3, "value", "twelve")
    lines = summarise(_duplicates(45) + [other])
    assert len(lines) == 20 + 1 + 1
    assert lines[19].startswith("returns/council.csv, row 22,")
    assert lines[20] == ("and 25 more like this in returns/council.csv: the same indicator appears more than once "
                         "(first in row 2)")
    assert lines[21] == str(other)


def test_numbers_and_quoted_values_in_a_rule_do_not_make_a_new_kind():
    problems = [InputProblem("lists.csv", f"the list 'x{n}' is for 20{n:02d}-{n + 1:02d}", n) for n in range(30)]
    assert len(summarise(problems)) == 21


def test_different_files_are_different_kinds():
    problems = _duplicates(20) + [InputProblem("returns/police.csv", p.rule, p.row) for p in _duplicates(20)]
    assert len(summarise(problems)) == 40


def test_the_error_keeps_every_problem_but_its_message_is_short():
    error = InputError(_duplicates(200_000))
    assert len(error.problems) == 200_000
    message = str(error).splitlines()
    assert message[0] == "200000 problems found in the input files:"
    assert len(message) == 22
    assert "and 199,980 more like this" in message[-1]
