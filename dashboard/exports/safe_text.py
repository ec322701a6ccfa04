"""Spreadsheet formula injection: text that a spreadsheet would run as a formula is made inert.

Excel, LibreOffice and Google Sheets treat a cell starting with =, +, -, @ (and, after a tab or a carriage
return, whatever follows) as a formula when a CSV is opened, so a practice or scheme named
`=HYPERLINK("http://x","y")` in a source file could become a live link in a councillor's spreadsheet. OWASP's
advice: prefix such text with an apostrophe, which spreadsheets show as text. The same rule as the grids'
clientside CSV export (assets/dashAgGridFunctions.js, neutraliseFormulas).

Only text is touched: numbers stay numbers, so -3.5 in a numeric column is still a number. In the
workbook every text cell is written with write_string (never write_formula), so it is stored as text and
never evaluated; a dangerous one also gets Excel's own "quote prefix" cell format (what typing a leading
apostrophe does), so it still shows the name as published but stays text if someone edits the cell.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value, with an apostrophe before text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def is_dangerous(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)
