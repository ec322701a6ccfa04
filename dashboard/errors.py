"""Errors reach users one way: a friendly alert above the page, with the detail in the server log.

Dash calls `on_error` for any exception a callback raises. Users see what happened in plain words
and what to try; the traceback goes to gunicorn's log for the team, never to the browser.
"""

from __future__ import annotations

import logging

from dash import set_props

from dashboard import callback_cache

ALERT_ID = "global-alert"
log = logging.getLogger("jointcare.dashboard")

FRIENDLY = ("Something went wrong while drawing this part of the page. The rest of the page still works; "
            "try another selection, or reload. If it keeps happening, tell the jointcare team what you clicked.")


def on_error(error: Exception) -> None:
    log.exception("callback failed", exc_info=error)
    callback_cache.do_not_keep()  # the next user to ask gets a fresh try, not this failure
    set_props(ALERT_ID, {"children": FRIENDLY, "is_open": True})
