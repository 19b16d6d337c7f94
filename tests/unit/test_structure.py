"""The package's shape: stage subpackages that import one way only, and a README that lists them."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "analysis"
README = PACKAGE.parents[1] / "README.md"

# Bottom to top: a module may import from its own layer or any layer below, never above.
LAYERS = [
    {"errors", "vocabulary", "rounding", "files", "config", "periods", "person_level", "csv_rows"},
    {"present"},
    {"inputs"},
    {"national"},
    {"stats"},
    {"pages"},
    {"assurance"},
    {"site"},
    {"build"},
    {"cli", "__main__"},
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    part = module.split(".")[1] if "." in module else ""
    for rank, names in enumerate(LAYERS):
        if part in names:
            return rank
    raise AssertionError(f"{module} is in no layer: add its package to LAYERS")


def imports_of(path: Path) -> set[str]:
    """Every analysis module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("analysis")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis"):
            found.add(node.module)
            # "from analysis.stats import significance" imports the module analysis.stats.significance
            found |= {f"{node.module}.{alias.name}" for alias in node.names
                      if (PACKAGE.parent / f"{node.module}.{alias.name}".replace(".", "/")).with_suffix(".py").exists()}
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import; write the full analysis.… name")
    return found


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {m for m in imports_of(path) if m in known and m != name} for name, path in known.items()}


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    return [f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
            for module, targets in sorted(graph.items()) if module != "analysis"
            for target in sorted(targets) if target != "analysis" and layer_of(target) > layer_of(module)]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                found.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_imports_go_one_way():
    assert layer_violations(import_graph()) == []


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_the_checks_catch_an_upward_import_and_a_cycle():
    graph = import_graph()
    graph["analysis.config"] = graph["analysis.config"] | {"analysis.build.pipeline"}
    assert layer_violations(graph) == ["analysis.config (layer 0) imports analysis.build.pipeline (layer 8)"]
    graph["analysis.build.pipeline"] = graph["analysis.build.pipeline"] | {"analysis.config"}
    assert cycles(graph)


def test_every_package_is_in_a_layer():
    for name in modules():
        if name != "analysis":
            layer_of(name)


def readme_tree() -> set[str]:
    """Module paths listed in the README's package tree (lines like '  build/pipeline.py  ...')."""
    text = README.read_text(encoding="utf-8")
    block = text.split("## The package", 1)[1].split("```", 2)[1]
    listed, folder = set(), ""
    for line in block.splitlines():
        match = re.match(r"^(\s*)([\w/]+?)(/|\.py)\s", line + " ")
        if not match:
            continue
        indent, name, kind = match.groups()
        if kind == "/":
            folder = name + "/" if indent == "" else folder
            continue
        listed.add((folder if indent else "") + name + ".py")
    return listed


def test_readme_lists_every_module_and_no_other():
    actual = {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py") if path.name != "__init__.py"}
    listed = readme_tree()
    assert sorted(actual - listed) == [], "modules missing from the README's package tree"
    assert sorted(listed - actual) == [], "the README lists modules that do not exist"


@pytest.mark.parametrize("module", sorted(m for m in modules() if m != "analysis"))
def test_every_module_says_what_it_is_for(module):
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{module} has no docstring"
