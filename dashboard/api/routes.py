"""The API's addresses on the dashboard's Flask server: every table a page shows, as JSON and CSV.

    /api/v1/                                the endpoints, their parameters and columns (also /api/v1/index.json)
    /api/v1/<page>/<table>.json             one table of a page, e.g. /api/v1/pooled-budget/flows.json?council=...
    /api/v1/<page>/<table>.csv              the same rows as CSV
    /api/v1/practice/<code>/<table>.json    a practice profile's tables

The rows are the grid's on the page for the same query (drawn.py): small numbers already hidden by the page's
rule, numbers as numbers, a hidden cell as its marker text ("<5", "[c]"). The CSV is written cell by cell by
the downloads' rule (exports/csv_files.cell: inert formula-looking text, plain numbers, UTF-8 with a BOM).

Unlike a page, which shows the whole area with a note when a value is unknown, the API refuses (400) a value
it cannot honour, by the downloads' rule (exports/routes.selection_from_request), and adds the values or the
form allowed: a script should fail loudly rather than get the whole country for a mistyped code.

Caching by clients: every answer of a build is the same until the next build, so the ETag is the build, the
code and the request, and Last-Modified is the build's time; If-None-Match or If-Modified-Since get 304
without drawing anything. Cache-Control is no-cache (keep it, but ask again) rather than the downloads'
no-store, because polling cheaply is the point. No cookies are read or set, so any site may read the
answers (Access-Control-Allow-Origin: *); the security headers of every response (dashboard/security.py)
are added as for any other.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import hashlib
import io
import json
import logging
from dataclasses import asdict, replace

import dash
import duckdb
from flask import Flask, Response, request

from dashboard import cache, db, filters, suppression
from dashboard.api import paging, registry
from dashboard.api.drawn import page_tables
from dashboard.exports import csv_files
from dashboard.exports import routes as downloads

log = logging.getLogger(__name__)

JSON_TYPE = "application/json"
# Enough of a list to choose from in a message; beyond it the message names how many and shows a few.
LISTED_UP_TO = 40


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


# Any site may read the API (no cookies are used). If-None-Match is not a header a browser sends to another
# origin without asking first, so the preflight (OPTIONS, which Flask answers for every route) says it may.
OPEN_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
    "Access-Control-Max-Age": "86400",
}


def _open_headers(response: Response) -> Response:
    if request.path.startswith(registry.PREFIX + "/"):
        response.headers.update(OPEN_HEADERS)
    return response


def error_response(error: ApiError) -> Response:
    """Every API error one way: JSON {"error": status, "message": words, ...} with its status, never cached."""
    body = {"error": error.status, "message": error.message, **error.extra}
    return Response(json.dumps(body, ensure_ascii=False, indent=1) + "\n", status=error.status,
                    mimetype=JSON_TYPE, headers={"Cache-Control": "no-store"})


# --- the request -------------------------------------------------------------------------------------------

def allowed_values(key: str, options: dict[str, list[dict]] | None = None) -> str:
    """The values a filter takes, in words, from the filter bar's own lists (filters.cascade, or `options`
    already made by it), so whatever the filter bar offers the API accepts; a list too long to print is
    named by its size and a few codes."""
    listed = (options or filters.cascade(filters.Selection())).get(key)
    if listed is None:
        return "see /api"
    values = [option["value"] for option in listed if not option.get("disabled")]
    narrowed = [option["label"] for option in listed if option.get("disabled")]
    if narrowed:  # England's practices: the filter bar asks for a narrower filter first
        return f"a code of one of the {narrowed[0].split(':')[0]} (find one with /search.json?q=<name>)"
    if len(values) <= LISTED_UP_TO:
        return ", ".join(values) or "(none in this warehouse)"
    return f"one of {len(values):,} codes, e.g. {', '.join(values[:5])}"


def every_filter_s_values() -> dict[str, str]:
    options = filters.cascade(filters.Selection())
    return {key: allowed_values(key, options) for key in filters.ADDRESS_KEYS}


def _selection(args: dict[str, str]) -> filters.Selection:
    try:
        return downloads.selection_from_request()
    except downloads.DownloadError as error:
        bad = {key: value for key, value in args.items()
               if key in filters.ADDRESS_KEYS and filters.parse({key: value})[1]}
        allowed = {key: allowed_values(key) for key in bad}
        if "period" in allowed:
            allowed["period"] = "a financial year written like 2024-25: " + allowed["period"]
        raise ApiError(400, "No table was served, so that it cannot include rows you did not ask for:\n"
                       + error.message.split("\n", 1)[-1], allowed=allowed) from error


def _page_query(page: registry.Page, args: dict[str, str], selection: filters.Selection,
                shown: filters.Selection) -> dict[str, str]:
    """The query the page is drawn for: its filters (as parsed) and its own state, each state value checked
    against what the page accepts for the selection in the year it shows (`shown`)."""
    query = {key: value for key, value in asdict(selection).items() if value}
    for parameter in page.state:
        value = args.get(parameter.name)
        if value is None or value == "":
            continue
        allowed = parameter.allowed(shown)
        if value not in allowed:
            raise ApiError(400, f"{parameter.name} cannot be '{value[:60]}' here. {parameter.meaning}",
                           allowed={parameter.name: ", ".join(allowed)})
        query[parameter.name] = value
    return query


def _check_names(page: registry.Page, args: dict[str, str]) -> None:
    known = (*page.parameter_names, *registry.PAGING)
    unknown = [key for key in args if key not in known]
    if unknown:
        raise ApiError(400, f"This table takes no parameter called {', '.join(repr(k[:30]) for k in unknown)}. "
                            f"It takes: {', '.join(known)}.", allowed={"parameters": ", ".join(known)})


def _find(address: str) -> tuple[registry.Page, dict[str, str], str, str]:
    """(page, its path variables, the table's name, the format) of /api/v1/<address>; ApiError(404) else."""
    stem, dot, fmt = address.rpartition(".")
    if not dot or fmt not in registry.FORMATS:
        raise ApiError(404, f"An API address ends in .json or .csv: /api/v1/<page>/<table>.json. The tables are "
                            f"listed at {registry.PREFIX}/.")
    parts = stem.split("/")
    pages = registry.pages()
    page = pages.get(parts[0])
    if page is None or len(parts) != 2 + len(page.variables):
        raise ApiError(404, f"There is no table at {registry.PREFIX}/{address[:100]}. The pages are: "
                            f"{', '.join(pages)}; every table is listed at {registry.PREFIX}/.")
    return page, dict(zip(page.variables, parts[1:-1])), parts[-1], fmt


# --- build and conditional requests --------------------------------------------------------------------------

def built_at() -> dt.datetime:
    """When the warehouse being served was built (home__build), in UTC."""
    value = db.run_query("home__build")["built_at"].iloc[0]
    stamp = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)


def _etag() -> str:
    """The build, the code and the request (path and its parameters, in any order): the same ETag for the
    same answer until a rebuild or an upgrade."""
    asked = sorted(request.args.items(multi=True))
    return '"' + hashlib.sha256(cache.key(db.build_id(), "api", request.path, asked).encode()).hexdigest()[:32] + '"'


def _not_modified(etag: str, modified: dt.datetime) -> bool:
    if request.if_none_match:  # RFC 9110: If-Modified-Since is ignored when If-None-Match is sent
        return request.if_none_match.contains(etag.strip('"'))
    since = request.if_modified_since
    return since is not None and modified.replace(microsecond=0) <= since


def _cacheable(response: Response, etag: str, modified: dt.datetime) -> Response:
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = email.utils.format_datetime(modified.replace(microsecond=0), usegmt=True)
    response.headers["Cache-Control"] = "no-cache"
    return response


# --- the answers -------------------------------------------------------------------------------------------

def table(address: str) -> Response:
    page, variables, name, fmt = _find(address)
    args = {key: request.args.get(key) for key in request.args}
    _check_names(page, args)
    selection = _selection(args)
    # the year the page shows (its default when none is asked), in which its own values are checked
    shown, _ = filters.with_page_year(selection, _shows(page))
    query = {**variables, **_page_query(page, args, selection, shown)}
    etag, modified = _etag(), built_at()
    if _not_modified(etag, modified):
        return _cacheable(Response(status=304), etag, modified)
    tables = page_tables(page, query)
    drawn = tables.get(page.grid_id(name))
    if drawn is None:
        known = ", ".join(page.table_name(grid) for grid in tables) or "none for this selection"
        raise ApiError(404, f"The {page.name} page shows no table called '{name[:60]}' for this selection. Its "
                            f"tables here are: {known}.", tables=[page.table_name(grid) for grid in tables])
    try:
        window = paging.window(args, fmt, len(drawn.rows))
    except paging.BadPaging as error:
        raise ApiError(400, str(error), allowed={"size": f"1 to {paging.MAX_SIZE:,}", "page": "1, 2, ..."}) from error
    columns = [registry.describe_column(column) for column in drawn.columns]
    if fmt == "csv":
        body = csv_body(columns, window.rows(drawn.rows))
        response = Response(body, mimetype="text/csv", headers={
            "Content-Disposition": f'inline; filename="{page.name}-{name}.csv"'})
        response.headers["Content-Type"] = downloads.CSV_TYPE
        return _cacheable(response, etag, modified)
    body = _json_body(page, name, drawn, window, shown, variables, query, args, columns, modified)
    response = Response(json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False),
                        mimetype=JSON_TYPE)
    return _cacheable(response, etag, modified)


def _json_body(page: registry.Page, name: str, drawn, window: paging.Window, shown: filters.Selection,
               variables: dict, query: dict, args: dict, columns: list[dict], modified: dt.datetime) -> dict:
    # a practice profile's practice is in its address, not a filter: named in the words, not in the link
    described = replace(shown, practice=variables["code"].upper()) if variables.get("code") else shown
    rows = window.rows(drawn.rows)
    return {
        # what the rows are: the same for every page of rows
        "meta": {
            "table": f"{page.name}/{name}",
            "title": drawn.caption,
            "selection": filters.describe(described),
            "period": shown.period,
            "page_address": page.page_path(variables) + shown.query_string(
                **{key: value for key, value in query.items() if key not in filters.ADDRESS_KEYS
                   and key not in variables}),
            "build": {"id": db.build_id(), "built_at": modified.isoformat()},
            "suppression": suppression.RULE,
            "columns": columns,
        },
        "total": len(drawn.rows),
        "page": window.page,
        "size": window.size,
        "next": window.next_link(request.path, {k: v for k, v in args.items() if k not in registry.PAGING},
                                 len(drawn.rows)),
        "rows": rows,
    }


def _shows(page: registry.Page) -> tuple[str, ...]:
    """The kinds of data the page shows (its register_page(shows=...)), which choose its default year."""
    for entry in dash.page_registry.values():
        if entry["module"] == page.module:
            return tuple(entry.get("shows", ()))
    return ()


def csv_body(columns: list[dict], rows: list[dict]) -> bytes:
    """Rows as the downloads write them: a header of field names, each cell by exports/csv_files.cell."""
    fields = [column["field"] for column in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    writer.writerows([csv_files.cell(row.get(field)) for field in fields] for row in rows)
    return buffer.getvalue().encode(csv_files.ENCODING)


def endpoints() -> Response:
    etag, modified = _etag(), built_at()
    if _not_modified(etag, modified):
        return _cacheable(Response(status=304), etag, modified)
    body = {"about": "Every table the dashboard's pages show, as JSON and CSV, taking the pages' parameters. "
                     "Read /api for the same in words.",
            "build": {"id": db.build_id(), "built_at": modified.isoformat()},
            "suppression": suppression.RULE,
            "filters": every_filter_s_values(),
            "endpoints": registry.index()}
    response = Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype=JSON_TYPE)
    return _cacheable(response, etag, modified)


def _guarded(view):
    def handler(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except ApiError as error:
            return error_response(error)
        except Exception as error:  # noqa: BLE001 - one plain message for the client, the details in the log
            problem = db.unreadable() if isinstance(error, (duckdb.Error, OSError)) else None
            if problem:
                return error_response(ApiError(503, f"No table can be served just now. {problem}"))
            log.exception("API request failed: %s", request.full_path)
            return error_response(ApiError(500, "Sorry: this table could not be made. The error has been logged."))
    handler.__name__ = f"api_{view.__name__}"
    return handler


def install(server: Flask) -> None:
    """Add the API's routes to the dashboard's Flask server (called once by dashboard/app.py)."""
    server.add_url_rule(f"{registry.PREFIX}/", view_func=_guarded(endpoints))
    server.add_url_rule(f"{registry.PREFIX}/index.json", view_func=_guarded(endpoints), endpoint="api_index_json")
    server.add_url_rule(f"{registry.PREFIX}/<path:address>", view_func=_guarded(table))
    server.after_request(_open_headers)  # every answer under /api/v1/, errors and preflights included
