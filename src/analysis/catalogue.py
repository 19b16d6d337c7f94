"""The indicator catalogue: what each indicator means, its unit, period type and polarity."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.errors import InputError, InputProblem

CATALOGUE_COLUMNS = [
    "indicator_id", "section", "title", "definition", "unit",
    "period_type", "polarity", "source_type", "partner", "required",
]
UNITS = {"count", "percentage", "percentage_change", "rate_per_10000", "ratio"}
PERIOD_TYPES = {
    "financial_year", "academic_year", "calendar_year", "snapshot_31_march",
    "reporting_year", "mid_year",
}
POLARITIES = {"up_good", "up_bad", "neutral"}

PERIOD_TYPE_LABELS = {
    "financial_year": "financial year (1 April to 31 March)",
    "academic_year": "academic year (September to August)",
    "calendar_year": "calendar year (January to December)",
    "snapshot_31_march": "snapshot at 31 March",
    "reporting_year": "DfE reporting year (year ending 31 March)",
    "mid_year": "ONS mid-year estimate (30 June)",
}
POLARITY_LABELS = {"up_good": "higher is better", "up_bad": "lower is better", "neutral": "neither higher nor lower is better"}


def reference_dir(data_dir: Path | str | None = None) -> Path:
    return Path(data_dir) / "reference" if data_dir else paths.REFERENCE_DIR


def _read_reference_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.exists():
        raise InputError([InputProblem(str(path), "file not found")])
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError([InputProblem(str(path), "required column missing", column=c) for c in missing])
    return table


def load_catalogue(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The partnership indicator catalogue, checked, indexed by indicator_id."""
    path = reference_dir(data_dir) / "indicators.csv"
    table = _read_reference_csv(path, CATALOGUE_COLUMNS)
    problems = []
    for offset, row in table.iterrows():
        line = offset + 2
        for column, allowed in (("unit", UNITS), ("period_type", PERIOD_TYPES), ("polarity", POLARITIES)):
            if row[column] not in allowed:
                problems.append(InputProblem(str(path), f"must be one of {sorted(allowed)}", line, column, row[column]))
        if row["required"] not in ("yes", "no"):
            problems.append(InputProblem(str(path), "must be yes or no", line, "required", row["required"]))
    duplicated = table["indicator_id"].duplicated(keep="first")
    for offset in table.index[duplicated]:
        problems.append(InputProblem(str(path), "indicator_id appears more than once", offset + 2, "indicator_id", table.at[offset, "indicator_id"]))
    if problems:
        raise InputError(problems)
    return table.set_index("indicator_id", drop=False)


def load_list_catalogue(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The qualitative lists a partnership supplies each year (priorities, themes, ...)."""
    path = reference_dir(data_dir) / "lists.csv"
    table = _read_reference_csv(path, ["list_id", "section", "title", "description", "partner", "required"])
    return table.set_index("list_id", drop=False)


def load_sections(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The report sections in book order, with their notebook names."""
    path = reference_dir(data_dir) / "sections.csv"
    table = _read_reference_csv(path, ["section", "position", "notebook", "title"])
    table["position"] = table["position"].astype(int)
    return table.sort_values("position").set_index("section", drop=False)
