"""Is a built book self-contained? Find every resource it would fetch from another site.

The book must open offline, from file:// or a local web server, with no request
leaving the machine: no scripts, styles, fonts, images or frames from a CDN.
``external_resources(folder)`` reads every HTML and CSS file under ``folder``
and lists each reference to another site that a browser would load by itself:

* in HTML: ``<script src>``, ``<link href>`` (stylesheets, preloads, icons,
  fonts: every ``rel`` except plain navigation), ``<img src|srcset>``,
  ``<source>``, ``<iframe>``, ``<video>``, ``<audio>``, ``<embed>``,
  ``<object data>``, inline ``style`` attributes and ``<style>`` blocks, and
  addresses written into inline ``<script>`` code (such as a script loader's
  URL constant);
* in CSS: ``url(...)`` and ``@import``.

Ordinary links (``<a href>``) to other sites are fine: a reader follows them
on purpose. The browser tests check the same thing at run time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_REMOTE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"""['"`]((?:https?:)?//[^'"`\s]+)['"`]""", re.IGNORECASE)
# <link rel=...> values that only describe navigation, never fetched by themselves.
_NAVIGATION_RELS = {"index", "search", "next", "prev", "previous", "canonical", "alternate",
                    "author", "license", "help", "up", "first", "last", "bookmark", "top", "contents"}
_SOURCE_ATTRIBUTES = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}


@dataclass(frozen=True)
class ExternalResource:
    file: str  # relative to the folder searched
    element: str  # e.g. "script src", "link stylesheet", "css url()"
    url: str

    def __str__(self) -> str:
        return f"{self.file}: {self.element} {self.url}"


def _remote(url: str | None) -> bool:
    return bool(url) and bool(_REMOTE.match(url.strip()))


def _css_urls(text: str) -> list[str]:
    return [first or second for first, second in _CSS_URL.findall(text)]


def external_resources_in_html(text: str, name: str = "<html>") -> list[ExternalResource]:
    """External resources referenced by one HTML document."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "lxml")
    found: list[ExternalResource] = []
    for tag, attributes in _SOURCE_ATTRIBUTES.items():
        for element in soup.find_all(tag):
            for attribute in attributes:
                value = element.get(attribute)
                if not value:
                    continue
                candidates = [part.strip().split(" ")[0] for part in value.split(",")] if attribute == "srcset" else [value]
                found += [ExternalResource(name, f"{tag} {attribute}", url) for url in candidates if _remote(url)]
    for element in soup.find_all("link"):
        rels = {rel.lower() for rel in (element.get("rel") or [])}
        if rels and rels <= _NAVIGATION_RELS:
            continue
        if _remote(element.get("href")):
            found.append(ExternalResource(name, f"link {' '.join(sorted(rels)) or 'href'}", element["href"]))
    for element in soup.find_all("style"):
        found += [ExternalResource(name, "style url()", url) for url in _css_urls(element.get_text()) if _remote(url)]
    for element in soup.find_all(style=True):
        found += [ExternalResource(name, "style attribute url()", url)
                  for url in _css_urls(element["style"]) if _remote(url)]
    for element in soup.find_all("script"):
        if element.get("src"):
            continue
        body = element.get_text()
        found += [ExternalResource(name, "address in inline script", url) for url in _SCRIPT_URL.findall(body)
                  if not url.lower().startswith(("http://www.w3.org/", "https://www.w3.org/"))]
    return found


def external_resources_in_css(text: str, name: str = "<css>") -> list[ExternalResource]:
    """External resources referenced by one stylesheet."""
    return [ExternalResource(name, "css url()", url) for url in _css_urls(text) if _remote(url)]


def external_resources(folder: Path) -> list[ExternalResource]:
    """Every external resource referenced by the HTML and CSS files under ``folder``."""
    folder = Path(folder)
    found: list[ExternalResource] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in (".html", ".htm", ".css"):
            continue
        name = path.relative_to(folder).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix.lower() == ".css":
            found += external_resources_in_css(text, name)
        else:
            found += external_resources_in_html(text, name)
    return found
