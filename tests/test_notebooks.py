"""Notebooks are clean, narrative templates: one parameters cell, no logic, no outputs."""
import ast
import json
import re

import pytest
import yaml

from analysis import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))
REQUIRED_PARAMETERS = {"year", "area_code", "data_dir", "output_dir"}


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_every_notebook_is_in_the_table_of_contents_and_back():
    toc = yaml.safe_load(paths.TOC_FILE.read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    listed = {f for f in files if f.startswith("notebooks/")}
    assert listed == {f"notebooks/{p.stem}" for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_structure(path):
    cells = _cells(path)
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).lstrip().startswith("# ")
    parameter_cells = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(parameter_cells) == 1 and cells[1] is parameter_cells[0]
    assigned = {node.targets[0].id for node in ast.parse("".join(parameter_cells[0]["source"])).body}
    assert REQUIRED_PARAMETERS <= assigned
    assert re.match(r"^\d\d_[a-z_]+$", path.stem)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_has_no_logic_and_no_outputs(path):
    for cell in _cells(path):
        if cell["cell_type"] != "code":
            continue
        assert not cell["outputs"] and cell["execution_count"] is None, "committed with outputs"
        tree = ast.parse("".join(cell["source"]))
        defined = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))]
        assert not defined, f"logic defined in a notebook: {[type(n).__name__ for n in defined]}"
        assert "hide-input" in cell["metadata"].get("tags", []), "code cells are hidden behind a toggle"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_number_typed_into_prose(path):
    """Numbers in markdown come from glue; headings may not carry figures either."""
    for cell in _cells(path):
        if cell["cell_type"] != "markdown":
            continue
        text = re.sub(r"\{glue:text\}`[^`]+`", "", "".join(cell["source"]))
        text = re.sub(r"`[^`]*`", "", text)  # code spans name files and columns
        assert not re.findall(r"\d", text), f"typed number in {path.name}: {text!r}"
