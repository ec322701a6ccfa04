"""Catchment, for analysts and board members: where a selection's patients live, and whose social care.

One registrations release is shown: the latest quarter at or before the end of the chosen
financial year. The page has five parts, each read from its own query (dashboard/queries/catchment__*):
headlines (mart_catchment_council, mart_catchment_practice), a map of LSOAs (what it shows depends on
the selection: a practice's patients; a council's or locality's residents at practices based
elsewhere; otherwise the selection's patients, when they live in few enough LSOAs to draw), a Sankey
diagram of patients from practice (or PCN, or sub-ICB, when there are many) to council, the
boundary-practice table, and the coterminosity of PCNs and sub-ICBs with councils and localities.
"""

from __future__ import annotations

import datetime as dt

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboard import filters, formats, palette, suppression
from dashboard.catalogue import header
from dashboard.components import deprivation, figures, later, maps, sources
from dashboard.components.cards import chart_card, headline, no_data, period_note
from dashboard.components.tables import column, data_grid, practice_link_column
from dashboard.components.terms import term
from dashboard.db import reference_query, run_query

SHOWS = ("registrations",)  # the year it opens on: filters.default_period
dash.register_page(__name__, path="/catchment", title="Catchment - jointcare", name="Catchment", shows=SHOWS)

PAGE = "catchment"  # the prefix of its components' ids

MAX_MAP_LSOAS = 3000  # beyond this a map is slow to draw and too fine to read: ask for a narrower selection
FOCUS_SHARE = 0.005  # a patients map is fitted to the LSOAs holding at least this share of the list
MAX_HEADLINE_COUNCILS = 3
MAX_BARS = 40
SANKEY_PAD = 12  # pixels between nodes
SOURCE_LABELS = {"practice": "practice", "pcn": "PCN", "sub_icb": "sub-ICB"}
# The Sankey table's first column names what its rows are, in the catalogue's word for it
SOURCE_NAMES = {"practice": "dim_practice.practice_name", "PCN": "dim_practice.pcn_name",
                "sub-ICB": "dim_practice.sub_icb_name"}


def layout(**query):
    selection, note = filters.for_page(query, SHOWS)
    params = selection.params()
    header = [html.H1("Catchment: where patients live, and which council cares for them"), *period_note(note)]
    if not sources.is_loaded("registrations"):
        return html.Div([*header, no_data(
            "No GP registrations by LSOA are loaded, so catchments cannot be shown. Add NHS England's "
            "'patients registered at a GP practice' LSOA files to the raw folder and rebuild.")])
    release = run_query("catchment__quarter", **params)
    quarter = release["quarter"].iloc[0] if not release.empty else None
    if quarter is None or pd.isna(quarter):
        first = formats.month(release["first_quarter"].iloc[0]) if not release.empty else ""
        return html.Div([*header, no_data(
            f"There is no registrations release at or before the end of {params['period']}"
            + (f"; the first is {first}. Choose a later financial year." if first else "."))])
    quarter = pd.Timestamp(quarter).date()
    context = _Context(selection, params, quarter, bool(release["is_inside_period"].iloc[0]))
    # the map and the parts below it arrive in responses of their own (components/later.py)
    state = selection.browser_state()
    return html.Div([
        *header,
        _intro(context),
        _headlines(context),
        _deprivation_section(context),
        *[later.later(PAGE, part, state, what=what) for part, (what, _) in LATER_PARTS.items()],
    ], className="catchment-page")


def _draw_later(part: str, state: dict) -> object:
    """A part below the deprivation section, from the state its placeholder carried (user input: checked here)."""
    selection = filters.Selection.from_browser(state)
    params = selection.params()
    release = run_query("catchment__quarter", **params)
    if part not in LATER_PARTS or release.empty or pd.isna(release["quarter"].iloc[0]):
        return later.not_drawn()
    context = _Context(selection, params, pd.Timestamp(release["quarter"].iloc[0]).date(),
                       bool(release["is_inside_period"].iloc[0]))
    return LATER_PARTS[part][1](context)


class _Context:
    """What every section needs: the selection, query parameters with the quarter, and labels."""

    def __init__(self, selection: filters.Selection, params: dict, quarter: dt.date, inside: bool):
        self.selection = selection
        self.params = {**params, "quarter": quarter}
        self.quarter = quarter
        self.inside = inside
        self.month = formats.month(quarter)
        self.area = filters.area_name(selection)
        method = reference_query("catchment__method")
        self.method = dict(zip(method["name"], method["value"]))

    def query(self, name: str) -> pd.DataFrame:
        """Run a catchment query with the selection and quarter. The caller names the query file whole, so
        a search for the file's name finds where it is used."""
        return run_query(name, **self.params)

    def source(self, *keys: str) -> str:
        return sources.source_title("registrations", *keys)


def _intro(ctx: _Context) -> html.Div:
    note = [] if ctx.inside else [html.P(
        f"There is no registrations release in {ctx.params['period']}, so the latest before it, {ctx.month}, "
        "is shown.",
        className="filter-note")]
    return html.Div([
        html.P([
            "Patients can register with a GP practice outside the council they live in, so a practice's ",
            term("catchment"), " can cross council boundaries. Its patients' adult social care then comes "
            "from more than one council, with different eligibility rules and teams. ",
            f"Shown for {ctx.area}, from the registrations release of {ctx.month}.",
        ]),
        *note,
    ])


# ---- headlines --------------------------------------------------------------------------------------
def _headlines(ctx: _Context) -> html.Section:
    councils = ctx.query("catchment__council_headline")
    practices = ctx.query("catchment__practice_headline")
    cards = []
    if len(councils) > MAX_HEADLINE_COUNCILS:
        totals = councils[["residents_registered", "residents_at_practices_elsewhere"]].sum()
        cards.append(headline(
            f"Residents of the {len(councils)} councils", formats.percent(totals.iloc[1] / totals.iloc[0]),
            f"of the registered residents of these {len(councils)} councils are registered with practices based in "
            f"another council ({formats.count(totals.iloc[1])} of {formats.count(totals.iloc[0])})."))
    else:
        for row in councils.itertuples():
            cards.append(headline(
                f"{row.council_name} residents", formats.percent(row.share_at_practices_elsewhere),
                f"of {row.council_name}'s registered residents are registered with practices based in another "
                f"council ({formats.count(row.residents_at_practices_elsewhere)} of {formats.count(row.residents_registered)}). "
                f"{row.practices_serving} practices in {row.pcns_serving} PCNs serve its residents."))
    summary = practices.iloc[0] if not practices.empty else None
    if summary is not None and summary["patients_known_residence"] > 0:
        who = "the practice's" if ctx.selection.practice else "the selected practices'"
        if summary["practices"] == 1:
            boundary = f"It is {'' if summary['boundary_practices'] else 'not '}a boundary practice."
        else:
            boundary = f"{summary['boundary_practices']} of {summary['practices']} practices are boundary practices."
        selection = ctx.selection
        by_place = selection.council or selection.locality
        if selection.practice or ((selection.pcn or selection.sub_icb or selection.deprivation or selection.has_group)
                                     and not by_place):
            label = f"Patients of {ctx.area}"
        elif by_place:
            label = f"Patients of practices in {ctx.area}"
        else:
            label = "Patients of all practices"
        cards.append(headline(
            label, formats.percent(summary["patients_elsewhere"] / summary["patients_known_residence"]),
            f"of {who} patients with a known address live under a council other than their practice's home council "
            f"({formats.count(summary['patients_elsewhere'])} of {formats.count(summary['patients_known_residence'])}). {boundary}"))
    if not cards:
        return html.Section([html.H2("Residents registered across council boundaries"), no_data(
            f"No registered patients match this selection in {ctx.month}: clear a filter to see figures.")])
    min_share, min_patients = ctx.method.get("serve_min_share", 0.01), ctx.method.get("serve_min_patients", 50)
    return html.Section([
        html.H2("Residents registered across council boundaries"),
        html.Div(cards, className="headlines"),
        html.P(f"A practice serves a council when at least {formats.percent(min_share, 0)} of its list, or {formats.count(min_patients)} of "
               f"its patients, live there. Patients with no known address are left out of the shares.",
               className="chart-units"),
    ], **{"aria-label": "Headlines"})


# ---- deprivation --------------------------------------------------------------------------------------
def _deprivation_section(ctx: _Context) -> html.Section:
    """How deprived the selection's practices' patients and its councils are (components/deprivation.py)."""
    heading = html.H2("Deprivation")
    if not deprivation.loaded():
        return html.Section([heading, no_data(deprivation.NOT_LOADED)], id="catchment-deprivation")
    cards = deprivation.selection_cards(ctx.query("common__deprivation_practices"),
                                        ctx.query("common__deprivation_councils"),
                                        one_practice=bool(ctx.selection.practice),
                                        max_councils=MAX_HEADLINE_COUNCILS)
    if not cards:
        return html.Section([heading, no_data("No practice or council in this selection has a deprivation score.")],
                            id="catchment-deprivation")
    return html.Section([
        heading,
        html.Div(cards, className="headlines"),
        html.P(["Index of Multiple Deprivation: a practice's score weighs the scores of the small areas its patients "
                "live in by its patients there; a council's weighs its small areas by their populations. ",
                deprivation.method_link(), "."], className="chart-units"),
    ], id="catchment-deprivation", **{"aria-label": "Deprivation"})


# ---- map ----------------------------------------------------------------------------------------------
def _map_section(ctx: _Context) -> html.Section:
    selection = ctx.selection
    if selection.practice:
        body = _patients_map(ctx, f"Where {ctx.area}'s patients live")
    elif selection.council or selection.locality:
        body = _council_map(ctx)
    else:
        body = _patients_map(ctx, f"Where the patients of {ctx.area} live")
    if selection.practice or not (selection.council or selection.locality):
        drawn = ("Every LSOA of the councils these patients live in is drawn (a council counts when it holds at "
                 f"least {formats.percent(ctx.method.get('serve_min_share', 0.01), 0)} of the list or "
                 f"{formats.count(ctx.method.get('serve_min_patients', 50))} patients); the table under the map lists them.")
    else:
        drawn = "Every LSOA of the area is drawn; the table under the map lists them."
    return html.Section([
        html.H2("Where patients live"),
        html.P(["Each small area is an ", term("LSOA"), f". {drawn}"]),
        body,
    ], **{"aria-label": "Map"})


def _map_unavailable(ctx: _Context) -> html.Div | None:
    if not sources.is_loaded("lsoa_boundaries"):
        return no_data("LSOA boundaries are not loaded in this warehouse, so the map cannot be drawn. "
                       "Add the ONS LSOA 2021 boundaries file to the raw folder and rebuild.")
    return None


def _patients_map(ctx: _Context, title: str) -> html.Div | html.Section:
    unavailable = _map_unavailable(ctx)
    if unavailable:
        return unavailable
    frame = ctx.query("catchment__map_patients")
    if frame.empty:
        return no_data(f"No patients of the selected practices live in an English LSOA in {ctx.month}.")
    if len(frame) > MAX_MAP_LSOAS:
        return no_data(f"The selected practices' patients live in {formats.count(len(frame))} LSOAs, too many to map at once. "
                       "Choose a council, locality, PCN or practice to see a map.")
    list_patients = int(frame["list_patients"].iloc[0])
    drawn = int(frame["patients"].sum())
    lived_in = int((frame["patients"] > 0).sum())
    focus = frame.loc[frame["share"] >= FOCUS_SHARE, "lsoa_code"]  # centres the map; shows no count
    # small numbers: the list size is printed, so the LSOAs are parts of a shown total (suppression.py)
    frame = suppression.parts_of_a_shown_total(frame, "patients", derived=["share"])
    plotted = frame.rename(columns={"patients": "value"})[["lsoa_code", "lsoa_name", "value", "council_name", "share"]]
    figure = maps.lsoa_choropleth(
        plotted, colour_title="Patients", focus=focus, home_council=_home_council(ctx),
        hovertemplate=(f"%{{customdata[0]}} (%{{location}}), %{{customdata[1]}}<br>{formats.hover('count', 'z')} "
                       f"patients: {formats.hover('percent', 'customdata[2]')} of the list<extra></extra>"))
    busiest = frame.iloc[0]
    where = (f"All {formats.count(list_patients)} patients live in the {formats.count(lived_in)} LSOAs shaded." if drawn == list_patients else
             f"{formats.count(drawn)} of the {formats.count(list_patients)} patients live in the {formats.count(lived_in)} LSOAs shaded; the other "
             f"{formats.count(list_patients - drawn)} live in other councils, outside England or at no known address.")
    centred = (f" The map is centred on the {len(focus)} LSOAs with at least {formats.percent(FOCUS_SHARE)} of the list."
               if len(focus) else "")
    table = data_grid("catchment-map-table", frame, [
        column("lsoa_code", header("catchment__map_patients.lsoa_code")),
        column("lsoa_name", header("catchment__map_patients.lsoa_name")),
        column("council_name", header("catchment__map_patients.council_name")),
        column("patients", header("catchment__map_patients.patients"), "count"),
        column("share", header("catchment__map_patients.share"), "percent"),
    ], caption=f"Patients by LSOA, {ctx.month}")
    return maps.with_map_config(chart_card(
        "catchment-map", title=f"{title}, {ctx.month}", units="Registered patients per LSOA",
        description=(f"{where} The most live in {busiest['lsoa_name']}"
                     + ("." if suppression.is_suppressed(busiest["patients"]) else
                        f": {formats.count(busiest['patients'])} patients, {formats.percent(busiest['share'])} of the list.") + centred
                     + _boundaries_drawn(figure)),
        figure=figure, table=table, source=ctx.source("lsoa_boundaries"), data_date=ctx.month, area=ctx.area))


def _home_council(ctx: _Context) -> str | None:
    """The selected practice's home council, outlined more heavily on its map; None for a group of practices."""
    if not ctx.selection.practice:
        return None
    home = run_query("catchment__home_council", practice=ctx.selection.practice)
    return None if home.empty or pd.isna(home["home_council_code"].iloc[0]) else str(home["home_council_code"].iloc[0])


def _boundaries_drawn(figure: go.Figure) -> str:
    sentence = maps.boundary_sentence(figure, "the practice's home council")
    return f" {sentence}" if sentence else ""


def _council_map(ctx: _Context) -> html.Div | html.Section:
    unavailable = _map_unavailable(ctx)
    if unavailable:
        return unavailable
    frame = ctx.query("catchment__map_council")
    if frame.empty or frame["residents"].fillna(0).sum() == 0:
        return no_data(f"No residents of {ctx.area} are registered with a practice in {ctx.month}.")
    # small numbers: an LSOA's residents and those at practices elsewhere, and the shares worked out from them
    frame = suppression.people(frame, "residents", derived=["share_elsewhere", "main_practice_share"])
    frame = suppression.people(frame, "residents_elsewhere", derived=["share_elsewhere"])
    plotted = frame.rename(columns={"share_elsewhere": "value"})[
        ["lsoa_code", "lsoa_name", "value", "residents", "main_practice_name", "main_practice_share"]]
    figure = maps.lsoa_choropleth(
        plotted, colour_title="Share at practices<br>in another council", colour_format=".0%",
        hovertemplate=f"%{{customdata[0]}} (%{{location}})<br>{formats.hover('percent', 'z')} of "
                      f"{formats.hover('count', 'customdata[1]')} registered residents are "
                      "with practices based in another council<br>Most are with %{customdata[2]} "
                      "(%{customdata[3]:.0%})<extra></extra>")
    known = frame[pd.to_numeric(frame["share_elsewhere"], errors="coerce").notna()]
    majority = int((known["share_elsewhere"].astype(float) > 0.5).sum())
    majority_text = (f"more than half are in {majority} of the {len(known)} LSOAs with registered residents" if majority
                     else f"in none of the {len(known)} LSOAs with registered residents are more than half")
    highest = known.iloc[0]  # the query sorts by share_elsewhere, highest first
    table = data_grid("catchment-map-table", frame, [
        column("lsoa_code", header("catchment__map_council.lsoa_code")),
        column("lsoa_name", header("catchment__map_council.lsoa_name")),
        column("residents", header("catchment__map_council.residents"), "count"),
        column("residents_elsewhere", header("catchment__map_council.residents_elsewhere"), "count"),
        column("share_elsewhere", header("catchment__map_council.share_elsewhere"), "percent"),
        column("main_practice_name", header("catchment__map_council.main_practice_name"), minWidth=200, wrap=True,
               flex=2),
        column("main_practice_share", header("catchment__map_council.main_practice_share"), "percent"),
    ], caption=f"Residents by LSOA and where they are registered, {ctx.month}")
    return maps.with_map_config(chart_card(
        "catchment-map", title=f"Where {ctx.area}'s residents are registered with practices in another council, "
                               f"{ctx.month}",
        units="Share of each LSOA's registered residents who are with practices based in another council",
        description=(f"The darker an area, the more of its residents are registered with practices based in another "
                     f"council. The highest share is {formats.percent(highest['share_elsewhere'], 0)}, in "
                     f"{highest['lsoa_name']}; {majority_text}. Grey areas have no registered residents in the data. "
                     f"Hover over an area to see the practice registering most of its residents."
                     + _boundaries_drawn(figure)),
        figure=figure, table=table, source=ctx.source("lsoa_boundaries", "lsoa_lad", "lad_upper_tier"),
        data_date=ctx.month, area=ctx.area))


# ---- Sankey -------------------------------------------------------------------------------------------
def _sankey_section(ctx: _Context) -> html.Section:
    frame = ctx.query("catchment__council_split")
    heading = html.H2("Which councils each practice's patients live under")
    if frame.empty:
        return html.Section([heading, no_data(f"No registered patients match this selection in {ctx.month}.")],
                            **{"aria-label": "Patients by council"})
    level = SOURCE_LABELS[str(frame["source_level"].iloc[0])]
    sources_count = frame["source_code"].nunique()
    shown = _shown_split(frame)
    table = data_grid("catchment-sankey-table", shown, [
        column("source_name", header(SOURCE_NAMES[level]), minWidth=200, wrap=True, flex=2),
        column("area_name", header("catchment__council_split.area_name")),
        column("patients", header("catchment__council_split.patients"), "count", people_count=True),
        column("share", header("catchment__council_split.share"), "percent", hidden_with="patients"),
    ], caption=f"Patients by {level} and council of residence, {ctx.month}")
    grouped = "" if level == "practice" else f" The selection has many practices, so they are grouped by {level}."
    card = chart_card(
        "catchment-sankey", title=f"Patients of each {level} by the council they live under, {ctx.month}",
        units="Registered patients",
        description=(f"Each band joins a {level} (left) to the council its patients live under (right); its width is "
                     f"the number of patients. Bands to a council other than the practice's own are patients whose "
                     f"adult social care comes from that council.{grouped}"),
        figure=_sankey_figure(frame, shown["patients"], sources_count), table=table,
        source=ctx.source("lsoa_lad", "lad_upper_tier"), data_date=ctx.month, area=ctx.area)
    return html.Section([heading, card], **{"aria-label": "Patients by council"})


def _shown_split(frame: pd.DataFrame) -> pd.DataFrame:
    """The bands as the table and the hover may show them: each practice's (or PCN's) patients are the parts
    of its list, whose total is public and whose shares are printed, so within each source a hidden band has
    a second one hidden with it (suppression.parts_of_shown_totals)."""
    return suppression.parts_of_shown_totals(frame, "patients", by="source_code", derived=["share"])


def _sankey_figure(frame: pd.DataFrame, shown_patients: pd.Series, sources_count: int) -> go.Figure:
    """The Sankey of frame; bands are drawn by their counts but their hover says what the table says
    (shown_patients: a marker where a count is hidden), and a council whose bands include a hidden one does
    not print its total (it would give the hidden band back by subtraction). A band's drawn width is a
    fraction of a pixel per person on any practice's list, so no count of 1 to 4 can be read off it."""
    kind_order = {"council": 0, "outside England": 1, "unknown residence": 2}
    targets = (frame.groupby(["area_code", "area_name", "area_kind"], as_index=False)["patients"].sum()
               .assign(order=lambda f: f["area_kind"].map(kind_order))
               .sort_values(["order", "patients"], ascending=[True, False]))
    # Sources sit beside the council most of their patients live under, so few bands cross.
    target_rank = {code: rank for rank, code in enumerate(targets["area_code"])}
    main = frame.sort_values("patients", ascending=False).drop_duplicates("source_code")
    source_nodes = (main.assign(rank=main["area_code"].map(target_rank), share=-main["share"])
                    .sort_values(["rank", "share", "source_name"])[["source_code", "source_name"]])
    labels = [*source_nodes["source_name"], *targets["area_name"]]
    index = {("source", code): i for i, code in enumerate(source_nodes["source_code"])}
    index.update({("area", code): len(source_nodes) + i for i, code in enumerate(targets["area_code"])})
    phrases = {"outside England": "live outside England", "unknown residence": "have no known address"}

    colours = [palette.NHS_BLUE] * len(source_nodes) + [
        palette.NHS_DARK_GREY if kind == "council" else palette.NHS_PALE_GREY for kind in targets["area_kind"]]
    # Fixed positions keep the order readable: sources as listed, councils largest first, then the
    # two buckets at the bottom (plotly would otherwise place small nodes wherever they fit).
    source_totals = frame.groupby("source_code", sort=False)["patients"].sum().reindex(source_nodes["source_code"])
    hidden_into = set(frame.loc[shown_patients.map(suppression.is_suppressed).astype(bool), "area_code"])
    node_values = [*(suppression.count_text(value) for value in source_totals),
                   *(suppression.SECONDARY if code in hidden_into else suppression.count_text(value)
                     for code, value in zip(targets["area_code"], targets["patients"]))]
    height = max(360, 34 * sources_count + 80)
    node_x = [0.001] * len(source_nodes) + [0.999] * len(targets)
    node_y = _stacked([source_totals.tolist(), targets["patients"].tolist()], height - 32, SANKEY_PAD)
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node={"label": labels, "color": colours, "pad": SANKEY_PAD, "thickness": 16, "x": node_x, "y": node_y,
              "line": {"color": palette.NHS_DARK_GREY, "width": 0.5},
              "customdata": node_values, "hovertemplate": "%{label}: %{customdata} patients<extra></extra>"},
        link={"source": [index[("source", code)] for code in frame["source_code"]],
              "target": [index[("area", code)] for code in frame["area_code"]],
              "value": frame["patients"].tolist(),
              "customdata": [[suppression.count_text(count), phrases.get(kind, f"live in {name}")]
                             for count, kind, name in zip(shown_patients, frame["area_kind"], frame["area_name"])],
              "color": palette.at_alpha(palette.NHS_DARK_GREY, 0.25),
              "hovertemplate": "%{customdata[0]} patients of %{source.label} %{customdata[1]}<extra></extra>"},
    ))
    figures.styled(fig, height=height, legend=False)
    fig.update_layout(margin={"l": 8, "r": 8, "t": 16, "b": 16})
    return fig


def _stacked(columns: list[list[float]], plot_height: float, pad: float) -> list[float]:
    """Centres (0 top, 1 bottom) of each column's nodes stacked in order, as plotly sizes them.

    plotly gives every node a height in proportion to its value, on one scale for all columns: the
    one that fits the fullest column (its values plus a pad between nodes) into the plot height.
    Centres are kept inside (0, 1) as plotly expects.
    """
    scale = min((plot_height - pad * (len(values) - 1)) / (sum(values) or 1) for values in columns)
    centres = []
    for values in columns:
        # a shorter column spreads its spare height between its nodes (one node sits in the middle)
        spare = plot_height - scale * sum(values) - pad * (len(values) - 1)
        gap = pad + spare / (len(values) - 1) if len(values) > 1 else 0.0
        top = 0.0 if len(values) > 1 else spare / 2
        for value in values:
            centres.append(min(max((top + value * scale / 2) / plot_height, 0.001), 0.999))
            top += value * scale + gap
    return centres


# ---- boundary practices -------------------------------------------------------------------------------
def _boundary_section(ctx: _Context) -> html.Section:
    threshold = ctx.method.get("boundary_share_threshold", 0.10)
    frame = ctx.query("catchment__boundary_practices")
    parts = [
        html.H2("Boundary practices"),
        html.P(["A ", term("boundary practice"), f" has more than {formats.percent(threshold, 0)} of its patients with a known address "
                "living under a social care council other than its home council: its patients' care needs "
                "working with more than one council's social care teams."]),
    ]
    if frame.empty:
        parts.append(no_data(f"None of the selected practices is a boundary practice in {ctx.month}."))
        return html.Section(parts, **{"aria-label": "Boundary practices"})
    grid = data_grid("catchment-boundary", frame, [
        practice_link_column("practice_code", header("catchment__boundary_practices.practice_name"),
                             ctx.selection.query_string(), label_field="practice_name", minWidth=240, flex=2, wrap=True),
        column("practice_code", header("catchment__boundary_practices.practice_code"), minWidth=95),
        column("pcn_name", header("catchment__boundary_practices.pcn_name"), minWidth=150, wrap=True),
        column("home_council_name", header("catchment__boundary_practices.home_council_name"), minWidth=120),
        column("patients_total", header("catchment__boundary_practices.patients_total"), "count", minWidth=100),
        column("share_other_council", header("catchment__boundary_practices.share_other_council"), "percent",
               minWidth=120),
        column("councils_served", header("catchment__boundary_practices.councils_served"), "count", minWidth=100),
        column("largest_other_council_name", header("catchment__boundary_practices.largest_other_council_name"),
               minWidth=120),
        column("largest_other_council_share", header("catchment__boundary_practices.largest_other_council_share"),
               "percent", minWidth=110),
    ], caption=f"Boundary practices, {ctx.month}: {len(frame)}, most patients under another council first")
    parts.append(html.Div([
        grid,
        html.P([html.Strong("Source: "), ctx.source("lsoa_lad", "lad_upper_tier", "postcode_directory"),
                f". Data to {ctx.month}."], className="chart-source"),
    ], className="chart-card"))
    return html.Section(parts, **{"aria-label": "Boundary practices"})


# ---- coterminosity ------------------------------------------------------------------------------------
def _coterminosity_section(ctx: _Context) -> html.Section:
    frame = ctx.query("catchment__coterminosity")
    heading = html.H2("How well PCNs and sub-ICBs fit council areas")
    intro = html.P(["The ", term("coterminosity"), " of a PCN or sub-ICB is the share of its patients living in the "
                    "one council (or council locality) that holds most of them: 100% means it fits inside that area."])
    if frame.empty:
        return html.Section([heading, intro, no_data(f"No PCN or sub-ICB matches this selection in {ctx.month}.")],
                            **{"aria-label": "Coterminosity"})
    note = ""
    if len(frame) > MAX_BARS:
        frame = frame[frame["org_type"] == "sub_icb"]
        note = " The selection has many PCNs, so its sub-ICBs are shown."
        if len(frame) > MAX_BARS:
            frame = frame.nsmallest(MAX_BARS, "council_coterminosity")
            note = f" The {MAX_BARS} sub-ICBs that fit councils least well are shown."
    frame = frame.assign(
        label=[name if kind == "pcn" else f"{name} (sub-ICB)"
               for kind, name in zip(frame["org_type"], frame["org_name"])],
        org_kind=frame["org_type"].map({"pcn": "PCN", "sub_icb": "sub-ICB"}),
    ).sort_values(["council_coterminosity", "label"])
    table = data_grid("catchment-coterminosity", frame, [
        column("label", header("catchment__coterminosity.label")),
        column("org_kind", header("catchment__coterminosity.org_kind")),
        column("org_code", header("catchment__coterminosity.org_code")),
        column("patients", header("catchment__coterminosity.patients"), "count"),
        column("best_council_name", header("catchment__coterminosity.best_council_name")),
        column("council_coterminosity", header("catchment__coterminosity.council_coterminosity"), "percent"),
        column("best_locality_name", header("catchment__coterminosity.best_locality_name")),
        column("locality_coterminosity", header("catchment__coterminosity.locality_coterminosity"), "percent"),
    ], caption=f"Coterminosity of PCNs and sub-ICBs, {ctx.month}")
    lowest = frame.iloc[0]
    card = chart_card(
        "catchment-coterminosity-chart", title=f"Share of each PCN's and sub-ICB's patients in its best-matching "
                                               f"council and locality, {ctx.month}",
        units="Percentage of patients with a known address",
        description=(f"Least coterminous first: {lowest['label']} has {formats.percent(lowest['council_coterminosity'], 0)} "
                     f"of its patients in {lowest['best_council_name']}.{note}"),
        figure=_coterminosity_figure(frame), table=table, source=ctx.source("council_localities"),
        data_date=ctx.month, area=ctx.area)
    return html.Section([heading, intro, card], **{"aria-label": "Coterminosity"})


def _coterminosity_figure(frame: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for index, (column_name, area_column, name, pattern) in enumerate([
        ("council_coterminosity", "best_council_name", "Best-matching council", ""),
        ("locality_coterminosity", "best_locality_name", "Best-matching locality", "/"),
    ]):
        style = palette.series_style(index)
        fig.add_trace(go.Bar(
            y=frame["label"], x=frame[column_name], name=name, orientation="h",
            customdata=frame[area_column].fillna("no locality").tolist(),
            # the hatching repeats the colour's meaning in shape; its background is set explicitly
            # (plotly.js otherwise leaves it transparent in some layouts)
            marker={"color": style["color"], "pattern": {"shape": pattern, "bgcolor": style["color"],
                                                         "fgcolor": "white", "size": 8, "solidity": 0.25}},
            hovertemplate=f"%{{y}}: {formats.hover('percent', 'x')} of patients live in %{{customdata}} ({name.lower()})<extra></extra>",
        ))
    figures.styled(fig, x_title="Share of patients in the best-matching area", height=90 + 46 * len(frame))
    fig.update_layout(barmode="group", bargap=0.25, margin={"l": 8, "r": 24, "t": 24, "b": 56})
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig


def _boundary_and_coterminosity(ctx: _Context) -> list:
    return [_boundary_section(ctx), _coterminosity_section(ctx)]


# The parts drawn after the deprivation section (components/later.py): what each is called on its way
LATER_PARTS = {"map": ("the map", _map_section), "flows": ("where patients' councils are", _sankey_section),
               "boundaries": ("the boundary practices and coterminosity", _boundary_and_coterminosity)}
later.register(PAGE, _draw_later)
