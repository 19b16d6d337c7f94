"""Reading a small CSV file as text with the csv module, checked as the pandas reader would refuse it.

A build reads a few reference files before anything else (the areas, the reorganisations, the
sections); reading them without pandas keeps a build that has nothing to do quick.
"""
from __future__ import annotations

import csv
from pathlib import Path

from analysis.config import display_path
from analysis.errors import InputError, InputProblem


def read_csv_rows(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """(row, cells) for each row of the CSV file at ``path``, every cell as text, a short row's
    missing cells empty. Rows are numbered as a spreadsheet shows them (the header is row 1; a
    blank line, or one of spaces only, is an empty row there, and is skipped here).

    InputError names the file, row and column for a missing column, a column named twice in the
    header, or a row with more cells than the header has columns (a comma in a cell without quotes
    around it, say).
    """
    file = display_path(path)
    problems: list[InputProblem] = []
    rows: list[tuple[int, dict[str, str]]] = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        problems += [InputProblem(file, "required column missing", column=column)
                     for column in columns if column not in header]
        problems += [InputProblem(file, "appears more than once in the header", 1, name)
                     for name in sorted({name for name in header if header.count(name) > 1})]
        if problems:
            raise InputError(problems)
        line = reader.line_num
        for cells in reader:
            row, line = line + 1, reader.line_num  # (a quoted cell may run over several lines)
            if len(cells) <= 1 and not "".join(cells).strip():
                continue
            if len(cells) > len(header):
                problems.append(InputProblem(
                    file, f"has {len(cells)} cells but the header has {len(header)} columns: does a cell hold a "
                          "comma without quotes around it?", row))
                continue
            rows.append((row, dict(zip(header, cells + [""] * (len(header) - len(cells))))))
    if problems:
        raise InputError(problems)
    return rows
