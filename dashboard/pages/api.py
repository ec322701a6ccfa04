"""The API page (/api): every endpoint, its parameters and its columns, written from the registry.

Nothing here is written by hand about a table: the list is dashboard/api/registry.index() (the pages drawn
for an example; the columns' meanings and units from the catalogue, dashboard/catalogue.py), the same list
/api/v1/ serves as JSON, so the page cannot describe an endpoint that does not exist or miss one that does.
"""

from __future__ import annotations

import dash
from dash import html

from dashboard import filters, suppression
from dashboard.api import paging, registry, routes

dash.register_page(__name__, path="/api", title="API - jointcare", name="API")

PREFIX = "api-page"


def layout(**_query):
    endpoints = registry.index()
    by_page: dict[str, list[dict]] = {}
    for endpoint in endpoints:
        by_page.setdefault(endpoint["page"], []).append(endpoint)
    return html.Div([
        html.H1("API: every table as JSON and CSV"),
        html.P(["Every table a page shows is at an address of its own under ", html.Code(registry.PREFIX),
                ", as JSON and as CSV, taking the same parameters as the page's address. No registration and no "
                "key: the figures are published data. ", html.A("The list as JSON", href=f"{registry.PREFIX}/"),
                "."], className="lead-in"),
        _how_section(),
        _filters_section(),
        html.Section([
            html.H2("The endpoints", id=f"{PREFIX}-endpoints"),
            html.P(f"{len(endpoints)} tables on {len(by_page)} pages. Each example link works on this dashboard."),
            *[_page_section(path, listed) for path, listed in by_page.items()],
        ], **{"aria-labelledby": f"{PREFIX}-endpoints"}),
    ], className="api-page")


def _how_section() -> html.Section:
    items = [
        ("Addresses", [html.Code(f"{registry.PREFIX}/<page>/<table>.json"), " or ", html.Code(".csv"),
                       "; a practice profile's tables at ",
                       html.Code(f"{registry.PREFIX}/practice/<code>/<table>.json"),
                       ". The rows are the table's on the page for the same parameters, in its order."]),
        ("JSON", "An object: meta (the table's title, the selection in words, the year, the page's address, the "
                 "build, the small-number rule, the columns with field, header, label, unit and meaning), total (the "
                 "number of rows), page, size, next (the address of the next page of rows, or null) and rows. "
                 "Numbers are numbers; a hidden small number is its marker text."),
        ("CSV", "A header row of field names, then the rows: numbers unformatted, a share as a proportion (0.25 is "
                "25%), text a spreadsheet would run as a formula made inert, UTF-8 with a byte order mark."),
        ("Paging", f"size (1 to {paging.MAX_SIZE:,}) and page (1, 2, ...). JSON answers {paging.MAX_SIZE:,} rows "
                   f"unless asked for fewer, with total and next; a CSV holds every row, up to {paging.CSV_CAP:,}, "
                   "unless size or page is given."),
        ("Polling", "Each answer has an ETag and a Last-Modified (the warehouse's build). Send them back as "
                    "If-None-Match or If-Modified-Since: until the next build the answer is 304 Not Modified."),
        ("Errors", "JSON with error (the status) and message in words: 404 names the tables there are; 400 names the "
                   "parameter and, under allowed, the values or form it takes. An unknown code is refused rather "
                   "than ignored, so a script never gets a whole area's rows by mistake."),
        ("Small numbers", suppression.RULE),
    ]
    return html.Section([
        html.H2("How it works", id=f"{PREFIX}-how"),
        html.Dl([part for name, words in items for part in (html.Dt(name), html.Dd(words))]),
    ], **{"aria-labelledby": f"{PREFIX}-how"})


def _filters_section() -> html.Section:
    rows = [html.Tr([html.Th(html.Code(key), scope="row"), html.Td(filters.LABELS.get(key, key)),
                     html.Td(values)]) for key, values in routes.every_filter_s_values().items()]
    return html.Section([
        html.H2("Filters every endpoint takes", id=f"{PREFIX}-filters"),
        html.P("The filters of the pages, by the same names and values; a year left out is the page's own default."),
        _table("The filters and the values each takes",
               ["Parameter", "Filter", "Values"], rows),
    ], **{"aria-labelledby": f"{PREFIX}-filters"})


def _table(caption: str, headers: list[str], rows: list) -> html.Div:
    return html.Div([
        html.P("Scroll the table sideways to see every column.", className="scroll-hint"),
        html.Div(html.Table([
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(text, scope="col") for text in headers])),
            html.Tbody(rows),
        ], className="tables"), className="table-scroll", tabIndex=0, role="region", **{"aria-label": caption}),
    ])


def _page_section(path: str, endpoints: list[dict]) -> html.Section:
    heading_id = f"{PREFIX}-page-{endpoints[0]['address'].split('/')[3]}"
    own = [parameter for parameter in endpoints[0]["parameters"] if parameter["kind"] == "page"]
    return html.Section([
        html.H3(["Page ", html.Code(path)], id=heading_id),
        *([html.P("Its own parameters:"), html.Ul([
            html.Li([html.Code(parameter["name"]), f": {parameter['meaning']} Values: ",
                     ", ".join(parameter["allowed"]), "."]) for parameter in own])] if own else []),
        *[_endpoint(endpoint) for endpoint in endpoints],
    ], **{"aria-labelledby": heading_id})


def _endpoint(endpoint: dict) -> html.Div:
    rows = [html.Tr([html.Th(html.Code(column["field"]), scope="row"), html.Td(column["header"]),
                     html.Td(column["unit"] or ""), html.Td(column["description"] or ""),
                     html.Td(column["suppressed"])]) for column in endpoint["columns"]]
    example = endpoint["example"]
    columns = len(endpoint["columns"])
    return html.Div([
        html.H4(html.Code(endpoint["address"] + ".json | .csv")),
        html.P(endpoint["title"]),
        html.P(["Example: ", html.A(example, href=example), " (",
                html.A("CSV", href=example.replace(".json", ".csv", 1)), ")"]),
        # folded: 70 tables of columns would make a page no one could scroll through
        html.Details([
            html.Summary(f"Its {columns} column{'s' if columns != 1 else ''}: meaning and unit"),
            _table(f"Columns of {endpoint['address']}", ["Field", "Header", "Unit", "Meaning", "Small numbers"],
                   rows),
        ], className="chart-table"),
    ], className="api-endpoint")
