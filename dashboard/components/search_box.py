"""A search box: the shell's site search, the filter bar's practice search and the group builder's member
search are each one of these, drawn over /search.json by assets/search_combobox.js."""

from __future__ import annotations

from dash import html

from dashboard import search


def combobox(prefix: str, label: str, hint: str, class_name: str) -> html.Div:
    """A search box: an ARIA 1.2 combobox whose keys, fetches and list are the work of
    assets/search_combobox.js, which finds it by its prefix (dashboard/search.py says why a script of our
    own, and what it finds)."""
    return html.Div([
        html.Label(label, htmlFor=f"{prefix}-input", className="form-label"),
        # the script puts the <input role="combobox"> here: Dash 4's inputs take no role or aria-* attributes
        html.Div(html.Ul(id=f"{prefix}-listbox", role="listbox", className="site-search-listbox", hidden=True,
                         **{"aria-label": f"{label}: results"}),
                 id=f"{prefix}-field", className="site-search-field", **{"data-max-length": search.MAX_TYPED}),
        html.P(hint, id=f"{prefix}-hint", className="visually-hidden"),
        html.P(id=f"{prefix}-note", className="site-search-note", hidden=True),
        html.Div(id=f"{prefix}-status", role="status", className="visually-hidden", **{"aria-live": "polite"}),
    ], className=class_name, id=prefix)
