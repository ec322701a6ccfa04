"""Callback responses from the one cache (dashboard/cache.py): a view computed once, by any worker on
any server, is served to everyone who asks for it again until the warehouse is rebuilt.

The key is the warehouse build, the callback (its outputs) and everything the browser sent with it
(inputs, state, which input changed: a callback that reads ctx.triggered_id answers differently for
each). Every callback of the dashboard is a function of exactly that and the warehouse; one that is
not (the time of day, the user) must not be cached, and the dashboard has none.

Only a successful response is kept: not a 204 (PreventUpdate), not an error status, and not a
200 that carries errors.on_error's alert, since a failure may be passing (a warehouse mid-swap).
Each response says `X-Jointcare-Cache: hit` or `miss`, so an operator (and the tests) can see which,
and `X-Jointcare-Build`, the build it was answered from (a worker moves to a rebuilt warehouse only
once it has warmed it, dashboard/db.py, so for a few seconds after a rebuild workers may differ).
"""

from __future__ import annotations

import dash
import duckdb
from flask import Response, g, request

from dashboard import cache, db
from dashboard.security import CALLBACK_PATH

HEADER = "X-Jointcare-Cache"
BUILD_HEADER = "X-Jointcare-Build"


def do_not_keep() -> None:
    """Called while a callback fails: its response (the friendly alert) is not kept for others."""
    g.callback_failed = True


def install(app: dash.Dash) -> None:
    """Serve callbacks from the cache; called once by dashboard/app.py after security.install, so a
    malformed request gets its 400 before any key is made of it."""
    server = app.server

    @server.before_request
    def _serve_from_cache():
        if request.path != CALLBACK_PATH or request.method != "POST":
            return None
        try:
            build_id = g.build_id = db.build_id()
        except (duckdb.Error, OSError):  # no readable warehouse: the callback itself says so, uncached
            return None
        body = request.get_json(silent=True)
        if not cache.enabled() or not isinstance(body, dict):
            return None
        g.callback_cache_key = cache.key(build_id, "callback", body)
        stored = cache.get(g.callback_cache_key)
        if stored is None:
            return None
        g.callback_cache_key = None  # already kept
        return Response(stored, mimetype="application/json", headers={HEADER: "hit", BUILD_HEADER: build_id})

    @server.after_request
    def _keep(response: Response) -> Response:
        if g.get("build_id") is not None:
            response.headers[BUILD_HEADER] = g.build_id
        cache_key = g.pop("callback_cache_key", None)
        if cache_key is None:
            return response
        response.headers[HEADER] = "miss"
        if response.status_code == 200 and not g.get("callback_failed") and not response.is_streamed:
            cache.put(cache_key, response.get_data())
        return response
