"""The Excel workbook of a summary: a Summary sheet, one sheet per table, native charts, Definitions, Sources.

Written with xlsxwriter in memory. Every text cell goes through write_string (never write() or
write_formula), and the workbook is opened with strings_to_formulas/urls/numbers off as a second guard,
so a practice called `=HYPERLINK("http://x","y")` is stored as text; such text also gets Excel's quote
prefix (safe_text). Hidden counts are the text "<5" or "[c]", right-aligned like the numbers around them.

Each table sheet: the title in A1, its note in A2, then an Excel table (header row, filter buttons,
banded rows) from row 4, so screen readers and Power Query see a real table. Charts read their numbers
from a sheet "Chart data" with blanks where a value is hidden (Excel would plot the text "<5" as 0).
"""

from __future__ import annotations

import datetime as dt
import io
import math

import numpy as np
import pandas as pd
import xlsxwriter

from dashboard import suppression
from dashboard.exports import safe_text
from dashboard.exports.summary import Column, Summary, Table
from dashboard.formats import EXCEL_DATE, KINDS, is_missing
from dashboard.palette import NHS_BLACK, NHS_BLUE, NHS_DARK_GREY, NHS_WARM_YELLOW, WHITE

SHEET_NAMES = {
    "headline_measures": "Headlines",
    "monthly_measures": "Monthly",
    "serving_practices": "Serving practices",
    "bcf_scheme_types": "Better Care Fund",
    "joint_working_practices": "Joint working",
    "comparison": "Comparison",
    "spine": "Spine chart",
    "joint_working_impact": "Impact",
    "sources": "Sources",
    "definitions": "Definitions",
}
# each column kind's cell format: the places the pages and the PDF show (dashboard/formats.py KINDS)
NUMBER_FORMATS = {**{kind: style.excel for kind, style in KINDS.items()}, "date": EXCEL_DATE}
TABLE_FIRST_ROW = 3  # 0-based: title, note, blank line, then the table's header
WIDE_TEXT = 60


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        self.title = book.add_format({"bold": True, "font_size": 16, "font_color": NHS_BLUE})
        self.heading = book.add_format({"bold": True, "font_size": 12, "font_color": NHS_DARK_GREY})
        self.note = book.add_format({"text_wrap": True, "valign": "top", "font_color": NHS_DARK_GREY})
        self.banner = book.add_format({"bold": True, "bg_color": NHS_WARM_YELLOW, "font_color": NHS_BLACK})
        self.bold = book.add_format({"bold": True})
        self.text = book.add_format({"valign": "top"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.quoted = book.add_format({"quote_prefix": True, "valign": "top"})
        self.hidden = book.add_format({"align": "right", "valign": "top"})
        self.numbers = {kind: book.add_format({"num_format": code, "valign": "top"})
                        for kind, code in NUMBER_FORMATS.items()}


def summary_workbook(summary: Summary) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False, "nan_inf_to_errors": True})
    book.set_properties({"title": f"jointcare summary: {summary.area}", "subject": "Councillor summary",
                         "author": "jointcare", "comments": suppression.RULE})
    formats = _Formats(book)
    summary_sheet = book.add_worksheet("Summary")
    chart_data = book.add_worksheet("Chart data")
    sheets = {}
    for table in summary.tables():
        sheets[table.name] = _table_sheet(book, formats, table)
    _summary_sheet(book, summary_sheet, formats, summary, _chart_data(chart_data, formats, summary.monthly))
    if "bcf_scheme_types" in sheets:
        _bcf_chart(book, sheets["bcf_scheme_types"], summary.bcf)
    summary_sheet.activate()
    book.close()
    return buffer.getvalue()


# ---------------------------------------------------------------- cells

def write_cell(sheet, row: int, col: int, value, kind: str, formats: _Formats, *, wrap: bool = False) -> None:
    """One value in the format of its column's kind; text always as a string, hidden counts as text."""
    if is_missing(value):
        sheet.write_blank(row, col, None, formats.text)
    elif suppression.is_suppressed(value):
        sheet.write_string(row, col, value, formats.hidden)
    elif isinstance(value, (bool, np.bool_)):
        sheet.write_string(row, col, "Yes" if value else "No", formats.text)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value.to_pydatetime() if isinstance(value, pd.Timestamp) else value,
                             formats.numbers["date"])
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), formats.numbers["date"])
    elif isinstance(value, (int, float, np.integer, np.floating)) and kind != "text":
        number = float(value)
        if math.isinf(number):
            sheet.write_blank(row, col, None, formats.text)
        else:
            sheet.write_number(row, col, number, formats.numbers.get(kind, formats.numbers["number"]))
    else:
        text = str(value)
        style = formats.quoted if safe_text.is_dangerous(text) else (formats.wrap if wrap else formats.text)
        sheet.write_string(row, col, text, style)


def _width(column: Column, frame: pd.DataFrame) -> tuple[int, bool]:
    """A column width in characters, and whether its text should wrap (long definitions)."""
    lengths = [len(column.header)]
    if column.field in frame and not frame.empty:
        lengths.append(int(frame[column.field].head(200).map(lambda v: len(str(v)) if v is not None else 0).max()))
    longest = max(lengths)
    return min(max(longest + 2, 8), WIDE_TEXT), longest > WIDE_TEXT


def _table_sheet(book, formats: _Formats, table: Table):
    sheet = book.add_worksheet(SHEET_NAMES.get(table.name, table.name[:31]))
    sheet.write_string(0, 0, table.title, formats.title)
    if table.note:
        sheet.merge_range(1, 0, 1, max(len(table.columns) - 1, 5), "", formats.note)
        sheet.write_string(1, 0, table.note, formats.note)
        sheet.set_row(1, 15 * max(1, math.ceil(len(table.note) / 140)))
    fields = [column.field for column in table.columns]
    wraps = []
    for index, column in enumerate(table.columns):
        width, wrap = _width(column, table.frame)
        sheet.set_column(index, index, width)
        wraps.append(wrap)
    if table.frame.empty:
        for index, column in enumerate(table.columns):
            sheet.write_string(TABLE_FIRST_ROW, index, column.header, formats.bold)
        sheet.write_string(TABLE_FIRST_ROW + 1, 0, "No rows for this selection.", formats.text)
        return sheet
    rows = table.frame[fields].itertuples(index=False, name=None)
    for offset, values in enumerate(rows, start=1):
        for index, (value, column) in enumerate(zip(values, table.columns)):
            write_cell(sheet, TABLE_FIRST_ROW + offset, index, value, column.kind, formats, wrap=wraps[index])
    sheet.add_table(TABLE_FIRST_ROW, 0, TABLE_FIRST_ROW + len(table.frame), len(fields) - 1, {
        "name": f"t_{table.name}"[:250],
        "columns": [{"header": column.header} for column in table.columns],
        "style": "Table Style Light 9",
    })
    sheet.freeze_panes(TABLE_FIRST_ROW + 1, 0)
    return sheet


# ---------------------------------------------------------------- charts

def _chart_data(sheet, formats: _Formats, monthly: Table) -> dict[str, tuple[int, int, str]]:
    """Each measure's months, rate, mean and limits as numbers (blank where hidden); its row span by measure."""
    sheet.write_string(0, 0, "The numbers the Summary sheet's charts plot (blank where a value is hidden).",
                       formats.note)
    headers = ["Measure", "Month", "Rate", "SPC mean", "SPC lower limit", "SPC upper limit",
               "Rate charted (seasonally adjusted for a seasonal measure)"]
    for index, header in enumerate(headers):
        sheet.write_string(2, index, header, formats.bold)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 6, 14)
    spans = {}
    row = 3
    frame = monthly.frame
    for measure_id, series in frame.groupby("measure_id", sort=False):
        first = row
        for record in series.to_dict("records"):
            sheet.write_string(row, 0, str(record["name"]), formats.text)
            write_cell(sheet, row, 1, record["month"], "date", formats)
            for col, field in enumerate(("rate", "mean", "lower", "upper", "spc_rate"), start=2):
                value = record[field]
                write_cell(sheet, row, col, None if suppression.is_suppressed(value) else value, "rate", formats)
            row += 1
        spans[measure_id] = (first, row - 1, str(series["name"].iloc[0]))
    return spans


def _trend_chart(book, spans: tuple[int, int, str], unit: str):
    first, last, name = spans
    chart = book.add_chart({"type": "line"})
    # the rate the SPC limits were worked out on (seasonally adjusted for a seasonal measure; column 6),
    # then the published rate as a thin dotted line
    chart.add_series({"name": "Rate charted", "categories": ["Chart data", first, 1, last, 1],
                      "values": ["Chart data", first, 6, last, 6],
                      "line": {"color": NHS_BLUE, "width": 2},
                      "marker": {"type": "circle", "size": 5, "fill": {"color": NHS_BLUE},
                                 "border": {"color": NHS_BLUE}}})
    chart.add_series({"name": "Rate as published", "categories": ["Chart data", first, 1, last, 1],
                      "values": ["Chart data", first, 2, last, 2],
                      "line": {"color": NHS_DARK_GREY, "width": 1, "dash_type": "round_dot"}})
    for col, label, dash in ((3, "SPC mean", "solid"), (4, "Lower limit", "dash"), (5, "Upper limit", "dash")):
        chart.add_series({"name": label, "categories": ["Chart data", first, 1, last, 1],
                          "values": ["Chart data", first, col, last, col],
                          "line": {"color": NHS_DARK_GREY, "width": 1, "dash_type": dash}})
    chart.set_title({"name": name, "name_font": {"size": 11}})
    chart.set_y_axis({"name": unit, "name_font": {"size": 9}})
    chart.set_x_axis({"date_axis": True, "num_format": "mmm yy", "num_font": {"rotation": -45}})
    chart.set_legend({"position": "bottom"})
    chart.show_blanks_as("gap")
    chart.set_size({"width": 560, "height": 260})
    return chart


def _bcf_chart(book, sheet, bcf: Table) -> None:
    if bcf.frame.empty:
        return
    last = TABLE_FIRST_ROW + len(bcf.frame)
    name = sheet.get_name()
    fields = [column.field for column in bcf.columns]
    type_col, planned_col, actual_col = (fields.index(f) for f in ("scheme_type", "planned_gbp", "actual_gbp"))
    chart = book.add_chart({"type": "bar"})
    for col, label, colour, pattern in ((planned_col, "Planned", NHS_BLUE, None),
                                        (actual_col, "Actual", NHS_DARK_GREY, "light_upward_diagonal")):
        series = {"name": label, "categories": [name, TABLE_FIRST_ROW + 1, type_col, last, type_col],
                  "values": [name, TABLE_FIRST_ROW + 1, col, last, col], "fill": {"color": colour},
                  "border": {"color": colour}}
        if pattern:  # shape as well as colour: the actual bars are hatched
            series.pop("fill")
            series["pattern"] = {"pattern": pattern, "fg_color": colour, "bg_color": WHITE}
        chart.add_series(series)
    chart.set_title({"name": "Better Care Fund: planned and actual spend by scheme type", "name_font": {"size": 11}})
    chart.set_x_axis({"name": "Pounds", "num_format": NUMBER_FORMATS["gbp"]})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": max(300, 40 * len(bcf.frame) + 120)})
    sheet.insert_chart(last + 3, 0, chart)


# ---------------------------------------------------------------- the Summary sheet

def _fact(sheet, row: int, label: str, value, kind: str, formats: _Formats) -> int:
    sheet.write_string(row, 0, label, formats.bold)
    write_cell(sheet, row, 1, value, kind, formats)
    return row + 1


def _summary_sheet(book, sheet, formats: _Formats, summary: Summary, spans: dict) -> None:
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 7, 16)
    sheet.write_string(0, 0, f"jointcare summary: {summary.area}", formats.title)
    row = 1
    if summary.fictional:
        sheet.merge_range(row, 0, row, 7, "", formats.banner)
        sheet.write_string(row, 0, "FICTIONAL DEMO DATA: every place, practice and number in this workbook is "
                                   "made up.", formats.banner)
        row += 1
    row = _fact(sheet, row, "Area", summary.area_name, "text", formats)
    row = _fact(sheet, row, "Financial year", summary.period, "text", formats)
    row = _fact(sheet, row, "Read as", "the residents of the council (council figures)" if summary.residents_view
                else "the registered patients of the selected practices", "text", formats)
    row = _fact(sheet, row, "Made", summary.generated, "text", formats)
    row += 1

    sheet.write_string(row, 0, "Headline measures", formats.heading)
    row += 1
    headers = ["Measure", "Rate", "Unit", "95% CI lower", "95% CI upper", "Change on a year before (%)",
               "SPC variation", "Numerator"]
    for col, header in enumerate(headers):
        sheet.write_string(row, col, header, formats.bold)
    row += 1
    for record in summary.headlines.frame.to_dict("records"):
        for col, (field, kind) in enumerate((("name", "text"), ("rate", "rate"), ("unit", "text"),
                                             ("ci_low", "rate"), ("ci_high", "rate"), ("change_pct", "number"),
                                             ("spc_label", "text"), ("numerator", "number"))):
            write_cell(sheet, row, col, record.get(field), kind, formats)
        row += 1
    if summary.headlines.frame.empty:
        sheet.write_string(row, 0, "No outcome data for this selection and year.", formats.text)
        row += 1
    row += 1

    sheet.write_string(row, 0, "Where residents are registered", formats.heading)
    row += 1
    catchment = summary.catchment
    row = _fact(sheet, row, "Residents registered with a GP", catchment.get("residents"), "count", formats)
    row = _fact(sheet, row, "of whom with practices based in another council", catchment.get("residents_elsewhere"),
                "count", formats)
    row = _fact(sheet, row, "Share registered elsewhere", catchment.get("share_elsewhere"), "percent", formats)
    row = _fact(sheet, row, "Practices serving the residents", catchment.get("practices_serving"), "count", formats)
    row = _fact(sheet, row, "Registrations release", catchment.get("release"), "text", formats)
    row += 1

    sheet.write_string(row, 0, f"Better Care Fund, {summary.period}", formats.heading)
    row += 1
    bcf = summary.bcf.frame
    planned = float(bcf["planned_gbp"].sum()) if not bcf.empty else None
    actual = float(bcf["actual_gbp"].sum()) if not bcf.empty and bcf["actual_gbp"].notna().any() else None
    row = _fact(sheet, row, "Planned spend", planned, "gbp", formats)
    row = _fact(sheet, row, "Actual spend (year-end return)", actual, "gbp", formats)
    row += 1

    sheet.write_string(row, 0, "Joint working", formats.heading)
    row += 1
    jw = summary.joint_working
    row = _fact(sheet, row, "Quarter", jw.get("quarter"), "text", formats)
    row = _fact(sheet, row, "Practices in the selection", jw.get("practices"), "count", formats)
    row = _fact(sheet, row, "Practices returning", jw.get("practices_returning"), "count", formats)
    row = _fact(sheet, row, "with a named or attached social worker", jw.get("with_attached_social_worker"),
                "count", formats)
    row = _fact(sheet, row, "Share with a social worker", jw.get("share"), "percent", formats)
    row = _fact(sheet, row, "Mean joint-working index (0-100)", jw.get("mean_index"), "number", formats)
    row += 1

    sheet.write_string(row, 0, "Suppression", formats.heading)
    row += 1
    sheet.merge_range(row, 0, row, 7, "", formats.note)
    sheet.write_string(row, 0, suppression.RULE, formats.note)
    sheet.set_row(row, 60)
    row += 2
    sheet.write_string(row, 0, "Every table behind this summary has its own sheet; Definitions and Sources "
                               "say what each measure is and where it comes from.", formats.note)

    chart_row = 1
    units = dict(zip(summary.headlines.frame["measure_id"], summary.headlines.frame["unit"]))
    for measure_id, span in spans.items():
        if measure_id not in units:
            continue
        sheet.insert_chart(chart_row, 9, _trend_chart(book, span, str(units[measure_id])))
        chart_row += 14
