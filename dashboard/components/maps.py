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
- Over the LSOAs, the outline of every council with an LSOA in view is drawn as a dark line on a
  white halo (seen on the palest and the darkest area alike), one trace per council, with each
  council's name at a point inside it; a `home_council` is drawn with a much thicker line, so it
  stands out by shape, not only colour. The lines and names take no hover, so the LSOA under the
  pointer still answers it. `boundary_sentence(fig)` says in words which councils are drawn.

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

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
from dash import dcc
from dash.development.base_component import Component

from dashboard import formats, geometry, palette, suppression
from dashboard.components import figures

MISSING_GREY = "#C8CDD0"
BORDER = palette.NHS_MID_GREY  # a pale area's edge still shows on the white page
COUNCIL_LINE = palette.NHS_BLACK
HALO = palette.WHITE
COUNCIL_WIDTH, HOME_WIDTH, HALO_EXTRA = 1.5, 4.0, 2.5  # pixels; LSOA edges are 0.3
_BASE_LAYERS = ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")
EMPTY_TOPOLOGY = {"type": "Topology", "arcs": [],
                  "objects": {layer: {"type": "GeometryCollection", "geometries": []} for layer in _BASE_LAYERS}}
# plotly.js asks for <topojsonURL>/world_110m.json; the fragment after '#' is not part of a data: URL.
MAP_CONFIG = {**figures.GRAPH_CONFIG,
              "topojsonURL": "data:application/json," + quote(json.dumps(EMPTY_TOPOLOGY, separators=(",", ":"))) + "#"}


def lsoa_choropleth(frame: pd.DataFrame, *, colour_title: str, hovertemplate: str, value_column: str = "value",
                    colour_format: str | None = None, focus: Iterable[str] | None = None,
                    home_council: str | None = None, height: int = 520) -> go.Figure:
    """A map of frame's LSOAs coloured by value_column on palette.SEQUENTIAL (missing values grey).

    colour_format is a d3 format for the colour bar's ticks (".0%" for shares); the colour bar
    starts at 0 so a pale colour always means a small number. The map is fitted to all the LSOAs
    drawn, or to the `focus` codes among them (say, where most of a practice's patients live, so a
    few patients across the county do not shrink the catchment to a speck); the rest stay drawn
    around it, a scroll or drag away. home_council (a council code) is outlined more heavily than the
    other councils, and drawn even when none of its LSOAs is in view.
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
            colorscale=[list(step) for step in palette.SEQUENTIAL], zmin=0, zmax=max(float(values.max()), 1e-9),
            marker={"line": {"color": BORDER, "width": 0.3}}, name="",
            colorbar={"title": {"text": colour_title, "side": "right"}, "thickness": 14, "len": 0.8,
                      "tickformat": colour_format or ",.0f", "outlinewidth": 0},
        ))
        trace_codes.append(known["lsoa_code"])
    if not missing.empty:
        traces.append(go.Choropleth(
            featureidkey="id", locations=missing["lsoa_code"], z=[0] * len(missing),
            customdata=_customdata(missing, ["lsoa_name"]), showscale=False, name=formats.NO_DATA,
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
    view = _view(collection, focus)
    fig.update_geos(visible=False, projection_type="mercator", **view)
    outlines = geometry.council_outlines(_in_view(collection, view), tolerance=geometry.tolerance_for(drawn),
                                         include=[home_council] if home_council else [])
    fig.add_traces(_council_traces(outlines, home_council, view))
    figures.styled(fig, height=height, legend=bool(outlines))
    # the legend (what the lines are) sits under the map, where it hides no area
    fig.update_layout(margin={"l": 0, "r": 0, "t": 8, "b": 32 if outlines else 0},
                      legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "top"})
    return fig


def _in_view(collection: dict, view: dict) -> list[str]:
    """The drawn LSOAs that reach into the map's first view (all of them when it is fitted to them all)."""
    if "lonaxis_range" not in view:
        return [feature["id"] for feature in collection["features"]]
    (west, east), (south, north) = view["lonaxis_range"], view["lataxis_range"]
    codes = []
    for feature in collection["features"]:
        points = np.vstack([np.asarray(ring, dtype=float) for ring in _rings(feature["geometry"])])
        (low_lon, low_lat), (high_lon, high_lat) = points.min(axis=0), points.max(axis=0)
        if low_lon <= east and high_lon >= west and low_lat <= north and high_lat >= south:
            codes.append(feature["id"])
    return codes


def _council_traces(outlines: list, home_council: str | None, view: dict) -> list[go.Scattergeo]:
    """Under each group of lines a white halo, then a dark line per council (the home council last and
    thickest, on top), then one text trace of the names. No hover on any of them."""
    points = [_label_in_view(outline, view) for outline in outlines]
    others = [outline for outline in outlines if outline.code != home_council]
    home = [outline for outline in outlines if outline.code == home_council]
    traces = []
    for group, width, legend_name in ((others, COUNCIL_WIDTH, "Council boundary"),
                                      (home, HOME_WIDTH, f"Home council: {home[0].name}" if home else "")):
        if not group:
            continue
        key = "home" if group is home else "council"
        traces.append(go.Scattergeo(
            lon=_joined([outline.lon for outline in group]), lat=_joined([outline.lat for outline in group]),
            mode="lines", line={"color": HALO, "width": width + HALO_EXTRA}, hoverinfo="skip",
            showlegend=False, legendgroup=key, name="", meta={"halo": True}))
        for index, outline in enumerate(group):
            traces.append(go.Scattergeo(
                lon=outline.lon, lat=outline.lat, mode="lines", line={"color": COUNCIL_LINE, "width": width},
                hoverinfo="skip", name=legend_name, legendgroup=key, showlegend=index == 0,
                meta={"council_code": outline.code, "council_name": outline.name, "home": group is home}))
    if outlines:
        traces.append(go.Scattergeo(
            lon=[lon for lon, _ in points], lat=[lat for _, lat in points],
            text=[f"{outline.name} (home council)" if outline.code == home_council else outline.name
                  for outline in outlines],
            mode="text", textfont={"color": COUNCIL_LINE, "size": 13, "weight": "bold", "shadow": "auto"},
            hoverinfo="skip", showlegend=False, name="", meta={"council_names": True}))
    return traces


def _label_in_view(outline, view: dict) -> tuple[float, float]:
    """Where a council's name goes: its own label point, or, when the map's first view shows only part
    of the council and not that point (a practice's map zoomed to its catchment), inside that part."""
    if "lonaxis_range" not in view:
        return outline.label_lon, outline.label_lat
    (west, east), (south, north) = view["lonaxis_range"], view["lataxis_range"]
    if west < outline.label_lon < east and south < outline.label_lat < north:
        return outline.label_lon, outline.label_lat
    seen = shapely.intersection(outline.shape, shapely.box(west, south, east, north))
    if shapely.is_empty(seen) or shapely.area(seen) == 0:
        return outline.label_lon, outline.label_lat
    return geometry.label_point(seen, max(east - west, north - south) / 200)


def _joined(arrays: list[np.ndarray]) -> np.ndarray:
    """Arrays of line coordinates as one, with NaN between them so no line joins two councils."""
    gap = np.full(1, np.nan, dtype=np.float32)
    return np.concatenate([piece for array in arrays for piece in (gap, array)][1:])


def drawn_councils(fig: go.Figure) -> list[dict]:
    """{council_code, council_name, home} of each council outlined on a map, in the order drawn."""
    return [dict(trace.meta) for trace in fig.data
            if trace.type == "scattergeo" and isinstance(trace.meta, dict) and "council_code" in trace.meta]


def boundary_sentence(fig: go.Figure, home_words: str = "its home council") -> str:
    """Which council boundaries a map draws, for its description; empty when it draws none."""
    councils = drawn_councils(fig)
    if not councils:
        return ""
    home = [council for council in councils if council["home"]]
    thicker = ", the thicker line" if len(councils) > 1 else ""
    names = [f"{council['council_name']} ({home_words}{thicker})" if council["home"] else council["council_name"]
             for council in [*home, *[council for council in councils if not council["home"]]]]
    if len(names) == 1:
        return f"The dark line is the council boundary of {names[0]}, named on the map."
    return f"The dark lines are the council boundaries of {', '.join(names[:-1])} and {names[-1]}, named on the map."


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
            node.config = {**(node.config or figures.GRAPH_CONFIG), "topojsonURL": MAP_CONFIG["topojsonURL"]}
        children = getattr(node, "children", None)
        if isinstance(children, (list, tuple)):
            stack.extend(children)
        elif isinstance(children, Component):
            stack.append(children)
    return component
