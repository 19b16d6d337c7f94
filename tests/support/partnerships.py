"""Synthetic partnership files for tests that build a data folder of their own."""
from __future__ import annotations

from pathlib import Path


def write_synthetic_partnership(data_dir: Path, partnership_id: str = "synthetic", *,
                                codes: tuple[str, ...] = ("E09000007",), own_figures: bool = True) -> Path:
    """Write ``data_dir/partnerships/<id>/partnership.toml`` for a synthetic partnership;
    return its folder (where its year folders go)."""
    folder = Path(data_dir) / "partnerships" / partnership_id
    folder.mkdir(parents=True, exist_ok=True)
    authorities = ", ".join(f'"{code}"' for code in codes)
    (folder / "partnership.toml").write_text(
        f'name = "Synthetic Safeguarding Children Partnership"\nshort_name = "Synthetic"\n'
        f'local_authorities = [{authorities}]\nlead_partners = ["Synthetic Council"]\n'
        f'own_figures = {"true" if own_figures else "false"}\n', encoding="utf-8")
    return folder
