"""Editions: the methods changelog, year-on-year changes, and marking published pages.

Three jobs, all about one edition's place among the others:

- ``CHANGELOG.md`` (at the project root) records every change of definition or method,
  one section per edition (``## 2025-26 ...``), one bullet per change; a bullet that
  starts with an indicator id in backticks is about that indicator. ``load_changelog``
  parses it for the "What changed since the last edition" page.
- ``change_table`` compares each indicator of an edition with the previous edition
  (``data/partnership/<previous year>/``), for that page.
- ``stamp_area`` post-processes the published HTML of every edition of an area after
  each publish: each page gets its edition and a version stamp (edition, build date,
  code version, data fingerprint), an edition switcher (``<nav aria-label="Editions">``,
  links to the same page in the other editions), and, on an older edition, a banner
  (``role="note"``) linking to the latest. Everything inserted sits between two HTML
  comments, so re-stamping replaces it and removing it gives back the page exactly as
  Jupyter Book wrote it. No external requests: the styles are inline.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.formatting import format_change, format_number
from analysis.params import ReportYear

CHANGELOG_FILE = paths.PROJECT_ROOT / "CHANGELOG.md"

STAMP_START = "<!-- analysis-edition:start -->"
STAMP_END = "<!-- analysis-edition:end -->"
STYLE_START = "<!-- analysis-edition-style:start -->"
STYLE_END = "<!-- analysis-edition-style:end -->"
_STAMPS = re.compile(
    "(?:" + re.escape(STAMP_START) + ".*?" + re.escape(STAMP_END) + "|"
    + re.escape(STYLE_START) + ".*?" + re.escape(STYLE_END) + ")",
    re.DOTALL,
)
_YEAR = re.compile(r"^\d{4}-\d{2}$")
_AREA = re.compile(r"^E\d{8}$")
# Where the block goes: just before the page's article (Jupyter Book's theme), else at
# the start of <main>, else at the start of <body>.
_ANCHORS = (
    re.compile(r'<article class="bd-article"[^>]*>'),
    re.compile(r"<main\b[^>]*>"),
    re.compile(r"<body\b[^>]*>"),
)


# --------------------------------------------------------------------------
# The methods changelog
# --------------------------------------------------------------------------


@dataclass
class Change:
    text: str  # Markdown, as written
    indicator_ids: list[str] = field(default_factory=list)  # ids in backticks at its start


@dataclass
class ChangelogEntry:
    year: str
    title: str
    line: int
    intro: str = ""
    changes: list[Change] = field(default_factory=list)


class ChangelogError(ValueError):
    """CHANGELOG.md is not in the expected form; the message names the line."""


def parse_changelog(text: str, file: str = "CHANGELOG.md") -> list[ChangelogEntry]:
    """The entries of a methods changelog, in file order.

    An entry starts with a level-two heading naming an edition year (``## 2025-26``,
    optionally followed by a title: ``## 2025-26 — second edition``). Its bullets (``- ``)
    are the changes; indented lines continue a bullet. Other text under the heading is
    the entry's introduction. Text before the first entry is ignored.
    """
    entries: list[ChangelogEntry] = []
    current: ChangelogEntry | None = None
    years: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        heading = re.match(r"^##\s+(\S+)\s*(.*)$", line)
        if heading and not line.startswith("###"):
            year = heading.group(1)
            try:
                year = ReportYear.parse(year).label
            except ValueError as error:
                raise ChangelogError(f"{file}, line {number}: a section heading must name an edition year: {error}")
            if year in years:
                raise ChangelogError(f"{file}, line {number}: {year} has two sections")
            years.add(year)
            title = heading.group(2).strip().lstrip("—–-:").strip()
            current = ChangelogEntry(year, title, number)
            entries.append(current)
            continue
        if current is None:
            continue
        bullet = re.match(r"^[-*]\s+(.*)$", line)
        if bullet:
            current.changes.append(Change(bullet.group(1).strip()))
        elif line.startswith((" ", "\t")) and line.strip() and current.changes:
            current.changes[-1].text += " " + line.strip()
        elif line.strip():
            current.intro = (current.intro + " " + line.strip()).strip()
    for entry in entries:
        for change in entry.changes:
            lead = re.match(r"^((?:`[^`]+`\s*(?:,|and)?\s*)+)", change.text)
            if lead:
                change.indicator_ids = re.findall(r"`([^`]+)`", lead.group(1))
    return entries


def load_changelog(path: Path | str | None = None) -> list[ChangelogEntry]:
    path = Path(path) if path else CHANGELOG_FILE
    if not path.exists():
        return []
    return parse_changelog(path.read_text(encoding="utf-8"), path.name)


def entries_up_to(entries: list[ChangelogEntry], year: str) -> list[ChangelogEntry]:
    """The entries of an edition and the editions before it, latest first (an older
    edition rebuilt later does not list changes made after it)."""
    return sorted((e for e in entries if e.year <= year), key=lambda e: e.year, reverse=True)


def _inline_markdown(text: str) -> str:
    """Escape text, keeping `code` and **bold** as HTML (all the changelog uses)."""
    escaped = html.escape(text)
    # Explicit colours: notebook outputs sit on a white panel in the dark theme too, where
    # the theme's pink code colour would be unreadable.
    escaped = re.sub(r"`([^`]+)`", r'<code style="color:#0b0c0c;background:#f3f4f5">\1</code>', escaped)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)


def changelog_html(entries: list[ChangelogEntry], year: str) -> str:
    """The changelog up to ``year`` as HTML (latest edition first)."""
    shown = entries_up_to(entries, year)
    if not shown:
        return "<p>The methods changelog has no entries yet.</p>"
    parts = ['<div class="methods-changelog">']
    for entry in shown:
        heading = entry.year + (f": {entry.title}" if entry.title else "")
        parts.append(f"<p><strong>{html.escape(heading)}</strong></p>")
        if entry.intro:
            parts.append(f"<p>{_inline_markdown(entry.intro)}</p>")
        if entry.changes:
            parts.append("<ul>" + "".join(f"<li>{_inline_markdown(c.text)}</li>" for c in entry.changes) + "</ul>")
    parts.append("</div>")
    return "".join(parts)


def methods_summary(entries: list[ChangelogEntry], year: str) -> str:
    """One sentence on changes of definition or method in this edition."""
    own = next((e for e in entries if e.year == year), None)
    if own is None or not own.changes:
        return (f"The methods changelog records no change of definition or method for {year}; "
                "the full changelog is below.")
    if not any(e.year < year for e in entries):
        return (f"The methods changelog starts with this edition ({year}): its entry below sets out "
                "how the first edition was made.")
    count = len(own.changes)
    return (f"The methods changelog records {count} change{'s' if count != 1 else ''} of definition or "
            f"method for {year}, listed below with those of earlier editions.")


# --------------------------------------------------------------------------
# Year-on-year changes
# --------------------------------------------------------------------------


def _points(old: float, new: float, decimals: int) -> str:
    difference = new - old
    if round(abs(difference), decimals) == 0:
        return "unchanged"
    size = format_number(abs(difference), decimals)
    return f"{'up' if difference > 0 else 'down'} {size} percentage point{'' if size == '1' else 's'}"


def describe_change(old, new) -> str:
    """How an indicator moved between two editions, in words.

    Percentages (and percentage changes) move in percentage points; counts and rates by
    the difference and the percentage change ('up 412 (4.8%)').
    """
    decimals = max(old.decimals, new.decimals)
    if new.unit in ("percentage", "percentage_change"):
        return _points(old.value, new.value, decimals)
    difference = new.value - old.value
    if round(abs(difference), decimals) == 0:
        return "unchanged"
    relative = format_change(old.value, new.value)
    size = format_number(abs(difference), decimals)
    if relative.startswith(("up ", "down ")):
        return f"{'up' if difference > 0 else 'down'} {size} ({relative.split(' ', 1)[1]})"
    return f"{'up' if difference > 0 else 'down'} {size}"


def change_table(partnership, entries: list[ChangelogEntry] | None = None) -> pd.DataFrame:
    """Each indicator's value in the previous edition and in this one, and the change.

    ``partnership`` is this edition's PartnershipData. Rows: every partnership indicator
    with a value in either edition, in catalogue order. The note says when a value is
    approximate, missing from one edition, restated, or when the changelog records a
    change of definition or method for the indicator in this edition.
    """
    from analysis.returns import previous_expected_period

    entries = entries if entries is not None else load_changelog()
    own_entry = next((e for e in entries if e.year == partnership.year), None)
    method_notes: dict[str, list[str]] = {}
    for change in (own_entry.changes if own_entry else []):
        for indicator_id in change.indicator_ids:
            text = re.sub(r"^(?:`[^`]+`\s*(?:,|and)?\s*)+[:\-–—]?\s*", "", change.text)
            method_notes.setdefault(indicator_id, []).append(re.sub(r"`([^`]+)`", r"\1", text))
    rows = []
    if partnership.previous_edition is None:
        return change_table_empty()
    catalogue = partnership.catalogue
    for indicator in catalogue.itertuples():
        if indicator.source_type != "partnership":
            continue
        new = partnership.figure(indicator.indicator_id, partnership.expected_period(indicator.indicator_id))
        old = partnership.previous_figure(indicator.indicator_id)
        if new is None and old is None:
            continue
        notes = []
        if new is not None and old is not None:
            change = describe_change(old, new)
            if old.qualifier or new.qualifier:
                notes.append("approximate: at least one value is rounded")
        elif new is None:
            change = "not supplied in this edition"
        else:
            change = "new in this edition"
        restated_period = previous_expected_period(indicator.period_type, partnership.year)
        restated = partnership._row(indicator.indicator_id, restated_period)
        if restated is not None and old is not None and float(restated["value"]) != old.value:
            notes.append(f"this edition restates {restated_period} as {restated['value']}")
        notes += method_notes.get(indicator.indicator_id, [])
        rows.append({
            "indicator_id": indicator.indicator_id,
            "Indicator": indicator.title,
            "Previous edition": f"{old.text} ({old.period})" if old else "not supplied",
            "This edition": f"{new.text} ({new.period})" if new else "not supplied",
            "Change": change,
            "Note": "; ".join(notes),
        })
    return pd.DataFrame(rows, columns=["indicator_id", "Indicator", "Previous edition", "This edition", "Change", "Note"])


def change_summary(partnership, table: pd.DataFrame | None = None) -> str:
    """One plain sentence: what this edition is compared with, or why it is not."""
    year = partnership.year
    previous_year = ReportYear.parse(year).previous().label
    if not partnership.covers_area:
        return ("The partnership's own figures are not available for this area, so there are no "
                "figures to compare between editions.")
    if partnership.previous_edition is None:
        return (f"There is no previous edition to compare with: this edition ({year}) is the first, as there "
                f"are no partnership figures for {previous_year}. The next edition will list here how each "
                "figure changed.")
    table = table if table is not None else change_table(partnership)
    both = table[~table["Change"].isin(["not supplied in this edition", "new in this edition"])]
    up = int(both["Change"].str.startswith("up").sum())
    down = int(both["Change"].str.startswith("down").sum())
    same = int((both["Change"] == "unchanged").sum())
    missing = int((table["Change"] == "not supplied in this edition").sum())
    new = int((table["Change"] == "new in this edition").sum())
    text = (f"This edition ({year}) is compared with the previous edition ({previous_year}). "
            f"Of the {len(both)} figures given in both, {up} went up, {down} went down and {same} "
            f"{'was' if same == 1 else 'were'} unchanged.")
    if missing:
        text += f" {missing} figure{'s' if missing != 1 else ''} of the previous edition {'are' if missing != 1 else 'is'} not supplied in this one."
    if new:
        text += f" {new} figure{'s are' if new != 1 else ' is'} new in this edition."
    return text


def change_table_html(table: pd.DataFrame, year: str) -> str:
    from analysis.tables import table_html

    if table.empty:
        return ""
    shown = table.drop(columns=["indicator_id"])
    return ('<div class="table-wrapper">'
            + table_html(shown, f"Each partnership figure in the previous edition and in {year}") + "</div>")


# --------------------------------------------------------------------------
# Stamping the published editions
# --------------------------------------------------------------------------


@dataclass
class PublishedEdition:
    area_code: str
    year: str
    folder: Path
    build_date: str
    code_version: str
    data_fingerprint: str


def data_fingerprint(manifest: dict) -> str:
    """A short hash of the edition's input files (path and sha256 of each, from the manifest)."""
    files = (manifest.get("inputs") or {}).get("files") or []
    if not files:
        return "unknown"
    lines = sorted(f"{item.get('path')} {item.get('sha256')}" for item in files)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:12]


def code_version(manifest: dict) -> str:
    """The git commit (short) that built the edition, with '-dirty' when the working tree
    had uncommitted changes; 'unknown' when git was not available."""
    git = manifest.get("git") or manifest.get("code") or {}
    commit = git.get("commit")
    if not commit:
        return "unknown"
    return commit[:7] + ("-dirty" if git.get("dirty") else "")


def published_editions(site_dir: Path, area_code: str) -> list[PublishedEdition]:
    """The area's published editions, oldest first."""
    area_dir = Path(site_dir) / area_code
    found = []
    if not area_dir.is_dir():
        return found
    for folder in sorted(area_dir.iterdir()):
        if not folder.is_dir() or not _YEAR.match(folder.name) or not (folder / "index.html").is_file():
            continue
        manifest = {}
        if (folder / "manifest.json").is_file():
            try:
                manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                manifest = {}
        found.append(PublishedEdition(
            area_code=area_code,
            year=folder.name,
            folder=folder,
            build_date=str(manifest.get("build_started_utc") or "")[:10] or "unknown",
            code_version=code_version(manifest),
            data_fingerprint=data_fingerprint(manifest),
        ))
    return sorted(found, key=lambda edition: edition.year)


def strip_stamps(text: str) -> str:
    """A page without what stamp_area inserted: exactly as Jupyter Book wrote it."""
    return _STAMPS.sub("", text)


_STYLE = (
    STYLE_START
    + "<style>"
    # Own colours whatever the theme (light or dark): dark text on a white panel, as the
    # Analysis Function palette asks; code spans too (the dark theme colours them pink).
    "div.analysis-edition{margin:0 0 1.5rem;padding:.5rem .75rem;border-radius:.25rem;font-size:.95rem;"
    "color:#0b0c0c;background:#ffffff}"
    "div.analysis-edition code{color:#0b0c0c !important;background:#f3f4f5 !important;border:0}"
    "div.analysis-edition span,div.analysis-edition p{color:#0b0c0c}"
    ".analysis-edition-banner{border-left:6px solid #F46A25;background:#FFF4EC;padding:.75rem 1rem;margin-bottom:.75rem}"
    ".analysis-edition-banner p{margin:0}"
    ".analysis-edition-switcher{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:baseline}"
    ".analysis-edition-switcher ul{display:flex;flex-wrap:wrap;gap:.25rem .75rem;list-style:none;margin:0;padding:0}"
    "div.analysis-edition a{color:#12436D !important;text-decoration:underline}"
    ".analysis-edition a:focus{outline:3px solid #12436D;background:#BFBFBF}"
    ".analysis-edition a[aria-current=page]{font-weight:bold;text-decoration:none}"
    "div.analysis-edition p.analysis-edition-stamp{color:#3D3D3D;font-size:.85rem;margin:.25rem 0 0}"
    "@media print{.analysis-edition-switcher{display:none}}"
    "</style>"
    + STYLE_END
)


def render_stamp(edition: PublishedEdition, page: str, editions: list[PublishedEdition]) -> str:
    """The block inserted into one page (``page``: its path inside the edition)."""
    escape = html.escape
    latest = editions[-1]
    depth = page.count("/")
    up = "../" * depth  # from the page to its edition's folder
    parts = [STAMP_START, f'<div class="analysis-edition" data-edition="{escape(edition.year)}">']
    if edition.year != latest.year:
        target = page if (latest.folder / page).is_file() else "index.html"
        parts.append(
            '<div class="analysis-edition-banner" role="note"><p>'
            f"<strong>This is an earlier edition: {escape(edition.year)}.</strong> "
            f'The latest edition is <a href="{escape(up + "../" + latest.year + "/" + target, quote=True)}">'
            f"{escape(latest.year)}</a>. The figures here are as published for {escape(edition.year)}.</p></div>"
        )
    items = []
    for other in reversed(editions):
        label = other.year + (" (latest)" if other.year == latest.year else "")
        if other.year == edition.year:
            href = up + page
            items.append(f'<li><a href="{escape(href, quote=True)}" aria-current="page">{escape(label)}</a></li>')
            continue
        exists = (other.folder / page).is_file()
        href = up + "../" + other.year + "/" + (page if exists else "index.html")
        suffix = "" if exists else " (this page is not in that edition: its first page)"
        items.append(f'<li><a href="{escape(href, quote=True)}">{escape(label)}</a>{escape(suffix)}</li>')
    parts.append(
        '<nav class="analysis-edition-switcher" aria-label="Editions">'
        f"<span>Edition {escape(edition.year)}. All editions of this page:</span>"
        f"<ul>{''.join(items)}</ul>"
        f'<a href="{escape(up + "../../index.html", quote=True)}">List of all editions</a></nav>'
    )
    parts.append(
        '<p class="analysis-edition-stamp">Version: '
        f"edition <span data-stamp=\"edition\">{escape(edition.year)}</span>; "
        f"built <span data-stamp=\"built\">{escape(edition.build_date)}</span>; "
        f"code <code data-stamp=\"code\">{escape(edition.code_version)}</code>; "
        f"data fingerprint <code data-stamp=\"data\">{escape(edition.data_fingerprint)}</code>"
        " (a short hash of the input files listed in the edition's manifest.json).</p>"
    )
    parts.append("</div>")
    parts.append(STAMP_END)
    return "".join(parts)


def stamp_page(text: str, block: str) -> str | None:
    """The page with the block (and the styles) inserted; None when it is not a book page."""
    clean = strip_stamps(text)
    if 'http-equiv="Refresh"' in clean and "<body" not in clean:
        return None  # Jupyter Book's redirect index.html
    for anchor in _ANCHORS:
        match = anchor.search(clean)
        if match:
            break
    else:
        return None
    position = match.start() if anchor is _ANCHORS[0] else match.end()
    stamped = clean[:position] + block + clean[position:]
    head_end = stamped.find("</head>")
    if head_end != -1:
        stamped = stamped[:head_end] + _STYLE + stamped[head_end:]
    return stamped


def _pages(folder: Path) -> list[Path]:
    pages = []
    for path in sorted(folder.rglob("*.html")):
        relative = path.relative_to(folder)
        if any(part.startswith(("_", ".")) for part in relative.parts[:-1]):
            continue  # _static (theme templates), _sources, _images, ...
        pages.append(path)
    return pages


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.stamping")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def stamp_edition(edition: PublishedEdition, editions: list[PublishedEdition]) -> int:
    """Stamp every page of one edition; return how many pages changed."""
    changed = 0
    for path in _pages(edition.folder):
        page = path.relative_to(edition.folder).as_posix()
        text = path.read_text(encoding="utf-8")
        stamped = stamp_page(text, render_stamp(edition, page, editions))
        if stamped is not None and stamped != text:
            _write_atomically(path, stamped)
            changed += 1
    return changed


def stamp_area(site_dir: Path, area_code: str) -> list[PublishedEdition]:
    """(Re)stamp every page of every published edition of an area; return the editions."""
    if not _AREA.match(area_code):
        return []
    editions = published_editions(site_dir, area_code)
    for edition in editions:
        stamp_edition(edition, editions)
    return editions


# --------------------------------------------------------------------------
# The "What changed since the last edition" page
# --------------------------------------------------------------------------


@dataclass
class Changes:
    table: pd.DataFrame
    changelog: list[ChangelogEntry]
    summary: str
    methods: str


def glue_changes(page, changelog_path: Path | str | None = None) -> Changes:
    """Work out the page's comparisons and glue its two sentences (``changes_summary``,
    ``changes_methods_summary``) on the page, registered with their sources."""
    partnership = page.partnership
    changelog = load_changelog(changelog_path)
    table = change_table(partnership, changelog) if partnership.covers_area else change_table_empty()
    summary = change_summary(partnership, table)
    previous_year = ReportYear.parse(page.year).previous().label
    page.glue_text("changes_summary", summary, source_kind="derived", period=page.year,
                   source=f"comparison of the partnership figures for {page.year} with those of the "
                          f"previous edition (data/partnership/{previous_year}/), indicator by indicator")
    methods = methods_summary(changelog, page.year)
    page.glue_text("changes_methods_summary", methods, source_kind="changelog", period=page.year,
                   source="CHANGELOG.md (the methods changelog)")
    return Changes(table, changelog, summary, methods)


def change_table_empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["indicator_id", "Indicator", "Previous edition", "This edition", "Change", "Note"])
