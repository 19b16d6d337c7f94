"""Publishing an edition into the site by swapping folders, so a reader never sees half of one."""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from analysis.assurance.manifest import MANIFEST_NAME


def publish(html_dir: Path, manifest_path: Path, site_dir: Path, area_code: str, year: str) -> Path:
    """Replace ``site_dir/<area_code>/<year>`` with the new build by renaming folders.

    The new edition is copied in full into a hidden folder inside site_dir
    first (same file system, so the renames are atomic); only then is the old
    edition renamed away and the new one renamed into place, after which the
    old one is deleted. If the copy fails, the site is left as it was.
    """
    site_dir.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:12]
    incoming = site_dir / f".incoming-{area_code}-{year}-{token}"
    outgoing = site_dir / f".outgoing-{area_code}-{year}-{token}"
    target = site_dir / area_code / year
    try:
        shutil.copytree(html_dir, incoming)
        shutil.copy2(manifest_path, incoming / MANIFEST_NAME)
        target.parent.mkdir(parents=True, exist_ok=True)
        had_old = target.exists()
        if had_old:
            os.rename(target, outgoing)
        try:
            os.rename(incoming, target)
        except BaseException:
            if had_old:
                os.rename(outgoing, target)
            raise
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    shutil.rmtree(outgoing, ignore_errors=True)
    return target
