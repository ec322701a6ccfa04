"""The web server locked down as a public-sector service expects (issue 14): what every response says
about itself, how big a request may be, what a malformed callback gets, and how much one request can
write to the log.

- Headers on every response: a Content-Security-Policy that allows only this origin (scripts from
  here, plus the hashes of Dash's own inline scripts and clientside callbacks, which Dash computes;
  no 'unsafe-eval', no 'unsafe-inline' for scripts), frame-ancestors 'none' and X-Frame-Options DENY
  (no other site may frame the dashboard), X-Content-Type-Options nosniff and a same-origin
  Referrer-Policy. Styles keep 'unsafe-inline': plotly and React set style attributes on every
  element they draw, which CSP cannot allow by hash.
- A request body above JOINTCARE_MAX_REQUEST_BYTES gets 413 before it is read (Flask's
  MAX_CONTENT_LENGTH); the largest callback the pages send is a few kB.
- A callback request that is not a JSON object naming a known output with lists of inputs gets 400
  with a short reason, never a 500 with the body in the log.
- Every log record is cut to LOG_LIMIT characters, traceback included, so no request can grow the
  log by more than a few kB.
- An address that is no page gets status 404 (the page still says "Page not found" in words).
"""

from __future__ import annotations

import logging
import re

import dash
from flask import Flask, Response, jsonify, request

from etl import settings

LOG_LIMIT = 2_000
CALLBACK_PATH = "/_dash-update-component"
# Dash's own routes and files, the downloads and the API, which are not pages (their status is their own)
_NOT_PAGES = re.compile(r"^/(_dash-|_reload-hash|_favicon|assets/|download/|api/v1/)")


def install(app: dash.Dash) -> None:
    """Lock down app's Flask server (called once by dashboard/app.py, after the pages are registered)."""
    server: Flask = app.server
    server.config["MAX_CONTENT_LENGTH"] = settings.get_int("JOINTCARE_MAX_REQUEST_BYTES")
    policy: dict[str, str] = {}

    @server.before_request
    def _check_callback():
        if request.path != CALLBACK_PATH or request.method != "POST":
            return None
        reason = malformed_callback(request.get_json(silent=True), app.callback_map)
        if reason:
            return jsonify({"error": "bad callback request", "reason": reason}), 400
        return None

    @server.after_request
    def _headers(response: Response) -> Response:
        if "value" not in policy:  # after the pages' and shell's clientside callbacks are all declared
            policy["value"] = content_security_policy(app.csp_hashes())
        response.headers["Content-Security-Policy"] = policy["value"]
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if response.status_code == 200 and response.mimetype == "text/html" and not is_page(request.path):
            response.status_code = 404
        return response

    truncate_log_records(server.logger)


def content_security_policy(script_hashes: list[str]) -> str:
    """Only this origin: scripts from here and Dash's hashed inline scripts; images and the map's empty
    outline may be data: URLs (plotly's PNG export and dashboard/components/maps.py); nothing may frame
    the page, and forms and the base address stay here."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def malformed_callback(body, callback_map: dict) -> str | None:
    """Why a callback request cannot be run, in a few words; None when Dash can take it."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "'output' must name one of this dashboard's callbacks"
    for key in ("inputs", "state"):
        items, declared = body.get(key, []), callback_map[output].get(key, [])
        if not isinstance(items, list):
            return f"'{key}' must be a list"
        if len(items) != len(declared):
            return f"'{key}' must have the {len(declared)} this callback takes"
        for item, wanted in zip(items, declared):
            # a pattern-matching input arrives as a list of {id, property, value}
            for entry in (item if isinstance(item, list) else [item]):
                if not isinstance(entry, dict) or "id" not in entry or "property" not in entry:
                    return f"each of '{key}' must have an id and a property"
                if not str(wanted["id"]).startswith("{") and (entry["id"], entry["property"]) != (
                        wanted["id"], wanted["property"]):
                    return f"'{key}' must be this callback's own, in order"
    if "outputs" in body and not isinstance(body["outputs"], (dict, list)):
        return "'outputs' must be an object or a list"
    return None


def is_page(path: str) -> bool:
    """Whether path is one of the registered pages (a path template such as /practice/<code> matches any
    value in its place)."""
    if _NOT_PAGES.match(path):
        return True
    for page in dash.page_registry.values():
        template = page.get("path_template")
        if template:
            pattern = "^" + re.sub(r"<[^/>]+>", "[^/]+", template.rstrip("/")) + "/?$"
            if re.match(pattern, path):
                return True
        elif path.rstrip("/") == page["path"].rstrip("/") or path == page["path"]:
            return True
    return False


class _Truncate(logging.Filter):
    """Cuts a record, traceback included, to LOG_LIMIT characters: the log is the team's, and a request
    must not be able to fill the disk through it (a 20 MB body once wrote 41 MB)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        elif record.exc_text:
            text += "\n" + record.exc_text
        if len(text) > LOG_LIMIT:
            text = text[:LOG_LIMIT] + f" ... [{len(text) - LOG_LIMIT:,} more characters cut]"
        record.msg, record.args, record.exc_info, record.exc_text = text, None, None, None
        return True


def truncate_log_records(*extra: logging.Logger) -> None:
    """Every handler of the loggers the server writes to cuts long records (root, Flask's, gunicorn's
    error log and ours): a handler's filter sees every record that reaches it, from any child logger."""
    cut = _Truncate()
    loggers = [logging.getLogger(name) for name in ("", "jointcare", "jointcare.dashboard", "gunicorn.error",
                                                    "gunicorn.access", "werkzeug")]
    for logger in [*loggers, *extra]:
        if not any(isinstance(existing, _Truncate) for existing in logger.filters):
            logger.addFilter(cut)
        for handler in logger.handlers:
            if not any(isinstance(existing, _Truncate) for existing in handler.filters):
                handler.addFilter(cut)
