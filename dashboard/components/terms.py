"""Plain-English definitions of the terms the pages use, each shown as a keyboard-reachable tooltip."""

from __future__ import annotations

import itertools

import dash_bootstrap_components as dbc
from dash import html

GLOSSARY = {
    "PCN": "Primary care network: GP practices working together, usually for 30,000 to 50,000 patients.",
    "sub-ICB": "Sub-integrated care board location: the NHS commissioning area that replaced CCGs in 2022.",
    "ICB": "Integrated care board: the NHS body that plans and pays for health services in an area.",
    "HWB": "Health and wellbeing board: the council-led board that signs off the Better Care Fund plan.",
    "BCF": "Better Care Fund: a pooled budget of NHS and council money for joined-up health and social care.",
    "LSOA": "Lower layer super output area: a small area of about 1,500 residents used for statistics.",
    "locality": "An area a council draws for its neighbourhood teams, made of whole LSOAs.",
    "catchment": "Where a practice's registered patients live, from NHS Digital's quarterly counts by LSOA.",
    "boundary practice": "A practice with more than 10% of its patients living under a different social care council.",
    "coterminosity": "How well one area fits inside another: the share of its patients living in the best-matching council or locality.",
    "joint-working index": "A 0 to 100 score of how closely a practice works with social care, from ten indicators in four equally weighted domains.",
    "ASCOF": "Adult Social Care Outcomes Framework: national measures of how well social care does for people.",
    "reablement": "Short-term help at home after illness or a hospital stay, to regain independence.",
    "apportioned": "Shared out by where patients live: a council's figure goes to practices by the share of its residents each one serves.",
    "per head": "Divided by the number of residents (mid-year registered population).",
    "financial year": "April to March, written 2024-25.",
    "MDT": "Multidisciplinary team meeting: GPs, nurses and social workers planning care for patients together.",
    "social care council": "The upper-tier council responsible for adult social care: a county, unitary, metropolitan district or London borough.",
}

_counter = itertools.count()


def term(label: str, key: str | None = None) -> html.Span:
    """The label, underlined, with its definition on hover and on keyboard focus."""
    definition = GLOSSARY[key or label]
    target = f"term-{next(_counter)}"
    return html.Span([
        html.Span([label, html.Span(f" ({definition})", className="visually-hidden")],
                  id=target, className="term", tabIndex=0),
        dbc.Tooltip(definition, target=target, placement="top"),
    ])
