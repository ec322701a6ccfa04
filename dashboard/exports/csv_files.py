"""Tidy CSV files of a summary's tables, each with a data dictionary.

Format: one header row of field names (snake_case: stable for code that reads the file; the dictionary
gives each its plain-English header), one row per observation, comma-separated, CRLF line ends
(RFC 4180), every text cell made inert (safe_text), numbers unformatted (a whole number without ".0"),
dates as YYYY-MM-DD, empty for no value. Hidden counts are the text "<5" or "[c]" (suppression.RULE).

Encoding: UTF-8 WITH a byte order mark. Excel, which is what councillors open a CSV with, reads a CSV
without one in the Windows code page, so "£" in a header and accented place names come out garbled;
with the BOM it reads UTF-8. Python (encoding="utf-8-sig"), R's readr and pandas (read_csv strips it
with utf-8-sig; the plain "utf-8" codec leaves it on the first header) all handle it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

import numpy as np

from dashboard import formats, suppression
from dashboard.exports import safe_text
from dashboard.exports.summary import Column, Table

ENCODING = "utf-8-sig"
TYPES = {
    "text": "text",
    "count": "whole number",
    "number": "number",
    "rate": "number (rate in the row's unit)",
    "percent": "number (a proportion: 0.25 is 25%)",
    "gbp": "number (pounds)",
    "index": "number (0 to 100)",
    "date": "date (YYYY-MM-DD)",
}
DICTIONARY_HEADER = ["column", "header", "type", "description", "suppressed"]


def cell(value) -> str:
    """One value as CSV text: inert text, plain numbers, ISO dates, '' for missing."""
    if formats.is_missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):  # pd.Timestamp too: a date unless it has a time of day
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if math.isinf(value):
            return ""
        return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))
    return safe_text.neutralise(value if isinstance(value, str) else str(value))


def _write(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode(ENCODING)


def table_csv(table: Table) -> bytes:
    fields = [column.field for column in table.columns]
    frame = table.frame
    body = ([cell(value) for value in row] for row in frame[fields].itertuples(index=False, name=None))
    return _write([fields, *body])


def suppressed_words(people_count: bool, hidden_with: str | None) -> str:
    """How a column is suppressed, in words: the data dictionaries' and the API's (dashboard/api)."""
    if people_count:
        return f'yes: a count of people; 1 to {suppression.THRESHOLD - 1} shown as "{suppression.SUPPRESSED}", ' \
               f'secondary cells as "{suppression.SECONDARY}"'
    if hidden_with:
        return f"with its count: hidden wherever {hidden_with} is hidden"
    return "no"


def _suppressed(column: Column) -> str:
    return suppressed_words(column.people_count, column.hidden_with)


def dictionary_csv(table: Table) -> bytes:
    """The table's data dictionary: one row per column, then the table's note and the suppression rule."""
    rows = [DICTIONARY_HEADER]
    for column in table.columns:
        rows.append([column.field, column.header, TYPES.get(column.kind, column.kind), column.description,
                     _suppressed(column)])
    rows.append(["(table)", table.title, "note", table.note or "", ""])
    rows.append(["(suppression rule)", "Suppression rule", "note", suppression.RULE, ""])
    return _write([[cell(value) for value in row] for row in rows])
