"""Loaders for the national statistics extract, used by the notebooks.

``data/national/`` is written by :func:`analysis.national.importer.import_national`.
Its ``national_indicators.csv`` is kept small (see :mod:`analysis.national.write`);
:func:`load_national` joins back each area's level, names and region and each indicator's
source file.
"""
from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import AREA_CODE, SHARED_CACHE_VARIABLE, DataPaths, display_path
from analysis.errors import InputError, InputProblem, ParameterError
from analysis.files import kept
from analysis.inputs.catalogue import read_reference_csv

from analysis.national.indicators import CATALOGUE_FILE, read_catalogue
from analysis.national.write import AREAS_FILE, EXTRACT_FILE, NEIGHBOURS_FILE, PROVENANCE_FILE

NATIONAL_COLUMNS = [
    "indicator_id", "time_period", "geographic_level", "area_code", "old_la_code", "area_name",
    "region_code", "region_name", "english_region_code", "english_region_name",
    "value", "symbol", "numerator", "denominator", "source_file", "decimals",
]


class NationalDataMissing(FileNotFoundError):
    """The national extract has not been imported yet."""


class UnknownAreaError(ParameterError):
    """An area code that is not in the national extract (or has no neighbours)."""


class ReplacedAreaError(UnknownAreaError):
    """An area code that local government reorganisation abolished or replaced."""


class UnknownIndicatorError(ValueError):
    """An indicator id that is not in the national catalogue or extract."""


def _require(path: Path) -> Path:
    if not path.exists():
        raise NationalDataMissing(
            f"{path} does not exist: the national statistics extract has not been imported. Run "
            "`python -m analysis import-national <folder with the EES CSV files>` first."
        )
    return path


def _numbers(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.replace("", np.nan), errors="raise").astype(float)


@lru_cache(maxsize=8)
def _read_cached(path: str, mtime: float, kind: str) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if kind == "extract":
        frame["time_period"] = frame["time_period"].astype(int)
        for column in ("value", "numerator", "denominator"):
            frame[column] = _numbers(frame[column])
    if kind == "neighbours":
        frame["rank"] = frame["rank"].astype(int)
    return frame


def _read(path: Path, kind: str) -> pd.DataFrame:
    path = _require(Path(path))
    return _read_cached(str(path.resolve()), path.stat().st_mtime, kind).copy()


def load_provenance(national_dir: Path = DataPaths().national) -> dict:
    """The provenance record written by the importer (source files, sha256, licence, indicators)."""
    path = _require(Path(national_dir) / PROVENANCE_FILE)
    return json.loads(path.read_text(encoding="utf-8"))


def load_areas(national_dir: Path = DataPaths().national) -> pd.DataFrame:
    """Every area in the extract: England, regions (including Inner and Outer London), LAs.

    Columns: area_code, old_la_code, area_name, geographic_level, region_code,
    region_name, english_region_code, english_region_name (the English region, London
    E12000007, for Inner and Outer London and their boroughs).
    """
    return _read(Path(national_dir) / AREAS_FILE, "areas")


def _suggest(code: str, areas: pd.DataFrame) -> str:
    candidates = dict(zip(areas["area_code"], areas["area_name"]))
    by_name = {name.lower(): c for c, name in candidates.items()}
    if str(code).lower() in by_name:
        match = by_name[str(code).lower()]
        return f" {code!r} is an area name; its code is {match}."
    old = areas[areas["old_la_code"] == str(code)]
    if len(old):
        return f" {code!r} is an old LA code; use the new code {old['area_code'].iloc[0]} ({old['area_name'].iloc[0]})."
    close = difflib.get_close_matches(str(code), list(candidates), n=3, cutoff=0.7)
    if close:
        return " Did you mean " + " or ".join(f"{c} ({candidates[c]})" for c in close) + "?"
    return ""


def check_area(code: str, national_dir: Path = DataPaths().national) -> pd.Series:
    """The areas.csv row for ``code``; a clear :class:`UnknownAreaError` if there is none."""
    areas = load_areas(national_dir)
    found = areas[areas["area_code"] == str(code)]
    if found.empty:
        raise UnknownAreaError(
            f"unknown area code {code!r}: it is not in {Path(national_dir) / AREAS_FILE}."
            + _suggest(code, areas)
        )
    return found.iloc[0]


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
    table = read_reference_csv(path, SUCCESSOR_COLUMNS)
    file = display_path(path)
    problems, successions, first_row = [], {}, {}
    for offset, row in enumerate(table.to_dict("records")):
        line = offset + 2  # the header is row 1
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
    for offset, row in enumerate(table.to_dict("records")):
        for code in row["successor_codes"].split(SUCCESSOR_SEPARATOR):
            if code.strip() in first_row and code.strip() != row["old_code"].strip():
                problems.append(InputProblem(
                    file, f"successor {code.strip()} is itself replaced (row {first_row[code.strip()]}); name its "
                          "successors instead", offset + 2, "successor_codes", row["successor_codes"]))
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
        areas = load_areas(national_dir)
        names = dict(zip(areas["area_code"], areas["area_name"]))
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
    areas = load_areas(national_dir)
    authorities = areas[areas["geographic_level"] == "Local authority"]
    if str(code) not in set(authorities["area_code"]):
        example = authorities.iloc[0] if len(authorities) else {"area_code": "", "area_name": "none"}
        raise UnknownAreaError(
            f"area code {code!r} is not a local authority in the national statistics "
            f"({len(authorities)} known, e.g. {example['area_code']} {example['area_name']}); "
            f"see {Path(national_dir) / AREAS_FILE}."
            + _suggest(code, authorities)
        )


def area_name(code: str, national_dir: Path = DataPaths().national) -> str:
    """The latest published name of an area, from areas.csv: ``area_name(code)``."""
    return str(check_area(code, national_dir)["area_name"])


def load_national(national_dir: Path = DataPaths().national) -> pd.DataFrame:
    """All national indicator values, one row per indicator x time period x area.

    Columns: indicator_id, time_period (int: the year ending 31 March; the mid-year for
    population_0_17), geographic_level, area_code, old_la_code, area_name, region_code,
    region_name, english_region_code, english_region_name, value (float, NaN when
    suppressed or not available), symbol ('' or the DfE symbol: c k low u x z :),
    numerator, denominator (float, NaN where the source gives none), source_file, and
    decimals (the decimal places the value is published or computed to).
    """
    national_dir = Path(national_dir)
    return kept(_shared_copy_path([national_dir / name for name in (EXTRACT_FILE, AREAS_FILE, PROVENANCE_FILE)]),
                lambda: _joined_national(national_dir))


def _joined_national(national_dir: Path) -> pd.DataFrame:
    extract = _read(national_dir / EXTRACT_FILE, "extract")
    areas = load_areas(national_dir)
    provenance = load_provenance(national_dir)
    info = pd.DataFrame(provenance["indicators"])[["indicator_id", "source_file", "decimals"]]
    frame = extract.merge(areas, on="area_code", how="left", validate="many_to_one")
    frame = frame.merge(info, on="indicator_id", how="left", validate="many_to_one")
    frame["decimals"] = frame["decimals"].fillna(0).astype(int)
    return frame.loc[:, NATIONAL_COLUMNS]


def _shared_copy_path(files: list[Path]) -> Path | None:
    """Where the build's shared cache keeps the national frame made from ``files`` (None outside
    a build): every page of every edition reads the same extract, and parsing and joining it
    takes longer than reading it back. The name is the SHA-256 of the files' bytes (each page
    still reads them, so the build records them among what it depends on), of this module's
    code and of the versions of Python, numpy and pandas."""
    folder = os.environ.get(SHARED_CACHE_VARIABLE)
    if not folder:
        return None
    digest = hashlib.sha256()
    for path in files:
        content = _require(path).read_bytes()
        digest.update(len(content).to_bytes(8, "little") + content)
    digest.update(Path(__file__).read_bytes())
    digest.update(sys.version.encode("utf-8"))
    for library in ("numpy", "pandas"):
        digest.update(f"{library} {metadata.version(library)}".encode("utf-8"))
    return Path(folder) / f"national-{digest.hexdigest()}.pkl"


def load_neighbours(area_code: str, model: str = "2025", national_dir: Path = DataPaths().national) -> pd.DataFrame:
    """An authority's ten statistical neighbours in a DfE model ("2025" or "2021"), closest first.

    Columns: model, area_code, old_la_code, area_name, rank, neighbour_code,
    neighbour_old_la_code, neighbour_name, closeness.
    """
    national_dir = Path(national_dir)
    check_area(area_code, national_dir)
    neighbours = _read(national_dir / NEIGHBOURS_FILE, "neighbours")
    models = sorted(neighbours["model"].unique())
    if str(model) not in models:
        raise ValueError(f"unknown statistical neighbour model {model!r}; the extract has {', '.join(models)}")
    chosen = neighbours[(neighbours["model"] == str(model)) & (neighbours["area_code"] == str(area_code))]
    if chosen.empty:
        raise UnknownAreaError(
            f"{area_code} ({area_name(area_code, national_dir)}) has no statistical neighbours in the DfE "
            f"{model} model: only local authorities in that model have them"
        )
    return chosen.sort_values("rank").reset_index(drop=True)


def national_catalogue(reference_dir: Path = DataPaths().reference) -> pd.DataFrame:
    """The national indicator catalogue, data/reference/national_indicators.csv, checked
    (:func:`analysis.national.indicators.read_catalogue`)."""
    path = Path(reference_dir) / CATALOGUE_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: the national indicator catalogue is missing")
    return read_catalogue(reference_dir)


def catalogue_entry(indicator_id: str, reference_dir: Path = DataPaths().reference) -> pd.Series:
    """One indicator's catalogue row; a clear error for an unknown id."""
    catalogue = national_catalogue(reference_dir)
    found = catalogue[catalogue["indicator_id"] == indicator_id]
    if found.empty:
        close = difflib.get_close_matches(indicator_id, list(catalogue["indicator_id"]), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownIndicatorError(f"unknown national indicator {indicator_id!r}.{hint}")
    return found.iloc[0]
