"""The parts a page draws after its first response (dashboard/components/later.py), on the tiny area and the demo.

A page's first response holds the top of the page and a placeholder for each later part; the browser posts the
part's callback and gets the part, exactly what the page drew whole before. A state changed in the browser gets
words, never an error, and the API and the tests read the page whole through the same drawers.
"""

from __future__ import annotations

import importlib
import json

import pytest
import requests
from dash.development.base_component import Component

from dashboard.components import later
from dashboard.serialise import to_json_plotly
from dashboard.warm import router_request
from tests.conftest import Server
from tests.dashboard.helpers import grids, text_of, walk_as_sent

CALLBACK = "/_dash-update-component"
# page, its address, and grids (or texts) that are in later parts only
PAGES = {
    "overview": ("/", "?council=E06000901&period=2022-23", {"overview-trends", "overview-spine-table"}),
    "outcomes": ("/outcomes", "?measure=ae_attendances&period=2022-23", {"outcomes-year"}),
    "practice": ("/practice/A00001", "?period=2022-23", {"practice-age", "practice-outcome-year"}),
    "catchment": ("/catchment", "", {"catchment-map-table"}),
}


@pytest.fixture(scope="module")
def served(tiny_outcomes_warehouse):
    """A real gunicorn (`jointcare serve`) on the tiny area, as the browser meets the callbacks."""
    running = Server(tiny_outcomes_warehouse)
    yield running
    running.stop()


class Client:
    """Posts callbacks to the served dashboard; the pages are drawn in this process for comparison."""

    def __init__(self, url: str):
        self.url = url

    def post(self, path: str, json: dict) -> requests.Response:
        return requests.post(self.url + path, json=json, timeout=60)


@pytest.fixture
def client(served, dashboard_db):
    return Client(served.url)


def first_response(client, path: str, search: str) -> dict:
    response = client.post(CALLBACK, json=router_request(path, search))
    assert response.status_code == 200
    return response.json()


def grid_ids(tree) -> set[str]:
    return {node.id["grid"] for node in walk_as_sent(tree) if isinstance(node, Component)
            and node._type == "AgGrid" and isinstance(node.id, dict)}


@pytest.mark.parametrize("name", list(PAGES))
def test_the_first_response_holds_placeholders_and_each_part_arrives_by_its_callback(client, name):
    path, search, later_grids = PAGES[name]
    module = importlib.import_module(f"dashboard.pages.{name}")
    query = dict(pair.split("=", 1) for pair in search.lstrip("?").split("&") if pair)
    tree = module.layout(**({"code": path.rsplit("/", 1)[1]} if name == "practice" else {}), **query)
    # the first response: placeholders saying what is on its way, not the parts
    assert later.parts(tree), "no part is drawn later"
    assert not later_grids & grid_ids(tree)
    assert "Drawing " in " ".join(node for node in walk_as_sent(tree) if isinstance(node, str))
    # the browser posts one callback per part; together they bring the grids the page drew whole before
    states = later.states_in_response(first_response(client, path, search))
    assert [(page, part) for page, part, _ in states] == later.parts(tree)
    arrived = {}
    for page, part, state in states:
        response = client.post(CALLBACK, json=later.request(page, part, state))
        assert response.status_code == 200, response.text[:300]
        [children] = [output["children"] for output in response.json()["response"].values()]
        arrived[part] = children
    # each is what expand() draws in place, through the same drawer: the API and the tests read the same page
    later.expand(tree)
    assert not later.parts(tree)
    drawn = {node.id["part"]: node.children for node in walk_as_sent(tree)
             if isinstance(node, Component) and isinstance(getattr(node, "id", None), dict)
             and node.id.get("type") == later.PART}
    assert {part: json.loads(to_json_plotly(children)) for part, children in drawn.items()} == arrived
    assert later_grids <= set(grids(tree))
    assert "Drawing " not in text_of(tree)
    # a term's id (its tooltip's target) is named for its part: a part drawn by another worker than the first
    # response (whose term ids count up in that worker) cannot repeat one of the page's ids
    for part, children in arrived.items():
        term_ids = [found for found in ids_in(children) if found.startswith("term-")]
        assert all(found.startswith(f"term-{name.replace('_', '-')}-{part}-") for found in term_ids), term_ids
    ids = [node.id for node in walk_as_sent(tree) if isinstance(node, Component)
           and isinstance(getattr(node, "id", None), str)]
    assert len(ids) == len(set(ids))


def ids_in(body) -> list[str]:
    """Every string id in a component's JSON."""
    if isinstance(body, list):
        return [found for item in body for found in ids_in(item)]
    if not isinstance(body, dict):
        return []
    own = [body["props"]["id"]] if isinstance(body.get("props"), dict) and isinstance(body["props"].get("id"), str) \
        else []
    return own + [found for value in body.values() for found in ids_in(value)]


@pytest.mark.parametrize("state", [
    {"period": "2022-23", "measure": "no_such_measure"},  # a measure changed in the browser
    {"period": "2022-23"},  # none
    "not a state",
])
def test_a_state_changed_in_the_browser_gets_words_not_an_error(client, state):
    response = client.post(CALLBACK, json=later.request("outcomes", "funnel", state))
    assert response.status_code == 200
    assert "could not be drawn" in response.text


def test_a_part_the_page_does_not_have_gets_words_not_an_error(client):
    for page, state in (("outcomes", {"period": "2022-23", "measure": "ae_attendances"}),
                        ("practice", {"code": "A00001", "period": "2022-23"}),
                        ("practice", {"code": "NOPE", "period": "2022-23"}),
                        ("catchment", {"period": "2022-23"})):
        response = client.post(CALLBACK, json=later.request(page, "no-such-part", state))
        assert response.status_code == 200
        assert "could not be drawn" in response.text


def test_a_selection_in_the_state_is_the_one_drawn(client):
    # the part for one practice is that practice's, not the whole area's: the state carries the filters
    states = later.states_in_response(first_response(client, "/outcomes",
                                                     "?measure=ae_attendances&period=2022-23&practice=A00002"))
    [year] = [state for page, part, state in states if part == "year"]
    assert year["practice"] == "A00002" and year["period"] == "2022-23"
    response = client.post(CALLBACK, json=later.request("outcomes", "year", year))
    rows = response.text
    # A00002's year table lists its PCN's practices (TOWN PCN: A00001 and A00002), not FELL PCN's A00003
    assert "A00001" in rows and "A00002" in rows and "A00003" not in rows
