"""Writing the tidy extract to ``data/national/``: its four files and their provenance.

``national_indicators.csv``
    one row per indicator x time period x area: indicator_id, time_period, area_code,
    value, symbol, numerator, denominator. To keep the committed extract small, columns
    that are the same for every row of an area (geographic_level, old_la_code,
    area_name, region_code, region_name) or of an indicator (source_file) are not
    repeated here; :func:`analysis.national.load.load_national` joins them back from
    ``areas.csv`` and ``provenance.json``.
``areas.csv``
    every area in the files (England, regions including Inner and Outer London, local
    authorities) with its latest name and region.
``statistical_neighbours.csv``
    each local authority's ten statistical neighbours in each DfE model.
``provenance.json``
    for each source file: name, sha256, size, rows read, publication, licence, time
    periods; the import date; the indicators and where each comes from.

All four files are first written to temporary files in the output folder and then
renamed over the old ones, so a failed import never leaves a half-written extract.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pandas as pd

from analysis.files import sha256_bytes, write_all_atomically
from analysis.national.areas import AREAS_FILE
from analysis.national.extract import ExtractedIndicator, NationalExtract
from analysis.national.read import FolderContents, SourceFile
from analysis.national.tables import LICENCE, LICENCE_URL

EXTRACT_FILE = "national_indicators.csv"
NEIGHBOURS_FILE = "statistical_neighbours.csv"
PROVENANCE_FILE = "provenance.json"

PERIOD_CONVENTIONS = {
    "time_period": "year ending 31 March (DfE 'Reporting year'), except population_0_17 whose "
                   "time_period is the ONS mid-year",
    "rates": "per 10,000 children aged 0 to 17; the year ending 31 March YYYY uses the mid-(YYYY-1) "
             "ONS estimate",
}


def _to_csv_text(frame: pd.DataFrame) -> str:
    """CSV text with numbers written as a person writes them; missing numbers are empty.

    ``%.12g`` gives 3069 for 3069.0 and 22.6 for 22.6; every value in the extract has at
    most 12 significant digits (counts, populations, and values with 1 or 2 decimals).
    """
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.12g")


def _time_period_type(source: SourceFile) -> str:
    if source.table.kind == "neighbours":
        return "statistical neighbour model year"
    return "mid_year" if source.table.key == "ons_population" else "year ending 31 March"


def source_record(source: SourceFile) -> dict:
    """What provenance.json records about one source file."""
    return {
        "file": source.name,
        "table": source.table.key,
        "description": source.table.description,
        "publication": source.table.publication,
        "sha256": source.sha256,
        "size_bytes": source.size_bytes,
        "rows_read": source.rows_read,
        "licence": LICENCE,
        "time_period_type": _time_period_type(source),
        "time_periods": source.time_periods,
    }


def indicator_record(extracted: ExtractedIndicator) -> dict:
    """What provenance.json records about one indicator (the population file only for rates)."""
    record = asdict(extracted)
    if record["population_file"] is None:
        del record["population_file"]
    return record


def provenance(folder: FolderContents, extract: NationalExtract, data_files: dict[str, bytes], today: date) -> dict:
    """Where everything in the extract came from, and a fingerprint of each data file."""
    sources = sorted(folder.sources.values(), key=lambda source: source.name)
    return {
        "import_date": today.isoformat(),
        "importer": "analysis.national.importer.import_national",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "period_conventions": PERIOD_CONVENTIONS,
        "source_files": [source_record(source) for source in sources],
        "skipped_files": [{"file": name, "reason": reason} for name, reason in folder.skipped],
        "indicators": [indicator_record(extracted) for extracted in extract.indicators.extracted],
        "outputs": {
            name: {"sha256": sha256_bytes(data), "size_bytes": len(data)} for name, data in data_files.items()
        },
    }


def extract_files(folder: FolderContents, extract: NationalExtract, today: date) -> dict[str, bytes]:
    """The four files of the extract, by name, as bytes."""
    files: dict[str, bytes] = {
        EXTRACT_FILE: _to_csv_text(extract.indicators.rows).encode("utf-8"),
        AREAS_FILE: extract.areas.to_csv(index=False, lineterminator="\n").encode("utf-8"),
        NEIGHBOURS_FILE: extract.neighbours.to_csv(index=False, lineterminator="\n").encode("utf-8"),
    }
    record = provenance(folder, extract, files, today)
    files[PROVENANCE_FILE] = (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return files


def write_extract(output_dir: Path, folder: FolderContents, extract: NationalExtract, today: date) -> dict[str, int]:
    """Write the four files together (all or none); return each file's size in bytes."""
    files = extract_files(folder, extract, today)
    write_all_atomically(output_dir, files)
    return {name: len(data) for name, data in files.items()}
