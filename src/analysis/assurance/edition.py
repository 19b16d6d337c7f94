"""What the assurance pages read: the staged edition they run in, and the edition's input files.

The build executes the assurance notebooks (``notebooks/assurance/``) after the section
notebooks and after it has written the run manifest, with the same parameters. A notebook's
``output_dir`` is ``../../_data/<notebook>``, relative to the notebook's own folder in the
stage, so the stage is two folders above ``output_dir`` (``manifest.json`` is there) and each
page's register of figures is ``_data/<page>/register.csv`` beside ``output_dir``.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.assurance.manifest import EDITION_FACTS_NAME, INPUTS_NAME, MANIFEST_NAME, load_manifest
from analysis.inputs.partnership import edition_data_paths
from analysis.config import ASSURANCE_NOTEBOOKS, data_paths
from analysis.errors import InputError
from analysis.inputs.formats import DOCUMENT_COLUMNS, DOCUMENTS_FILE, FIGURE_COLUMNS, FIGURES_FILE
from analysis.inputs.readers import decode_text, read_csv_table
from analysis.national.load import load_provenance
from analysis.pages.page import REGISTER_COLUMNS

# The assurance notebooks' folder, as the manifest lists notebooks (relative to the book).
REGISTER_FILE = "register.csv"


def section_notebooks(manifest: dict[str, Any]) -> list[str]:
    """The notebooks of the book's sections, in book order: every notebook the manifest lists
    except the assurance notebooks themselves."""
    return [notebook for notebook in manifest["notebooks"] if not notebook.startswith(ASSURANCE_NOTEBOOKS)]


def collect_register(registers_dir: Path, notebooks: list[str]) -> pd.DataFrame:
    """The registers of figures of the given notebooks, one after another in their order.

    A page that glues no figures (the data dictionary) keeps no register.
    """
    frames = []
    for notebook in notebooks:
        path = Path(registers_dir) / Path(notebook).stem / REGISTER_FILE
        if path.exists():
            frames.append(pd.read_csv(path, dtype=str, keep_default_na=False))
    if not frames:
        return pd.DataFrame(columns=REGISTER_COLUMNS)
    return pd.concat(frames, ignore_index=True)[REGISTER_COLUMNS]


@dataclass(frozen=True)
class StagedEdition:
    """The staged edition an assurance notebook runs in."""

    stage_dir: Path
    registers_dir: Path  # the stage's _data folder: one folder of side files per notebook

    @classmethod
    def from_output_dir(cls, output_dir: str) -> "StagedEdition":
        """The stage of the notebook whose side-file folder is ``output_dir`` (the parameter)."""
        if not output_dir:
            raise ValueError("the assurance pages read a built edition: they run in the build "
                             "(python -m analysis build), which sets output_dir")
        side_files = Path(output_dir)
        return cls(stage_dir=side_files.parent.parent, registers_dir=side_files.parent)

    @property
    def manifest_path(self) -> Path:
        return self.stage_dir / MANIFEST_NAME

    def manifest(self) -> dict[str, Any]:
        return load_manifest(self.manifest_path)

    def facts(self) -> dict[str, Any]:
        """What the edition is (title, kind, local authorities, notebooks): the part of the run
        manifest that stays the same from one build to the next, so that a page reading only
        this is not executed again just because the build ran at another time."""
        return json.loads((self.stage_dir / EDITION_FACTS_NAME).read_text(encoding="utf-8"))

    def inputs(self) -> dict[str, Any]:
        """The run manifest's hashes of every input file (``inputs``), as the build wrote them."""
        return json.loads((self.stage_dir / INPUTS_NAME).read_text(encoding="utf-8"))

    @property
    def title(self) -> str:
        return self.facts()["title"]

    def copy_manifest(self, folder: Path | str = ".") -> None:
        """Put a copy of the run manifest in ``folder`` (the page's own), to be downloaded."""
        shutil.copyfile(self.manifest_path, Path(folder) / MANIFEST_NAME)

    def page_titles(self) -> dict[str, str]:
        """Each section page's title (the first heading of its notebook), by notebook name
        ('00_key_findings' -> 'Key findings'), as the build recorded them in the edition's facts.
        The assurance pages, still running, are not among them."""
        return self.facts()["titles"]

    def register(self) -> pd.DataFrame:
        """Every section page's register of figures, in book order."""
        return collect_register(self.registers_dir, section_notebooks(self.facts()))


# --------------------------------------------------------------------------
# The edition's input files
# --------------------------------------------------------------------------


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    """A CSV of the year folder as text cells, read as the build's validation reads it (any
    encoding Excel writes); a column the file does not have is blank."""
    table = read_csv_table(path)
    if table.problems:
        raise InputError(table.problems)
    return pd.DataFrame([row.values for row in table.rows], columns=table.columns).reindex(
        columns=columns, fill_value="")


# The columns of figures.csv the reproduction page reads: the transcription, and which number
# of its quote each reported figure is.
REPORT_FIGURE_COLUMNS = FIGURE_COLUMNS + ["quote_number"]


def report_figures(year: str, data_dir: str | Path | None, area: str | None = None) -> pd.DataFrame:
    """The figures transcribed from the published report (``figures.csv``), with the number of
    the quote each is (``quote_number``); none when the edition is built from partner returns only."""
    path = edition_data_paths(data_dir, area).year(year) / FIGURES_FILE
    if not path.exists():
        return pd.DataFrame(columns=REPORT_FIGURE_COLUMNS)
    return _read_csv(path, REPORT_FIGURE_COLUMNS)


SOURCES_FOLDER = "sources"
TEXT_SUFFIXES = (".txt", ".md")


def source_document_files(year: str, data_dir: str | Path | None, area: str | None = None) -> dict[str, Path]:
    """The text copy kept in the year's ``sources/`` folder of each source document in
    ``documents.csv``, by document_id: the file a ``file`` column names (relative to
    ``sources/``); else the text file named after the document_id; else, when documents.csv
    lists one document and ``sources/`` holds one text file, that file. A document with no
    text copy is left out (the reproduction page says it could not be checked)."""
    folder = edition_data_paths(data_dir, area).year(year)
    sources = folder / SOURCES_FOLDER
    if not (folder / DOCUMENTS_FILE).exists():
        return {}
    documents = _read_csv(folder / DOCUMENTS_FILE, DOCUMENT_COLUMNS + ["file"])
    texts = sorted(path for path in sources.iterdir() if path.suffix.lower() in TEXT_SUFFIXES) if sources.is_dir() else []
    found: dict[str, Path] = {}
    for document in documents.itertuples():
        if document.file:
            path = sources / document.file
            if path.is_file():
                found[document.document_id] = path
            continue
        named = [path for path in texts if path.stem == document.document_id]
        if named:
            found[document.document_id] = named[0]
        elif len(documents) == 1 and len(texts) == 1:
            found[document.document_id] = texts[0]
    return found


def source_document_texts(year: str, data_dir: str | Path | None, area: str | None = None) -> dict[str, str]:
    """The text of each source document kept in ``sources/``, by document_id (see
    :func:`source_document_files`): what the reproduction page checks each quote against."""
    return {document_id: decode_text(path.read_bytes())[0]
            for document_id, path in source_document_files(year, data_dir, area).items()}


def source_documents(year: str, data_dir: str | Path | None, area: str | None = None) -> pd.DataFrame:
    """The edition's source documents (``documents.csv``; publisher, date, location and licence
    may be left out); none when the year folder lists none."""
    path = edition_data_paths(data_dir, area).year(year) / DOCUMENTS_FILE
    if not path.exists():
        return pd.DataFrame(columns=DOCUMENT_COLUMNS)
    return _read_csv(path, DOCUMENT_COLUMNS)


def national_provenance(data_dir: str | Path | None) -> dict[str, Any]:
    """The national importer's record of the files it read (``data/national/provenance.json``)."""
    return load_provenance(data_paths(data_dir).national)
