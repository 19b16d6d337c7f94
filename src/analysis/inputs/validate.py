"""Validating an edition's inputs as a whole: every problem at once, errors and warnings.

:func:`validate_edition` reads the year folder (``analysis.inputs.edition.collect``, which
applies the rules about single values in ``analysis.inputs.rules``) and adds the rules
about the edition as a whole: required indicators and lists have a value (an error when
missing; optional ones missing are warnings, shown as "not supplied"), and a restated
figure from last year agrees with the previous edition (a warning when not).
``python -m analysis validate`` prints the report; ``build`` runs it before anything is
staged.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.config import data_paths, display_path
from analysis.errors import InputError, InputProblem, summarise
from analysis.inputs.catalogue import load_catalogue, load_list_catalogue
from analysis.inputs.partnership import (
    PARTNERSHIP_FILE, edition_partnership, partnership_data_paths, reported_catalogues,
)
from analysis.inputs.edition import Collected, PartnershipData, collect
from analysis.inputs.formats import FIGURES_FILE, LISTS_FILE, RETURNS_FOLDER
from analysis.inputs.readers import return_files
from analysis.inputs.rules import parse_number
from analysis.periods import ReportYear, expected_period, previous_expected_period



@dataclass
class ValidationReport:
    year: str
    folder: Path | None
    errors: list[InputProblem] = field(default_factory=list)
    warnings: list[InputProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None  # why nothing was validated (not the partnership's area, ...)

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_for_errors(self) -> None:
        if self.errors:
            raise InputError(self.errors)

    def format(self) -> str:
        where = display_path(self.folder) if self.folder else "(no folder)"
        lines = [f"Validation of the {self.year} edition's figures in {where}"]
        if self.skipped:
            lines.append(f"  {self.skipped}")
        for note in self.notes:
            lines.append(f"  {note}")
        if self.errors:
            count = len(self.errors)
            lines.append(f"{count} error{'s' if count != 1 else ''} (the book cannot be built until they are fixed):")
            lines += [f"  - {line}" for line in summarise(self.errors)]
        if self.warnings:
            count = len(self.warnings)
            lines.append(f"{count} warning{'s' if count != 1 else ''} (the book can be built):")
            lines += [f"  - {line}" for line in summarise(self.warnings)]
        if not self.errors:
            lines.append("No errors" + (" (see the warnings above)." if self.warnings else ": the figures are ready."))
        return "\n".join(lines)


def _partner_return_hint(folder: Path, partner: str) -> str:
    return display_path(folder / RETURNS_FOLDER) + f"/{partner}.csv or .xlsx"


def _completeness(report: ValidationReport, collected: Collected, catalogue: pd.DataFrame,
                  list_catalogue: pd.DataFrame, year: ReportYear) -> None:
    figures = collected.figures
    present = set(zip(figures["indicator_id"], figures["period"]))
    for indicator in catalogue.itertuples():
        if indicator.source_type != "partnership":
            continue
        period = expected_period(indicator.period_type, year)
        if (indicator.indicator_id, period) in present:
            continue
        if indicator.indicator_id in collected.errored_indicators or indicator.partner in collected.unreadable_partners:
            continue  # its row, or its partner's whole return, is already reported
        required = indicator.required == "yes"
        other_periods = figures[figures["indicator_id"] == indicator.indicator_id]
        if len(other_periods):
            # A value given for another period (last year's, typed by mistake?): point at it.
            given = other_periods.iloc[0]
            problem = InputProblem(
                given["source_file"], f"{'required' if required else 'optional'} indicator {indicator.indicator_id} "
                f"has no value for {period}: this row gives {given['period']} (read as last year's figure, "
                f"restated). If the value is for {period}, correct the period"
                + ("" if required else "; otherwise it is shown as 'not supplied'"),
                int(given["source_row"]), "period", given["period"], given["source_sheet"] or None)
        elif indicator.indicator_id in collected.blank_rows:
            file, sheet, row = collected.blank_rows[indicator.indicator_id]
            problem = InputProblem(
                file, f"{'required' if required else 'optional'} indicator {indicator.indicator_id} has no value "
                f"for {period}" + ("" if required else ": shown as 'not supplied'"), row, "value", None, sheet)
        elif indicator.partner in collected.filled_returns:
            # The partner's return was read, but has no row for the indicator (deleted?).
            problem = InputProblem(
                collected.filled_returns[indicator.partner],
                f"{'required' if required else 'optional'} indicator {indicator.indicator_id} has no row in this "
                f"return, so no value for {period}: add its row back from the template"
                + ("" if required else ", or leave it out to show it as 'not supplied'"),
                None, "indicator_id", indicator.indicator_id)
        else:
            file = (display_path(collected.folder / FIGURES_FILE) if (collected.folder / FIGURES_FILE).exists()
                    and not return_files(collected.folder) else _partner_return_hint(collected.folder, indicator.partner))
            problem = InputProblem(
                file, f"{'required' if required else 'optional'} indicator {indicator.indicator_id} "
                f"({indicator.partner}) has no value for {period}"
                + ("" if required else ": shown as 'not supplied'"), None, "indicator_id", indicator.indicator_id)
        (report.errors if required else report.warnings).append(problem)
    lists = collected.lists
    supplied = set(lists["list_id"]) if len(lists) else set()
    lists_file = display_path(collected.folder / LISTS_FILE)
    for item in list_catalogue.itertuples():
        if item.list_id in supplied:
            continue
        required = item.required == "yes"
        rule = f"{'required' if required else 'optional'} list {item.list_id} has no items" + (
            "" if required else ": shown as 'not supplied'")
        if item.list_id in collected.blank_list_rows:
            file, row = collected.blank_list_rows[item.list_id]
            problem = InputProblem(file, rule, row, "item")
        else:
            problem = InputProblem(lists_file, rule, None, "list_id", item.list_id)
        (report.errors if required else report.warnings).append(problem)


def _restatements(report: ValidationReport, collected: Collected, previous, catalogue: pd.DataFrame,
                  year: ReportYear) -> None:
    """Last year's figure given again in this edition: compare it with the previous edition."""
    for record in collected.figures.itertuples():
        meta = catalogue.loc[record.indicator_id]
        if record.period != previous_expected_period(meta["period_type"], year):
            continue
        published = previous.figure(record.indicator_id, record.period) if previous else None
        if published is None:
            continue
        value, _ = parse_number(record.value, meta["unit"])
        if value is not None and value != published.value:
            report.warnings.append(InputProblem(
                record.source_file,
                f"restates {record.indicator_id} for {record.period} as {record.value}, but the previous "
                f"edition published {published.text} ({published.source_file}, row {published.source_row}); "
                "the book compares with the restated value on this edition's pages",
                record.source_row, "value", record.value, record.source_sheet or None))


# A figure this many times larger or smaller than last year's is worth a second look (a digit too
# many, a value typed in the wrong row, a percentage typed as a fraction), unless both are small.
IMPLAUSIBLE_FACTOR = 5
SMALL_ENOUGH_TO_JUMP = 20


def _implausible_changes(report: ValidationReport, collected: Collected, previous, catalogue: pd.DataFrame,
                         year: ReportYear) -> None:
    """A warning for each figure that is five or more times last year's, or a fifth or less."""
    for record in collected.figures.itertuples():
        meta = catalogue.loc[record.indicator_id]
        if record.period != expected_period(meta["period_type"], year) or meta["unit"] == "percentage_change":
            continue
        earlier_period = previous_expected_period(meta["period_type"], year)
        earlier = previous.figure(record.indicator_id, earlier_period) if previous else None
        value, _ = parse_number(record.value, meta["unit"])
        if earlier is None or value is None or value <= 0 or earlier.value <= 0:
            continue
        factor = max(value, earlier.value) / min(value, earlier.value)
        if factor >= IMPLAUSIBLE_FACTOR and max(value, earlier.value) > SMALL_ENOUGH_TO_JUMP:
            against = (f"{factor:.0f} times last year's {earlier.text} ({earlier_period})" if value > earlier.value
                       else f"while last year's was {factor:.0f} times as large, {earlier.text} ({earlier_period})")
            report.warnings.append(InputProblem(
                record.source_file,
                f"{record.indicator_id} is {record.value} for {record.period}, {against}: is it a typing slip, a "
                "value in the wrong row, or a percentage typed as a fraction? If it is right, say why in notes",
                record.source_row, "value", record.value, record.source_sheet or None))


def validate_edition(year: str, area_code: str | None = None, data_dir: Path | str | None = None
                     ) -> ValidationReport:
    """Check every input of one edition; return all errors and warnings (never raises
    InputError: call ``report.raise_for_errors()``). ParameterError for a bad year."""
    report_year = ReportYear.parse(year)
    data_dir = Path(data_dir) if data_dir else None
    # The partnership's file and the catalogues are read once, and passed on.
    partnership = edition_partnership(area_code, data_dir)
    paths = partnership_data_paths(data_dir, partnership)
    folder = paths.year(report_year.label)
    report = ValidationReport(report_year.label, folder)
    try:
        all_indicators = load_catalogue(data_dir)
        all_lists = load_list_catalogue(data_dir)
    except InputError as error:
        report.errors += error.problems
        return report
    if partnership is None or not partnership.own_figures:
        whose = f"the {area_code} edition" if area_code else "the edition"
        report.skipped = (f"{whose} is built from national statistics alone (no partnership in "
                          f"{display_path(paths.partnerships)} supplies figures of its own for it), "
                          "so there is nothing to check")
        return report
    catalogue, list_catalogue = reported_catalogues(partnership, all_indicators, all_lists)
    if not partnership.lead_partners:
        report.errors.append(InputProblem(
            display_path(partnership.folder / PARTNERSHIP_FILE),
            "names no lead partners: list the partners who jointly lead the partnership before its "
            "annual report is built", None, "lead_partners"))
    if not folder.is_dir():
        report.errors.append(InputProblem(
            display_path(folder),
            f"the edition's folder does not exist: run `python -m analysis new-edition {report_year.label}` "
            "and fill in the returns"))
        return report
    collected = collect(report_year.label, folder, catalogue, list_catalogue)
    report.errors += collected.errors
    report.warnings += collected.warnings
    report.notes += collected.notes
    if not collected.has_figures and not collected.errors:
        report.notes.append("no figures.csv and no filled-in return: every figure is missing")
    _completeness(report, collected, catalogue, list_catalogue, report_year)
    previous_folder = paths.year(report_year.previous().label)
    previous = None
    if previous_folder.is_dir():
        try:
            previous = PartnershipData(report_year.previous().label, partnership.edition_area, data_dir,
                                       previous_edition=False, catalogues=(all_indicators, all_lists),
                                       partnership=partnership)
            report.notes.append(f"previous edition: {display_path(previous_folder)} (used for year-on-year comparisons)")
        except InputError as error:
            report.errors += error.problems
    else:
        report.notes.append(f"no previous edition folder ({display_path(previous_folder)}): "
                            "no year-on-year comparisons")
    previous = previous if previous and previous.available else None
    _restatements(report, collected, previous, catalogue, report_year)
    _implausible_changes(report, collected, previous, catalogue, report_year)
    return report


def validate_for_build(year: str, area_code: str, data_dir: Path | str | None) -> ValidationReport | None:
    """The validation ``build`` runs first; None when the data folder holds no partnership
    reference data at all (a book built from other inputs, such as a test fixture)."""
    paths = data_paths(data_dir)
    if not paths.partnerships.is_dir() or not (paths.reference / "indicators.csv").exists():
        return None
    return validate_edition(year, area_code, data_dir)
