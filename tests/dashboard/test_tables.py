"""The shared grid columns: wrapping, the pence format and practice links."""

from __future__ import annotations

import pandas as pd

from dashboard.components.tables import column, data_grid, practice_link_column
from tests.dashboard.helpers import walk


def test_wrap_lets_long_text_run_onto_more_lines():
    assert column("name", "Name", wrap=True)["wrapText"] is True
    assert column("name", "Name", wrap=True)["autoHeight"] is True
    assert "wrapText" not in column("name", "Name")


def test_pence_are_right_aligned_pounds_with_two_decimals():
    pence = column("per_head", "Per head (£)", "pence")
    assert pence["type"] == "numericColumn"
    # formatCell(params, places, separators, proportion, pounds, signed): £1,234.50
    assert pence["valueFormatter"]["function"] == "formatCell(params, 2, true, false, true, false)"


def test_every_grid_wraps_its_headers():
    grid = next(node for node in walk(data_grid("t", pd.DataFrame({"a": [1]}), [column("a", "A")], caption="T"))
                if getattr(node, "_type", None) == "AgGrid")
    assert grid.defaultColDef["wrapHeaderText"] and grid.defaultColDef["autoHeaderHeight"]


def test_practice_link_goes_to_the_profile_with_the_query_and_exports_the_code():
    link = practice_link_column("practice_code", "Code", "?period=2024-25")
    assert link["headerName"] == "Code" and link["cellRenderer"] == "markdown"
    # the link is built in the browser by assets/dashAgGridFunctions.js practiceLink (tests/browser check it)
    assert (link["valueGetter"]["function"]
            == 'practiceLink(params, "practice_code", "practice_code", "?period=2024-25")')
    assert link["valueFormatter"]["function"] == 'params.data["practice_code"]'  # the CSV keeps the plain code
    assert link["filterValueGetter"]["function"] == 'params.data["practice_code"]'  # filtering ignores the markdown
    # a quote in the query cannot end the JavaScript string early
    assert practice_link_column(query='?x="')["valueGetter"]["function"].endswith(r'"?x=\"")')


def test_practice_names_wrap_in_every_grid_of_the_pages(dashboard_db):
    # A practice's name ("RUSKANTON & WENNOWHAM MEDICAL PRACTICE") runs onto a second line rather than being
    # cut off at 1440 px (issue 13); each page's grids are read from its layout on the tiny area
    from dash.development.base_component import Component

    from dashboard.pages import catchment, joint_working, outcomes, practice

    trees = [catchment.layout(period="2022-23"), joint_working.layout(period="2022-23"),
             outcomes.layout(period="2022-23"), practice.layout("A00001", period="2022-23")]
    name_columns = [definition for tree in trees for node in walk(tree)
                    if isinstance(node, Component) and node._type == "AgGrid"
                    for definition in node.columnDefs if definition["headerName"].startswith("Practice")
                    and "name" in definition["field"]]
    assert name_columns and all(definition.get("wrapText") for definition in name_columns)


def test_long_legend_entries_are_wrapped_for_a_phone():
    # plotly cuts a legend entry off at the figure's edge: at 320 px about 32 characters fit beside the symbol
    import plotly.graph_objects as go

    from dashboard.components import figures

    fig = go.Figure([go.Scatter(x=[1], y=[1], name="Practices with an attached social worker"),
                     go.Scatter(x=[1], y=[2], name="This practice")])
    figures.styled(fig)
    assert fig.data[0].name == "Practices with an attached<br>social worker"
    assert fig.data[1].name == "This practice"
