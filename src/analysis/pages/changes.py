"""The "What changed since the last edition" page: the methods changelog and each figure's change.

- ``CHANGELOG.md`` (at the project root) records every change of definition or method,
  one section per edition (``## 2025-26 ...``), one bullet per change; a bullet that
  starts with an indicator id in backticks is about that indicator. ``load_changelog``
  parses it.
- ``change_table`` compares each indicator of an edition with the previous edition
  (``data/partnerships/<id>/<previous year>/``).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from analysis.config import CHANGELOG_FILE, display_path
from analysis.periods import ReportYear, previous_expected_period
from analysis.present.wording import describe_change

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


def change_table(partnership, entries: list[ChangelogEntry] | None = None) -> pd.DataFrame:
    """Each indicator's value in the previous edition and in this one, and the change.

    ``partnership`` is this edition's PartnershipData. Rows: every partnership indicator
    with a value in either edition, in catalogue order. The note says when a value is
    approximate, missing from one edition, restated, or when the changelog records a
    change of definition or method for the indicator in this edition.
    """
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
            change = describe_change(old.value, new.value, new.unit, max(old.decimals, new.decimals))
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


def show_change_table(page, table: pd.DataFrame) -> HTML:
    """The change table on the page, with its spreadsheet linked under it (nothing when empty)."""
    if table.empty:
        return HTML("")
    previous_year = ReportYear.parse(page.year).previous().label
    return page.show_table(table.drop(columns=["indicator_id"]),
                           f"Each partnership figure in the previous edition and in {page.year}", name="changes",
                           source=f"the partnership's figures for {page.year} and for {previous_year}")


# --------------------------------------------------------------------------
# The "What changed since the last edition" page
# --------------------------------------------------------------------------


@dataclass
class Changes:
    table: pd.DataFrame
    changelog: list[ChangelogEntry]
    summary: str
    methods: str


def glue_changes(page, *, summary_name: str | None, methods_name: str,
                 changelog_path: Path | str | None = None) -> Changes:
    """Work out the page's comparisons and glue its two sentences on the page, registered with
    their sources: the comparison of figures as ``summary_name`` (None: not glued, for an
    edition without partnership figures), the changes of definition or method as
    ``methods_name``."""
    partnership = page.partnership
    changelog = load_changelog(changelog_path)
    table = change_table(partnership, changelog) if partnership.covers_area else change_table_empty()
    summary = change_summary(partnership, table)
    previous_year = ReportYear.parse(page.year).previous().label
    if summary_name:
        page.glue_text(summary_name, summary, source_kind="derived", period=page.year,
                       source=f"comparison of the partnership figures for {page.year} with those of the "
                              f"previous edition ({display_path(partnership.folder.parent / previous_year)}/), indicator by indicator")
    methods = methods_summary(changelog, page.year)
    page.glue_text(methods_name, methods, source_kind="changelog", period=page.year,
                   source="CHANGELOG.md (the methods changelog)")
    return Changes(table, changelog, summary, methods)


def change_table_empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["indicator_id", "Indicator", "Previous edition", "This edition", "Change", "Note"])
