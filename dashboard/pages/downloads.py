"""Downloads: the councillor summary (PDF and Excel), its tables as CSV, the council practice pack, and the
key tables for the current selection.

Every link is an address on the server (dashboard/exports/routes.py) with the current filters in its
query string, so it downloads exactly the selection on screen, and the same address works from a script.
The grids below keep the shared "Download these rows (CSV)" button. A selection of the whole of England
would be too large for one page of grids, so above MAX_PRACTICES the page asks for a narrower area.
"""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import filters, formats, suppression
from dashboard.catalogue import header
from dashboard.components.cards import no_data, period_note
from dashboard.components.sources import is_loaded, source_title
from dashboard.components.tables import column, data_grid
from dashboard.components.terms import term
from dashboard.db import run_query
from dashboard.exports import gather

SHOWS = ("outcomes", "registrations")  # the year it opens on: filters.default_period
dash.register_page(__name__, path="/downloads", title="Downloads - jointcare", name="Downloads", shows=SHOWS)

PREFIX = "downloads"
# About 1 MB of grid rows across the four tables at this size (practice rows ~250 bytes, three
# catchment rows per practice ~150 bytes each): the 1.5 MB response budget with room to spare.
MAX_PRACTICES = 800

# What each page offers as tables (each chart's "Show the data as a table", plus the page's own tables).
PAGE_TABLES = (
    ("Overview", "/", "the headline measures for the selection and the data behind each headline chart."),
    ("Catchment", "/catchment", "how each practice's patients split across councils, boundary practices, "
     "the patients behind the map by small area, and how well PCNs and sub-ICBs fit councils and localities."),
    ("Pooled budget", "/pooled-budget", "Better Care Fund spend by funding source, scheme type and provider, "
     "planned against actual, per head, and over the years."),
    ("Joint working", "/joint-working", "the joint-working indicators and index by practice (league tables), "
     "domain scores and how they changed quarter by quarter."),
    ("Outcomes", "/outcomes", "each outcome measure by practice and council, month by month and over the year, "
     "against the PCN, council and ICB."),
    ("Practice profiles", None, "everything about one practice: its age profile, where its patients live, "
     "its joint working over time, its outcomes against its PCN, council and ICB, and the Better Care Fund of "
     "its councils. Its address is /practice/ followed by the practice code."),
    ("Data and methods", "/data-and-methods", "every source and file loaded, every rejected row with its reason, "
     "the method settings and the warehouse's tables."),
)


def layout(**query):
    selection, note = filters.for_page(query, SHOWS)
    area = filters.describe(selection)
    return html.Div([
        html.H1("Downloads"),
        *period_note(note),
        html.P(f"Download the figures for {area} to use in your own papers and spreadsheets."),
        _summary_section(selection, area),
        _pack_section(selection),
        _pages_section(selection),
        _tables_section(selection, area),
    ])


def _link_button(label: str, href: str, link_id: str, primary: bool = True) -> html.A:
    return html.A(label, href=href, id=link_id,
                  className=f"btn {'btn-primary' if primary else 'btn-outline-primary'} btn-sm me-2 mb-2")


def _summary_section(selection: filters.Selection, area: str) -> html.Section:
    query = selection.query_string()
    tables = [entry for entry in gather.CATALOGUE if entry[0] != "joint_working_impact" or gather.has_impact()]
    items = [html.Li([html.Strong(title), f": {what}. ",
                      html.A("CSV", href=f"/download/{name}.csv{query}", id=f"{PREFIX}-csv-{name}",
                             **{"aria-label": f"{title} (CSV)"}), " · ",
                      html.A("data dictionary", href=f"/download/{name}-dictionary.csv{query}",
                             **{"aria-label": f"{title}: data dictionary (CSV)"})])
             for name, title, what in tables]
    return html.Section([
        html.H2(f"Councillor summary for {area}"),
        html.P("One click for the area chosen in the filters at the top of the page: change a filter and these "
               "links follow it."),
        html.Div([
            _link_button("PDF summary", f"/download/summary.pdf{query}", f"{PREFIX}-pdf"),
            _link_button("Excel workbook", f"/download/summary.xlsx{query}", f"{PREFIX}-xlsx"),
        ], className="mb-2"),
        html.Ul([
            html.Li(["The ", html.Strong("PDF summary"), " is a one-page PDF (two at most) to print for a meeting: "
                     "the headline measures with their ", term("SPC"), " status and 95% confidence intervals, where "
                     "residents are registered, Better Care Fund spend against plan, joint-working coverage and "
                     "a short plain-English account of what is improving, what is getting worse and what stands "
                     "out against similar areas."]),
            html.Li(["The ", html.Strong("Excel workbook"), " has a Summary sheet with charts, one sheet for "
                     "each table below, the Definitions of every measure and the Sources with their dates."]),
        ]),
        html.H3("The tables as CSV", className="mt-3"),
        html.P("Tidy files (one row per observation, a header row, UTF-8) that open in Excel, each with a data "
               "dictionary saying what every column means."),
        html.Ul(items),
        html.P([html.Strong("Safe to share: "), suppression.RULE], className="alert alert-info", role="note"),
    ])


def _pack_section(selection: filters.Selection) -> html.Section:
    heading = html.H2("Practice pack for a council")
    what = html.P("One PDF with a page for every GP practice serving the council's residents: the practice, its "
                  "list size, where its patients live, its headline outcomes with their SPC status and its joint "
                  "working. A large council's pack can take up to a minute to make.")
    if not selection.council:
        return html.Section([heading, what, html.P(
            "Choose a council in the filters at the top of the page to download its practice pack.",
            id=f"{PREFIX}-pack-hint")])
    council = filters.describe(filters.Selection(council=selection.council, period=selection.period))
    href = "/download/pack.pdf" + filters.Selection(council=selection.council, period=selection.period).query_string()
    return html.Section([heading, what, _link_button(f"Practice pack: {council.rsplit(', ', 1)[0]}", href,
                                                     f"{PREFIX}-pack")])


def _pages_section(selection: filters.Selection) -> html.Section:
    items = []
    for name, path, tables in PAGE_TABLES:
        label = (dcc.Link(name, href=path + selection.query_string()) if path else html.Strong(name))
        items.append(html.Li([label, ": ", tables]))
    return html.Section([
        html.H2("What each page lets you download"),
        html.P("Open a chart's 'Show the data as a table' to see, and download, exactly what it plots. "
               "The tables follow the filters at the top of the page."),
        html.Ul(items),
        html.P(["Every one of these tables is also at an address of its own, as JSON and CSV, for scripts and "
                "your own tools: see ", dcc.Link("the API", href="/api"), "."]),
    ])


def _tables_section(selection: filters.Selection, area: str) -> html.Section:
    heading = html.H2(f"The key tables for {area}")
    params = selection.params()
    practices = run_query("downloads__practices", **params)
    if practices.empty:
        return html.Section([heading, no_data(
            "No practice matches this selection, so there are no tables to download. "
            "Clear one of the filters at the top of the page.")])
    if len(practices) > MAX_PRACTICES:
        return html.Section([heading, no_data(
            f"This selection has {formats.count(len(practices))} practices: too many to list on one page. Choose a "
            "council, sub-ICB or PCN in the filters at the top of the page to download its tables.")])
    return html.Section([
        heading,
        html.P("Each table below follows the filters at the top of the page. Quarterly data are from the latest "
               "quarter in the chosen financial year."),
        *_practices(practices, params["period"], filters.Selection(period=selection.period).query_string()),
        *_catchment(params),
        *_joint_working(params),
        *_bcf(params),
    ])


def _source_line(keys: tuple[str, ...], date_text: str) -> html.P:
    return html.P([html.Strong("Source: "), source_title(*keys), f". {date_text}."], className="chart-source")


def _release_text(frame, period: str) -> str:
    """'January 2025 release', saying so when the earliest release stands in for an earlier year."""
    release = frame["release"].dropna()
    if release.empty:
        return "No registrations release is loaded"
    text = f"Patients from the {release.iloc[0]} release"
    if bool(frame["release_after_period"].dropna().any()):
        text += f" (the earliest loaded: there is none in or before {period})"
    return text


def _practices(practices, period: str, query: str) -> list:
    """The practices grid; query ('?period=...' when one was chosen) carries the year to the profile link."""
    release_text = _release_text(practices, period)
    first = practices.iloc[0]
    return [
        html.H3("Practices in the selection", className="mt-4"),
        html.P(["Each practice with its ", term("PCN"), ", ", term("sub-ICB"), " and home council (the council of "
                "its address), its registered patients, and the share of them living under another ",
                term("social care council"), ". A ", term("boundary practice"), " has more than 10% of its patients "
                "under another council."]),
        data_grid(f"{PREFIX}-practices", practices, [
            column("practice_code", header("downloads__practices.practice_code"), minWidth=90),
            column("practice_name", header("downloads__practices.practice_name"), minWidth=200, wrap=True, flex=2),
            column("pcn_name", header("downloads__practices.pcn_name"), minWidth=140, wrap=True),
            column("sub_icb_name", header("downloads__practices.sub_icb_name"), minWidth=140, wrap=True),
            column("home_council_name", header("downloads__practices.home_council_name"), wrap=True, minWidth=110),
            column("status", header("downloads__practices.status"), minWidth=80),
            column("patients", header("downloads__practices.patients"), "count", minWidth=105),
            column("share_other_council", header("downloads__practices.share_other_council"), "percent", minWidth=120),
            column("councils_served", header("downloads__practices.councils_served"), "count", minWidth=105),
            column("boundary_practice", header("downloads__practices.boundary_practice"), minWidth=120),
        ], caption="Practices in the selection with their list size and home council",
            file_name="jointcare-practices"),
        _source_line(("registrations", "practice_map", "epraccur"), release_text),
        html.P(["Each practice has a profile page with everything about it: for example ",
                dcc.Link(f"{first['practice_name']} ({first['practice_code']})",
                         href=f"/practice/{first['practice_code']}{query}"), "."]),
    ]


def _catchment(params: dict) -> list:
    heading = html.H3("Where each practice's patients live", className="mt-4")
    catchment = run_query("downloads__catchment", **params)
    if catchment.empty:
        return [heading, no_data("No registrations by small area are loaded, so where patients live is not known. "
                                 "Add the quarterly GP registrations by LSOA and rebuild.")]
    catchment["area_kind"] = catchment["area_kind"].str.capitalize()
    return [
        heading,
        html.P("One row for each practice and council its patients live in (and for patients living outside "
               "England or at an unknown address): the patients and their share of the practice's list. "
               "NHS England publishes these counts without suppression, so none is needed here."),
        data_grid(f"{PREFIX}-catchment", catchment, [
            column("practice_code", header("downloads__catchment.practice_code"), minWidth=100),
            column("practice_name", header("downloads__catchment.practice_name"), minWidth=220, wrap=True, flex=2),
            column("area_name", header("downloads__catchment.area_name"), minWidth=160),
            column("area_code", header("downloads__catchment.area_code"), minWidth=120),
            column("area_kind", header("downloads__catchment.area_kind"), minWidth=130),
            column("patients", header("downloads__catchment.patients"), "count", minWidth=105),
            column("share", header("downloads__catchment.share"), "percent", minWidth=105),
        ], caption="Catchment by practice: patients by the council they live in", file_name="jointcare-catchment"),
        _source_line(("registrations",), _release_text(catchment, params["period"])),
    ]


def _joint_working(params: dict) -> list:
    heading = html.H3("Joint-working index, latest quarter", className="mt-4")
    if not is_loaded("joint_working_return"):
        return [heading, no_data("No joint-working return is loaded, so there is no index to download. "
                                 "Add the practices' quarterly returns and rebuild.")]
    jw = run_query("downloads__joint_working", **params)
    if jw.empty:
        return [heading, no_data(f"No practice in this selection made a joint-working return in or before "
                                 f"{params['period']}. Choose a later year or another area.")]
    quarter = jw["quarter_label"].iloc[0]
    return [
        heading,
        html.P(["The ", term("joint-working index"), " (0 to 100) of each practice that made a return in ", quarter,
                ", with its four domain scores. ",
                dcc.Link("How the index is worked out", href="/data-and-methods#data-and-methods-joint-working"),
                "."]),
        data_grid(f"{PREFIX}-joint-working", jw, [
            column("practice_code", header("downloads__joint_working.practice_code"), minWidth=100),
            column("practice_name", header("downloads__joint_working.practice_name"), minWidth=220, wrap=True, flex=2),
            column("quarter_label", header("downloads__joint_working.quarter_label"), minWidth=110),
            column("joint_working_index", header("downloads__joint_working.joint_working_index"), "index",
                   minWidth=105),
            column("time_and_space", header("downloads__joint_working.time_and_space"), "index", minWidth=105),
            column("trust_and_roles", header("downloads__joint_working.trust_and_roles"), "index", minWidth=105),
            column("shared_priorities", header("downloads__joint_working.shared_priorities"), "index", minWidth=105),
            column("practical_support", header("downloads__joint_working.practical_support"), "index", minWidth=105),
            column("indicators_scored", header("downloads__joint_working.indicators_scored"), "count", minWidth=105),
            column("attached_social_worker", header("downloads__joint_working.attached_social_worker"), minWidth=105),
        ], caption=f"Joint-working index by practice, {quarter}", file_name="jointcare-joint-working-index"),
        _source_line(("joint_working_return",), f"Quarter {quarter}"),
    ]


def _bcf(params: dict) -> list:
    heading = html.H3(f"Better Care Fund, {params['period']}", className="mt-4")
    if not is_loaded("bcf_plan"):
        return [heading, no_data("No Better Care Fund plans are loaded. Add the planning templates and rebuild.")]
    bcf = run_query("downloads__bcf", **params)
    if bcf.empty:
        return [heading, no_data(f"No Better Care Fund plan for {params['period']} is loaded for the councils in "
                                 "this selection. Choose another year.")]
    return [
        heading,
        html.P(["The ", term("BCF"), " of each council in the selection (each ", term("HWB"), " area): planned and "
                "actual spend, the NHS and council contributions, the share spent on social care, and spend ",
                term("per head"), "."]),
        data_grid(f"{PREFIX}-bcf", bcf, [
            column("hwb_name", header("downloads__bcf.hwb_name"), minWidth=150),
            column("financial_year", header("downloads__bcf.financial_year")),
            column("schemes", header("downloads__bcf.schemes"), "count", minWidth=105),
            column("planned_gbp", header("downloads__bcf.planned_gbp"), "gbp", minWidth=105),
            column("actual_gbp", header("downloads__bcf.actual_gbp"), "gbp", minWidth=105),
            column("actual_to_planned", header("downloads__bcf.actual_to_planned"), "percent", minWidth=105),
            column("planned_nhs_gbp", header("downloads__bcf.planned_nhs_gbp"), "gbp", minWidth=105),
            column("planned_la_gbp", header("downloads__bcf.planned_la_gbp"), "gbp", minWidth=105),
            column("share_social_care", header("downloads__bcf.share_social_care"), "percent", minWidth=105),
            column("planned_per_head_gbp", header("downloads__bcf.planned_per_head_gbp"), "gbp", minWidth=105),
        ], caption=f"Better Care Fund summary, {params['period']}", file_name="jointcare-bcf-summary"),
        _source_line(("bcf_plan", "bcf_year_end"), f"Financial year {params['period']}"),
    ]
