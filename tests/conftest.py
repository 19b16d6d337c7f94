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
LEEDS = "E08000035"
SECOND_YEAR = "2025-26"

TIERS = ("unit", "book", "browser")
# The test files that take longest (a minute or more each with `make test`), longest first.
LONGEST_FILES = ("test_pdf.py", "test_incremental_build.py", "test_browser.py", "test_areas_and_comparators.py")
# Fixtures that build an edition: a unit test must never ask for one.
EDITION_FIXTURES = {"camden_edition", "islington_edition", "leeds_edition", "second_year_edition"}


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


@pytest.fixture(scope="session")
def leeds_edition(tmp_path_factory):
    """Leeds 2024-25: a metropolitan district outside London, without partnership figures."""
    return made_once(tmp_path_factory, "leeds-edition", lambda folder: _build(YEAR, LEEDS, folder))


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
