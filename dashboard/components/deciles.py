"""Where a selection sits among practices, period by period: OpenPrescribing's decile chart.

The practices' rates each period give nine deciles (the 10th to the 90th percentile, query
outcomes__deciles, for a measure or the joint-working index); they are drawn as dashed lines with the median solid, as
OpenPrescribing draws its measures, and the selection's own line over them. The table behind the chart
gives every decile and, each period, where the selection sits among them in words.
"""

from __future__ import annotations

import html as html_text

import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboard import formats
from dashboard.catalogue import header
from dashboard.components.cards import chart_card
from dashboard.components.figures import line_series, styled
from dashboard.components.tables import column, data_grid
from dashboard.palette import NHS_DARK_GREY, NHS_MID_GREY

DECILES = ("p10", "p20", "p30", "p40", "p50", "p60", "p70", "p80", "p90")


def position_words(value: float, deciles: list[float]) -> str:
    """Where a value sits among the nine deciles: 'below the 10th percentile', 'between the 30th and 40th
    percentiles', 'above the 90th percentile' (a value equal to a decile counts as above it)."""
    if value is None or pd.isna(value) or any(pd.isna(d) for d in deciles):
        return formats.NO_FIGURE
    above = sum(value >= decile for decile in deciles)
    if above == 0:
        return "below the 10th percentile"
    if above == len(deciles):
        return "at or above the 90th percentile"
    return f"between the {10 * above}th and {10 * (above + 1)}th percentiles"


def scopes(deciles: pd.DataFrame) -> list[tuple[str, pd.DataFrame, str]]:
    """The scopes to draw a chart for (outcomes__deciles' rows), each with its rows and the practices it is
    among in words ("all practices", "the practices of <ICB>"). The ICB's is left out when it holds every
    practice, as in the demo's one ICB: one chart says it all."""
    if deciles.empty:
        return []
    counts = deciles.pivot_table(index="period_start", columns="scope", values="practices")
    if {"all", "icb"} <= set(counts.columns) and counts["all"].equals(counts["icb"]):
        deciles = deciles[deciles["scope"] == "all"]
    return [(scope, rows, "all practices" if scope == "all" else f"the practices of {rows['scope_name'].iloc[0]}")
            for scope, rows in deciles.groupby("scope", sort=True)]


def deciles_figure(deciles: pd.DataFrame, selection: pd.DataFrame, *, name: str, x: list, y_title: str,
                   hover_unit: str, yearly: bool, query: str = "outcomes__deciles",
                   x_title: str | None = None) -> go.Figure:
    """The nine deciles (median solid, the others dashed) and the selection's line with markers on top."""
    fig = go.Figure()
    value = formats.hover_rate(hover_unit)
    # the eight dashed deciles are one trace, each line broken from the next by a gap (None): a trace each
    # cost about 4 ms to build, and the legend shows them as one entry anyway
    dashed = [field for field in DECILES if field != "p50"]
    label = "Deciles of practices (10th to 90th percentile)"
    fig.add_trace(go.Scatter(
        x=[day for _ in dashed for day in [*x, None]],
        y=[level for field in dashed for level in [*deciles[field], None]],
        customdata=[words for field in dashed for words in [header(f"{query}.{field}")] * (len(x) + 1)],
        mode="lines", name=label, legendgroup=label,
        line={"color": NHS_MID_GREY, "width": 1, "dash": "dash"},
        hovertemplate=f"%{{customdata}}: {value}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=x, y=deciles["p50"], mode="lines", name="Median practice", legendgroup="Median practice",
        line={"color": NHS_DARK_GREY, "width": 2, "dash": "solid"},
        hovertemplate=f"{header(f'{query}.p50')}: {value}<extra></extra>"))
    selection_x = list(selection["x"])
    line_series(fig, selection_x, selection["rate"], name, 0,
                f"<b>{html_text.escape(name)}</b><br>{'%{x}' if yearly else '%{x|%B %Y}'}: {value}")
    styled(fig, x_title=x_title or ("Financial year" if yearly else "Month"), y_title=y_title, height=400)
    fig.update_yaxes(rangemode="tozero", tickformat=",")
    if yearly:
        fig.update_xaxes(type="category", categoryorder="category ascending")
    else:
        fig.update_xaxes(type="date", tickformat="%b %Y")
    return fig


def deciles_card(card_id: str, deciles: pd.DataFrame, selection: pd.DataFrame, *, name: str, among: str,
                 y_title: str, hover_unit: str, yearly: bool, title: str, units: str, source: str, data_date: str,
                 area: str, query: str = "outcomes__deciles", period_words=None, x_title: str | None = None
                 ) -> html.Section:
    """The chart and its table for one scope's deciles (rows by period_start) and the selection's rates
    (period_start, rate; hidden small rates already taken out). query: the deciles' query, whose contract
    labels the columns; period_words: a period in words (by default a month, or a financial year)."""
    deciles = deciles.sort_values("period_start")
    x = ([formats.financial_year(day) for day in deciles["period_start"]] if yearly
         else list(pd.to_datetime(deciles["period_start"])))
    keyed = selection.assign(period_start=pd.to_datetime(selection["period_start"]))
    joined = deciles.assign(period_start=pd.to_datetime(deciles["period_start"])).merge(
        keyed[["period_start", "rate"]], on="period_start", how="left")
    words = period_words or (formats.financial_year if yearly else formats.month)
    joined["period"] = [words(day) for day in joined["period_start"]]
    joined["where"] = [position_words(row.rate, [getattr(row, d) for d in DECILES]) for row in joined.itertuples()]
    drawn = joined.assign(x=x)[["x", "rate"]]
    fig = deciles_figure(joined, drawn, name=name, x=x, y_title=y_title, hover_unit=hover_unit, yearly=yearly,
                         query=query, x_title=x_title)
    latest = joined.dropna(subset=["rate"]).tail(1)
    description = (f"In {latest['period'].iloc[0]}, {name} was {latest['where'].iloc[0]} of {among} "
                   f"({formats.count(int(latest['practices'].iloc[0]))} practices)." if not latest.empty else
                   f"{name} has no rate to place among {among} in these periods.")
    table = data_grid(f"{card_id}-table", joined, [
        column("period", header(f"{query}.period")),
        column("rate", header(f"{query}.rate", hover_unit), "number"),
        column("where", header(f"{query}.where"), wrap=True, minWidth=200),
        column("practices", header(f"{query}.practices"), "count"),
        *[column(field, header(f"{query}.{field}"), "number") for field in DECILES],
    ], caption=f"{title}: the deciles and {name}", page_size=12)
    return chart_card(card_id, title=title, units=units, figure=fig, table=table, source=source,
                      data_date=data_date, description=description, area=area)
