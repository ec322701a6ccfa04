"""Figure styling shared by every chart: the house plotly template, the toolbar, and the layout helpers.

The colours, their order and the marker shapes are dashboard/palette.py's (shared with the PDF's SVG
charts and the workbook); this module applies them to plotly figures.
"""

from __future__ import annotations

import copy
import textwrap
from functools import lru_cache

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from dashboard.palette import (
    LINE_GREY,
    NHS_BLACK,
    NHS_DARK_GREY,
    NHS_MID_GREY,
    NHS_PALE_GREY,
    SERIES_COLOURS,
    series_style,
)

# The chart toolbar keeps only what works on this machine: save as an image, zoom and reset. It is a list
# of the buttons to show, not of those to hide, so a plotly release that adds a button (plotly 7's
# "Share chart...", which uploads the chart and its data to Plotly Cloud) never reaches users.
IMAGE_BUTTONS = ("toImage",)
CARTESIAN_BUTTONS = ("zoom2d", "zoomIn2d", "zoomOut2d", "resetScale2d")
GEO_BUTTONS = ("zoomInGeo", "zoomOutGeo", "resetGeo")
ALLOWED_BUTTONS = frozenset(IMAGE_BUTTONS + CARTESIAN_BUTTONS + GEO_BUTTONS)
# trace types drawn on no axes (the toolbar's zoom buttons would do nothing there)
_NO_AXES = frozenset({"sankey", "pie", "table", "indicator", "parcats", "parcoords", "sunburst", "treemap"})
_GEO = frozenset({"choropleth", "scattergeo"})
GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtons": [list(IMAGE_BUTTONS + CARTESIAN_BUTTONS)],
                "toImageButtonOptions": {"format": "png", "scale": 2}}


def wrapped(text: str, width: int) -> str:
    """Text on lines of at most width characters, broken between words with plotly's <br> (plotly does not
    wrap titles or labels itself)."""
    return "<br>".join(textwrap.wrap(str(text), width)) or str(text)


def needs_width(figure: go.Figure) -> bool:
    """Whether the figure needs more than a phone's width to be read: a Sankey (its node labels collide), a
    map (its colour bar would take half of it) or panels side by side (each would be a sliver)."""
    side_by_side = any(axis.domain and axis.domain[0] > 0.2 for axis in figure.select_xaxes())
    return side_by_side or any(trace.type in {"sankey", "choropleth"} for trace in figure.data)


def graph_config(figure: go.Figure, file_stem: str) -> dict:
    """The toolbar for this figure's kind of chart, its image saved as `<file_stem>.png`."""
    kinds = {trace.type for trace in figure.data}
    buttons = list(IMAGE_BUTTONS)
    if kinds & _GEO:
        buttons += GEO_BUTTONS
    if not kinds or kinds - _GEO - _NO_AXES:
        buttons += CARTESIAN_BUTTONS
    return {**GRAPH_CONFIG, "modeBarButtons": [buttons],
            "toImageButtonOptions": {"format": "png", "scale": 2, "filename": file_stem}}


# The house template, registered as plotly's default. Small on purpose: plotly copies the template into
# every figure, and the stock "plotly_white" (styles for every trace type) cost ~25 ms a figure.
pio.templates["jointcare"] = go.layout.Template(layout={
    "font": {"family": "Arial, Helvetica, sans-serif", "size": 13, "color": NHS_BLACK},
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "colorway": list(SERIES_COLOURS),
    "hoverlabel": {"font": {"family": "Arial, Helvetica, sans-serif", "size": 13}, "bgcolor": "white"},
    "xaxis": {"gridcolor": NHS_PALE_GREY, "linecolor": NHS_MID_GREY, "zerolinecolor": LINE_GREY, "automargin": True},
    "yaxis": {"gridcolor": NHS_PALE_GREY, "linecolor": NHS_MID_GREY, "zerolinecolor": LINE_GREY, "automargin": True},
    "separators": ".,",
})
pio.templates.default = "jointcare"


LEGEND_LINE = 32  # characters of a legend entry that fit beside its symbol at 320 px
HOUSE_LEGEND = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0, "title": None}


def styled(fig: go.Figure, *, x_title: str | None = None, y_title: str | None = None,
           height: int = 360, legend: bool = True) -> go.Figure:
    """The house style: white background, system font, axis titles with units, legend on top.

    The house values win over what the page set, as a plain update would, but the merge is done here
    and written with overwrite=True: plotly's own merging update cost ~3 ms a figure, this ~0.5 ms.
    """
    layout = fig.layout
    fig.update_layout(
        height=height,
        margin={**layout.margin.to_plotly_json(), "l": 64, "r": 24, "t": 24, "b": 56},
        showlegend=legend,
        legend={**layout.legend.to_plotly_json(), **HOUSE_LEGEND},
        overwrite=True,
    )
    if legend:  # legend entries on lines a phone's width can hold: plotly cuts a long one off at the edge
        for trace in fig.data:
            if trace.name and len(trace.name) > LEGEND_LINE and "<br>" not in trace.name:
                trace.name = wrapped(trace.name, LEGEND_LINE)
    # Every axis's title set in one update (update_xaxes and update_yaxes took 1 ms each), on each axis
    # plotly's own selectors find, merged into what the page set: on lines a phone's width can hold, as
    # plotly cuts a long title off at both ends.
    titles = {}
    if x_title is not None:
        titles.update({axis.plotly_name: {"title": {"text": wrapped(x_title, 40)}} for axis in fig.select_xaxes()})
    if y_title is not None:
        titles.update({axis.plotly_name: {"title": {"text": y_title}} for axis in fig.select_yaxes()})
    if titles:
        fig.update_layout(titles)
    return fig


def empty(message: str, height: int = 240) -> go.Figure:
    """A figure that says why there is nothing to draw, in words, not a blank axis."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font={"size": 15, "color": NHS_DARK_GREY})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return styled(fig, height=height, legend=False)


def line_series(fig: go.Figure, x, y, name: str, index: int, hovertemplate: str, customdata=None) -> None:
    """A time series line with markers in the index-th house style."""
    style = series_style(index)
    fig.add_trace(go.Scatter(
        x=x, y=y, name=name, mode="lines+markers", customdata=customdata,
        line={"color": style["color"], "dash": style["dash"], "width": 2},
        marker={"symbol": style["symbol"], "size": 7, "color": style["color"]},
        hovertemplate=hovertemplate + "<extra></extra>",
    ))


def subplots(**options) -> go.Figure:
    """plotly's make_subplots(**options) (options hashable: titles as a tuple), made from the layout and grid
    it gave the first time for the same options: make_subplots took 25-50 ms a figure, as long as the rest of
    the Overview's trend panels; a figure made from its layout takes 1-5 ms. The grid is what lets
    add_trace(row=, col=) find a panel's axes."""
    layout, grid_ref, grid_str = _subplot_grid(tuple(sorted(options.items())))
    fig = go.Figure(layout=layout)
    fig.__dict__["_grid_ref"] = copy.deepcopy(grid_ref)
    fig.__dict__["_grid_str"] = grid_str
    return fig


@lru_cache(maxsize=64)
def _subplot_grid(options: tuple) -> tuple[dict, list, str]:
    fig = make_subplots(**{key: list(value) if key == "subplot_titles" else value for key, value in options})
    layout = fig.layout.to_plotly_json()
    layout.pop("template", None)  # the figure made from it takes the house template, as make_subplots's did
    return layout, fig._grid_ref, fig._grid_str
