"""Funnel plots of practices (PHE method) for any page: rates (Poisson) and proportions (Wilson).

The statistics are etl/stats/funnels.py's and intervals.py's; this module lays them out. The comparator
is the pooled value of the practices shown (all their numerators over all their denominators). The
95% and 99.8% limits are computed on a grid of GRID_POINTS denominators spanning the practices, not
per point, so the figure stays the same size whether it shows 10 practices or England's 6,300.

Significance is drawn by shape AND colour, the same everywhere:

    above the 99.8% limit  filled triangle-up     above the 95% limit  open triangle-up
    within the limits      open grey circle
    below the 95% limit    open triangle-down     below the 99.8% limit  filled triangle-down

Colour follows the measure's direction where it has one (better blue, worse orange); the selected
practices get a black ring and, when there are few, their names.

Overdispersion: when the practices differ by more than chance (Spiegelhalter's test, funnels.overdispersion)
the limits drawn, the marks, the counts in the card's text and the table's "Against the limits shown" are
all the widened random-effects ones, so what a reader counts on the chart is what the text says. PHE's
plain limits stay one click away (legend entries hidden until clicked) and in a table column of their own;
that column is sent only for a widened funnel, so an unwidened table is no bigger than before.

Small numbers (dashboard/suppression.py): a practice whose count is hidden ("<5", or "[c]" to
protect another) is listed in the table with its count, value, interval and significance hidden, and is
not drawn. A point at (denominator, value) gives its count back (value x denominator), whatever its hover
says, so, as Fingertips does not publish a value worked out from a suppressed count, it is left off the
chart. It still counts in the comparator and the limits (statistics of all the practices, which reveal
no one practice), and the comparator, printed beside every denominator, is treated as a printed total:
enough other counts are hidden that it pins none of them. The card says how many practices are not drawn,
and its counts of practices outside the limits are of those drawn.
"""

from __future__ import annotations

import html as html_text
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html

from dashboard import formats, suppression
from dashboard.catalogue import header
from dashboard.components.cards import chart_card, no_data
from dashboard.components.figures import styled
from dashboard.components.tables import column, data_grid
from dashboard.palette import BETTER_SIDE, FUNNEL_SHAPES, NHS_BLACK, NHS_DARK_GREY, NHS_MID_GREY, funnel_colour
from etl.stats import funnels, intervals

GRID_POINTS = 100
GL_FROM = 1000  # scattergl above this many practices (the house rule for large scatters)
LABEL_AT_MOST = 8  # name the selected practices on the chart when there are no more than this
# significance label -> its words (the shape and colour are dashboard/palette.py's FUNNEL_SHAPES)
WORDS = {
    funnels.ABOVE_998: "Higher than expected: above the 99.8% limit",
    funnels.ABOVE_95: "Higher than expected: above the 95% limit",
    funnels.WITHIN: "Within the limits: no significant difference",
    funnels.BELOW_95: "Lower than expected: below the 95% limit",
    funnels.BELOW_998: "Lower than expected: below the 99.8% limit",
}


def significance_words(label: str, polarity: str | None) -> str:
    """'Higher than expected: above the 99.8% limit (worse)'."""
    _, side = FUNNEL_SHAPES[label]
    better = BETTER_SIDE.get(str(polarity))
    if side == 0 or better is None:
        return WORDS[label]
    return f"{WORDS[label]} ({'better' if side == better else 'worse'})"


SHORT = {funnels.WITHIN: "Within the limits", funnels.ABOVE_95: "Above the 95% limit",
         funnels.ABOVE_998: "Above the 99.8% limit", funnels.BELOW_95: "Below the 95% limit",
         funnels.BELOW_998: "Below the 99.8% limit"}


def short_words(label: str, polarity: str | None) -> str:
    """The significance for a table cell: 'Above the 99.8% limit (worse)' (6,300 of them must stay small)."""
    _, side = FUNNEL_SHAPES[label]
    better = BETTER_SIDE.get(str(polarity))
    if side == 0 or better is None:
        return SHORT[label]
    return f"{SHORT[label]} ({'better' if side == better else 'worse'})"


def _grid(denominators: np.ndarray) -> np.ndarray:
    low, high = float(denominators.min()), float(denominators.max())
    low, high = low * 0.9, high * 1.1
    return np.geomspace(low, high, GRID_POINTS)


def funnel_frame(frame: pd.DataFrame, *, kind: str, scale: float) -> tuple[pd.DataFrame, dict]:
    """Each practice's value, 95% CI and significance, and the limit lines on a grid of denominators.

    frame: code, name, num, den, selected. kind: "rate" (Poisson: Byar / exact) or "proportion" (Wilson).
    scale: what a per-one value is multiplied by for display (1,000 for per 1,000; 100 for per cent).
    """
    points = frame[frame["den"] > 0].copy()
    num, den = points["num"].to_numpy(float), points["den"].to_numpy(float)
    comparator = funnels.pooled(num, den)
    grid = _grid(den)
    if kind == "proportion":
        plain_significance = funnels.proportion_significance(num, den, comparator)
        low, high = intervals.wilson(num, den, 0.95)
        points["method"] = intervals.WILSON
        plain_limits = funnels.proportion_limits
    else:
        plain_significance = funnels.rate_significance(num, den, comparator)
        low, high = intervals.rate(num, den, 0.95)
        points["method"] = intervals.poisson_method(num)
        plain_limits = funnels.rate_limits
    overdispersion = funnels.overdispersion(num, den, comparator, funnels.PROPORTION if kind == "proportion"
                                            else funnels.RATE)
    # "overdispersion" and the lower_/upper_ limits are what the chart shows (PHE's unless widened);
    # plain_lower_/plain_upper_ are PHE's, present only when they differ from those shown
    lines = {"den": grid, "comparator": comparator * scale, "overdispersion": overdispersion}
    for level in funnels.LEVELS:
        lower, upper = overdispersion.limits(grid, level)
        lines[f"lower_{level}"], lines[f"upper_{level}"] = lower * scale, upper * scale
        if overdispersion.widened:
            lower, upper = plain_limits(grid, comparator, level)
            lines[f"plain_lower_{level}"], lines[f"plain_upper_{level}"] = lower * scale, upper * scale
    points["value"] = num / den * scale
    points["low"], points["high"] = np.asarray(low) * scale, np.asarray(high) * scale
    points["significance"] = overdispersion.significance(num, den) if overdispersion.widened else plain_significance
    points["plain_significance"] = plain_significance
    return points, lines


def funnel_figure(points: pd.DataFrame, lines: dict, *, polarity: str | None, x_title: str, y_title: str,
                  hover_unit: str, x_hover: str) -> go.Figure:
    """Points by significance (shape and colour), comparator, 95% (dashed) and 99.8% (dotted) limits."""
    large = len(points) > GL_FROM
    scatter = go.Scattergl if large else go.Scatter
    # at England scale the hover names the practice by code only, and positions go as 32-bit floats:
    # the figure stays ~0.15 MB instead of ~0.4 MB (names are in the table)
    who = "<b>%{customdata[0]}</b>" if large else "<b>%{customdata[0]}</b> (%{customdata[1]})"
    value = formats.hover_rate(hover_unit)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=lines["den"], y=np.full(len(lines["den"]), lines["comparator"]), mode="lines",
                             name=f"Comparator: all shown ({formats.number(lines['comparator'], 1)})", hoverinfo="skip",
                             line={"color": NHS_BLACK, "width": 1.5}))
    widened = lines["overdispersion"].widened
    limit_sets = [("", " (widened for overdispersion)" if widened else "", NHS_DARK_GREY, True)]
    if widened:
        # PHE's plain limits one click away: in the legend, drawn only when the reader clicks them
        limit_sets.append(("plain_", ", plain PHE", NHS_MID_GREY, "legendonly"))
    for prefix, suffix, colour, visible in limit_sets:
        for level, dash_style, name in ((0.95, "dash", "95% limits"), (0.998, "dot", "99.8% limits")):
            for side in ("upper", "lower"):
                fig.add_trace(go.Scatter(x=lines["den"], y=lines[f"{prefix}{side}_{level}"], mode="lines",
                                         name=name + suffix, showlegend=side == "upper", legendgroup=name + suffix,
                                         hoverinfo="skip", visible=visible,
                                         line={"color": colour, "dash": dash_style, "width": 1.5}))
    for label, (symbol, side) in FUNNEL_SHAPES.items():
        rows = points[points["significance"] == label]
        if rows.empty:
            continue
        colour = funnel_colour(side, polarity)
        dtype = np.float32 if large else float
        fig.add_trace(scatter(
            x=rows["den"].to_numpy(dtype), y=rows["value"].to_numpy(dtype), mode="markers",
            name=significance_words(label, polarity),
            marker={"symbol": symbol, "size": 9, "color": colour,
                    "line": {"color": colour if symbol.endswith("open") else NHS_BLACK, "width": 1.5}},
            customdata=rows[["code"] if large else ["name", "code"]].to_numpy(dtype=object),
            hovertemplate=(f"{who}<br>{value}<br>{x_hover}: {formats.hover('count', 'x')}"
                           f"<br>{html_text.escape(significance_words(label, polarity))}<extra></extra>")))
    chosen = points[points["selected"].astype(bool)]
    if 0 < len(chosen) < len(points):
        labelled = len(chosen) <= LABEL_AT_MOST
        fig.add_trace(go.Scatter(
            x=chosen["den"], y=chosen["value"], mode="markers+text" if labelled else "markers",
            name="Selected practice" + ("s" if len(chosen) > 1 else ""),
            text=[str(name).title() for name in chosen["name"]] if labelled else None,
            textposition="top center", textfont={"size": 12, "color": NHS_BLACK},
            marker={"symbol": "circle-open", "size": 18, "color": NHS_BLACK, "line": {"width": 2.5}},
            hoverinfo="skip"))
    styled(fig, x_title=x_title, y_title=y_title, height=440)
    fig.update_xaxes(type="log", tickformat=",")
    fig.update_yaxes(rangemode="tozero", tickformat=",")
    return fig


def table_rows(points: pd.DataFrame, polarity: str | None) -> pd.DataFrame:
    """The rows of the table behind a funnel: rounded, so 6,300 of them stay small."""
    rows = points.assign(
        significance_words=[short_words(label, polarity) for label in points["significance"]],
        plain_significance_words=[short_words(label, polarity) for label in points["plain_significance"]],
        selected_words=np.where(points["selected"].astype(bool), "Yes", ""))
    for field in ("num", "den"):
        rows[field] = rows[field].round(1)
    for field in ("value", "low", "high"):
        rows[field] = rows[field].round(2)
    return rows.sort_values("value", ascending=False)


# The table's columns worked out from a practice's count, hidden with it
DERIVED = ["value", "low", "high", "method", "significance_words", "plain_significance_words"]


def suppressed_rows(points: pd.DataFrame, polarity: str | None, kind: str) -> tuple[pd.DataFrame, bool]:
    """The table's rows with small counts hidden (and a second count where the comparator would give one
    back), and whether the comparator would still give a count away."""
    return suppression.suppress_rates(table_rows(points, polarity), count="num", denominator="den",
                                      derived=DERIVED, total_shown=True, complement=kind == "proportion")


def drawn(points: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """The practices that may be drawn: those whose count is shown."""
    hidden = rows.index[rows["num"].map(suppression.is_suppressed) | rows["den"].map(suppression.is_suppressed)]
    return points.drop(index=hidden)


def table_columns(kind: str, *, query: str, value_unit: str | None = None, widened: bool = False) -> list[dict]:
    """The table's columns, their words from the contract of the query whose rows are drawn
    (dashboard/queries/<query>.yml); value_unit: the measure's unit of a rate, which only the page knows.
    widened (the funnel's limits were widened for overdispersion) adds the significance against PHE's
    plain limits beside that against the limits shown."""
    method = intervals.WILSON if kind == "proportion" else (f"{intervals.BYAR}; {intervals.EXACT_POISSON} below "
                                                            f"{intervals.BYAR_FROM} events")
    significance = "widened_significance_words" if widened else "significance_words"
    return [
        column("name", header(f"{query}.name"), minWidth=200, wrap=True, flex=2),
        column("code", header(f"{query}.code")),
        column("num", header(f"{query}.num"), "number"), column("den", header(f"{query}.den"), "number"),
        column("value", header(f"{query}.value", value_unit), "number"),
        column("low", header(f"{query}.low", method), "number"),
        column("high", header(f"{query}.high", method), "number"), column("method", header(f"{query}.method")),
        column("significance_words", header(f"{query}.{significance}"), minWidth=220, wrap=True),
        *([column("plain_significance_words", header(f"{query}.plain_significance_words"), minWidth=220, wrap=True)]
          if widened else []),
        column("selected_words", header(f"{query}.selected_words")),
    ]


def funnel_card(card_id: str, frame: pd.DataFrame, *, kind: str, scale: float, polarity: str | None, title: str,
                units: str, x_title: str, x_hover: str, y_title: str, hover_unit: str, query: str,
                source: str, data_date: str, scope: str, value_unit: str | None = None,
                table_request: dict | None = None, area: str | None = None) -> html.Section | html.Div:
    """A chart card with the funnel and its table; or why there is none.

    query: the named query whose rows frame holds; its contract names the table's columns. value_unit: the
    measure's unit of a rate ("per 1,000 patients"), added to the value's header.

    table_request: what the page's callback needs to rebuild the rows. Given, and with more than GL_FROM
    practices, the table's rows are sent when the reader asks for them (a second response), so neither
    response passes the 1.5 MB budget at England scale.
    """
    usable = frame[frame["den"] > 0]
    if len(usable) < 2:
        return no_data(f"A funnel plot needs at least two practices with a denominator; {scope} has "
                       f"{len(usable)}.")
    if float(usable["num"].sum()) <= 0:
        return no_data(f"No practice in {scope} counted any events, so there is no rate to compare them with.")
    points, lines = funnel_frame(frame, kind=kind, scale=scale)
    rows, comparator_reveals = suppressed_rows(points, polarity, kind)
    if comparator_reveals:
        return no_data(f"The practices in {scope} have so few events that a funnel plot would give a count of "
                       f"fewer than {suppression.THRESHOLD} away, so none is drawn ({suppression.RULE})")
    shown_points = drawn(points, rows)
    figure = funnel_figure(shown_points, lines, polarity=polarity, x_title=x_title, y_title=y_title,
                           hover_unit=hover_unit, x_hover=x_hover)
    overdispersion = lines["overdispersion"]
    columns = table_columns(kind, query=query, value_unit=value_unit, widened=overdispersion.widened)
    caption = f"{title}: each practice's value, 95% confidence interval and significance"
    if table_request is not None and len(points) > GL_FROM:
        table = html.Div([
            html.P(f"The table holds {formats.count(len(points))} practices, so it is loaded when you ask for it."),
            html.Button(f"Load the table of {formats.count(len(points))} practices", id=f"{card_id}-load-table",
                        n_clicks=0, className="btn btn-outline-primary btn-sm"),
            dcc.Store(id=f"{card_id}-table-request", data=table_request),
            data_grid(f"{card_id}-table", rows.head(0), columns, caption=caption, page_size=20),
        ])
    else:
        table = data_grid(f"{card_id}-table", rows, columns, caption=caption, page_size=20)
    outside_95, outside_998 = _outside(shown_points["significance"])
    not_drawn = len(points) - len(shown_points)
    shown = "widened " if overdispersion.widened else ""
    description = (f"{formats.count(len(points))} practices in {scope}; the comparator is their pooled value, "
                   f"{formats.number(lines['comparator'], 1)}. {_not_drawn_words(not_drawn)}"
                   f"{formats.count(outside_95)} lie outside the {shown}95% limits "
                   f"({formats.count(outside_998)} outside the {shown}99.8% limits). Smaller practices vary more by "
                   "chance, so their limits are wider. "
                   f"{_overdispersion_words(overdispersion, shown_points, kind, scale)}")
    return chart_card(card_id, title=title, units=units, figure=figure, table=table, source=source,
                      data_date=data_date, description=description, area=area)


def _not_drawn_words(not_drawn: int) -> str:
    if not not_drawn:
        return ""
    practices = "practice is" if not_drawn == 1 else "practices are"
    return f"{formats.count(not_drawn)} {practices} not drawn: {suppression.RULE} Of those drawn, "


def _outside(significance: pd.Series) -> tuple[int, int]:
    """How many labels lie outside the 95% limits, and how many of those outside the 99.8% limits."""
    counts = significance.value_counts()
    outside_998 = int(counts.get(funnels.ABOVE_998, 0) + counts.get(funnels.BELOW_998, 0))
    return int(len(significance) - counts.get(funnels.WITHIN, 0)), outside_998


def _overdispersion_words(overdispersion: funnels.Overdispersion, points: pd.DataFrame, kind: str,
                          scale: float) -> str:
    """The card's sentence on overdispersion: widened or not, φ, τ in words a reader can use, and what
    PHE's plain limits would have shown."""
    if np.isnan(overdispersion.phi):
        why = (f"with fewer than {funnels.MIN_UNITS_FOR_OVERDISPERSION} practices"
               if overdispersion.units < funnels.MIN_UNITS_FOR_OVERDISPERSION
               else "when every practice is at 0% or 100%")
        return f"Overdispersion is not checked {why}, so these are PHE's limits."
    if not overdispersion.widened:
        return (f"The practices vary no more than chance allows (overdispersion factor φ = "
                f"{overdispersion.phi:.2f}, not significant at 95%), so these are PHE's limits.")
    tau = float(np.sqrt(overdispersion.tau2))
    if kind == "proportion":
        spread = (f"{tau * scale:.1f} percentage points" if scale == 100 else f"{tau * scale:,.3g}")
    else:
        # τ is on the square-root scale; 2τ/√r0 is the between-practice spread as a share of the rate
        relative = 2 * tau / np.sqrt(overdispersion.comparator)
        spread = f"{tau:.3g} on the square-root scale, about {formats.percent(relative, 0)} of the rate"
    plain_95, plain_998 = _outside(points["plain_significance"])
    return ("Practices differ by more than chance: the limits are widened by Spiegelhalter's random-effects "
            f"method (overdispersion factor φ = {overdispersion.phi:.1f}, τ = {spread}); plain PHE limits show "
            f"{formats.count(plain_998)} outside 99.8% ({formats.count(plain_95)} outside 95%).")


def load_table_dependencies(card_id: str) -> tuple[Output, Input, State]:
    """The Output, Input and State of a page's load-the-table callback for funnel_card(card_id, ...): the
    table's rows, the load button's clicks and the table_request, with the ids funnel_card gives them, so
    the ids are written in one place."""
    return (Output({"type": "data-grid", "grid": f"{card_id}-table"}, "rowData"),
            Input(f"{card_id}-load-table", "n_clicks"),
            State(f"{card_id}-table-request", "data"))


def rows_on_request(frame: pd.DataFrame, *, kind: str, scale: float, polarity: str | None) -> list[dict]:
    """The table's rows for a page's load-the-table callback."""
    points, lines = funnel_frame(frame, kind=kind, scale=scale)
    rows, comparator_reveals = suppressed_rows(points, polarity, kind)
    if comparator_reveals:
        return []
    fields = ["name", "code", "num", "den", "value", "low", "high", "method", "significance_words", "selected_words"]
    if lines["overdispersion"].widened:  # the same columns as table_columns(..., widened=True)
        fields.insert(fields.index("selected_words"), "plain_significance_words")
    return json.loads(rows[fields].to_json(orient="records"))
