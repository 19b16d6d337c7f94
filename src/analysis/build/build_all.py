"""Every area's edition at once: ``python -m analysis build-all``, on Dask distributed.

Each edition (every current local authority in the national statistics, and every configured
partnership of several authorities) is one task: :func:`build_one` runs the whole build of
:func:`analysis.build.pipeline.build_edition` for it on a Dask worker and reports back, never
raising, so one area that fails is reported and the others go on. By default the editions run on
a ``LocalCluster`` sized to the machine; ``scheduler`` is the address of an existing Dask
cluster instead (every worker must see the same project folder, data and site folder, and run
the same environment), so a national build that outgrows one machine runs on many with no
change. Each edition keeps its own stage and cache (analysis.build.cache), so building all again
after a national file changed executes only the pages that read it. The site's index lists
every edition once all are done.
"""
from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from analysis.build.bytecode import write_bytecode
from analysis.config import STAGE_DIR, SITE_DIR, data_paths
from analysis.errors import InputError, ParameterError
from analysis.inputs.partnership import load_partnerships
from analysis.national.load import load_areas, read_area_successors

Progress = Callable[[str], None]


@dataclass
class EditionOutcome:
    """What happened to one edition (small and picklable: it travels back from a worker)."""

    area: str
    ok: bool
    seconds: float
    executed: int = 0
    notebooks: int = 0
    up_to_date: bool = False
    message: str = ""  # why it failed: the build's own message

    def describe(self) -> str:
        if not self.ok:
            return f"{self.area} failed after {self.seconds:.0f} s: {self.message.splitlines()[0] if self.message else ''}"
        if self.up_to_date:
            return f"{self.area} up to date"
        return f"{self.area} built in {self.seconds:.0f} s ({self.executed} of {self.notebooks} notebooks executed)"


def every_edition_area(data_dir: Path | None = None) -> list[str]:
    """Every current local authority in the national statistics (those reorganisation replaced
    are left out), then every configured partnership of several authorities, by its id."""
    paths = data_paths(data_dir)
    areas = load_areas(paths.national)
    replaced = set(read_area_successors(paths.reference))
    authorities = [code for code in areas.loc[areas["geographic_level"] == "Local authority", "area_code"]
                   if code not in replaced]
    partnerships = sorted(p.id for p in load_partnerships(data_dir).values() if p.covers_several_authorities)
    return sorted(authorities) + partnerships


# A worker that Dask started as a daemon process cannot start the processes a build runs notebooks in.
_DAEMON = "daemonic processes are not allowed to have children"
DAEMON_HINT = ("the Dask worker is a daemon process, which cannot start the processes notebooks run in: "
               "start the cluster's workers with DASK_DISTRIBUTED__WORKER__DAEMON=False in their environment")


def build_one(year: str, area: str, *, data_dir: Path | None, stage_root: Path, site_dir: Path, jobs: int,
              force: bool = False, data_roots: Sequence[Path] = ()) -> EditionOutcome:
    """Build one edition on a worker; report what happened, never raise."""
    from analysis.build.failures import BuildFailed
    from analysis.build.pipeline import build_edition

    started = time.perf_counter()
    try:
        result = build_edition(year, area, data_dir=data_dir, jobs=jobs, stage_root=stage_root,
                               site_dir=site_dir, progress=None, force=force, data_roots=data_roots)
    except (BuildFailed, InputError, ParameterError) as error:
        return EditionOutcome(area, False, time.perf_counter() - started, message=str(error))
    except Exception as error:  # noqa: BLE001 - one area's failure must not stop the others
        hint = f" ({DAEMON_HINT})" if _DAEMON in str(error) else ""
        return EditionOutcome(area, False, time.perf_counter() - started,
                              message=f"{type(error).__name__}: {error}{hint}\n{traceback.format_exc()}")
    return EditionOutcome(area, True, time.perf_counter() - started, executed=len(result.executed),
                          notebooks=result.notebook_count, up_to_date=result.up_to_date)


def local_cluster(workers: int | None):
    """A Dask cluster on this machine: one single-threaded worker process per processor (each
    edition runs its notebooks in processes of its own, which Dask's default daemon workers
    could not start)."""
    import dask
    from distributed import LocalCluster

    dask.config.set({"distributed.worker.daemon": False})
    return LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                        dashboard_address=None)


def build_all(year: str, areas: Sequence[str] | None = None, *, data_dir: Path | None = None,
              stage_root: Path = STAGE_DIR, site_dir: Path = SITE_DIR, scheduler: str | None = None,
              workers: int | None = None, jobs: int = 1, force: bool = False,
              data_roots: Sequence[Path] = (), progress: Progress = print) -> list[EditionOutcome]:
    """Build every edition (``areas``, or every one :func:`every_edition_area` finds) and write
    the site index; return each edition's outcome, in the order the areas were given."""
    from distributed import Client, as_completed

    from analysis.site import index as site_index

    areas = list(dict.fromkeys(areas or every_edition_area(data_dir)))
    write_bytecode()  # so that no Dask worker (nor kernel) compiles the package again
    cluster = None if scheduler else local_cluster(workers)
    client = Client(scheduler or cluster)
    try:
        size = len(client.scheduler_info()["workers"])
        progress(f"Building {len(areas)} editions of {year} on {size} Dask worker{'s' if size != 1 else ''} "
                 f"({'the cluster at ' + scheduler if scheduler else 'this machine'}), {jobs} notebook"
                 f"{'s' if jobs != 1 else ''} at a time in each")
        futures = {client.submit(build_one, year, area, data_dir=data_dir, stage_root=Path(stage_root),
                                 site_dir=Path(site_dir), jobs=jobs, force=force, data_roots=tuple(data_roots),
                                 key=f"edition-{area}-{year}",
                                 pure=False): area for area in areas}
        outcomes: dict[str, EditionOutcome] = {}
        failures: list[str] = []
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[outcome.area] = outcome
            if not outcome.ok:
                failures.append(outcome.area)
            progress(f"[{len(outcomes)}/{len(areas)}] {outcome.describe()}"
                     + (f" | failed so far: {', '.join(failures)}" if failures else ""))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    site_index.write_site_index(Path(site_dir))
    return [outcomes[area] for area in areas]


def summary(outcomes: list[EditionOutcome], seconds: float) -> str:
    """How many editions were built, up to date and failed, and each failure's message."""
    built = sum(o.ok and not o.up_to_date for o in outcomes)
    current = sum(o.up_to_date for o in outcomes)
    failed = [o for o in outcomes if not o.ok]
    rate = len(outcomes) / (seconds / 60) if seconds else 0.0
    took = f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"
    lines = [f"{len(outcomes)} editions in {took} ({rate:.1f} a minute): {built} built, "
             f"{current} up to date, {len(failed)} failed"]
    for outcome in failed:
        lines.append(f"- {outcome.area}: {outcome.message}")
    return "\n".join(lines)
