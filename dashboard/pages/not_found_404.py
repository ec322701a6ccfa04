"""Any address the dashboard does not have: say so, and offer the way back."""

import dash
from dash import dcc, html

dash.register_page(__name__, path="/404", title="Page not found - jointcare")


def layout(**_query):
    return html.Div([
        html.H1("Page not found"),
        html.P("There is no page at this address. It may have been mistyped, or the link may be out of date."),
        html.P([dcc.Link("Go to the overview", href="/"), " or choose a page from the menu above."]),
    ])
