"""A worker renders every page once before users wait on it: at start, and after a rebuild's swap.

A worker's first request otherwise pays for what only the first one needs: Dash finishing its set-up,
DuckDB reading the warehouse's tables from disk, the filter options, each module's small caches. Doing
that in the worker before it takes requests (gunicorn.conf.py post_worker_init), and again when it
finds a rebuilt warehouse, against the new file before the worker serves it (db.after_swap), keeps a
user's first view as fast as the rest (issue 15: a worker's first request within 1 s). With the cache
on, the pages' first views are then in it too.
"""

from __future__ import annotations

import gc
import logging

import dash
from flask import Flask

from dashboard import db
from dashboard.components import later
from dashboard.security import CALLBACK_PATH

log = logging.getLogger("jointcare.warm")


def router_request(pathname: str, search: str = "") -> dict:
    """What the browser posts when the address changes: Dash Pages' router callback, answered with the
    page's content (the page's layout function, with its queries and charts)."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"],
    }


def pages(server: Flask) -> None:
    """Render the shell and every page's first view once, in this process, on one thread."""
    client = server.test_client()
    client.get("/")  # Dash finishes setting itself up on its first request
    for page in dash.page_registry.values():
        if page.get("path_template") or page["module"].endswith(("not_found_404", ".api")):
            # a page of one practice, the 404: nothing worth warming; the API's list draws every page
            # several times (seconds at England scale), paid by its first reader per build, not every worker
            continue
        if db.unreadable() is not None:
            return  # gone or replaced by something unreadable meanwhile: users get the plain message, not us
        try:
            response = client.post(CALLBACK_PATH, json=router_request(page["path"]))
        except Exception:  # noqa: BLE001 - warming is an optimisation: a worker that cannot warm still serves
            log.exception("warming %s failed", page["path"])
            continue
        if response.status_code != 200:
            log.warning("warming %s answered HTTP %s", page["path"], response.status_code)
            continue
        # and the parts the page draws after its first response, as the browser asks for them
        for page_id, part, state in later.states_in_response(response.get_json(silent=True)):
            try:
                drawn = client.post(CALLBACK_PATH, json=later.request(page_id, part, state))
            except Exception:  # noqa: BLE001 - as above
                log.exception("warming %s's %s failed", page["path"], part)
                continue
            if drawn.status_code != 200:
                log.warning("warming %s's %s answered HTTP %s", page["path"], part, drawn.status_code)


def settle() -> None:
    """Leave what start-up and warming made out of Python's cycle collector's sight (gc.freeze).

    A worker holds a few hundred thousand long-lived objects once warm (Dash's and plotly's modules,
    the pages, the map caches). The collector's full pass walks all of them, and requests that make
    many objects trigger it: the first map of a sub-ICB, which parses 2,500 boundaries, spent 110 of its
    370 ms there. Frozen objects are still freed when nothing refers to them; only the collector's
    search for unreachable cycles skips them. Called again after each rebuild's warming: what was frozen
    is thawed and collected first, so cycles left by the previous build's caches are not kept for ever.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
