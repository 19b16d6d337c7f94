"""No raw code output reaches a reader: every output of every executed notebook is a glued
figure, HTML or Markdown, never a printed stream, an error or a bare Python value."""
import json

from analysis.build.stage import toc_files
from analysis.config import PROJECT_ROOT

ALLOWED = {"text/html", "text/markdown", "application/papermill.record/text/plain"}


def raw_outputs(notebook: dict) -> list[str]:
    """Each output a reader would see as raw text: streams, errors, and values with no HTML or Markdown."""
    found = []
    for number, cell in enumerate(notebook["cells"], start=1):
        for output in cell.get("outputs", []):
            shown = set(output.get("data", {})) & ALLOWED
            if output["output_type"] in ("stream", "error") or not shown:
                text = output.get("text") or output.get("data", {}).get("text/plain") or output.get("ename")
                found.append(f"cell {number}: {output['output_type']} {''.join(text or '')[:80]!r}")
    return found


def test_raw_outputs_are_found():
    notebook = {"cells": [
        {"outputs": [{"output_type": "execute_result", "data": {"text/plain": ["'manifest.json'"]}}]},
        {"outputs": [{"output_type": "stream", "name": "stdout", "text": ["done\n"]}]},
        {"outputs": [{"output_type": "display_data", "data": {"text/html": ["<p>a</p>"], "text/plain": ["a"]}}]},
    ]}
    assert raw_outputs(notebook) == ["cell 1: execute_result \"'manifest.json'\"", "cell 2: stream 'done\\n'"]


def test_no_page_shows_raw_output(camden_edition):
    pages, _ = toc_files(PROJECT_ROOT / "_toc.yml")
    notebooks = [camden_edition.stage_dir / f"{page}.ipynb" for page in pages]
    assert all(path.is_file() for path in notebooks)
    found = {path.name: raw_outputs(json.loads(path.read_text(encoding="utf-8"))) for path in notebooks}
    assert {name: outputs for name, outputs in found.items() if outputs} == {}
