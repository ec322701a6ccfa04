"""Choropleth maps of LSOAs, drawn from their own boundaries: no map tiles, nothing fetched.

`lsoa_choropleth(frame, colour_title=..., hovertemplate=...)` draws one value per LSOA:

- frame has `lsoa_code`, `lsoa_name` and the value column (`value` unless value_column says
  otherwise), plus any other columns for the hover text. customdata[0] is lsoa_name, then every
  other column in frame order (not lsoa_code or the value), so a hovertemplate reads
  "%{customdata[0]}: %{z:,.0f} patients, %{customdata[1]:.1%} of the list<extra></extra>".
- Only the frame's LSOAs are sent, each trace with just its own boundaries, simplified for the
  map's extent (dashboard/geometry.py); the map is fitted to them, or to `focus` codes among them.
- LSOAs whose value is missing are drawn grey (a second trace; hover says there are no data), so a
  gap in the data never looks like a low value.

No base map: plotly.js still fetches its world outline (cdn.plot.ly) for any geo subplot whose
traces have a locationmode, which a geojson choropleth always has, even with the base map hidden.
The dashboard works offline, so a map's dcc.Graph takes MAP_CONFIG, whose topojsonURL is a data:
URL holding an empty topology: nothing is fetched and the (hidden) base layers are simply empty.
`with_map_config(card)` sets it on the graph inside a chart_card.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go
import numpy as np
from dash import dcc
from dash.development.base_component import Component

from dashboard import geometry
from dashboard.components import figures
from dashboard.exports import suppression

MISSING_GREY = "#C8CDD0"
BORDER = "#768692"  # NHS mid grey: a pale area's edge still shows on the white page
_BASE_LAYERS = ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")
EMPTY_TOPOLOGY = {"type": "Topology", "arcs": [],
                  "objects": {layer: {"type": "GeometryCollection", "geometries": []} for layer in _BASE_LAYERS}}
# plotly.js asks for <topojsonURL>/world_110m.json; the fragment after '#' is not part of a data: URL.
MAP_CONFIG = {**figures.GRAPH_CONFIG,
              "topojsonURL": "data:application/json," + quote(json.dumps(EMPTY_TOPOLOGY, separators=(",", ":"))) + "#"}


def lsoa_choropleth(frame: pd.DataFrame, *, colour_title: str, hovertemplate: str, value_column: str = "value",
                    colour_format: str | None = None, focus: Iterable[str] | None = None,
                    height: int = 520) -> go.Figure:
    """A map of frame's LSOAs coloured by value_column on figures.SEQUENTIAL (missing values grey).

    colour_format is a d3 format for the colour bar's ticks (".0%" for shares); the colour bar
    starts at 0 so a pale colour always means a small number. The map is fitted to all the LSOAs
    drawn, or to the `focus` codes among them (say, where most of a practice's patients live, so a
    few patients across the county do not shrink the catchment to a speck); the rest stay drawn
    around it, a scroll or drag away.
    """
    if frame.empty:
        return figures.empty("There are no areas to map.", height=height)
    hover_columns = ["lsoa_name", *[column for column in frame.columns
                                    if column not in ("lsoa_code", "lsoa_name", value_column)]]
    collection = geometry.feature_collection(frame["lsoa_code"])
    drawn = {feature["id"] for feature in collection["features"]}
    frame = frame[frame["lsoa_code"].isin(drawn)]
    if frame.empty:
        return figures.empty("There are no boundaries for these areas in this warehouse.", height=height)
    values = pd.to_numeric(frame[value_column], errors="coerce")
    # a small count hidden by suppression.py ("<5") is not "no data": grey, and said so in its hover
    hidden = frame[value_column].map(suppression.is_suppressed).astype(bool)
    known, missing, small = frame[values.notna()], frame[values.isna() & ~hidden], frame[hidden]
    traces, trace_codes = [], []
    if not known.empty:
        traces.append(go.Choropleth(
            featureidkey="id", locations=known["lsoa_code"], z=values[values.notna()],
            customdata=_customdata(known, hover_columns), hovertemplate=hovertemplate,
            colorscale=figures.SEQUENTIAL, zmin=0, zmax=max(float(values.max()), 1e-9),
            marker={"line": {"color": BORDER, "width": 0.3}}, name="",
            colorbar={"title": {"text": colour_title, "side": "right"}, "thickness": 14, "len": 0.8,
                      "tickformat": colour_format or ",.0f", "outlinewidth": 0},
        ))
        trace_codes.append(known["lsoa_code"])
    if not missing.empty:
        traces.append(go.Choropleth(
            featureidkey="id", locations=missing["lsoa_code"], z=[0] * len(missing),
            customdata=_customdata(missing, ["lsoa_name"]), showscale=False, name="no data",
            colorscale=[[0, MISSING_GREY], [1, MISSING_GREY]], marker={"line": {"color": BORDER, "width": 0.3}},
            hovertemplate="%{customdata[0]} (%{location}): no data<extra></extra>",
        ))
        trace_codes.append(missing["lsoa_code"])
    if not small.empty:
        traces.append(go.Choropleth(
            featureidkey="id", locations=small["lsoa_code"], z=[0] * len(small),
            customdata=_customdata(small, ["lsoa_name"]), showscale=False, name="fewer than 5",
            colorscale=[[0, MISSING_GREY], [1, MISSING_GREY]], marker={"line": {"color": BORDER, "width": 0.3}},
            hovertemplate=(f"%{{customdata[0]}} (%{{location}}): {html.escape(suppression.SUPPRESSED)} "
                           "(a small number, hidden)<extra></extra>"),
        ))
        trace_codes.append(small["lsoa_code"])
    fig = go.Figure(data=traces)
    # Each trace gets only its own boundaries, set after the figure is built: go.Figure deep-copies
    # what it is given, which for a few hundred boundaries costs more than the rest of the page.
    features = {feature["id"]: feature for feature in collection["features"]}
    for trace, codes in zip(fig.data, trace_codes):
        trace.geojson = {"type": "FeatureCollection", "features": [features[code] for code in codes]}
    fig.update_geos(visible=False, projection_type="mercator", **_view(collection, focus))
    figures.styled(fig, height=height, legend=False)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 8, "b": 0})
    return fig


def _rings(geometry: dict) -> list:
    """Every ring of a GeoJSON Polygon or MultiPolygon (lists or numpy arrays of [lon, lat])."""
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def _view(collection: dict, focus: Iterable[str] | None) -> dict:
    """Fit to every drawn LSOA, or to the bounding box of the focus LSOAs (with a margin)."""
    focus = set(focus) if focus is not None else set()
    rings = [np.asarray(ring, dtype=float) for feature in collection["features"] if feature["id"] in focus
             for ring in _rings(feature["geometry"])]
    if not rings:
        return {"fitbounds": "locations"}
    points = np.vstack(rings)
    (west, south), (east, north) = points.min(axis=0), points.max(axis=0)
    pad = max(east - west, north - south, 0.005) * 0.08
    return {"fitbounds": False, "lonaxis_range": [west - pad, east + pad], "lataxis_range": [south - pad, north + pad]}


def _customdata(frame: pd.DataFrame, columns: list[str]):
    """Hover columns as an object array (plotly validates a list of lists item by item: 5x slower);
    numbers rounded to 6 decimals, enough for any hover format, and missing values as None."""
    values = frame[columns].copy()
    for column in values.columns:
        if pd.api.types.is_float_dtype(values[column]):
            values[column] = values[column].round(6)
    return values.astype(object).where(values.notna(), None).to_numpy()


def with_map_config(component: Component) -> Component:
    """Give every dcc.Graph inside component (a chart_card) MAP_CONFIG, so no base map is fetched."""
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, dcc.Graph):
            node.config = MAP_CONFIG
        children = getattr(node, "children", None)
        if isinstance(children, (list, tuple)):
            stack.extend(children)
        elif isinstance(children, Component):
            stack.append(children)
    return component
