import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DFE = PROJECT_ROOT.parent / "shared" / "data" / "dfe"
SEED_REPORT = PROJECT_ROOT / "data" / "partnership" / "2024-25" / "sources" / "camden-cscp-annual-report-2024-25-scrutiny-committee.txt"

sys.path.insert(0, str(PROJECT_ROOT / "src"))
