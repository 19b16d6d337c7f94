"""The check that a built book loads nothing from other sites (tests/support/offline.py)."""
from __future__ import annotations

from support.offline import external_resources, external_resources_in_css, external_resources_in_html


def test_external_resource_check_finds_cdn_references():
    page = """<html><head>
      <script src="https://unpkg.com/thebe@0.8.2/lib/index.js"></script>
      <script>const THEBE_JS_URL = "https://unpkg.com/thebe@0.8.2/lib/index.js"</script>
      <link rel="stylesheet" href="//fonts.googleapis.com/css?family=Lato">
      <link rel="next" href="https://example.org/next.html">
      <link rel="stylesheet" href="_static/local.css">
      <style>@import "https://cdn.example.org/a.css";</style>
    </head><body style="background: url(https://cdn.example.org/b.png)">
      <img src="data:image/png;base64,AAAA" alt="x">
      <img srcset="local.png 1x, https://cdn.example.org/c.png 2x" alt="y">
      <a href="https://www.gov.uk/">an ordinary link is fine</a>
      <svg xmlns="http://www.w3.org/2000/svg"></svg>
    </body></html>"""
    found = {(item.element, item.url) for item in external_resources_in_html(page, "page.html")}
    assert found == {
        ("script src", "https://unpkg.com/thebe@0.8.2/lib/index.js"),
        ("address in inline script", "https://unpkg.com/thebe@0.8.2/lib/index.js"),
        ("link stylesheet", "//fonts.googleapis.com/css?family=Lato"),
        ("style url()", "https://cdn.example.org/a.css"),
        ("style attribute url()", "https://cdn.example.org/b.png"),
        ("img srcset", "https://cdn.example.org/c.png"),
    }
    css = '@font-face { src: url("https://fonts.gstatic.com/x.woff2") } .a { background: url(../img/a.png) }'
    assert [item.url for item in external_resources_in_css(css)] == ["https://fonts.gstatic.com/x.woff2"]


def test_a_folder_is_searched_in_html_and_css_files_only(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "theme.css").write_text('@import "https://cdn.example.org/theme.css";')
    (tmp_path / "_static" / "vendor.js").write_text('load("https://cdn.example.org/not-a-page.js")')
    (tmp_path / "page.html").write_text('<script src="https://cdn.example.org/x.js"></script>')
    found = [str(item) for item in external_resources(tmp_path)]
    assert found == ["_static/theme.css: css url() https://cdn.example.org/theme.css",
                     "page.html: script src https://cdn.example.org/x.js"]
