"""The Dash shell. Until the dashboard pages land, one page lists the warehouse's tables.

`server = app.server` is what gunicorn serves (Procfile: web: gunicorn dashboard.app:server).
Everything the page needs is served from this machine: Dash's own scripts and assets/.
"""

from __future__ import annotations

from pathlib import Path

import dash
from dash import html

from dashboard.db import run_query, warehouse_path
from etl import settings

ASSETS = Path(__file__).resolve().parent.parent / "assets"

app = dash.Dash(
    __name__,
    title="jointcare",
    assets_folder=str(ASSETS),
    serve_locally=True,
    update_title=None,
)
server = app.server


def _tables_section() -> html.Section:
    tables = run_query("home__tables")
    header = html.Tr([html.Th(name, scope="col") for name in ("Table", "Rows", "Layer", "Grain", "Note")])
    rows = [
        html.Tr([
            html.Td(html.Code(row.table_name)),
            html.Td(f"{row.row_count:,}", className="number"),
            html.Td(row.layer),
            html.Td(row.grain if isinstance(row.grain, str) else ""),
            html.Td(row.note if isinstance(row.note, str) else ""),
        ])
        for row in tables.itertuples()
    ]
    return html.Section([
        html.H2("Warehouse tables"),
        html.Table([html.Caption("Tables in the warehouse and their row counts"), html.Thead(header), html.Tbody(rows)],
                   className="tables"),
    ])


def layout() -> html.Div:
    if not warehouse_path().exists():
        return html.Main([html.H1("jointcare"), html.P(
            "No warehouse has been built yet. Run `make run`, or `jointcare build`, then reload this page.",
            role="alert")])
    build = run_query("home__build").iloc[0]
    banner = []
    if build.is_demo:
        banner = [html.P("Fictional demo data: every place, practice and number on this page is made up.",
                         className="demo-banner", role="note")]
    return html.Main([
        *banner,
        html.H1("jointcare"),
        html.P("Joint working between general practice and adult social care, by locality."),
        html.P(f"Warehouse built {build.built_at:%d %B %Y %H:%M} UTC from the folder '{build.raw_folder}'."),
        _tables_section(),
    ])


app.layout = layout
app.config.suppress_callback_exceptions = False

if settings.get("JOINTCARE_DEBUG") == "1":  # pragma: no cover - developer convenience only
    app.enable_dev_tools(debug=True)
