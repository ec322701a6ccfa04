"""XmR (SPC) charts in the NHS England "Making Data Count" style, and their icons, for any page.

The statistics are etl/stats/spc.py's (`xmr`): this module only lays its answer out. One house style
for special-cause points everywhere, colour AND shape (WCAG: colour never stands alone):

    common cause            grey circle
    special cause improving blue diamond
    special cause concerning orange square
    special cause, no better direction  purple hexagon

Every marker has a dark outline so the pale colours still stand out from the white background. The
variation icon (and the assurance icon, when the measure has a target) sits beside the chart with its
label in words; the icons are SVG files in assets/spc/ with the same words as their <title>.

A series needs MIN_POINTS points for a chart; shorter ones get a sentence saying so. Limits come from
the whole series shown, or from each segment after a stated change point (e.g. the month a practice
joined joint working).

Seasons: a monthly measure with a yearly pattern (mart_seasonal_index, etl/stats/seasonal.py) is charted
seasonally adjusted, each month's rate divided by its month-of-year index, with the unadjusted rate still
drawn. `reading()` is the one place that decides which series SPC reads, for the chart, the Overview's
cards and the downloads, so an icon and the sentence beside it always read the same points.
"""

from __future__ import annotations

import calendar
import html as html_text
from collections.abc import Sequence
from dataclasses import dataclass

import dash
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboard import formats
from dashboard.catalogue import header
from dashboard.components.cards import chart_card, no_data
from dashboard.components.figures import styled
from dashboard.components.tables import column, data_grid
from dashboard.components.words import plural
from dashboard.db import reference_query
from dashboard.palette import LINE_GREY, NHS_BLACK, NHS_DARK_GREY, NHS_DARK_RED, SPC_POINTS
from etl.stats import seasonal, spc

MIN_POINTS = spc.MIN_POINTS  # the one number every page, download and the What changed entries use
RULE_WORDS = (  # XmR attribute -> why a point was flagged, in words
    ("outside", "outside the process limits"),
    ("shift", "in a run of 7 or more on one side of the mean"),
    ("trend", "in a run of 7 or more rising or falling"),
    ("two_of_three", "2 of 3 points near a limit"),
)
TONES = {"improvement": "better", "concern": "worse"}  # the variation icon's stem -> headline tone


def too_few(points: int, unit: str = "months") -> str:
    """The sentence shown instead of a chart when the series is too short."""
    counted = f"{points} {unit if points != 1 else unit.removesuffix('s')}"
    return (f"Too few {unit} for an SPC chart: {counted} of data, and an SPC chart needs at least "
            f"{MIN_POINTS} to set its limits.")


def seasonal_index(measure_id: str | None) -> dict[int, float] | None:
    """The month-of-year index a measure's SPC charts divide by, or None when it is not adjusted."""
    if measure_id is None:
        return None
    table = reference_query("common__seasonal_index")
    rows = table[(table["measure_id"] == measure_id) & table["adjusted"].fillna(False).astype(bool)]
    if len(rows) != 12:
        return None
    return dict(zip(rows["calendar_month"].astype(int), rows["seasonal_index"].astype(float)))


@dataclass(frozen=True)
class Reading:
    """What SPC reads of a series: the values charted (adjusted or not) and the XmR answer on them."""
    periods: list
    raw: np.ndarray  # the series as published
    values: np.ndarray  # what the chart reads: raw / the month's index for a seasonal measure, else raw
    index: dict[int, float] | None  # the month-of-year index used, or None
    result: spc.XmR

    @property
    def adjusted(self) -> bool:
        return self.index is not None


def reading(periods: Sequence, values: Sequence[float], *, improvement: str, measure_id: str | None = None,
            monthly: bool = True, change_points: Sequence[int] = (), target: float | None = None,
            index: dict[int, float] | None = None) -> Reading | None:
    """The SPC reading of a series (None when it has fewer than MIN_POINTS points).

    measure_id, with monthly periods: a seasonal measure's months are divided by its month-of-year index
    (the warehouse's, from mart_seasonal_index, unless `index` gives one).
    """
    raw = np.asarray(list(values), dtype=float)
    if len(raw) < MIN_POINTS:
        return None
    if index is None and monthly:
        index = seasonal_index(measure_id)
    index = index or None  # {}: charted as published
    charted = seasonal.adjust(periods, raw, index) if index else raw
    result = spc.xmr(charted, improvement=improvement, change_points=change_points, target=target)
    return Reading(list(periods), raw, charted, index, result)


def special_points(result: spc.XmR) -> np.ndarray:
    """True for each special cause point."""
    return result.point_type != spc.COMMON


def status_words(result: spc.XmR, periods: Sequence, *, dates: bool = True, drawn: bool = True) -> str:
    """How many points are special cause, and, when the latest is not, that earlier ones were.

    The icon reads the latest point only; this sentence never lets it hide what came before.
    drawn: whether the chart is drawn beside the words (its marked points are then pointed to).
    """
    marked = " (marked by shape and colour)" if drawn else ""
    special = special_points(result)
    count, total = int(special.sum()), len(special)
    if not count:
        return f"All {total} points vary by chance alone (common cause): none is special cause."
    when = _period_words(periods[-1], dates)
    if special[-1]:
        return (f"{count} of the {total} points {'is' if count == 1 else 'are'} special cause{marked}, including "
                f"the latest, {when}; the rest vary by chance alone.")
    last = _period_words(periods[int(np.flatnonzero(special)[-1])], dates)
    return (f"The latest point, {when}, is common cause, but {plural(count, 'earlier point')} "
            f"{'was' if count == 1 else 'were'} special cause{marked}, the last of them {last}.")


def _period_words(period, dates: bool) -> str:
    return formats.month(period) if dates else str(period)


def season_words(index: dict[int, float]) -> str:
    """'January 1.15 (highest) to July 0.89 (lowest)': the size of the pattern taken out."""
    high, low = max(index, key=index.get), min(index, key=index.get)
    return (f"{calendar.month_name[high]} {index[high]:.2f} (highest) to {calendar.month_name[low]} "
            f"{index[low]:.2f} (lowest)")


def xmr_frame(periods: Sequence, values: Sequence[float], *, improvement: str, target: float | None = None,
              change_points: Sequence[int] = (), floor: float | None = 0.0,
              ceiling: float | None = None, result: spc.XmR | None = None,
              raw: Sequence[float] | None = None) -> tuple[pd.DataFrame, spc.XmR]:
    """The XmR answer as a frame to draw and tabulate: period, value, mean, lower, upper, point words.

    floor/ceiling: where the measure cannot go (0 for a rate, 100 for a per cent): a limit computed
    beyond it is shown at it, as the MDC tool does, so no chart shows a negative admission rate.
    result: the XmR answer already worked out on these values (a Reading's), else it is worked out here.
    raw: the unadjusted values, when `values` are seasonally adjusted (a column of the frame, drawn too).
    """
    if result is None:
        result = spc.xmr(values, improvement=improvement, change_points=change_points, target=target)
    lower, upper = result.lower, result.upper
    if floor is not None:
        lower, upper = np.maximum(lower, floor), np.maximum(upper, floor)
    if ceiling is not None:
        lower, upper = np.minimum(lower, ceiling), np.minimum(upper, ceiling)
    frame = pd.DataFrame({"period": list(periods), "value": result.values, "mean": result.mean, "lower": lower,
                          "upper": upper, "segment": result.segment, "point_type": result.point_type})
    if raw is not None:
        frame["raw"] = np.asarray(list(raw), dtype=float)
    frame["point_words"] = [SPC_POINTS[kind].words for kind in result.point_type]
    reasons = []
    for i in range(len(frame)):
        why = [words for rule, words in RULE_WORDS if getattr(result, rule)[i]]
        reasons.append("; ".join(why))
    frame["why"] = reasons
    return frame, result


def change_point(periods: Sequence, start) -> int | None:
    """The position of the first period on or after `start`, if both sides keep two points or more.

    A segment of one point has no moving range, so no limits: such a change point is not used.
    """
    stamps = pd.to_datetime(pd.Series(list(periods)))
    after = np.flatnonzero((stamps >= pd.Timestamp(start)).to_numpy())
    if len(after) == 0:
        return None
    position = int(after[0])
    return position if 2 <= position <= len(stamps) - 2 else None


def _segmented(frame: pd.DataFrame, field: str) -> tuple[list, list]:
    """x and y of a line per segment, broken (None) between segments, so limits do not join up."""
    xs, ys = [], []
    for _, rows in frame.groupby("segment", sort=True):
        if xs:
            xs.append(None)
            ys.append(None)
        xs += list(rows["period"])
        ys += list(rows[field])
    return xs, ys


def xmr_figure(frame: pd.DataFrame, *, y_title: str, hover_unit: str, dates: bool = True,
               target: float | None = None, change_at=None, change_label: str | None = None,
               height: int = 400) -> go.Figure:
    """The XmR chart: points by type (colour and shape), mean, dashed process limits, target, change point.

    dates: True for a month axis (periods are ISO dates), False for labelled categories (quarters).
    """
    value = formats.hover_rate(hover_unit)
    when = "%{x|%B %Y}" if dates else "%{x}"
    fig = go.Figure()
    for field, name, dash_style, width in (("upper", "Process limits", "dash", 1.5), ("lower", None, "dash", 1.5),
                                           ("mean", "Mean", "solid", 1.5)):
        xs, ys = _segmented(frame, field)
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", name=name or "Process limits", showlegend=name is not None,
            legendgroup=field if field == "mean" else "limits", hoverinfo="skip",
            line={"color": NHS_DARK_GREY, "dash": dash_style, "width": width}))
    if target is not None:
        fig.add_trace(go.Scatter(
            x=[frame["period"].iloc[0], frame["period"].iloc[-1]], y=[target, target], mode="lines",
            name="Target", line={"color": NHS_DARK_RED, "dash": "dot", "width": 2},
            hovertemplate=f"Target: {formats.number(target, 1)}<extra></extra>"))
    if "raw" in frame:  # a seasonally adjusted chart keeps the published rate in view
        fig.add_trace(go.Scatter(
            x=list(frame["period"]), y=frame["raw"], mode="lines", name="Unadjusted rate",
            line={"color": NHS_DARK_GREY, "width": 1, "dash": "dot"},
            hovertemplate=f"{when}: {value} before seasonal adjustment<extra></extra>"))
    # the series itself: a thin line joining every point, then the points by type on top
    fig.add_trace(go.Scatter(x=list(frame["period"]), y=frame["value"], mode="lines", showlegend=False,
                             hoverinfo="skip", line={"color": LINE_GREY, "width": 1.5}, name="Series"))
    for kind, mark in SPC_POINTS.items():
        rows = frame[frame["point_type"] == kind]
        if rows.empty:
            continue
        fig.add_trace(go.Scatter(
            x=list(rows["period"]), y=rows["value"], mode="markers", name=mark.words,
            marker={"symbol": mark.shape, "size": 10 if kind == spc.COMMON else 12, "color": mark.colour,
                    "line": {"color": NHS_BLACK, "width": 1}},
            customdata=rows[["point_words", "mean", "lower", "upper", "why"]].to_numpy(dtype=object),
            hovertemplate=(f"{when}: {value}<br>%{{customdata[0]}} %{{customdata[4]}}<br>"
                           f"Mean {formats.hover('rate', 'customdata[1]')}; process limits "
                           f"{formats.hover('rate', 'customdata[2]')} to "
                           f"{formats.hover('rate', 'customdata[3]')}<extra></extra>")))
    styled(fig, x_title="Month" if dates else "Quarter", y_title=y_title, height=height)
    if dates:
        fig.update_xaxes(type="date", tickformat="%b %Y")
    else:
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(frame["period"]))
    if change_at is not None:
        fig.add_shape(type="line", xref="x", yref="paper", x0=change_at, x1=change_at, y0=0, y1=1,
                      line={"color": NHS_BLACK, "width": 2, "dash": "longdash"})
        if change_label:
            fig.add_annotation(x=change_at, xref="x", y=1, yref="paper", text=html_text.escape(change_label),
                               showarrow=False, xanchor="left", yanchor="top", bgcolor="white",
                               font={"size": 12, "color": NHS_BLACK})
    return fig


def icon_src(name: str) -> str:
    return dash.get_asset_url(f"spc/{name}.svg")


def icon(kind: str, key: str, label: str, size: int = 44) -> html.Span:
    """One MDC icon with its label in words beside it (the picture is decoration: alt is empty)."""
    return html.Span([
        html.Img(src=icon_src(f"{kind}-{key}"), alt="", width=size, height=size,
                 style={"verticalAlign": "middle", "marginRight": "0.4rem"}),
        html.Span(label, className=f"spc-{kind}-label"),
    ], className=f"spc-icon spc-{kind}", style={"display": "inline-block", "marginRight": "1.25rem"})


def icons(result: spc.XmR) -> list[html.Span]:
    """The variation icon and, where there is a target, the assurance icon, each labelled."""
    shown = [icon("variation", result.variation, spc.VARIATION_LABELS[result.variation])]
    if result.assurance:
        shown.append(icon("assurance", result.assurance, spc.ASSURANCE_LABELS[result.assurance]))
    return shown


def tone(variation: str) -> str:
    """Headline tone for a variation icon: better, worse or neutral."""
    return TONES.get(variation.split("_")[0], "neutral")


def xmr_table(grid_id: str, frame: pd.DataFrame, *, caption: str, query: str, period: str, value: str,
              value_unit: str | None = None, dates: bool = True) -> html.Div:
    """The numbers behind an XmR chart: one row per point, headed from the contract of the query whose rows
    are charted (dashboard/queries/<query>.yml): its `period` and `value` columns, and the columns worked
    out here (mean, lower, upper, point_words, why), which every query feeding a chart lists as computed
    here. value_unit: the measure's unit of a rate, which only the page knows ("Rate (per 1,000 patients)")."""
    rows = frame.assign(period=[pd.Timestamp(day).strftime("%Y-%m") for day in frame["period"]] if dates
                        else frame["period"])
    value_header = header(f"{query}.{value}", value_unit)
    # the charted value of a seasonal measure is the same column, adjusted (reading()): its header says so
    adjusted_header = f"{value_header}, seasonally adjusted"
    values = ([column("raw", value_header, "number"),
               column("value", adjusted_header, "number", catalogue=f"{query}.{value}")] if "raw" in frame
              else [column("value", value_header, "number")])
    return data_grid(grid_id, rows, [
        column("period", header(f"{query}.{period}")), *values,
        *[column(field, header(f"{query}.{field}"), "number") for field in ("mean", "lower", "upper")],
        column("point_words", header(f"{query}.point_words"), minWidth=180, wrap=True),
        column("why", header(f"{query}.why"), minWidth=200, wrap=True),
    ], caption=caption)


def xmr_card(card_id: str, periods: Sequence, values: Sequence[float], *, improvement: str, title: str,
             units, y_title: str, hover_unit: str, source: str, data_date: str, description: str,
             query: str, period: str, value: str, value_unit: str | None = None,
             target: float | None = None, change_points: Sequence[int] = (),
             change_at=None, change_label: str | None = None, dates: bool = True,
             ceiling: float | None = None, unit_words: str = "months",
             measure_id: str | None = None, area: str | None = None) -> html.Section | html.Div:
    """A chart card holding the XmR chart, its icons, and its table; or why there is none.

    measure_id: the measure charted, so that a seasonal one is charted seasonally adjusted. query, period,
    value, value_unit: where the table's headers come from (xmr_table).
    """
    read = reading(periods, values, improvement=improvement, measure_id=measure_id, monthly=dates,
                   change_points=change_points, target=target)
    if read is None:
        return no_data(too_few(len(values), unit_words))
    result = read.result
    frame, _ = xmr_frame(periods, read.values, improvement=improvement, ceiling=ceiling, result=result,
                         raw=read.raw if read.adjusted else None)
    if read.adjusted:
        y_title = f"{y_title},<br>seasonally adjusted"  # two lines: one would be cut off at the axis
    figure = xmr_figure(frame, y_title=y_title, hover_unit=hover_unit, dates=dates, target=target,
                        change_at=change_at, change_label=change_label)
    table = xmr_table(f"{card_id}-table", frame, caption=f"{title}: the points, mean and process limits drawn",
                      query=query, period=period, value=value, value_unit=value_unit, dates=dates)
    words = [f"{description} ", status_words(result, periods, dates=dates)]
    if read.adjusted:
        words += [" Seasonally adjusted: this measure rises and falls with the time of year, so each month's rate "
                  "is divided by its month-of-year index (", season_words(read.index), ") and the points, mean "
                  "and limits show change beyond the usual seasons; the dotted line is the unadjusted rate. ",
                  html.A("How the seasons are taken out", href="/data-and-methods#seasonal-method"), "."]
    return chart_card(card_id, title=title, units=units, figure=figure, table=table, source=source,
                      data_date=data_date, area=area,
                      description=[html.Span(icons(result), className="spc-icons",
                                             style={"display": "block", "margin": "0.25rem 0"}), *words])


def hidden_points_status(periods: Sequence, values: Sequence[float], *, improvement: str,
                         measure_id: str | None = None, threshold: int, rule: str) -> html.Div:
    """What stands in for an XmR chart some of whose points are hidden under the small-number rule.

    The chart would draw every month's rate (and its mean would give a hidden one back), so it is not
    drawn; but its reading of all the months, the icon and how many points are special cause, gives no
    count away, and it is what the Overview's card, the summary and the practice pack report for the same
    series. So the reading is shown here too, and the surfaces never disagree.
    values: every month's rate, hidden ones included (they never leave the server).
    """
    read = reading(periods, values, improvement=improvement, measure_id=measure_id)
    hidden = (f"Some months count fewer than {threshold}, so their rates are hidden ({rule}) and the SPC chart, "
              "which would draw every month, is not shown.")
    if read is None:
        return no_data(f"{hidden} {too_few(len(values))}")
    words = [f"{hidden} Read over all {len(values)} months, as on the Overview and in the downloads: ",
             status_words(read.result, periods, drawn=False)]
    if read.adjusted:
        words.append(" Read seasonally adjusted.")
    return html.Div([html.Span(icons(read.result), className="spc-icons",
                               style={"display": "block", "margin": "0.25rem 0"}), html.P(words)],
                    className="spc-hidden-points")
