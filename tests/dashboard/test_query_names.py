"""Every dashboard query is named whole where it is used, so a search for a query file's name finds its users.

A name built at run time (f"catchment__{name}") hides the file from that search, and from a reader deciding
whether a query can be changed or removed. The checks read the source, not a running app: a name that is
only built on some branch would escape a test that renders pages.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "dashboard"
QUERIES = DASHBOARD / "queries"
# dashboard/queries/<page>__<question>.sql: a string of that shape in the dashboard's code is a query name
QUERY_NAME = re.compile(r"^[a-z][a-z0-9_]*__[a-z0-9_]+$")
# the function that reads a query file: everything that takes a query name ends up here
READS_QUERY_FILE = "_sql"


def _query_files() -> set[str]:
    return {path.stem for path in QUERIES.glob("*.sql") if not path.stem.startswith("_")}


def _modules() -> dict[str, ast.Module]:
    return {str(path.relative_to(ROOT)): ast.parse(path.read_text()) for path in sorted(DASHBOARD.rglob("*.py"))}


def _names_written(modules: dict[str, ast.Module]) -> set[str]:
    return {node.value for tree in modules.values() for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and QUERY_NAME.match(node.value)}


def _called(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _functions(modules: dict[str, ast.Module]):
    for path, tree in modules.items():
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                yield path, function


def _passes_its_parameter(function, call: ast.Call) -> bool:
    arguments = {arg.arg for arg in function.args.args + function.args.kwonlyargs}
    return bool(call.args) and isinstance(call.args[0], ast.Name) and call.args[0].id in arguments


def name_takers(modules: dict[str, ast.Module]) -> set[str]:
    """The functions that take a query name: the file reader, and every function that hands its own
    parameter on to one of them as the name (run_query, reference_query, a page's small wrapper)."""
    takers = {READS_QUERY_FILE}
    while True:
        found = {function.name for _, function in _functions(modules)
                 for call in ast.walk(function)
                 if isinstance(call, ast.Call) and _called(call) in takers and _passes_its_parameter(function, call)}
        if found <= takers:
            return takers
        takers |= found


def names_not_written_whole(modules: dict[str, ast.Module]) -> list[str]:
    """Each call that gives a query-name taker anything but the whole name as a string (an f-string, a
    concatenation, a variable), as "path:line"; a taker handing on its own parameter is not such a call."""
    takers = name_takers(modules)
    passing_on = {(path, call.lineno) for path, function in _functions(modules) if function.name in takers
                  for call in ast.walk(function)
                  if isinstance(call, ast.Call) and _passes_its_parameter(function, call)}
    found = []
    for path, tree in modules.items():
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call) or _called(call) not in takers or (path, call.lineno) in passing_on:
                continue
            first = call.args[0] if call.args else None
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                found.append((path, call.lineno))
    return [f"{path}:{line}" for path, line in sorted(found)]


def test_every_query_file_is_named_whole_in_the_dashboard():
    unnamed = _query_files() - _names_written(_modules())
    assert not unnamed, f"no Python file in dashboard/ names these queries whole: {sorted(unnamed)}"


def test_every_query_name_in_the_dashboard_has_its_file():
    missing = _names_written(_modules()) - _query_files()
    assert not missing, f"these query names have no file in dashboard/queries: {sorted(missing)}"


def test_every_query_is_run_by_its_whole_name():
    assert names_not_written_whole(_modules()) == []


def test_the_check_finds_a_name_built_at_run_time():
    # the shape catchment.py had before issue 18: a wrapper adding the page's prefix
    source = '''
def _sql(name): ...
def run_query(name, **params): return _sql(name)
class Context:
    def query(self, name): return run_query(f"catchment__{name}")
def page(ctx, kind):
    ctx.query("catchment__map_council")
    run_query("catchment__" + kind)
    run_query("catchment__quarter")
'''
    modules = {"page.py": ast.parse(source)}
    # query builds the name rather than handing on its parameter, so it is not a taker and line 7 is not
    # checked; the f-string it builds on line 5 is, as is the concatenation on line 8
    assert name_takers(modules) == {"_sql", "run_query"}
    assert names_not_written_whole(modules) == ["page.py:5", "page.py:8"]
