"""Overview, for board members: the handful of headline measures for the selected area, in plain words.

A council chosen on its own is read as "the council's residents" (council figures); any NHS filter,
a locality or a practice is read as "the patients of the selected practices". Each headline measure's
status is the Making Data Count variation icon of its monthly series (components/spc.py, rules in
etl/stats/spc.py): common cause, or special cause improving or concerning. The Impact panel says, in
sentences, what joint working has changed (components/impact.py).
"""

from __future__ import annotations

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import filters, formats, palette, suppression
from dashboard.catalogue import header
from dashboard.components import figures, later, peers
from dashboard.components import spc as spc_view
from dashboard.components.cards import chart_card, headline, no_data, period_note
from dashboard.components.impact import impact_panel
from dashboard.components.sources import is_loaded, source_title
from dashboard.components.spine import spine_card, spine_rows
from dashboard.components.tables import column, data_grid
from dashboard.components.terms import term
from dashboard.components.words import plural
from dashboard.db import run_query
from etl.stats import spc

SHOWS = ("outcomes", "registrations")  # the year it opens on: filters.default_period
dash.register_page(__name__, path="/", title="Overview - jointcare", name="Overview", order=0, shows=SHOWS)
PAGE = "overview"  # the prefix of its components' ids



def layout(**query):
    selection, note = filters.for_page(query, SHOWS)
    params = selection.params()
    return html.Div([
        html.H1(f"Overview: {filters.describe(selection)}"),
        *period_note(note),
        html.P("The headline numbers for the area chosen in the filters above: how patients and residents "
               "are doing, where they are registered, what the pooled budget is spent on, and how closely "
               "practices work with social care.", className="lead"),
        html.Section([
            html.H2("At a glance"),
            html.Div([_catchment_headline(params), _bcf_headline(params), _joint_working_headline(params)],
                     className="headlines"),
            html.P(["Each figure counts the practices its data cover, so the number of practices differs from "
                    "page to page: ", html.A("why practice counts differ",
                                             href="/data-and-methods#practice-counts"), "."], className="small"),
        ], **{"aria-label": "At a glance"}),
        # the parts below the headlines arrive in responses of their own (components/later.py)
        *[later.later(PAGE, part, selection.browser_state(), what=LATER_PARTS[part][0])
          for part in _later_parts(selection)],
    ])


def _later_parts(selection: filters.Selection) -> list[str]:
    """The parts this selection has: the headline measures, a council's spine chart and similar areas, the
    Impact panel."""
    council = _is_council_view(selection)
    return ["measures", *(["spine"] if council else []),
            *(["peers"] if peers.peers_kind(selection) == "council" else []), "impact"]


def _draw_later(part: str, state: dict) -> object:
    """A part below the headlines, from the state its placeholder carried (user input: checked here)."""
    selection = filters.Selection.from_browser(state)
    if part not in _later_parts(selection):
        return later.not_drawn()
    return LATER_PARTS[part][1](selection)


def _is_council_view(selection: filters.Selection) -> bool:
    return bool(selection.council) and not any((selection.locality, selection.sub_icb, selection.pcn,
                                                selection.practice, selection.deprivation, selection.has_group))


def _catchment_headline(params: dict) -> html.Div:
    row = run_query("overview__catchment", **params).iloc[0]
    if not row["councils"] or pd.isna(row["residents_registered"]):
        return headline("Registered elsewhere", "No data", "No registration release covers the selected councils.")
    names = row["council_names"] if row["councils"] <= 2 else f"the {row['councils']} selected councils"
    return headline(
        [term("Registered elsewhere", "catchment")],
        formats.percent(row["share_elsewhere"]),
        f"of the {formats.count(row['residents_registered'])} residents of {names} registered with a GP are with practices "
        f"based in another council ({formats.month(row['quarter'])} release).")


def _bcf_headline(params: dict) -> html.Div:
    if not is_loaded("bcf_plan"):
        return headline([term("BCF"), " spend against plan"], "Not loaded", "No Better Care Fund plan was loaded.")
    row = run_query("overview__bcf", **params).iloc[0]
    if not row["plans"]:
        return headline([term("BCF"), " spend against plan"], "No plan",
                        f"No Better Care Fund plan for the selected councils in {params['period']}.")
    planned = f"{formats.money_compact(row['planned_gbp'])} planned"
    if row["plans_with_actual"] < row["plans"]:
        return headline([term("BCF"), " spend against plan"], planned,
                        f"{params['period']}: the year-end return with actual spend is not in yet. "
                        f"{formats.percent(row['share_social_care'])} of the plan is for social care.")
    share = row["actual_gbp"] / row["planned_gbp"]
    return headline([term("BCF"), " spend against plan"], f"{formats.percent(share)} spent",
                    f"{formats.money_compact(row['actual_gbp'])} spent of {planned} in {params['period']}; "
                    f"{formats.percent(row['share_social_care'])} of the plan is for social care.")


def _joint_working_headline(params: dict) -> html.Div:
    if not is_loaded("joint_working_return"):
        return headline("Joint working", "Not loaded", "No joint-working return was loaded.")
    row = run_query("overview__joint_working", **params).iloc[0]
    if pd.isna(row["quarter_start"]) or not row["practices_returning"]:
        return headline("Joint working", "No returns", f"No joint-working returns in {params['period']}.")
    return headline(
        "Attached social worker",
        f"{formats.count(row['practices_with_social_worker'])} of {formats.count(row['practices_returning'])} practices",
        [f"returning in {row['quarter_label']} have a named or attached social worker; mean ",
         term("joint-working index"), f" {formats.number(row['mean_index'])} out of 100."])


def status(series: pd.DataFrame, polarity: str, measure_id: str | None = None) -> tuple[list, str, str]:
    """(words with the icon, tone, symbol) for a measure's monthly series: its SPC variation icon.

    The words are the icon's label; the symbol repeats the SPC chart's marker shape in text, and the
    tone its colour, so the status never rests on colour alone. A seasonal measure is read seasonally
    adjusted, as its chart on Outcomes is (spc_view.reading), and special cause months before a common
    cause latest month are said too.
    """
    usable = series[series["rate"].notna()]
    periods = list(usable["period_start"]) if "period_start" in usable else list(range(len(usable)))
    read = spc_view.reading(periods, usable["rate"].to_numpy(), improvement=spc.improvement_for(polarity),
                            measure_id=measure_id if "period_start" in usable else None)
    if read is None:
        return [spc_view.too_few(len(usable))], "neutral", ""
    result = read.result
    words = spc_view.icons(result)
    earlier = int(spc_view.special_points(result)[:-1].sum())
    if result.variation == "common_cause" and earlier:
        words.append(html.Span(f" {plural(earlier, 'earlier month')} special cause.", className="spc-earlier"))
    if read.adjusted:
        words.append(html.Span(" Seasonally adjusted.", className="spc-adjusted"))
    return words, spc_view.tone(result.variation), palette.SPC_SYMBOLS[result.variation]


def _year_rates(monthly: pd.DataFrame) -> pd.DataFrame:
    """Each measure's rate over the year's months (sum of numerators over sum of denominators)."""
    rows = []
    for measure_id, series in monthly.groupby("measure_id", sort=False):
        this_year = series[series["in_period"]]
        months = set(this_year["period_start"])
        denominator = this_year["denominator"].sum()
        rate = this_year["numerator"].sum() / denominator * float(series["multiplier"].iloc[0]) if denominator \
            else float("nan")
        rows.append({"measure_id": measure_id, "name": series["name"].iloc[0], "unit": series["unit"].iloc[0],
                     "polarity": series["polarity"].iloc[0], "rate": rate, "months": len(months),
                     "numerator": this_year["numerator"].sum(),
                     "last_month": max(months) if months else None})
    return pd.DataFrame(rows)


def shown_months(monthly: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The monthly rows as the chart and its table may show them (dashboard/suppression.py RULE), and
    each measure's year count as its card may show it (a number or a marker).

    A month's count of 1 to 4 is "<5". The selected year's months add up to its card's rate, which with the
    denominators in the table gives the year's count back, so within those months a second count is hidden
    ("[c]") wherever one is. For a percentage the denominator less the count is people too: a month, or a
    year, that leaves 1 to 4 by difference is hidden as "[c]". The rate of a hidden count is hidden too: a
    gap on the line, the marker in the table, since rate x denominator is the count.
    """
    year_totals = {(measure_id, True): rows.loc[rows["in_period"], "numerator"].sum()
                   for measure_id, rows in monthly.groupby("measure_id", sort=False)}
    percent = monthly["unit"] == "%"
    shown, totals = suppression.suppress_column(monthly.assign(_complement_of=monthly["denominator"].where(percent)),
                                                "numerator", group_by=["measure_id", "in_period"],
                                                totals=year_totals, complement_of="_complement_of")
    cards = {}
    for measure_id, rows in monthly[monthly["in_period"]].groupby("measure_id", sort=False):
        count, total = totals[(measure_id, True)], year_totals[(measure_id, True)]
        if not suppression.is_suppressed(count) and (rows["unit"] == "%").all() \
                and suppression.is_small(rows["denominator"].sum() - total):
            count = suppression.SECONDARY
        cards[measure_id] = count
    return suppression.follow(shown.drop(columns="_complement_of"), ["rate"], "numerator"), cards


def _chart_rates(shown: pd.DataFrame) -> pd.DataFrame:
    """The rows for the line chart: a hidden rate is a gap (NaN), never a marker on the axis."""
    return shown.assign(rate=pd.to_numeric(shown["rate"].where(~shown["rate"].map(suppression.is_suppressed)),
                                           errors="coerce"))


def _measures_section(params: dict, residents_view: bool, area: str) -> html.Section:
    heading = html.H2("Headline measures")
    monthly = run_query("overview__measures", residents=residents_view, **params)
    if monthly.empty or not monthly["in_period"].any():
        if not filters.has_data("outcomes"):
            return html.Section([heading, no_data(
                "No monthly outcome figures are loaded, for any year: the headline measures need the hospital "
                "activity extract or the councils' social care extracts (see Data and methods).")])
        return html.Section([heading, no_data(
            f"No outcome data for the selection in {params['period']}. Choose another year or clear a filter.")])
    who = "residents of the selected council" if residents_view else "patients of the selected practices"
    years = _year_rates(monthly)
    shown, year_counts = shown_months(monthly)
    cards = []
    for measure in years.itertuples():
        words, tone, symbol = status(monthly[monthly["measure_id"] == measure.measure_id], measure.polarity,
                                     measure.measure_id)
        # a year's hidden count hides its rate (the SPC status gives no count away, as in the downloads)
        count = year_counts.get(measure.measure_id)
        value = count if suppression.is_suppressed(count) else formats.number(measure.rate, formats.KINDS["rate"].places)
        cards.append(headline(measure.name, value,
                              [f"{measure.unit}{'' if measure.unit == '%' else ' a month'}, {params['period']}"
                               f"{' to ' + formats.month(measure.last_month) if measure.months < 12 else ''}. ",
                               html.Span(words, className="headline-status")], tone=tone, symbol=symbol))
    last = monthly["period_start"].max()
    return html.Section([
        heading,
        html.P([f"Monthly rates for the {who}. Each status is the ", term("SPC"), " reading of the measure's "
                "monthly series up to the end of the year, in the NHS Making Data Count style: ",
                term("common cause", "common cause"), " variation, or ", term("special cause", "special cause"),
                " variation that is improving or concerning, following each measure's direction (fewer admissions "
                "is better, more people at home after reablement is better). Hospital measures that rise every "
                "winter are read seasonally adjusted, so a status reports change beyond the usual seasons. ",
                html.A("How SPC is worked out", href="/data-and-methods#spc-method"), "."]),
        html.Div(cards, className="headlines"),
        chart_card(
            "overview-trends",
            title=f"Headline measures by month for the {who}",
            units="Each panel has its own unit, shown in its title; the shaded months are the selected year.",
            figure=_trend_panels(_chart_rates(shown), params["period"]),
            table=data_grid("overview-trends", shown.assign(month=shown["period_start"].dt.strftime("%Y-%m")),
                            [column("name", header("overview__measures.name")),
                             column("month", header("overview__measures.period_start")),
                             column("rate", header("overview__measures.rate"), "rate"),
                             column("numerator", header("overview__measures.numerator"), "number"),
                             column("denominator", header("overview__measures.denominator"), "count"),
                             column("unit", header("overview__measures.unit"))],
                            caption="Headline measures by month. " + suppression.RULE),
            source=source_title("sus_activity", "social_care_events", "registrations"),
            data_date=formats.month(last),
            description="One panel per measure: the line is the monthly rate, to the end of the selected year.", area=area
        ),
        dcc.Markdown("Definitions of every measure are on [Data and methods](/data-and-methods).",
                     className="small"),
    ])


def _spine_section(selection: filters.Selection, params: dict) -> html.Section:
    """The council against every council in England on every headline measure (components/spine.py)."""
    rows = spine_rows(run_query("spine__units", residents=True, period=params["period"]), selection.council,
                      practice=False)
    name = filters.area_name(selection)
    return html.Section([
        html.H2("Against every council in England", className="mt-5"),
        spine_card("overview-spine", rows, selection, area_label=name, kind_words="every council",
                   period=params["period"], practice=False, area=name),
    ], **{"aria-label": "Against every council in England"})


def _trend_panels(monthly: pd.DataFrame, period: str) -> go.Figure:
    measures = list(dict.fromkeys(monthly["measure_id"]))
    names = {row.measure_id: f"{row.name} ({row.unit})" for row in monthly.drop_duplicates("measure_id").itertuples()}
    # each panel's title on lines short enough for a phone, from the left edge: centred, a long title was
    # cut off at both ends at 320 px
    fig = figures.subplots(rows=len(measures), cols=1, shared_xaxes=True, vertical_spacing=0.09,
                           subplot_titles=tuple(figures.wrapped(names[measure], 34) for measure in measures))
    start = pd.Timestamp(f"{period[:4]}-04-01")
    end = min(start + pd.DateOffset(years=1), monthly["period_start"].max() + pd.DateOffset(days=15))
    style = palette.series_style(0)
    shading = []
    for row, measure in enumerate(measures, start=1):
        series = monthly[monthly["measure_id"] == measure]
        fig.add_trace(go.Scatter(
            x=series["period_start"], y=series["rate"], mode="lines+markers", name=names[measure], showlegend=False,
            line={"color": style["color"], "width": 2}, marker={"symbol": style["symbol"], "size": 5},
            hovertemplate="%{x|%B %Y}: %{y:,.2f} " + series["unit"].iloc[0] + "<extra></extra>"), row=row, col=1)
        # the selected year, shaded behind the line (one shape per panel, added in one go below)
        axis = "" if row == 1 else str(row)
        shading.append({"type": "rect", "xref": f"x{axis}", "yref": f"y{axis} domain", "x0": start, "x1": end,
                        "y0": 0, "y1": 1, "fillcolor": palette.NHS_PALE_GREY, "opacity": 0.6, "line": {"width": 0},
                        "layer": "below"})
    fig.update_layout(shapes=shading)
    fig.update_annotations(font={"size": 13}, x=0, xanchor="left", align="left", xshift=-48)
    figures.styled(fig, height=200 * len(measures) + 60, legend=False)
    return fig.update_layout(margin_t=56)  # room for the first panel's title on two lines


# The parts drawn after the headlines (components/later.py): what each is called on its way, and how it is
# drawn from the selection
LATER_PARTS = {
    "measures": ("the headline measures", lambda selection: _measures_section(
        selection.params(), _is_council_view(selection), filters.area_name(selection))),
    "spine": ("how the council compares with every council", lambda selection: _spine_section(
        selection, selection.params())),
    "peers": ("its similar areas", lambda selection: peers.council_peers(selection.council, PAGE)),
    "impact": ("the measured impact of joint working", lambda selection: impact_panel(selection, PAGE)),
}
later.register(PAGE, _draw_later)
