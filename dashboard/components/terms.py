"""Plain-English definitions of the terms the pages use, each shown as a keyboard-reachable tooltip."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

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
    "coterminosity": ("How well one area fits inside another: the share of its patients living in the best-matching "
                      "council or locality."),
    "joint-working index": ("A 0 to 100 score of how closely a practice works with social care, from ten indicators "
                            "in four equally weighted domains."),
    "ASCOF": "Adult Social Care Outcomes Framework: national measures of how well social care does for people.",
    "reablement": "Short-term help at home after illness or a hospital stay, to regain independence.",
    "apportioned": ("Shared out by where patients live: a council's figure goes to practices by the share of its "
                    "residents each one serves."),
    "per head": "Divided by the number of residents (mid-year registered population).",
    "financial year": "April to March, written 2024-25.",
    "MDT": "Multidisciplinary team meeting: GPs, nurses and social workers planning care for patients together.",
    "social care council": ("The upper-tier council responsible for adult social care: a county, unitary, "
                            "metropolitan district or London borough."),
    "SPC": ("Statistical process control: a chart that separates the month-to-month variation expected by chance "
            "from changes worth acting on."),
    "special cause": ("Special cause variation: a point or pattern unlikely to be chance alone (outside the process "
                      "limits, or a long run on one side of the mean or rising or falling)."),
    "common cause": ("Common cause variation: the ups and downs a stable process shows by chance; no single month "
                     "needs explaining."),
    "process limits": ("The lines on an SPC chart three standard deviations either side of the mean (mean ± 2.66 × "
                       "the average moving range): nearly every point falls between them by chance alone."),
    "funnel plot": ("A chart of each practice's rate against its size, with limits that narrow as practices get "
                    "larger: a practice outside them differs from the rest by more than chance."),
    "confidence interval": ("The range the true value probably lies in, given the play of chance: a 95% confidence "
                            "interval misses it 1 time in 20."),
    "difference-in-differences": ("A comparison of how much practices changed after joining joint working with how "
                                  "much similar practices that had not joined changed over the same months."),
    "parallel trends": ("The assumption that, without joint working, joining practices would have changed in step "
                        "with the practices they are compared with."),
}

_counter = itertools.count()
# (name, its own count) while a part of a page is drawn in a response of its own (components/later.py)
_scope: ContextVar[tuple[str, Iterator[int]] | None] = ContextVar("term_scope", default=None)


@contextmanager
def id_scope(name: str):
    """Terms drawn inside are given ids named for `name`, numbered from 0: a part of a page drawn in a response
    of its own, by whichever worker, cannot repeat an id of the page it joins (a tooltip finds its term by id),
    and the same part is drawn with the same ids each time."""
    token = _scope.set((name, itertools.count()))
    try:
        yield
    finally:
        _scope.reset(token)


def _new_id() -> str:
    scope = _scope.get()
    return f"term-{next(_counter)}" if scope is None else f"term-{scope[0]}-{next(scope[1])}"


def term(label: str, key: str | None = None) -> html.Span:
    """The label, underlined, with its definition on hover and on keyboard focus."""
    definition = GLOSSARY[key or label]
    target = _new_id()
    return html.Span([
        html.Span([label, html.Span(f" ({definition})", className="visually-hidden")],
                  id=target, className="term", tabIndex=0),
        dbc.Tooltip(definition, target=target, placement="top"),
    ])
