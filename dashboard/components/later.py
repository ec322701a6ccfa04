"""Sections drawn after the page: a page's first response holds its top, and each section below arrives in
a response of its own.

At England scale a page of eight charts and tables took 200-450 ms to draw as one response (issue 15: every
callback within 150 ms), and the reader saw nothing until the last table was done. Now the browser shows
the top of the page as soon as it is drawn and asks for every later section at once: the workers draw them
side by side, each a response of its own, so the whole page arrives sooner too.

A page says once how to draw its later parts (`register`) and puts `later(...)` where each goes. The
placeholder carries the state the part needs (the selection's parameters and the page's own choices),
and one callback per page draws any part from it. That state comes back from the browser, so a drawer
treats it as user input (filters.Selection.from_browser, and the page's own checks on its choices).

The API and the tests read a page whole: `expand` draws every later part in place through the same drawer
the callback calls, so what they read is what the browser ends up showing.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import dash
from dash import MATCH, Input, Output, dcc, html
from dash.development.base_component import Component

from dashboard.components import terms
from dashboard.components import tree as tree_nodes
from dashboard.components.cards import no_data

PART = "later-part"  # the placeholder the part is drawn into
STATE = "later-state"  # the dcc.Store beside it, with what the part needs
LOADING = "later-loading"  # the words shown until it arrives

# page -> draw(part, state): the components of one later part
_drawers: dict[str, Callable[[str, dict], object]] = {}


def register(page: str, draw: Callable[[str, dict], object]) -> None:
    """Declare how `page` (its id prefix) draws its later parts, and make the callback that does it in the
    browser. Called once, when the page's module is imported."""
    known = page in _drawers
    # a module imported a second time (dashboard.pages.outcomes beside the app's pages.outcomes, in tests)
    # draws with its own functions, through the callback made the first time
    _drawers[page] = draw
    if known:
        return

    @dash.callback(Output({"type": PART, "page": page, "part": MATCH}, "children"),
                   Input({"type": STATE, "page": page, "part": MATCH}, "data"))
    def draw_later_part(state):
        return _draw(page, dash.ctx.outputs_list["id"]["part"], state)

    draw_later_part.__name__ = f"draw_later_part_{page.replace('-', '_')}"


def later(page: str, part: str, state: dict, *, what: str) -> html.Div:
    """Where a later part goes: words saying it is on its way (holding its room, so the page does not jump
    when it arrives) until the page's callback draws it. `what` names it: 'the funnel plot'."""
    return html.Div([
        dcc.Store(id={"type": STATE, "page": page, "part": part}, data=state),
        html.Div(html.P(f"Drawing {what}…", className=LOADING), id={"type": PART, "page": page, "part": part}),
    ], className="later")


def not_drawn() -> html.Div:
    """What a part says when the state it came back with does not name something the page can draw (a
    measure or a practice changed in the browser, a part the page does not have)."""
    return no_data("This part of the page could not be drawn. Reload the page to draw it again.")


def expand(tree):
    """`tree` with every later part drawn in place (the components change in place; the tree is returned).
    A part already drawn is left as it is."""
    nodes = list(tree_nodes.components(tree))
    states = {_key(node.id): node.data for node in nodes if _is(node, STATE)}
    for node in nodes:
        if _is(node, PART) and _waiting(node):
            page, part = _key(node.id)
            node.children = _draw(page, part, states.get((page, part)))
    return tree


def _draw(page: str, part: str, state) -> object:
    with terms.id_scope(f"{page}-{part}"):
        return _drawers[page](part, state if isinstance(state, dict) else {})


def parts(tree) -> list[tuple[str, str]]:
    """(page, part) of every later part in `tree` still to be drawn, in the page's order."""
    return [_key(node.id) for node in tree_nodes.components(tree) if _is(node, PART) and _waiting(node)]


def request(page: str, part: str, state: dict) -> dict:
    """The body the browser posts to draw one later part (what dashboard/warm.py posts to warm it)."""
    part_id = {"type": PART, "page": page, "part": part}
    return {
        "output": json.dumps({"page": page, "part": ["MATCH"], "type": PART}, separators=(",", ":")) + ".children",
        "outputs": {"id": part_id, "property": "children"},
        "inputs": [{"id": {**part_id, "type": STATE}, "property": "data", "value": state}],
        "changedPropIds": [],
    }


def states_in_response(body) -> list[tuple[str, str, dict]]:
    """(page, part, state) of every later part in a callback's JSON response (a page's first response)."""
    found = []
    if isinstance(body, dict):
        props = body.get("props")
        if isinstance(props, dict) and isinstance(props.get("id"), dict) and props["id"].get("type") == STATE:
            found.append((props["id"]["page"], props["id"]["part"], props.get("data") or {}))
        for value in body.values():
            found += states_in_response(value)
    elif isinstance(body, list):
        for value in body:
            found += states_in_response(value)
    return found


def _waiting(node: Component) -> bool:
    children = node.children
    return isinstance(children, html.P) and getattr(children, "className", None) == LOADING


def _is(node: Component, kind: str) -> bool:
    return isinstance(getattr(node, "id", None), dict) and node.id.get("type") == kind


def _key(component_id: dict) -> tuple[str, str]:
    return component_id["page"], component_id["part"]
