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

from analysis.errors import InputError
from analysis.params import DEFAULT_AREA, ParameterError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_PARAMETERS = 2

PROG = "python -m analysis"


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keep the hand-written line breaks of descriptions and examples."""


def _relative_to_project(path: Path) -> str:
    from analysis.paths import PROJECT_ROOT

    try:
        return path.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------
# build
# --------------------------------------------------------------------------


def add_build_command(subparsers: argparse._SubParsersAction) -> None:
    from analysis.paths import SITE_DIR, STAGE_DIR

    parser = subparsers.add_parser(
        "build",
        help="execute the notebooks for one year and area and publish the HTML book",
        description=(
            "Build one edition of the book: check the parameters, execute every notebook in\n"
            "_toc.yml with Papermill into a staged copy of the book, write the run manifest,\n"
            "build the HTML with Jupyter Book (warnings are errors) and publish it to\n"
            f"{_relative_to_project(SITE_DIR)}/<area>/<year>/.\n"
            "A failed build leaves the published site exactly as it was."
        ),
        epilog=(
            "examples:\n"
            f"  {PROG} build --year 2024-25\n"
            f"  {PROG} build --year 2025-26 --area E09000007 --jobs 4\n"
            f"  {PROG} build --year 2024-25 --data-dir /path/to/data\n"
            "\n"
            "exit codes: 0 built and published; 1 a notebook or the HTML build failed\n"
            "(each failure is listed with notebook and cell); 2 bad parameters."
        ),
        formatter_class=_HelpFormatter,
    )
    parser.add_argument(
        "--year", required=True, metavar="YYYY-YY",
        help="partnership (financial) year of the edition, e.g. 2024-25 = 1 April 2024 "
             "to 31 March 2025 (required)",
    )
    parser.add_argument(
        "--area", default=DEFAULT_AREA, metavar="CODE",
        help=f"ONS code of the local authority area, E followed by 8 digits "
             f"(default: {DEFAULT_AREA}, Camden)",
    )
    parser.add_argument(
        "--data-dir", default=None, metavar="PATH", type=Path,
        help="folder holding reference/, partnership/<year>/ and national/ "
             "(default: the project's data/ folder)",
    )
    parser.add_argument(
        "--jobs", "-j", default=2, type=int, metavar="N",
        help="how many notebooks to execute at once, one kernel each (default: 2)",
    )
    parser.add_argument(
        "--stage-dir", default=STAGE_DIR, type=Path, metavar="PATH",
        help="where executed notebooks are staged, one folder per edition "
             f"(default: {_relative_to_project(STAGE_DIR)})",
    )
    parser.add_argument(
        "--site-dir", default=SITE_DIR, type=Path, metavar="PATH",
        help=f"where editions are published (default: {_relative_to_project(SITE_DIR)})",
    )
    parser.set_defaults(handler=run_build)


def run_build(args: argparse.Namespace) -> int:
    from analysis import runner

    data_dir = args.data_dir.expanduser().resolve() if args.data_dir else None
    runner.build_edition(
        args.year,
        args.area,
        data_dir=data_dir,
        jobs=args.jobs,
        stage_root=args.stage_dir.expanduser().resolve(),
        site_dir=args.site_dir.expanduser().resolve(),
    )
    return EXIT_OK


# --------------------------------------------------------------------------
# import-national
# --------------------------------------------------------------------------


def add_import_national_command(subparsers: argparse._SubParsersAction) -> None:
    from analysis.paths import NATIONAL_DIR

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
        "--output", type=Path, default=NATIONAL_DIR, metavar="DIR",
        help=f"where to write the extract (default: {_relative_to_project(NATIONAL_DIR)})",
    )
    parser.set_defaults(handler=run_import_national)


def run_import_national(args: argparse.Namespace) -> int:
    folder = args.folder.expanduser().resolve()
    if not folder.is_dir():
        raise ParameterError(f"folder {folder} does not exist or is not a folder")
    output = args.output.expanduser().resolve()
    try:
        from analysis.national.importer import import_national
    except ImportError as error:
        print(f"error: the national importer is not available: {error}", file=sys.stderr)
        return EXIT_FAILED
    import inspect

    accepts_log = "log" in inspect.signature(import_national).parameters
    result = import_national(folder, output, **({"log": print} if accepts_log else {}))
    report = getattr(result, "report", None)
    print(report() if callable(report) else f"Imported the national statistics from {folder} into {output}")
    return EXIT_OK


# --------------------------------------------------------------------------
# Parser and entry point
# --------------------------------------------------------------------------

# Each function adds one subcommand; append new ones here.
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_build_command,
    add_import_national_command,
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (argparse exits 2 on bad usage itself)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_PARAMETERS
    from analysis.runner import BuildFailed

    try:
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
