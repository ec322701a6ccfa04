"""Reading Dash component trees and Plotly figures in tests."""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go
from dash.development.base_component import Component

from dashboard.components import later, tree


def walk(component):
    """Every component and string in the tree as the browser ends up showing it (the page's later parts drawn
    in place, components/later.py), depth first."""
    yield from walk_as_sent(later.expand(component))


def walk_as_sent(component):
    """Every component and string in the tree as a response sends it (later parts not drawn), depth first."""
    yield from tree.walk(component)


def text_of(component) -> str:
    """All the visible text of a component tree, joined by spaces."""
    return " ".join(str(node) for node in walk(component) if isinstance(node, (str, int, float)))


def by_id(component, component_id):
    """The component with this id (string or pattern dict); AssertionError if absent."""
    for node in walk(component):
        if isinstance(node, Component) and getattr(node, "id", None) == component_id:
            return node
    raise AssertionError(f"no component with id {component_id!r}")


def figures(component) -> dict:
    """{graph id: go.Figure} for every dcc.Graph in the tree."""
    found = {}
    for node in walk(component):
        if isinstance(node, Component) and node._type == "Graph" and getattr(node, "figure", None) is not None:
            figure = node.figure
            found[node.id] = figure if isinstance(figure, go.Figure) else go.Figure(figure)
    return found


def values(array) -> np.ndarray:
    """A trace array as numbers, whether plain or Plotly 7's base64 {'dtype', 'bdata'} encoding."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    return np.asarray(array)


def grids(component) -> dict:
    """{grid name: rowData} for every data grid in the tree."""
    found = {}
    for node in walk(component):
        if isinstance(node, Component) and node._type == "AgGrid":
            key = node.id["grid"] if isinstance(node.id, dict) else node.id
            found[key] = node.rowData
    return found

