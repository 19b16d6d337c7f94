"""Every path the project uses, built from the project root.

Papermill runs notebooks with a different working directory, so nothing here
depends on the current directory.
"""
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

DATA_DIR = PROJECT_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
PARTNERSHIP_DIR = DATA_DIR / "partnership"
NATIONAL_DIR = DATA_DIR / "national"

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
BOOK_PAGES_DIR = PROJECT_ROOT / "book"
CONFIG_FILE = PROJECT_ROOT / "_config.yml"
TOC_FILE = PROJECT_ROOT / "_toc.yml"

BUILD_DIR = PROJECT_ROOT / "_build"
STAGE_DIR = BUILD_DIR / "stage"
SITE_DIR = BUILD_DIR / "site"


def partnership_year_dir(year: str, data_dir: Path | None = None) -> Path:
    """Folder holding the partnership's own figures for one edition year."""
    root = Path(data_dir) if data_dir else DATA_DIR
    return root / "partnership" / year
