"""Notebooks are clean, narrative templates: one parameters cell, no logic, no outputs, and every
name glued into the prose written out in the notebook's code."""
import ast
import json
import re

import pytest
import yaml

from analysis.config import PROJECT_ROOT

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
SECTION_NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
NOTEBOOKS = sorted(NOTEBOOKS_DIR.rglob("*.ipynb"))  # the sections and the pages under notebooks/assurance/
REQUIRED_PARAMETERS = {"year", "area_code", "data_dir", "output_dir"}
# {glue:text}`name`, {glue}`name`, {glue:md}`name:format` and ```{glue:figure} name
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)")
GLUE_DIRECTIVE = re.compile(r"^(?:`{3,}|:{3,})\{glue(?::\w+)?\}\s+(\S+)", re.MULTILINE)


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_every_notebook_is_in_the_table_of_contents_and_back():
    toc = yaml.safe_load((PROJECT_ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    listed = {f for f in files if f.startswith("notebooks/")}
    assert listed == {p.relative_to(PROJECT_ROOT).with_suffix("").as_posix() for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_structure(path):
    cells = _cells(path)
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).lstrip().startswith("# ")
    parameter_cells = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(parameter_cells) == 1 and cells[1] is parameter_cells[0]
    assigned = {node.targets[0].id for node in ast.parse("".join(parameter_cells[0]["source"])).body}
    assert REQUIRED_PARAMETERS <= assigned


@pytest.mark.parametrize("path", SECTION_NOTEBOOKS, ids=lambda p: p.stem)
def test_section_notebooks_are_numbered(path):
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


def glue_names_in_prose(cells) -> set[str]:
    """Every name the markdown cells take from glue."""
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return set(GLUE_ROLE.findall(text)) | set(GLUE_DIRECTIVE.findall(text))


def strings_in_code(cells) -> set[str]:
    """Every string written out whole in the code cells (not pieced together, as f"{x}_label" is)."""
    found = set()
    for cell in cells:
        if cell["cell_type"] == "code":
            tree = ast.parse("".join(cell["source"]))
            found |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_glued_name_in_the_prose_is_written_in_the_code(path):
    """A reader who meets {glue:text}`x` in the prose finds "x" in the notebook's own code."""
    cells = _cells(path)
    missing = glue_names_in_prose(cells) - strings_in_code(cells)
    assert not missing, f"glued in the prose but not named in any code cell: {sorted(missing)}"


def test_glue_names_are_found_in_every_form_of_glue():
    cells = [{"cell_type": "markdown", "source": [
        "{glue:text}`a` and {glue}`b`, {glue:md}`c:.1f`\n", "```{glue:figure} d\n", ":name: e\n```"]}]
    assert glue_names_in_prose(cells) == {"a", "b", "c", "d"}
    code = [{"cell_type": "code", "source": ['page.glue_text("a", x)\n', 'page.glue_figure(f"{n}_label", y)']}]
    assert strings_in_code(code) == {"a", "_label"}
