"""Reading DfE statistical neighbour files (not EES format).

DfE's statistical neighbour model lists, for each local authority, the ten
authorities most similar to it, closest first, with a closeness band. Two layouts are
published and both are read here, by their columns:

* 2021 model (``New_Statistical_Neighbour_Groupings_April_2021.csv``): ``LA num, LA Name,
  LA number, GOInd, GOReg, SN1, SNP, SN2, SNP, ...`` where each ``SNP`` column is the
  closeness of the neighbour before it; blank rows and a section "Old SNs:" listing
  authorities as they were before local government reorganisation follow the main list;
* 2025 model (``sn_model_2025_wide.csv``): ``old_la_code, la_name, region_ind,
  region_name, SN_1, SN_1P, ..., SN_10, SN_10P``.

Authorities are identified by their old three digit DfE code; the importer maps them
to new (GSS) codes through the Local authority rows of the EES files.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.errors import InputProblem

CLOSENESS = ("Extremely close", "Very close", "Close", "Somewhat close", "Not close")
_CODE = re.compile(r"^\d{3}$")
_SN = re.compile(r"^sn_?(\d+)$")
_SNP = re.compile(r"^sn_?(\d+)p$")


@dataclass(frozen=True)
class NeighbourRow:
    old_la_code: str
    la_name: str
    rank: int
    neighbour_old_la_code: str
    closeness: str
    row: int  # spreadsheet row in the source file
    section: str = ""  # e.g. "Old SNs:" for the pre-reorganisation list of the 2021 file


def normalise_closeness(text: str) -> str | None:
    """'Very Close', 'Close ', 'not close' -> 'Very close', 'Close', 'Not close'; None if unknown."""
    cleaned = " ".join(str(text).split()).lower()
    for band in CLOSENESS:
        if cleaned == band.lower():
            return band
    return None


def _layout(header: list[str]) -> tuple[int | None, int | None, dict[int, tuple[int, int | None]]]:
    """Positions of the code and name columns and of each (neighbour, closeness) pair."""
    names = [h.replace("\ufeff", "").strip().lower() for h in header]
    code_col = next((i for i, n in enumerate(names) if n in ("old_la_code", "la num", "la number", "la_num")), None)
    name_col = next((i for i, n in enumerate(names) if n in ("la_name", "la name")), None)
    pairs: dict[int, tuple[int, int | None]] = {}
    for position, name in enumerate(names):
        match = _SN.match(name)
        if not match:
            continue
        rank = int(match.group(1))
        closeness_col = None
        for candidate in range(position + 1, len(names)):
            if names[candidate] == "snp" or (
                _SNP.match(names[candidate]) and int(_SNP.match(names[candidate]).group(1)) == rank
            ):
                closeness_col = candidate
                break
            if _SN.match(names[candidate]):
                break
        pairs[rank] = (position, closeness_col)
    return code_col, name_col, pairs


def parse_neighbours(file: str, header: list[str], rows: list[list[str]]) -> tuple[list[NeighbourRow], list[InputProblem], list[str]]:
    """Parse a statistical neighbour table; returns (rows, problems, notes)."""
    problems: list[InputProblem] = []
    notes: list[str] = []
    out: list[NeighbourRow] = []
    code_col, name_col, pairs = _layout(header)
    if code_col is None:
        problems.append(InputProblem(file, "no column with the local authority's old code (old_la_code or LA num)", row=1))
    if name_col is None:
        problems.append(InputProblem(file, "no column with the local authority's name (la_name or LA Name)", row=1))
    expected = set(range(1, 11))
    if set(pairs) != expected:
        missing = sorted(expected - set(pairs))
        problems.append(
            InputProblem(file, f"expected neighbour columns 1 to 10; missing {missing}", row=1)
        )
    for rank, (_, closeness_col) in sorted(pairs.items()):
        if closeness_col is None:
            problems.append(
                InputProblem(file, f"neighbour column {rank} has no closeness column after it", row=1,
                             column=header[pairs[rank][0]])
            )
    if problems:
        return out, problems, notes

    section = ""
    seen: dict[str, int] = {}
    for row_number, row in enumerate(rows, start=2):
        code = row[code_col].strip() if code_col < len(row) else ""
        if not any(cell.strip() for cell in row):
            continue
        if code == "":
            label = " ".join(cell.strip() for cell in row if cell.strip())
            section = label
            notes.append(f"{file}: row {row_number} starts a section {label!r}")
            continue
        if not _CODE.match(code):
            problems.append(InputProblem(file, "old LA code must be three digits", row=row_number,
                                         column=header[code_col].replace("\ufeff", ""), value=code))
            continue
        if code in seen:
            problems.append(InputProblem(file, f"local authority {code} is listed twice (also row {seen[code]})",
                                         row=row_number, column=header[code_col].replace("\ufeff", ""), value=code))
            continue
        seen[code] = row_number
        name = row[name_col].strip()
        for rank, (sn_col, closeness_col) in sorted(pairs.items()):
            neighbour = row[sn_col].strip() if sn_col < len(row) else ""
            closeness_text = row[closeness_col].strip() if closeness_col < len(row) else ""
            if not _CODE.match(neighbour):
                problems.append(InputProblem(file, "neighbour must be a three digit old LA code", row=row_number,
                                             column=header[sn_col], value=neighbour))
                continue
            if neighbour == code:
                problems.append(InputProblem(file, "a local authority cannot be its own neighbour", row=row_number,
                                             column=header[sn_col], value=neighbour))
            closeness = normalise_closeness(closeness_text)
            if closeness is None:
                problems.append(
                    InputProblem(file, f"closeness must be one of {', '.join(CLOSENESS)}", row=row_number,
                                 column=header[closeness_col], value=closeness_text)
                )
                continue
            out.append(NeighbourRow(code, name, rank, neighbour, closeness, row_number, section))
    return out, problems, notes
