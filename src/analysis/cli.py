"""The project's single command-line entry point: ``python -m analysis <command>``.

Exit codes: 0 success; 1 the work failed (build failure, bad input file);
2 bad parameters (wrong year, area or option). Messages go to stderr without a
traceback.

Adding a command: write ``add_<name>_command(subparsers)`` that creates the
subparser, documents its options and calls ``set_defaults(handler=...)`` with a
function taking the parsed arguments and returning an exit code; then append it
to ``COMMANDS``. Raise ParameterError for bad parameters, BuildFailed or
InputError for failures: ``main`` turns them into messages and exit codes.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Sequence

from analysis.config import DATA_DIR, SITE_DIR, STAGE_DIR, DataPaths, display_path
from analysis.errors import InputError, ParameterError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_PARAMETERS = 2

PROG = "python -m analysis"
DEFAULT_AREA_HELP = ("an ONS area code or a partnership's id (data/partnerships/<id>/); default: the partnership "
                     "that supplies its own figures")


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keep the hand-written line breaks of descriptions and examples."""


# --------------------------------------------------------------------------
# build
# --------------------------------------------------------------------------


def add_build_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "build",
        help="execute the notebooks for one year and area and publish the HTML book",
        description=(
            "Build one edition of the book: check the parameters, execute every notebook in\n"
            "_toc.yml with Papermill into a staged copy of the book, write the run manifest,\n"
            "build the HTML with Jupyter Book (warnings are errors) and publish it to\n"
            f"{display_path(SITE_DIR)}/<area>/<year>/.\n"
            "A failed build leaves the published site exactly as it was."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} build --year 2024-25\n"
            f"  {PROG} build --year 2025-26 --area CODE --jobs 4\n"
            f"  {PROG} build --year 2024-25 --data-dir data\n"
            "\n"
            "The input files are validated first (as `validate` does): any error stops the\n"
            "build before anything is executed.\n"
            "\n"
            "exit codes: 0 built and published; 1 an input file has errors, a notebook or the\n"
            "HTML build failed (each problem is listed); 2 bad parameters."
        ),
        formatter_class=_HelpFormatter,
    )
    parser.add_argument(
        "--year", required=True, metavar="YYYY-YY",
        help="partnership (financial) year of the edition, e.g. 2024-25 = 1 April 2024 "
             "to 31 March 2025 (required)",
    )
    parser.add_argument(
        "--area", default=None, metavar="CODE",
        help=f"the edition's area: {DEFAULT_AREA_HELP}",
    )
    _add_data_dir_options(parser)
    parser.add_argument(
        "--jobs", "-j", default=2, type=int, metavar="N",
        help="how many notebooks to execute at once, one kernel each (default: 2)",
    )
    parser.add_argument(
        "--stage-dir", default=STAGE_DIR, type=Path, metavar="PATH",
        help="where executed notebooks are staged, one folder per edition "
             f"(default: {display_path(STAGE_DIR)})",
    )
    parser.add_argument(
        "--site-dir", default=SITE_DIR, type=Path, metavar="PATH",
        help=f"where editions are published (default: {display_path(SITE_DIR)})",
    )
    parser.add_argument(
        "--pdf", action="store_true",
        help="print the PDF for committee papers after publishing (as `pdf` does, without the "
             "appendices). A PDF already in the edition being replaced is printed again anyway, "
             "with its own options",
    )
    parser.add_argument(
        "--force", action="store_true",
        help="execute every notebook and read every page again, reusing nothing from earlier builds "
             "(by default a notebook runs only when something it read, its parameters, the code it "
             "imported or the Python environment has changed since it last ran)",
    )
    parser.set_defaults(handler=run_build)


def _add_data_dir_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", default=None, metavar="PATH", type=Path,
        help="folder holding reference/, partnerships/ and national/ "
             "(default: the project's data/ folder); it must be inside the project",
    )
    parser.add_argument(
        "--allow-data-outside-project", action="store_true",
        help="accept a --data-dir outside the project (a deliberate one-off: such an "
             "edition cannot be reproduced from the project alone)",
    )


def _data_dir(args: argparse.Namespace) -> tuple[Path | None, tuple[Path, ...]]:
    """The --data-dir, resolved, and the folders it may lie in besides the project."""
    if not args.data_dir:
        return None, ()
    data_dir = args.data_dir.expanduser().resolve()
    return data_dir, ((data_dir,) if args.allow_data_outside_project else ())


def run_build(args: argparse.Namespace) -> int:
    from analysis.build.pipeline import build_edition

    data_dir, data_roots = _data_dir(args)
    build_edition(
        args.year,
        args.area,
        data_dir=data_dir,
        jobs=args.jobs,
        stage_root=args.stage_dir.expanduser().resolve(),
        site_dir=args.site_dir.expanduser().resolve(),
        pdf=args.pdf,
        force=args.force,
        **({"data_roots": data_roots} if data_roots else {}),
    )
    return EXIT_OK


# --------------------------------------------------------------------------
# build-all
# --------------------------------------------------------------------------


def add_build_all_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "build-all",
        help="build every area's edition (or those named) on Dask, into one site",
        description=(
            "Build the edition of every current local authority in the national statistics and of\n"
            "every configured partnership of several authorities (or the --areas named) into one\n"
            "site, with an index of them all. Editions run in parallel on Dask distributed: a\n"
            "LocalCluster sized to this machine, or the cluster at --scheduler. Each edition is\n"
            "built as `build` builds it, reusing the notebooks nothing has changed under, so\n"
            "after a national file changes only the pages that read it run again. Progress shows\n"
            "editions done out of all and the failures so far; an area that fails is reported\n"
            "and the others go on.\n"
            "\n"
            "examples:\n"
            f"  {PROG} build-all --year 2024-25\n"
            f"  {PROG} build-all --year 2024-25 --areas CODE CODE PARTNERSHIP-ID\n"
            f"  {PROG} build-all --year 2024-25 --scheduler tcp://10.0.0.5:8786\n"
            "\n"
            "exit codes: 0 every edition built or up to date; 1 one or more failed (each is\n"
            "listed); 2 bad parameters."
        ),
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--year", required=True, metavar="YYYY-YY",
                        help="partnership (financial) year of the editions, e.g. 2024-25 (required)")
    parser.add_argument("--areas", nargs="+", default=None, metavar="CODE",
                        help="the editions to build: ONS area codes or partnerships' ids (default: every "
                             "current local authority and every partnership of several authorities)")
    _add_data_dir_options(parser)
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="the address of a running Dask scheduler (e.g. tcp://10.0.0.5:8786); its workers "
                             "must see the same project, data and site folders. Default: a LocalCluster here")
    parser.add_argument("--workers", default=None, type=int, metavar="N",
                        help="Dask workers of the LocalCluster, one edition each at a time (default: one per "
                             "processor)")
    parser.add_argument("--jobs", "-j", default=1, type=int, metavar="N",
                        help="how many notebooks each edition executes at once (default: 1)")
    parser.add_argument("--stage-dir", default=STAGE_DIR, type=Path, metavar="PATH",
                        help=f"where editions are staged (default: {display_path(STAGE_DIR)})")
    parser.add_argument("--site-dir", default=SITE_DIR, type=Path, metavar="PATH",
                        help=f"where editions are published (default: {display_path(SITE_DIR)})")
    parser.add_argument("--force", action="store_true",
                        help="execute every notebook of every edition, reusing nothing from earlier builds")
    parser.set_defaults(handler=run_build_all)


def run_build_all(args: argparse.Namespace) -> int:
    import time

    from analysis.build.build_all import build_all, every_edition_area, summary
    from analysis.config import check_edition_area
    from analysis.inputs.partnership import partnership_for_area
    from analysis.periods import ReportYear

    year = ReportYear.parse(args.year).label
    data_dir, data_roots = _data_dir(args)
    areas = every_edition_area(data_dir)
    if args.areas:
        # A partnership over one authority is that authority's edition: name it once.
        named = [check_edition_area(area) for area in args.areas]
        areas = list(dict.fromkeys(getattr(partnership_for_area(area, data_dir), "edition_area", area) for area in named))
    for number, name in (("--workers", args.workers), ("--jobs", args.jobs)):
        if name is not None and name < 1:
            raise ParameterError(f"{number} must be at least 1, not {name}")
    started = time.perf_counter()
    outcomes = build_all(year, areas, data_dir=data_dir, stage_root=args.stage_dir.expanduser().resolve(),
                         site_dir=args.site_dir.expanduser().resolve(), scheduler=args.scheduler,
                         workers=args.workers, jobs=args.jobs, force=args.force, data_roots=data_roots)
    print(summary(outcomes, time.perf_counter() - started))
    print(f"Site index: {args.site_dir.expanduser().resolve() / 'index.html'}")
    return EXIT_OK if all(outcome.ok for outcome in outcomes) else EXIT_FAILED


# --------------------------------------------------------------------------
# validate
# --------------------------------------------------------------------------


def add_validate_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check an edition's input files and list every problem at once",
        description=(
            "Check the partnership's figures for one year: figures.csv and/or the partner\n"
            "returns (returns/*.csv, returns/*.xlsx), lists.csv and documents.csv in\n"
            "data/partnerships/<id>/<year>/. Every problem is listed at once with its file, sheet,\n"
            "row, column, value and the rule it breaks. Errors (a required figure missing, text\n"
            "where a number belongs, a formula in a workbook, ...) stop the build; warnings (an\n"
            "optional figure not supplied, ...) do not. `build` runs the same checks first."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} validate --year 2025-26\n"
            f"  {PROG} validate --year 2024-25 --area CODE\n"
            "\n"
            "exit codes: 0 no errors (warnings may be printed); 1 errors; 2 bad parameters."
        ),
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--year", required=True, metavar="YYYY-YY",
                        help="partnership (financial) year of the edition, e.g. 2025-26 (required)")
    parser.add_argument("--area", default=None, metavar="CODE",
                        help=f"the edition's area: {DEFAULT_AREA_HELP}")
    _add_data_dir_options(parser)
    parser.set_defaults(handler=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    from analysis.build.parameters import check_parameters
    from analysis.inputs.validate import validate_edition

    data_dir, data_roots = _data_dir(args)
    year, area, data_dir, _ = check_parameters(args.year, args.area, data_dir, 1, data_roots)
    report = validate_edition(year, area, data_dir)
    print(report.format())
    return EXIT_FAILED if report.errors else EXIT_OK


# --------------------------------------------------------------------------
# new-edition
# --------------------------------------------------------------------------


def add_new_edition_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "new-edition",
        help="create next year's folder with a return template for each partner",
        description=(
            "Create data/partnerships/<id>/<YEAR>/ for a partnership's new edition: for each\n"
            "partner (council, health, police, education) a return template as CSV and as\n"
            "Excel listing the indicators the partnership reports, their definitions, units, the period expected, whether each\n"
            "is required and last year's value for reference; a template for the qualitative\n"
            "lists (lists.csv); documents.csv; and a README.md of what to fill in.\n"
            "An existing year folder is never overwritten."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} new-edition 2025-26\n"
            f"  {PROG} new-edition 2025-26 --area ID\n"
            "\n"
            "exit codes: 0 created; 1 the folder already exists or an input file has errors;\n"
            "2 bad parameters."
        ),
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("year", metavar="YEAR", help="the new edition's year, e.g. 2025-26")
    parser.add_argument("--area", default=None, metavar="ID",
                        help=f"the partnership: {DEFAULT_AREA_HELP}")
    _add_data_dir_options(parser)
    parser.set_defaults(handler=run_new_edition)


def run_new_edition(args: argparse.Namespace) -> int:
    from analysis.build.parameters import validate_data_dir
    from analysis.inputs.templates import EditionExists, new_edition
    from analysis.periods import ReportYear

    year = ReportYear.parse(args.year).label
    data_dir, data_roots = _data_dir(args)
    data_dir = validate_data_dir(data_dir, year, data_roots)
    try:
        created = new_edition(year, data_dir, args.area)
    except EditionExists as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(created.report())
    return EXIT_OK


# --------------------------------------------------------------------------
# new-partnership
# --------------------------------------------------------------------------


def add_new_partnership_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "new-partnership",
        help="start a book for a partnership: its file, and return templates for its first year",
        description=(
            "Create data/partnerships/<id>/partnership.toml for a partnership covering the local\n"
            "authorities CODE ...: the authorities' codes and names come from the national\n"
            "statistics, the name and short name are worked out from them (edit them to the\n"
            "partnership's own). For a partnership that supplies its own figures (the default),\n"
            "the return templates for YEAR are written too, as new-edition does. A replaced\n"
            "authority's code is refused with its successors named; nothing is written over."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} new-partnership CODE --year 2025-26\n"
            f"  {PROG} new-partnership CODE CODE --id two-boroughs --no-own-figures\n"
            "\n"
            "exit codes: 0 created; 1 an input file has errors; 2 bad parameters."
        ),
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("codes", nargs="+", metavar="CODE", help="ONS code of each local authority it covers")
    parser.add_argument("--year", default=None, metavar="YYYY-YY",
                        help="the first edition's year, for the return templates (needed unless --no-own-figures)")
    parser.add_argument("--id", default=None, dest="partnership_id", metavar="ID",
                        help="the partnership's id and folder name (default: from the authority's name; "
                             "needed for several authorities)")
    parser.add_argument("--name", default=None, help="the partnership's name (default: <area> Safeguarding "
                                                      "Children Partnership)")
    parser.add_argument("--no-own-figures", dest="own_figures", action="store_false",
                        help="the partnership supplies no figures of its own: its editions are statistics profiles")
    _add_data_dir_options(parser)
    parser.set_defaults(handler=run_new_partnership)


def run_new_partnership(args: argparse.Namespace) -> int:
    from analysis.build.parameters import validate_data_dir
    from analysis.build.new_partnership import new_partnership
    from analysis.inputs.templates import EditionExists
    from analysis.periods import ReportYear

    year = ReportYear.parse(args.year).label if args.year else None
    data_dir, data_roots = _data_dir(args)
    data_dir = validate_data_dir(data_dir, year or "", data_roots)
    try:
        created = new_partnership(args.codes, year=year, data_dir=data_dir, partnership_id=args.partnership_id,
                                  name=args.name, own_figures=args.own_figures)
    except EditionExists as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(created.report())
    return EXIT_OK


# --------------------------------------------------------------------------
# import-national
# --------------------------------------------------------------------------


def add_import_national_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import-national",
        help="turn downloaded DfE/ONS (EES-format) files into the tidy national extract",
        description=(
            "Read the EES-format CSV files in FOLDER (DfE children in need, children looked\n"
            "after, ONS population), check them, and write the tidy national extract the\n"
            "book compares against. Any problem with a file is reported with file, row and\n"
            "column, and nothing is written."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} import-national ~/Downloads/dfe\n"
            f"  {PROG} import-national ../shared/data/dfe --output /tmp/national\n"
            "\n"
            "exit codes: 0 imported; 1 a file has problems; 2 FOLDER does not exist."
        ),
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("folder", type=Path, metavar="FOLDER",
                        help="folder holding the downloaded EES-format files")
    parser.add_argument(
        "--output", type=Path, default=DataPaths().national, metavar="DIR",
        help=f"where to write the extract (default: {display_path(DataPaths().national)})",
    )
    parser.set_defaults(handler=run_import_national)


def run_import_national(args: argparse.Namespace) -> int:
    folder = args.folder.expanduser().resolve()
    if not folder.is_dir():
        raise ParameterError(f"folder {folder} does not exist or is not a folder")
    output = args.output.expanduser().resolve()
    from analysis.national.importer import import_national

    print(import_national(folder, output, log=print).report())
    return EXIT_OK


# --------------------------------------------------------------------------
# fetch-national
# --------------------------------------------------------------------------


def add_fetch_national_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fetch-national",
        help="download the national statistics from Explore Education Statistics and import them",
        description=(
            "Download every file listed in data/national-sources.json (the lock file) from\n"
            "Explore Education Statistics, at the version it pins: from the EES public API where\n"
            "the data set is there, else from the release's data files; then run the importer on\n"
            "them (as import-national does). An entry with no version pinned yet is looked up by\n"
            "publication and title (or file name) and pinned; the command says so. data/national/\n"
            "and the lock file are replaced only when every file was downloaded and imported;\n"
            "provenance.json also records each file's data set id, version and release.\n"
            "--check lists the sources with a newer version and what changed, without downloading."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} fetch-national --check\n"
            f"  {PROG} fetch-national --update\n"
            f"  {PROG} fetch-national\n"
            "\n"
            "environment: ANALYSIS_EES_API_URL and ANALYSIS_EES_CONTENT_API_URL set the two base URLs\n"
            "\n"
            "exit codes: 0 fetched and imported (or checked); 1 a download, the lock file or the\n"
            "import failed (nothing was changed); 2 bad parameters."
        ),
        formatter_class=_HelpFormatter,
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--check", action="store_true",
                      help="list the sources with a newer version on EES and what changed; download nothing "
                           "and change no file")
    what.add_argument("--update", action="store_true",
                      help="fetch the newest version of every source and pin it (default: the pinned versions)")
    _add_data_dir_options(parser)
    parser.add_argument("--api-url", default=None, metavar="URL",
                        help="base URL of the EES public API (default: $ANALYSIS_EES_API_URL or "
                             "https://api.education.gov.uk/statistics/v1/)")
    parser.add_argument("--content-api-url", default=None, metavar="URL",
                        help="base URL of the EES content API (default: $ANALYSIS_EES_CONTENT_API_URL or "
                             "https://content.explore-education-statistics.service.gov.uk/api/)")
    parser.add_argument("--timeout", default=60.0, type=float, metavar="SECONDS",
                        help="give up on a request that gets no answer for this long (default: 60)")
    parser.add_argument("--keep-downloads", default=None, type=Path, metavar="DIR",
                        help="download into DIR and keep the files there (default: a temporary folder, "
                             "removed afterwards)")
    parser.set_defaults(handler=run_fetch_national)


def run_fetch_national(args: argparse.Namespace) -> int:
    from analysis.build.parameters import validate_data_dir
    from analysis.national.ees_api import FetchError
    from analysis.national.fetch import EesServices, fetch_national
    from analysis.national.fetch_check import check_sources
    from analysis.national.sources import LOCK_FILE, read_sources

    if args.timeout <= 0:
        raise ParameterError(f"--timeout must be a number of seconds above 0, not {args.timeout:g}")
    data_dir, data_roots = _data_dir(args)
    data_dir = validate_data_dir(data_dir, "", data_roots) or DATA_DIR
    services = EesServices.from_options(args.api_url, args.content_api_url, args.timeout)
    try:
        if args.check:
            print(check_sources(read_sources(data_dir / LOCK_FILE), services, log=print).report())
        else:
            keep = args.keep_downloads.expanduser().resolve() if args.keep_downloads else None
            print(fetch_national(data_dir, services, update=args.update, log=print, download_dir=keep).report())
    except FetchError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


# --------------------------------------------------------------------------
# verify
# --------------------------------------------------------------------------


def add_verify_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="rebuild a published edition in a temporary folder and report any difference",
        description=(
            "Check that a published edition reproduces: rebuild it into a temporary folder\n"
            "with the parameters recorded in its manifest, then compare every file with the\n"
            f"published edition in {display_path(SITE_DIR)}/<area>/<year>/ (and the executed\n"
            "notebooks in the stage). Each differing file is listed, with the field for\n"
            "notebooks and JSON. Only these declared fields may differ:\n"
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} verify --year 2024-25\n"
            f"  {PROG} verify --year 2024-25 --area CODE --keep\n"
            "\n"
            "exit codes: 0 identical apart from the declared fields; 1 differences found, no\n"
            "published edition to compare with, or the rebuild failed; 2 bad parameters."
        ),
        formatter_class=_HelpFormatter,
    )
    from analysis.assurance.reproducibility import describe_declared

    parser.description += describe_declared()
    parser.add_argument("--year", required=True, metavar="YYYY-YY",
                        help="partnership (financial) year of the edition, e.g. 2024-25 (required)")
    parser.add_argument("--area", default=None, metavar="CODE",
                        help=f"ONS code of the local authority area ({DEFAULT_AREA_HELP})")
    parser.add_argument("--site-dir", default=SITE_DIR, type=Path, metavar="PATH",
                        help=f"where the edition is published (default: {display_path(SITE_DIR)})")
    parser.add_argument("--stage-dir", default=STAGE_DIR, type=Path, metavar="PATH",
                        help=f"where its notebooks were executed (default: {display_path(STAGE_DIR)})")
    parser.add_argument("--keep", action="store_true",
                        help="keep the rebuilt copy (its folder is printed) to inspect differences")
    parser.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    from analysis.build.verify import VerifyError, verify_edition

    try:
        report = verify_edition(
            args.year, args.area,
            site_dir=args.site_dir.expanduser().resolve(),
            stage_root=args.stage_dir.expanduser().resolve(),
            keep=args.keep, progress=print,
        )
    except VerifyError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(report.describe())
    return EXIT_OK if report.identical else EXIT_FAILED


# --------------------------------------------------------------------------
# pdf
# --------------------------------------------------------------------------


def _add_built_edition_folders(parser: argparse.ArgumentParser) -> None:
    """--stage-dir and --site-dir of a command that works on an edition already built."""
    parser.add_argument("--stage-dir", default=STAGE_DIR, type=Path, metavar="PATH",
                        help=f"where the edition was staged by `build` (default: {display_path(STAGE_DIR)})")
    parser.add_argument("--site-dir", default=SITE_DIR, type=Path, metavar="PATH",
                        help=f"where the edition is published (default: {display_path(SITE_DIR)})")


def add_pdf_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "pdf",
        help="print a built edition to one PDF for committee papers (offline, headless Chromium)",
        description=(
            "Make a PDF of an edition that has been built (run `build` first): Jupyter Book\n"
            "builds the staged book, with its executed notebooks, as one HTML page, and headless\n"
            "Chromium prints it to A4: a cover (edition, area, version, date printed and the\n"
            "committee date if given), contents with page numbers, the key findings, then the\n"
            "findings, with page numbers, a running header and bookmarks. By default the PDF\n"
            "leaves out the appendices (the \"Methods and data\" and \"Assurance\" parts);\n"
            "--appendices puts them in. Code and screen-only controls are left out. Nothing is\n"
            "fetched from the network.\n"
            "The PDF is written into the published edition:\n"
            f"  {display_path(SITE_DIR)}/<area>/<year>/analysis-book-<area>-<year>.pdf\n"
            "Rebuilding the edition prints it again with the same options.\n"
            "Needs Chromium: apt-get install chromium (or set ANALYSIS_CHROMIUM to its path)."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} pdf --year 2024-25\n"
            f"  {PROG} pdf --year 2024-25 --area CODE --appendices\n"
            f"  {PROG} pdf --year 2024-25 --committee-date 2025-09-18\n"
            "\n"
            "exit codes: 0 written; 1 the edition is not built, Chromium is missing or printing\n"
            "failed; 2 bad parameters."
        ),
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--year", required=True, metavar="YYYY-YY",
                        help="partnership (financial) year of the edition, e.g. 2024-25 (required)")
    parser.add_argument("--area", default=None, metavar="CODE",
                        help=f"ONS code of the local authority area ({DEFAULT_AREA_HELP})")
    parser.add_argument("--appendices", action="store_true",
                        help="also print the appendices, the \"Methods and data\" and \"Assurance\" parts "
                             "(default: key findings and the \"Findings\" part only)")
    parser.add_argument("--committee-date", default=None, metavar="YYYY-MM-DD",
                        help="date of the committee meeting the papers are for, printed on the cover "
                             "(default: none)")
    _add_built_edition_folders(parser)
    parser.set_defaults(handler=run_pdf)


def run_pdf(args: argparse.Namespace) -> int:
    from analysis.build.pdf import make_pdf
    from analysis.build.pdf_contents import PdfOptions, parse_committee_date

    committee = parse_committee_date(args.committee_date).isoformat() if args.committee_date else None
    make_pdf(args.year, args.area, stage_root=args.stage_dir.expanduser().resolve(),
             site_dir=args.site_dir.expanduser().resolve(),
             options=PdfOptions(appendices=args.appendices, committee_date=committee))
    return EXIT_OK


# --------------------------------------------------------------------------
# committee-paper
# --------------------------------------------------------------------------


def add_committee_paper_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "committee-paper",
        help="write the council's cover report to the scrutiny committee, as Word and PDF",
        description=(
            "Make the committee paper of an edition that has been built (run `build` first): the\n"
            "council's cover report to its scrutiny committee, from the partnership's own text in\n"
            "data/partnerships/<id>/<year>/committee_paper.md with every figure filled from the\n"
            "edition's data. Written into the published edition as\n"
            f"  {display_path(SITE_DIR)}/<area>/<year>/committee-paper-<area>-<year>.docx (Word)\n"
            f"  {display_path(SITE_DIR)}/<area>/<year>/committee-paper-<area>-<year>.pdf\n"
            "The PDF has the book's PDF as Appendix 1 (printed first if there is none yet).\n"
            "Rebuilding the edition makes the paper again. Needs Chromium for the PDF."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} committee-paper --year 2024-25\n"
            "\n"
            "exit codes: 0 written; 1 the edition is not built, the paper's text has a problem or\n"
            "printing failed; 2 bad parameters."
        ),
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--year", required=True, metavar="YYYY-YY",
                        help="partnership (financial) year of the edition, e.g. 2024-25 (required)")
    parser.add_argument("--area", default=None, metavar="CODE",
                        help=f"ONS code of the local authority area or a partnership's id ({DEFAULT_AREA_HELP})")
    _add_built_edition_folders(parser)
    parser.set_defaults(handler=run_committee_paper)


def run_committee_paper(args: argparse.Namespace) -> int:
    from analysis.build.committee_paper import make_committee_paper

    make_committee_paper(args.year, args.area, stage_root=args.stage_dir.expanduser().resolve(),
                         site_dir=args.site_dir.expanduser().resolve())
    return EXIT_OK


# --------------------------------------------------------------------------
# Parser and entry point
# --------------------------------------------------------------------------

# Each function adds one subcommand; append new ones here.
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_build_command,
    add_build_all_command,
    add_validate_command,
    add_new_edition_command,
    add_new_partnership_command,
    add_import_national_command,
    add_fetch_national_command,
    add_verify_command,
    add_pdf_command,
    add_committee_paper_command,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Reproducible analysis book for a local safeguarding children partnership's\n"
            "annual report. Run a command with --help for its options."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} build --year 2024-25\n"
            f"  {PROG} new-edition 2025-26\n"
            f"  {PROG} validate --year 2025-26\n"
            f"  {PROG} build --help\n"
            "\n"
            "exit codes: 0 success; 1 failure (build or input file); 2 bad parameters."
        ),
        formatter_class=_HelpFormatter,
    )
    subparsers = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


def _partnership_area(args: argparse.Namespace) -> str:
    """The area when --area is not given: the one partnership in the data folder that supplies
    its own figures."""
    from analysis.inputs.partnership import default_partnership

    data_dir = getattr(args, "data_dir", None)
    folder = data_dir.expanduser().resolve() if data_dir else None
    partnership = default_partnership(folder)
    if partnership is None:
        raise ParameterError(f"no --area given, and no partnership in {display_path(DataPaths(folder or DATA_DIR).partnerships)} "
                             "supplies its own figures: give an ONS area code or a partnership's id with --area")
    return partnership.edition_area


def _edition_area(args: argparse.Namespace) -> str:
    """--area as editions are published: a partnership over one authority is built for that
    authority's code, so the partnership's id and that code give the same edition."""
    from analysis.inputs.partnership import partnership_for_area

    data_dir = getattr(args, "data_dir", None)
    partnership = partnership_for_area(args.area.strip(), data_dir.expanduser().resolve() if data_dir else None)
    return partnership.edition_area if partnership else args.area


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (argparse exits 2 on bad usage itself)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_PARAMETERS
    from analysis.build.failures import BuildFailed

    try:
        if getattr(args, "area", "") is None:
            args.area = _partnership_area(args)
        elif getattr(args, "area", None):
            args.area = _edition_area(args)
        return int(handler(args) or EXIT_OK)
    except ParameterError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_PARAMETERS
    except (BuildFailed, InputError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
