"""``python -m analysis``: the project's command line (see analysis.cli)."""
from analysis.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
