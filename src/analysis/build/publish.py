"""Publishing an edition into the site by swapping folders, so a reader never sees half of one.

The new edition is copied in full into a hidden folder of the site (``.incoming-...``), then
swapped with the published one in one step, and the old one (now ``.outgoing-...``) deleted. A
build killed at any point leaves the published edition, old or new, whole; the hidden folders
it leaves are never shown to readers (the site index and the stamps skip hidden folders) and
the next build of the edition removes them (``tidy_interrupted``).
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import time
import uuid
from pathlib import Path

from analysis.assurance.manifest import MANIFEST_NAME
from analysis.build.failures import BuildFailed

# Tests set this to a step's name ("copying", "copied", "swapped", "moved-away") to stop a
# publish there and kill it, to check that a kill at that point leaves the site whole.
TEST_PAUSE_VARIABLE = "ANALYSIS_TEST_PAUSE_PUBLISH"

DISK_FULL = (errno.ENOSPC, errno.EDQUOT)  # no space left; over the user's quota


def paper_name(area_code: str, year: str, suffix: str) -> str:
    """The committee paper's file name in its edition's published folder (analysis.build.committee_paper)."""
    return f"committee-paper-{area_code}-{year}.{suffix}"


def _pause_for_test(step: str) -> None:
    if os.environ.get(TEST_PAUSE_VARIABLE) == step:
        print(f"publish paused at {step}", file=sys.stderr, flush=True)
        time.sleep(600)


def _hidden(site_dir: Path, kind: str, area_code: str, year: str, token: str = "*") -> Path:
    return site_dir / f".{kind}-{area_code}-{year}-{token}"


def tidy_interrupted(site_dir: Path, area_code: str, year: str) -> None:
    """Clear up after a publish of this edition that was killed part way.

    ``.incoming-`` folders were never published: they go. An ``.outgoing-`` folder is the
    edition a publish was replacing; it goes too, unless the edition's folder is missing (a
    publish killed between its two renames, where the system cannot swap folders in one step),
    in which case it is put back. Call only while holding the edition's lock.
    """
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        return
    target = site_dir / area_code / year
    outgoing = sorted(site_dir.glob(_hidden(site_dir, "outgoing", area_code, year).name),
                      key=lambda folder: folder.stat().st_mtime)
    if outgoing and not target.exists() and (outgoing[-1] / "index.html").is_file():
        os.rename(outgoing.pop(), target)
    for folder in outgoing + list(site_dir.glob(_hidden(site_dir, "incoming", area_code, year).name)):
        shutil.rmtree(folder, ignore_errors=True)


def _swap(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux: renameat2 with RENAME_EXCHANGE); False where the
    system or the file system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None) if sys.platform == "linux" else None
    if renameat2 is None:
        return False
    at_cwd, rename_exchange = -100, 2  # AT_FDCWD, RENAME_EXCHANGE from <fcntl.h>, <linux/fs.h>
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def _copy_folder(source: Path, destination: Path) -> None:
    """Copy a folder's files (with their times), stopping at the first error: shutil.copytree
    would go on through every other file and report them all together, hiding a full disk."""
    for folder, _, files in os.walk(source, followlinks=True):
        target = destination / os.path.relpath(folder, source)
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            shutil.copy2(os.path.join(folder, name), target / name)
            _pause_for_test("copying")


def publish(html_dir: Path, manifest_path: Path, site_dir: Path, area_code: str, year: str) -> Path:
    """Replace ``site_dir/<area_code>/<year>`` with the new build.

    The new edition is copied in full into a hidden folder inside site_dir first (same file
    system, so the swap is a rename); only then does it change places with the published
    edition, which is then deleted. If the copy fails (a full disk, say), the site is left as
    it was and the partial copy removed.
    """
    site_dir.mkdir(parents=True, exist_ok=True)
    tidy_interrupted(site_dir, area_code, year)
    token = uuid.uuid4().hex[:12]
    incoming = _hidden(site_dir, "incoming", area_code, year, token)
    outgoing = _hidden(site_dir, "outgoing", area_code, year, token)
    target = site_dir / area_code / year
    try:
        _copy_folder(html_dir, incoming)
        shutil.copy2(manifest_path, incoming / MANIFEST_NAME)
        _pause_for_test("copied")
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            os.rename(incoming, target)
        elif _swap(incoming, target):
            _pause_for_test("swapped")
            os.rename(incoming, outgoing)  # the old edition, to delete
        else:
            # Two renames: a publish killed between them leaves the edition folder missing and
            # the old edition in `outgoing`, which the next build puts back (tidy_interrupted).
            os.rename(target, outgoing)
            _pause_for_test("moved-away")
            try:
                os.rename(incoming, target)
            except BaseException:
                os.rename(outgoing, target)
                raise
    except BaseException as error:
        shutil.rmtree(incoming, ignore_errors=True)
        if isinstance(error, OSError) and error.errno in DISK_FULL:
            raise BuildFailed(disk_full_message(site_dir, area_code, year, error)) from error
        raise
    shutil.rmtree(outgoing, ignore_errors=True)
    return target


def disk_full_message(site_dir: Path, area_code: str, year: str, error: OSError) -> str:
    return (f"the disk holding the site folder {site_dir} is full ({error.strerror}), so the new "
            f"{area_code} {year} edition could not be copied into it. The published edition is "
            f"untouched and the partial copy has been removed. Free some space on that disk (df -h "
            f"{site_dir} shows how much is left), or publish to a --site-dir on another disk, then "
            f"build again.")
