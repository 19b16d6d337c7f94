"""build-all on Dask: several editions into one site, in parallel, on a cluster given by its
address and on the LocalCluster it starts itself; an area that fails is reported and the others
are built; a second run finds every edition up to date."""
from __future__ import annotations

import json

import dask
from distributed import LocalCluster

from analysis.build.build_all import build_all
from conftest import ISLINGTON, YEAR

NOT_AN_AUTHORITY = "E09999999"


def test_editions_build_in_parallel_on_a_dask_cluster_and_a_failure_stops_no_other(tmp_path):
    stage, site = tmp_path / "stage", tmp_path / "site"
    messages: list[str] = []
    # An existing cluster, as --scheduler ADDRESS would use (its workers may start processes).
    with dask.config.set({"distributed.worker.daemon": False}), LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        outcomes = build_all(YEAR, [ISLINGTON, NOT_AN_AUTHORITY, "pan-dorset"], stage_root=stage, site_dir=site,
                             scheduler=cluster.scheduler_address, progress=messages.append)

    assert [outcome.area for outcome in outcomes] == [ISLINGTON, NOT_AN_AUTHORITY, "pan-dorset"]
    islington, missing, dorset = outcomes
    assert islington.ok and dorset.ok and not missing.ok
    assert "is not a local authority in the national statistics" in missing.message
    assert islington.executed == islington.notebooks > 0 and dorset.executed == dorset.notebooks > 0
    assert messages[0] == (f"Building 3 editions of {YEAR} on 2 Dask workers (the cluster at "
                           f"{cluster.scheduler_address}), 1 notebook at a time in each")
    assert sorted(line.split("] ")[0] for line in messages[1:]) == ["[1/3", "[2/3", "[3/3"]
    assert any(f"failed so far: {NOT_AN_AUTHORITY}" in line for line in messages[1:])
    # One site: both editions published, and its index lists them.
    editions = json.loads((site / "editions.json").read_text(encoding="utf-8"))
    listed = {(edition["area_code"], edition["year"]) for edition in editions["editions"]}
    assert listed == {(ISLINGTON, YEAR), ("pan-dorset", YEAR)}
    assert (site / ISLINGTON / YEAR / "index.html").is_file() and (site / "pan-dorset" / YEAR / "index.html").is_file()

    # Again, on the LocalCluster build-all starts itself: nothing has changed.
    again = build_all(YEAR, [ISLINGTON, "pan-dorset"], stage_root=stage, site_dir=site, workers=1,
                      progress=messages.append)
    assert [(outcome.ok, outcome.up_to_date, outcome.executed) for outcome in again] == [(True, True, 0)] * 2
