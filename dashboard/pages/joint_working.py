"""Joint working: how closely the selected GP practices work with adult social care.

Everything comes from the quarterly joint-working return (practice x quarter x indicator JW01-JW10)
and the index built from it (mart_joint_working_index; method in etl/method.yml). The page shows one
quarter, the latest return at or before the end of the selected financial year, and the quarters up
to it for adoption over time.

Statistics: the Impact panel (components/impact.py: has joint working changed hospital and care home use,
with the parallel-trends check), an XmR (SPC) chart of the selection's mean index by quarter, and a funnel
plot of JW04 "Care plans reviewed" (a true proportion: its return carries numerator and denominator).

Trade-off: a labelled mark per practice reads well for a PCN or a council, not for 6,300 practices;
above LABELLED_MAX practices the chart shows how the index is spread (aggregated in SQL) and the
league table carries the detail.
"""

from __future__ import annotations

import html as html_text
import re

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import html
from dash.exceptions import PreventUpdate

from dashboard import filters, formats
from dashboard.catalogue import header
from dashboard.components import later, sources
from dashboard.components.cards import chart_card, headline, no_data, period_note
from dashboard.components.deciles import deciles_card
from dashboard.components.deciles import scopes as decile_scopes
from dashboard.components.figures import line_series, styled
from dashboard.components.funnel import funnel_card, load_table_dependencies, rows_on_request
from dashboard.components.impact import impact_panel, pretrends_card
from dashboard.components.spc import xmr_card
from dashboard.components.tables import column, data_grid, practice_link_column
from dashboard.components.terms import term
from dashboard.components.words import plural
from dashboard.db import reference_query, run_query
from dashboard.palette import NHS_BLACK, series_style
from etl.stats.spc import INCREASE

SHOWS = ("joint working",)  # the year it opens on: filters.default_period
dash.register_page(__name__, path="/joint-working", title="Joint working - jointcare", name="Joint working",
                   shows=SHOWS)

PREFIX = "joint-working"
SOURCE = "joint_working_return"
LABELLED_MAX = 40
DOMAINS = (  # (league column, label), in the order the return's template lists them
    ("tas", "Time and space"),
    ("tar", "Trust and awareness of roles"),
    ("spo", "Shared priorities and outcomes"),
    ("pso", "Practical support"),
)
DOMAIN_SHORT = {  # group labels on the indicator chart's axis
    "time and space": "Time and space",
    "trust and awareness of roles": "Trust and roles",
    "shared priorities and outcomes": "Shared priorities",
    "practical support": "Practical support",
}


def layout(**query):
    selection, note = filters.for_page(query, SHOWS)
    params = selection.params()
    where = filters.area_name(selection)
    top = [
        html.H1("Joint working between practices and social care"),
        *period_note(note),
        html.P(["How closely GP practices in ", html.Strong(where), " work with adult social care, from the "
                "quarterly joint-working return: ten indicators in four domains, combined into a ",
                term("joint-working index"), " from 0 to 100."]),
    ]
    if not sources.is_loaded(SOURCE):
        return html.Div([*top, no_data(
            "No joint-working return has been loaded, so there is nothing to show here. Add the practices' "
            "returns to the raw data folder and rebuild the warehouse.")])
    quarter = run_query("joint_working__quarter", **params).iloc[0]
    if pd.isna(quarter["quarter_start"]):
        first = formats.quarter(quarter["first_quarter"])
        return html.Div([*top, no_data(
            f"No joint-working return covers {params['period']} or earlier: the first return is for {first}. "
            "Choose a later financial year.")])
    context = _context(selection, quarter, where)
    label = context["label"]
    note = (f"The latest return in {params['period']} is for {label} ({formats.quarter(quarter['quarter_start'])})."
            if quarter["is_inside_period"] else
            f"No returns fall inside {params['period']}, so the latest before it is shown: {label} "
            f"({formats.quarter(quarter['quarter_start'])}).")
    # the parts below the headlines arrive in responses of their own (components/later.py)
    state = selection.browser_state()
    return html.Div([
        *top,
        html.P(note),
        _headlines(context),
        *[later.later(PREFIX, part, state, what=what) for part, (what, _) in LATER_PARTS.items()],
    ])


def _context(selection: filters.Selection, quarter: pd.Series, where: str) -> dict:
    """What every section reads: the selection, its parameters and the quarter shown (joint_working__quarter)."""
    return {"selection": selection, "params": selection.params(), "where": where,
            "quarter": pd.Timestamp(quarter["quarter_start"]).date().isoformat(),
            "label": str(quarter["quarter_label"])}


def _draw_later(part: str, state: dict) -> object:
    """A part below the headlines, from the state its placeholder carried (user input: checked here)."""
    selection = filters.Selection.from_browser(state)
    quarter = run_query("joint_working__quarter", **selection.params()).iloc[0]
    if part not in LATER_PARTS or pd.isna(quarter["quarter_start"]):
        return later.not_drawn()
    return LATER_PARTS[part][1](_context(selection, quarter, filters.area_name(selection)))


def _source() -> str:
    return sources.source_title(SOURCE)


# 1. Headlines ---------------------------------------------------------------------------------------

def _headlines(ctx: dict) -> html.Section:
    row = run_query("joint_working__headline", quarter=ctx["quarter"], **ctx["params"]).iloc[0]
    open_, returned = int(row["practices_open"]), int(row["practices_returned"])
    with_sw, with_index = int(row["practices_with_social_worker"]), int(row["practices_with_index"])
    share = f" ({formats.percent(with_sw / returned)})" if returned else ""
    mean = formats.number(row["mean_index"], missing="no index")
    cards = [
        headline("Practices with an attached social worker", f"{formats.count(with_sw)} of {formats.count(returned)}",
                 f"practices that returned {ctx['label']}{share}"),
        headline("Mean joint-working index", mean,
                 f"out of 100; the mean of the {plural(with_index, 'practice')} with all four domains scored"
                 if with_index else "no practice had all four domains scored this quarter"),
        headline(f"Practices that returned {ctx['label']}", f"{formats.count(returned)} of {formats.count(open_)}",
                 "practices open in the selection that quarter"),
    ]
    return html.Section([
        html.H2(f"Headlines for {ctx['label']}"),
        html.Div(cards, className="headlines"),
    ], **{"aria-label": "Headlines"})


# 2. Index per practice and the league table ---------------------------------------------------------

def _practices_section(ctx: dict) -> html.Section:
    league = run_query("joint_working__league", quarter=ctx["quarter"], **ctx["params"])
    heading = html.H2(f"How each practice scores in {ctx['label']}")
    if league.empty:
        return html.Section([heading, no_data("No open practice matches the filters: clear one of them to see "
                                              "practices.")])
    scored = league[league["jwi"].notna()]
    if scored.empty:
        chart = no_data(f"No practice in {ctx['where']} had all four domains scored in {ctx['label']}, so no "
                        "index can be drawn; the scores they did return are in the table below.")
    elif len(scored) <= LABELLED_MAX:
        chart = _dot_plot_card(scored, ctx)
    else:
        chart = _distribution_card(ctx, len(scored))
    return html.Section([heading, chart, _league_table(league, ctx)])


def _hover_domains() -> str:
    lines = [f"{label}: %{{customdata[{i}]:.1f}}" for i, (_, label) in enumerate(DOMAINS)]
    return "<br>".join(lines)


def _dot_plot_card(scored: pd.DataFrame, ctx: dict) -> html.Section:
    scored = scored.sort_values(["jwi", "name"], ascending=[True, False])
    scored = scored.assign(label=scored["name"].str.title() + " (" + scored["code"] + ")")
    fig = go.Figure()
    for index, (flag, name) in enumerate((("Yes", "Attached social worker"), ("No", "No attached social worker"))):
        rows = scored[scored["sw"] == flag]
        if rows.empty:
            continue
        style = series_style(index)
        fig.add_trace(go.Scatter(
            x=rows["jwi"], y=rows["label"], name=name, mode="markers",
            marker={"symbol": style["symbol"], "size": 11, "color": style["color"]},
            customdata=rows[[column_ for column_, _ in DOMAINS]].to_numpy(),
            hovertemplate=("<b>%{y}</b><br>Joint-working index: %{x:.1f} out of 100<br>" + _hover_domains()
                           + f"<br>{html_text.escape(name)}<extra></extra>"),
        ))
    styled(fig, x_title="Joint-working index (0 to 100)", height=140 + 26 * len(scored))
    fig.update_xaxes(range=[0, 100.5], dtick=10)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=list(scored["label"]), automargin=True)
    best = scored.iloc[-1]
    table = data_grid(f"{PREFIX}-index-table", scored.iloc[::-1], [
        column("name", header("joint_working__league.name"), minWidth=200, wrap=True, flex=2),
        column("code", header("joint_working__league.code")),
        column("jwi", header("joint_working__league.jwi"), "number"),
        *[column(field, header(f"joint_working__league.{field}"), "number") for field, _ in DOMAINS],
        column("sw", header("joint_working__league.sw")),
    ], caption=f"Joint-working index by practice, {ctx['label']}")
    return chart_card(
        f"{PREFIX}-index", title=f"Joint-working index of each practice, {ctx['label']}",
        units="Index from 0 (none of the measured joint working) to 100; higher is more joint working.",
        description=(f"{plural(len(scored), 'practice')} had all four domains scored; the highest was "
                     f"{best['label']} at {best['jwi']:.1f}. Circles mark practices with an attached social "
                     "worker, squares those without."),
        figure=fig, table=table, source=_source(), data_date=ctx["label"], area=ctx["where"])


def _distribution_card(ctx: dict, scored_count: int) -> html.Section:
    bands = run_query("joint_working__distribution", quarter=ctx["quarter"], **ctx["params"])
    fig = go.Figure()
    for index, (field, name) in enumerate((("with_social_worker", "Attached social worker"),
                                           ("without_social_worker", "No attached social worker"))):
        style = series_style(index)
        # the second group is hatched as well as coloured, so colour never carries the meaning alone
        fig.add_trace(go.Bar(
            x=bands["band"], y=bands[field], name=name,
            marker={"color": style["color"], "pattern": {"shape": "" if index == 0 else "/", "fillmode": "overlay",
                                                         "fgcolor": NHS_BLACK, "fgopacity": 0.45, "size": 8}},
            hovertemplate=(f"Index %{{x}}: {formats.hover('count')} practices, "
                           f"{html_text.escape(name.lower())}<extra></extra>"),
        ))
    styled(fig, x_title="Joint-working index (0 to 100)", y_title="Practices", height=380)
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_xaxes(type="category")
    table = data_grid(f"{PREFIX}-distribution-table", bands, [
        column("band", header("joint_working__distribution.band")),
        column("with_social_worker", header("joint_working__distribution.with_social_worker"), "count"),
        column("without_social_worker", header("joint_working__distribution.without_social_worker"), "count"),
    ], caption=f"Practices by joint-working index band, {ctx['label']}")
    return chart_card(
        f"{PREFIX}-index", title=f"How the joint-working index is spread across practices, {ctx['label']}",
        units="Number of practices in each 10-point band of the index (0 to 100).",
        description=(f"{plural(scored_count, 'practice')} had all four domains scored. Solid bars are practices "
                     "with an attached social worker, hatched bars those without. Every practice is in the league "
                     "table below."),
        figure=fig, table=table, source=_source(), data_date=ctx["label"], area=ctx["where"])


def _league_table(league: pd.DataFrame, ctx: dict) -> html.Section:
    not_returned = int((league["sw"] == "No return").sum())
    heading_id = f"{PREFIX}-league-title"
    return html.Section([
        html.H3("League table: every practice's index and domain scores", id=heading_id, className="chart-title"),
        html.P(["Sorted by the index, highest first; click a column heading to sort by it. Each domain score is "
                "the mean of its indicators' 0 to 100 scores; the index is empty when a domain had nothing "
                "scored. ",
                f"{plural(not_returned, 'practice')} sent no return for {ctx['label']}." if not_returned else "",
                " Practice codes link to each practice's profile."], className="chart-description"),
        data_grid(f"{PREFIX}-league", league, [
            # the profile link keeps the year; the area filters do not apply to one practice
            practice_link_column(query=filters.Selection(period=ctx["selection"].period).query_string()),
            column("name", header("joint_working__league.name"), minWidth=200, wrap=True, flex=2),
            column("pcn", header("joint_working__league.pcn"), tooltipField="pcn"),
            column("jwi", header("joint_working__league.jwi"), "number"),
            *[column(field, header(f"joint_working__league.{field}"), "number", minWidth=105, headerTooltip=label)
              for field, label in DOMAINS],
            column("sw", header("joint_working__league.sw")),
            column("scored", header("joint_working__league.scored"), "count"),
        ], caption=f"Joint-working league table, {ctx['where']}, {ctx['label']}", page_size=20),
        html.P([html.Strong("Source: "), _source(), f". Data to {ctx['label']}."], className="chart-source"),
    ], className="chart-card", **{"aria-labelledby": heading_id})


# 3. Adoption over time -------------------------------------------------------------------------------

def _adoption_section(ctx: dict) -> html.Section:
    adoption = run_query("joint_working__adoption", **ctx["params"])
    heading = html.H2("How joint working has spread over time")
    if adoption.empty:
        return html.Section([heading, no_data(f"No practice in {ctx['where']} has returned the joint-working "
                                              f"return up to {ctx['label']}.")])
    fig = go.Figure()
    custom = adoption[["practices_with_social_worker", "practices_returned"]].to_numpy()
    line_series(fig, adoption["quarter_label"], adoption["percent_with_social_worker"],
                "Practices with an attached social worker (%)", 0,
                "%{x}: %{y:.0f}% of returning practices had an attached social worker "
                f"({formats.hover('count', 'customdata[0]')} of {formats.hover('count', 'customdata[1]')})", custom)
    line_series(fig, adoption["quarter_label"], adoption["mean_index"], "Mean joint-working index", 1,
                "%{x}: mean joint-working index %{y:.1f} out of 100")
    styled(fig, x_title="Quarter", y_title="Per cent, or index out of 100", height=380)
    fig.update_yaxes(range=[0, 100])
    fig.update_xaxes(type="category")
    first, last = adoption.iloc[0], adoption.iloc[-1]
    table = data_grid(f"{PREFIX}-adoption-table", adoption, [
        column("quarter_label", header("joint_working__adoption.quarter_label")),
        column("practices_returned", header("joint_working__adoption.practices_returned"), "count"),
        column("practices_with_social_worker", header("joint_working__adoption.practices_with_social_worker"), "count"),
        column("percent_with_social_worker", header("joint_working__adoption.percent_with_social_worker"), "number"),
        column("mean_index", header("joint_working__adoption.mean_index"), "number"),
    ], caption=f"Joint working by quarter, {ctx['where']}")
    mean_text = "" if pd.isna(last["mean_index"]) else f", and the mean index was {last['mean_index']:.1f}"
    return html.Section([heading, chart_card(
        f"{PREFIX}-adoption", title="Share of practices with an attached social worker, and the mean index, by quarter",
        units="Per cent of the practices returning that quarter; index from 0 to 100.",
        description=(f"In {first['quarter_label']} {formats.number(first['percent_with_social_worker'], 0)}% of "
                     f"returning practices had an attached social worker; by {last['quarter_label']} "
                     f"{formats.number(last['percent_with_social_worker'], 0)}% did{mean_text}."),
        figure=fig, table=table, source=_source(), data_date=str(last["quarter_label"]), area=ctx["where"])])


# 4. The indicators, with their definitions ------------------------------------------------------------

def selection_value(row: pd.Series) -> str:
    """The selection's value of one indicator in words: share answering yes, or the median practice."""
    if int(row["practices_returning"]) == 0:
        return "no returns"
    if row["scoring_kind"] == "yes_no":
        yes, returning = int(row["practices_yes"]), int(row["practices_returning"])
        return f"{formats.number(row['percent_yes'], 0)}% yes ({yes} of {returning})"
    unit = str(row["unit"])
    value = formats.number_as_set(row["median_value"])
    return f"median {value}%" if unit == "%" else f"median {value} ({unit})"


def scoring_words(row: pd.Series) -> str:
    if row["scoring_kind"] == "yes_no":
        return "Yes scores 100, no scores 0."
    if row["scoring_kind"] == "percent":
        return "Scores its percentage (at most 100)."
    return f"Scores 100 x value / target of {formats.number_as_set(row['scoring_target'])} {row['unit']}, at most 100."


def _indicators_section(ctx: dict) -> html.Section:
    indicators = run_query("joint_working__indicators", quarter=ctx["quarter"], **ctx["params"])
    heading = html.H2(f"The ten indicators in {ctx['label']}")
    if indicators.empty:
        return html.Section([heading, no_data("The indicator definitions are missing from this warehouse: rebuild "
                                              "it from etl/indicators.")])
    domain_rank = {domain.lower(): i for i, (_, domain) in enumerate(DOMAINS)}
    indicators = indicators.assign(
        label=indicators["indicator_id"] + " " + indicators["name"],
        value_text=indicators.apply(selection_value, axis=1),
        domain_label=indicators["domain"].str.capitalize(),
        domain_short=indicators["domain"].map(DOMAIN_SHORT).fillna(indicators["domain"]),
        domain_rank=indicators["domain"].str.lower().map(domain_rank).fillna(len(domain_rank)),
    )
    # plotted bottom to top, so the first domain ends up at the top
    indicators = indicators.sort_values(["domain_rank", "indicator_id"], ascending=[False, False])
    fig = go.Figure(go.Bar(
        x=indicators["mean_score"], y=[indicators["domain_short"], indicators["label"]], orientation="h",
        text=indicators["value_text"],
        textposition="outside", cliponaxis=False, marker={"color": series_style(0)["color"]},
        customdata=indicators[["domain_label", "value_text"]].to_numpy(),
        hovertemplate=("<b>%{y}</b><br>%{customdata[0]}<br>Mean score " + formats.hover("index", "x")
                       + " out of 100<br>%{customdata[1]}<extra></extra>"),
    ))
    styled(fig, x_title="Mean score of returning practices (0 to 100)", height=480, legend=False)
    fig.update_xaxes(range=[0, 145], tickvals=list(range(0, 101, 20)))
    fig.update_yaxes(type="multicategory", automargin=True)
    table_rows = indicators.sort_values("indicator_id")
    table = data_grid(f"{PREFIX}-indicators-table", table_rows, [
        column("indicator_id", header("joint_working__indicators.indicator_id")),
        column("name", header("joint_working__indicators.name"), minWidth=220),
        column("domain_label", header("joint_working__indicators.domain_label")),
        column("practices_returning", header("joint_working__indicators.practices_returning"), "count"),
        column("value_text", header("joint_working__indicators.value_text")),
        column("mean_score", header("joint_working__indicators.mean_score"), "number"),
    ], caption=f"Joint-working indicators, {ctx['where']}, {ctx['label']}")
    if indicators["practices_returning"].sum() == 0:
        chart = no_data(f"No practice in {ctx['where']} returned any indicator for {ctx['label']}.")
    else:
        chart = chart_card(
            f"{PREFIX}-indicators", title=f"Mean score of each indicator, {ctx['label']}",
            units="Mean 0 to 100 score of the practices that returned the indicator; beside each bar, the "
                  "share answering yes or the median practice's value.",
            description="Indicators are grouped by domain: time and space; trust and awareness of roles; shared "
                        "priorities and outcomes; practical support.",
            figure=fig, table=table, source=_source(), data_date=ctx["label"], area=ctx["where"])
    return html.Section([heading, chart, _definitions(table_rows, ctx), _method()])


def _definitions(indicators: pd.DataFrame, ctx: dict) -> html.Section:
    """Every indicator's definition from its definition file, with the selection's value beside it."""
    header = html.Tr([html.Th(text, scope="col") for text in
                      ("Indicator", "What it counts", "Numerator / denominator (unit)", "How it scores",
                       "Why it matters", f"This selection, {ctx['label']}")])
    rows = []
    for _, row in indicators.iterrows():
        denominator = row["denominator"] if row["denominator"] and row["denominator"] != "none" else "none"
        rows.append(html.Tr([
            html.Th([html.A(row["indicator_id"], href=f"/data-and-methods#{row['indicator_id']}"), " ",
                     *_with_terms(row["name"]),
                     html.Br(), html.Span(row["domain_label"], style={"fontWeight": "normal"})],
                    scope="row"),
            html.Td(row["definition"]),
            html.Td(f"{row['numerator']} / {denominator} ({row['unit']})"),
            html.Td(scoring_words(row)),
            html.Td(row["why_it_matters"]),
            html.Td(row["value_text"]),
        ]))
    return html.Section([
        html.H3("What each indicator measures", id=f"{PREFIX}-definitions-title"),
        html.P("Scroll the table sideways to see every column.", className="scroll-hint"),
        html.Div(html.Table([html.Caption("The joint-working indicators, from their definition files"),
                             html.Thead(header), html.Tbody(rows)], className="tables"),
                 className="table-scroll", tabIndex=0, role="region",
                 **{"aria-label": "The joint-working indicators (scrolls sideways)"}),
    ], **{"aria-labelledby": f"{PREFIX}-definitions-title"})


def _with_terms(text: str) -> list:
    """The text with each "MDT" a defined term: the names come from the definition files, unexplained."""
    parts = re.split(r"\b(MDT)(?=s?\b)", str(text))
    return [term(part) if part == "MDT" else part for part in parts if part]


def _method() -> html.Section:
    method = reference_query("joint_working__method")
    weight = method.loc[method["name"] == "joint_working_domain_weight"]
    words = (f"{weight['meaning'].iloc[0]} The weight is {weight['value'].iloc[0]:g}." if not weight.empty else
             "The index is the mean of the four domain scores; each domain score is the mean of its indicators' "
             "scores.")
    return html.Section([
        html.H3("How the index is worked out", id=f"{PREFIX}-method-title"),
        html.P(words),
        html.P(["Full definitions of every indicator are on ",
                html.A("Data and methods", href="/data-and-methods#data-and-methods-joint-working"), "."]),
    ], **{"aria-labelledby": f"{PREFIX}-method-title"})


# 5. Impact, SPC and the care plan funnel ----------------------------------------------------------------

def _impact_section(ctx: dict) -> html.Div:
    """The Impact panel, with the parallel-trends chart under it."""
    panel = impact_panel(ctx["selection"], PREFIX)
    return html.Div([panel, pretrends_card(ctx["selection"], PREFIX, sources.source_title(
        SOURCE, "sus_activity", "social_care_events"))], className="impact")


def _spc_section(ctx: dict) -> html.Section:
    heading_id = f"{PREFIX}-spc-heading"
    heading = html.H2(["Is joint working changing? ", term("SPC"), " chart of the mean index"], id=heading_id)
    adoption = run_query("joint_working__adoption", **ctx["params"])
    series = adoption[adoption["mean_index"].notna()]
    if series.empty:
        return html.Section([heading, no_data(f"No practice in {ctx['where']} had an index in any quarter up to "
                                              f"{ctx['label']}.")], **{"aria-labelledby": heading_id})
    gaps = len(adoption) - len(series)
    gap_words = (f" {plural(gaps, 'quarter')} with no index {'is' if gaps == 1 else 'are'} left out." if gaps else "")
    card = xmr_card(
        f"{PREFIX}-spc", list(series["quarter_label"]), series["mean_index"].to_numpy(), improvement=INCREASE,
        title=(f"Joint-working index of {ctx['where']}" if ctx["selection"].practice else
               f"Mean joint-working index of the practices in {ctx['where']}") + ", quarter by quarter, with its "
              "process limits",
        units=["Index from 0 to 100; higher is more joint working. There is no target. Points marked by shape and "
               "colour are ", term("special cause", "special cause"), "; dashed lines are the ",
               term("process limits", "process limits"), "."],
        y_title="Mean joint-working index", hover_unit="out of 100", source=_source(),
        data_date=str(series["quarter_label"].iloc[-1]),
        description=f"The mean and limits come from all {len(series)} quarters shown.{gap_words}",
        query="joint_working__adoption", period="quarter_label", value="mean_index", dates=False, ceiling=100.0,
        unit_words="quarters", area=ctx["where"])
    return html.Section([heading, card, html.P(html.A("How SPC charts are read and drawn",
                                                      href="/data-and-methods#spc-method"))],
                        **{"aria-labelledby": heading_id})


def _deciles_section(ctx: dict) -> html.Section:
    """Where the selection's mean index sits among the practices' indexes, quarter by quarter (OpenPrescribing's
    decile chart, components/deciles.py), among all practices and among its ICB's."""
    heading_id = f"{PREFIX}-deciles-heading"
    heading = html.H2("Where does it sit among practices? The index with the practices' deciles", id=heading_id)
    # the same lookup as Outcomes': mart_practice_deciles holds the index's deciles by quarter too
    deciles = run_query("outcomes__deciles", **{**ctx["params"], "measure": "joint_working_index"})
    adoption = run_query("joint_working__adoption", **ctx["params"])
    series = adoption[adoption["mean_index"].notna()].rename(columns={"quarter_start": "period_start",
                                                                        "mean_index": "rate"})
    if deciles.empty or series.empty:
        return html.Section([heading, no_data(f"No practice in {ctx['where']} had an index to compare up to "
                                              f"{ctx['label']}.")], **{"aria-labelledby": heading_id})
    name = (f"{ctx['where']} (practice)" if ctx["selection"].practice else
            f"{ctx['where']} (mean of its practices)")
    group = "" if ctx["selection"].practice else (
        " A mean over several practices varies less than one practice's index, so it is seldom near the outer "
        "deciles.")
    cards = []
    for scope, rows, among in decile_scopes(deciles):
        cards.append(deciles_card(
            f"{PREFIX}-deciles-{scope}", rows, series[["period_start", "rate"]], name=name, among=among,
            y_title="Joint-working index", hover_unit="out of 100", yearly=False,
            title=f"Joint-working index: {name} among {among}, quarter by quarter",
            units=("Index from 0 to 100; higher is more joint working. Dashed lines are the 10th to 90th percentiles "
                   f"of the practices' indexes each quarter, the solid grey line their median.{group}"),
            source=_source(), data_date=ctx["label"], area=ctx["where"], query="outcomes__deciles",
            period_words=formats.quarter, x_title="Quarter"))
    return html.Section([heading, *cards], **{"aria-labelledby": heading_id})


def _funnel_section(ctx: dict) -> html.Section:
    heading_id = f"{PREFIX}-funnel-heading"
    heading = html.H2(["Care plans reviewed: which practices differ by more than chance? A ", term("funnel plot")],
                      id=heading_id)
    frame = run_query("joint_working__funnel", quarter=ctx["quarter"], **ctx["params"])
    if frame.empty:
        return html.Section([heading, no_data(f"No practice near {ctx['where']} returned care plans reviewed (JW04) "
                                              f"with a numerator and denominator for {ctx['label']}.")],
                            **{"aria-labelledby": heading_id})
    scope = str(frame["scope_name"].iloc[0])
    card = funnel_card(
        f"{PREFIX}-funnel", frame, kind="proportion", scale=100.0, polarity="higher_is_better",
        title=f"Care plans reviewed (JW04) by practice in {scope}, {ctx['label']}, against the practices' pooled "
              "share",
        units=("Per cent of complex-needs patients whose care plan was reviewed, against the number of such "
               "patients. Dashed lines: 95% limits; dotted: 99.8% limits. Triangles point up above the limits and "
               "down below them; filled triangles are outside the 99.8% limits."),
        x_title="Complex-needs patients (the denominator)", x_hover="Complex-needs patients",
        y_title="Care plans reviewed (%)", hover_unit="%", query="joint_working__funnel", source=_source(),
        data_date=ctx["label"], scope=scope,
        table_request={**ctx["selection"].browser_state(), "quarter": ctx["quarter"]},
        area=ctx["where"])
    return html.Section([heading, card], **{"aria-labelledby": heading_id})


@dash.callback(*load_table_dependencies(f"{PREFIX}-funnel"), prevent_initial_call=True)
def load_funnel_table(clicks, request):
    """The care plan funnel's table rows, sent only when asked for (England scale: 6,300 practices)."""
    request = request or {}
    selection = filters.Selection.from_browser(request)
    quarter = request.get("quarter")
    if not clicks or not isinstance(quarter, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", quarter):
        raise PreventUpdate
    frame = run_query("joint_working__funnel", quarter=quarter, **selection.params())
    return rows_on_request(frame, kind="proportion", scale=100.0, polarity="higher_is_better")


# The parts drawn after the headlines (components/later.py): what each is called while it is on its way
LATER_PARTS = {"impact": ("the measured impact", _impact_section),
               "practices": ("the practices' scores", _practices_section),
               "adoption": ("adoption over time", _adoption_section),
               "spc": ("the SPC chart", _spc_section),
               "deciles": ("the deciles chart", _deciles_section),
               "funnel": ("the funnel plot", _funnel_section),
               "indicators": ("the indicators", _indicators_section)}
later.register(PREFIX, _draw_later)
