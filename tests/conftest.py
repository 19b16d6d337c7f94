"""What the three tiers of tests share: import paths, tier markers and the built editions.

The tiers are folders:

- ``tests/unit``: fast checks that never build a book (``make test-fast``);
- ``tests/book``: tests that build editions or read them (marked ``book``);
- ``tests/browser``: tests that open a built edition in Chromium (marked ``browser``).

Every edition the tests read is built once per run, by the session fixtures below, into
temporary folders; tests that read an edition must not change it (copy it first). When the
tests run in parallel (``make test`` runs ``pytest -n 2``), the first worker to need an edition
builds it and the others wait for it and read the same one.
"""
from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

TESTS_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = TESTS_DIR.parent
FIXTURES = TESTS_DIR / "fixtures"

# The package, the tests' own helpers (``support``) and the synthetic 2025-26 returns.
for folder in (PROJECT_ROOT / "src", TESTS_DIR, FIXTURES / "synthetic_2025_26"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

YEAR = "2024-25"
CAMDEN = "E09000007"
ISLINGTON = "E09000019"
SECOND_YEAR = "2025-26"
KENT = "E10000016"  # a shire county
NORTH_YORKSHIRE = "E06000065"  # a unitary authority since 2023, replacing a county
PAN_DORSET = "pan-dorset"  # a partnership over two authorities
NOT_AN_AUTHORITY = "E09999999"
# The editions build-all builds together on Dask, once per run (``built_on_dask``), in this order.
DASK_AREAS = (KENT, NOT_AN_AUTHORITY, PAN_DORSET, NORTH_YORKSHIRE)

TIERS = ("unit", "book", "browser")
# The test files that take longest (a minute or more each with `make test`), longest first.
LONGEST_FILES = ("test_pdf.py", "test_incremental_build.py", "test_browser.py", "test_areas_and_comparators.py")
# Fixtures that build an edition: a unit test must never ask for one.
EDITION_FIXTURES = {"camden_edition", "islington_edition", "second_year_edition", "built_on_dask",
                    "kent_edition", "north_yorkshire_edition", "pan_dorset_edition"}


def pytest_configure(config):
    """Before any test starts a process that imports the package, write its bytecode, as a build
    does (analysis.build.bytecode); once, in the process that starts the others."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        from analysis.build.bytecode import write_bytecode

        write_bytecode()


def pytest_collection_modifyitems(config, items):
    """Mark each test with its folder's tier; refuse a unit test that would build a book."""
    building_unit_tests = []
    for item in items:
        tier = Path(str(item.fspath)).resolve().relative_to(TESTS_DIR).parts[0]
        if tier not in TIERS:
            raise pytest.UsageError(f"{item.nodeid}: tests live in tests/unit, tests/book or tests/browser")
        if tier == "unit":
            if EDITION_FIXTURES & set(item.fixturenames):
                building_unit_tests.append(item.nodeid)
        else:
            item.add_marker(getattr(pytest.mark, tier))
    if building_unit_tests:
        raise pytest.UsageError("unit tests must not build an edition; move these to tests/book:\n  "
                                + "\n  ".join(building_unit_tests))
    # The longest files first: run two at a time (make test runs them in this order with
    # --no-loadscope-reorder), none of them is then left to run alone at the end while the other
    # worker has nothing to do.
    items.sort(key=lambda item: LONGEST_FILES.index(item.path.name) if item.path.name in LONGEST_FILES
               else len(LONGEST_FILES))


def _build(year: str, area_code: str, root: Path, **options):
    from analysis.build.pipeline import build_edition

    options.setdefault("progress", None)
    return build_edition(year, area_code, stage_root=root / "stage", site_dir=root / "site", **options)


def made_once(tmp_path_factory, name: str, make: Callable[[Path], Any]) -> Any:
    """``make(folder)``'s result, made once per run in the folder ``name``, however many test
    workers ask (pytest-xdist gives each worker its own temporary folder, inside the run's).

    The first worker to ask makes it, holding a lock; the others wait on the lock and read the
    result it saved. A make that failed leaves no result, so the next worker tries again and
    reports its own failure."""
    run_folder = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run_folder = run_folder.parent
    folder = run_folder / name
    with open(run_folder / f"{name}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result_file = run_folder / f"{name}.pickle"
        if result_file.is_file():
            return pickle.loads(result_file.read_bytes())
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        result = make(folder)
        result_file.write_bytes(pickle.dumps(result))
        return result


@pytest.fixture(scope="session")
def camden_edition(tmp_path_factory):
    """The default edition (Camden 2024-25), built once per run into a temporary site.

    Returns the BuildResult: ``.html_dir`` is the published edition, ``.stage_dir`` the
    executed notebooks and side files, ``.site_index`` the site's index page.
    """
    return made_once(tmp_path_factory, "camden-edition", lambda folder: _build(YEAR, CAMDEN, folder))


@pytest.fixture(scope="session")
def islington_edition(tmp_path_factory):
    """Islington 2024-25: an area without partnership figures, from national statistics alone."""
    return made_once(tmp_path_factory, "islington-edition", lambda folder: _build(YEAR, ISLINGTON, folder))


def _built_on_dask(root: Path):
    """``build-all`` of DASK_AREAS on a Dask cluster given by its address (as ``--scheduler``
    gives one), its workers allowed to start processes as a cluster of its own would."""
    from types import SimpleNamespace

    import dask
    from distributed import LocalCluster

    from analysis.build.build_all import build_all

    messages: list[str] = []
    with dask.config.set({"distributed.worker.daemon": False}), LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        outcomes = build_all(YEAR, list(DASK_AREAS), stage_root=root / "stage", site_dir=root / "site",
                             scheduler=cluster.scheduler_address, progress=messages.append)
        address = cluster.scheduler_address
    return SimpleNamespace(outcomes=outcomes, messages=messages, scheduler_address=address,
                           stage_root=root / "stage", site_dir=root / "site")


@pytest.fixture(scope="session")
def built_on_dask(tmp_path_factory):
    """Kent, a code that is no authority, Pan-Dorset and North Yorkshire 2024-25, built together
    once per run by ``build-all`` on Dask (tests/book/test_build_all.py checks how). Returns a
    namespace: ``outcomes`` (one per area, in order), ``messages`` (its progress),
    ``scheduler_address``, ``stage_root`` and ``site_dir``."""
    return made_once(tmp_path_factory, "built-on-dask", _built_on_dask)


def _published(built_on_dask, area: str):
    """One edition of ``built_on_dask``, as a build's result names it: ``html_dir`` and
    ``manifest_path``."""
    from types import SimpleNamespace

    outcome = next(outcome for outcome in built_on_dask.outcomes if outcome.area == area)
    assert outcome.ok, outcome.message
    html_dir = built_on_dask.site_dir / area / YEAR
    return SimpleNamespace(html_dir=html_dir, manifest_path=html_dir / "manifest.json")


@pytest.fixture(scope="session")
def kent_edition(built_on_dask):
    """Kent 2024-25: a shire county without partnership figures, a statistics profile."""
    return _published(built_on_dask, KENT)


@pytest.fixture(scope="session")
def north_yorkshire_edition(built_on_dask):
    """North Yorkshire 2024-25: its trend joins the county's years before 2023."""
    return _published(built_on_dask, NORTH_YORKSHIRE)


@pytest.fixture(scope="session")
def pan_dorset_edition(built_on_dask):
    """Pan-Dorset 2024-25: one partnership over two authorities (data/partnerships/pan-dorset/),
    from the national statistics."""
    return _published(built_on_dask, PAN_DORSET)


@pytest.fixture(scope="session")
def valid_data(tmp_path_factory):
    """A data folder without national statistics, with the SYNTHETIC 2025-26 returns filled in and
    valid (tests/fixtures/synthetic_2025_26); a test that changes it takes a copy: ``data``."""
    from synthetic_fill import filled_copy

    return filled_copy(tmp_path_factory.mktemp("valid"), national=False)


@pytest.fixture
def data(valid_data, tmp_path):
    """A copy of ``valid_data`` for one test to change."""
    copy = tmp_path / "data"
    shutil.copytree(valid_data, copy)
    return copy


def _second_year_data(folder: Path) -> Path:
    from analysis import cli
    from synthetic_fill import copy_data, fill_all

    data = copy_data(folder)
    assert cli.main(["new-edition", SECOND_YEAR, "--data-dir", str(data), "--allow-data-outside-project"]) == 0
    fill_all(data)
    return data


@pytest.fixture(scope="session")
def second_year_data(tmp_path_factory):
    """A temporary data folder: the real 2024-25 figures and the SYNTHETIC 2025-26 returns
    (tests/fixtures/synthetic_2025_26), created with `new-edition` and filled in."""
    return made_once(tmp_path_factory, "second-year-data", _second_year_data)


@pytest.fixture(scope="session")
def second_year_edition(second_year_data, camden_edition, tmp_path_factory):
    """The synthetic 2025-26 edition, built once per run beside a copy of the session's
    2024-25 edition (the copy is re-stamped as the earlier edition; the original is not).

    Returns a namespace: ``site_dir``, ``first`` (the 2024-25 copy), ``second`` (the
    2025-26 edition), ``before`` (the 2024-25 copy's files before the build),
    ``messages`` (the build's progress messages) and ``result`` (its BuildResult).
    """
    return made_once(tmp_path_factory, "second-year-edition",
                     lambda root: _second_year_edition(root, second_year_data, camden_edition))


def _second_year_edition(root: Path, second_year_data: Path, camden_edition):
    from types import SimpleNamespace

    from analysis.site.index import write_site_index

    site_dir = root / "site"
    first = site_dir / CAMDEN / YEAR
    shutil.copytree(camden_edition.html_dir, first)
    write_site_index(site_dir)
    before = {p.relative_to(first).as_posix(): p.read_bytes() for p in sorted(first.rglob("*")) if p.is_file()}
    messages: list[str] = []
    result = _build(SECOND_YEAR, CAMDEN, root, data_dir=second_year_data, progress=messages.append,
                    data_roots=[second_year_data])
    return SimpleNamespace(site_dir=site_dir, first=first, second=result.html_dir, before=before,
                           messages=messages, result=result)
