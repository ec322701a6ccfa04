"""Better Care Fund spend per head beside the outcomes it is meant to move: one scatter per outcome
(small multiples that sit side by side on a wide screen and one under another on a phone), every HWB
area a point, the selected area and its comparators marked by shape as well as colour, and an arrow
from each marked area's point in the year before.

What it shows is an association between areas, and the card says so in words (ASSOCIATION): areas
differ in need, prices and what else they fund, so a slope across areas is not what a pound more
would buy. The rows are pooled_budget__spend_outcomes's (which outcomes, how per head is counted and
who the comparators are are decided there); this module only draws them.
"""

from __future__ import annotations

import html as html_text

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import formats
from dashboard.catalogue import header, label
from dashboard.components import figures
from dashboard.components.figures import graph_config, styled
from dashboard.components.tables import column, data_grid
from dashboard.file_names import image_stem
from dashboard.palette import NHS_BLACK, SPEND_OUTCOME_MARKS, SPEND_OUTCOME_SYMBOLS

QUERY = "pooled_budget__spend_outcomes"
ASSOCIATION = ("Areas that spend more per head are not shown to have better outcomes because of that spending: "
               "this compares areas, it does not measure the effect of spending.")
# The outcomes, in the query's columns, with the direction that is better (said under each panel).
OUTCOMES = (
    ("emergency_admissions", "Lower is better."),
    ("admissions_65_plus", "Lower is better."),
    ("at_home_91_days", "Higher is better."),
)
# Whose heads "per head" counts: the choice on the page (?per=), its column and its words.
PER_HEAD = {
    "all": ("per_head_gbp", "registered resident", "registered with a GP (all ages)"),
    "65": ("per_head_65_plus_gbp", "registered resident aged 65+", "registered with a GP and aged 65 and over"),
}
DEFAULT_PER_HEAD = "all"
# With no area selected nothing is marked; below this many HWB areas every one still gets its arrow.
ARROWS_FOR_ALL_UP_TO = 12
NAME_SELECTED_UP_TO = 3  # name the selected areas on the chart when there are no more than this (more collide)
PREVIOUS_SIZE, CURRENT_SIZE = 8, {"selected": 15, "comparator": 11, "other": 9}


def population_words(per: str) -> str:
    """Which population a per-head figure divides by, the same on the chart, in the table and on Data and
    methods: the registrations release mart_bcf_summary uses (int_council_year__population)."""
    return (f"Per head counts the HWB area's residents {PER_HEAD[per][2]}, from the registrations release in force on "
            "1 October of each financial year (the latest published by then; the earliest loaded for a year "
            "before it).")


def method_words() -> str:
    """The method as Data and methods states it."""
    return ("Spend beside outcomes (Pooled budget) sets each HWB area's planned BCF spend per head, all of it or "
            "one scheme-type group's, against emergency admissions (apportioned from practices by where their "
            "patients live), permanent admissions to care homes aged 65+ and older people at home 91 days after "
            "reablement (both ASCOF, as the councils published them). Per head divides by all residents "
            "registered with a GP in the area, or (a choice on the page) by those aged 65 and over, from the "
            "registrations release in force on 1 October of each financial year. The selected area's "
            "comparators are its similar areas (its nearest neighbours); an area with none is compared with the "
            "other councils of its ICB (the ICB whose practices hold most of its registered residents). "
            + ASSOCIATION)


def kinds(frame: pd.DataFrame) -> pd.Series:
    """selected, comparator or other, per row."""
    return pd.Series(np.select([frame["is_selected"].astype(bool), frame["is_comparator"].astype(bool)],
                               ["selected", "comparator"], "other"), index=frame.index)


def _hover(frame: pd.DataFrame, x: str, y: str, per: str) -> list[str]:
    unit = header(f"{QUERY}.{y}")
    # plotly renders hover text as HTML: a name is escaped
    return [f"{html_text.escape(name)}, {year}: {formats.by_kind(spend, 'pence')} per {PER_HEAD[per][1]}; "
            f"{unit}: {formats.number(value)}"
            for name, year, spend, value in zip(frame["hwb_name"], frame["financial_year"], frame[x], frame[y])]


def scatter(frame: pd.DataFrame, outcome: str, per: str, period: str) -> go.Figure:
    """One outcome against spend per head: this year's points by kind, last year's open, arrows between."""
    x = PER_HEAD[per][0]
    outcome_label = label(f"{QUERY}.{outcome}")
    rows = frame.assign(kind=kinds(frame))
    current = rows[rows["is_period"] & rows[x].notna() & rows[outcome].notna()]
    if current.empty:
        # on lines a phone-width panel holds: an annotation does not wrap
        return figures.empty(figures.wrapped(f"No figures for {period} are loaded for this outcome.", 30),
                             height=320)
    previous = rows[~rows["is_period"] & rows[x].notna() & rows[outcome].notna()]
    has_marks = current["kind"].ne("other").any()
    arrowed = (current["kind"].ne("other") if has_marks
               else pd.Series(len(current) <= ARROWS_FOR_ALL_UP_TO, index=current.index))
    pairs = current[arrowed].merge(previous[["hwb_code", x, outcome]], on="hwb_code", suffixes=("", "_before"))
    named = current["kind"].eq("selected").sum() <= NAME_SELECTED_UP_TO
    # Traces and arrows gathered first and the figure made once: plotly checks what it is given either
    # way, but add_trace and update_layout one at a time cost about a third of this part's time.
    traces = []
    for kind in ("other", "comparator", "selected"):  # the selected drawn last, on top
        mark = SPEND_OUTCOME_MARKS[kind]
        these_before = previous[previous["hwb_code"].isin(pairs.loc[pairs["kind"] == kind, "hwb_code"])]
        if not these_before.empty:
            traces.append(go.Scatter(
                x=these_before[x], y=these_before[outcome], mode="markers", name=f"{mark.words}, year before",
                # open, smaller and fainter: an other area's mark is open already
                marker={"symbol": mark.shape.removesuffix("-open") + "-open", "size": PREVIOUS_SIZE,
                        "color": mark.colour, "line": {"width": 1.5}, "opacity": 0.7},
                customdata=_hover(these_before, x, outcome, per), hovertemplate="%{customdata}<extra></extra>"))
        these = current[current["kind"] == kind]
        if these.empty:
            continue
        text = these["hwb_name"] if kind == "selected" and named else None
        traces.append(go.Scatter(
            x=these[x], y=these[outcome], mode="markers+text" if text is not None else "markers", name=mark.words,
            text=text, textposition="top center", textfont={"size": 12, "color": mark.colour}, cliponaxis=False,
            marker={"symbol": mark.shape, "size": CURRENT_SIZE[kind], "color": mark.colour,
                    "line": {"color": NHS_BLACK if kind == "selected" else mark.colour, "width": 1.5}},
            customdata=_hover(these, x, outcome, per), hovertemplate="%{customdata}<extra></extra>"))
    # one arrow per marked area (the selection and its comparators), from the year before
    arrows = [{"x": getattr(pair, x), "y": getattr(pair, outcome), "ax": getattr(pair, f"{x}_before"),
               "ay": getattr(pair, f"{outcome}_before"), "xref": "x", "yref": "y", "axref": "x", "ayref": "y",
               "showarrow": True, "arrowhead": 2, "arrowsize": 1, "arrowwidth": 1.5, "standoff": 6, "text": "",
               "arrowcolor": SPEND_OUTCOME_MARKS[pair.kind].colour}
              for pair in pairs.itertuples()]
    fig = styled(go.Figure(data=traces, layout={"annotations": arrows}), y_title=figures.wrapped(outcome_label, 34),
                 height=340, legend=False)
    # the axis starts where the areas do, not at £0: a scatter compares positions, not lengths
    x_title = figures.wrapped(f"Planned £ per {PER_HEAD[per][1]}", 26)  # on lines a phone's panel can hold
    fig.update_layout(xaxis={"tickprefix": "£", "tickformat": ",.0f", "title": {"text": x_title}},
                      margin={"l": 72, "r": 24, "t": 24, "b": 64})
    return fig


def key(frame: pd.DataFrame, period: str, previous: str, comparator_words: str) -> html.P:
    """What each mark means, in words beside its shape in its colour (the charts draw no legend of their own)."""
    rows = frame[frame["is_period"]]
    selected = rows.loc[rows["is_selected"].astype(bool), "hwb_name"].tolist()
    parts = []

    def item(kind: str, words: str) -> html.Span:
        mark = SPEND_OUTCOME_MARKS[kind]
        symbol = html.Span(SPEND_OUTCOME_SYMBOLS[kind], style={"color": mark.colour}, **{"aria-hidden": "true"})
        return html.Span([symbol, " " + words], className="me-3")

    if selected:
        parts.append(item("selected", f"{', '.join(selected)} (selected)"))
    if rows["is_comparator"].astype(bool).any():
        parts.append(item("comparator", comparator_words))
    parts.append(item("other", "other HWB areas"))
    words = [] if selected else ["Choose a council in the filters to mark it and its comparators."]
    if frame["is_period"].all():
        words.append(f"No plan for {previous} is loaded, so there is no change to show.")
    elif selected or len(rows) <= ARROWS_FOR_ALL_UP_TO:
        who = "each marked area's" if selected else "each area's"
        words.append(f"Arrows run from {who} point in {previous} (an open mark) to {period}.")
    else:
        words.append(f"Choose a council to see how it and its comparators moved since {previous}.")
    return html.P([*parts, " ".join(words)], className="chart-key")


def table(grid_id: str, frame: pd.DataFrame, caption: str) -> html.Div:
    shown = frame.assign(selected=kinds(frame).map({"selected": "Yes", "comparator": "Comparator", "other": ""}))
    shown = shown.sort_values(["is_period", "hwb_name"], ascending=[False, True])

    def col(field: str, kind: str = "text", **extra) -> dict:
        return column(field, header(f"{QUERY}.{field}"), kind, **extra)

    return data_grid(grid_id, shown, [
        col("hwb_name", minWidth=150), col("financial_year"), col("selected"), col("icb_name", minWidth=160, wrap=True),
        col("planned_gbp", "gbp"), col("residents", "count"), col("per_head_gbp", "pence"),
        col("residents_65_plus", "count"), col("per_head_65_plus_gbp", "pence"), col("population_release", "date"),
        col("emergency_admissions", "rate"), col("emergency_admission_months", "count"),
        col("admissions_65_plus", "rate"), col("at_home_91_days", "number"),
    ], caption=caption)


def panels(card_id: str, frame: pd.DataFrame, *, per: str, period: str, area: str) -> html.Div:
    """The small multiples: a titled scatter per outcome, side by side as the width allows."""
    boxes = []
    for outcome, better in OUTCOMES:
        heading_id = f"{card_id}-{outcome}-title"
        figure = scatter(frame, outcome, per, period)
        this_year = frame[frame["is_period"] & frame[PER_HEAD[per][0]].notna()]
        missing = int(this_year[outcome].isna().sum())
        note = (f" {missing} of {len(this_year)} HWB areas have no figure for {period} and are not drawn."
                if missing else "")
        boxes.append(html.Div([
            html.H4(label(f"{QUERY}.{outcome}"), id=heading_id, className="chart-title h6"),
            html.P(better + note, className="chart-units"),
            html.Div(dcc.Graph(id=f"{card_id}-{outcome}", figure=figure, className="chart",
                               config=graph_config(figure, image_stem(area, label(f"{QUERY}.{outcome}")))),
                     role="figure", **{"aria-labelledby": heading_id}),
        ], className="small-multiple"))
    # each panel at least 17rem wide (or the whole width on a phone), as many to a row as fit
    return html.Div(boxes, className="small-multiples",
                    style={"display": "grid", "gap": "1rem",
                           "gridTemplateColumns": "repeat(auto-fit, minmax(min(100%, 17rem), 1fr))"})


def card(card_id: str, frame: pd.DataFrame, *, per: str, spend_words: str, period: str, previous: str,
         comparator_words: str, source: str, area: str, controls: html.Div | None = None) -> html.Section:
    """The titled card: the association sentence, the key, the three scatters, the table and the source."""
    heading_id = f"{card_id}-title"
    units = (f"Planned pounds ({spend_words}) per {PER_HEAD[per][1]}, across; each outcome up. "
             + population_words(per))
    parts = [
        html.H3(f"Spend per head beside outcomes, every HWB area, {period}", id=heading_id, className="chart-title"),
        html.P(units, className="chart-units", id=f"{card_id}-population"),
        html.P([html.Strong("An association, not an effect. "), ASSOCIATION], className="alert alert-info",
               id=f"{card_id}-association"),
        *([controls] if controls is not None else []),
        key(frame, period, previous, comparator_words),
        panels(card_id, frame, per=per, period=period, area=area),
        html.Details([html.Summary("Show the data as a table"),
                      table(card_id, frame, f"BCF planned spend per head ({spend_words}) and outcomes, every HWB "
                                            f"area, {previous} and {period}")], className="chart-table"),
        html.P([html.Strong("Source: "), source, f". Data to {period}."], className="chart-source"),
    ]
    return html.Section(parts, className="chart-card", id=f"{card_id}-card", **{"aria-labelledby": heading_id})
