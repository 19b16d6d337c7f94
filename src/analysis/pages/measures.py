"""Which national measures a section notebook shows with a change on the year before, read from
its code: the measures named in its ``.summary([...])`` and ``.trend("...")`` calls.

The build reads them from each notebook of the edition before the pages run, and records them in
the edition's facts (``edition.json`` in the stage), so the Methods page, which counts the tests
the edition makes, depends on these lists only, not on every word of every notebook.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

# The calls of a section notebook that show a national measure's change on the year before:
# the comparison table (summary, its notes under the table) and the trend chart's headline.
_SUMMARY_CALL = re.compile(r"\.summary\(\s*\[([^\]]*)\]")
_TREND_CALL = re.compile(r"\.trend\(\s*[\"']([a-z0-9_]+)[\"']")
_QUOTED = re.compile(r"[\"']([a-z0-9_]+)[\"']")


def notebook_code(notebook: Path) -> str:
    """Every code cell of a notebook, in order."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def measures_on_pages(code: str) -> list[str]:
    """The national measures a section notebook's code shows with a change on the year before:
    those named in its ``.summary([...])`` and ``.trend("...")`` calls, in order, once each."""
    found = [name for call in _SUMMARY_CALL.finditer(code) for name in _QUOTED.findall(call.group(1))]
    found += _TREND_CALL.findall(code)
    return list(dict.fromkeys(found))


def measures_by_notebook(notebooks: list[Path]) -> dict[str, list[str]]:
    """Each notebook's measures (:func:`measures_on_pages`), by the notebook's name."""
    return {Path(path).stem: measures_on_pages(notebook_code(path)) for path in notebooks}
