"""Loaders for the national statistics extract, used by the notebooks.

``data/national/`` is written by :func:`analysis.national.importer.import_national`.
Its ``national_indicators.csv`` is kept small (see :mod:`analysis.national.write`);
:func:`load_national` joins back each area's level, names and region and each indicator's
source file.
"""
from __future__ import annotations

import difflib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import DataPaths
from analysis.errors import ParameterError

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


def check_local_authority(code: str, national_dir: Path = DataPaths().national) -> None:
    """Refuse a code that is not an English local authority in the national statistics.

    Without a national extract there is nothing to check against: the pages then say
    that the national statistics have no figures for the area.
    """
    if not (Path(national_dir) / AREAS_FILE).exists():
        return
    areas = load_areas(national_dir)
    authorities = areas[areas["geographic_level"] == "Local authority"]
    if str(code) not in set(authorities["area_code"]):
        raise UnknownAreaError(
            f"area code {code!r} is not a local authority in the national statistics "
            f"({len(authorities)} known, e.g. E09000007 Camden); see {Path(national_dir) / AREAS_FILE}."
            + _suggest(code, authorities)
        )


def area_name(code: str, national_dir: Path = DataPaths().national) -> str:
    """The latest published name of an area: ``area_name("E09000007") == "Camden"``."""
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
    extract = _read(national_dir / EXTRACT_FILE, "extract")
    areas = load_areas(national_dir)
    provenance = load_provenance(national_dir)
    info = pd.DataFrame(provenance["indicators"])[["indicator_id", "source_file", "decimals"]]
    frame = extract.merge(areas, on="area_code", how="left", validate="many_to_one")
    frame = frame.merge(info, on="indicator_id", how="left", validate="many_to_one")
    frame["decimals"] = frame["decimals"].fillna(0).astype(int)
    return frame.loc[:, NATIONAL_COLUMNS]


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
