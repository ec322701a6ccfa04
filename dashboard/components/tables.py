"""Data tables: dash-ag-grid with sort, filter and CSV export of the rows the user can see.

Every chart has one of these behind it, and any table can be exported: the export button sets the
grid's `exportDataAsCsv` in the browser (a clientside callback), which writes the filtered and
sorted rows, so the server does no work.

Small numbers: the browser's export writes whatever rows it holds, so the rows are suppressed here, on
the server, before they are sent (dashboard/suppression.py, the one rule). A column built with
people_count=True is a count of people: 1-4 becomes "<5"; one with hidden_with="<field>" (a rate, a
share, an interval) is hidden wherever that count is. Secondary suppression needs to know what else the
page prints (a total, a pooled rate), so pages do it before calling data_grid; this is the floor every
grid keeps. A hidden cell is the marker text, shown and exported as it is.
"""

from __future__ import annotations

import json
import re

import dash_ag_grid as dag
import pandas as pd
from dash import MATCH, Input, Output, clientside_callback, html

from dashboard import formats, suppression
from dashboard.catalogue import header as catalogue_header
from dashboard.catalogue import with_unit


# Column kinds: how a number is shown in the grid (formatCell in assets/dashAgGridFunctions.js, through AG
# Grid's valueFormatter), in the places the PDF and the workbook show the same kind (dashboard/formats.py
# KINDS). The markers of hidden small numbers ("<5", "[c]") are text in a number column: shown as they are.
def grid_format(style: formats.Kind, *, signed: bool = False) -> dict:
    flags = ", ".join(json.dumps(flag) for flag in (style.separators, style.proportion, style.pounds, signed))
    return {"function": f"formatCell(params, {style.places}, {flags})"}


FORMATS = {kind: grid_format(style) for kind, style in formats.KINDS.items()}
# Keys of a column definition that say how it is suppressed; taken out before the grid is sent (AG Grid
# would warn about keys it does not know).
_PEOPLE_COUNT, _HIDDEN_WITH = "jointcarePeopleCount", "jointcareHiddenWith"
# Keys saying what a column means and how it is shown, for the API (dashboard/api): the catalogue entry
# ("<table>.<column>", dashboard/catalogue.py) and the kind (FORMATS). Taken out before the grid is sent too.
_CATALOGUE, _KIND = "jointcareCatalogue", "jointcareKind"
_OURS = (_PEOPLE_COUNT, _HIDDEN_WITH, _CATALOGUE, _KIND)
# The column type of a percentage (dashAgGridFunctions.js exports it in per cent, under the header
# csv_headers gives it).
PERCENT_TYPE = "percentColumn"
# Long text wraps inside its cell and the row grows to fit (AG Grid's rows are otherwise one line high).
WRAP = {"wrapText": True, "autoHeight": True}


def column(field: str, header: str, kind: str = "text", *, wrap: bool = False, people_count: bool = False,
           hidden_with: str | None = None, catalogue: str | None = None, **extra) -> dict:
    """One AG Grid column definition: numbers right-aligned and formatted, text filterable.

    wrap=True lets long text run onto more lines instead of being cut off ("RUSKANTON & WENN...").
    people_count=True: a count of people, suppressed by data_grid; hidden_with: the count field this
    column is worked out from, hidden with it. catalogue: the column's catalogue entry, for a header not
    written by catalogue.header (which carries its entry with it).
    """
    definition = {"field": field, "headerName": header, **(WRAP if wrap else {}), **extra,
                  _KIND: kind, _CATALOGUE: catalogue or getattr(header, "key", None)}
    if people_count:
        definition[_PEOPLE_COUNT] = True
    if hidden_with:
        definition[_HIDDEN_WITH] = hidden_with
    if kind in FORMATS:
        definition.update(
            # a percentage is held as a fraction (0.073) and shown as 7.3%; its CSV says 7.3 under "(%)"
            type=["numericColumn", PERCENT_TYPE] if kind == "percent" else "numericColumn",
            filter="agNumberColumnFilter",
            valueFormatter=FORMATS[kind],
        )
    elif kind == "date":
        definition.update(filter="agDateColumnFilter")
    else:
        definition.update(filter="agTextColumnFilter")
    return definition


def practice_link_column(field: str = "code", header: str | None = None, query: str = "",
                         label_field: str | None = None, **extra) -> dict:
    """Practices as links to their profiles (/practice/<code><query>), labelled by their code or by
    label_field (e.g. the practice's name). header: the practice code's, from the catalogue, unless given.

    The link is built in the browser (practiceLink in assets/dashAgGridFunctions.js), so rowData keeps
    plain values; the CSV export and the column's text filter use the plain label, not the markdown.
    """
    label = label_field or field
    definition = column(label, header or catalogue_header("dim_practice.practice_code"), **extra)
    definition.update(
        cellRenderer="markdown",
        valueGetter={"function": f"practiceLink(params, {json.dumps(field)}, {json.dumps(label)}, "
                                 f"{json.dumps(query)})"},
        valueFormatter={"function": f"params.data[{json.dumps(label)}]"},
        filterValueGetter={"function": f"params.data[{json.dumps(label)}]"},
    )
    definition.setdefault("minWidth", 120)
    if label_field:  # a practice's name runs onto a second line rather than being cut off
        definition.update(WRAP)
        definition["minWidth"] = max(definition["minWidth"], 180)
    return definition


def area_link_column(field: str, label_field: str, header: str, path: str, key: str, **extra) -> dict:
    """Areas as links to a page with the area selected (path?key=<code>), labelled by label_field (the
    area's name); built in the browser like practice_link_column (areaLink in assets/dashAgGridFunctions.js)."""
    definition = column(label_field, header, wrap=True, **extra)
    definition.update(
        cellRenderer="markdown",
        valueGetter={"function": f"areaLink(params, {json.dumps(field)}, {json.dumps(label_field)}, "
                                 f"{json.dumps(f'{path}?{key}=')})"},
        valueFormatter={"function": f"params.data[{json.dumps(label_field)}]"},
        filterValueGetter={"function": f"params.data[{json.dumps(label_field)}]"},
    )
    definition["minWidth"] = max(definition.get("minWidth", 0), 180)
    return definition


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "table"


def data_grid(grid_id: str, frame: pd.DataFrame, columns: list[dict], *, caption: str,
              file_name: str | None = None, page_size: int = 15) -> html.Div:
    """An AG Grid of frame's rows (columns as built by `column`), titled, with a CSV export button.

    The caption labels the grid for screen readers and names the exported file.
    """
    described = described_columns(columns)
    frame, columns = suppressed_rows(frame, columns)
    fields = [definition["field"] for definition in columns]
    # pandas' JSON writer turns NaN/NaT into null and dates into ISO text, and is far faster than
    # converting cell by cell in Python (it matters for the 6,000-row grids at England scale)
    rows = json.loads(frame[fields].to_json(orient="records", date_format="iso", date_unit="s"))
    paginate = len(rows) > page_size
    grid = dag.AgGrid(
        id={"type": "data-grid", "grid": grid_id},
        rowData=rows,
        columnDefs=columns,
        # Headers wrap rather than truncate ("Rows lo..."); the cells' spacing is in assets/style.css.
        defaultColDef={"sortable": True, "resizable": True, "floatingFilter": False, "minWidth": 90, "flex": 1,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={
            "pagination": paginate, "paginationPageSize": page_size, "paginationPageSizeSelector": False,
            "domLayout": "autoHeight", "suppressMenuHide": True, "enableCellTextSelection": True,
            "ensureDomOrder": True, "columnTypes": {PERCENT_TYPE: {}},
        },
        csvExportParams={"fileName": f"{file_name or _slug(caption)}.csv",
                         # assets/dashAgGridFunctions.js: formula text made inert
                         "processCellCallback": {"function": "neutraliseFormulas(params)"},
                         "processHeaderCallback": {
                             "function": f"csvHeader(params, {json.dumps(csv_headers(columns))})"}},
        className="ag-theme-alpine",
        style={"width": "100%"},
    )
    # Kept on the Python object only (Dash sends declared properties, not attributes): the API reads what
    # each column means from the grid the page drew, and the browser is sent nothing more.
    grid.jointcare_columns = described
    return html.Div([
        html.Div([
            html.P(caption, className="grid-caption", id=f"{grid_id}-caption"),
            html.Button("Download these rows (CSV)", id={"type": "csv-button", "grid": grid_id},
                        className="btn btn-outline-primary btn-sm", n_clicks=0),
        ], className="grid-toolbar"),
        html.P("Scroll the table sideways to see every column.", className="scroll-hint"),
        html.Div(grid, role="region", **{"aria-labelledby": f"{grid_id}-caption"}),
    ], className="data-grid")


def csv_headers(columns: list[dict]) -> str:
    """{field: header} of the columns whose CSV header is not the grid's, as JSON text for csvHeader in
    assets/dashAgGridFunctions.js: a share is shown as 7.3% but written in the CSV as 7.3, so its header
    gains the unit by the catalogue's rule ("Share of the list (%)"), the rule the downloads' headers use."""
    return json.dumps({definition["field"]: with_unit(definition["headerName"], "%") for definition in columns
                       if PERCENT_TYPE in definition.get("type", ())})


def described_columns(columns: list[dict]) -> list[dict]:
    """What the API says of each column: its field, header, kind, catalogue entry (None when the grid's
    column names none) and how it is suppressed."""
    return [{"field": definition["field"], "header": str(definition.get("headerName", definition["field"])),
             "kind": definition.get(_KIND, "text"), "catalogue": definition.get(_CATALOGUE),
             "people_count": bool(definition.get(_PEOPLE_COUNT)), "hidden_with": definition.get(_HIDDEN_WITH)}
            for definition in columns]


def suppressed_rows(frame: pd.DataFrame, columns: list[dict]) -> tuple[pd.DataFrame, list[dict]]:
    """The rows with every people_count column's small counts hidden and the columns worked out from them
    hidden with them; and the column definitions without our own keys (suppression, catalogue, kind)."""
    sent = [{key: value for key, value in definition.items() if key not in _OURS} for definition in columns]
    counts = [definition["field"] for definition in columns if definition.get(_PEOPLE_COUNT)]
    derived = [(definition["field"], definition[_HIDDEN_WITH]) for definition in columns
               if definition.get(_HIDDEN_WITH)]
    if not counts and not derived:
        return frame, sent
    out = frame
    for field in counts:
        out = suppression.people(out, field)
    for field, source in derived:
        out = suppression.follow(out, [field], source)
    return out, sent


clientside_callback(
    "function(clicks) { return clicks ? true : window.dash_clientside.no_update; }",
    Output({"type": "data-grid", "grid": MATCH}, "exportDataAsCsv"),
    Input({"type": "csv-button", "grid": MATCH}, "n_clicks"),
    prevent_initial_call=True,
)

