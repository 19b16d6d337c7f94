"""Reproducibility you can check: rebuild an edition and compare it with what was published.

Building the same edition twice from the same inputs and code gives the same
executed notebooks and the same HTML, byte for byte, apart from the few fields
declared in ``DECLARED_DIFFERENCES`` (when the build ran and how long it took).
``verify_edition`` rebuilds an edition into a temporary folder with the
parameters recorded in its published manifest and compares it file by file
with the published edition (and the executed notebooks in the stage); each
difference names the file and, for notebooks and JSON, the field.

The build tidies every executed notebook (``analysis.build.execute``) so that
nothing in it depends on where the stage is.
"""
from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from analysis.assurance.manifest import MANIFEST_NAME

# --------------------------------------------------------------------------
# What may differ between two builds of the same edition, and why
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Declared:
    """One declared difference: in files matching ``files`` (glob on the file's
    name or its path relative to the edition), either JSON ``fields`` (dotted
    paths, ``*`` for any list item or key) or text matching ``pattern`` (a
    regular expression; its groups are kept, the rest is replaced) are set
    aside before comparing. With both, only the text matching ``pattern``
    inside those fields is set aside."""

    files: tuple[str, ...]
    why: str
    fields: tuple[str, ...] = ()
    pattern: str | None = None


_ISO_TIMESTAMP = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# A cell of the provenance page's table of how long each notebook took: <td>notebooks/x.ipynb</td><td>3.0</td>
_NOTEBOOK_SECONDS = r"(\.ipynb</td><td[^>]*>)\d+(?:\.\d+)?(?=</td>)"

DECLARED_DIFFERENCES: tuple[Declared, ...] = (
    Declared(
        ("*.ipynb",),
        "Papermill records when it started and finished the notebook and how long it took",
        fields=("metadata.papermill.start_time", "metadata.papermill.end_time",
                "metadata.papermill.duration"),
    ),
    Declared(
        ("*.ipynb",),
        "Papermill records when each cell started and finished and how long it took",
        fields=("cells.*.metadata.papermill.start_time", "cells.*.metadata.papermill.end_time",
                "cells.*.metadata.papermill.duration"),
    ),
    Declared(
        ("*.ipynb",),
        "nbclient records the clock time of each cell's execution messages "
        "(iopub.status.busy, iopub.execute_input, shell.execute_reply, iopub.status.idle)",
        fields=("cells.*.metadata.execution",),
    ),
    Declared(
        (MANIFEST_NAME,),
        "the run manifest records when the build started, how long each notebook and the HTML took, "
        "and which notebooks were reused from an earlier build because nothing they read had changed",
        fields=("build_started_utc", "notebook_seconds.*", "html_build_seconds", "reused_notebooks"),
    ),
    Declared(
        ("*.html",),
        "pages that show the build time (the provenance page, a version stamp) show a clock time",
        pattern=_ISO_TIMESTAMP,
    ),
    Declared(
        ("*.html",),
        "the version stamp's build date (analysis.site.stamp: 'built <span data-stamp=\"built\">2025-06-30"
        "</span>'; also 'Build date: 30 June 2025')",
        pattern=r"(?i)(\bbuil(?:t|d)(?:[ _-]?(?:on|date|at))?\b(?:[^<>\n\d]|<[^<>\n]{0,60}>){0,40}?)"
                r"(?:\d{4}-\d{2}-\d{2}|\d{1,2} " + _MONTH + r" \d{4})",
    ),
    Declared(
        ("*.html",),
        "the provenance page's table of how long each notebook took to execute (seconds)",
        pattern=_NOTEBOOK_SECONDS,
    ),
    Declared(
        ("notebooks/assurance/provenance.ipynb", "_sources/notebooks/assurance/provenance.ipynb"),
        "the executed provenance notebook holds its page's tables: when the build started and how "
        "long each notebook took (in the HTML of its cell outputs)",
        fields=("cells.*.outputs.*.data.text/html",),
        pattern=_ISO_TIMESTAMP + "|" + _NOTEBOOK_SECONDS,
    ),
    Declared(
        ("searchindex.js",),
        "the search index lists every word with a digit on every page, build times and durations "
        "included (as 'ipynb12' where a table cell ends in .ipynb and the next is 12.3); the pages "
        "themselves are compared in full",
        fields=("terms.<numeric>", "titleterms.<numeric>"),
    ),
    Declared(
        ("searchindex.js",),
        "a rebuild that reads only the changed pages keeps in the search index the words that are no "
        "longer on any page, each listing no page (so a search for one finds nothing, as it should)",
        fields=("terms.<empty>", "titleterms.<empty>"),
    ),
)

# Files of the stage that are not compared (the HTML is compared where it is published).
STAGE_NOT_COMPARED = (
    "_build/*",  # Sphinx's working files (doctrees are pickles); the published HTML is compared
    "_cache/*",  # what each notebook read and wrote, for reusing it (analysis.build.cache): stage paths
    "jupyter-book-build.log",  # the build's log: stage paths and timings
    "*.ipynb_checkpoints*",
)

# Files of the published edition that are not compared: the PDF is printed from the
# published HTML (which is compared) with its print date, by `python -m analysis pdf`; the
# committee paper is made from the same data and text by `python -m analysis committee-paper`.
PUBLISHED_NOT_COMPARED = (
    "analysis-book-*.pdf",
    "committee-paper-*.pdf",
    "committee-paper-*.docx",
)

DECLARED_MARK = "<declared difference>"


def declared_for(relative: str) -> list[Declared]:
    name = relative.rsplit("/", 1)[-1]
    return [d for d in DECLARED_DIFFERENCES
            if any(fnmatch.fnmatch(name, g) or fnmatch.fnmatch(relative, g) for g in d.files)]


def _mark_matches(text: str, pattern: str) -> str:
    return re.sub(pattern, lambda m: "".join(g or "" for g in m.groups()) + DECLARED_MARK, text)


def _replacement(declared: Declared) -> Callable[[Any], Any]:
    """What a declared field becomes: the mark, or, with a pattern, its text with the matches marked."""
    if not declared.pattern:
        return lambda value: DECLARED_MARK

    def mark(value: Any) -> Any:
        if isinstance(value, list):  # nbformat stores multi-line text as a list of lines
            return [mark(line) for line in value]
        return _mark_matches(value, declared.pattern) if isinstance(value, str) else value

    return mark


def _set_aside(value: Any, parts: list[str], replace: Callable[[Any], Any]) -> None:
    if not parts:
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        children = list(value.items()) if isinstance(value, dict) else list(enumerate(value)) \
            if isinstance(value, list) else []
        for key, child in children:
            if rest:
                _set_aside(child, rest, replace)
            else:
                value[key] = replace(child)
    elif head == "<numeric>":
        if isinstance(value, dict):
            for key in [k for k in value if re.search(r"\d", str(k))]:
                del value[key]
    elif head == "<empty>":
        if isinstance(value, dict):
            for key in [k for k, v in value.items() if v in ([], {})]:
                del value[key]
    elif isinstance(value, dict) and head in value:
        if rest:
            _set_aside(value[head], rest, replace)
        else:
            value[head] = replace(value[head])


def normalise_json(data: Any, relative: str) -> Any:
    """A copy of the parsed JSON with the declared fields set aside."""
    data = json.loads(json.dumps(data))
    for declared in declared_for(relative):
        for dotted in declared.fields:
            _set_aside(data, dotted.split("."), _replacement(declared))
    return data


def normalise_text(text: str, relative: str) -> str:
    for declared in declared_for(relative):
        if declared.pattern and not declared.fields:
            text = _mark_matches(text, declared.pattern)
    return text


def describe_declared() -> str:
    """The declared differences, for --help and reports."""
    lines = []
    for declared in DECLARED_DIFFERENCES:
        what = ", ".join(declared.fields) if declared.fields else ""
        if declared.pattern:
            what = f"text matching {declared.pattern}" + (f" in {what}" if what else "")
        lines.append(f"  - {', '.join(declared.files)}: {what}\n      ({declared.why})")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Comparing two editions
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    place: str  # "published edition" or "stage"
    file: str  # path relative to the edition (or the stage)
    what: str

    def __str__(self) -> str:
        return f"{self.place}: {self.file}: {self.what}"


def _json_paths(a: Any, b: Any, path: str = "") -> Iterator[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(dict.fromkeys([*a, *b])):
            where = f"{path}.{key}" if path else str(key)
            if key not in a:
                yield f"{where} (only in the rebuilt copy)"
            elif key not in b:
                yield f"{where} (only in the published copy)"
            else:
                yield from _json_paths(a[key], b[key], where)
    elif isinstance(a, list) and isinstance(b, list):
        for index, (x, y) in enumerate(zip(a, b)):
            yield from _json_paths(x, y, f"{path}[{index}]")
        if len(a) != len(b):
            yield f"{path} ({len(a)} items published, {len(b)} rebuilt)"
    elif a != b:
        yield path or "(the whole value)"


def _snippet(text: str, column: int, width: int = 70) -> str:
    start = max(0, column - width // 2)
    piece = text[start:start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


_PNG_URI = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


def _text_difference(a: str, b: str, relative: str) -> str:
    a_lines, b_lines = a.splitlines(), b.splitlines()
    for number, (x, y) in enumerate(zip(a_lines, b_lines), start=1):
        if x != y:
            break
    else:
        number = min(len(a_lines), len(b_lines)) + 1
        x = a_lines[number - 1] if number <= len(a_lines) else ""
        y = b_lines[number - 1] if number <= len(b_lines) else ""
        if len(a_lines) != len(b_lines):
            return f"{len(a_lines)} lines published, {len(b_lines)} rebuilt (first extra line {number})"
    column = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
    images_a, images_b = _PNG_URI.findall(a), _PNG_URI.findall(b)
    changed = [i for i, (p, q) in enumerate(zip(images_a, images_b), start=1) if p != q]
    if changed or len(images_a) != len(images_b):
        detail = (f"embedded PNG image{'s' if len(changed) != 1 else ''} {', '.join(map(str, changed))} differ"
                  if changed else f"{len(images_a)} embedded PNG images published, {len(images_b)} rebuilt")
        return f"line {number}: {detail}"
    return f"line {number}, column {column + 1}: published {_snippet(x, column)!r}; rebuilt {_snippet(y, column)!r}"


def compare_file(published: Path, rebuilt: Path, relative: str) -> str | None:
    """None when the files agree apart from declared differences; otherwise what differs."""
    a, b = published.read_bytes(), rebuilt.read_bytes()
    if a == b:
        return None
    name = relative.rsplit("/", 1)[-1]
    try:
        text_a, text_b = a.decode("utf-8"), b.decode("utf-8")
    except UnicodeDecodeError:
        kind = "PNG image" if name.lower().endswith(".png") else "binary file"
        return f"{kind}: bytes differ ({len(a)} bytes published, {len(b)} rebuilt)"
    if name.endswith((".ipynb", ".json")) or name == "searchindex.js":
        try:
            if name == "searchindex.js":
                data_a, data_b = _search_index(text_a), _search_index(text_b)
            else:
                data_a, data_b = json.loads(text_a), json.loads(text_b)
        except ValueError:
            pass
        else:
            norm_a, norm_b = normalise_json(data_a, relative), normalise_json(data_b, relative)
            if norm_a == norm_b:
                return None
            paths = list(_json_paths(norm_a, norm_b))
            shown = ", ".join(paths[:8]) + (f" and {len(paths) - 8} more" if len(paths) > 8 else "")
            return f"field{'s differ' if len(paths) != 1 else ' differs'}: {shown}"
    norm_a, norm_b = normalise_text(text_a, relative), normalise_text(text_b, relative)
    if norm_a == norm_b:
        return None
    return _text_difference(norm_a, norm_b, relative)


def _search_index(text: str) -> Any:
    match = re.fullmatch(r"\s*Search\.setIndex\((.*)\)\s*;?\s*", text, re.DOTALL)
    if not match:
        raise ValueError("not a Sphinx search index")
    return json.loads(match.group(1))


def _files(folder: Path, excluded: tuple[str, ...] = ()) -> dict[str, Path]:
    found = {}
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(folder).as_posix()
        if any(fnmatch.fnmatch(relative, pattern) for pattern in excluded):
            continue
        found[relative] = path
    return found


def compare_folders(published: Path, rebuilt: Path, place: str,
                    excluded: tuple[str, ...] = ()) -> tuple[int, list[Difference]]:
    """Compare every file of two folders; return how many were compared and the differences."""
    a, b = _files(published, excluded), _files(rebuilt, excluded)
    differences = []
    for relative in sorted(set(a) | set(b)):
        if relative not in b:
            differences.append(Difference(place, relative, "only in the published copy (the rebuild has no such file)"))
        elif relative not in a:
            differences.append(Difference(place, relative, "only in the rebuilt copy (missing from the published copy)"))
        else:
            what = compare_file(a[relative], b[relative], relative)
            if what:
                differences.append(Difference(place, relative, what))
    return len(set(a) | set(b)), differences


