"""How fast build-all builds editions on Dask, with 1 and with 2 workers, and what a national update costs.

For each number of workers (``--workers 1 2`` by default) the same areas are built from nothing
(a fresh stage and site in a temporary folder, a copy of data/ so the project is never touched) by
analysis.build.build_all.build_all on a LocalCluster of that size. It prints the wall time (starting
the cluster included), the
editions per minute, and the peak memory of each worker: the worker process alone, and with every
process it started (the notebook workers and kernels), sampled every 0.2 s.

Then, on the last cluster size, it measures building all again: with nothing changed; after one
national file (statistical_neighbours.csv) is written again with the same bytes; and after its
rows are put in another order (the same figures, other bytes: every page that read it runs again,
the others are reused). For each it prints the time and how many notebooks ran.

The areas are ``--areas`` or a sample of ``--sample`` (default 6) spread evenly over every edition
build-all would build (``--all``: every one, 154 editions, about an hour with 2 workers on 2 cores).

    .venv/bin/python benchmarks/build_all_speed.py [--sample N | --all | --areas CODE ...]
        [--workers 1 2] [--jobs 1] [--year 2024-25]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "src"))

from analysis.build.build_all import EditionOutcome, build_all, every_edition_area, local_cluster  # noqa: E402


class MemorySampler:
    """Peak resident memory of each worker process, alone and with all its descendants."""

    def __init__(self, pids: list[int]):
        self.processes = [psutil.Process(pid) for pid in pids]
        self.alone = {pid: 0 for pid in pids}
        self.tree = {pid: 0 for pid in pids}
        self.running = True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        while self.running:
            for process in self.processes:
                try:
                    own = process.memory_info().rss
                    total = own + sum(child.memory_info().rss for child in process.children(recursive=True))
                except psutil.Error:
                    continue
                self.alone[process.pid] = max(self.alone[process.pid], own)
                self.tree[process.pid] = max(self.tree[process.pid], total)
            time.sleep(0.2)

    def stop(self) -> None:
        self.running = False
        self.thread.join()


def run(year: str, areas: list[str], data: Path, root: Path, workers: int, jobs: int,
        sampler_out: dict | None = None) -> tuple[float, list[EditionOutcome]]:
    """build_all on a LocalCluster of ``workers``; the wall time and outcomes."""
    from distributed import Client

    started = time.perf_counter()  # starting the cluster is part of building all
    cluster = local_cluster(workers)
    client = Client(cluster)
    pids = list(client.run(os.getpid).values())
    sampler = MemorySampler(pids)
    try:
        outcomes = build_all(year, areas, data_dir=data, data_roots=(data,), stage_root=root / "stage",
                             site_dir=root / "site", scheduler=cluster.scheduler_address, jobs=jobs,
                             progress=lambda message: None)
    finally:
        seconds = time.perf_counter() - started
        sampler.stop()
        client.close()
        cluster.close()
    if sampler_out is not None:
        sampler_out.update(alone=sampler.alone, tree=sampler.tree)
    failed = [o for o in outcomes if not o.ok]
    if failed:
        raise SystemExit("editions failed:\n" + "\n".join(f"{o.area}: {o.message}" for o in failed))
    return seconds, outcomes


def executed(outcomes: list[EditionOutcome]) -> str:
    ran = sum(o.executed for o in outcomes)
    total = sum(o.notebooks for o in outcomes)
    editions = sum(o.executed > 0 for o in outcomes)
    return f"{ran} of {total} notebooks executed, in {editions} of {len(outcomes)} editions"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", default="2024-25")
    parser.add_argument("--areas", nargs="+")
    parser.add_argument("--sample", type=int, default=6)
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)

    every = every_edition_area()
    if args.areas:
        areas = args.areas
    elif args.all:
        areas = every
    else:
        step = max(1, len(every) // args.sample)
        areas = every[::step][:args.sample]
    print(f"{len(areas)} editions of {args.year} ({len(every)} in all): {' '.join(areas)}")
    print(f"machine: {os.cpu_count()} processors, {psutil.virtual_memory().total / 2**30:.1f} GiB; "
          f"load average {os.getloadavg()[0]:.1f} at the start")

    with tempfile.TemporaryDirectory(prefix="build-all-speed-") as work:
        work = Path(work)
        data = work / "data"
        shutil.copytree(PROJECT / "data", data)
        root = None
        for workers in args.workers:
            root = work / f"workers-{workers}"
            memory: dict = {}
            seconds, outcomes = run(args.year, areas, data, root, workers, args.jobs, memory)
            rate = len(areas) / (seconds / 60)
            print(f"\n{workers} worker{'s' if workers != 1 else ''}, {args.jobs} notebook at a time per edition: "
                  f"{len(areas)} editions from nothing in {seconds:.1f} s = {rate:.1f} editions a minute "
                  f"(all {len(every)}: about {len(every) / rate:.0f} min at this rate); {executed(outcomes)}")
            for number, pid in enumerate(memory["alone"], start=1):
                print(f"  worker {number}: peak {memory['alone'][pid] / 2**20:.0f} MiB itself, "
                      f"{memory['tree'][pid] / 2**20:.0f} MiB with the notebook processes it started")

        workers = args.workers[-1]
        print(f"\nBuilding all again ({workers} worker{'s' if workers != 1 else ''}):")
        seconds, outcomes = run(args.year, areas, data, root, workers, args.jobs)
        print(f"  nothing changed: {seconds:.1f} s; {executed(outcomes)}")
        neighbours = data / "national" / "statistical_neighbours.csv"
        neighbours.write_bytes(neighbours.read_bytes())
        seconds, outcomes = run(args.year, areas, data, root, workers, args.jobs)
        print(f"  {neighbours.name} written again with the same bytes: {seconds:.1f} s; {executed(outcomes)}")
        header, *rows = neighbours.read_text(encoding="utf-8").splitlines(keepends=True)
        neighbours.write_text(header + "".join(reversed(rows)), encoding="utf-8")
        seconds, outcomes = run(args.year, areas, data, root, workers, args.jobs)
        print(f"  {neighbours.name} with its rows in another order (same figures, other bytes): {seconds:.1f} s; "
              f"{executed(outcomes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
