"""fetch-national --check: which national sources have a newer version on EES, and what changed.

Nothing is downloaded and no file is written. For a data set in the public API, its list
of versions is compared with the pinned version and, for each newer one, the API's own
list of changes (GetDataSetVersionChanges) is summarised: indicators, filters, locations
and time periods added, deleted or changed, major changes first. For a release file that
is not in the public API, the publication's latest release is compared with the pinned
one; EES keeps no list of changes for those, so the release's page is named instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from analysis.national import ees_api
from analysis.national.ees_api import FetchError, NotFound
from analysis.national.fetch import EesServices, look_up, matching_files
from analysis.national.sources import Source

# The kinds of change in the API's ChangeSetViewModel, in the words the report uses.
CHANGE_KINDS = (
    ("indicators", "indicators"),
    ("filters", "filters"),
    ("filterOptions", "filter options"),
    ("geographicLevels", "geographic levels"),
    ("locationGroups", "location levels"),
    ("locationOptions", "locations"),
    ("timePeriods", "time periods"),
)
MOST_NAMES = 6  # names listed per line; the rest are counted


def _name(state: dict | None) -> str:
    """What a change's state is called: a label, a location's name, a period or a level."""
    if not isinstance(state, dict):
        return "?"
    for key in ("label", "name", "period", "code"):
        if state.get(key):
            return str(state[key])
    return _name(state.get("level")) if state.get("level") else "?"


def _group_name(group: dict) -> str:
    return _name(group.get("filter") or group.get("level"))


def summarise_changes(changes: dict) -> list[str]:
    """One line per kind of change: 'major: time periods deleted: 2013, 2014'."""
    lines: list[str] = []
    for severity, key in (("major", "majorChanges"), ("minor", "minorChanges")):
        change_set = changes.get(key) or {}
        for kind, words in CHANGE_KINDS:
            entries = change_set.get(kind) or []
            if kind in ("filterOptions", "locationOptions"):  # grouped by their filter or level
                flat = [(f"{_group_name(group)}: ", change)
                        for group in entries for change in group.get("options") or []]
            else:
                flat = [("", change) for change in entries]
            by_what: dict[str, list[str]] = {"added": [], "deleted": [], "changed": []}
            for prefix, change in flat:
                before, after = change.get("previousState"), change.get("currentState")
                what = "added" if before is None else "deleted" if after is None else "changed"
                name = _name(after or before)
                if what == "changed" and _name(before) != name:
                    name = f"{_name(before)} -> {name}"
                by_what[what].append(prefix + name)
            for what, names in by_what.items():
                if names:
                    more = f" and {len(names) - MOST_NAMES} more" if len(names) > MOST_NAMES else ""
                    lines.append(f"{severity}: {words} {what}: {', '.join(names[:MOST_NAMES])}{more}")
    if changes.get("notes"):
        lines.append(f"notes: {' '.join(str(changes['notes']).split())}")
    return lines or ["no changes listed"]


@dataclass
class SourceCheck:
    """What --check found for one source."""

    source: Source
    state: str  # "up to date", "newer", "not pinned", "not found" or "fixed"
    lines: list[str] = field(default_factory=list)

    def report(self) -> str:
        return "\n".join([f"  {self.source.label()}: {self.state}"] + [f"      {line}" for line in self.lines])


@dataclass
class CheckReport:
    """Every source checked."""

    checks: list[SourceCheck] = field(default_factory=list)

    @property
    def newer(self) -> list[SourceCheck]:
        return [check for check in self.checks if check.state == "newer"]

    def report(self) -> str:
        lines = [f"Checked {len(self.checks)} national sources against Explore Education Statistics "
                 "(nothing downloaded, nothing changed):"]
        lines += [check.report() for check in self.checks]
        lines.append(f"{len(self.newer)} of {len(self.checks)} sources have a newer version.")
        if self.newer or any(check.state == "not pinned" for check in self.checks):
            lines.append("To take them: python -m analysis fetch-national --update (sources not pinned yet are "
                         "pinned by any fetch); review the changes listed above, then build the book.")
        return "\n".join(lines)


def _version_line(version: dict) -> str:
    published = str(version.get("published") or "")[:10]
    release = (version.get("release") or {}).get("title")
    return (f"version {version['version']} ({version['type']}"
            + (f", published {published}" if published else "") + (f", release {release}" if release else "") + ")")


def _check_api(source: Source, services: EesServices) -> SourceCheck:
    api = services.api
    data_set = api.get_object(f"data-sets/{source.data_set_id}", ees_api.DATA_SET_FIELDS)
    versions = ees_api.data_set_versions(api, source.data_set_id)
    pinned = ees_api.version_key(source.version)
    newer = [v for v in versions if ees_api.version_key(v["version"]) > pinned and v["status"] != "Withdrawn"]
    lines = []
    if data_set["status"] != "Published":
        successor = data_set.get("supersedingDataSetId")
        lines.append(f"the data set is {data_set['status']}" + (f"; it is superseded by data set {successor}"
                                                               if successor else ""))
    if not newer:
        return SourceCheck(source, "up to date", [f"pinned {source.pinned_as} is the newest"] + lines)
    lines.insert(0, f"pinned version {source.version}; newer: {', '.join(v['version'] for v in reversed(newer))}")
    for version in reversed(newer):  # oldest first, as they were published
        lines.append(f"changes in {_version_line(version)}:")
        changes = ees_api.version_changes(api, source.data_set_id, version["version"])
        lines += [f"  {line}" for line in summarise_changes(changes)]
    return SourceCheck(source, "newer", lines)


def _check_release_file(source: Source, services: EesServices) -> SourceCheck:
    publication = ees_api.content_publication(services.content, source.publication_slug)
    files = ees_api.release_data_files(services.content, publication["id"], latest_only=True)
    page = ees_api.publication_page(source.publication_slug)
    found = matching_files(files, source)
    if not found:
        latest = (publication.get("latestRelease") or {}).get("title", "")
        return SourceCheck(source, "not found", [
            f"no such file in the latest release ({latest}) of {publication['title']}: renamed or dropped? "
            f"See {page}"])
    latest = found[0]
    if latest["release"]["id"] == source.release_version_id:
        return SourceCheck(source, "up to date", [f"pinned {source.pinned_as} is in the latest release"])
    lines = [f"pinned release {source.release}; newer: release {latest['release'].get('title')} "
             f"({latest['filename']})"]
    linked = latest.get("api") or {}
    if linked.get("id"):
        lines.append(f"this release's file is also in the public API: data set {linked['id']} "
                     f"version {linked.get('version')}")
    lines.append(f"not in the public API, so EES lists no changes: read the release at {page}/"
                 f"{latest['release'].get('slug', '')}")
    return SourceCheck(source, "newer", lines)


def check_source(source: Source, services: EesServices) -> SourceCheck:
    """Compare one source's pin with what EES publishes now."""
    if source.how == "url":
        return SourceCheck(source, "fixed", [f"a fixed file, pinned by sha256 at {source.url}: nothing to check"])
    try:
        if source.how == "api":
            return _check_api(source, services)
        if source.how == "release file":
            return _check_release_file(source, services)
        pinned = look_up(source, services)
        return SourceCheck(source, "not pinned", [f"fetch-national would pin {pinned.pinned_as}"])
    except NotFound as error:
        return SourceCheck(source, "not found", [str(error)])
    except FetchError as error:
        if error.status == 404:  # a pinned id EES does not know
            return SourceCheck(source, "not found", [f"{error}; the lock file pins {source.pinned_as}"])
        raise


def check_sources(sources: list[Source], services: EesServices,
                  log: Callable[[str], None] | None = None) -> CheckReport:
    """Check every source; any failure to reach EES stops the check with :class:`FetchError`."""
    say = log or (lambda message: None)
    report = CheckReport()
    for source in sources:
        say(f"checking {source.label()}")
        report.checks.append(check_source(source, services))
    return report
