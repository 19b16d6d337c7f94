"""Import published national statistics (EES CSV files) into the project's tidy extract.

Usage (the CLI wraps this as ``python -m analysis import-national <folder>``)::

    from analysis.national.importer import import_national
    summary = import_national(Path("~/Downloads/ees"), log=print)
    print(summary.report())

The import is three steps: read the folder, recognising and checking every table the
importer knows (:mod:`analysis.national.read`); extract the indicators, areas and
statistical neighbours (:mod:`analysis.national.extract`); write the four files of
``data/national/`` together (:mod:`analysis.national.write`). Every problem in the
files is reported at once, before anything is written.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from analysis.config import DataPaths
from analysis.national.extract import NationalExtract, extract_all
from analysis.national.read import FolderContents, read_folder
from analysis.national.write import write_extract


@dataclass
class FileSummary:
    file: str
    table: str
    publication: str
    rows_read: int
    rows_extracted: int
    seconds: float
    sha256: str
    size_bytes: int
    time_periods: list[int]


@dataclass
class ImportSummary:
    """What an import read, skipped and wrote, and how long it took."""

    source_dir: Path
    output_dir: Path
    files: list[FileSummary] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    missing_tables: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outputs: dict[str, int] = field(default_factory=dict)  # file name -> size in bytes
    rows_written: int = 0
    indicators: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def report(self) -> str:
        lines = [f"Imported national statistics from {self.source_dir} into {self.output_dir}"]
        lines.append(f"{'file':<82} {'table':<24} {'rows read':>9} {'extracted':>9} {'seconds':>8}")
        for f in self.files:
            lines.append(f"{f.file:<82} {f.table:<24} {f.rows_read:>9} {f.rows_extracted:>9} {f.seconds:>8.2f}")
        for name, reason in self.skipped:
            lines.append(f"skipped {name}: {reason}")
        for table in self.missing_tables:
            lines.append(f"not found: {table}")
        for warning in self.warnings:
            lines.append(f"note: {warning}")
        for name, size in self.outputs.items():
            lines.append(f"wrote {name} ({size:,} bytes)")
        lines.append(
            f"{len(self.indicators)} indicators, {self.rows_written:,} rows, in {self.seconds:.2f} seconds"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.report()


def _file_summaries(folder: FolderContents, extract: NationalExtract) -> list[FileSummary]:
    """One line per source file, in file name order: rows read and extracted, seconds taken."""
    return [
        FileSummary(
            file=source.name, table=source.table.key, publication=source.table.publication,
            rows_read=source.rows_read, rows_extracted=extract.rows_from(source.table),
            seconds=source.seconds + extract.indicators.seconds_by_table.get(source.table.key, 0.0),
            sha256=source.sha256, size_bytes=source.size_bytes, time_periods=source.time_periods,
        )
        for source in sorted(folder.sources.values(), key=lambda source: source.name)
    ]


def import_national(
    source_dir: Path,
    output_dir: Path = DataPaths().national,
    *,
    log: Callable[[str], None] | None = None,
    today: date | None = None,
) -> ImportSummary:
    """Read the EES files in ``source_dir``, check them, and write the tidy extract to ``output_dir``.

    Raises :class:`analysis.errors.InputError` listing every problem found (file, row,
    column, value, rule) before anything is written. ``log`` (for example ``print``)
    receives a line per file as it is read. Returns an :class:`ImportSummary`.
    """
    started = time.perf_counter()
    say = log or (lambda message: None)
    source_dir, output_dir = Path(source_dir).expanduser(), Path(output_dir)

    folder = read_folder(source_dir, say)
    extract = extract_all(folder)
    outputs = write_extract(output_dir, folder, extract, today or date.today())

    summary = ImportSummary(
        source_dir=source_dir, output_dir=output_dir, files=_file_summaries(folder, extract),
        skipped=folder.skipped, missing_tables=folder.missing_tables,
        warnings=folder.warnings + extract.indicators.warnings + extract.warnings, outputs=outputs,
        rows_written=len(extract.indicators.rows),
        indicators=[extracted.indicator_id for extracted in extract.indicators.extracted],
        seconds=time.perf_counter() - started,
    )
    say(f"wrote {len(outputs)} files to {output_dir} in {summary.seconds:.2f} seconds")
    return summary
