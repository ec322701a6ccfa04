"""The tables a page draws, taken from the page itself: the API's rows are the grid's rows by construction.

A page's layout(**query) returns its grids already suppressed (components/tables.py data_grid, the one
small-number rule), so the API draws the page for the query asked, with the parts it draws after its first
response (components/later.py), and takes each grid's rowData, caption and column descriptions from the
component tree by its id {"type": "data-grid", "grid": ...}. Nothing is
computed twice, so a table and its endpoint cannot disagree; the price is that an endpoint costs what
drawing its page costs (figures included), which the shared cache (dashboard/cache.py) pays once per
selection and build: one drawing serves every table of the page, both formats and every page of rows.

A funnel table with more practices than a page sends at once is drawn empty, with the request for its
rows in a dcc.Store beside it; its rows are what the page's own load-the-table callback returns for that
request (components/funnel.py load_table_dependencies), called here as the page's button would.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

from dashboard import cache, db
from dashboard.components import later
from dashboard.components import tree as tree_nodes

GRID_TYPE = "data-grid"
# the page callback that sends a lazily loaded funnel table's rows (components/funnel.py)
LOAD_TABLE_CALLBACK = "load_funnel_table"


@dataclass(frozen=True)
class DrawnTable:
    grid: str  # the grid's id on its page, "pooled-budget-flows"
    caption: str
    columns: list[dict]  # components/tables.py described_columns
    rows: list[dict]


def _text(component) -> str:
    return " ".join(str(node) for node in tree_nodes.walk(component) if isinstance(node, (str, int, float))).strip()


def tables_in(tree, module_name: str | None = None) -> dict[str, DrawnTable]:
    """{grid id: DrawnTable} of every data grid in a drawn page, in the page's order."""
    nodes = list(tree_nodes.components(tree))
    captions = {node.id: _text(node) for node in nodes if isinstance(getattr(node, "id", None), str)
                and node.id.endswith("-caption")}
    stores = {node.id: node.data for node in nodes if node._type == "Store" and isinstance(node.id, str)}
    found: dict[str, DrawnTable] = {}
    for node in nodes:
        grid_id = getattr(node, "id", None)
        if node._type != "AgGrid" or not isinstance(grid_id, dict) or grid_id.get("type") != GRID_TYPE:
            continue
        name = grid_id["grid"]
        rows = node.rowData or []
        request = stores.get(f"{name}-request")
        if request is not None and not rows and module_name:
            load = getattr(sys.modules[module_name], LOAD_TABLE_CALLBACK)
            rows = load(1, request)
        found[name] = DrawnTable(name, captions.get(f"{name}-caption", ""), getattr(node, "jointcare_columns", []),
                                 list(rows))
    return found


def page_tables(page, query: dict[str, str]) -> dict[str, DrawnTable]:
    """Every table `page` (registry.Page) draws for `query` (its path variables, filters and own state), from
    the shared cache when this build has drawn them for the same query before."""
    cache_key = cache.key(db.build_id(), "api-tables", page.name, sorted(query.items()))
    stored = cache.get(cache_key)
    if stored is not None:
        return {name: DrawnTable(**table) for name, table in json.loads(stored).items()}
    # the parts a page draws after its first response (components/later.py) are drawn here too, as the browser
    # would ask for them
    drawn = tables_in(later.expand(page.layout(**query)), page.module)
    cache.put(cache_key, json.dumps({name: table.__dict__ for name, table in drawn.items()},
                                    separators=(",", ":")).encode())
    return drawn
