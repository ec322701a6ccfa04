"""Overview, for board members: the headline measures for the selected area. (Being built.)"""

import dash
from dash import html

from dashboard import filters

dash.register_page(__name__, path="/", title="Overview - jointcare", name="Overview")


def layout(**query):
    selection, _notes = filters.parse(query)
    return html.Div([html.H1("Overview"), html.P(filters.describe(selection))])
