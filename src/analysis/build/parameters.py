"""An edition's parameters, checked before anything is touched: year, area, data folder, jobs."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from analysis.config import AREA_CODE, PROJECT_ROOT, check_area_code, data_paths
from analysis.errors import ParameterError
from analysis.inputs.partnership import PARTNERSHIP_ID, check_partnership_area, partnership_for_area
from analysis.national.areas import area_name as national_area_name
from analysis.national.areas import check_local_authority
from analysis.periods import ReportYear


def validate_data_dir(data_dir: Path | str | None, year: str,
                      data_roots: Sequence[Path | str] = ()) -> Path | None:
    """The data folder, resolved; it must exist and lie inside the project.

    An edition is reproducible only from data the project keeps (under version control,
    hashed into the manifest), so a folder outside the project is refused. ``data_roots``
    names further folders that are allowed on purpose: the tests pass the temporary
    folders they create (``build_edition(..., data_roots=[tmp_path])``); the command line
    has ``--allow-data-outside-project`` for a deliberate one-off.
    """
    if data_dir is None or str(data_dir) == "":
        return None
    path = Path(data_dir).expanduser().resolve()
    if not path.exists():
        raise ParameterError(
            f"data folder {path} does not exist; give an existing folder that holds "
            "reference/, partnerships/ and national/"
        )
    if not path.is_dir():
        raise ParameterError(f"data folder {path} is a file, not a folder")
    allowed = [PROJECT_ROOT.resolve()] + [Path(root).expanduser().resolve() for root in data_roots]
    if not any(path == root or root in path.parents for root in allowed):
        raise ParameterError(
            f"data folder {path} is outside the project ({PROJECT_ROOT}): an edition is built only from "
            "data kept in the project, so that it can be reproduced; copy the folder into the project "
            "(for example under data/) or leave out --data-dir to use data/"
        )
    return path


def check_parameters(year: str, area_code: str, data_dir: Path | str | None, jobs: int,
                     data_roots: Sequence[Path | str] = ()) -> tuple[str, str, Path | None, int]:
    """Check every parameter before anything is touched; return them normalised.

    The area is a local authority's ONS code or a configured partnership's id; every local
    authority must be in the national statistics of the data folder the edition is built
    from, and not one that local government reorganisation replaced
    (data/reference/area_successors.csv): the refusal names its successors.
    """
    label = ReportYear.parse(year).label
    text = str(area_code).strip()
    folder = validate_data_dir(data_dir, label, data_roots)
    if PARTNERSHIP_ID.match(text) and not AREA_CODE.match(text):
        # A partnership's id: every authority it covers must be a current local authority.
        partnership = check_partnership_area(text, folder)
        area, codes = partnership.edition_area, partnership.local_authorities
    else:
        area = check_area_code(text)
        codes = (area,)
    for code in codes:
        check_local_authority(code, data_paths(folder).national, data_paths(folder).reference)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ParameterError(f"jobs must be a whole number of at least 1, not {jobs!r}")
    return label, area, folder, jobs


def area_name(area_code: str, data_dir: Path | None = None) -> str | None:
    """The area's name for the manifest, titles and the site index: from the national
    statistics, else the partnership's own record; None when neither knows it."""
    try:
        return national_area_name(area_code, data_paths(data_dir).national)
    except (ParameterError, FileNotFoundError):
        pass
    partnership = partnership_for_area(area_code, data_dir)
    return partnership.short_name if partnership else None
