"""The chart card every page uses: title, units, chart, the table behind it, source and data date."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import dcc, html

from dashboard.components.figures import graph_config, needs_width
from dashboard.file_names import image_stem


def chart_card(card_id: str, *, title: str, units: str, figure: go.Figure, table: html.Div | None,
               source: str, data_date: str, description: str | None = None, area: str | None = None) -> html.Section:
    """A titled chart with its units, a 'Show the data' table toggle, and its source and date.

    `description` is a one-sentence plain-English reading of the chart for screen readers and for
    anyone skimming; the table is the full alternative to the picture. `area` names the selection the
    chart is drawn for, in the name of the image its toolbar saves (with the title).
    """
    heading_id = f"{card_id}-title"
    parts = [
        html.H3(title, id=heading_id, className="chart-title"),
        html.P(units, className="chart-units"),
    ]
    if description:
        parts.append(html.P(description, className="chart-description"))
    # dcc.Graph takes no ARIA attributes: the wrapper names the chart by its heading.
    graph = dcc.Graph(id=card_id, figure=figure, className="chart",
                      config=graph_config(figure, image_stem(area, title)))
    if needs_width(figure):
        # a diagram whose labels collide when squeezed scrolls inside its own box on a narrow screen (WCAG
        # 1.4.10 exempts diagrams); the box takes focus so a keyboard can scroll it
        parts.append(html.P("Scroll sideways to see the whole diagram.", className="scroll-hint"))
        parts.append(html.Div(html.Div(graph, className="figure-inner"), className="figure-scroll", tabIndex=0,
                              role="figure", **{"aria-labelledby": heading_id}))
    else:
        parts.append(html.Div(graph, role="figure", **{"aria-labelledby": heading_id}))
    if table is not None:
        parts.append(html.Details([html.Summary("Show the data as a table"), table], className="chart-table"))
    parts.append(html.P([html.Strong("Source: "), source, f". Data to {data_date}."], className="chart-source"))
    return html.Section(parts, className="chart-card", **{"aria-labelledby": heading_id})


def headline(label: str, value: str, detail: str, *, tone: str = "neutral", symbol: str = "") -> html.Div:
    """A big number with what it means. tone: neutral, better, worse; symbol repeats it in shape."""
    return html.Div([
        html.P(label, className="headline-label"),
        html.P([html.Span(symbol + " " if symbol else "", **{"aria-hidden": "true"}), value],
               className=f"headline-value tone-{tone}"),
        html.P(detail, className="headline-detail"),
    ], className="headline")


def period_note(note: str | None) -> list:
    """The sentence saying which year a page opened on and why (filters.for_page), or nothing."""
    return [html.P(note, className="period-note", role="status")] if note else []


def no_data(message: str) -> html.Div:
    """Plain words where a page or section has nothing to show (a source not loaded, an empty selection)."""
    return html.Div(html.P(message), className="alert alert-secondary no-data", role="status")
