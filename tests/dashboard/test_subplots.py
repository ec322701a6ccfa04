"""figures.subplots: plotly's make_subplots made once per shape, and the same figure every time after."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from dashboard.components import figures
from dashboard.serialise import figure_dict

SHAPES = [
    dict(rows=5, cols=1, shared_xaxes=True, vertical_spacing=0.09, subplot_titles=("a", "b", "c", "d", "e")),
    dict(rows=1, cols=3, shared_yaxes=True, horizontal_spacing=0.04, subplot_titles=("x", "y", "z")),
]


def _drawn(fig: go.Figure, rows: int, cols: int) -> dict:
    for row in range(1, rows + 1):
        for col in range(1, cols + 1):
            fig.add_trace(go.Scatter(x=[1, 2], y=[row, col], name=f"{row},{col}"), row=row, col=col)
    fig.update_yaxes(title_text="Rate", row=1, col=1)
    return json.loads(json.dumps(figure_dict(fig)))


@pytest.mark.parametrize("shape", SHAPES, ids=["stacked", "side by side"])
def test_the_same_figure_as_make_subplots_each_time(shape):
    expected = _drawn(make_subplots(**{**shape, "subplot_titles": list(shape["subplot_titles"])}),
                      shape["rows"], shape["cols"])
    first = _drawn(figures.subplots(**shape), shape["rows"], shape["cols"])
    second = _drawn(figures.subplots(**shape), shape["rows"], shape["cols"])  # from the remembered layout
    assert first == expected and second == expected
    # the panels' traces went to their own axes, not all to the first
    assert {trace["xaxis"] for trace in second["data"]} == {"x"} | {f"x{i}" for i in range(2, len(second["data"]) + 1)}


def test_a_figure_drawn_on_does_not_change_the_next():
    shape = SHAPES[1]
    drawn = figures.subplots(**shape)
    drawn.update_layout(title_text="changed")
    drawn.layout.annotations[0].text = "changed"
    fresh = figures.subplots(**shape)
    assert fresh.layout.title.text is None and fresh.layout.annotations[0].text == "x"
