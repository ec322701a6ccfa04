"""Pooled budget: the Better Care Fund (BCF) of the selected councils' HWB areas, for one financial year.

Every HWB is a social care council (hwb_code is the council code), so the page reads the councils of
the selection (the selected_councils macro: the chosen council, the council of the chosen locality, or
the home councils of the chosen practices) and sums their plans. Planned pounds come from the planning
templates, actual pounds from the year-end returns: a year whose return is not loaded has no actual,
and the page says so rather than showing nil spend. Per-head figures divide by the registered
residents the mart uses (the registrations release in force on 1 October of the year).
"""

from __future__ import annotations

import math

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, html

from dashboard import filters, formats
from dashboard.catalogue import header
from dashboard.components import figures, later, sources, spend_outcomes
from dashboard.components.cards import chart_card, headline, no_data, period_note
from dashboard.components.figures import styled
from dashboard.components.tables import column, data_grid
from dashboard.components.terms import term
from dashboard.components.words import plural
from dashboard.db import run_query
from dashboard.palette import (
    NHS_AQUA_GREEN,
    NHS_BLUE,
    NHS_DARK_BLUE,
    NHS_DARK_GREY,
    NHS_LIGHT_BLUE,
    NHS_MID_GREY,
    NHS_ORANGE,
    NHS_PINK,
    NHS_PURPLE,
    NHS_WARM_YELLOW,
    at_alpha,
    series_style,
)

SHOWS = ("Better Care Fund",)  # the year it opens on: filters.default_period
dash.register_page(__name__, path="/pooled-budget", title="Pooled budget - jointcare", name="Pooled budget",
                   shows=SHOWS)

PAGE = "pooled-budget"
SOURCES = ("bcf_plan", "bcf_year_end")
# Above this many HWBs the comparison shows the highest, the lowest and the selected ones (the table has all).
ALL_HWBS_UP_TO = 30
SHOW_EACH_END = 10
OTHER_HWB_COLOUR = NHS_MID_GREY  # 3.6:1 on white, so unselected bars stay visible
# Sankey: each source of funding keeps its colour through to its scheme types; grey is left for the
# scheme-to-provider bands so they never look like a source.
FUNDING_COLOURS = (NHS_BLUE, NHS_ORANGE, NHS_LIGHT_BLUE, NHS_WARM_YELLOW, NHS_PURPLE, NHS_AQUA_GREEN, NHS_PINK,
                   NHS_DARK_BLUE)
PROVIDER_BAND_COLOUR = at_alpha(NHS_MID_GREY, 0.4)


# --- formatting: the house rules are dashboard/formats.py's ----------------------------------------

def _names(text, limit: int = 5) -> str:
    """'A, B and C', or 'A, B, ... and 12 more' for a long comma-separated list."""
    names = [name for name in str(text or "").split(", ") if name]
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _count(value) -> int:
    return 0 if formats.is_missing(value) else int(value)



# --- headlines --------------------------------------------------------------------------------------

def _return_note(row: pd.Series, period: str) -> html.P | None:
    """Plain words on whether the year-end return is in, and what it leaves out."""
    with_plan, with_return = int(row["hwbs_with_plan"]), int(row["hwbs_with_return"])
    if with_return == 0:
        return html.P([html.Strong(f"The year-end return for {period} is not in yet. "),
                       "Actual spend is unknown (not nil) until it is loaded; the planned figures are the plan."],
                      className="alert alert-warning", role="status", id=f"{PAGE}-return-note")
    parts = []
    if with_return < with_plan:
        parts.append(f"Year-end returns for {period} are in for {with_return} of the {with_plan} HWB areas; "
                     "actual spend is compared with the plans of those that sent one.")
    if int(row["lines_not_in_return"]):
        parts.append(f"{formats.money(row['planned_not_in_return_gbp'])} of planned spend "
                     f"({plural(int(row['lines_not_in_return']), 'scheme line')}) is not in the year-end return.")
    if int(row["lines_not_in_plan"]):
        parts.append(f"{formats.money(row['actual_not_in_plan_gbp'])} was reported as spent on "
                     f"{plural(int(row['lines_not_in_plan']), 'line')} that the plan does not have.")
    if not parts:
        return None
    return html.P(" ".join(parts), className="alert alert-secondary", role="status", id=f"{PAGE}-return-note")


def _population_words(row: pd.Series) -> str:
    """Which registrations release a per-head figure divides by: the one nearest the middle of the year
    (int_council_year__population), which is not the year's latest release that Overview and Catchment
    count, so the card says which it is."""
    if formats.is_missing(row["population_release"]):
        return ""
    return f" ({formats.month(row['population_release'])} release, the latest by the middle of the year)"


def _headlines(row: pd.Series, period: str) -> list:
    has_return = int(row["hwbs_with_return"]) > 0
    release = _population_words(row)
    areas = plural(int(row["hwbs_with_plan"]), "HWB area")
    tiles = [
        headline("Planned", formats.money_compact(row["planned_gbp"]),
                 f"{formats.money(row['planned_gbp'])} in {plural(_count(row['scheme_lines']), 'scheme line')}, {areas}"),
        headline("Spent", formats.money_compact(row["actual_gbp"]) if has_return else "Not in yet",
                 f"{formats.money(row['actual_gbp'])} in the year-end return" if has_return
                 else f"No year-end return for {period} has been loaded yet"),
        headline("Spent as % of plan", formats.percent(row["actual_to_planned"]) if has_return else "Not known yet",
                 f"{formats.money(row['actual_gbp'])} of {formats.money(row['planned_with_return_gbp'])} planned" if has_return
                 else "Needs the year-end return"),
        headline("On social care", formats.percent(row["share_social_care"]),
                 f"{formats.money(row['planned_social_care_gbp'])} of the {formats.money(row['planned_gbp'])} planned, by area of spend"),
        headline(["Planned ", term("per head")],
                 formats.money(row["planned_per_head_gbp"], missing="No residents"),
                 f"{formats.money(row['planned_gbp'])} over {formats.count(row['residents'])} registered residents{release}"
                 if not formats.is_missing(row["residents"]) else "No registered residents are known for the year"),
        headline([term("Per head", "per head"), " aged 65+"],
                 formats.money(row["planned_per_head_65_plus_gbp"], missing="No residents"),
                 f"Planned {formats.money(row['planned_gbp'])} over {formats.count(row['residents_65_plus'])} registered residents "
                 f"aged 65+{release}" if not formats.is_missing(row["residents_65_plus"])
                 else "No residents aged 65+ are known for the year"),
    ]
    return tiles


# --- figures ----------------------------------------------------------------------------------------

def _sankey(flows: pd.DataFrame, level: str) -> go.Figure:
    """Source of funding -> scheme type -> provider; each stage's nodes are its own, so a label may repeat."""
    stages = {
        0: list(dict.fromkeys(flows.loc[flows["stage"] == 1, "source_label"])),
        1: list(dict.fromkeys(flows.loc[flows["stage"] == 1, "target_label"])),
        2: list(dict.fromkeys(flows.loc[flows["stage"] == 2, "target_label"])),
    }
    index, labels, colours = {}, [], []
    for stage, names in stages.items():
        for name in names:
            index[(stage, name)] = len(labels)
            labels.append(name)
            colours.append((NHS_DARK_BLUE, NHS_DARK_BLUE, NHS_DARK_GREY)[stage])
    funding_colour = {name: FUNDING_COLOURS[i % len(FUNDING_COLOURS)] for i, name in enumerate(stages[0])}
    colours[:len(stages[0])] = [funding_colour[name] for name in stages[0]]
    sources_, targets, values, hovers, link_colours = [], [], [], [], []
    for row in flows.itertuples():
        source = index[(row.stage - 1, row.source_label)]
        target = index[(row.stage, row.target_label)]
        sources_.append(source)
        targets.append(target)
        values.append(float(row.planned_gbp))
        hovers.append(f"{formats.money_compact(row.planned_gbp)} of {row.source_label} goes to {row.target_label}")
        link_colours.append(at_alpha(funding_colour[row.source_label], 0.4) if row.stage == 1 else PROVIDER_BAND_COLOUR)
    # a node's pounds: what flows through it (in for the middle and right, out for the sources)
    inflow, outflow = [0.0] * len(labels), [0.0] * len(labels)
    for source, target, value in zip(sources_, targets, values):
        outflow[source] += value
        inflow[target] += value
    node_totals = [max(pair) for pair in zip(inflow, outflow)]
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node={"label": [_shorten(label) for label in labels], "color": colours, "pad": 14, "thickness": 16,
              "line": {"color": "white", "width": 0.5},
              "customdata": [f"{label}: {formats.money_compact(total)} planned" for label, total in zip(labels, node_totals)],
              "hovertemplate": "%{customdata}<extra></extra>"},
        link={"source": sources_, "target": targets, "value": values, "color": link_colours,
              "customdata": hovers, "hovertemplate": "%{customdata}<extra></extra>"},
    ))
    for x, text in ((0, "Source of funding"), (0.5, level.capitalize()), (1, "Provider")):
        fig.add_annotation(text=f"<b>{text}</b>", x=x, y=1.06, xref="paper", yref="paper", showarrow=False,
                           xanchor={0: "left", 0.5: "center", 1: "right"}[x])
    height = max(360, 34 * max(len(names) for names in stages.values()) + 80)
    fig = styled(fig, height=height, legend=False)
    fig.update_layout(margin={"l": 16, "r": 16, "t": 40, "b": 16})
    return fig


def _shorten(label: str, limit: int = 42) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _planned_actual(years: pd.DataFrame) -> go.Figure:
    """Grouped bars: planned solid, actual hatched, so the two differ in pattern as well as colour."""
    fig = go.Figure()
    planned_style, actual_style = series_style(0), series_style(1)
    fig.add_trace(go.Bar(
        x=years["financial_year"], y=years["planned_gbp"], name="Planned",
        marker={"color": planned_style["color"], "line": {"color": NHS_DARK_BLUE, "width": 1}},
        customdata=[formats.money(value) for value in years["planned_gbp"]],
        hovertemplate="%{x} planned: %{customdata}<extra></extra>",
    ))
    actual_text = [f"{formats.money(actual)} ({formats.percent(share)} of plan)" if not formats.is_missing(actual) else "no year-end return yet"
                   for actual, share in zip(years["actual_gbp"], years["actual_to_planned"])]
    fig.add_trace(go.Bar(
        x=years["financial_year"], y=years["actual_gbp"], name="Actual (year-end return)",
        marker={"color": actual_style["color"], "line": {"color": NHS_DARK_GREY, "width": 1},
                "pattern": {"shape": "/", "fgcolor": NHS_DARK_GREY, "size": 8, "solidity": 0.3}},
        customdata=actual_text, hovertemplate="%{x} actual: %{customdata}<extra></extra>",
    ))
    for year, planned, actual in zip(years["financial_year"], years["planned_gbp"], years["actual_gbp"]):
        if formats.is_missing(actual):
            fig.add_annotation(x=year, y=planned, text="No year-end<br>return yet", showarrow=False, yshift=22,
                               xshift=14, font={"size": 11, "color": NHS_DARK_GREY})
    fig = styled(fig, x_title="Financial year", y_title="Pounds (£)", height=380)
    # with a year or two the bars would fill the width: keep them bar-shaped
    fig.update_layout(barmode="group", bargap=0.25 if len(years) >= 4 else 0.6)
    _money_axis(fig, years[["planned_gbp", "actual_gbp"]].max().max())
    fig.update_xaxes(type="category")
    return fig


def _money_axis(fig: go.Figure, top) -> None:
    """Pound ticks on the y axis: '£150 million' from a million up (formats.money_millions), else '£5,000'."""
    if formats.is_missing(top) or top <= 0:
        return
    raw = top / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(factor * magnitude for factor in (1, 2, 2.5, 5, 10) if factor * magnitude >= raw)
    ticks = [step * i for i in range(int(top // step) + 2)]
    if top >= 1e6:  # every tick in millions, so the axis reads in one unit
        text = [formats.money_millions(tick) for tick in ticks]
    else:
        text = [formats.money(tick) for tick in ticks]
    fig.update_yaxes(tickvals=ticks, ticktext=text, range=[0, ticks[-1] * 1.02])


def _per_head(years: pd.DataFrame) -> go.Figure:
    """Colour says which residents (all, or aged 65+); line dash and filled or open markers say planned or actual."""
    fig = go.Figure()
    series = (
        ("planned_per_head_gbp", "Planned, per resident", NHS_BLUE, "solid", "circle", "planned per resident"),
        ("actual_per_head_gbp", "Actual, per resident", NHS_BLUE, "dot", "circle-open", "actual per resident"),
        ("planned_per_head_65_plus_gbp", "Planned, per resident aged 65+", NHS_ORANGE, "solid", "square",
         "planned per resident aged 65+"),
        ("actual_per_head_65_plus_gbp", "Actual, per resident aged 65+", NHS_ORANGE, "dot", "square-open",
         "actual per resident aged 65+"),
    )
    for field, name, colour, dash_, symbol, words in series:
        if years[field].isna().all():
            continue
        fig.add_trace(go.Scatter(
            x=years["financial_year"], y=years[field], name=name, mode="lines+markers",
            line={"color": colour, "dash": dash_, "width": 2},
            marker={"symbol": symbol, "size": 9, "color": colour, "line": {"color": colour, "width": 2}},
            hovertemplate=f"%{{x}}: {formats.hover('pence')} {words}<extra></extra>",
        ))
    fig = styled(fig, x_title="Financial year", y_title="Pounds per resident (£)", height=380)
    fig.update_yaxes(tickprefix="£", tickformat=",.0f", rangemode="tozero")
    fig.update_xaxes(type="category")
    return fig


def _social_care_share(years: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    figures.line_series(fig, years["financial_year"], years["share_social_care"], "Planned for social care", 0,
                        "%{x}: " + formats.hover("percent") + " of planned spend is on social care")
    fig = styled(fig, x_title="Financial year", y_title="Share of planned spend", height=380, legend=False)
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    fig.update_xaxes(type="category")
    return fig


def _shown_hwbs(hwbs: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """All HWBs when few; else the highest and lowest per head and every selected one, in rank order.

    A gap in the ranking becomes a row of its own ('... 120 more HWBs ...') with no bar.
    """
    ranked = hwbs[hwbs["planned_per_head_gbp"].notna()].reset_index(drop=True)
    if len(ranked) <= ALL_HWBS_UP_TO:
        return ranked.assign(label=ranked["hwb_name"]), ""
    keep = set(range(SHOW_EACH_END)) | set(range(len(ranked) - SHOW_EACH_END, len(ranked)))
    keep |= set(ranked.index[ranked["is_selected"]])
    rows, previous = [], -1
    for position in sorted(keep):
        if position - previous > 1:
            gap = position - previous - 1
            rows.append({"label": f"… {gap} more HWB areas …", "planned_per_head_gbp": None, "is_selected": False,
                         "hwb_name": "", "share_social_care": None, "per_head_rank": None})
        rows.append({**ranked.loc[position].to_dict(), "label": ranked.loc[position, "hwb_name"]})
        previous = position
    note = (f"Showing the {SHOW_EACH_END} highest and {SHOW_EACH_END} lowest of {len(ranked)} HWB areas"
            " and the selected ones; the table lists them all.")
    return pd.DataFrame(rows), note


def _hwb_comparison(hwbs: pd.DataFrame, period: str) -> tuple[go.Figure, str]:
    shown, note = _shown_hwbs(hwbs)
    labels = [f"{label} ◀ selected" if selected else label
              for label, selected in zip(shown["label"], shown["is_selected"])]
    colours = [NHS_BLUE if selected else OTHER_HWB_COLOUR for selected in shown["is_selected"]]
    text = [formats.money(value, missing="") for value in shown["planned_per_head_gbp"]]
    hover = [f"{name}: {formats.money(value)} planned per resident in {period}; {formats.percent(share)} planned for social care"
             if name else "" for name, value, share in
             zip(shown["hwb_name"], shown["planned_per_head_gbp"], shown["share_social_care"])]
    fig = go.Figure(go.Bar(
        x=shown["planned_per_head_gbp"], y=labels, orientation="h", marker={"color": colours}, width=0.7,
        text=text, textposition="outside", cliponaxis=False, customdata=hover,
        hovertemplate="%{customdata}<extra></extra>",
    ))
    median = hwbs["planned_per_head_gbp"].median()
    if not formats.is_missing(median):
        fig.add_vline(x=median, line={"color": NHS_DARK_GREY, "dash": "dash", "width": 1.5})
        # on two lines, ending at the line: on a phone one line ran off the chart's right edge
        fig.add_annotation(x=median, y=1, yref="paper", yanchor="bottom", xanchor="right", showarrow=False,
                           text=f"Middle HWB<br>(median): {formats.money(median)}",
                           font={"size": 12, "color": NHS_DARK_GREY})
    fig = styled(fig, height=max(200, 26 * len(shown) + 110), legend=False)
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    top = hwbs["planned_per_head_gbp"].max()
    # the axis title on lines a phone's panel can hold (styled's 40 characters were cut off at 320 px)
    fig.update_xaxes(tickprefix="£", range=[0, (top if not formats.is_missing(top) else 1) * 1.25],
                     title_text=figures.wrapped(f"Planned pounds per registered resident, {period} (£)", 26))
    fig.update_layout(margin={"l": 16, "r": 24, "t": 44, "b": 84})  # room for both on their lines
    return fig, note


# --- cards ------------------------------------------------------------------------------------------

def _source(*extra: str) -> str:
    return sources.source_title(*SOURCES, *extra)


def _data_date(period: str, years: pd.DataFrame) -> str:
    returned = years.loc[years["hwbs_with_return"] > 0, "financial_year"]
    latest_return = returned.max() if not returned.empty else None
    if latest_return == period:
        return f"{period} (plans and year-end returns)"
    if latest_return:
        return f"{period} (plans) and {latest_return} (year-end returns)"
    return f"{period} (plans; no year-end return loaded)"


def _flows_card(selection: filters.Selection, params: dict, period: str, total) -> html.Section:
    flows = run_query("pooled_budget__flows", **params)
    if flows.empty:
        figure, table = figures.empty(f"No planned spend for {period} in the selection."), None
        level = "scheme type"
    else:
        level = str(flows["scheme_level"].iloc[0])
        figure = _sankey(flows, level)
        table_frame = flows.assign(
            step=flows["stage"].map({1: f"Source of funding to {level}", 2: f"{level.capitalize()} to provider"}),
            share=flows["planned_gbp"] / total if total else None)
        table = data_grid(f"{PAGE}-flows", table_frame, [
            column("step", header("pooled_budget__flows.step")), column("source_label", header("pooled_budget__flows.source_label"), minWidth=220, flex=2),
            column("target_label", header("pooled_budget__flows.target_label"), minWidth=220, flex=2),
            column("planned_gbp", header("pooled_budget__flows.planned_gbp"), "gbp"), column("share", header("pooled_budget__flows.share"), "percent"),
        ], caption=f"Planned BCF spend by source of funding, {level} and provider, {filters.describe(selection)}")
    grouped = " (grouped, because the plan has more than 10 scheme types)" if level == "scheme type group" else ""
    return chart_card(
        f"{PAGE}-flows", title=f"Where the planned money comes from and where it goes, {period}",
        units="Pounds (£) planned",
        description=(f"Each band is planned spend: from its source of funding (left), through the {level}{grouped} "
                     "(middle), to the kind of provider that delivers it (right); wider bands are more money."),
        figure=figure, table=table, source=_source(), data_date=f"{period} (plans)", area=filters.area_name(selection))


def _years_cards(selection: filters.Selection, years: pd.DataFrame, period: str) -> list:
    where = filters.describe(selection)
    if years.empty:
        message = f"No BCF plan is loaded for the selection up to {period}."
        return [no_data(message)]
    date = _data_date(period, years)
    planned_actual_table = data_grid(f"{PAGE}-planned-actual", years, [
        column("financial_year", header("pooled_budget__years.financial_year")), column("planned_gbp", header("pooled_budget__years.planned_gbp"), "gbp"),
        column("actual_gbp", header("pooled_budget__years.actual_gbp"), "gbp"), column("actual_to_planned", header("pooled_budget__years.actual_to_planned"), "percent"),
        column("hwbs_with_plan", header("pooled_budget__years.hwbs_with_plan"), "count"),
        column("hwbs_with_return", header("pooled_budget__years.hwbs_with_return"), "count"),
    ], caption=f"Planned and actual BCF spend by year, {where}")
    per_head_table = data_grid(f"{PAGE}-per-head", years, [
        column("financial_year", header("pooled_budget__years.financial_year")), column("residents", header("pooled_budget__years.residents"), "count"),
        column("planned_per_head_gbp", header("pooled_budget__years.planned_per_head_gbp"), "pence"),
        column("actual_per_head_gbp", header("pooled_budget__years.actual_per_head_gbp"), "pence"),
        column("residents_65_plus", header("pooled_budget__years.residents_65_plus"), "count"),
        column("planned_per_head_65_plus_gbp", header("pooled_budget__years.planned_per_head_65_plus_gbp"), "pence"),
        column("actual_per_head_65_plus_gbp", header("pooled_budget__years.actual_per_head_65_plus_gbp"), "pence"),
    ], caption=f"BCF spend per registered resident by year, {where}")
    share_table = data_grid(f"{PAGE}-social-care", years, [
        column("financial_year", header("pooled_budget__years.financial_year")), column("share_social_care", header("pooled_budget__years.share_social_care"), "percent"),
    ], caption=f"Share of planned BCF spend on social care by year, {where}")
    missing = years.loc[years["hwbs_with_return"] == 0, "financial_year"].tolist()
    gap_words = ""
    if missing:
        gap_words = (f" {' and '.join(missing)} {'has' if len(missing) == 1 else 'have'} no year-end return "
                     "loaded yet, so only the plan is shown.")
    return [
        chart_card(f"{PAGE}-planned-actual", title="Planned and actual spend, year by year", units="Pounds (£)",
                   description="Solid bars are the plan, hatched bars what the year-end return says was spent."
                   + gap_words,
                   figure=_planned_actual(years), table=planned_actual_table, source=_source(), data_date=date, area=filters.area_name(selection)),
        html.Div([
            chart_card(f"{PAGE}-per-head", title="Spend per resident, and per resident aged 65+",
                       units="Pounds (£) per registered resident",
                       description="Pounds divided by the residents registered with a GP in the HWB area; "
                                   "solid lines are planned, dotted lines with open markers actual.",
                       figure=_per_head(years), table=per_head_table, source=_source("registrations"),
                       data_date=date, area=filters.area_name(selection)),
            chart_card(f"{PAGE}-social-care", title="How much of the plan is for social care",
                       units="Share of planned pounds (%)",
                       description="Planned spend whose area of spend is social care, as a share of all planned spend.",
                       figure=_social_care_share(years), table=share_table, source=_source(),
                       data_date=f"{period} (plans)", area=filters.area_name(selection)),
        ], className="two-columns"),
    ]


def _hwbs_card(params: dict, period: str) -> html.Section:
    hwbs = run_query("pooled_budget__hwbs", **params)
    if hwbs.empty:
        return no_data(f"No HWB area has a BCF plan for {period} loaded.")
    figure, note = _hwb_comparison(hwbs, period)
    table_frame = hwbs.assign(selected=hwbs["is_selected"].map({True: "Yes", False: ""}))
    table = data_grid(f"{PAGE}-hwbs", table_frame, [
        column("per_head_rank", header("pooled_budget__hwbs.per_head_rank"), "count"), column("hwb_name", header("pooled_budget__hwbs.hwb_name"), minWidth=160),
        column("selected", header("pooled_budget__hwbs.selected")),
        column("planned_per_head_gbp", header("pooled_budget__hwbs.planned_per_head_gbp"), "pence"),
        column("planned_per_head_65_plus_gbp", header("pooled_budget__hwbs.planned_per_head_65_plus_gbp"), "pence"),
        column("share_social_care", header("pooled_budget__hwbs.share_social_care"), "percent"),
        column("planned_gbp", header("pooled_budget__hwbs.planned_gbp"), "gbp"), column("residents", header("pooled_budget__hwbs.residents"), "count"),
        column("actual_to_planned", header("pooled_budget__hwbs.actual_to_planned"), "percent"),
    ], caption=f"BCF planned spend per registered resident, every HWB area, {period}")
    selected = hwbs.loc[hwbs["is_selected"], "hwb_name"].tolist()
    marked = (f"The selected HWB area{'s are' if len(selected) > 1 else ' is'} in blue and marked ◀ selected. "
              if selected else "")
    return chart_card(
        f"{PAGE}-hwbs", title=f"Planned spend per resident in every HWB area, {period}",
        units="Pounds (£) planned per registered resident",
        description=marked + "The dashed line is the middle HWB area. " + note,
        figure=figure, table=table, source=_source("registrations"), data_date=f"{period} (plans)")


def _scheme_types_section(selection: filters.Selection, params: dict, period: str) -> html.Section:
    schemes = run_query("pooled_budget__scheme_types", **params)
    heading = html.H2(f"Planned and actual spend by scheme type, {period}", id=f"{PAGE}-schemes-title")
    if schemes.empty:
        return html.Section([heading, no_data(f"No scheme lines for {period} in the selection.")])
    grid = data_grid(f"{PAGE}-scheme-types", schemes, [
        column("scheme_type_group", header("pooled_budget__scheme_types.scheme_type_group"), minWidth=200, flex=2),
        column("scheme_type", header("pooled_budget__scheme_types.scheme_type"), minWidth=240, flex=2, wrap=True),
        column("scheme_lines", header("pooled_budget__scheme_types.scheme_lines"), "count"), column("planned_gbp", header("pooled_budget__scheme_types.planned_gbp"), "gbp"),
        column("actual_gbp", header("pooled_budget__scheme_types.actual_gbp"), "gbp"), column("actual_to_planned", header("pooled_budget__scheme_types.actual_to_planned"), "percent"),
        column("planned_not_in_return_gbp", header("pooled_budget__scheme_types.planned_not_in_return_gbp"), "gbp"),
        column("actual_not_in_plan_gbp", header("pooled_budget__scheme_types.actual_not_in_plan_gbp"), "gbp"),
    ], caption=f"BCF spend by scheme type, {filters.describe(selection)}", page_size=25)
    return html.Section([
        heading,
        html.P("Scheme types are named as in the year's national list and grouped so years can be compared. "
               "An empty actual means the year-end return has no figure for it, not that nothing was spent."),
        grid,
        html.P([html.Strong("Source: "), _source(), f". Data to {period}."], className="chart-source"),
    ], **{"aria-labelledby": f"{PAGE}-schemes-title"})


# --- spend beside outcomes -------------------------------------------------------------------------

ALL_SPEND = "all"  # the spend chooser's value for all planned spend (?spend= absent; a <select> ignores "")


def _spend_choice(asked, groups: pd.DataFrame) -> tuple[str | None, str]:
    """The scheme-type group asked for in ?spend=, if it has planned spend in the year, else all spend."""
    if not asked or asked == ALL_SPEND or asked in set(groups["scheme_group"]):
        return (None if asked == ALL_SPEND else asked) or None, ""
    return None, f"No HWB area plans spend on '{asked}' in the year, so all planned spend is shown."


def _per_choice(asked) -> str:
    return asked if asked in spend_outcomes.PER_HEAD else spend_outcomes.DEFAULT_PER_HEAD


def _spend_controls(groups: pd.DataFrame, spend: str | None, per: str, note: str) -> html.Div:
    spend_options = [{"label": "All planned BCF spend", "value": ALL_SPEND}] + [
        {"label": f"{group} ({formats.percent(share, 0)} of planned spend)", "value": group}
        for group, share in zip(groups["scheme_group"], groups["share_of_planned"])]
    per_options = [{"label": f"Per {words}", "value": value}
                   for value, (_, words, _) in spend_outcomes.PER_HEAD.items()]
    # native <select>s, as on Outcomes: Dash 4's dcc.Dropdown leaves a focusable aria-hidden input
    return html.Div([
        html.Div([html.Label("Spend", htmlFor=f"{PAGE}-spend", className="form-label"),
                  dbc.Select(id=f"{PAGE}-spend", options=spend_options, value=spend or ALL_SPEND)]),
        html.Div([html.Label("Per head of", htmlFor=f"{PAGE}-per", className="form-label"),
                  dbc.Select(id=f"{PAGE}-per", options=per_options, value=per)]),
        *([html.P(note, className="filter-note", role="status")] if note else []),
    ], className="measure-chooser", style={"display": "grid", "gap": "0.75rem", "marginBottom": "1rem",
                                           "gridTemplateColumns": "repeat(auto-fit, minmax(min(100%, 16rem), 1fr))"})


def _comparator_words(frame: pd.DataFrame) -> str:
    """Who the comparators are: the selection's similar areas, or its ICB's other councils when it has none."""
    this_year = frame[frame["is_period"]]
    names = _names(", ".join(this_year.loc[this_year["is_comparator"].astype(bool), "hwb_name"]))
    if (this_year["comparator_basis"] == "similar areas").any():
        return f"similar areas, the councils most like the selection (nearest neighbours): {names}"
    icbs = this_year.loc[this_year["is_selected"].astype(bool), "icb_name"].dropna().unique().tolist()
    where = _names(", ".join(icbs)) if icbs else "the same ICB"
    return (f"the other councils in {where}: the selection has no similar areas in the data, so the councils of its "
            f"ICB stand in ({names})")


def _spend_outcomes_section(selection: filters.Selection, params: dict, period: str, query: dict) -> html.Section:
    groups = run_query("pooled_budget__spend_groups", **params)
    spend, note = _spend_choice(query.get("spend"), groups)
    per = _per_choice(query.get("per"))
    frame = run_query("pooled_budget__spend_outcomes", **params, scheme_group=spend)
    heading = html.H2(["Spend beside outcomes, every ", term("HWB"), f" area, {period}"],
                      id=f"{PAGE}-spend-outcomes-heading")
    if frame.empty or not frame["is_period"].any():
        return html.Section([heading, no_data(f"No HWB area has a BCF plan for {period} loaded.")])
    previous = formats.financial_year(pd.Timestamp(int(period[:4]) - 1, 4, 1))
    spend_words = f"on {spend.lower()}" if spend else "all of it"
    return html.Section([
        heading,
        html.P("Better Care Fund plans aim to cut emergency admissions and permanent admissions to care homes, and "
               "to keep older people at home after reablement. Each point is an HWB area: its planned spend per "
               "head across, an outcome up."),
        spend_outcomes.card(
            f"{PAGE}-spend-outcomes", frame, per=per, spend_words=spend_words, period=period, previous=previous,
            comparator_words=_comparator_words(frame), source=_source("registrations", "sus_activity", "ascof"),
            area=filters.area_name(selection), controls=_spend_controls(groups, spend, per, note)),
    ], **{"aria-labelledby": f"{PAGE}-spend-outcomes-heading"})


@dash.callback(
    Output("url", "search", allow_duplicate=True),
    Input(f"{PAGE}-spend", "value"),
    Input(f"{PAGE}-per", "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def spend_choice_in_address(spend, per, search):
    """The spend and population chosen go into the address (?spend=, ?per=), which draws the page for them:
    a reload or a copied link shows the same chart."""
    asked = filters.parse_search(search)
    spend = None if spend == ALL_SPEND else spend
    per = None if per == spend_outcomes.DEFAULT_PER_HEAD else per
    if spend == asked.get("spend") and per == asked.get("per"):
        raise dash.exceptions.PreventUpdate
    return filters.with_page_state(search, spend=spend, per=per)


# --- the page ---------------------------------------------------------------------------------------

def _intro(selection: filters.Selection, row: pd.Series | None) -> html.P:
    where = filters.describe(selection)
    words = ["The ", term("Better Care Fund", "BCF"), " pools NHS and council money under each ",
             term("health and wellbeing board (HWB)", "HWB"), f". This page shows {where}"]
    if row is not None and row["hwb_names"]:
        words.append(f": the BCF plan of {_names(row['hwb_names'])}.")
    else:
        words.append(".")
    return html.P(words, className="lead")


def _no_plan_message(row: pd.Series, years: pd.DataFrame, period: str) -> str:
    """Why there is nothing to show: no HWB of the selection has a plan at all, or none for this year."""
    if _count(row["councils_selected"]) == 0:
        return ("No social care council in England matches the selection, so there is no BCF plan to show: "
                "choose a council, or a practice in England.")
    councils = _names(row["councils_without_plan"])
    if years.empty:
        return (f"No BCF plan is loaded for {councils}. If the council has a plan, add its planning template "
                "to the raw folder and rebuild; or choose another council.")
    loaded = years["financial_year"].tolist()
    span = loaded[0] if len(loaded) == 1 else f"{loaded[0]} to {loaded[-1]}"
    return (f"No BCF plan for {period} is loaded for {councils}. Plans are loaded for {span}: "
            "choose one of those years.")


def layout(**query) -> html.Div:
    selection, note = filters.for_page(query, SHOWS)
    title = html.Div([html.H1("Pooled budget: the Better Care Fund"), *period_note(note)])
    if not any(sources.is_loaded(key) for key in SOURCES):
        return html.Div([title, no_data(
            "No Better Care Fund plans or year-end returns have been loaded. Put the BCF planning templates "
            "and end-of-year returns in the raw folder and run `jointcare build` to see this page.")])
    params = selection.params()
    period = params["period"]
    if not period:
        return html.Div([title, no_data("The warehouse has no financial years to show yet.")])
    row = run_query("pooled_budget__headline", **params).iloc[0]
    content: list = [title, _intro(selection, row)]
    if not sources.is_loaded("bcf_plan"):
        content.append(no_data("No BCF plans are loaded, only year-end returns: planned spend and per-head "
                               "figures need the planning templates."))
    if int(row["hwbs_with_plan"]) == 0:
        all_years = run_query("pooled_budget__years", **selection.area_params())
        content.append(no_data(_no_plan_message(row, all_years, period)))
        content += _later_parts(selection, query, ("hwbs", "spend"))
        return html.Div(content)
    if row["councils_without_plan"]:
        content.append(html.P(f"No BCF plan for {period} is loaded for {_names(row['councils_without_plan'])}, "
                              "so the figures below leave it out.", className="alert alert-secondary", role="status"))
    note = _return_note(row, period)
    content += [
        html.H2(f"How much is planned and spent, {period}"),
        # six tiles in one row on a wide screen, not five and one
        html.Div(_headlines(row, period), className="headlines", id=f"{PAGE}-headlines",
                 style={"gridTemplateColumns": "repeat(auto-fit, minmax(11rem, 1fr))"}),
        *([note] if note is not None else []),
        html.H2("Where the money goes"),
        _flows_card(selection, params, period, row["planned_gbp"]),
        *_later_parts(selection, query, tuple(LATER_PARTS)),
    ]
    return html.Div(content)


def _later_parts(selection: filters.Selection, query: dict, parts: tuple[str, ...]) -> list:
    """Where the parts below the flows go: they arrive in responses of their own
    (components/later.py), with the selection and the spend chart's choices."""
    state = {**selection.browser_state(), **{key: query[key] for key in ("spend", "per")
                                             if isinstance(query.get(key), str)}}
    return [later.later(PAGE, part, state, what=LATER_PARTS[part][0]) for part in parts]


def _draw_later(part: str, state: dict) -> object:
    """A part below the flows, from the state its placeholder carried (user input: the spend
    chart's choices are checked by its own rules, _spend_choice and _per_choice)."""
    selection = filters.Selection.from_browser(state)
    params = selection.params()
    if part not in LATER_PARTS or not params["period"]:
        return later.not_drawn()
    return LATER_PARTS[part][1](selection, params, params["period"], state)


def _years_part(selection: filters.Selection, params: dict, period: str, query: dict) -> list:
    years = run_query("pooled_budget__years", **selection.area_params())
    years = years[years["financial_year"] <= period].reset_index(drop=True)
    return [html.H2(f"Year by year, to {period}"), *_years_cards(selection, years, period)]


def _hwbs_part(selection: filters.Selection, params: dict, period: str, query: dict) -> list:
    return [html.H2(["Compared with other ", term("HWB"), f" areas, {period}"]), _hwbs_card(params, period)]


# The parts drawn after the flows (components/later.py): what each is called on its way, and how
# it is drawn from the selection, its parameters, the year and the page's own choices
LATER_PARTS = {
    "years": ("the years' charts", _years_part),
    "hwbs": ("the comparison with other HWB areas", _hwbs_part),
    "spend": ("spend beside outcomes", _spend_outcomes_section),
    "schemes": ("spend by scheme type",
                lambda selection, params, period, query: _scheme_types_section(selection, params, period)),
}
later.register(PAGE, _draw_later)
