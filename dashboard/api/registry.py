"""What the API serves: one endpoint per table a page draws, and the parameters each takes.

The pages are Dash's page registry (dash.page_registry): every page with data grids is an API page named
after its module ("pooled_budget" -> "pooled-budget"), at an address that mirrors the page's own
(/pooled-budget -> /api/v1/pooled-budget/<table>, /practice/<code> -> /api/v1/practice/<code>/<table>).
A table's name is its grid id without the page's prefix ("pooled-budget-flows" -> "flows"), so the
addresses are as stable as the grid ids the pages' tests and the browser already rely on.

Parameters: the filters (whatever filters.ADDRESS_KEYS holds, a user's own group's name and members among
them, so a new filter is served without this module naming it) and each page's own state in its address
(PAGE_STATE: a chosen measure, say), each with the rule the page itself uses for what it accepts. The list
of endpoints (index) is found by drawing each page for a whole-area and a council example (drawn.py): a
table that only a selection shows is found, and the list cannot fall behind the pages. It is kept in the
shared cache per build.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache as memoise
from urllib.parse import urlencode

import dash

from dashboard import cache, catalogue, db, filters
from dashboard.api import drawn
from dashboard.api.paging import CSV_CAP, MAX_SIZE
from dashboard.components import peers, spend_outcomes
from dashboard.db import run_query
from dashboard.exports import csv_files

PREFIX = "/api/v1"
FORMATS = ("json", "csv")
NOT_API_PAGES = ("not_found_404", "api")
APP_PAGES = "pages"  # the package Dash loads dashboard/pages/ as
PATH_VARIABLE = re.compile(r"<([a-z_]+)>")
EXAMPLE_PRACTICES = 3  # practice profiles drawn for the index


@dataclass(frozen=True)
class StateParameter:
    """One of a page's own query parameters: what it means, and the values the page accepts for a selection."""
    name: str
    meaning: str
    allowed: Callable[[filters.Selection], list[str]]


def _module(name: str):
    """A page's module as Dash loaded it (pages.<name>): importing dashboard.pages.<name> again would
    register the page twice, and Dash then refuses every request ("duplicate paths")."""
    return sys.modules[f"{APP_PAGES}.{name}"]


def _outcome_measures(_selection: filters.Selection) -> list[str]:
    page = _module("outcomes")
    return [option["value"] for option in page.measure_options(page._measures()) if not option["disabled"]]


def _spend_groups(selection: filters.Selection) -> list[str]:
    groups = run_query("pooled_budget__spend_groups", period=selection.params()["period"])
    return [_module("pooled_budget").ALL_SPEND, *groups["scheme_group"]]


COMPARE = StateParameter("compare", "Compare with the usual comparators ('usual') or similar areas ('peers': one "
                                    "council or one practice chosen).", lambda _s: ["usual", peers.COMPARE_PEERS])
PAGE_STATE: dict[str, tuple[StateParameter, ...]] = {
    "outcomes": (StateParameter("measure", "The outcome measure shown (its id).", _outcome_measures), COMPARE),
    "pooled-budget": (
        StateParameter("spend", "The spend beside outcomes: all planned BCF spend ('all') or one scheme-type group.",
                       _spend_groups),
        StateParameter("per", "Spend per head of all registered residents ('all') or those aged 65+ ('65').",
                       lambda _s: list(spend_outcomes.PER_HEAD))),
    "practice": (StateParameter("measure", "The outcome measure the profile's outcome tables show (its id).",
                                lambda _s: _module("practice").profile_measures()),),
}
PAGING = {
    "size": "Rows per page of the answer: 1 to {max_size} (JSON: {max_size} unless given; CSV: every row, up to "
            "{csv_cap}, unless given).",
    "page": "Which page of rows: 1 (the first) unless given; the JSON's `next` links to the one after.",
}


@dataclass(frozen=True)
class Page:
    name: str  # "pooled-budget"
    module: str  # "pages.pooled_budget", as Dash loaded it
    path: str  # the page's own address, "/pooled-budget" or "/practice/<code>"
    layout: Callable
    state: tuple[StateParameter, ...] = field(default=())

    @property
    def variables(self) -> list[str]:
        return PATH_VARIABLE.findall(self.path)

    @property
    def prefix(self) -> str:
        return self.name + "-"

    def table_name(self, grid: str) -> str:
        return grid.removeprefix(self.prefix)

    def grid_id(self, table: str) -> str:
        return self.prefix + table

    def api_path(self, table: str, fmt: str, variables: dict[str, str] | None = None) -> str:
        page_path = self.page_path(variables)
        return f"{PREFIX}/{self.name}{page_path.removeprefix('/' + self.name) if self.variables else ''}/{table}.{fmt}"

    def page_path(self, variables: dict[str, str] | None = None) -> str:
        path = self.path
        for name, value in (variables or {}).items():
            path = path.replace(f"<{name}>", value)
        return path

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return (*filters.ADDRESS_KEYS, *(parameter.name for parameter in self.state))


def pages() -> dict[str, Page]:
    """{name: Page} of every page the API serves, in the site's order."""
    found = {}
    for entry in dash.page_registry.values():
        package, _, module_name = entry["module"].rpartition(".")
        # Dash loads the pages as pages.<name>; a second registration under another name (a test importing
        # dashboard.pages.<name>) is the same page
        if module_name in NOT_API_PAGES or package != APP_PAGES:
            continue
        name = module_name.replace("_", "-")
        found[name] = Page(name, entry["module"], entry.get("path_template") or entry["path"], entry["layout"],
                           PAGE_STATE.get(name, ()))
    return found


@memoise
def _example_codes(_version: int) -> dict[str, str]:
    """The codes the examples use: the council with the most practices (the likeliest to have every kind of
    data, so every table its pages can show is found) and that council's practices."""
    councils = filters.options().councils["council_code"]
    served = {code: filters.selected_practices(filters.Selection(council=code)) for code in councils}
    if not served:
        return {"council": "", "practices": []}
    council = max(served, key=lambda code: len(served[code]))
    return {"council": str(council), "practices": [str(code) for code in served[council]["practice_code"]]}


def examples(page: Page) -> list[dict[str, str]]:
    """The queries a page is drawn for to find its tables, in the page's own default year: the example
    council, then the whole area (a table only one of them shows is found); a practice profile, for the
    council's first few practices (one without a joint-working return has no tables of one).

    Why not every year too: at England scale each drawing costs 0.2-0.4 s, and every year would make the
    list take half a minute to make once per build. A table that a page shows only in some other year is
    still served for that year (routes.py serves any grid the page draws): the list is of what the examples
    show, which on real data (every council with practices, every source loaded) is every table."""
    codes = _example_codes(db.warehouse_version())
    if page.variables:
        return [{"code": code} for code in codes["practices"][:EXAMPLE_PRACTICES]]
    return [{"council": codes["council"]}, {}] if codes["council"] else [{}]  # a council's rows: the better example


def describe_column(column: dict) -> dict:
    """A served column: its field and header with the catalogue's label, unit and meaning (None when the grid
    names no entry: tests/dashboard/test_api.py fails on any such column)."""
    entry = catalogue.entry(column["catalogue"]) if column.get("catalogue") else None
    suppressed = csv_files.suppressed_words(column.get("people_count", False), column.get("hidden_with"))
    return {"field": column["field"], "header": column["header"], "kind": column["kind"],
            "label": entry.label if entry else None, "unit": entry.unit if entry else None,
            "description": entry.description if entry else None, "catalogue": column.get("catalogue"),
            "suppressed": suppressed}


def index() -> list[dict]:
    """Every endpoint: its address, page, title, parameters, columns and an example link that works on this
    warehouse; kept in the shared cache per build (drawing every page takes seconds at England scale)."""
    cache_key = cache.key(db.build_id(), "api-index")
    stored = cache.get(cache_key)
    if stored is not None:
        return json.loads(stored)
    endpoints = []
    for page in pages().values():
        seen = set()
        for example in examples(page):
            for grid, table in drawn.page_tables(page, example).items():
                name = page.table_name(grid)
                if name in seen:
                    continue
                seen.add(name)
                variables = {key: example[key] for key in page.variables}
                query = {key: value for key, value in example.items() if key not in page.variables}
                address = page.api_path(name, "json", {key: f"<{key}>" for key in page.variables})
                endpoints.append({
                    "address": address.removesuffix(".json"),
                    "formats": list(FORMATS),
                    "page": page.path, "table": name, "title": table.caption,
                    "path_variables": page.variables,
                    "parameters": page_parameters(page),
                    "columns": [describe_column(column) for column in table.columns],
                    "example": page.api_path(name, "json", variables) + ("?" + urlencode(query) if query else ""),
                })
    cache.put(cache_key, json.dumps(endpoints, separators=(",", ":")).encode())
    return endpoints


def page_parameters(page: Page) -> list[dict]:
    """The parameters a page's endpoints take, in words (the values a state parameter takes depend on the
    selection, so the words name where they come from)."""
    listed = [{"name": key, "meaning": f"{filters.LABELS.get(key, key)} filter, as on the page (see /api).",
               "kind": "filter"} for key in filters.ADDRESS_KEYS]
    # a page's own values can depend on the selection (the year's spend groups): those of the default year
    listed += [{"name": parameter.name, "meaning": parameter.meaning, "kind": "page",
                "allowed": parameter.allowed(filters.Selection())} for parameter in page.state]
    listed += [{"name": name, "meaning": words.format(max_size=f"{MAX_SIZE:,}", csv_cap=f"{CSV_CAP:,}"),
                "kind": "paging"} for name, words in PAGING.items()]
    return listed
