"""Time-series figures of rates: one line per series, for the Outcomes page and the practice profile.

All trend drawing lives here so that the statistics still to come (SPC limits and special-cause
markers, confidence intervals) are added in one place. A frame holds one row per series and period
(`period_start`, `series`, `rate`); the series' order of first appearance is the legend order, and
the first series gets the first house style (NHS blue, circles, solid).

Optional columns `low` and `high` draw a shaded band around a series' line in its own colour (the
middle half of councils today; a confidence interval later), named by `band_label` in the hover text.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from dashboard import formats
from dashboard.components.figures import empty, line_series, styled
from dashboard.palette import NHS_DARK_GREY, at_alpha, series_style

YEARLY = {"financial year", "year"}


def trend_figure(frame: pd.DataFrame, *, y_title: str, hover_unit: str, period_type: str = "month",
                 band_label: str = "shaded range") -> go.Figure:
    """Lines with markers, one per series, styled so that colour never stands alone.

    period_type "month" puts months on a date axis; "financial year" (or "year") puts labelled
    financial years on a category axis. hover_unit completes the hover sentence
    ("September 2025: 27.1 per 1,000 registered patients").
    """
    if frame.empty or frame["rate"].notna().sum() == 0:
        return empty("No rates to draw for this selection and period.")
    yearly = period_type in YEARLY
    order = list(dict.fromkeys(frame["series"]))  # legend order: first appearance, before sorting by date
    frame = frame.sort_values("period_start", kind="stable")
    when = "%{x}" if yearly else "%{x|%B %Y}"
    value = formats.hover_rate(hover_unit)

    fig = go.Figure()
    for index, series in enumerate(order):
        rows = frame[frame["series"] == series]
        x = _x(rows, yearly)
        hover = f"<b>{html.escape(str(series))}</b><br>{when}: {value}"
        custom = None
        if _has_band(rows):
            _add_band(fig, x, rows, index, str(series))
            custom = rows[["low", "high"]].to_numpy()
            hover += (f"<br>{html.escape(band_label)}: {formats.hover_rate(hover_unit, 'customdata[0]')} to "
                      f"{formats.hover_rate(hover_unit, 'customdata[1]')}")
        line_series(fig, x, rows["rate"], str(series), index, hover, custom)
        fig.data[-1].legendgroup = str(series)  # the band shows and hides with its line

    styled(fig, x_title="Financial year" if yearly else "Month", y_title=_wrap_title(y_title), height=400)
    fig.update_yaxes(rangemode="tozero", tickformat=",", title_font={"color": NHS_DARK_GREY})
    if yearly:
        fig.update_xaxes(type="category", categoryorder="category ascending")
    else:
        fig.update_xaxes(type="date", tickformat="%b %Y")
    return fig


def _has_band(rows: pd.DataFrame) -> bool:
    return {"low", "high"} <= set(rows.columns) and rows["low"].notna().any() and rows["high"].notna().any()


def _add_band(fig: go.Figure, x: list, rows: pd.DataFrame, index: int, series: str) -> None:
    """A translucent area from low to high in the series' colour, behind its line."""
    fig.add_trace(go.Scatter(
        x=x + x[::-1], y=list(rows["high"]) + list(rows["low"])[::-1], fill="toself", mode="lines",
        fillcolor=at_alpha(series_style(index)["color"], 0.18), line={"width": 0}, hoverinfo="skip",
        showlegend=False, legendgroup=series, name=series,
    ))


def _wrap_title(title: str, width: int = 30) -> str:
    """A long axis title on two lines, so it fits beside a 400-pixel-high chart."""
    if len(title) <= width or " " not in title:
        return title
    middle = len(title) // 2
    spaces = [i for i, char in enumerate(title) if char == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return title[:cut] + "<br>" + title[cut + 1:]


def _x(rows: pd.DataFrame, yearly: bool) -> list:
    if yearly:
        return [formats.financial_year(day) for day in rows["period_start"]]
    # ISO dates keep the JSON small and unambiguous on a date axis
    return [pd.Timestamp(day).strftime("%Y-%m-%d") for day in rows["period_start"]]
