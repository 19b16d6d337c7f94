"""The site index: one page listing every published edition.

The site folder holds one folder per edition, ``<area_code>/<year>/``, each
with the built book and its ``manifest.json``. The index is regenerated from
what is actually published, so it always matches the folders: ``index.html``
(a small accessible page) and ``editions.json`` (the same list as data).
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from analysis.manifest import MANIFEST_NAME, load_manifest

INDEX_NAME = "index.html"
EDITIONS_NAME = "editions.json"
DEFAULT_SITE_TITLE = "Safeguarding children partnership annual reports: analysis books"

_AREA_PATTERN = re.compile(r"^E\d{8}$")
_YEAR_PATTERN = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True)
class Edition:
    area_code: str
    area_name: str
    year: str
    href: str  # relative to the site folder, e.g. "E09000007/2024-25/index.html"
    title: str | None = None
    build_started_utc: str | None = None
    git_commit: str | None = None
    code_version: str | None = None  # short commit, '-dirty' when built from uncommitted changes
    data_fingerprint: str | None = None  # short hash of the input files' sha256 (manifest)
    latest: bool = False  # the latest edition of its area

    @property
    def label(self) -> str:
        return f"{self.area_name} {self.year}"


def find_editions(site_dir: Path) -> list[Edition]:
    """Every published edition under ``site_dir``, latest year first.

    An edition is a folder ``<area_code>/<year>/`` holding ``index.html``.
    Hidden folders (the runner's temporary swap folders) are ignored. The area
    name and title come from the edition's manifest when it has one
    (``parameters.area_name``); otherwise the area code stands in for the name.
    """
    site_dir = Path(site_dir)
    from analysis import editions as editions_module

    editions: list[Edition] = []
    if not site_dir.is_dir():
        return editions
    for area_folder in sorted(site_dir.iterdir()):
        if not area_folder.is_dir() or not _AREA_PATTERN.match(area_folder.name):
            continue
        for year_folder in sorted(area_folder.iterdir()):
            if not year_folder.is_dir() or not _YEAR_PATTERN.match(year_folder.name):
                continue
            if not (year_folder / INDEX_NAME).is_file():
                continue
            area_name = area_folder.name
            title = started = commit = code = fingerprint = None
            if (year_folder / MANIFEST_NAME).is_file():
                try:
                    manifest = load_manifest(year_folder)
                except (OSError, ValueError):
                    manifest = None
                if manifest:
                    parameters = manifest.get("parameters", {})
                    area_name = parameters.get("area_name") or area_name
                    title = manifest.get("title")
                    started = manifest.get("build_started_utc")
                    commit = (manifest.get("git") or {}).get("commit")
                    code = editions_module.code_version(manifest)
                    fingerprint = editions_module.data_fingerprint(manifest)
            editions.append(
                Edition(
                    area_code=area_folder.name,
                    area_name=str(area_name),
                    year=year_folder.name,
                    href=f"{area_folder.name}/{year_folder.name}/{INDEX_NAME}",
                    title=title,
                    build_started_utc=started,
                    git_commit=commit,
                    code_version=code,
                    data_fingerprint=fingerprint,
                )
            )
    latest_years: dict[str, str] = {}
    for edition in editions:
        latest_years[edition.area_code] = max(latest_years.get(edition.area_code, ""), edition.year)
    editions = [replace(e, latest=e.year == latest_years[e.area_code]) for e in editions]
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
                f"{escape(edition.area_name)}: annual report {escape(edition.year)}</a>{latest}{suffix}</li>"
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


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def write_site_index(site_dir: Path, title: str = DEFAULT_SITE_TITLE) -> list[Edition]:
    """(Re)write ``site_dir/index.html`` and ``site_dir/editions.json``; return the editions."""
    site_dir = Path(site_dir)
    site_dir.mkdir(parents=True, exist_ok=True)
    editions = find_editions(site_dir)
    _write_atomically(site_dir / INDEX_NAME, render_index(editions, title))
    data = {"title": title, "editions": [asdict(edition) for edition in editions]}
    _write_atomically(
        site_dir / EDITIONS_NAME, json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    )
    return editions
