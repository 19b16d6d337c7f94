"""Small published sites made without building anything, for tests of publishing and indexing."""
from __future__ import annotations

import json
from pathlib import Path

from analysis.assurance.manifest import MANIFEST_NAME


def fake_build(folder: Path, text: str, year: str, area_code: str) -> tuple[Path, Path]:
    """An 'html' folder (index.html and one page, both reading ``text``) and a manifest,
    as a finished build would leave them; returns (html folder, manifest path)."""
    html = Path(folder) / "html"
    (html / "notebooks").mkdir(parents=True)
    (html / "index.html").write_text(text)
    (html / "notebooks" / "page.html").write_text(text)
    manifest = Path(folder) / MANIFEST_NAME
    manifest.write_text(json.dumps({"parameters": {"year": year, "area_code": area_code}}))
    return html, manifest


def published_site(root: Path, year: str, area_code: str) -> Path:
    """A site with one fake edition published and indexed, to check that nothing touches it."""
    from analysis.build.publish import publish
    from analysis.site.index import write_site_index

    site_dir = Path(root) / "site"
    publish(*fake_build(Path(root) / "earlier", "<html><body><main>earlier edition</main></body></html>",
                        year, area_code), site_dir, area_code, year)
    write_site_index(site_dir)
    return site_dir
