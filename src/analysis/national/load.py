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
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import SHARED_CACHE_VARIABLE, DataPaths
from analysis.files import kept

# The area checks are in analysis.national.areas (read without pandas, for the build); the notebooks
# and the tests find them here too.
from analysis.national.areas import (AREAS_FILE, SUCCESSOR_COLUMNS, SUCCESSOR_SEPARATOR, SUCCESSORS_FILE,  # noqa: F401
                                     AreaSuccession, NationalDataMissing, ReplacedAreaError, UnknownAreaError,
                                     area_name, area_row, check_local_authority, check_not_replaced, predecessors_of,
                                     read_area_successors, require_national_file)
from analysis.national.indicators import CATALOGUE_FILE, read_catalogue
from analysis.national.write import EXTRACT_FILE, NEIGHBOURS_FILE, PROVENANCE_FILE

NATIONAL_COLUMNS = [
    "indicator_id", "time_period", "geographic_level", "area_code", "old_la_code", "area_name",
    "region_code", "region_name", "english_region_code", "english_region_name",
    "value", "symbol", "numerator", "denominator", "source_file", "decimals",
]


class UnknownIndicatorError(ValueError):
    """An indicator id that is not in the national catalogue or extract."""


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
    path = require_national_file(Path(path))
    return _read_cached(str(path.resolve()), path.stat().st_mtime, kind).copy()


def load_provenance(national_dir: Path = DataPaths().national) -> dict:
    """The provenance record written by the importer (source files, sha256, licence, indicators)."""
    path = require_national_file(Path(national_dir) / PROVENANCE_FILE)
    return json.loads(path.read_text(encoding="utf-8"))


def load_areas(national_dir: Path = DataPaths().national) -> pd.DataFrame:
    """Every area in the extract: England, regions (including Inner and Outer London), LAs.

    Columns: area_code, old_la_code, area_name, geographic_level, region_code,
    region_name, english_region_code, english_region_name (the English region, London
    E12000007, for Inner and Outer London and their boroughs).
    """
    return _read(Path(national_dir) / AREAS_FILE, "areas")


def check_area(code: str, national_dir: Path = DataPaths().national) -> pd.Series:
    """The areas.csv row for ``code``; a clear :class:`UnknownAreaError` if there is none."""
    return pd.Series(area_row(code, national_dir))


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
        content = require_national_file(path).read_bytes()
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
