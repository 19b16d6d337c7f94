"""Who a partnership is: one file per partnership, ``data/partnerships/<id>/partnership.toml``.

The file names the partnership, the local authorities it covers, its lead partners and
website, whether it supplies its own figures each year, and which sections, indicators and
lists it reports. Its own figures for a year live beside it, in ``<id>/<year>/``.
``data/partnerships/README.md`` documents every key.

An edition is built for an *area*: a local authority's ONS code, or a partnership's id.
A partnership covering one authority is found by either; one covering several by its id.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from analysis.config import AREA_CODE, PARTNERSHIP_ID, DataPaths, data_paths, display_path
from analysis.csv_rows import read_csv_rows
from analysis.errors import InputError, InputProblem, ParameterError

PARTNERSHIP_FILE = "partnership.toml"
# A folder name no partnership can have (ids have no underscore): an area without a partnership.
NO_PARTNERSHIP = "_no-partnership"

TEXT_KEYS = ("name", "short_name", "website")
LIST_KEYS = ("local_authorities", "lead_partners", "sections", "indicators", "lists")
KNOWN_KEYS = set(TEXT_KEYS) | set(LIST_KEYS) | {"own_figures", "introductions"}


@dataclass(frozen=True)
class Partnership:
    """One partnership, as its file describes it."""

    id: str
    name: str
    short_name: str
    local_authorities: tuple[str, ...]
    website: str = ""
    lead_partners: tuple[str, ...] = ()
    own_figures: bool = False
    sections: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    introductions: dict[str, str] = field(default_factory=dict)
    folder: Path = Path()

    @property
    def edition_area(self) -> str:
        """What editions of this partnership are built for: its authority's ONS code when it
        covers one, else its own id (the book then combines its authorities)."""
        return self.local_authorities[0] if len(self.local_authorities) == 1 else self.id

    @property
    def covers_several_authorities(self) -> bool:
        return len(self.local_authorities) > 1

    def year_folder(self, year: str) -> Path:
        """Where the partnership's own figures for one edition year are kept."""
        return self.folder / str(year)

    def introduction(self, section: str) -> str:
        """The partnership's own words introducing a section ("" when it gives none)."""
        return self.introductions.get(section, "")


def partnerships_folder(data_dir: Path | str | None = None) -> Path:
    return data_paths(data_dir).partnerships


def _problem(path: Path, rule: str, key: str | None = None, value=None) -> InputProblem:
    return InputProblem(display_path(path), rule, None, key, value)


def _reference_ids(data_dir: Path | str | None) -> dict[str, set[str]]:
    """The section, indicator and list ids the reference catalogues define (empty sets for a
    catalogue the data folder does not have)."""
    reference = data_paths(data_dir).reference
    ids = {}
    for key, file, column in (("sections", "sections.csv", "section"), ("indicators", "indicators.csv", "indicator_id"),
                              ("lists", "lists.csv", "list_id")):
        path = reference / file
        ids[key] = set()
        if path.exists():  # (read as text: a build reads every partnership's file before anything else)
            ids[key] = {row[column] for _, row in read_csv_rows(path, [column])}
    return ids


def section_notebooks(data_dir: Path | str | None = None) -> list[tuple[str, str]]:
    """(section, notebook by stem) for each row of data/reference/sections.csv (read as text, like
    the ids above: a build that finds its edition up to date needs no more); InputError when the
    file or one of those two columns is missing."""
    path = data_paths(data_dir).reference / "sections.csv"
    if not path.exists():
        raise InputError([InputProblem(display_path(path), "file not found")])
    return [(row["section"], row["notebook"]) for _, row in read_csv_rows(path, ["section", "notebook"])]


def read_partnership(path: Path, data_dir: Path | str | None = None) -> Partnership:
    """One partnership file, checked; InputError naming the file, the key and the rule broken."""
    path = Path(path)
    try:
        content = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError([_problem(path, "file not found")]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError([_problem(path, f"is not a valid TOML file: {error}")]) from None
    problems: list[InputProblem] = []
    partnership_id = path.parent.name
    if not PARTNERSHIP_ID.match(partnership_id):
        problems.append(_problem(path, "the partnership's folder name is its id: lower-case letters, digits and "
                                       "hyphens only, e.g. 'two-boroughs'", value=partnership_id))
    for key in sorted(set(content) - KNOWN_KEYS):
        problems.append(_problem(path, f"unknown key; the keys are {', '.join(sorted(KNOWN_KEYS))}", key))
    for key in TEXT_KEYS:
        value = content.get(key, "")
        if not isinstance(value, str):
            problems.append(_problem(path, "must be text in quotes", key, value))
        elif key != "website" and not value.strip():
            problems.append(_problem(path, "is required and must not be blank", key))
    for key in LIST_KEYS:
        value = content.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            problems.append(_problem(path, "must be a list of text items in quotes, none blank, e.g. [\"a\", \"b\"]",
                                     key, value))
        elif len(set(value)) != len(value):
            problems.append(_problem(path, "lists an item more than once", key, value))
    own_figures = content.get("own_figures", False)
    if not isinstance(own_figures, bool):
        problems.append(_problem(path, "must be true or false (no quotes)", "own_figures", own_figures))
    introductions = content.get("introductions", {})
    if not isinstance(introductions, dict) or not all(isinstance(v, str) for v in introductions.values()):
        problems.append(_problem(path, "must be a table of section = \"text\" lines", "introductions"))
        introductions = {}
    if problems:
        raise InputError(problems)

    codes = content.get("local_authorities", [])
    if not codes:
        problems.append(_problem(path, "lists no local authority: give at least one ONS code", "local_authorities"))
    for code in codes:
        if not AREA_CODE.match(code):
            problems.append(_problem(path, "is not an ONS area code: E followed by 8 digits", "local_authorities",
                                     code))
    known = _reference_ids(data_dir)
    for key in ("sections", "indicators", "lists"):
        for item in content.get(key, []):
            if known[key] and item not in known[key]:
                problems.append(_problem(path, f"is not in data/reference's {key} catalogue", key, item))
    for section in introductions:
        if known["sections"] and section not in known["sections"]:
            problems.append(_problem(path, "introduces a section the sections catalogue does not have",
                                     "introductions", section))
    if problems:
        raise InputError(problems)
    return Partnership(
        id=partnership_id, name=content["name"].strip(), short_name=content["short_name"].strip(),
        local_authorities=tuple(codes), website=content.get("website", "").strip(),
        lead_partners=tuple(content.get("lead_partners", [])), own_figures=own_figures,
        sections=tuple(content.get("sections", [])) or tuple(sorted(known["sections"])),
        indicators=tuple(content.get("indicators", [])) or tuple(sorted(known["indicators"])),
        lists=tuple(content.get("lists", [])) or tuple(sorted(known["lists"])),
        introductions={k: v.strip() for k, v in introductions.items()}, folder=path.parent,
    )


def load_partnerships(data_dir: Path | str | None = None) -> dict[str, Partnership]:
    """Every partnership in the data folder, by id, each checked (InputError lists the problems
    of all of them); two partnerships may not claim the same single authority."""
    folder = partnerships_folder(data_dir)
    found: dict[str, Partnership] = {}
    problems: list[InputProblem] = []
    for path in sorted(folder.glob(f"*/{PARTNERSHIP_FILE}")) if folder.is_dir() else []:
        try:
            partnership = read_partnership(path, data_dir)
        except InputError as error:
            problems += error.problems
            continue
        found[partnership.id] = partnership
    areas: dict[str, str] = {}
    for partnership in found.values():
        other = areas.setdefault(partnership.edition_area, partnership.id)
        if other != partnership.id:
            problems.append(_problem(partnership.folder / PARTNERSHIP_FILE,
                                     f"covers the same area as the partnership {other!r}", "local_authorities",
                                     partnership.edition_area))
    if problems:
        raise InputError(problems)
    return found


def partnership_for_area(area: str | None, data_dir: Path | str | None = None) -> Partnership | None:
    """The partnership whose editions are built for ``area`` (its id, or the code of the one
    authority it covers); None when no partnership is configured for it."""
    if not area:
        return None
    for partnership in load_partnerships(data_dir).values():
        if area in (partnership.id, partnership.edition_area):
            return partnership
    return None


def default_partnership(data_dir: Path | str | None = None) -> Partnership | None:
    """The partnership a command uses when no --area is given: the one partnership that
    supplies its own figures; None when none does. ParameterError when several do."""
    own = [p for p in load_partnerships(data_dir).values() if p.own_figures]
    if len(own) > 1:
        raise ParameterError(
            "several partnerships supply their own figures (" + ", ".join(p.id for p in own)
            + "): say which with --area (a partnership's id or its authority's ONS code)")
    return own[0] if own else None


def edition_partnership(area: str | None, data_dir: Path | str | None = None) -> Partnership | None:
    """The partnership an edition is for: the area's, or the default one when no area is given."""
    return partnership_for_area(area, data_dir) if area else default_partnership(data_dir)


def check_partnership_area(area: str, data_dir: Path | str | None = None) -> Partnership:
    """The partnership configured under id ``area``; ParameterError naming the ids there are."""
    partnership = partnership_for_area(area, data_dir)
    if partnership is None:
        known = ", ".join(sorted(load_partnerships(data_dir))) or "none"
        raise ParameterError(f"no partnership {area!r} in {display_path(partnerships_folder(data_dir))} "
                             f"(partnerships there: {known}); give a partnership's id or an ONS area code")
    return partnership


def reported_catalogues(partnership: Partnership, catalogue, list_catalogue):
    """The indicator and list catalogues cut to what the partnership reports, in catalogue
    order: a partnership is asked only for the figures and lists its file names."""
    return (catalogue[catalogue.index.isin(partnership.indicators)],
            list_catalogue[list_catalogue.index.isin(partnership.lists)])


def edition_data_paths(data_dir: Path | str | None, area: str | None) -> DataPaths:
    """The data paths for an edition of ``area``, with its partnership's folder (the default
    partnership's when no area is given); an area no partnership is configured for gets a
    folder that does not exist, so it has no figures of its own."""
    return partnership_data_paths(data_dir, edition_partnership(area, data_dir))


def partnership_data_paths(data_dir: Path | str | None, partnership: Partnership | None) -> DataPaths:
    """The data paths for an edition of a partnership already read (None: no partnership)."""
    return data_paths(data_dir, partnership.id if partnership else NO_PARTNERSHIP)
