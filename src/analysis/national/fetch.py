"""fetch-national: download the national files the book needs from Explore Education Statistics,
then run the importer on them.

Usage (the CLI wraps this as ``python -m analysis fetch-national``)::

    from analysis.national.fetch import EesServices, fetch_national
    result = fetch_national(Path("data"), EesServices.from_options(), log=print)

The recipe, for every entry of the lock file ``data/national-sources.json``
(:mod:`analysis.national.sources`):

1. work out what to download: the pinned version; or, for an entry not pinned yet, the
   data set found by publication and title (or file name) in the public API or in the
   publication's latest release; or, with ``update=True``, the newest version;
2. download every file into a temporary folder;
3. run the importer (:func:`analysis.national.importer.import_national`) on that folder,
   writing into a second temporary folder, and check each file was read as its table;
4. only then replace the four files of ``data/national/`` together, with provenance.json
   also recording each file's data set id, version and release, and rewrite the lock
   file with what was pinned.

Any failure before step 4 leaves ``data/national/`` and the lock file exactly as they were.
``--check`` (what is newer, and what changed, without downloading) is
:mod:`analysis.national.fetch_check`.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable

from analysis.errors import InputError
from analysis.files import sha256_file, write_all_atomically
from analysis.national import ees_api
from analysis.national.ees_api import EesService, FetchError, NotFound
from analysis.national.importer import ImportSummary, import_national
from analysis.national.sources import LOCK_FILE, Source, read_sources, safe_file_name, without_years, write_sources
from analysis.national.write import PROVENANCE_FILE

HOW = {"api": "EES public API", "release file": "EES release file", "url": "direct download"}


@dataclass
class EesServices:
    """The two EES services, at their real addresses unless told otherwise (tests, proxies)."""

    api: EesService
    content: EesService
    timeout: float = ees_api.TIMEOUT_SECONDS

    @classmethod
    def from_options(cls, api_url: str | None = None, content_url: str | None = None,
                     timeout: float = ees_api.TIMEOUT_SECONDS) -> "EesServices":
        api_url = api_url or ees_api.default_url(ees_api.PUBLIC_API_ENV, ees_api.PUBLIC_API_URL)
        content_url = content_url or ees_api.default_url(ees_api.CONTENT_API_ENV, ees_api.CONTENT_API_URL)
        return cls(EesService(api_url, "the EES public API", timeout),
                   EesService(content_url, "the EES content API", timeout), timeout)


# --------------------------------------------------------------------------------------
# Step 1: what to download
# --------------------------------------------------------------------------------------
def by_hand(source: Source) -> str:
    """How a person gets the file without this command."""
    if source.url:
        return f"{source.file} from {source.url}" + (f" (published with {source.page})" if source.page else "")
    return f"{source.file} from {source.page or ees_api.publication_page(source.publication_slug)}"


def manual_route(sources: list[Source]) -> str:
    """The whole job by hand: which file to download from where, then import-national."""
    lines = ["To do it by hand instead, download these files into one folder:"]
    lines += [f"  - {source.table}: {by_hand(source)}" for source in sources]
    lines.append("then run: python -m analysis import-national FOLDER")
    return "\n".join(lines)


def _choose_version(api: EesService, source: Source, data_set_id: str) -> dict:
    """The newest usable version of a data set (of the release the lock names, if it names one)."""
    versions = [v for v in ees_api.data_set_versions(api, data_set_id) if v["status"] != "Withdrawn"]
    if source.release:
        versions = [v for v in versions if (v.get("release") or {}).get("slug") == source.release]
    if not versions:
        release = f" from release {source.release}" if source.release else ""
        raise NotFound(f"{source.label()}: data set {data_set_id} has no usable version{release} in the public API. "
                       f"Download {by_hand(source)}")
    return versions[0]


def _pin_api(source: Source, data_set_id: str, version: dict, title: str | None = None) -> Source:
    return replace(source, data_set_id=data_set_id, version=version["version"],
                   release=(version.get("release") or {}).get("slug") or source.release,
                   title=title or source.title, release_version_id=None, file_id=None)


def _one(matches: list[dict], source: Source, where: str, name: Callable[[dict], str]) -> dict | None:
    if len(matches) > 1:
        raise NotFound(f"{source.label()}: more than one data set in {where} matches: "
                       + "; ".join(name(m) for m in matches)
                       + ". Give the right one's 'title' in the lock file")
    return matches[0] if matches else None


def _in_public_api(source: Source, services: EesServices) -> Source | None:
    """The data set with the lock's title among the publication's data sets in the public API."""
    if not source.title:
        return None  # the public API does not give file names, only titles
    publication = ees_api.find_publication(services.api, source.publication or source.publication_slug,
                                           source.publication_slug)
    if publication is None:
        return None  # the publication has no data set in the public API
    wanted = without_years(source.title)
    data_sets = [d for d in ees_api.publication_data_sets(services.api, publication["id"])
                 if without_years(d["title"]) == wanted and d["status"] != "Withdrawn"]
    found = _one(data_sets, source, f"the public API's {publication['title']}", lambda d: d["title"])
    if found is None:
        return None
    return _pin_api(source, found["id"], _choose_version(services.api, source, found["id"]), found["title"])


def matching_files(files: list[dict], source: Source) -> list[dict]:
    """The release files that are this source: by title once known, else by file name (years aside)."""
    if source.title:
        by_title = [f for f in files if without_years(f["title"]) == without_years(source.title)]
        if by_title:
            return by_title
    return [f for f in files if without_years(f["filename"]) == without_years(source.file)]


def _in_release(source: Source, services: EesServices) -> Source:
    """The file among the data files of the publication's latest release (or of the release the lock names)."""
    try:
        publication = ees_api.content_publication(services.content, source.publication_slug)
    except FetchError as error:
        if error.status != 404:
            raise
        raise NotFound(f"{source.label()}: EES has no publication {source.publication_slug!r} ({error}). Check "
                       f"'publication_slug' in {LOCK_FILE}, or download {by_hand(source)}", 404, error.url) from None
    files = ees_api.release_data_files(services.content, publication["id"], latest_only=not source.release)
    if source.release:
        files = [f for f in files if (f.get("release") or {}).get("slug") == source.release]
    which = f"release {source.release}" if source.release else "the latest release"
    found = _one(matching_files(files, source), source, f"{which} of {publication['title']}",
                 lambda f: f"{f['title']} ({f['filename']})")
    if found is None:
        titled = f"titled {source.title!r} or " if source.title else ""
        raise NotFound(f"{source.label()}: no data file {titled}named like {source.file} in {which} of "
                       f"{publication['title']} on EES. Download {by_hand(source)}")
    name = found["filename"] if safe_file_name(found["filename"]) else source.file
    linked = found.get("api") or {}
    if linked.get("id") and linked.get("version"):
        # The release file is also a data set in the public API: use the API, which keeps versions.
        version = ees_api.data_set_version(services.api, linked["id"], linked["version"])
        return replace(_pin_api(source, linked["id"], version, found["title"]), file=name)
    return replace(source, release_version_id=found["release"]["id"], file_id=found["fileId"],
                   release=found["release"].get("slug"), title=found["title"], file=name,
                   data_set_id=None, version=None)


def look_up(source: Source, services: EesServices) -> Source:
    """The source pinned to what EES publishes now: first the public API, then the release's files."""
    return _in_public_api(source, services) or _in_release(source, services)


def resolve(source: Source, services: EesServices, update: bool = False) -> tuple[Source, str]:
    """The source pinned to what will be downloaded, and a note when that differs from the lock."""
    if source.how == "url":
        return source, ""
    if source.how == "api":
        try:
            if update:
                pinned = _pin_api(replace(source, release=None), source.data_set_id,
                                  _choose_version(services.api, replace(source, release=None), source.data_set_id))
            else:
                version = ees_api.data_set_version(services.api, source.data_set_id, source.version)
                if version["status"] == "Withdrawn":
                    raise NotFound(f"{source.label()}: version {source.version} of data set {source.data_set_id} "
                                   "has been withdrawn. Run with --check to see the newer versions, then --update")
                pinned = _pin_api(source, source.data_set_id, version)
        except FetchError as error:
            if error.status == 404:
                raise NotFound(
                    f"{source.label()}: the public API has no data set {source.data_set_id} version {source.version} "
                    f"({error}). The lock file {LOCK_FILE} pins it; it may have been withdrawn or mistyped. Remove "
                    "'data_set_id' and 'version' from the entry to look the data set up again by publication and "
                    f"title, or download {by_hand(source)}", status=404, url=error.url) from None
            raise
    elif source.how == "release file" and not update:
        return source, ""
    else:
        pinned = look_up(replace(source, release=None) if update else source, services)
    if pinned.pin == source.pin:
        return pinned, ""
    if source.how == "look up":
        return pinned, f"newly pinned: looked up by publication and {'title' if source.title else 'file name'}"
    return pinned, f"newly pinned: was {source.pinned_as}"


# --------------------------------------------------------------------------------------
# Step 2: downloading
# --------------------------------------------------------------------------------------
def download(source: Source, services: EesServices, folder: Path) -> tuple[str, str]:
    """Save the source's file into ``folder`` under its name; return (URL, sha256)."""
    destination = folder / source.file
    if source.how == "api":
        url = ees_api.download_data_set_csv(services.api, source.data_set_id, source.version, destination)
    elif source.how == "release file":
        url = ees_api.download_release_file(services.content, source.release_version_id, source.file_id, destination)
    else:
        url = EesService(source.url, f"the address {source.url}", services.timeout).download("", destination)
    sha256 = sha256_file(destination)
    if source.how == "url" and sha256 != source.sha256:
        # A fixed address can change under us without notice: only the pinned file is accepted.
        raise FetchError(f"{source.label()}: the file at {source.url} is not the one pinned in {LOCK_FILE} "
                         f"(sha256 {sha256}, expected {source.sha256}). If the publisher has replaced it on "
                         "purpose, check the new file and put its sha256 in the lock file")
    return url, sha256


# --------------------------------------------------------------------------------------
# Steps 3 and 4: importing, and replacing data/national
# --------------------------------------------------------------------------------------
@dataclass
class Fetched:
    """One source as fetched: where from, and what changed in the lock."""

    source: Source
    url: str
    note: str = ""

    def record(self) -> dict:
        """What provenance.json records about where the file came from."""
        return {"how": HOW[self.source.how], "download_url": self.url} | self.source.to_json()

    def line(self) -> str:
        text = f"{self.source.label()}: {HOW[self.source.how]}, {self.source.pinned_as}"
        return text + (f"\n      {self.note}" if self.note else "")


@dataclass
class FetchResult:
    """What a fetch downloaded, imported and pinned."""

    national_dir: Path
    lock_file: Path
    fetched: list[Fetched] = field(default_factory=list)
    imported: ImportSummary | None = None

    def report(self) -> str:
        lines = ["Fetched:"] + [f"  {item.line()}" for item in self.fetched]
        if self.imported is not None:
            lines.append(self.imported.report())
        changed = [item for item in self.fetched if item.note]
        lines.append(f"Replaced {self.national_dir}; {len(changed)} source(s) newly pinned in {self.lock_file}"
                     + (": " + ", ".join(item.source.table for item in changed) if changed else ""))
        return "\n".join(lines)


def _check_tables(summary: ImportSummary, sources: list[Source]) -> None:
    """Every file must have been read as the table its lock entry says it holds."""
    read_as = {item.file: item.table for item in summary.files}
    wrong = [f"{s.file} should hold the {s.table} table but the importer "
             + (f"read it as {read_as[s.file]}" if s.file in read_as else "did not recognise it")
             for s in sources if read_as.get(s.file) != s.table]
    if wrong:
        raise FetchError("the downloaded files are not the tables expected: " + "; ".join(wrong))


def _with_fetch_record(staging: Path, fetched: list[Fetched], today: date) -> dict[str, bytes]:
    """The four files of the new extract, provenance.json also saying where each file was fetched from."""
    provenance = json.loads((staging / PROVENANCE_FILE).read_text(encoding="utf-8"))
    provenance["fetched"] = {"date": today.isoformat(), "command": "python -m analysis fetch-national",
                             "lock_file": LOCK_FILE, "sources": [item.record() for item in fetched]}
    files = {path.name: path.read_bytes() for path in sorted(staging.iterdir()) if path.name != PROVENANCE_FILE}
    files[PROVENANCE_FILE] = (json.dumps(provenance, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return files


def fetch_national(data_dir: Path, services: EesServices, *, update: bool = False,
                   log: Callable[[str], None] | None = None, download_dir: Path | None = None,
                   today: date | None = None) -> FetchResult:
    """Fetch every source in ``data_dir``/national-sources.json, import them into ``data_dir``/national.

    ``update`` moves every pin to the newest version. ``download_dir`` keeps the downloads
    there (default: a temporary folder, removed afterwards unless the importer refused the
    files). Raises :class:`FetchError` (or :class:`analysis.errors.InputError` for a bad
    lock file); either way nothing in ``data_dir`` has changed.
    """
    say = log or (lambda message: None)
    today = today or date.today()
    lock_file, national_dir = Path(data_dir) / LOCK_FILE, Path(data_dir) / "national"
    sources = read_sources(lock_file)
    result = FetchResult(national_dir, lock_file)
    unchanged = f"Nothing was changed: {national_dir} and {lock_file} are as they were."
    keep_downloads = download_dir is not None
    if download_dir and any(Path(download_dir).glob("*.csv")):
        # The importer reads every CSV in the folder: old files would be read with the new ones.
        raise FetchError(f"{download_dir} already holds CSV files; give an empty or new folder to download into")
    folder = Path(download_dir) if download_dir else Path(tempfile.mkdtemp(prefix="fetch-national-downloads-"))
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="fetch-national-extract-"))
    try:
        plan = []  # every source is resolved before anything is downloaded
        for source in sources:
            say(f"looking up {source.label()}" if source.how == "look up" else f"checking {source.label()}")
            plan.append((source, *resolve(source, services, update)))
        names = [pinned.file for _, pinned, _ in plan]
        if len(set(names)) < len(names):
            twice = sorted({name for name in names if names.count(name) > 1})
            raise FetchError(f"two sources would be saved as the same file ({', '.join(twice)}); give each "
                             f"entry of {LOCK_FILE} its own 'file'")
        for source, pinned, note in plan:
            say(f"downloading {pinned.file} ({HOW[pinned.how]})")
            url, sha256 = download(pinned, services, folder)
            if not note and source.sha256 and sha256 != source.sha256:
                note = f"the file differs from the one last fetched (sha256 {sha256[:12]}...)"
            result.fetched.append(Fetched(replace(pinned, sha256=sha256), url, note))
        try:
            result.imported = import_national(folder, staging, log=say, today=today)
        except InputError as error:
            keep_downloads = True  # the files the importer refused, to look at
            raise FetchError(f"the importer refused the downloaded files:\n{error}\n"
                             f"The downloaded files are kept in {folder} to look at.") from None
        _check_tables(result.imported, [item.source for item in result.fetched])
        files = _with_fetch_record(staging, result.fetched, today)
    except NotFound as error:
        raise NotFound(f"{error}\n{unchanged}\n{manual_route(sources)}", error.status, error.url) from None
    except FetchError as error:
        unreachable = error.status is None and "could not reach" in str(error)
        advice = f"\n{manual_route(sources)}" if unreachable else ""
        raise FetchError(f"{error}\n{unchanged}{advice}", error.status, error.url) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not keep_downloads:
            shutil.rmtree(folder, ignore_errors=True)
    # Only now, with every file fetched and imported, is anything in the data folder replaced.
    write_all_atomically(national_dir, files)
    write_sources(lock_file, [item.source for item in result.fetched])
    say(f"replaced {national_dir} and pinned the sources in {lock_file}")
    return result
