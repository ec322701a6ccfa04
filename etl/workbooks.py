"""Excel workbooks (xlsx): find the table of a known source on some sheet, below whatever cover rows.

Published templates (the Better Care Fund's above all) put a title, the selected area and running
totals above the table, and the header row moves between years. So a workbook is recognised the way
a CSV is, by its header signature, but the header is looked for on every sheet within the first
rows. Cells are read with calamine (fast: thousands of small workbooks are read in seconds) and turned
into the text a CSV would have held, so the same row rules apply to both.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import python_calamine

from etl.errors import SourceError
from etl.sources import HeaderMatch, Source, normalise_header, recognise_header

HEADER_SEARCH_ROWS = 60


@dataclass
class Sheet:
    name: str
    rows: list[list[str]]  # every row from row 1, cells as text ("" when empty)
    merged: list[tuple[int, int, int, int]]  # 0-based (first row, first col, last row, last col)


def cell_text(value: object) -> str:
    """A cell as a CSV would hold it: whole numbers without '.0', dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (the column names users see in Excel)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_sheets(path, name: str) -> list[Sheet]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types for every kind of damage
        raise SourceError(name, f"is not a readable xlsx workbook ({error})",
                          expected="an Excel .xlsx file") from None
    sheets = []
    try:
        for sheet_name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(sheet_name)
            rows = [[cell_text(value) for value in row] for row in sheet.to_python(skip_empty_area=False)]
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
            sheets.append(Sheet(sheet_name, rows, merged))
    finally:
        workbook.close()
    return sheets


def find_table(sheets: list[Sheet]) -> tuple[Sheet, int, HeaderMatch] | tuple[None, None, str]:
    """The first sheet and row whose cells are a known source's header; else why not."""
    nearest = ""
    for sheet in sheets:
        for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            cells = _trim(row)
            filled = [c for c in cells if c.strip()]
            # a header row is text: titles (one cell) and rows holding numbers (running totals) are not
            if len(filled) < 2 or any(_is_number(c) for c in filled):
                continue
            match, why = _recognise(tuple(cells))
            if match:
                return sheet, index, match
            if why.startswith("header looks like") and not nearest:
                nearest = f"sheet {sheet.name!r} row {index + 1}: {why}"
    return None, None, nearest or (
        f"no sheet has the header row of a known source in its first {HEADER_SEARCH_ROWS} rows "
        f"(sheets: {', '.join(repr(s.name) for s in sheets) or 'none'})")


@lru_cache(maxsize=4096)
def _recognise(cells: tuple[str, ...]):
    # Templates repeat the same header and cover rows in every workbook: recognise each once.
    return recognise_header(list(cells))


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _trim(row: list[str]) -> list[str]:
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return row[:end]


def cover_values(source: Source, sheet: Sheet, header_index: int, file_name: str) -> dict[str, str]:
    """Values stated above the table (the HWB name, the plan period)."""
    values = {}
    above = sheet.rows[:header_index]
    for spec in source.cover:
        found = ""
        for row in above:
            if spec.label:
                for position, cell in enumerate(row):
                    if re.fullmatch(spec.label, normalise_header(cell)):
                        found = next((c.strip() for c in row[position + 1:] if c.strip()), "")
                        break
            else:
                for cell in row:
                    hit = re.search(spec.pattern, cell, flags=re.IGNORECASE)
                    if hit:
                        found = hit.group(1).strip()
                        break
            if found:
                break
        if not found and spec.required:
            raise SourceError(file_name, f"sheet {sheet.name!r}: {spec.expected or spec.name} not found above the "
                              f"table (header row {header_index + 1})", expected=spec.expected or spec.name)
        values[spec.name] = found
    return values


def name_values(source: Source, file_name: str) -> dict[str, str]:
    """Values only the file name carries, e.g. the ASCOF year in meas-from-asc-of-eng-1920-...csv."""
    values = {}
    base = file_name.rsplit("/", 1)[-1]
    for spec in source.from_file_name:
        found = ""
        for hit in re.finditer(spec.pattern, base, flags=re.IGNORECASE):
            groups = [group for group in hit.groups() if group]
            if spec.kind == "financial_year":
                # 1920, 19-20 and 2019-20 all name 2019-20; 2021 is 2020-21, never the year 2021
                first, second = int(groups[-2][-2:]), int(groups[-1][-2:])
                if second != (first + 1) % 100:
                    continue
                found = f"20{first:02d}-{second:02d}"
            else:
                found = "-".join(groups)
            break
        if not found:
            raise SourceError(file_name, f"the file name does not say the {spec.name.replace('_', ' ')}",
                              expected=spec.expected or spec.pattern)
        values[spec.name] = found
    return values
