"""fetch-national against a local HTTP server that answers as the two EES APIs do.

The server (``FakeEes``) sends the recorded answer shapes in tests/fixtures/ees_api/ (see
its README for which documentation page each comes from; the values are synthetic) and, as
file downloads, the real published CSV files read at test time from ../shared/data/dfe
(tests that need them are skipped without it). Each test runs the command on a temporary
copy of data/national and data/national-sources.json, so nothing in the project changes,
and a failing fetch must leave that copy byte for byte as it was.
"""
from __future__ import annotations

import gzip
import json
import re
import shutil
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from analysis import cli
from analysis.config import DataPaths
from analysis.errors import InputError
from analysis.national.fetch_check import summarise_changes
from analysis.national.sources import LOCK_FILE, read_sources, without_years

PROJECT_DATA = DataPaths().root
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ees_api"
SHARED_DFE = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe"
needs_real_files = pytest.mark.skipif(not SHARED_DFE.is_dir(),
                                      reason="the real DfE files are not in ../shared/data/dfe")

CIN_PUBLICATION = "c1a55e5d-0000-4000-8000-00000000c001"
CLA_PUBLICATION = "c1a55e5d-0000-4000-8000-00000000c002"
B1 = "da7a5e7d-0000-4000-8000-0000000000b1"
C1 = "da7a5e7d-0000-4000-8000-0000000000c1"
UNKNOWN = "da7a5e7d-0000-4000-8000-00000000dead"
B1_TITLE = "B1 Children in need and episodes of need by local authority, England 2013 to 2025"
C3_FILE = "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _listing() -> list[dict]:
    return [item for name in ("content_data_set_files_cin_page1.json", "content_data_set_files_cin_page2.json",
                              "content_data_set_files_cla.json") for item in fixture(name)["results"]]


# --------------------------------------------------------------------------------------
# The local server
# --------------------------------------------------------------------------------------
class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that gave up (the timeout test) is expected, not worth a traceback


class FakeEes:
    """Answers as the EES public API (under /statistics/v1/) and content API (under /api/) do."""

    def __init__(self):
        self.requests: list[str] = []
        self.overrides: dict[str, tuple[int, str, bytes]] = {}  # path -> (status, content type, body)
        self.delay = 0.0
        listing = _listing()
        self.file_names = {item["fileId"]: item["filename"] for item in listing}
        self.api_files = {item["api"]["id"]: item["filename"] for item in listing if item.get("api")}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the name http.server calls)
                fake.requests.append(self.path)
                time.sleep(fake.delay)
                url = urllib.parse.urlsplit(self.path)
                status, kind, body, encoding = fake.answer(url.path, dict(urllib.parse.parse_qsl(url.query)))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                if encoding:
                    self.send_header("Content-Encoding", encoding)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep the test output quiet
                pass

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.api_url = self.base + "/statistics/v1/"
        self.content_url = self.base + "/api/"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # what each address answers ------------------------------------------------------
    @staticmethod
    def json_answer(name: str, status: int = 200):
        return status, "application/json; charset=utf-8", (FIXTURES / name).read_bytes(), ""

    @staticmethod
    def not_found():
        return FakeEes.json_answer("problem_details_404.json", 404)

    @staticmethod
    def real_csv(name: str, gzipped: bool = False):
        path = SHARED_DFE / name
        if not path.is_file():
            return FakeEes.not_found()
        body = path.read_bytes()
        return (200, "text/csv", gzip.compress(body), "gzip") if gzipped else (200, "text/csv", body, "")

    def answer(self, path: str, query: dict):
        if path in self.overrides:
            status, kind, body = self.overrides[path]
            return status, kind, body, ""
        if path.startswith("/statistics/v1/"):
            return self.public_api(path.removeprefix("/statistics/v1/"), query)
        if path.startswith("/api/"):
            return self.content_api(path.removeprefix("/api/"), query)
        if path.startswith("/raw/"):
            return self.real_csv(path.removeprefix("/raw/"))
        return self.not_found()

    def public_api(self, path: str, query: dict):
        if path == "publications":
            return self.json_answer("public_publications.json")
        if path == f"publications/{CIN_PUBLICATION}/data-sets":
            return self.json_answer("public_publication_data_sets.json")
        match = re.fullmatch(r"data-sets/([^/]+)(/versions(?:/([^/]+)(/changes)?)?|/csv)?", path)
        if not match or match[1] not in (B1, C1):
            return self.not_found()
        data_set, rest, version, changes = match.groups()
        short = "b1" if data_set == B1 else "c1"
        if rest is None:
            items = fixture("public_publication_data_sets.json")["results"]
            return 200, "application/json", json.dumps(next(i for i in items if i["id"] == data_set)).encode(), ""
        if rest == "/csv":
            return self.real_csv(self.api_files[data_set], gzipped=True)  # the API always sends gzip
        if version is None:
            return self.json_answer(f"public_data_set_versions_{short}.json")
        if changes:
            name = f"public_data_set_changes_{short}_{version}.json"
            return self.json_answer(name) if (FIXTURES / name).exists() else self.not_found()
        versions = fixture(f"public_data_set_versions_{short}.json")["results"]
        found = [item for item in versions if item["version"] == version]
        return (200, "application/json", json.dumps(found[0]).encode(), "") if found else self.not_found()

    def content_api(self, path: str, query: dict):
        if path == "publications/characteristics-of-children-in-need":
            return self.json_answer("content_publication_cin.json")
        if path == "publications/children-looked-after-in-england-including-adoptions":
            return self.json_answer("content_publication_cla.json")
        if path == "data-set-files":
            if query.get("publicationId") == CIN_PUBLICATION:
                return self.json_answer(f"content_data_set_files_cin_page{query.get('page', '1')}.json")
            if query.get("publicationId") == CLA_PUBLICATION:
                return self.json_answer("content_data_set_files_cla.json")
            return self.not_found()
        match = re.fullmatch(r"releases/([^/]+)/files/([^/]+)", path)
        if match and match[2] in self.file_names:
            return self.real_csv(self.file_names[match[2]])
        return self.not_found()

    # what the tests look at ---------------------------------------------------------
    def downloads(self) -> list[str]:
        return [r for r in self.requests if re.search(r"/csv\b|/files/|/raw/", r)]


@pytest.fixture
def ees():
    server = FakeEes()
    yield server
    server.stop()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def make_data_dir(root: Path, ees: FakeEes, edit=None) -> Path:
    """A copy of data/national and the lock file, the statistical neighbour files served by ``ees``,
    B1's title given (so it is looked up in the public API) and ``edit(entries)`` applied."""
    data = root / "data"
    shutil.copytree(PROJECT_DATA / "national", data / "national")
    lock = json.loads((PROJECT_DATA / LOCK_FILE).read_text(encoding="utf-8"))
    entries = {entry["table"]: entry for entry in lock["sources"]}
    for table in ("sn_2021", "sn_2025"):
        entries[table]["url"] = f"{ees.base}/raw/{entries[table]['file']}"
    entries["cin_b1"]["title"] = B1_TITLE
    if edit:
        edit(entries)
    (data / LOCK_FILE).write_text(json.dumps(lock, indent=2), encoding="utf-8")
    return data


def run(data: Path, ees: FakeEes, *options: str, api_url: str | None = None, timeout: str = "10"):
    return cli.main(["fetch-national", "--data-dir", str(data), "--allow-data-outside-project",
                     "--api-url", api_url or ees.api_url, "--content-api-url", ees.content_url,
                     "--timeout", timeout, *options])


def lock_entries(data: Path) -> dict[str, dict]:
    return {entry["table"]: entry for entry in json.loads((data / LOCK_FILE).read_text())["sources"]}


# --------------------------------------------------------------------------------------
# A full fetch
# --------------------------------------------------------------------------------------
@needs_real_files
def test_fetch_looks_up_downloads_imports_and_pins_every_source(ees, tmp_path, capsys):
    data = make_data_dir(tmp_path, ees)
    assert run(data, ees) == 0
    out = capsys.readouterr().out

    # B1 (title known) was found through the public API: publication by search, then its data sets
    assert any(r.startswith("/statistics/v1/publications?") and "search=Characteristics+of+children+in+need" in r
               for r in ees.requests)
    assert f"/statistics/v1/data-sets/{B1}/csv?dataSetVersion=2.0" in ees.requests
    # C1 (no title) was found among the release's files, which say it is in the public API
    assert f"/statistics/v1/data-sets/{C1}/csv?dataSetVersion=1.0" in ees.requests
    # the rest come from the release's files; the second page of the listing was read too
    assert any("page=2" in r and r.startswith("/api/data-set-files") for r in ees.requests)
    assert sum("/api/releases/" in r for r in ees.requests) == 9
    assert (f"cin_b1 (b1_children_in_need_2013_to_2025.csv): EES public API, data set {B1} version 2.0 "
            "(release 2025)\n      newly pinned: looked up by publication and title") in out
    assert (f"cin_c3 ({C3_FILE}): EES release file, release 2025 file {C3_FILE}\n"
            "      newly pinned: looked up by publication and file name") in out

    # the extract is the one the importer makes from the same files: identical to the project's
    for name in ("national_indicators.csv", "areas.csv", "statistical_neighbours.csv"):
        assert (data / "national" / name).read_bytes() == (PROJECT_DATA / "national" / name).read_bytes(), name
    provenance = json.loads((data / "national" / "provenance.json").read_text())
    fetched = {item["table"]: item for item in provenance["fetched"]["sources"]}
    assert set(fetched) == {source["table"] for source in provenance["source_files"]}
    assert (fetched["cin_b1"]["data_set_id"], fetched["cin_b1"]["version"], fetched["cin_b1"]["release"]) == (
        B1, "2.0", "2025")
    assert fetched["cin_b1"]["download_url"].endswith(f"/data-sets/{B1}/csv?dataSetVersion=2.0")
    assert fetched["cin_c3"]["how"] == "EES release file" and fetched["sn_2025"]["how"] == "direct download"

    # the lock now pins what was fetched
    lock = lock_entries(data)
    assert (lock["cin_b1"]["data_set_id"], lock["cin_b1"]["version"]) == (B1, "2.0")
    assert (lock["cin_c1"]["data_set_id"], lock["cin_c1"]["version"]) == (C1, "1.0")
    assert lock["cin_c3"]["file_id"] == "f11e0000-0000-4000-8000-000000000003"
    assert lock["cin_c3"]["title"].startswith("C3 Factors identified")
    assert all(entry["sha256"] == fetched[table]["sha256"] for table, entry in lock.items())


@needs_real_files
def test_a_pinned_lock_fetches_exactly_the_pinned_versions(ees, tmp_path, capsys):
    def pin(entries):
        entries["cin_b1"].update(data_set_id=B1, version="1.0")
    data = make_data_dir(tmp_path, ees, pin)
    assert run(data, ees) == 0
    b1_requests = [r for r in ees.requests if B1 in r]
    assert b1_requests == [f"/statistics/v1/data-sets/{B1}/versions/1.0",
                           f"/statistics/v1/data-sets/{B1}/csv?dataSetVersion=1.0"]
    assert not any(r.startswith("/statistics/v1/publications") for r in ees.requests)  # no look-up
    assert lock_entries(data)["cin_b1"]["release"] == "2024"  # as the pinned version's release says
    newly_pinned = capsys.readouterr().out.rsplit("newly pinned in", 1)[1]
    assert "cin_b1" not in newly_pinned and "cin_c1" in newly_pinned


@needs_real_files
def test_update_moves_every_pin_to_the_newest_and_says_from_what(ees, tmp_path, capsys):
    def pin(entries):
        entries["cin_b1"].update(data_set_id=B1, version="1.0", release="2024")
        entries["cin_c3"].update(release_version_id="5e1ea5e0-0000-4000-8000-000000002024", release="2024",
                                 file_id="f11e0000-0000-4000-8000-000000000099")
    data = make_data_dir(tmp_path, ees, pin)
    kept = tmp_path / "downloads"
    assert run(data, ees, "--update", "--keep-downloads", str(kept)) == 0
    out = capsys.readouterr().out
    assert f"/statistics/v1/data-sets/{B1}/csv?dataSetVersion=2.0" in ees.requests
    assert f"newly pinned: was data set {B1} version 1.0 (release 2024)" in out
    assert f"newly pinned: was release 2024 file {C3_FILE}" in out
    lock = lock_entries(data)
    assert (lock["cin_b1"]["version"], lock["cin_b1"]["release"]) == ("2.0", "2025")
    assert (lock["cin_c3"]["release"], lock["cin_c3"]["file_id"]) == ("2025", "f11e0000-0000-4000-8000-000000000003")
    assert len(list(kept.glob("*.csv"))) == 13  # --keep-downloads keeps what was imported


def test_keep_downloads_refuses_a_folder_that_already_holds_csv_files(ees, tmp_path, capsys):
    data = make_data_dir(tmp_path, ees)
    before = snapshot(data)
    kept = tmp_path / "downloads"
    kept.mkdir()
    (kept / "old.csv").write_text("a,b\n1,2\n")
    assert run(data, ees, "--keep-downloads", str(kept)) == 1
    assert "already holds CSV files; give an empty or new folder" in capsys.readouterr().err
    assert ees.requests == [] and snapshot(data) == before


# --------------------------------------------------------------------------------------
# Failures: a clear message, and the data folder exactly as it was
# --------------------------------------------------------------------------------------
def test_server_down_says_so_and_how_to_do_it_by_hand(ees, tmp_path, capsys):
    data = make_data_dir(tmp_path, ees)
    before = snapshot(data)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/statistics/v1/"
    assert run(data, ees, api_url=closed) == 1
    err = capsys.readouterr().err
    assert "could not reach the EES public API" in err and "Check the internet connection" in err
    assert "Nothing was changed" in err
    assert ("  - cin_b1: b1_children_in_need_2013_to_2025.csv from "
            "https://explore-education-statistics.service.gov.uk/find-statistics/characteristics-of-children-in-need") in err
    assert "then run: python -m analysis import-national FOLDER" in err
    assert snapshot(data) == before


def test_a_server_error_is_reported_with_the_apis_own_words(ees, tmp_path, capsys):
    data = make_data_dir(tmp_path, ees)
    before = snapshot(data)
    ees.overrides["/statistics/v1/publications"] = (500, "application/json",
                                                    (FIXTURES / "problem_details_500.json").read_bytes())
    assert run(data, ees) == 1
    err = capsys.readouterr().err
    assert ("the EES public API failed while answering" in err
            and "(500 Internal Server Error: There was a problem processing the request.)" in err)
    assert "try again later" in err and "Nothing was changed" in err
    assert snapshot(data) == before and ees.downloads() == []


def test_an_unknown_pinned_data_set_id_says_which_entry_and_what_to_do(ees, tmp_path, capsys):
    def pin(entries):
        entries["cin_b1"].update(data_set_id=UNKNOWN, version="1.0")
    data = make_data_dir(tmp_path, ees, pin)
    before = snapshot(data)
    assert run(data, ees) == 1
    err = capsys.readouterr().err
    assert (f"cin_b1 (b1_children_in_need_2013_to_2025.csv): the public API has no data set {UNKNOWN} "
            "version 1.0") in err
    assert "404 Not Found" in err and "Remove 'data_set_id' and 'version' from the entry" in err
    assert "Nothing was changed" in err
    assert snapshot(data) == before and ees.downloads() == []


@pytest.mark.parametrize("body, said", [
    (b'{"paging": {"page": 1, "pageSize": 40', "is not the JSON expected"),
    (b"<html><body>Service unavailable</body></html>", "is not the JSON expected"),
    (b'{"results": []}', "lacks paging, which the API documentation says it always has"),
])
def test_an_answer_that_is_not_the_json_expected_is_refused(ees, tmp_path, capsys, body, said):
    data = make_data_dir(tmp_path, ees)
    before = snapshot(data)
    ees.overrides["/api/data-set-files"] = (200, "application/json", body)
    assert run(data, ees) == 1
    err = capsys.readouterr().err
    assert said in err and "/api/data-set-files?" in err and "Nothing was changed" in err
    assert snapshot(data) == before and ees.downloads() == []


def test_a_request_without_an_answer_times_out(ees, tmp_path, capsys):
    data = make_data_dir(tmp_path, ees)
    before = snapshot(data)
    ees.delay = 1.0
    assert run(data, ees, timeout="0.3") == 1
    err = capsys.readouterr().err
    assert "no answer within 0.3 seconds" in err and "Nothing was changed" in err
    assert snapshot(data) == before


@needs_real_files
def test_a_csv_the_importer_refuses_leaves_the_data_folder_as_it_was(ees, tmp_path, capsys):
    data = make_data_dir(tmp_path, ees)
    before = snapshot(data)
    lines = (SHARED_DFE / C3_FILE).read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("Domestic_Abuse_child")] = "lots"  # neither a number nor a DfE symbol
    broken = "\n".join([lines[0], ",".join(row)] + lines[2:]) + "\n"
    ees.overrides["/api/releases/5e1ea5e0-0000-4000-8000-000000002025/files/f11e0000-0000-4000-8000-000000000003"] = (
        200, "text/csv", broken.encode("utf-8"))
    assert run(data, ees) == 1
    err = capsys.readouterr().err
    assert "the importer refused the downloaded files" in err
    assert f"{C3_FILE}, row 2, column Domestic_Abuse_child: value is neither a plain number" in err
    assert "Nothing was changed" in err
    kept = Path(re.search(r"The downloaded files are kept in (\S+) to look at", err)[1])
    assert (kept / C3_FILE).read_text(encoding="utf-8") == broken
    shutil.rmtree(kept)
    assert snapshot(data) == before


@needs_real_files
def test_a_file_that_is_not_the_table_expected_leaves_the_data_folder_as_it_was(ees, tmp_path, capsys):
    next_year = "c3_factors_identified_at_end_of_assessment_2018_to_2026.csv"  # a name the importer does not know

    def pin(entries):
        entries["cin_c3"].update(release_version_id="5e1ea5e0-0000-4000-8000-000000002025", release="2025",
                                 file_id="f11e0000-0000-4000-8000-000000000003", file=next_year)
    data = make_data_dir(tmp_path, ees, pin)
    before = snapshot(data)
    unrelated = FIXTURES.parent / "ees" / "synthetic_valid" / "synthetic_unrelated_table.csv"
    ees.overrides["/api/releases/5e1ea5e0-0000-4000-8000-000000002025/files/f11e0000-0000-4000-8000-000000000003"] = (
        200, "text/csv", unrelated.read_bytes())  # a valid EES file, but not the c3 table
    assert run(data, ees) == 1
    err = capsys.readouterr().err
    assert f"{next_year} should hold the cin_c3 table but the importer did not recognise it" in err
    assert "Nothing was changed" in err and snapshot(data) == before


@needs_real_files
def test_a_fixed_address_serving_another_file_is_refused(ees, tmp_path, capsys):
    data = make_data_dir(tmp_path, ees)
    before = snapshot(data)
    ees.overrides["/raw/sn_model_2025_wide.csv"] = (200, "text/csv", b"old_la_code,sn_1,sn_1p\n202,201,0.9\n")
    assert run(data, ees) == 1
    err = capsys.readouterr().err
    assert "sn_2025 (sn_model_2025_wide.csv): the file at" in err and "is not the one pinned" in err
    assert snapshot(data) == before


# --------------------------------------------------------------------------------------
# --check
# --------------------------------------------------------------------------------------
def test_check_lists_newer_versions_and_their_changes_without_downloading(ees, tmp_path, capsys):
    def pin(entries):
        entries["cin_b1"].update(data_set_id=B1, version="1.0", release="2024")
        entries["cin_c1"].update(data_set_id=C1, version="1.0", release="2025")
        entries["cin_c3"].update(release_version_id="5e1ea5e0-0000-4000-8000-000000002024", release="2024",
                                 file_id="f11e0000-0000-4000-8000-000000000099",
                                 file="c3_factors_identified_at_end_of_assessment_2018_to_2024.csv")
    data = make_data_dir(tmp_path, ees, pin)
    before = snapshot(data)
    assert run(data, ees, "--check") == 0
    out = capsys.readouterr().out
    b1 = out.split("cin_b1 (b1_children_in_need_2013_to_2025.csv): newer", 1)[1].split("\n  cin_", 1)[0]
    assert "pinned version 1.0; newer: 1.1, 2.0" in b1
    assert b1.index("changes in version 1.1 (Minor, published 2025-03-13, release Reporting year 2024)") < b1.index(
        "changes in version 2.0 (Major, published 2025-10-30, release Reporting year 2025)")
    for line in ("minor: indicators changed: Episodes at 31 March -> Episodes of need at 31 March",
                 "major: indicators deleted: Episodes of need at 31 March",
                 "major: locations deleted: Local authority: Cumbria",
                 "minor: indicators added: Children in need at 31 March",
                 "minor: locations added: Local authority: Cumberland, Local authority: Westmorland and Furness",
                 "minor: time periods added: 2025"):
        assert line in b1, line
    assert "cin_c1 (c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv): up to date" in out
    assert ("cin_c3 (c3_factors_identified_at_end_of_assessment_2018_to_2024.csv): newer" in out
            and f"newer: release Reporting year 2025 ({C3_FILE})" in out and "EES lists no changes" in out)
    assert "cla_numbers (cla_number_and_rate_per_10k_children.csv): not pinned" in out
    assert "sn_2025 (sn_model_2025_wide.csv): fixed" in out
    assert "2 of 13 sources have a newer version." in out
    assert ees.downloads() == [] and snapshot(data) == before


def test_changes_are_summarised_by_kind_with_long_lists_counted():
    changes = {"majorChanges": {"timePeriods": [
        {"previousState": {"code": "RY", "period": str(year), "label": str(year)}, "currentState": None}
        for year in range(2010, 2018)]}, "minorChanges": {}}
    assert summarise_changes(changes) == [
        "major: time periods deleted: 2010, 2011, 2012, 2013, 2014, 2015 and 2 more"]
    assert summarise_changes({"majorChanges": {}, "minorChanges": {}}) == ["no changes listed"]


# --------------------------------------------------------------------------------------
# The lock file
# --------------------------------------------------------------------------------------
def test_the_projects_lock_file_has_a_source_for_every_table():
    sources = read_sources(PROJECT_DATA / LOCK_FILE)
    assert len(sources) == 13 and all(s.sha256 for s in sources)
    assert {s.how for s in sources} == {"look up", "url"}  # no EES id is known until fetched


def test_a_lock_file_missing_a_table_or_with_an_unknown_field_is_refused(tmp_path):
    lock = json.loads((PROJECT_DATA / LOCK_FILE).read_text(encoding="utf-8"))
    lock["sources"] = [s for s in lock["sources"] if s["table"] != "cin_d5"]
    lock["sources"][0]["dataset_id"] = "x"
    path = tmp_path / LOCK_FILE
    path.write_text(json.dumps(lock), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_sources(path)
    text = str(caught.value)
    assert "sources entry 1 has field(s) the command does not know: dataset_id" in text
    assert "table cin_d5 (Child protection plans at 31 March by length of time on the plan) has no entry" in text


def test_file_names_and_titles_match_across_releases():
    b1 = "b1_children_in_need_2013_to_2025.csv"
    assert without_years(b1) == without_years("b1_children_in_need_2013_to_2026.csv")
    assert without_years("ons_mid-year_population_estimates.csv") == without_years(
        "ons_mid-year_population_estimates_2012_to_2024.csv")
    assert without_years(B1_TITLE) == without_years(B1_TITLE.replace("2025", "2021"))
    assert without_years(b1) != without_years("b2_children_in_need_2013_to_2025.csv")
