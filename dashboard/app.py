"""The Dash shell: header, navigation, the global filter bar, the alert region and the page container.

Each page in dashboard/pages/ owns its layout and callbacks (Dash Pages). The filters live in the URL
query string: the filter bar writes it, and every page's `layout(**query)` reads it, so a pasted link
reproduces the view and back and forward work.

`server = app.server` is what gunicorn serves (Procfile: web: gunicorn dashboard.app:server).
Everything the page needs is served from this machine: Dash's own scripts and assets/ (Bootstrap CSS
from the npm package, no web fonts, no map tiles).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
import duckdb
from dash import Input, Output, State, ctx, dcc, html, no_update

from dashboard import callback_cache, errors, feed, filters, search, security, serialise
from dashboard.api import routes as api_routes
from dashboard.components import peers
from dashboard.components.search_box import combobox
from dashboard.db import reference_query, unreadable, warehouse_path
from dashboard.exports import routes as download_routes
from etl import settings

ROOT = Path(__file__).resolve().parent.parent
serialise.install()

app = dash.Dash(
    __name__,
    title="jointcare",
    use_pages=True,
    pages_folder=str(Path(__file__).with_name("pages")),
    assets_folder=str(ROOT / "assets"),
    serve_locally=True,
    update_title=None,
    suppress_callback_exceptions=True,  # pages add components the shell's layout does not have
    on_error=errors.on_error,
    description="Joint working between GP practices and adult social care, by locality.",
    include_pages_meta=False,
)
# English pages; and Dash's scripts sit in a plain div, because its default <footer> would be a second
# "contentinfo" landmark beside the page's own footer (axe: landmark-no-duplicate-contentinfo).
app.index_string = (app.index_string.replace("<html>", '<html lang="en-GB">')
                    .replace("<footer>", '<div class="dash-scripts">').replace("</footer>", "</div>"))
server = app.server
download_routes.install(server)  # /download/summary.pdf, /download/summary.xlsx, /download/<table>.csv, ...
search.install(server)  # /search.json, the search box's answers
feed.install(server)  # /changes.atom, the What changed feed of a selection
api_routes.install(server)  # /api/v1/<page>/<table>.json and .csv, every table a page shows

NAV = (
    ("Overview", "/"),
    ("Catchment", "/catchment"),
    ("Pooled budget", "/pooled-budget"),
    ("Joint working", "/joint-working"),
    ("Outcomes", "/outcomes"),
    ("Groups", "/groups"),
    ("What changed", "/changes"),
    ("Downloads", "/downloads"),
    ("Data and methods", "/data-and-methods"),
)
# Native <select>s: fully keyboard- and screen-reader-accessible (Dash 4's dcc.Dropdown leaves a focusable
# aria-hidden input, which axe reports as serious). The first option, value ANY, means "no filter"
# (not "": dbc.Select keeps a hidden blank placeholder option of its own with that value).
ANY = "any"
FILTER_PLACEHOLDERS = {
    "period": "Latest whole year",
    "council": "All councils",
    "locality": "All localities",
    "sub_icb": "All sub-ICBs",
    "pcn": "All PCNs",
    "practice": "All practices",
    "deprivation": "All deciles",
    "group": "No group",
}


def _nav() -> html.Nav:
    links = [dbc.NavItem(dbc.NavLink(label, href=path, id=f"nav-{path.strip('/') or 'overview'}", active="exact"))
             for label, path in NAV]
    return html.Nav(dbc.Nav(links, pills=True, className="site-nav"), **{"aria-label": "Pages"})


def _search_box() -> html.Div:
    """The search box of every page: practices, areas and postcodes."""
    box = combobox("site-search", "Search for a practice, area or postcode",
                   "Type two letters or more, then use the arrow keys and Enter to choose.", "site-search")
    box.role = "search"
    return box


def _practice_search() -> html.Div:
    """Under the practice filter: any practice the other filters leave, found by the server, so the filter
    bar never carries England's 6,300 practices (issue 15) and a practice is found without narrowing first."""
    return combobox("practice-search", "Find a practice",
                    "Searches the practices the other filters leave. Type two letters or more, then use the arrow "
                    "keys and Enter to choose.", "site-search practice-search")


def _filter_bar() -> html.Section:
    """The six filters and the actions on them. On a narrow screen they fold away behind one button that
    says what is chosen (assets/style.css shows the button and hides the body below 48rem), so the page
    starts on the first screen rather than six selects (WCAG 2.2 1.4.10, reflow at 320 px)."""
    controls = []
    for key in filters.FILTER_KEYS:
        control_id = f"filter-{key}"
        controls.append(html.Div([
            html.Label(filters.LABELS[key], htmlFor=control_id, id=f"{control_id}-label", className="form-label"),
            dbc.Select(id=control_id, options=[{"label": FILTER_PLACEHOLDERS[key], "value": ANY}], value=ANY,
                       className="filter-select", size="sm"),
            *([_practice_search()] if key == "practice" else []),
        ], className="filter"))
    return html.Section([
        html.H2("Filters", className="visually-hidden"),
        html.Button([html.Span("Filters: ", className="filter-toggle-label"), html.Span(id="filter-summary")],
                    id="filter-toggle", className="filter-toggle btn btn-outline-primary btn-sm", n_clicks=0,
                    **{"aria-expanded": "false", "aria-controls": "filter-body"}),
        html.Div([
            html.Div(controls, className="filter-row"),
            html.Div([
                html.Button("Clear filters", id="filter-clear", className="btn btn-outline-secondary btn-sm",
                            n_clicks=0),
                _download_menu(),
                html.P("The filters are part of the web address: copy it to share this view.",
                       className="filter-hint"),
            ], className="filter-actions"),
        ], id="filter-body", className="filter-body folded"),
        html.Div(id="filter-notes", role="status", **{"aria-live": "polite"}),
    ], className="filter-bar", **{"aria-label": "Filters"})


# The fold is the browser's alone: no round trip to open a panel.
dash.clientside_callback(
    """function(clicks) {
        var open = clicks % 2 === 1;
        return [open ? "filter-body" : "filter-body folded", open ? "true" : "false"];
    }""",
    Output("filter-body", "className"), Output("filter-toggle", "aria-expanded"),
    Input("filter-toggle", "n_clicks"), prevent_initial_call=True,
)


# The Download menu: the same three downloads on every page, following the filters (download_links).
DOWNLOADS = (
    ("download-pdf", "PDF summary (A4, one page)", "/download/summary.pdf", True),
    ("download-xlsx", "Excel workbook (every table)", "/download/summary.xlsx", True),
    ("download-csv", "CSV tables and the practice pack", "/downloads", False),
)


def _download_menu() -> dbc.DropdownMenu:
    return dbc.DropdownMenu(
        [dbc.DropdownMenuItem(label, id=item_id, href=path, external_link=external)
         for item_id, label, path, external in DOWNLOADS],
        id="download-menu", label="Download", size="sm", color="primary", class_name="download-menu")


@dash.callback([Output(item_id, "href") for item_id, *_ in DOWNLOADS], Input("url", "search"),
               State("url", "pathname"))
def download_links(search, pathname=None):
    """Each download's address with the current filters (values the filters would drop are left out), and
    the year the page shows when the address names none, so the file is of the year on the screen."""
    query = filters.parse_search(search)
    selection, _ = filters.for_page(query, page_shows(pathname))
    compare = peers.compare_value(query, selection)  # "Compare with: similar areas" carries into the files
    extra = {"compare": compare} if compare == peers.COMPARE_PEERS else {}
    return [path + selection.query_string(**extra) for _, _, path, _ in DOWNLOADS]


def page_shows(pathname: str | None) -> tuple[str, ...]:
    """The kinds of data the page at pathname shows (its register_page(shows=...)), which choose its year."""
    for page in dash.page_registry.values():
        template = page.get("path_template")
        if page["path"] == pathname or (template and pathname and pathname.startswith(template.split("<")[0])):
            return tuple(page.get("shows", ()))
    return ()


def _demo_banner() -> list:
    if not warehouse_path().exists():
        return []
    build = reference_query("home__build")
    if build.empty or not bool(build["is_demo"].iloc[0]):
        return []
    return [html.P("Fictional demo data: every place, practice and number in this dashboard is made up.",
                   className="demo-banner", role="note")]


def layout() -> html.Div:
    if not warehouse_path().exists():
        return html.Main([html.H1("jointcare"), html.P(
            "No warehouse has been built yet. Run `make run`, or `jointcare build`, then reload this page.",
            role="alert")], id="main")
    try:
        banner = _demo_banner()
    except (duckdb.Error, OSError):  # damaged or replaced since the server started: say so, once, plainly
        return html.Main([html.H1("jointcare"), html.P(
            f"The dashboard cannot show anything just now. {unreadable() or 'The warehouse cannot be read.'} "
            "Then reload this page.", role="alert")], id="main")
    return html.Div([
        dcc.Location(id="url", refresh="callback-nav"),
        html.A("Skip to main content", href="#main", className="skip-link"),
        html.Header([
            *banner,
            html.Div([html.P("jointcare", className="brand"),
                      html.P("GP practices and adult social care, joined up by place", className="brand-tagline")],
                     className="brand-block"),
            _search_box(),
            _nav(),
        ], className="site-header"),
        _filter_bar(),
        dbc.Alert(id=errors.ALERT_ID, is_open=False, color="danger", dismissable=True),
        html.Main(dash.page_container, id="main", tabIndex=-1),
        html.Footer(html.P(["jointcare: numbers from published NHS and council data; see ",
                            dcc.Link("Data and methods", href="/data-and-methods"), " for sources and definitions."]),
                    className="site-footer"),
    ], className="shell")


app.layout = layout

_FILTER_OUTPUTS = [Output(f"filter-{key}", "value") for key in filters.FILTER_KEYS]
_OPTION_OUTPUTS = [Output(f"filter-{key}", "options") for key in filters.FILTER_KEYS]
_NAV_OUTPUTS = [Output(f"nav-{path.strip('/') or 'overview'}", "href") for _, path in NAV]


@dash.callback(
    Output("url", "search"),
    *_FILTER_OUTPUTS,
    *_OPTION_OUTPUTS,
    Output("filter-notes", "children"),
    Output("filter-summary", "children"),
    *_NAV_OUTPUTS,
    Input("url", "search"),
    *[Input(f"filter-{key}", "value") for key in filters.FILTER_KEYS],
    Input("filter-clear", "n_clicks"),
    State("url", "pathname"),
)
def sync_filters(search, *args):
    """Keep the URL, the dropdowns and their options in step, whichever one the user changed."""
    values = dict(zip(filters.FILTER_KEYS, args[:len(filters.FILTER_KEYS)]))
    return filter_state(search, values, ctx.triggered_id, args[-1])


def filter_state(search: str | None, values: dict, trigger: str | None, pathname: str | None = None) -> tuple:
    """The callback's work as a plain function: (search, six values, six option lists, notes, the filters'
    summary in words, nav hrefs)."""
    query = filters.parse_search(search)
    extra = {key: value for key, value in query.items() if key not in filters.ADDRESS_KEYS}
    if trigger == "filter-clear":
        selection, notes = filters.Selection(), []
    elif trigger is None or trigger == "url":
        selection, notes = filters.parse(query)
    else:
        chosen = {key: value for key, value in values.items() if value and value != ANY}
        if chosen.get("group") == filters.OWN_GROUP:  # the user's own group stays as the address has it
            chosen.pop("group")
            chosen.update({key: query[key] for key in filters.OWN_GROUP_KEYS if key in query})
        selection, notes = filters.parse(chosen)
        # A new council or sub-ICB clears a locality, PCN or practice that is not inside it.
        selection = _drop_outside(selection, trigger)
    new_search = selection.query_string(**extra)
    options = filters.cascade(selection)
    # Rewrite the address only when its meaning changes (not for the order of its keys): each rewrite
    # renders the page again.
    search_output = no_update if filters.parse_search(new_search) == query else new_search
    notes_output = [html.P(note, className="filter-note") for note in notes]
    hrefs = [path + selection.query_string() for _, path in NAV]
    everything = {key: [{"label": FILTER_PLACEHOLDERS[key], "value": ANY}] for key in filters.FILTER_KEYS}
    # the year this page opens on (the page says why), first: a narrow select cuts the end off
    shown, _ = filters.with_page_year(selection, page_shows(pathname))
    everything["period"][0]["label"] = f"{shown.period} (latest)" if shown.period else FILTER_PLACEHOLDERS["period"]
    values_output = [getattr(selection, key) or ANY for key in filters.FILTER_KEYS]
    if selection.members and not selection.group:
        values_output[filters.FILTER_KEYS.index("group")] = filters.OWN_GROUP
    return (search_output, *values_output,
            *[everything[key] + options[key] for key in filters.FILTER_KEYS], notes_output,
            filters.describe(shown), *hrefs)


def _drop_outside(selection: filters.Selection, changed: str) -> filters.Selection:
    narrower = {"filter-council": ("locality", "pcn", "practice"), "filter-sub_icb": ("pcn", "practice"),
                "filter-locality": ("pcn", "practice"), "filter-pcn": ("practice",)}.get(changed, ())
    for key in narrower:
        if getattr(selection, key) is not None and filters.selected_practices(selection).empty:
            selection = replace(selection, **{key: None})
    return selection


security.install(app)  # last: its Content-Security-Policy hashes every inline script declared above
callback_cache.install(app)  # after security: a malformed request gets its 400 first

if settings.get("JOINTCARE_DEBUG") == "1":  # pragma: no cover - developer convenience only
    app.enable_dev_tools(debug=True)
