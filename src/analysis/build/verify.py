"""Verify a published edition: rebuild it in a temporary folder and compare it file by file.

Building the same edition twice from the same inputs and code gives the same executed
notebooks and the same HTML, byte for byte, apart from the fields declared in
``analysis.assurance.reproducibility.DECLARED_DIFFERENCES``. ``verify_edition`` rebuilds
an edition with the parameters recorded in its published manifest and compares it with
the published edition (and the executed notebooks in the stage).
"""
from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from analysis.assurance.manifest import MANIFEST_NAME, published_parameters
from analysis.assurance.reproducibility import (
    DECLARED_DIFFERENCES, PUBLISHED_NOT_COMPARED, STAGE_NOT_COMPARED, Difference, compare_folders,
)
from analysis.build.pipeline import build_edition
from analysis.config import PROJECT_ROOT, SITE_DIR, STAGE_DIR, check_edition_area
from analysis.periods import ReportYear


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
    say = progress or (lambda message: None)
    started = time.perf_counter()
    year = ReportYear.parse(year).label
    area_code = check_edition_area(area_code)
    site_dir = Path(site_dir or SITE_DIR).resolve()
    stage_root = Path(stage_root or STAGE_DIR).resolve()
    book_root = Path(book_root or PROJECT_ROOT).resolve()
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
        result = build_edition(
            year, area_code, data_dir=data_dir, jobs=jobs, book_root=book_root,
            stage_root=temporary / "stage", site_dir=temporary / "site",
            progress=(lambda message: say("  " + message)) if progress else None,
            extra_parameters=extra,
            # The edition was built from this folder; allow it again even if outside the project.
            **({"data_roots": [data_dir]} if data_dir else {}),
        )
        say("Comparing the rebuild with the published edition")
        count, differences = compare_folders(published, result.html_dir, "published edition",
                                             PUBLISHED_NOT_COMPARED)
        if any(published.glob(PUBLISHED_NOT_COMPARED[0])):
            report.notes.append("the edition's PDF is not compared: it is printed from the HTML compared here, "
                                "with its print date")
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
