"""The lock file data/national-sources.json: where each national file comes from, and which version.

One entry per table the importer knows (:mod:`analysis.national.tables`). An entry is
fetched one of three ways, decided by what it records:

* ``data_set_id`` and ``version``: a data set in the EES public API, downloaded at exactly
  that version;
* ``release_version_id`` and ``file_id``: a data file of one EES release that is not in the
  public API, downloaded from the release as the website's "Download" link does;
* ``url`` with ``sha256``: a file kept somewhere else, accepted only if its sha256 matches.

An EES entry with neither pin is looked up by ``publication_slug`` and ``title`` (or, until
the title is known, by ``file``), and what is found is written back here, so the next fetch
gets the same version. ``release`` and ``sha256`` record what was last fetched.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from pathlib import Path

from analysis.errors import InputError, InputProblem
from analysis.files import write_atomically
from analysis.national.tables import TABLES, TABLES_BY_KEY

LOCK_FILE = "national-sources.json"

ABOUT = ("Where `python -m analysis fetch-national` gets each file the national importer needs, and the "
         "version it pins. See the README, section National statistics.")


@dataclass
class Source:
    """One file the book needs and where it comes from (see the module's description)."""

    table: str
    file: str
    publication: str = ""
    publication_slug: str = ""
    title: str | None = None
    release: str | None = None
    data_set_id: str | None = None
    version: str | None = None
    release_version_id: str | None = None
    file_id: str | None = None
    url: str | None = None
    page: str | None = None
    sha256: str | None = None
    note: str | None = None

    @property
    def how(self) -> str:
        """'api', 'release file', 'url' or 'look up' (an EES entry not pinned yet)."""
        if self.url:
            return "url"
        if self.data_set_id:
            return "api"
        if self.release_version_id and self.file_id:
            return "release file"
        return "look up"

    @property
    def pin(self) -> tuple:
        """What identifies the file fetched: a different pin is a different file."""
        return self.how, self.data_set_id, self.version, self.release_version_id, self.file_id, self.url

    @property
    def pinned_as(self) -> str:
        """What is pinned, in words."""
        if self.how == "api":
            return f"data set {self.data_set_id} version {self.version}" + (f" (release {self.release})"
                                                                             if self.release else "")
        if self.how == "release file":
            return f"release {self.release or self.release_version_id} file {self.file}"
        if self.how == "url":
            return f"{self.url} (sha256 {str(self.sha256)[:12]}...)"
        return "nothing yet"

    def label(self) -> str:
        return f"{self.table} ({self.file})"

    def to_json(self) -> dict:
        """The entry as written in the lock file: every field that has a value, in a fixed order."""
        record = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value not in (None, ""):
                record[item.name] = value
        return record


def _problem(path: Path, rule: str, value: object = None) -> InputProblem:
    return InputProblem(str(path), rule, value=value)


def _source(path: Path, number: int, record: object, problems: list[InputProblem]) -> Source | None:
    where = f"sources entry {number}"
    if not isinstance(record, dict):
        problems.append(_problem(path, f"{where} is not an object with table, file, ..."))
        return None
    known = {item.name for item in fields(Source)}
    unknown = sorted(set(record) - known)
    if unknown:
        problems.append(_problem(path, f"{where} has field(s) the command does not know: {', '.join(unknown)} "
                                       f"(known: {', '.join(sorted(known))})"))
    for name in ("table", "file"):
        if not isinstance(record.get(name), str) or not record.get(name):
            problems.append(_problem(path, f"{where} needs '{name}'"))
            return None
    values = {name: value for name, value in record.items() if name in known}
    for name, value in values.items():
        if value is not None and not isinstance(value, str):
            problems.append(_problem(path, f"{where} ({record['table']}): '{name}' must be text", value))
            return None
    source = Source(**values)
    if source.table not in TABLES_BY_KEY:
        problems.append(_problem(path, f"{where}: '{source.table}' is not a table the importer knows "
                                       f"({', '.join(TABLES_BY_KEY)})", source.table))
    if not safe_file_name(source.file):
        problems.append(_problem(path, f"{where} ({source.table}): 'file' must be a plain .csv file name",
                                 source.file))
    if source.url and not source.sha256:
        problems.append(_problem(path, f"{where} ({source.table}): a 'url' needs the 'sha256' of the file it "
                                       "must deliver"))
    if not source.url and not source.publication_slug:
        problems.append(_problem(path, f"{where} ({source.table}): give 'publication_slug' (the EES "
                                       "publication) or a 'url'"))
    if source.data_set_id and not source.version:
        problems.append(_problem(path, f"{where} ({source.table}): 'data_set_id' needs the 'version' to fetch"))
    return source


def read_sources(path: Path) -> list[Source]:
    """The lock file's entries, checked: one per table the importer knows, each fetchable.

    Raises :class:`analysis.errors.InputError` naming every problem.
    """
    if not path.is_file():
        raise InputError([_problem(path, "the lock file of national sources does not exist")])
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise InputError([_problem(path, f"the file is not valid JSON ({error})")]) from None
    if not isinstance(document, dict) or not isinstance(document.get("sources"), list):
        raise InputError([_problem(path, "the file must be a JSON object with a 'sources' list")])
    problems: list[InputProblem] = []
    sources = [s for n, r in enumerate(document["sources"], 1) if (s := _source(path, n, r, problems))]
    tables = [source.table for source in sources]
    for table in sorted({t for t in tables if tables.count(t) > 1}):
        problems.append(_problem(path, f"table {table} is listed more than once"))
    # The extract is replaced as a whole, so every table must have a source.
    for table in TABLES:
        if table.key not in tables:
            problems.append(_problem(path, f"table {table.key} ({table.description}) has no entry: the new "
                                           "extract would lack it"))
    if problems:
        raise InputError(problems)
    return sources


def write_sources(path: Path, sources: list[Source]) -> None:
    """Rewrite the lock file (atomically), entries in the importer's table order."""
    order = [table.key for table in TABLES]
    document = {"about": ABOUT,
                "sources": [s.to_json() for s in sorted(sources, key=lambda s: order.index(s.table))]}
    write_atomically(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def safe_file_name(name: str) -> bool:
    """A plain CSV file name: no folder, nothing hidden."""
    return (bool(name) and Path(name).name == name and not name.startswith(".") and "\\" not in name
            and name.lower().endswith(".csv"))


_YEARS = re.compile(r"\d{4}(?:[\s_]*(?:to|-)[\s_]*\d{2,4})?")


def without_years(text: str) -> str:
    """A file name or title without its years, for matching across releases:
    'b1_children_in_need_2013_to_2025.csv' and '..._2013_to_2026.csv' are the same file;
    'B1 Children in need ..., England 2013 to 2021' and '... 2013 to 2025' the same data set."""
    words = re.sub(r"[\s_,]+", " ", _YEARS.sub(" ", str(text).lower().replace(".csv", " ")))
    return " ".join(words.split())
