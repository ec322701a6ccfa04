"""The exports wing has no import circle (issue 18): no module of dashboard/exports imports, directly or through
other dashboard modules, a module that imports it back.

A circle makes the import order matter (one side must import the other inside a function, as summary.py and
gather.py once did) and makes neither module readable on its own. The graph is read from the source with ast,
imports inside functions included, so a deferred import cannot hide a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import dashboard

PACKAGE_ROOT = Path(dashboard.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The dashboard modules a file imports: `import a.b`, `from a import b` (b a module or a name in a)."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name in known}


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in PACKAGE_ROOT.rglob("*.py")}
    return {name: imported_modules(path, set(paths)) - {name} for name, path in paths.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The graph's strongly connected components of two or more modules (Tarjan), each sorted."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_the_finder_sees_a_circle_through_a_third_module():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_the_graph_reads_deferred_and_package_imports():
    graph = import_graph()
    # routes imports the PDF writers inside a function, and names gather through `from dashboard.exports import`
    assert {"dashboard.exports.summary_pdf", "dashboard.exports.pack_pdf", "dashboard.exports.gather"} \
        <= graph["dashboard.exports.routes"]
    assert "dashboard.suppression" in graph["dashboard.exports.gather"]


def test_no_module_of_the_exports_wing_is_in_an_import_circle():
    in_exports = [circle for circle in circles(import_graph())
                  if any(name.startswith("dashboard.exports") for name in circle)]
    assert in_exports == []
