"""Similar areas and similar practices: the peer list with its distances (issue 16, peers).

The peers are chosen in the build (mart_council_peers, mart_practice_peers; etl/stats/peers.py), so the
pages, the downloads and the address's compare=peers all mean the same councils and practices.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.catalogue import header
from dashboard.components.cards import no_data
from dashboard.components.tables import area_link_column, column, data_grid, practice_link_column
from dashboard.db import run_query
from dashboard.formats import count

METHOD_WORDS = ("They are the nearest on size (on a log scale), the share aged 65 and over, the share of people "
                "registered across a council boundary and deprivation (IMD score, when the Indices of Deprivation "
                "are loaded), each in standard scores and weighted as Data and methods shows (the approach of "
                "CIPFA's nearest neighbours model). A distance of 0 would be alike on every one; similar is not "
                "the same, and the list is a starting point for comparison, not a ranking.")


def council_peers(council_code: str, prefix: str) -> html.Section:
    """The council's nearest neighbours, nearest first, each a link to the Overview for that council."""
    peers = run_query("peers__council", council=council_code)
    heading = html.H2("Similar areas")
    if len(peers) < 2:
        return html.Section([heading, no_data("Similar areas need the registration and age data of every council; "
                                              "this warehouse does not have them for this council.")])
    name = peers.iloc[0]["council_name"]
    shown = peers.iloc[1:]
    table = data_grid(f"{prefix}-peers", shown, [
        column("peer_rank", header("peers__council.peer_rank"), "count", maxWidth=90),
        area_link_column("council_code", "council_name", header("peers__council.council_name"), "/", "council"),
        column("council_code", header("peers__council.council_code")),  # the link is built from it
        column("distance", header("peers__council.distance"), "number"),
        column("residents", header("peers__council.residents"), "count"),
        column("share_65_plus", header("peers__council.share_65_plus"), "percent"),
        column("share_at_practices_elsewhere", header("peers__council.share_at_practices_elsewhere"), "percent"),
        column("imd_score", header("peers__council.imd_score"), "number"),
    ], caption=f"The {count(len(shown))} councils most like {name}")
    return html.Section([
        heading,
        html.P(f"The {count(len(shown))} councils most like {name}, nearest first. {METHOD_WORDS}"),
        html.P(dcc.Link("How similar areas are chosen", href="/data-and-methods#peers")),
        table,
    ], id=f"{prefix}-peers-section", **{"aria-label": "Similar areas"})


def practice_peers(practice_code: str, prefix: str) -> html.Section:
    """The practice's nearest neighbours, nearest first, each a link to its profile."""
    peers = run_query("peers__practice", practice=practice_code)
    heading = html.H2("Similar practices")
    if len(peers) < 2:
        return html.Section([heading, no_data("Similar practices need the practice's latest list size, age profile "
                                              "and where its patients live; this warehouse does not have them.")])
    name = peers.iloc[0]["practice_name"]
    shown = peers.iloc[1:]
    table = data_grid(f"{prefix}-peers", shown, [
        column("peer_rank", header("peers__practice.peer_rank"), "count", maxWidth=90),
        practice_link_column("practice_code", header("peers__practice.practice_name"), label_field="practice_name"),
        column("practice_code", header("peers__practice.practice_code")),  # the link is built from it
        column("home_council_name", header("peers__practice.home_council_name"), wrap=True),
        column("distance", header("peers__practice.distance"), "number"),
        column("patients", header("peers__practice.patients"), "count"),
        column("share_65_plus", header("peers__practice.share_65_plus"), "percent"),
        column("share_other_council", header("peers__practice.share_other_council"), "percent"),
        column("imd_score", header("peers__practice.imd_score"), "number"),
    ], caption=f"The {count(len(shown))} practices most like {str(name).title()}")
    return html.Section([
        heading,
        html.P(f"The {count(len(shown))} practices in the data most like this one, nearest first. "
               + METHOD_WORDS.replace("registered across a council boundary", "living under another council")),
        html.P(dcc.Link("How similar practices are chosen", href="/data-and-methods#peers")),
        table,
    ], id=f"{prefix}-peers-section", **{"aria-label": "Similar practices"})


def method_section(section_id: str, title: str) -> html.Section:
    """How peers are chosen, for Data and methods (the numbers are in its table of method settings)."""
    return html.Section([
        html.H2(title, id=section_id),
        html.P("Similar areas are the councils most like a council, and similar practices the practices most "
               "like a practice, on a few things the data hold for every one of them, at the latest registration "
               "release: size (registered residents of a council, or a practice's list, on a log scale, so that "
               "twice as large is the same step at any size), the share of people aged 65 and over, and how far "
               "the catchment crosses council boundaries (for a council, the share of its residents registered "
               "with a practice based in another council; for a practice, the share of its patients living under "
               "another council than its home council), and deprivation (the Index of Multiple Deprivation score "
               "of the council, or of the practice's patients, as in the deprivation section above; left out of "
               "the comparison when no Indices of Deprivation file is loaded)."),
        html.P("Each of these is turned into standard scores (how many standard deviations from the mean of all "
               "councils, or all practices), multiplied by the square root of its weight, and the distance between "
               "two areas is the straight-line distance between their scores: the square root of the weighted sum "
               "of the squared differences. Each council's 15 and each practice's 10 nearest are its peers, nearest "
               "first; equal distances go by code. The weights and counts are in the table of method settings "
               "above (group Peers)."),
        html.P("This is the approach of CIPFA's Nearest Neighbours model, which councils use to choose "
               "comparators, made open: CIPFA's model uses many more socio-economic indicators and is licensed, "
               "so these peers are not CIPFA's. A peer is similar on these features only; differences in "
               "outcomes between peers can still have causes the features do not capture."),
    ], **{"aria-labelledby": section_id})


# "Compare with": the address's compare= parameter, on every page that offers a comparator. Peers exist for
# one practice or one council on its own, so the choice is offered only then.
COMPARE_PEERS = "peers"


def peers_kind(selection) -> str | None:
    """'practice' or 'council' when the selection has peers (one practice, or one council on its own)."""
    if selection.practice:
        return "practice"
    if selection.council and not any((selection.locality, selection.sub_icb, selection.pcn, selection.deprivation,
                                                   selection.has_group)):
        return "council"
    return None


def compare_value(query: dict, selection) -> str:
    """The comparison the address asks for, when the selection can have it: COMPARE_PEERS or 'usual'."""
    return COMPARE_PEERS if query.get("compare") == COMPARE_PEERS and peers_kind(selection) else "usual"


def compare_chooser(prefix: str, selection, value: str, usual: str) -> html.Div:
    """A native select (like the measure chooser): the page's usual comparators, or the similar ones."""
    kind = peers_kind(selection)
    similar = {"practice": "Similar practices (its 10 nearest)", "council": "Similar areas (its 15 nearest councils)"}
    options = [{"label": usual, "value": "usual"},
               {"label": similar.get(kind, "Similar areas (choose one council or one practice)"),
                "value": COMPARE_PEERS, "disabled": kind is None}]
    return html.Div([
        html.Label("Compare with", htmlFor=f"{prefix}-compare", className="form-label"),
        dbc.Select(id=f"{prefix}-compare", options=options, value=value),
    ], className="measure-chooser", style={"marginBottom": "1.25rem", "maxWidth": "40rem"})


def peer_list(selection, prefix: str) -> html.Section | None:
    """The peers compared with, under the charts that use them."""
    kind = peers_kind(selection)
    if kind == "practice":
        return practice_peers(selection.practice, prefix)
    if kind == "council":
        return council_peers(selection.council, prefix)
    return None
