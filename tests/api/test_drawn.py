"""What the API reads from a drawn page (dashboard/api/drawn.py), on small hand-made trees."""

from __future__ import annotations

import sys
import types

import pandas as pd
from dash import dcc, html

from dashboard import catalogue
from dashboard.api.drawn import tables_in
from dashboard.components.tables import column, data_grid


def test_a_grid_s_rows_caption_and_column_meanings_are_read_and_the_browser_gets_no_extra_keys():
    frame = pd.DataFrame({"practice_code": ["A1", "A2"], "patients": [3, 12], "share": [0.03, 0.12]})
    grid = data_grid("page-table", frame, [
        column("practice_code", catalogue.header("dim_practice.practice_code")),
        column("patients", "Patients", "count", people_count=True, catalogue="practice__age.patients"),
        column("share", "Share", "percent", hidden_with="patients"),
    ], caption="Two practices")
    [table] = tables_in(html.Div([html.H2("A page"), grid])).values()
    assert table.grid == "page-table" and table.caption == "Two practices"
    # the count of 3 is "<5", and the share worked out from it is hidden with it
    assert table.rows == [{"practice_code": "A1", "patients": "<5", "share": "<5"},
                          {"practice_code": "A2", "patients": 12, "share": 0.12}]
    assert [(c["field"], c["catalogue"], c["kind"], c["people_count"], c["hidden_with"]) for c in table.columns] == [
        ("practice_code", "dim_practice.practice_code", "text", False, None),
        ("patients", "practice__age.patients", "count", True, None),
        ("share", None, "percent", False, "patients"),
    ]
    sent = grid.children[-1].children.columnDefs
    assert all(not key.startswith("jointcare") for definition in sent for key in definition)


def test_a_funnel_table_loaded_on_request_is_read_through_the_page_s_own_callback(monkeypatch):
    """A funnel of more practices than a page sends at once is drawn empty, with its request in a Store; the
    API's rows are what the page's load-the-table callback returns for that request."""
    asked = []

    def load_funnel_table(clicks, request):
        asked.append((clicks, request))
        return [{"name": "A", "value": 1.5}]

    module = types.ModuleType("pages.fake_funnel")
    module.load_funnel_table = load_funnel_table
    monkeypatch.setitem(sys.modules, "pages.fake_funnel", module)
    tree = html.Div([
        dcc.Store(id="fake-funnel-table-request", data={"measure": "m", "council": "C"}),
        data_grid("fake-funnel-table", pd.DataFrame({"name": [], "value": []}),
                  [column("name", "Name"), column("value", "Value", "number")], caption="Funnel"),
    ])
    [table] = tables_in(tree, "pages.fake_funnel").values()
    assert table.rows == [{"name": "A", "value": 1.5}]
    assert asked == [(1, {"measure": "m", "council": "C"})]


def test_a_header_keeps_its_catalogue_entry_through_a_copy_and_a_pickle():
    import copy
    import pickle

    made = catalogue.header("dim_practice.practice_code")
    for again in (copy.deepcopy(made), copy.copy(made), pickle.loads(pickle.dumps(made))):
        assert again == made and again.key == "dim_practice.practice_code"
