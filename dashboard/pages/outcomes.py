"""Outcomes: hospital use and adult social care outcomes for the selection, over time and by practice.

One measure at a time (chosen on the page, shareable as `?measure=`): a trend of the selection against
its comparators (practice, PCN, council, ICB, or every council against all councils together), and a
table of the selected practices' rates for the financial year. Group rates are pooled in SQL
(sum of numerators / sum of denominators x the measure's multiplier), never a mean of rates.

"Compare with" (`?compare=peers`) adds the practice's similar practices or the council's similar areas,
pooled, to the trend (components/peers.py), with the list of them below.
The measure chooser writes `?measure=` into the address, which re-runs layout as the filters do, so a
reload or a shared link keeps it.
Statistics: an XmR (SPC) chart of the selection's own monthly rate in the Making Data Count style
(components/spc.py), and a funnel plot of the practices around the selection for the year with 95% and
99.8% limits and each practice's 95% confidence interval (components/funnel.py). The numbers come from
etl/stats; this page only chooses the series and the practices.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, html

from dashboard import filters, formats, suppression
from dashboard.catalogue import header
from dashboard.components import deprivation, later, peers, sources
from dashboard.components.cards import chart_card, no_data, period_note
from dashboard.components.deciles import deciles_card
from dashboard.components.deciles import scopes as decile_scopes
from dashboard.components.funnel import funnel_card, load_table_dependencies, rows_on_request
from dashboard.components.spc import hidden_points_status, xmr_card
from dashboard.components.tables import column, data_grid, grid_format, practice_link_column
from dashboard.components.terms import term
from dashboard.components.trends import trend_figure
from dashboard.components.words import plural
from dashboard.db import reference_query, run_query
from etl.stats.spc import improvement_for

SHOWS = ("outcomes", "council outcomes")  # the year it opens on: filters.default_period
dash.register_page(__name__, path="/outcomes", title="Outcomes - jointcare", name="Outcomes", shows=SHOWS)

PREFIX = "outcomes"
DEFAULT_MEASURE = "emergency_admissions"
POLARITY = {"lower_is_better": "Lower is better.", "higher_is_better": "Higher is better."}
# Beyond this many councils (England has 150) one line each is unreadable and heavy: the whole-area
# trend shows the median council and the middle half of councils instead.
MANY_COUNCILS = 7
SPREAD_SERIES = "Median council"


def layout(**query):
    selection, year_note = filters.for_page(query, SHOWS)
    measures = _measures()
    measure, note = choose_measure(query.get("measure"), measures)
    compare = peers.compare_value(query, selection)
    where = filters.describe(selection)
    return html.Div([
        html.H1("Outcomes: hospital use and adult social care"),
        *period_note(year_note),
        html.P(["How often patients in ", html.Strong(where.rsplit(", ", 1)[0]), " are admitted to hospital in an "
                "emergency, attend A&E or move permanently into a care home, and how ", term("reablement"),
                " works for them, over time and against their neighbours. Council figures from ",
                term("ASCOF"), " are shared out to practices by where their patients live (",
                term("apportioned"), "). Choose a measure below."]),
        html.Div([
            html.Label("Measure", htmlFor=f"{PREFIX}-measure", className="form-label"),
            # a native <select>, as in the shell's filter bar: Dash 4's dcc.Dropdown leaves a focusable
            # aria-hidden input that axe reports as a serious failure
            dbc.Select(id=f"{PREFIX}-measure", options=measure_options(measures), value=measure),
            *([html.P(note, className="filter-note", role="status")] if note else []),
        ], className="measure-chooser", style={"marginBottom": "1.25rem", "maxWidth": "40rem"}),
        peers.compare_chooser(PREFIX, selection, compare, "Its PCN, council and ICB"),
        html.Div(render(selection, measure, measures, compare), id=f"{PREFIX}-charts"),
    ])


@dash.callback(
    Output("url", "search", allow_duplicate=True),
    Input(f"{PREFIX}-measure", "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def measure_in_address(measure, search):
    """The chosen measure goes into the address (?measure=), which draws the page for it: a reload or a
    copied link then shows the same measure."""
    if not measure or filters.parse_search(search).get("measure") == measure:
        raise dash.exceptions.PreventUpdate
    return filters.with_page_state(search, measure=measure)


@dash.callback(
    Output("url", "search", allow_duplicate=True),
    Input(f"{PREFIX}-compare", "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def compare_in_address(compare, search):
    """The comparison chosen goes into the address (?compare=peers), like the measure."""
    asked = filters.parse_search(search).get("compare")
    if not compare or (asked or "usual") == compare:
        raise dash.exceptions.PreventUpdate
    return filters.with_page_state(search, compare=compare if compare == peers.COMPARE_PEERS else None)


def _measures() -> pd.DataFrame:
    """The outcome measures, in their declared order (outcomes__measures)."""
    return reference_query("outcomes__measures").set_index("measure_id")


def measure_options(measures: pd.DataFrame) -> list[dict]:
    options = []
    for measure_id, row in measures.iterrows():
        yearly = " (yearly)" if row["period_type"] == "financial year" else ""
        label = f"{row['name']}{yearly}" + ("" if row["has_data"] else " (no data loaded)")
        options.append({"label": label, "value": measure_id, "disabled": not bool(row["has_data"])})
    return options


def choose_measure(asked, measures: pd.DataFrame) -> tuple[str | None, str]:
    """The measure to show: the one asked for if it has data, else the default, else the first with data."""
    available = [m for m, has in measures["has_data"].items() if has]
    if asked in available:
        return asked, ""
    fallback = DEFAULT_MEASURE if DEFAULT_MEASURE in available else (available[0] if available else None)
    if not asked or fallback is None:
        return fallback, ""
    name = measures.at[fallback, "name"]
    if asked in measures.index:
        return fallback, f"There are no data for '{measures.at[asked, 'name']}' in this warehouse, so {name} is shown."
    return fallback, f"There is no measure called '{asked}', so {name} is shown."


def render(selection: filters.Selection, measure: str | None, measures: pd.DataFrame | None = None,
           compare: str = "usual") -> list:
    """The measure's trend and practice table for the selection (the callback's output)."""
    measures = _measures() if measures is None else measures
    if measure is None or measure not in measures.index:
        return [no_data("No outcome measure has any data in this warehouse. Add the activity extract, the councils' "
                        "social care extracts or ASCOF to the raw data folder and rebuild.")]
    info = measures.loc[measure]
    if not sources.is_loaded(str(info["source"])):
        return [no_data(f"{info['name']} come from {sources.source_title(str(info['source']))}, which is not loaded "
                        "in this warehouse. Add those files and rebuild, or choose another measure.")]
    context = _context(selection, measure, info, compare)
    context["trend"] = hide_small_rates(_trend_frame(context), percent=info["unit"] == "%")
    peer_list = peers.peer_list(selection, PREFIX) if compare == peers.COMPARE_PEERS else None
    link_state = {"measure": measure, **({"compare": compare} if compare == peers.COMPARE_PEERS else {})}
    # the parts below the SPC chart arrive in responses of their own (components/later.py)
    state = {**selection.browser_state(), "measure": measure}
    return [_trend_section(context), *([peer_list] if peer_list is not None else []), _spc_section(context),
            *[later.later(PREFIX, part, state, what=what) for part, (what, _) in LATER_PARTS.items()],
            html.P(html.A("Link to this measure for this selection",
                          href="/outcomes" + selection.query_string(**link_state)), className="share-link")]


def _context(selection: filters.Selection, measure: str, info: pd.Series, compare: str) -> dict:
    """What every section reads: the selection, the query parameters, the measure and how it is described."""
    return {"selection": selection, "params": {**selection.params(), "measure": measure, "compare": compare},
            "info": info, "measure": measure, "where": filters.area_name(selection),
            "yearly": info["period_type"] == "financial year",
            "source": sources.source_title(str(info["source"]), "registrations")}


def _draw_later(part: str, state: dict) -> object:
    """A part below the SPC chart, from the state its placeholder carried (user input: checked here)."""
    measures = _measures()
    measure = state.get("measure")
    if part not in LATER_PARTS or measure not in measures.index or not measures.at[measure, "has_data"]:
        return later.not_drawn()
    context = _context(filters.Selection.from_browser(state), measure, measures.loc[measure], "usual")
    if part == "deciles":  # the selection's own line, from the trend's frame
        context["trend"] = hide_small_rates(_trend_frame(context), percent=context["info"]["unit"] == "%")
    return LATER_PARTS[part][1](context)


def join_words(words: list[str]) -> str:
    """'a, b and c'."""
    return " and ".join(filter(None, [", ".join(words[:-1]), words[-1]])) if words else ""


def units(info: pd.Series, yearly: bool) -> tuple[str, str]:
    """(axis title, hover unit) in words: 'Per 1,000 registered patients, in the month'."""
    unit = str(info["unit"])
    if unit == "%":
        return "Per cent", "%"
    when = "in the year" if yearly else "in the month"
    return f"{unit[0].upper()}{unit[1:]}, {when}", f"{unit} {when}"


def _period_words(day, yearly: bool) -> str:
    return formats.financial_year(day) if yearly else formats.month(day)


# The trend -------------------------------------------------------------------------------------------

def _trend_section(ctx: dict) -> html.Section:
    info, yearly = ctx["info"], ctx["yearly"]
    trend = ctx["trend"]
    heading = html.H2(f"Over time: {info['name']}")
    if trend.empty or trend["rate"].notna().sum() == 0:
        return html.Section([heading, no_data(
            f"There are no figures for {info['name']} in {ctx['where']} up to the end of "
            f"{ctx['params']['period']}. Choose a later year or another measure.")])
    y_title, hover_unit = units(info, yearly)
    fig = trend_figure(trend, y_title=y_title, hover_unit=hover_unit,
                       period_type="financial year" if yearly else "month", band_label="Middle half of councils")
    latest = trend["period_start"].max()
    return html.Section([heading, chart_card(
        f"{PREFIX}-trend",
        title=_trend_title(ctx, trend),
        units=f"{y_title}. {POLARITY.get(str(info['polarity']), '')}",
        description=_trend_description(trend, latest, yearly, hover_unit),
        figure=fig, table=_trend_table(trend, yearly, info), source=ctx["source"],
        data_date=_period_words(latest, yearly), area=ctx["where"])])


def _trend_frame(ctx: dict) -> pd.DataFrame:
    """The lines to draw; with many councils and nothing selected, their spread instead of one line each."""
    trend = run_query("outcomes__trend", max_councils=MANY_COUNCILS, **ctx["params"])
    # the query leaves the council lines out when there are more than MANY_COUNCILS of them
    if not ctx["selection"].is_empty or (trend["series_kind"] == "council").any():
        return trend
    spread = run_query("outcomes__council_spread", **ctx["params"])
    if spread.empty:
        return trend
    spread = spread.assign(series=SPREAD_SERIES, series_kind="council spread", series_order=200)
    return pd.concat([trend, spread], ignore_index=True).sort_values("series_order", kind="stable")


def hide_small_rates(trend: pd.DataFrame, *, percent: bool = False) -> pd.DataFrame:
    """The trend with each rate worked out from a hidden count (1-4, suppression.py) taken out of the lines
    (a gap), the SPC chart and the sentences, and marked in the table behind the chart ('small' is True).

    A practice's monthly rate over its known list size gives the count back, so it cannot be drawn. The
    councils' shaded spread (quartiles of 150 rates) reveals no one council and stays. A percentage that
    leaves 1-4 people out of its denominator is hidden too (percent), as in the downloads.
    """
    if "numerator" not in trend:
        return trend.assign(small=False, small_marker=suppression.SUPPRESSED, rate_for_status=trend["rate"])
    # the rates before hiding, for the SPC status alone (components/spc.py hidden_points_status)
    return suppression.hide_rates(trend, out_of="denominator" if percent else None).assign(
        rate_for_status=trend["rate"])


def _trend_title(ctx: dict, trend: pd.DataFrame) -> str:
    every = "year by year" if ctx["yearly"] else "month by month"
    kinds = set(trend["series_kind"])
    if "council spread" in kinds:
        return (f"{ctx['info']['name']} in all councils together and in the median council (middle half of "
                f"councils shaded), {every}")
    if ctx["selection"].is_empty:
        return f"{ctx['info']['name']} in each council and in all councils together, {every}"
    similar = "similar practices" if ctx["selection"].practice else "similar areas"
    compared = [label for kind, label in (("pcn", "its PCN"), ("peers", similar), ("council", "its council"),
                                          ("icb", "its ICB"), ("all councils", "all councils together"))
                if kind in kinds]
    if not kinds & {"practice", "pcn", "group"} and "its council" in compared:
        compared.remove("its council")  # a council on its own is the selection, not a comparator
    if trend.loc[trend["series_kind"] == "council", "series"].nunique() > 1:
        compared = [label.replace("its council", "its councils") for label in compared]
    return f"{ctx['info']['name']} in {ctx['where']} against {join_words(compared) or 'no comparator'}, {every}"


def _trend_description(trend: pd.DataFrame, latest, yearly: bool, hover_unit: str) -> str:
    at_latest = trend[(trend["period_start"] == latest) & trend["rate"].notna()]
    parts = [f"{row.series} {formats.rate(row.rate, hover_unit)}" for row in at_latest.itertuples()]
    if not parts:
        return "Each line is one area; hover over a point for its value."
    unit = "" if hover_unit == "%" else f" ({hover_unit})"
    return f"In {_period_words(latest, yearly)}{unit}: " + "; ".join(parts) + "."


def _trend_table(trend: pd.DataFrame, yearly: bool, info: pd.Series) -> html.Div:
    """One row per period and one column per line: exactly the rates drawn."""
    order = list(dict.fromkeys(trend["series"]))
    fields = {series: f"s{i}" for i, series in enumerate(order)}
    long = trend.assign(field=trend["series"].map(fields))
    long["shown"] = suppression.marked(long["rate"], long["small"], long["small_marker"])
    parts = [long.pivot(index="period_start", columns="field", values="shown")]
    columns = [column("period", header("outcomes__trend.financial_year" if yearly else "outcomes__trend.period_start"))]
    columns += [column(field, series, "number", catalogue="outcomes__trend.rate") for series, field in fields.items()]
    if {"low", "high"} <= set(trend.columns):  # the shaded band is part of what is drawn
        banded = long[long["low"].notna()]
        for bound in ("low", "high"):
            parts.append(banded.assign(field=banded["field"] + "_" + bound)
                         .pivot_table(index="period_start", columns="field", values=bound, aggfunc="first"))
            columns += [column(f"{fields[series]}_{bound}", header(f"outcomes__council_spread.{bound}"), "number")
                        for series in dict.fromkeys(banded["series"])]
    wide = pd.concat(parts, axis=1).reset_index().sort_values("period_start")
    wide["period"] = [_period_key(day, yearly) for day in wide["period_start"]]
    for definition in columns:
        if definition["field"] not in wide.columns:
            wide[definition["field"]] = None
    return data_grid(f"{PREFIX}-trend-table", wide, columns, caption=f"{info['name']}: the rates drawn, {info['unit']}")


def _period_key(day, yearly: bool) -> str:
    # '2025-09' sorts correctly as text; the chart shows 'September 2025'
    return formats.financial_year(day) if yearly else pd.Timestamp(day).strftime("%Y-%m")


# The year's table of practices -----------------------------------------------------------------------

def _year_section(ctx: dict) -> html.Section:
    info, yearly, period, selection = ctx["info"], ctx["yearly"], ctx["params"]["period"], ctx["selection"]
    year = run_query("outcomes__year", **ctx["params"])
    heading_id = f"{PREFIX}-year-title"
    heading = html.H2(f"By practice in {period}: {info['name']}", id=heading_id)
    if year.empty:
        return html.Section([heading, no_data(
            f"There are no figures for {info['name']} in {period} for the practices in {ctx['where']}. Choose "
            "another year or measure.")], **{"aria-labelledby": heading_id})
    selection_rate = float(year["selection_rate"].iloc[0])
    _, hover_unit = units(info, yearly)
    unit = str(info["unit"])
    # Small numbers: the pooled rate printed above the grid, times the denominators in it, gives the
    # numerators' total back, so it counts as a printed total (secondary suppression); a percentage's
    # denominator less its numerator is a count of people too.
    year, pooled_reveals = suppression.suppress_rates(year, count="num", denominator="den", derived=["rate", "vs"],
                                                      total_shown=True, complement=hover_unit == "%")
    rate_words = (f'hidden ("{suppression.SECONDARY}", it would give a small count away)' if pooled_reveals else
                  formats.rate(selection_rate, hover_unit) + ("" if hover_unit == "%" else f" {unit}"))
    # one practice alone has nothing to be compared with: list its PCN (the query does the same)
    group = (f"The {plural(len(year), 'practice')} in {year['pcn'].iloc[0]}, {ctx['where']}'s PCN"
             if selection.practice and year["pcn"].notna().any() else f"The {plural(len(year), 'practice')} listed")
    how = ("Each rate is the practice's share of its councils' published figures, apportioned by where its "
           "patients live; coverage is the share of its patients whose council published one." if yearly else
           "Each rate pools the year's months: the year's numerator over the sum of the monthly denominators, so "
           "it is a rate a month, averaged over the year. Coverage is the share of the practice's patients "
           "whose data are included.")
    vs = column("vs", header("outcomes__year.vs"), "percent")
    vs["valueFormatter"] = grid_format(formats.KINDS["percent"], signed=True)  # +4.2%, -1.3%
    counts = "number" if yearly else "count"  # apportioned yearly figures are fractions; monthly ones are counts
    grid = data_grid(f"{PREFIX}-year", year, [
        # the profile link keeps the year; the area filters do not apply to one practice
        practice_link_column(query=filters.Selection(period=selection.period).query_string()),
        column("name", header("outcomes__year.name"), minWidth=200, wrap=True, flex=2),
        column("pcn", header("outcomes__year.pcn"), tooltipField="pcn"),
        *([column("dep", header("outcomes__year.dep"), "count", headerTooltip="1: the most deprived 10% of practices")]
          if deprivation.loaded() else []),
        column("rate", header("outcomes__year.rate", unit), "number", hidden_with="num"), vs,
        column("num", header("outcomes__year.num"), counts, people_count=True),
        column("den", header("outcomes__year.den"), counts, people_count=True),
        column("cov", header("outcomes__year.cov"), "percent"),
        column("periods", header("outcomes__year.years_with_data" if yearly else "outcomes__year.periods"), "count"),
    ], caption=f"{info['name']} by practice, {ctx['where']}, {period}", page_size=20)
    return html.Section([
        heading,
        html.P([f"{group}, together: ", html.Strong(rate_words),
                f" in {period}. 'Against the selection' is how far each practice's rate is above (+) or below (-) "
                "that. ", how, f" {suppression.RULE} Practice codes link to each practice's profile."],
               className="chart-description"),
        grid,
        html.P([html.Strong("Source: "), ctx["source"], f". Data for {period}."], className="chart-source"),
    ], className="chart-card", **{"aria-labelledby": heading_id})


# By deprivation: the measure by practice deprivation decile ----------------------------------------------

def _deprivation_section(ctx: dict) -> html.Section:
    info, period = ctx["info"], ctx["params"]["period"]
    heading_id = f"{PREFIX}-deprivation-heading"
    heading = html.H2(f"By deprivation: {info['name']} by practice deprivation decile, {period}", id=heading_id)
    if not deprivation.loaded():
        return html.Section([heading, no_data(deprivation.NOT_LOADED)], **{"aria-labelledby": heading_id})
    y_title, hover_unit = units(info, ctx["yearly"])
    cards = deprivation.selection_cards(run_query("common__deprivation_practices", **ctx["params"]), pd.DataFrame(),
                                        one_practice=bool(ctx["selection"].practice))
    card = deprivation.decile_card(
        f"{PREFIX}-deprivation", run_query("outcomes__deprivation", **ctx["params"]), info=info, yearly=ctx["yearly"],
        y_title=y_title, hover_unit=hover_unit, period=period, source=ctx["source"],
        marked=not ctx["selection"].is_empty, area=ctx["where"])
    return html.Section([heading, html.Div(cards, className="headlines"), card,
                         html.P(deprivation.method_link(), className="chart-units")],
                        **{"aria-labelledby": heading_id})


# Is it changing? The selection's own series as an XmR (SPC) chart --------------------------------------

# The series in the trend frame that is the selection itself, by the kind of selection.
SELF_KIND = {"practice": "practice", "group": "group", "council": "council", "everything": "all councils"}


def selection_series(ctx: dict) -> pd.DataFrame:
    """The selection's own rate by period, from the trend frame (its other lines are comparators)."""
    selection, trend = ctx["selection"], ctx["trend"]
    if selection.practice:
        kind = "practice"
    elif selection.locality or selection.sub_icb or selection.pcn or selection.deprivation or selection.has_group:
        kind = "group"
    elif selection.council:
        kind = "council"
    else:
        kind = "all councils"
    rows = trend[(trend["series_kind"] == kind) & trend["rate"].notna()]
    if kind == "group" and rows.empty:  # a PCN on its own is drawn as the 'pcn' line
        rows = trend[(trend["series_kind"] == "pcn") & trend["rate"].notna()]
    first = rows["series"].iloc[0] if not rows.empty else None
    return rows[rows["series"] == first].sort_values("period_start")


def _has_hidden_months(ctx: dict) -> bool:
    """Whether the selection's own series has a month whose rate is hidden (small count)."""
    trend = ctx["trend"]
    # selection_series keeps the months with a rate: a hidden month stands in with a 0 to be seen here
    series = selection_series({**ctx, "trend": trend.assign(rate=trend["rate"].mask(trend["small"], 0.0))})
    return bool(series["small"].any())


def _spc_section(ctx: dict) -> html.Section:
    info, yearly = ctx["info"], ctx["yearly"]
    heading_id = f"{PREFIX}-spc-heading"
    heading = html.H2(["Is it changing? ", term("SPC"), f" chart of {info['name']}"], id=heading_id)
    series = selection_series(ctx)
    if _has_hidden_months(ctx):
        every = selection_series({**ctx, "trend": ctx["trend"].assign(rate=ctx["trend"]["rate_for_status"])})
        periods = [pd.Timestamp(day).strftime("%Y-%m-%d") for day in every["period_start"]]
        return html.Section([heading, hidden_points_status(
            periods, every["rate"].to_numpy(float), improvement=improvement_for(str(info["polarity"])),
            measure_id=ctx["measure"], threshold=suppression.THRESHOLD, rule=suppression.RULE)],
            **{"aria-labelledby": heading_id})
    if series.empty:
        return html.Section([heading, no_data(f"There is no monthly series of {info['name']} for {ctx['where']} "
                                              "to chart.")], **{"aria-labelledby": heading_id})
    y_title, hover_unit = units(info, yearly)
    name = str(series["series"].iloc[0])
    periods = ([formats.financial_year(day) for day in series["period_start"]] if yearly else
               [pd.Timestamp(day).strftime("%Y-%m-%d") for day in series["period_start"]])
    latest = series["period_start"].max()
    polarity = str(info["polarity"])
    card = xmr_card(
        f"{PREFIX}-spc", periods, series["rate"].to_numpy(), improvement=improvement_for(polarity),
        title=f"{info['name']}: {name}, {'year by year' if yearly else 'month by month'}, with its process limits",
        units=[f"{y_title}. {POLARITY.get(polarity, '')} Points marked by shape and colour are ",
               term("special cause", "special cause"), "; the rest are ", term("common cause", "common cause"),
               ". Dashed lines are the ", term("process limits", "process limits"), "."],
        y_title=y_title, hover_unit=hover_unit, source=ctx["source"], data_date=_period_words(latest, yearly),
        description=f"The mean and limits come from all {len(series)} {'years' if yearly else 'months'} shown.",
        query="outcomes__trend", period="financial_year" if yearly else "period_start", value="rate",
        value_unit=info["unit"], dates=not yearly, ceiling=100.0 if info["unit"] == "%" else None,
        unit_words="years" if yearly else "months", measure_id=ctx["measure"], area=ctx["where"])
    return html.Section([heading, card, html.P(html.A("How SPC charts are read and drawn",
                                                      href="/data-and-methods#spc-method"))],
                        **{"aria-labelledby": heading_id})


# Where does it sit among practices? Deciles over time, OpenPrescribing's chart ---------------------------

def _deciles_section(ctx: dict) -> html.Section:
    info, yearly = ctx["info"], ctx["yearly"]
    heading_id = f"{PREFIX}-deciles-heading"
    heading = html.H2(f"Where does it sit among practices? {info['name']}, with the practices' deciles",
                      id=heading_id)
    deciles = run_query("outcomes__deciles", **ctx["params"])
    series = selection_series(ctx)
    if deciles.empty or series.empty:
        return html.Section([heading, no_data(f"There are no practice rates of {info['name']} to compare "
                                              f"{ctx['where']} with.")], **{"aria-labelledby": heading_id})
    y_title, hover_unit = units(info, yearly)
    name = str(series["series"].iloc[0])
    group = "" if ctx["selection"].practice else (
        " A group's pooled rate varies less from period to period than one practice's, so it is seldom near the "
        "outer deciles.")
    cards = []
    for scope, rows, among in decile_scopes(deciles):
        latest = rows["period_start"].max()
        cards.append(deciles_card(
            f"{PREFIX}-deciles-{scope}", rows, series[["period_start", "rate"]], name=name, among=among,
            y_title=y_title, hover_unit=hover_unit, yearly=yearly,
            title=f"{info['name']}: {name} among {among}, {'year by year' if yearly else 'month by month'}",
            units=(f"{y_title}. {POLARITY.get(str(info['polarity']), '')} Dashed lines are the 10th to 90th "
                   f"percentiles of the practices' rates each {'year' if yearly else 'month'}, the solid grey line "
                   f"their median.{group}"),
            source=ctx["source"], data_date=_period_words(latest, yearly), area=ctx["where"]))
    return html.Section([heading, *cards], **{"aria-labelledby": heading_id})


# How do the practices compare? A funnel plot for the year -------------------------------------------------

def _funnel_section(ctx: dict) -> html.Section:
    info, period = ctx["info"], ctx["params"]["period"]
    heading_id = f"{PREFIX}-funnel-heading"
    heading = html.H2(["Which practices differ by more than chance? A ", term("funnel plot"), f", {period}"],
                      id=heading_id)
    if ctx["yearly"]:
        return html.Section([heading, no_data(
            f"{info['name']} is a council figure shared out to practices by where their patients live, not counted "
            "at each practice, so practices cannot be compared on a funnel plot. Choose a monthly measure.")],
            **{"aria-labelledby": heading_id})
    frame = run_query("outcomes__funnel", **ctx["params"])
    if frame.empty:
        return html.Section([heading, no_data(
            f"No practice near {ctx['where']} has figures for {info['name']} in {period}.")],
            **{"aria-labelledby": heading_id})
    scope = str(frame["scope_name"].iloc[0])
    percent = info["unit"] == "%"
    y_title, hover_unit = units(info, False)
    rate_words = "per cent" if percent else str(info["unit"])
    card = funnel_card(
        f"{PREFIX}-funnel", frame, kind="proportion" if percent else "rate", scale=float(info["multiplier"]),
        polarity=str(info["polarity"]),
        title=f"{info['name']} by practice in {scope}, {period}, against the practices' pooled rate",
        units=(f"Rate over the year ({rate_words} a month) against the practice's size. Dashed lines: 95% limits; "
               "dotted: 99.8% limits. Triangles point up above the limits and down below them; filled triangles "
               "are outside the 99.8% limits."),
        x_title=f"{info['denominator']}, added up over the months", x_hover="Denominator",
        y_title=y_title.replace(", in the month", ", a month over the year"), hover_unit=hover_unit,
        query="outcomes__funnel", value_unit=rate_words, source=ctx["source"], data_date=period,
        scope=scope, table_request={**ctx["selection"].browser_state(), "measure": ctx["measure"]}, area=ctx["where"])
    return html.Section([heading, card], **{"aria-labelledby": heading_id})


@dash.callback(*load_table_dependencies(f"{PREFIX}-funnel"), prevent_initial_call=True)
def load_funnel_table(clicks, request):
    """The funnel's table rows, sent only when asked for (England scale: 6,300 practices)."""
    request = request or {}
    selection = filters.Selection.from_browser(request)
    # the request comes back from the browser: a measure we do not know is not looked up
    measures = _measures()
    measure = request.get("measure")
    if not clicks or measure not in measures.index:
        raise dash.exceptions.PreventUpdate
    info = measures.loc[measure]
    frame = run_query("outcomes__funnel", **selection.params(), measure=measure)
    return rows_on_request(frame, kind="proportion" if info["unit"] == "%" else "rate",
                           scale=float(info["multiplier"]), polarity=str(info["polarity"]))


# The parts drawn after the page (components/later.py): what each is called while it is on its way
LATER_PARTS = {"deciles": ("the deciles chart", _deciles_section), "funnel": ("the funnel plot", _funnel_section),
               "deprivation": ("the chart by deprivation", _deprivation_section),
               "year": ("the table of practices", _year_section)}
later.register(PREFIX, _draw_later)
