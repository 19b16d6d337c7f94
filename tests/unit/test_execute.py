"""The one rewrite of an executed notebook: code out of the reader's way, all of it kept for the
scrutineer in one collapsed block at the end of the page (no book is built).

The expected sources are read from a real section notebook and from the Markdown parser the book
uses (markdown-it, as MyST does), not from the code under test.
"""
from __future__ import annotations

import copy
import json

from markdown_it import MarkdownIt

from analysis.build.execute import CODE_BLOCK_TITLE, tidy_executed_notebook
from analysis.config import PROJECT_ROOT

TEMPLATE = PROJECT_ROOT / "notebooks" / "02_front_door.ipynb"


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _executed_copy(tmp_path, extra_code: str | None = None) -> tuple[dict, object]:
    """The template as Papermill leaves it: the injected parameters after the defaults, an output."""
    notebook = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    cells = notebook["cells"]
    defaults = next(i for i, cell in enumerate(cells) if "parameters" in (cell["metadata"].get("tags") or []))
    cells.insert(defaults + 1, {"cell_type": "code", "id": "a1b2c3d4", "execution_count": 2,
                                "metadata": {"tags": ["injected-parameters"]}, "outputs": [],
                                "source": '# Parameters\nyear = "2024-25"\narea_code = "E09000019"\n'})
    last_code = max(i for i, cell in enumerate(cells) if cell["cell_type"] == "code")
    cells[last_code]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["a finding\n"]}]
    if extra_code is not None:
        cells.append({"cell_type": "code", "id": "e5f6a7b8", "execution_count": 9, "metadata": {},
                      "outputs": [], "source": extra_code})
    path = tmp_path / "02_front_door.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return notebook, path


def _fences(markdown: str) -> list[str]:
    return [token.content.rstrip("\n") for token in MarkdownIt("commonmark").parse(markdown)
            if token.type == "fence"]


def test_every_code_cell_is_off_the_page_but_its_outputs_and_the_text_stay(tmp_path):
    before, path = _executed_copy(tmp_path)
    tidy_executed_notebook(path, "notebooks/02_front_door.ipynb")
    after = json.loads(path.read_text(encoding="utf-8"))
    for old, new in zip(before["cells"], after["cells"]):
        assert _source(new) == _source(old) and new.get("outputs") == old.get("outputs")
        tags = new["metadata"].get("tags") or []
        if new["cell_type"] == "code":
            assert "remove-input" in tags and "hide-input" not in tags
        else:
            assert new == old
    # The downloadable notebook is still the whole executed notebook, plus the one block.
    assert len(after["cells"]) == len(before["cells"]) + 1


def test_one_block_at_the_end_lists_every_code_cells_source_in_order(tmp_path):
    before, path = _executed_copy(tmp_path)
    tidy_executed_notebook(path, "notebooks/02_front_door.ipynb")
    block = json.loads(path.read_text(encoding="utf-8"))["cells"][-1]
    text = _source(block)
    assert block["cell_type"] == "markdown"
    assert text.count("<details") == 1 and CODE_BLOCK_TITLE in text
    expected = [_source(cell).rstrip("\n") for cell in before["cells"] if cell["cell_type"] == "code"]
    assert _fences(text) == expected
    assert 'area_code = "E09000019"' in _fences(text)[1], "the parameters the page was run with"
    assert "the parameters this page was run with" in text


def test_code_with_backticks_cannot_end_the_listing_early(tmp_path):
    code = 'note = """\n```\nnot the end of the listing\n```\n"""\n'
    _, path = _executed_copy(tmp_path, extra_code=code)
    tidy_executed_notebook(path, "notebooks/02_front_door.ipynb")
    text = _source(json.loads(path.read_text(encoding="utf-8"))["cells"][-1])
    assert _fences(text)[-1] == code.rstrip("\n")


def test_rewriting_twice_gives_the_same_notebook(tmp_path):
    _, path = _executed_copy(tmp_path)
    tidy_executed_notebook(path, "notebooks/02_front_door.ipynb")
    once = path.read_text(encoding="utf-8")
    tidy_executed_notebook(path, "notebooks/02_front_door.ipynb")
    assert path.read_text(encoding="utf-8") == once


def test_a_notebook_without_code_gets_no_block(tmp_path):
    notebook = {"metadata": {}, "nbformat": 4, "nbformat_minor": 5,
                "cells": [{"cell_type": "markdown", "id": "m1", "metadata": {}, "source": "# Title\n"}]}
    path = tmp_path / "text_only.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    tidy_executed_notebook(path, "notebooks/text_only.ipynb")
    assert json.loads(path.read_text(encoding="utf-8"))["cells"] == copy.deepcopy(notebook["cells"])
