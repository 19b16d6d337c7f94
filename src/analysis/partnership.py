"""The partnership's own figures for one year: loaded, checked, and looked up by indicator."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.catalogue import load_catalogue, load_list_catalogue
from analysis import returns as _returns
from analysis import validation as _validation
from analysis.errors import InputError, InputProblem
from analysis.formatting import decimals_in, format_value
from analysis.params import ReportYear

# The formats, their columns and the rules live in analysis.validation (shared with
# `python -m analysis validate`); these names are kept here for existing callers.
FIGURE_COLUMNS = _validation.FIGURE_COLUMNS
LIST_COLUMNS = _returns.LIST_COLUMNS
QUALIFIERS = _validation.QUALIFIERS
STATUSES = _validation.STATUSES
check_figures = _validation.check_figures


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
    source_sheet: str = ""  # the workbook's sheet, for a value read from an Excel return
    origin: str = "transcribed"  # "transcribed" (figures.csv) or "return" (a partner's return)
    edition: str = ""  # the edition year whose folder the value was read from

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
        if self.origin == "return":
            where = f"sheet {self.source_sheet}, row {self.source_row}" if self.source_sheet else f"row {self.source_row}"
            text = f"{self.document} ({self.source_file}, {where})"
            return text + (f": \u201c{self.source_quote}\u201d" if self.source_quote else "")
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


def load_partnership(data_dir: Path | str | None = None) -> dict:
    """Who the partnership is and which area its own figures describe."""
    root = Path(data_dir) / "reference" if data_dir else paths.REFERENCE_DIR
    table = _read_table(root / "partnership.csv", ["partnership_name", "area_code", "area_name"])
    return table.iloc[0].to_dict()


class PartnershipData:
    """Figures and lists for one partnership year, as published in the report.

    The year folder may hold ``figures.csv`` (the transcribed format), filled-in partner
    returns (``returns/*.csv`` or ``returns/*.xlsx``), or both; every value keeps the file,
    sheet and row it came from. Problems with the values raise InputError listing them
    all (``analysis.validation`` has the rules; ``python -m analysis validate`` also checks
    that nothing required is missing).

    When the previous year's folder exists (``data/partnership/2024-25/`` for 2025-26),
    it is the previous edition: ``previous_figure(indicator_id)`` gives its value, and
    ``figure(indicator_id, period)`` and ``series(indicator_id)`` use it for periods this
    edition's files do not give, so year-on-year comparisons need no copying of figures.
    """

    def __init__(self, year: str, area_code: str | None = None, data_dir: Path | str | None = None,
                 *, previous_edition: bool = True):
        self.year = year
        self.data_dir = Path(data_dir) if data_dir else None
        self.folder = paths.partnership_year_dir(year, data_dir)
        self.catalogue = load_catalogue(data_dir)
        self.list_catalogue = load_list_catalogue(data_dir)
        self.about = load_partnership(data_dir)
        self.area_code = area_code
        # The partnership's figures describe its own area only; any other area is
        # built from national statistics alone.
        self.covers_area = area_code is None or area_code == self.about["area_code"]
        self._use_previous = previous_edition
        self._previous: PartnershipData | None | bool = False  # False: not looked for yet
        self.sources: list[str] = []
        self.figures = pd.DataFrame(columns=_validation.LOADED_COLUMNS)
        self.lists = pd.DataFrame(columns=LIST_COLUMNS)
        self.documents: dict[str, str] = {}
        self.available = False
        if self.covers_area and self.folder.is_dir():
            self._load()

    def _load(self) -> None:
        collected = _validation.collect(self.year, self.folder, self.catalogue, self.list_catalogue)
        if collected.errors:
            raise InputError(collected.errors)
        self.available = collected.has_figures
        self.sources = collected.sources
        self.figures = collected.figures
        self.lists = collected.lists
        self.documents = collected.documents

    # --- the previous edition ------------------------------------------------

    @property
    def previous_edition(self) -> "PartnershipData | None":
        """The previous year's figures (the previous edition), or None when its folder does
        not exist or holds no figures."""
        if self._previous is False:
            self._previous = None
            if self._use_previous and self.covers_area:
                previous_year = ReportYear.parse(self.year).previous().label
                if paths.partnership_year_dir(previous_year, self.data_dir).is_dir():
                    previous = PartnershipData(previous_year, self.area_code, self.data_dir, previous_edition=False)
                    self._previous = previous if previous.available else None
        return self._previous  # type: ignore[return-value]

    def expected_period(self, indicator_id: str) -> str:
        """The period this edition's value of an indicator covers (2025-26, 2025 or 2025/26)."""
        return _returns.expected_period(self.catalogue.at[indicator_id, "period_type"], self.year)

    def previous_figure(self, indicator_id: str) -> Figure | None:
        """The previous edition's value of an indicator for its own period (e.g. 2024-25 in
        the 2025-26 edition), read from the previous year's folder; None if there is none."""
        if indicator_id not in self.catalogue.index:
            raise KeyError(f"{indicator_id!r} is not in the indicator catalogue")
        previous = self.previous_edition
        if previous is None:
            return None
        return previous.figure(indicator_id, previous.expected_period(indicator_id))

    # --- look-ups -------------------------------------------------------------

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
        """The figure for an indicator (latest period if several), or None if not supplied.

        With a ``period`` this edition's files do not give (last year's, say), the previous
        edition's value for that period is used when there is one. Without a period, only
        this edition's own values count: a missing figure is never filled from last year.
        """
        row = self._row(indicator_id, period)
        if row is None:
            if period is not None and period != self.expected_period(indicator_id) and self.previous_edition:
                return self.previous_edition.figure(indicator_id, period)
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
            source_sheet=row["source_sheet"],
            origin=row["origin"],
            edition=self.year,
        )

    def series(self, indicator_id: str) -> list[Figure]:
        """Every period supplied for an indicator, oldest first.

        When this edition supplies the indicator, the previous edition's periods that this
        edition does not restate are included, so the series runs across editions.
        """
        periods = set(self.figures.loc[self.figures["indicator_id"] == indicator_id, "period"])
        figures = {period: self.figure(indicator_id, period) for period in periods}
        if periods and self.previous_edition is not None:
            for earlier in self.previous_edition.series(indicator_id):
                figures.setdefault(earlier.period, earlier)
        return [figures[period] for period in sorted(figures)]

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
