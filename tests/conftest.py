import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DFE = PROJECT_ROOT.parent / "shared" / "data" / "dfe"
SEED_REPORT = PROJECT_ROOT / "data" / "partnership" / "2024-25" / "sources" / "camden-cscp-annual-report-2024-25-scrutiny-committee.txt"

sys.path.insert(0, str(PROJECT_ROOT / "src"))

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def camden_edition(tmp_path_factory):
    """The default edition (Camden 2024-25) built once per test session into a temporary site.

    Returns the runner's BuildResult: .html_dir is the published edition, .stage_dir the
    executed notebooks and side files.
    """
    from analysis.runner import build_edition

    root = tmp_path_factory.mktemp("camden-edition")
    return build_edition("2024-25", "E09000007", stage_root=root / "stage", site_dir=root / "site", progress=None)
