"""The site index: one page listing every published edition.

The site folder holds one folder per edition, ``<area_code>/<year>/``, each
with the built book and its ``manifest.json``. The index is regenerated from
what is actually published, so it always matches the folders: ``index.html``
(a small accessible page) and ``editions.json`` (the same list as data).
"""
from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from analysis.config import is_edition_area
from analysis.files import write_atomically
from analysis.site.stamp import published_editions

INDEX_NAME = "index.html"
EDITIONS_NAME = "editions.json"
DEFAULT_SITE_TITLE = "Safeguarding children partnership annual reports: analysis books"



@dataclass(frozen=True)
class Edition:
    area_code: str
    area_name: str
    year: str
    href: str  # relative to the site folder, "<area code>/<year>/index.html"
    title: str | None = None
    build_started_utc: str | None = None
    git_commit: str | None = None
    code_version: str | None = None  # short commit, '-dirty' when built from uncommitted changes
    data_fingerprint: str | None = None  # short hash of the input files' sha256 (manifest)
    latest: bool = False  # the latest edition of its area

    @property
    def label(self) -> str:
        return f"{self.area_name} {self.year}"

    @property
    def heading(self) -> str:
        """What the edition is, as its own title says: a partnership's annual report or an
        area's statistics profile ('<area> <year>' for an edition without a title)."""
        return self.title or self.label


def find_editions(site_dir: Path) -> list[Edition]:
    """Every published edition under ``site_dir``, latest year first.

    The area name and title come from the edition's manifest when it has one
    (``parameters.area_name``); otherwise the area code stands in for the name.
    """
    site_dir = Path(site_dir)
    editions: list[Edition] = []
    if not site_dir.is_dir():
        return editions
    for area_folder in sorted(site_dir.iterdir()):
        if not area_folder.is_dir() or not is_edition_area(area_folder.name):
            continue
        published = published_editions(site_dir, area_folder.name)
        for edition in published:
            manifest = edition.manifest
            parameters = manifest.get("parameters") or {}
            editions.append(
                Edition(
                    area_code=edition.area_code,
                    area_name=str(parameters.get("area_name") or edition.area_code),
                    year=edition.year,
                    href=f"{edition.area_code}/{edition.year}/{INDEX_NAME}",
                    title=manifest.get("title"),
                    build_started_utc=manifest.get("build_started_utc"),
                    git_commit=(manifest.get("git") or {}).get("commit"),
                    code_version=edition.code_version if manifest else None,
                    data_fingerprint=edition.data_fingerprint if manifest else None,
                    latest=edition is published[-1],
                )
            )
    # Latest year first; within a year, by area name.
    editions.sort(key=lambda edition: (edition.area_name.casefold(), edition.area_code))
    editions.sort(key=lambda edition: edition.year, reverse=True)
    return editions


def render_index(editions: list[Edition], title: str = DEFAULT_SITE_TITLE) -> str:
    """The index page as a string: lang="en", a title, one h1 and a list."""
    escape = html.escape
    if editions:
        items = []
        for edition in editions:
            detail = []
            if edition.build_started_utc:
                detail.append(f"built {escape(edition.build_started_utc[:10])}")
            if edition.git_commit:
                detail.append(f"commit {escape(edition.git_commit[:12])}")
            if edition.data_fingerprint and edition.data_fingerprint != "unknown":
                detail.append(f"data {escape(edition.data_fingerprint)}")
            suffix = f' <span class="detail">({", ".join(detail)})</span>' if detail else ""
            latest = " <strong>(latest)</strong>" if edition.latest else ""
            items.append(
                f'      <li><a href="{escape(edition.href, quote=True)}">'
                f"{escape(edition.heading)}</a>{latest}{suffix}</li>"
            )
        body = (
            "    <p>Each edition is a separate book, built from that year's figures. "
            "Latest year first.</p>\n"
            '    <ul class="editions">\n' + "\n".join(items) + "\n    </ul>"
        )
    else:
        body = "    <p>No editions have been published yet.</p>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(title)}</title>
  <style>
    body {{ font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #0b0c0c;
           line-height: 1.5; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; }}
    a {{ color: #12436D; }}
    a:focus {{ outline: 3px solid #12436D; background: #BFBFBF; }}
    .editions li {{ margin: 0.5rem 0; font-size: 1.15rem; }}
    .detail {{ color: #3D3D3D; font-size: 0.9rem; }}
  </style>
</head>
<body>
  <main>
    <h1>{escape(title)}</h1>
{body}
  </main>
</body>
</html>
"""


def write_site_index(site_dir: Path, title: str = DEFAULT_SITE_TITLE) -> list[Edition]:
    """(Re)write ``site_dir/index.html`` and ``site_dir/editions.json``; return the editions."""
    site_dir = Path(site_dir)
    site_dir.mkdir(parents=True, exist_ok=True)
    editions = find_editions(site_dir)
    write_atomically(site_dir / INDEX_NAME, render_index(editions, title))
    data = {"title": title, "editions": [asdict(edition) for edition in editions]}
    write_atomically(
        site_dir / EDITIONS_NAME, json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    )
    return editions
