"""Reproducibility you can check: rebuild an edition and compare it with what was published.

Building the same edition twice from the same inputs and code gives the same
executed notebooks and the same HTML, byte for byte, apart from the few fields
declared in ``DECLARED_DIFFERENCES`` (when the build ran and how long it took).
``verify_edition`` rebuilds an edition into a temporary folder with the
parameters recorded in its published manifest and compares it file by file
with the published edition (and the executed notebooks in the stage); each
difference names the file and, for notebooks and JSON, the field.

The runner calls ``normalise_executed_notebook`` on every executed notebook so
that nothing in it depends on where the stage is: Papermill's input and output
paths are written relative to the book, and its injected parameters cell gets
a fixed id instead of a random one.
"""
from __future__ import annotations

import base64
import fnmatch
import json
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from analysis.manifest import MANIFEST_NAME

# --------------------------------------------------------------------------
# What may differ between two builds of the same edition, and why
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Declared:
    """One declared difference: in files matching ``files`` (glob on the file's
    name or its path relative to the edition), either JSON ``fields`` (dotted
    paths, ``*`` for any list item or key) or text matching ``pattern`` (a
    regular expression; its groups are kept, the rest is replaced) are set
    aside before comparing."""

    files: tuple[str, ...]
    why: str
    fields: tuple[str, ...] = ()
    pattern: str | None = None


_ISO_TIMESTAMP = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"

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
        "the run manifest records when the build started and how long each notebook and the HTML took",
        fields=("build_started_utc", "notebook_seconds.*", "html_build_seconds"),
    ),
    Declared(
        ("*.html", "*.md"),
        "pages that show the build time (the provenance page, a version stamp) show a clock time",
        pattern=_ISO_TIMESTAMP,
    ),
    Declared(
        ("*.html", "*.md"),
        "the version stamp's build date (analysis.editions: 'built <span data-stamp=\"built\">2025-06-30"
        "</span>'; also 'Build date: 30 June 2025')",
        pattern=r"(?i)(\bbuil(?:t|d)(?:[ _-]?(?:on|date|at))?\b(?:[^<>\n\d]|<[^<>\n]{0,60}>){0,40}?)"
                r"(?:\d{4}-\d{2}-\d{2}|\d{1,2} " + _MONTH + r" \d{4})",
    ),
    Declared(
        ("*.html", "*.md"),
        "the provenance page's table of how long each notebook took to execute (seconds)",
        pattern=r"(\.ipynb</td><td>)\d+(?:\.\d+)?(?=</td>)",
    ),
    Declared(
        ("searchindex.js",),
        "the search index lists every word with a digit on every page, build times and durations "
        "included (as 'ipynb12' where a table cell ends in .ipynb and the next is 12.3); the pages "
        "themselves are compared in full",
        fields=("terms.<numeric>", "titleterms.<numeric>"),
    ),
)

# Files of the stage that are not compared (the HTML is compared where it is published).
STAGE_NOT_COMPARED = (
    "_build/*",  # Sphinx's working files (doctrees are pickles); the published HTML is compared
    "jupyter-book-build.log",  # the build's log: stage paths and timings
    "*.ipynb_checkpoints*",
)

DECLARED_MARK = "<declared difference>"


def declared_for(relative: str) -> list[Declared]:
    name = relative.rsplit("/", 1)[-1]
    return [d for d in DECLARED_DIFFERENCES
            if any(fnmatch.fnmatch(name, g) or fnmatch.fnmatch(relative, g) for g in d.files)]


def _set_aside(value: Any, parts: list[str]) -> None:
    if not parts:
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        children = list(value.items()) if isinstance(value, dict) else list(enumerate(value)) \
            if isinstance(value, list) else []
        for key, child in children:
            if rest:
                _set_aside(child, rest)
            else:
                value[key] = DECLARED_MARK
    elif head == "<numeric>":
        if isinstance(value, dict):
            for key in [k for k in value if re.search(r"\d", str(k))]:
                del value[key]
    elif isinstance(value, dict) and head in value:
        if rest:
            _set_aside(value[head], rest)
        else:
            value[head] = DECLARED_MARK


def normalise_json(data: Any, relative: str) -> Any:
    """A copy of the parsed JSON with the declared fields set aside."""
    data = json.loads(json.dumps(data))
    for declared in declared_for(relative):
        for dotted in declared.fields:
            _set_aside(data, dotted.split("."))
    return data


def normalise_text(text: str, relative: str) -> str:
    for declared in declared_for(relative):
        if declared.pattern:
            text = re.sub(declared.pattern, lambda m: "".join(g or "" for g in m.groups()) + DECLARED_MARK, text)
    return text


def describe_declared() -> str:
    """The declared differences, for --help and reports."""
    lines = []
    for declared in DECLARED_DIFFERENCES:
        what = ", ".join(declared.fields) if declared.fields else f"text matching {declared.pattern}"
        lines.append(f"  - {', '.join(declared.files)}: {what}\n      ({declared.why})")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Executed notebooks that do not depend on where the stage is
# --------------------------------------------------------------------------

INJECTED_CELL_ID = "injected-parameters"


def normalise_executed_notebook(path: Path, relative: str) -> None:
    """Make an executed notebook independent of the stage folder and of chance:
    Papermill's input and output paths become ``relative`` (the notebook's path
    in the book) and the injected parameters cell gets a fixed id."""
    path = Path(path)
    notebook = json.loads(path.read_text(encoding="utf-8"))
    papermill = notebook.get("metadata", {}).get("papermill")
    if isinstance(papermill, dict):
        for key in ("input_path", "output_path"):
            if key in papermill:
                papermill[key] = relative
    for cell in notebook.get("cells", []):
        if "injected-parameters" in (cell.get("metadata", {}).get("tags") or []) and "id" in cell:
            cell["id"] = INJECTED_CELL_ID
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


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


# --------------------------------------------------------------------------
# Verify: rebuild and compare
# --------------------------------------------------------------------------


class VerifyError(RuntimeError):
    """Verification could not be done (no published edition, or the rebuild failed)."""


@dataclass
class VerifyReport:
    area_code: str
    year: str
    published: Path
    rebuilt: Path | None  # the rebuilt edition (None once the temporary folder is removed)
    files_compared: int = 0
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    code_changed: bool = False  # the rebuild ran different code (commit or uncommitted changes)

    @property
    def identical(self) -> bool:
        return not self.differences

    def describe(self) -> str:
        head = (f"{self.area_code} {self.year}: rebuilt and compared {self.files_compared} files "
                f"in {self.seconds:.0f} s")
        lines = []
        if self.identical:
            lines.append(f"{head}. The rebuild is identical to the published edition "
                         f"apart from the {len(DECLARED_DIFFERENCES)} declared kinds of difference "
                         "(build times and durations).")
        else:
            count = len(self.differences)
            lines.append(f"{head}. {count} file{'s' if count != 1 else ''} differ{'s' if count == 1 else ''} "
                         "from the rebuild beyond the declared differences:")
            lines += [f"  - {difference}" for difference in self.differences]
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)


def _stage_is_same_build(published_manifest: Path, stage_dir: Path) -> str | None:
    """None when the stage holds the build that was published; otherwise why not."""
    stage_manifest = stage_dir / MANIFEST_NAME
    if not stage_dir.is_dir():
        return f"there is no stage at {stage_dir}, so only the published edition was compared"
    if not stage_manifest.is_file() or not published_manifest.is_file():
        return f"the stage at {stage_dir} has no run manifest (a failed build?), so it was not compared"
    try:
        started = json.loads(stage_manifest.read_text(encoding="utf-8")).get("build_started_utc")
        published = json.loads(published_manifest.read_text(encoding="utf-8")).get("build_started_utc")
    except ValueError:
        return f"the run manifest in {stage_dir} cannot be read, so the stage was not compared"
    if started != published:
        return (f"the stage at {stage_dir} holds a later build (started {started}) than the published "
                f"edition (started {published}), so it was not compared")
    return None


def code_changed(published_manifest: Path, rebuilt_manifest: Path) -> str | None:
    """Why the two builds ran different code (commit, or uncommitted changes), or None."""
    try:
        a, b = (json.loads(Path(path).read_text(encoding="utf-8")).get("git") or {}
                for path in (published_manifest, rebuilt_manifest))
    except (OSError, ValueError):
        return None
    if a.get("commit") != b.get("commit"):
        return (f"the published edition was built from commit {str(a.get('commit'))[:12]} and the "
                f"rebuild from {str(b.get('commit'))[:12]}")
    if a.get("dirty") != b.get("dirty") or a.get("uncommitted_sha256") != b.get("uncommitted_sha256"):
        return "the working tree's uncommitted changes differ between the published build and the rebuild"
    return None


def published_parameters(edition: Path) -> dict[str, Any]:
    """The build parameters recorded in a published edition's manifest (empty if it has none)."""
    path = Path(edition) / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")).get("parameters") or {})
    except ValueError:
        return {}


def mirror_other_editions(site_dir: Path, area_code: str, year: str, target_site: Path) -> list[str]:
    """Give the temporary site the area's other published editions, in outline.

    After publishing, the runner stamps every page with an edition switcher
    (links to the same page in the other editions, present or not) and, on an
    older edition, a banner to the latest; both depend on which editions are
    published. So the rebuild is published beside a copy of each other
    edition's manifest and an empty file for each of its pages, and gets the
    same switcher and banner as the published edition.
    """
    mirrored = []
    area_dir = Path(site_dir) / area_code
    if not area_dir.is_dir():
        return mirrored
    for folder in sorted(area_dir.iterdir()):
        if not folder.is_dir() or folder.name == year or not (folder / "index.html").is_file():
            continue
        target = Path(target_site) / area_code / folder.name
        for page in folder.rglob("*.html"):
            outline = target / page.relative_to(folder)
            outline.parent.mkdir(parents=True, exist_ok=True)
            outline.touch()
        if (folder / MANIFEST_NAME).is_file():
            shutil.copy2(folder / MANIFEST_NAME, target / MANIFEST_NAME)
        mirrored.append(folder.name)
    return mirrored


def verify_edition(
    year: str,
    area_code: str,
    *,
    site_dir: Path | None = None,
    stage_root: Path | None = None,
    book_root: Path | None = None,
    work_dir: Path | None = None,
    keep: bool = False,
    progress: Callable[[str], None] | None = None,
) -> VerifyReport:
    """Rebuild an edition into a temporary folder and compare it with the published one.

    The rebuild uses the parameters recorded in the published manifest (data
    folder, jobs, extra parameters). ``work_dir``: where to make the temporary
    folder (default: the system's). ``keep``: keep the rebuilt copy (its path is
    ``report.rebuilt``). Raises VerifyError when there is nothing to compare with,
    ParameterError for bad parameters, BuildFailed when the rebuild fails.
    """
    from analysis import paths, runner
    from analysis.params import ReportYear

    say = progress or (lambda message: None)
    started = time.perf_counter()
    year = ReportYear.parse(year).label
    area_code = runner.validate_area_code(area_code)
    site_dir = Path(site_dir or paths.SITE_DIR).resolve()
    stage_root = Path(stage_root or paths.STAGE_DIR).resolve()
    book_root = Path(book_root or paths.PROJECT_ROOT).resolve()
    published = site_dir / area_code / year
    if not (published / "index.html").is_file():
        raise VerifyError(
            f"there is no published edition of {area_code} {year} to compare with: "
            f"{published} {'has no index.html' if published.is_dir() else 'does not exist'}. "
            f"Build it first: python -m analysis build --year {year} --area {area_code}"
        )
    parameters = published_parameters(published)
    data_dir = parameters.get("data_dir") or None
    jobs = parameters.get("jobs") if isinstance(parameters.get("jobs"), int) else 2
    extra = parameters.get("extra") or None

    temporary = Path(tempfile.mkdtemp(prefix=f"verify-{area_code}-{year}-", dir=work_dir))
    report = VerifyReport(area_code, year, published, None)
    try:
        others = mirror_other_editions(site_dir, area_code, year, temporary / "site")
        if others:
            report.notes.append(f"the other published editions of {area_code} ({', '.join(others)}) were "
                                "mirrored in outline, so the edition switcher and banner match")
        say(f"Rebuilding {area_code} {year} into {temporary} to compare with {published}")
        result = runner.build_edition(
            year, area_code, data_dir=data_dir, jobs=jobs, book_root=book_root,
            stage_root=temporary / "stage", site_dir=temporary / "site",
            progress=(lambda message: say("  " + message)) if progress else None,
            extra_parameters=extra,
            # The edition was built from this folder; allow it again even if outside the project.
            **({"data_roots": [data_dir]} if data_dir else {}),
        )
        say("Comparing the rebuild with the published edition")
        count, differences = compare_folders(published, result.html_dir, "published edition")
        report.files_compared += count
        report.differences += differences
        stage_dir = stage_root / area_code / year
        why_not = _stage_is_same_build(published / MANIFEST_NAME, stage_dir)
        if why_not:
            report.notes.append(why_not)
        else:
            count, differences = compare_folders(stage_dir, result.stage_dir, "stage", STAGE_NOT_COMPARED)
            report.files_compared += count
            report.differences += differences
        changed = code_changed(published / MANIFEST_NAME, result.html_dir / MANIFEST_NAME)
        if changed:
            report.code_changed = True
            report.notes.append(f"{changed}: differences may come from changes to the code since")
        if keep:
            report.rebuilt = result.html_dir
            report.notes.append(f"the rebuilt copy is kept in {temporary}")
    finally:
        if not keep:
            shutil.rmtree(temporary, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def flip_png_byte(html_text: str, image_number: int = 1) -> str:
    """Test helper: the HTML with one byte of its n-th embedded PNG changed."""
    matches = list(_PNG_URI.finditer(html_text))
    match = matches[image_number - 1]
    data = bytearray(base64.b64decode(match.group(1)))
    data[len(data) // 2] ^= 0xFF
    encoded = base64.b64encode(bytes(data)).decode("ascii")
    return html_text[:match.start(1)] + encoded + html_text[match.end(1):]
