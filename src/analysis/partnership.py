"""The partnership's own figures for one year: loaded, checked, and looked up by indicator."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.catalogue import load_catalogue, load_list_catalogue
from analysis.errors import InputError, InputProblem
from analysis.formatting import decimals_in, format_value
from analysis.params import ReportYear

FIGURE_COLUMNS = [
    "indicator_id", "period", "value", "qualifier", "status", "derivation",
    "document_id", "source_section", "source_quote",
]
LIST_COLUMNS = ["list_id", "period", "position", "item", "detail", "document_id", "source_section", "source_quote"]
QUALIFIERS = {"", "about", "more than", "fewer than", "at least"}
STATUSES = {"reported", "derived"}


@dataclass(frozen=True)
class Figure:
    """One value of one indicator, with everything needed to say where it came from."""

    indicator_id: str
    title: str
    definition: str
    unit: str
    period_type: str
    polarity: str
    period: str
    value: float
    decimals: int
    qualifier: str
    status: str
    derivation: str
    document: str
    source_section: str
    source_quote: str
    source_file: str
    source_row: int

    @property
    def text(self) -> str:
        """The value as the book prints it, e.g. 'about 44,000' or '79.4%'."""
        return format_value(self.value, self.unit, self.decimals, self.qualifier)

    @property
    def is_derived(self) -> bool:
        return self.status == "derived"

    @property
    def source(self) -> str:
        """Where the value came from, in one line."""
        if self.is_derived:
            return f"Derived: {self.derivation}"
        return f"{self.document}, section {self.source_section}: \u201c{self.source_quote}\u201d"


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.PROJECT_ROOT))
    except ValueError:
        return str(path)


def _read_table(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.exists():
        raise InputError([InputProblem(_relative(path), "file not found")])
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError([InputProblem(_relative(path), "required column missing", column=c) for c in missing])
    return table


def check_figures(table: pd.DataFrame, catalogue: pd.DataFrame, file: str) -> list[InputProblem]:
    """Every problem in a figures table, each naming its row (header is row 1) and column."""
    problems = []
    for offset, row in table.iterrows():
        line = offset + 2
        indicator = row["indicator_id"].strip()
        if indicator not in catalogue.index:
            problems.append(InputProblem(file, "unknown indicator_id (not in data/reference/indicators.csv)", line, "indicator_id", indicator))
            continue
        try:
            value = float(row["value"].replace(",", ""))
        except ValueError:
            problems.append(InputProblem(file, "value must be a number", line, "value", row["value"]))
            continue
        unit = catalogue.at[indicator, "unit"]
        if unit in ("count", "rate_per_10000", "percentage") and value < 0:
            problems.append(InputProblem(file, f"a {unit.replace('_', ' ')} cannot be negative", line, "value", row["value"]))
        if unit == "percentage" and value > 100:
            problems.append(InputProblem(file, "a percentage must be between 0 and 100", line, "value", row["value"]))
        if row["qualifier"] not in QUALIFIERS:
            problems.append(InputProblem(file, f"qualifier must be one of {sorted(QUALIFIERS)}", line, "qualifier", row["qualifier"]))
        if row["status"] not in STATUSES:
            problems.append(InputProblem(file, "status must be reported or derived", line, "status", row["status"]))
        if row["status"] == "derived" and not row["derivation"].strip():
            problems.append(InputProblem(file, "a derived value must say how it was derived", line, "derivation", ""))
    duplicated = table.duplicated(subset=["indicator_id", "period"], keep="first")
    for offset in table.index[duplicated]:
        problems.append(InputProblem(
            file, "the same indicator and period appear more than once", offset + 2, "indicator_id",
            f"{table.at[offset, 'indicator_id']} {table.at[offset, 'period']}",
        ))
    return problems


def load_partnership(data_dir: Path | str | None = None) -> dict:
    """Who the partnership is and which area its own figures describe."""
    root = Path(data_dir) / "reference" if data_dir else paths.REFERENCE_DIR
    table = _read_table(root / "partnership.csv", ["partnership_name", "area_code", "area_name"])
    return table.iloc[0].to_dict()


class PartnershipData:
    """Figures and lists for one partnership year, as published in the report."""

    def __init__(self, year: str, area_code: str | None = None, data_dir: Path | str | None = None):
        self.year = year
        self.folder = paths.partnership_year_dir(year, data_dir)
        self.catalogue = load_catalogue(data_dir)
        self.list_catalogue = load_list_catalogue(data_dir)
        self.about = load_partnership(data_dir)
        # The partnership's figures describe its own area only; any other area is
        # built from national statistics alone.
        self.covers_area = area_code is None or area_code == self.about["area_code"]
        self.available = self.covers_area and (self.folder / "figures.csv").exists()
        if self.available:
            self._load()
        else:
            self.figures = pd.DataFrame(columns=FIGURE_COLUMNS + ["source_row"])
            self.lists = pd.DataFrame(columns=LIST_COLUMNS)
            self.documents = {}

    def _load(self) -> None:
        figures_path = self.folder / "figures.csv"
        figures_file = _relative(figures_path)
        figures = _read_table(figures_path, FIGURE_COLUMNS)
        problems = check_figures(figures, self.catalogue, figures_file)
        lists_path = self.folder / "lists.csv"
        lists = _read_table(lists_path, LIST_COLUMNS) if lists_path.exists() else pd.DataFrame(columns=LIST_COLUMNS)
        for offset, row in lists.iterrows():
            if row["list_id"] not in self.list_catalogue.index:
                problems.append(InputProblem(_relative(lists_path), "unknown list_id (not in data/reference/lists.csv)", offset + 2, "list_id", row["list_id"]))
        if problems:
            raise InputError(problems)
        figures["source_row"] = figures.index + 2
        figures["source_file"] = figures_file
        self.figures = figures
        lists["position"] = lists["position"].astype(int)
        self.lists = lists
        documents_path = self.folder / "documents.csv"
        self.documents = (
            _read_table(documents_path, ["document_id", "title"]).set_index("document_id")["title"].to_dict()
            if documents_path.exists() else {}
        )

    def has(self, indicator_id: str, period: str | None = None) -> bool:
        return self._row(indicator_id, period) is not None

    def _row(self, indicator_id: str, period: str | None):
        if indicator_id not in self.catalogue.index:
            raise KeyError(f"{indicator_id!r} is not in the indicator catalogue")
        rows = self.figures[self.figures["indicator_id"] == indicator_id]
        if period is not None:
            rows = rows[rows["period"] == period]
        elif len(rows) > 1:
            # The edition's own period is the row that is not a previous period.
            reported = rows[rows["status"] == "reported"]
            rows = reported if len(reported) else rows
            rows = rows.sort_values("period", ascending=False)
        return None if rows.empty else rows.iloc[0]

    def figure(self, indicator_id: str, period: str | None = None) -> Figure | None:
        """The figure for an indicator (latest period if several), or None if not supplied."""
        row = self._row(indicator_id, period)
        if row is None:
            return None
        meta = self.catalogue.loc[indicator_id]
        return Figure(
            indicator_id=indicator_id,
            title=meta["title"],
            definition=meta["definition"],
            unit=meta["unit"],
            period_type=meta["period_type"],
            polarity=meta["polarity"],
            period=row["period"],
            value=float(row["value"].replace(",", "")),
            decimals=decimals_in(row["value"]),
            qualifier=row["qualifier"],
            status=row["status"],
            derivation=row["derivation"],
            document=self.documents.get(row["document_id"], row["document_id"]),
            source_section=row["source_section"],
            source_quote=row["source_quote"],
            source_file=row["source_file"],
            source_row=int(row["source_row"]),
        )

    def series(self, indicator_id: str) -> list[Figure]:
        """Every period supplied for an indicator, oldest first."""
        periods = self.figures.loc[self.figures["indicator_id"] == indicator_id, "period"]
        return [self.figure(indicator_id, p) for p in sorted(periods)]

    def items(self, list_id: str) -> pd.DataFrame:
        """One qualitative list (e.g. review themes) in its published order."""
        rows = self.lists[self.lists["list_id"] == list_id].sort_values("position")
        return rows[["period", "position", "item", "detail", "source_section", "source_quote"]].reset_index(drop=True)

    def list_period(self, list_id: str) -> str:
        """The period a list covers, e.g. '2023-25' for two-year priorities; '' if not supplied."""
        periods = self.items(list_id)["period"]
        return periods.iloc[0] if len(periods) else ""

    def previous_period(self, period: str) -> str:
        """The period before a financial year such as 2024-25 (2023-24)."""
        return ReportYear.parse(period).previous().label
