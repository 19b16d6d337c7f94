"""Start a book for a new partnership: ``python -m analysis new-partnership CODE [CODE ...]``.

Writes ``data/partnerships/<id>/partnership.toml`` filled from the national statistics (the
authorities' codes and names, a name and short name worked out from them) and, for a
partnership that supplies its own figures, the return templates for the first edition year.
Nothing is written over: an existing partnership or folder is refused, and a failure part way
removes what this run wrote.
"""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from analysis.config import check_area_code, data_paths, display_path
from analysis.errors import ParameterError
from analysis.inputs.partnership import PARTNERSHIP_FILE, PARTNERSHIP_ID, load_partnerships
from analysis.national.load import check_area, check_local_authority


@dataclass
class NewPartnership:
    folder: Path
    partnership_id: str
    edition_area: str
    templates: object | None  # the NewEdition written, when the partnership supplies figures

    def report(self) -> str:
        lines = [f"Created {display_path(self.folder / PARTNERSHIP_FILE)}: check the name, short name and "
                 "website, and list the lead partners."]
        if self.templates is not None:
            lines.append(self.templates.report())
        lines.append(f"Then build its book: python -m analysis build --area {self.edition_area} --year YEAR")
        return "\n".join(lines)


def partnership_id_from(name: str) -> str:
    """An id from a name: 'Vale of Example and Sample' -> 'vale-of-example-and-sample'."""
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))


def _toml_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def partnership_file_text(*, name: str, short_name: str, codes: list[str], names: list[str],
                          own_figures: bool) -> str:
    """The new partnership.toml, with a comment on every key saying where its value came from."""
    authorities = "\n".join(f"    {_toml_text(code)},  # {area}" for code, area in zip(codes, names))
    return f"""# {name}: who the partnership is and what it reports.
# Every key is explained in data/partnerships/README.md. The build checks this file first.
# Written by `python -m analysis new-partnership` from the national statistics: the name
# and short name are worked out from the authorities' names; change them to the names the
# partnership publishes under.

name = {_toml_text(name)}
short_name = {_toml_text(short_name)}
# The partnership's website, as its reports give it (e.g. "www.example.org.uk").
website = ""

# The local authorities the partnership covers, by ONS code.
local_authorities = [
{authorities}
]

# The partners who jointly lead the partnership (the local authority, the integrated care
# board and the police, and any others it names). Needed before an annual report is built.
lead_partners = []

# true: the partnership supplies its own figures each year, in <year>/ beside this file, and
# its editions are annual reports. false: its editions are statistics profiles.
own_figures = {"true" if own_figures else "false"}

# What the partnership reports: ids from data/reference/sections.csv, indicators.csv and
# lists.csv. Left out, a list means everything in that catalogue.
# sections = ["context", "front_door"]
# indicators = ["children_population", "front_door_referrals"]
# lists = ["lead_partners", "priorities_current"]

# The partnership's own words introducing a section, shown at the top of its page.
[introductions]
# front_door = "The children's front door is ..."
"""


def new_partnership(codes: list[str], *, year: str | None, data_dir: Path | str | None = None,
                    partnership_id: str | None = None, name: str | None = None,
                    own_figures: bool = True) -> NewPartnership:
    """Write a new partnership's file (and its first year's return templates when it supplies
    its own figures); ParameterError before anything is written when an input is wrong."""
    from analysis.inputs.templates import new_edition

    paths = data_paths(data_dir)
    if not codes:
        raise ParameterError("give the ONS code of at least one local authority the partnership covers")
    codes = [check_area_code(code) for code in codes]
    if len(set(codes)) != len(codes):
        raise ParameterError("a local authority is given more than once")
    for code in codes:
        check_local_authority(code, paths.national, paths.reference)  # refuses replaced codes, naming successors
    names = [str(check_area(code, paths.national)["area_name"]) for code in codes]
    if len(codes) > 1 and not partnership_id:
        raise ParameterError("a partnership over several authorities needs an id: give --id, e.g. --id two-boroughs")
    partnership_id = partnership_id or partnership_id_from(names[0])
    if not PARTNERSHIP_ID.match(partnership_id):
        raise ParameterError(f"partnership id {partnership_id!r}: use lower-case letters, digits and hyphens only")
    if own_figures and not year:
        raise ParameterError("give --year for the first edition's return templates (e.g. --year 2025-26)")
    existing = load_partnerships(data_dir)
    for other in existing.values():
        claimed = sorted(set(codes) & set(other.local_authorities))
        if other.id == partnership_id or (len(codes) == 1 and claimed and not other.covers_several_authorities):
            raise ParameterError(
                f"{display_path(other.folder / PARTNERSHIP_FILE)} already configures "
                + (f"{', '.join(claimed)}" if claimed else f"the partnership id {other.id!r}")
                + ": edit that file instead")
    folder = paths.partnerships / partnership_id
    if folder.exists():
        raise ParameterError(f"{display_path(folder)} already exists: new-partnership never writes over a folder")

    short_name = names[0] if len(codes) == 1 else partnership_id.replace("-", " ").title()
    text = partnership_file_text(name=name or f"{short_name} Safeguarding Children Partnership",
                                 short_name=short_name, codes=codes, names=names, own_figures=own_figures)
    folder.mkdir(parents=True)
    try:
        (folder / PARTNERSHIP_FILE).write_text(text, encoding="utf-8")
        load_partnerships(data_dir)  # the file written must read back, checked
        edition_area = codes[0] if len(codes) == 1 else partnership_id
        templates = new_edition(year, data_dir, edition_area) if own_figures else None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return NewPartnership(folder, partnership_id, edition_area, templates)
