"""Which areas exist: the national extract's areas.csv and local government reorganisation.

A build checks its area against these before anything else, so this module reads them with
``csv``, not pandas: a build that finds its edition up to date then never imports pandas.
:mod:`analysis.national.load` offers the same checks to the notebooks, and areas.csv as a table.
"""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from analysis.config import AREA_CODE, DataPaths, display_path
from analysis.csv_rows import read_csv_rows
from analysis.errors import InputError, InputProblem, ParameterError

AREAS_FILE = "areas.csv"
AREA_COLUMNS = ["area_code", "old_la_code", "area_name", "geographic_level"]  # (of those it has, the ones read here)
LOCAL_AUTHORITY = "Local authority"  # areas.csv's geographic_level of a local authority


class NationalDataMissing(FileNotFoundError):
    """The national extract has not been imported yet."""


class UnknownAreaError(ParameterError):
    """An area code that is not in the national extract (or has no neighbours)."""


class ReplacedAreaError(UnknownAreaError):
    """An area code that local government reorganisation abolished or replaced."""


def require_national_file(path: Path) -> Path:
    if not path.exists():
        raise NationalDataMissing(
            f"{path} does not exist: the national statistics extract has not been imported. Run "
            "`python -m analysis import-national <folder with the EES CSV files>` first."
        )
    return path


@lru_cache(maxsize=8)
def _area_rows_cached(path: str, signature: tuple[int, int]) -> tuple[dict[str, str], ...]:
    return tuple(row for _, row in read_csv_rows(Path(path), AREA_COLUMNS))


def area_rows(national_dir: Path = DataPaths().national) -> tuple[dict[str, str], ...]:
    """Every row of areas.csv, as text (read again only when the file changes); see
    :func:`analysis.national.load.load_areas` for its columns."""
    path = require_national_file(Path(national_dir) / AREAS_FILE)
    stat = os.stat(path)
    return _area_rows_cached(str(path.resolve()), (stat.st_mtime_ns, stat.st_size))


def suggest_area(code: str, rows) -> str:
    """A hint for a code that is not an area: the code of an area so named, the new code of an old
    LA code, or codes that look alike ("" when there is none)."""
    candidates = {row["area_code"]: row["area_name"] for row in rows}
    by_name = {name.lower(): c for c, name in candidates.items()}
    if str(code).lower() in by_name:
        match = by_name[str(code).lower()]
        return f" {code!r} is an area name; its code is {match}."
    old = [row for row in rows if row["old_la_code"] == str(code)]
    if old:
        return f" {code!r} is an old LA code; use the new code {old[0]['area_code']} ({old[0]['area_name']})."
    close = difflib.get_close_matches(str(code), list(candidates), n=3, cutoff=0.7)
    if close:
        return " Did you mean " + " or ".join(f"{c} ({candidates[c]})" for c in close) + "?"
    return ""


def area_row(code: str, national_dir: Path = DataPaths().national) -> dict[str, str]:
    """The areas.csv row for ``code``; a clear :class:`UnknownAreaError` if there is none."""
    rows = area_rows(national_dir)
    for row in rows:
        if row["area_code"] == str(code):
            return row
    raise UnknownAreaError(
        f"unknown area code {code!r}: it is not in {Path(national_dir) / AREAS_FILE}." + suggest_area(code, rows)
    )


def area_name(code: str, national_dir: Path = DataPaths().national) -> str:
    """The latest published name of an area, from areas.csv: ``area_name(code)``."""
    return area_row(code, national_dir)["area_name"]


# --------------------------------------------------------------------------------------
# Local government reorganisation: data/reference/area_successors.csv
# --------------------------------------------------------------------------------------
SUCCESSORS_FILE = "area_successors.csv"
SUCCESSOR_COLUMNS = ["old_code", "old_name", "successor_codes", "changed_on", "source"]
SUCCESSOR_SEPARATOR = ";"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class AreaSuccession:
    """An authority abolished on ``changed_on`` and the authorities that replaced it."""

    old_code: str
    old_name: str
    successor_codes: tuple[str, ...]
    changed_on: date
    source: str

    def existed_on(self, day: date) -> bool:
        """Whether the old authority still existed on ``day`` (it ended the day before the change)."""
        return day < self.changed_on


def _succession_problems(row: dict) -> list[tuple[str, str]]:
    """(column, rule) for every problem with one row of area_successors.csv."""
    found = []
    if not AREA_CODE.match(row["old_code"].strip()):
        found.append(("old_code", "must be an area code: E followed by 8 digits"))
    if not row["old_name"].strip():
        found.append(("old_name", "must not be empty"))
    successors = [code.strip() for code in row["successor_codes"].split(SUCCESSOR_SEPARATOR)]
    if not all(AREA_CODE.match(code) for code in successors):
        found.append(("successor_codes", f"must be one or more area codes (E followed by 8 digits) separated by "
                                         f"'{SUCCESSOR_SEPARATOR}'"))
    elif row["old_code"].strip() in successors:
        found.append(("successor_codes", "must not include the old code itself"))
    elif len(set(successors)) != len(successors):
        found.append(("successor_codes", "names the same successor more than once"))
    try:
        if not _ISO_DATE.fullmatch(row["changed_on"].strip()):
            raise ValueError
        date.fromisoformat(row["changed_on"].strip())
    except ValueError:
        found.append(("changed_on", "must be a date written YYYY-MM-DD, the day the new authorities took over"))
    if not row["source"].strip():
        found.append(("source", "must name the order or code history the change is taken from"))
    return found


def read_area_successors(reference_dir: Path = DataPaths().reference) -> dict[str, AreaSuccession]:
    """Every abolished or replaced authority in ``reference_dir``/area_successors.csv, by old code, checked.

    InputError lists every problem (file, row, column, rule). A data folder without the
    file records no reorganisation.
    """
    path = Path(reference_dir) / SUCCESSORS_FILE
    if not path.exists():
        return {}
    rows = read_csv_rows(path, SUCCESSOR_COLUMNS)
    file = display_path(path)
    problems, successions, first_row = [], {}, {}
    for line, row in rows:
        found = _succession_problems(row)
        problems += [InputProblem(file, rule, line, column, row[column]) for column, rule in found]
        old_code = row["old_code"].strip()
        if old_code in first_row:
            problems.append(InputProblem(file, f"old_code appears more than once (first on row {first_row[old_code]})",
                                         line, "old_code", old_code))
        first_row.setdefault(old_code, line)
        if not found:
            successions[old_code] = AreaSuccession(
                old_code, row["old_name"].strip(),
                tuple(code.strip() for code in row["successor_codes"].split(SUCCESSOR_SEPARATOR)),
                date.fromisoformat(row["changed_on"].strip()), row["source"].strip())
    # A successor that was itself replaced would send the reader to another dead code.
    for line, row in rows:
        for code in row["successor_codes"].split(SUCCESSOR_SEPARATOR):
            if code.strip() in first_row and code.strip() != row["old_code"].strip():
                problems.append(InputProblem(
                    file, f"successor {code.strip()} is itself replaced (row {first_row[code.strip()]}); name its "
                          "successors instead", line, "successor_codes", row["successor_codes"]))
    if problems:
        raise InputError(problems)
    return successions


def predecessors_of(area_code: str, successions: dict[str, AreaSuccession]) -> list[AreaSuccession]:
    """The abolished authorities that ``area_code`` replaced, wholly or in part."""
    return [s for s in successions.values() if str(area_code) in s.successor_codes]


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_not_replaced(code: str, reference_dir: Path, national_dir: Path | None = None) -> None:
    """Refuse an area code that reorganisation abolished, naming the authorities that replaced it."""
    succession = read_area_successors(reference_dir).get(str(code))
    if succession is None:
        return
    names: dict[str, str] = {}
    if national_dir is not None and (Path(national_dir) / AREAS_FILE).exists():
        names = {row["area_code"]: row["area_name"] for row in area_rows(national_dir)}
    successors = [f"{c} ({names[c]})" if c in names else c for c in succession.successor_codes]
    builds = " or ".join(f"--area {c}" for c in succession.successor_codes)
    raise ReplacedAreaError(
        f"{code} ({succession.old_name}) was replaced on {_long_date(succession.changed_on)} by "
        f"{' and '.join(successors)}; build {builds} (source: {succession.source}; see "
        f"{display_path(Path(reference_dir) / SUCCESSORS_FILE)})"
    )


def check_local_authority(code: str, national_dir: Path = DataPaths().national,
                          reference_dir: Path | None = None) -> None:
    """Refuse a code that is not a current English local authority in the national statistics.

    A code that local government reorganisation replaced is refused first, naming its
    successors (``reference_dir``, the national folder's sibling ``reference`` unless
    given). Without a national extract there is nothing else to check against: the pages
    then say that the national statistics have no figures for the area.
    """
    check_not_replaced(code, Path(reference_dir) if reference_dir else Path(national_dir).parent / "reference",
                       national_dir)
    if not (Path(national_dir) / AREAS_FILE).exists():
        return
    authorities = [row for row in area_rows(national_dir) if row["geographic_level"] == LOCAL_AUTHORITY]
    if str(code) not in {row["area_code"] for row in authorities}:
        example = authorities[0] if authorities else {"area_code": "", "area_name": "none"}
        raise UnknownAreaError(
            f"area code {code!r} is not a local authority in the national statistics "
            f"({len(authorities)} known, e.g. {example['area_code']} {example['area_name']}); "
            f"see {Path(national_dir) / AREAS_FILE}."
            + suggest_area(code, authorities)
        )
