"""Download addresses on the dashboard's Flask server, taking the same query parameters as the pages.

    /download/summary.pdf            the councillor summary, A4 (summary_pdf.py)
    /download/summary.xlsx           the workbook
    /download/<table>.csv            one table of the summary (names: summary.Summary.tables())
    /download/<table>-dictionary.csv that table's data dictionary
    /download/pack.pdf?council=...   every practice serving a council's residents, one page each (pack_pdf.py)

The query string is parsed by dashboard.filters.parse, as the pages do. Unlike a page, which shows
everything with a note when a value is unknown, a download refuses (400) a value it cannot honour: a
file of the whole country for a mistyped council code would be rows outside the selection asked for.
Errors are plain-text responses (400, 404, 503 or 500) a person or a script can read; the file name
of every download comes from dashboard.file_names.file_name, so it is always safe ASCII.
"""

from __future__ import annotations

import logging
import re

import duckdb
from flask import Flask, Response, request

from dashboard import db, file_names, filters
from dashboard.components import peers
from dashboard.exports import csv_files, gather, pack, workbook
from dashboard.exports.summary import Summary

log = logging.getLogger(__name__)

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
TABLE_NAME = re.compile(r"^[a-z0-9_]{1,60}$")


class DownloadError(Exception):
    """A request the download cannot honour: the message is shown to the person as it is."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def plain(status: int, message: str) -> Response:
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain",
                    headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


def attachment(body: bytes, mimetype: str, file_name: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{file_name}"',
        "X-Content-Type-Options": "nosniff",
        # a rebuild changes the figures; a download is made fresh each time
        "Cache-Control": "no-store",
    })


def selection_from_request() -> filters.Selection:
    """The selection the query string asks for, or DownloadError(400) naming each value that was not valid."""
    query = {key: request.args.get(key) for key in filters.ADDRESS_KEYS if request.args.get(key) is not None}
    selection, notes = filters.parse(query)
    if notes:
        raise DownloadError(400, "This download was not made, so that it cannot include rows you did not ask "
                                 "for:\n" + "\n".join(f"- {note}" for note in notes))
    return selection


def _summary(selection: filters.Selection) -> Summary:
    return gather.build_summary(selection, compare_from_request())


def compare_from_request() -> str:
    """compare=peers (the pages' "Compare with: similar areas") or the usual comparator; DownloadError(400)
    for anything else, as for any value the download cannot honour."""
    asked = request.args.get("compare")
    if asked in (None, "", "usual"):
        return "usual"
    if asked == peers.COMPARE_PEERS:
        return peers.COMPARE_PEERS
    raise DownloadError(400, f"This download was not made: compare can be '{peers.COMPARE_PEERS}' (similar areas) "
                             f"or left out, not '{asked[:40]}'.")


def _file_name(summary: Summary, what: str, extension: str) -> str:
    return file_names.file_name(summary.area_name, summary.period, what, extension)


def _pdf_writers():
    """The two PDF documents' writers (summary, practice pack), imported only when a PDF is asked for, so a
    server without WeasyPrint still serves the workbook and the CSV tables."""
    try:
        from dashboard.exports.pack_pdf import practice_pack_pdf
        from dashboard.exports.summary_pdf import summary_pdf as summary_document
    except (ImportError, OSError) as error:  # WeasyPrint or the Pango library it loads is missing on this server
        log.exception("PDF module unavailable")
        raise DownloadError(503, "PDF downloads are not available on this server at the moment. The Excel "
                                 "workbook and the CSV tables have the same figures.") from error
    return summary_document, practice_pack_pdf


def summary_pdf() -> Response:
    summary = _summary(selection_from_request())
    write_summary, _ = _pdf_writers()
    return attachment(write_summary(summary), PDF_TYPE, _file_name(summary, "summary", "pdf"))


def summary_xlsx() -> Response:
    summary = _summary(selection_from_request())
    return attachment(workbook.summary_workbook(summary), XLSX_TYPE, _file_name(summary, "summary", "xlsx"))


def table_csv(name: str) -> Response:
    dictionary = name.endswith("-dictionary")
    table_name = name.removesuffix("-dictionary")
    if not TABLE_NAME.match(table_name):
        raise DownloadError(404, f"There is no table called '{name[:60]}'. See /downloads for the tables.")
    summary = _summary(selection_from_request())
    table = summary.table(table_name)
    if table is None:
        known = ", ".join(t.name for t in summary.tables())
        raise DownloadError(404, f"There is no table called '{table_name}'. The tables are: {known}.")
    if dictionary:
        return attachment(csv_files.dictionary_csv(table), CSV_TYPE,
                          _file_name(summary, f"{table.name}-dictionary", "csv"))
    return attachment(csv_files.table_csv(table), CSV_TYPE, _file_name(summary, table.name, "csv"))


def pack_pdf() -> Response:
    selection = selection_from_request()
    if not selection.council:
        raise DownloadError(400, "Choose a council for the practice pack, e.g. /download/pack.pdf?council=<council "
                                 "code>&period=2024-25.")
    period = selection.params()["period"]
    council_name = filters.area_name(filters.Selection(council=selection.council, period=period))
    try:
        _, write_pack = _pdf_writers()
        body = write_pack(selection.council, period)
    except pack.UnknownCouncil as error:
        raise DownloadError(404, str(error)) from error
    return attachment(body, PDF_TYPE, file_names.file_name(council_name, period, "practice-pack", "pdf"))


def _guarded(view):
    def handler(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except DownloadError as error:
            return plain(error.status, error.message)
        except Exception as error:  # noqa: BLE001 - one plain message for the person, the details in the log
            # the warehouse itself unreadable: say so, not "choose a smaller area"
            problem = db.unreadable() if isinstance(error, (duckdb.Error, OSError)) else None
            if problem:
                log.error("download failed, warehouse unreadable: %s", request.full_path)
                return plain(503, f"Sorry: no download can be made just now. {problem}")
            log.exception("download failed: %s", request.full_path)
            return plain(500, "Sorry: this download could not be made. The error has been logged; try again, "
                              "or choose a smaller area.")
    handler.__name__ = f"download_{view.__name__}"
    return handler


def install(server: Flask) -> None:
    """Add the download routes to the dashboard's Flask server (called once by dashboard/app.py)."""
    server.add_url_rule("/download/summary.pdf", view_func=_guarded(summary_pdf))
    server.add_url_rule("/download/summary.xlsx", view_func=_guarded(summary_xlsx))
    server.add_url_rule("/download/pack.pdf", view_func=_guarded(pack_pdf))
    server.add_url_rule("/download/<name>.csv", view_func=_guarded(table_csv))
    server.add_url_rule("/download/<path:anything>", view_func=_guarded(_unknown))


def _unknown(anything: str) -> Response:
    raise DownloadError(404, "There is no download at this address. The downloads are /download/summary.pdf, "
                             "/download/summary.xlsx, /download/pack.pdf?council=<code> and "
                             "/download/<table>.csv; see /downloads.")
