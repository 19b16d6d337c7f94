"""Which areas the book can be built for, and their names."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.params import ParameterError


def known_local_authorities(national_dir: Path = paths.NATIONAL_DIR) -> pd.DataFrame:
    """Local authorities in the national statistics extract (code and name)."""
    path = national_dir / "areas.csv"
    if not path.exists():
        return pd.DataFrame(columns=["area_code", "area_name"])
    areas = pd.read_csv(path, dtype=str, keep_default_na=False)
    return areas[areas["geographic_level"] == "Local authority"][["area_code", "area_name"]]


def area_name(area_code: str, national_dir: Path = paths.NATIONAL_DIR) -> str | None:
    """The area's name from the national extract, or the partnership's own record."""
    areas = known_local_authorities(national_dir).set_index("area_code")["area_name"]
    if area_code in areas.index:
        return areas[area_code]
    partnership = pd.read_csv(paths.REFERENCE_DIR / "partnership.csv", dtype=str)
    match = partnership[partnership["area_code"] == area_code]
    return match["area_name"].iloc[0] if len(match) else None


def check_area(area_code: str, national_dir: Path = paths.NATIONAL_DIR) -> None:
    """Refuse a code that is not an English local authority in the national statistics."""
    areas = known_local_authorities(national_dir)
    if areas.empty:
        return
    if area_code not in set(areas["area_code"]):
        raise ParameterError(
            f"area code {area_code!r} is not a local authority in the national statistics "
            f"({len(areas)} known, e.g. E09000007 Camden); see data/national/areas.csv"
        )
