"""Jupyter Book's command line started ahead of the notebooks (analysis.build.jupyterbook.HtmlBuild).

``python jupyter_book_ahead.py build STAGE ...`` runs ``jupyter-book build STAGE ...``, but its
Sphinx, once set up (Jupyter Book, Sphinx and the extensions imported, the configuration read,
the environment of the stage's last build loaded), waits for the line "build" on standard input
before it reads and writes the pages. Standard input closing first (the notebooks failed, or the
build stopped) ends it with WAITED_IN_VAIN. It runs at a lower priority, so that it sets itself
up on processor time the notebooks leave over rather than slowing them.

Run by its path, not as a module of the package: it needs nothing of ``analysis``.
"""
import logging
import os
import shutil
import sys

WAITED_IN_VAIN = 75
SET_UP = "Set up: waiting for the notebooks to be executed before reading the pages"
NICENESS = 10


# What Sphinx writes again in full whenever it writes any page, and so is removed just before: the
# static files (a page written while they are there links them with a checksum, ``style.css?v=…``,
# which a build from nothing does not) and the downloads (one no page links any more would stay).
# When no page has changed Sphinx writes nothing, and the last build's stay as they were.
REWRITTEN_EACH_BUILD = ("_static", "_downloads")


def build_when_told(app, *arguments, **options):
    print(SET_UP, flush=True)
    if sys.stdin.readline().strip() != "build":
        sys.exit(WAITED_IN_VAIN)
    write = app.builder.write

    def write_afresh(*write_arguments, **write_options):
        for name in REWRITTEN_EACH_BUILD:
            shutil.rmtree(os.path.join(app.outdir, name), ignore_errors=True)
        return write(*write_arguments, **write_options)

    app.builder.write = write_afresh
    return _sphinx_build(app, *arguments, **options)


if __name__ == "__main__":
    # Python put this file's folder first on the path: Sphinx must not find the build's modules
    # (cache, stage, ...) as top-level modules there.
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]
    os.nice(NICENESS)
    from jupyter_book.cli.main import main
    from sphinx.application import Sphinx

    _sphinx_build = Sphinx.build
    Sphinx.build = build_when_told
    sys.argv[0] = "jupyter-book"
    code = 0
    try:
        main()
    except SystemExit as end:  # how click's command line always ends
        code = end.code if isinstance(end.code, int) else (0 if end.code is None else 1)
        if not isinstance(end.code, (int, type(None))):
            print(end.code, file=sys.stderr)
    # Every file is written and closed: end without Python's tidying up of Sphinx's many modules and
    # objects, which takes about a third of a second that the build would wait for.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
