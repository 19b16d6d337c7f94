"""The edition stamp: each published page's edition, version and links to the other editions.

After each publish, ``stamp_area`` marks every page of every edition of an area: its
edition and a version stamp (edition, build date, code version, data fingerprint), an
edition switcher (``<nav aria-label="Editions">``, links to the same page in the other
editions), and, on an older edition, a banner (``role="note"``) linking to the latest.
Everything inserted sits between two HTML comments, so re-stamping replaces it and
removing it gives back the page exactly as Jupyter Book wrote it. This is the only
change ever made to a page after Jupyter Book writes it. No external requests: the
styles are inline.
"""
from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis.config import is_edition_area
from analysis.files import write_atomically
from analysis.periods import YEAR_PATTERN

STAMP_START = "<!-- analysis-edition:start -->"
STAMP_END = "<!-- analysis-edition:end -->"
STYLE_START = "<!-- analysis-edition-style:start -->"
STYLE_END = "<!-- analysis-edition-style:end -->"
_STAMPS = re.compile(
    "(?:" + re.escape(STAMP_START) + ".*?" + re.escape(STAMP_END) + "|"
    + re.escape(STYLE_START) + ".*?" + re.escape(STYLE_END) + ")",
    re.DOTALL,
)
# Where the block goes: just before the page's article (Jupyter Book's theme), else at
# the start of <main>, else at the start of <body>.
_ANCHORS = (
    re.compile(r'<article class="bd-article"[^>]*>'),
    re.compile(r"<main\b[^>]*>"),
    re.compile(r"<body\b[^>]*>"),
)


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
    manifest: dict = field(default_factory=dict, repr=False)  # the edition's manifest.json ({} if unreadable)


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
    """The area's published editions, oldest first: each folder ``<site>/<area>/<year>/``
    holding an ``index.html``. Hidden folders (the publisher's swap folders) are ignored."""
    area_dir = Path(site_dir) / area_code
    found = []
    if not area_dir.is_dir():
        return found
    for folder in sorted(area_dir.iterdir()):
        if not folder.is_dir() or not YEAR_PATTERN.match(folder.name) or not (folder / "index.html").is_file():
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
            manifest=manifest,
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


def stamp_edition(edition: PublishedEdition, editions: list[PublishedEdition]) -> int:
    """Stamp every page of one edition; return how many pages changed."""
    changed = 0
    for path in _pages(edition.folder):
        page = path.relative_to(edition.folder).as_posix()
        text = path.read_text(encoding="utf-8")
        stamped = stamp_page(text, render_stamp(edition, page, editions))
        if stamped is not None and stamped != text:
            write_atomically(path, stamped)
            changed += 1
    return changed


def stamp_area(site_dir: Path, area_code: str) -> list[PublishedEdition]:
    """(Re)stamp every page of every published edition of an area; return the editions."""
    if not is_edition_area(area_code):
        return []
    editions = published_editions(site_dir, area_code)
    for edition in editions:
        stamp_edition(edition, editions)
    return editions


