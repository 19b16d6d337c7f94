"""build-all on Dask: several editions into one site, in parallel, on a cluster given by its
address and on the LocalCluster it starts itself; an area that fails is reported and the others
are built; a second run finds every edition up to date.

The first run is the session's ``built_on_dask`` (tests/conftest.py), whose editions the tests
of other areas read; the second runs on a copy of its stage and site."""
from __future__ import annotations

import json
import shutil

from analysis.build.build_all import build_all
from conftest import DASK_AREAS, KENT, NORTH_YORKSHIRE, NOT_AN_AUTHORITY, PAN_DORSET, YEAR


def test_editions_build_in_parallel_on_a_dask_cluster_and_a_failure_stops_no_other(built_on_dask, tmp_path):
    outcomes, messages = built_on_dask.outcomes, built_on_dask.messages
    assert [outcome.area for outcome in outcomes] == list(DASK_AREAS)
    built = [outcome for outcome in outcomes if outcome.area != NOT_AN_AUTHORITY]
    missing = next(outcome for outcome in outcomes if outcome.area == NOT_AN_AUTHORITY)
    assert all(outcome.ok for outcome in built) and not missing.ok
    assert "is not a local authority in the national statistics" in missing.message
    assert all(outcome.executed == outcome.notebooks > 0 for outcome in built)
    assert messages[0] == (f"Building 4 editions of {YEAR} on 2 Dask workers (the cluster at "
                           f"{built_on_dask.scheduler_address}), 1 notebook at a time in each")
    assert sorted(line.split("] ")[0] for line in messages[1:]) == ["[1/4", "[2/4", "[3/4", "[4/4"]
    assert any(f"failed so far: {NOT_AN_AUTHORITY}" in line for line in messages[1:])
    # One site: every edition built is published, and its index lists them.
    site = built_on_dask.site_dir
    editions = json.loads((site / "editions.json").read_text(encoding="utf-8"))
    listed = {(edition["area_code"], edition["year"]) for edition in editions["editions"]}
    assert listed == {(KENT, YEAR), (PAN_DORSET, YEAR), (NORTH_YORKSHIRE, YEAR)}
    for outcome in built:
        assert (site / outcome.area / YEAR / "index.html").is_file()

    # Again, on the LocalCluster build-all starts itself: nothing has changed.
    stage, site = tmp_path / "stage", tmp_path / "site"
    shutil.copytree(built_on_dask.stage_root, stage)
    shutil.copytree(built_on_dask.site_dir, site)
    again = build_all(YEAR, [KENT, PAN_DORSET], stage_root=stage, site_dir=site, workers=1,
                      progress=messages.append)
    assert [(outcome.ok, outcome.up_to_date, outcome.executed) for outcome in again] == [(True, True, 0)] * 2
