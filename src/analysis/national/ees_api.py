"""Talking to Explore Education Statistics (EES) over HTTP: its public API and its content API.

Two services, both read-only and open (no key needed):

* the public API, ``https://api.education.gov.uk/statistics/v1/``, documented at
  https://api.education.gov.uk/statistics/docs/ (publications, their data sets, each data
  set's versions, the changes a version made, and the CSV of a version);
* the content API behind the EES website,
  ``https://content.explore-education-statistics.service.gov.uk/api/``, which lists the
  data files of every release, including the many that are not in the public API, and
  serves each file as the website's "Download" link does.

Only the standard library is used. Every request has a timeout; every failure (no
connection, an error status, an answer that is not the JSON expected) raises
:class:`FetchError` with a message that says what happened and what to do.
"""
from __future__ import annotations

import gzip
import json
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

PUBLIC_API_URL = "https://api.education.gov.uk/statistics/v1/"
CONTENT_API_URL = "https://content.explore-education-statistics.service.gov.uk/api/"
FIND_STATISTICS_URL = "https://explore-education-statistics.service.gov.uk/find-statistics/"
# Environment variables that point the command at another server (the tests' local one, a proxy).
PUBLIC_API_ENV = "ANALYSIS_EES_API_URL"
CONTENT_API_ENV = "ANALYSIS_EES_CONTENT_API_URL"
TIMEOUT_SECONDS = 60.0
# A paged list longer than this is taken as a fault rather than followed for ever.
MAX_PAGES = 50
USER_AGENT = "analysis-fetch-national (Python urllib)"


class FetchError(Exception):
    """Getting something from EES failed; the message says what and what to do next.

    ``status`` is the HTTP status when the server answered with an error, else None.
    """

    def __init__(self, message: str, status: int | None = None, url: str = ""):
        super().__init__(message)
        self.status = status
        self.url = url


class NotFound(FetchError):
    """EES answered, but the file looked for is not where the lock file says it should be."""


def publication_page(slug: str) -> str:
    """The EES web page of a publication, where a person can download its files by hand."""
    return FIND_STATISTICS_URL + slug


def default_url(env: str, fallback: str) -> str:
    return os.environ.get(env, "").strip() or fallback


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _problem_text(body: bytes) -> str:
    """The useful part of an EES error body (title, detail and any validation messages)."""
    try:
        problem = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ""
    if not isinstance(problem, dict):
        return ""
    parts = [str(problem[key]) for key in ("title", "detail") if problem.get(key)]
    for error in problem.get("errors") or []:
        if isinstance(error, dict) and error.get("message"):
            parts.append(str(error["message"]))
    return "; ".join(parts)


class EesService:
    """One EES service (public API or content API) at a base URL."""

    def __init__(self, base_url: str, name: str, timeout: float = TIMEOUT_SECONDS):
        self.base_url = base_url
        self.name = name
        self.timeout = timeout

    def url(self, path: str, **query: Any) -> str:
        """The address of ``path`` under the base URL (the base URL itself for an empty path)."""
        address = urllib.parse.urljoin(_with_slash(self.base_url), path.lstrip("/")) if path else self.base_url
        given = {key: value for key, value in query.items() if value is not None}
        return address + ("?" + urllib.parse.urlencode(given) if given else "")

    def _open(self, url: str, accept: str):
        request = urllib.request.Request(url, headers={
            "Accept": accept, "Accept-Encoding": "gzip", "User-Agent": USER_AGENT})
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:  # the server answered, with an error status
            raise FetchError(self._status_message(url, error.code, error.reason, error.read()),
                             status=error.code, url=url) from None
        except (urllib.error.URLError, OSError) as error:  # no answer at all
            reason = getattr(error, "reason", None) or error
            if isinstance(reason, TimeoutError):
                reason = f"no answer within {self.timeout:g} seconds"
            raise FetchError(
                f"could not reach {self.name} at {url} ({reason}). Check the internet connection "
                f"(and the proxy settings, HTTPS_PROXY) and try again.", url=url) from None

    def _status_message(self, url: str, status: int, reason: str, body: bytes) -> str:
        detail = _problem_text(body)
        said = f"{status} {reason}" + (f": {detail}" if detail else "")
        if status == 404:
            return f"{self.name} has nothing at {url} ({said})"
        if status == 429:
            return f"{self.name} refused {url} because of too many requests ({said}); wait a few minutes and try again"
        if status >= 500:
            return (f"{self.name} failed while answering {url} ({said}). The fault is at DfE's end: "
                    "try again later")
        return f"{self.name} refused {url} ({said})"

    @staticmethod
    def _body(response) -> bytes:
        data = response.read()
        if response.headers.get("Content-Encoding", "").lower() == "gzip":
            data = gzip.decompress(data)
        return data

    def get_json(self, path: str, **query: Any) -> Any:
        """GET ``path`` and return its JSON."""
        url = self.url(path, **query)
        try:
            with self._open(url, "application/json") as response:
                body = self._body(response)
        except TimeoutError:
            raise FetchError(f"{self.name} did not finish answering {url} within {self.timeout:g} seconds; "
                             "try again later", url=url) from None
        except (OSError, EOFError) as error:  # cut off or garbled while reading
            raise FetchError(f"the answer from {self.name} to {url} was cut off or garbled ({error}); "
                             "try again", url=url) from None
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            start = body[:60].decode("utf-8", "replace").strip()
            raise FetchError(
                f"the answer from {self.name} to {url} is not the JSON expected ({error}; it starts "
                f"{start!r}). The service may be down for maintenance, or a proxy may be answering "
                "instead of it: try again later", url=url) from None

    def get_object(self, path: str, required: tuple[str, ...] = (), **query: Any) -> dict:
        """GET ``path``: a JSON object that must have the ``required`` fields."""
        answer = self.get_json(path, **query)
        return self.check(answer, required, self.url(path, **query))

    def check(self, answer: Any, required: tuple[str, ...], url: str) -> dict:
        """``answer`` itself, if it is a JSON object with the ``required`` fields."""
        if not isinstance(answer, dict):
            raise FetchError(f"the answer from {self.name} to {url} is not a JSON object as the API "
                             "documentation describes; the API may have changed", url=url)
        missing = [key for key in required if key not in answer]
        if missing:
            raise FetchError(f"the answer from {self.name} to {url} lacks {', '.join(missing)}, which the "
                             "API documentation says it always has; the API may have changed", url=url)
        return answer

    def get_pages(self, path: str, required: tuple[str, ...] = (), page_size: int = 20, **query: Any) -> list[dict]:
        """Every result of a paged list (``paging`` and ``results``, see the API's Pagination page)."""
        results: list[dict] = []
        page, total_pages = 1, 1
        while page <= total_pages:
            if page > MAX_PAGES:
                raise FetchError(f"{self.name} lists more than {MAX_PAGES} pages at {self.url(path, **query)}; "
                                 "stopped to avoid running for ever")
            url = self.url(path, page=page, pageSize=page_size, **query)
            answer = self.check(self.get_json(path, page=page, pageSize=page_size, **query),
                                ("paging", "results"), url)
            paging, items = answer["paging"], answer["results"]
            pages = paging.get("totalPages") if isinstance(paging, dict) else None
            if not isinstance(items, list) or not isinstance(pages, int):
                raise FetchError(f"the answer from {self.name} to {url} does not have the paging and results "
                                 "the API documentation describes; the API may have changed", url=url)
            results += [self.check(item, required, url) for item in items]
            total_pages = pages
            page += 1
        return results

    def download(self, path: str, destination: Path, **query: Any) -> str:
        """Save the file at ``path`` to ``destination`` (unzipped if sent gzip-compressed); return its URL."""
        url = self.url(path, **query)
        try:
            with self._open(url, "text/csv, */*") as response:
                kind = response.headers.get("Content-Type", "")
                if "html" in kind.lower() or "json" in kind.lower():
                    # A web page or an error object where a CSV file belongs: a proxy or a fault.
                    raise FetchError(f"{self.name} answered {url} with {kind.split(';')[0]}, not a CSV file; "
                                     "a proxy or a fault may be in the way: try again later", url=url)
                compressed = response.headers.get("Content-Encoding", "").lower() == "gzip"
                source = gzip.GzipFile(fileobj=response) if compressed else response
                with open(destination, "wb") as handle:
                    shutil.copyfileobj(source, handle, 1 << 20)
        except TimeoutError:
            raise FetchError(f"{self.name} stopped sending {url} for more than {self.timeout:g} seconds; "
                             "try again later", url=url) from None
        except (OSError, EOFError) as error:
            raise FetchError(f"the download of {url} from {self.name} was cut off or garbled ({error}); "
                             "try again", url=url) from None
        if destination.stat().st_size == 0:
            raise FetchError(f"{self.name} sent an empty file for {url}", url=url)
        return url


# --------------------------------------------------------------------------------------
# The public API's endpoints used here (names as in its reference pages)
# --------------------------------------------------------------------------------------
PUBLICATION_FIELDS = ("id", "slug", "title")
DATA_SET_FIELDS = ("id", "title", "status")
VERSION_FIELDS = ("version", "type", "status")


def find_publication(api: EesService, title: str, slug: str) -> dict | None:
    """ListPublications, searching by title: the publication with this slug, or None when it
    has no data set in the public API (the API lists only publications that have)."""
    found = api.get_pages("publications", PUBLICATION_FIELDS, page_size=40, search=title)
    return next((p for p in found if p["slug"] == slug), None)


def publication_data_sets(api: EesService, publication_id: str) -> list[dict]:
    """ListPublicationDataSets: the publication's data sets, each with its latest version."""
    return api.get_pages(f"publications/{publication_id}/data-sets", DATA_SET_FIELDS, page_size=20)


def data_set_versions(api: EesService, data_set_id: str) -> list[dict]:
    """ListDataSetVersions: every published version of a data set, newest first."""
    versions = api.get_pages(f"data-sets/{data_set_id}/versions", VERSION_FIELDS, page_size=20)
    return sorted(versions, key=lambda v: version_key(v["version"]), reverse=True)


def data_set_version(api: EesService, data_set_id: str, version: str) -> dict:
    """GetDataSetVersion: one version's summary (type, status, published, release)."""
    return api.get_object(f"data-sets/{data_set_id}/versions/{version}", VERSION_FIELDS)


def version_changes(api: EesService, data_set_id: str, version: str) -> dict:
    """GetDataSetVersionChanges: what a version changed relative to the version before it."""
    return api.get_object(f"data-sets/{data_set_id}/versions/{version}/changes", ("majorChanges", "minorChanges"))


def download_data_set_csv(api: EesService, data_set_id: str, version: str, destination: Path) -> str:
    """DownloadDataSetCsv: the whole data set version as the CSV file it was made from."""
    return api.download(f"data-sets/{data_set_id}/csv", destination, dataSetVersion=version)


def version_key(version: str) -> tuple[int, ...]:
    """'2.0' -> (2, 0); '1.10' sorts after '1.9'. Anything else sorts first."""
    try:
        return tuple(int(part) for part in str(version).split("."))
    except ValueError:
        return ()


# --------------------------------------------------------------------------------------
# The content API's endpoints used here (as the EES website calls them)
# --------------------------------------------------------------------------------------
DATA_SET_FILE_FIELDS = ("id", "fileId", "filename", "title", "release")


def content_publication(content: EesService, slug: str) -> dict:
    """GET publications/{slug}: the publication's id, title and latest release."""
    return content.get_object(f"publications/{slug}", ("id", "slug", "title", "latestRelease"))


def release_data_files(content: EesService, publication_id: str, latest_only: bool = True) -> list[dict]:
    """GET data-set-files: the data files of a publication's latest release (or of every release),
    each with its file name, its release and, if it is also in the public API, its data set id."""
    return content.get_pages("data-set-files", DATA_SET_FILE_FIELDS, page_size=40, publicationId=publication_id,
                             latestOnly="true" if latest_only else "false")


def download_release_file(content: EesService, release_version_id: str, file_id: str, destination: Path) -> str:
    """GET releases/{releaseVersionId}/files/{fileId}: one data file of one release, as published."""
    return content.download(f"releases/{release_version_id}/files/{file_id}", destination)
