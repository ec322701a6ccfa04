"""Groups: make a group of practices (a GP federation, a care hub, a locality that crosses PCNs) and use it
as the selection on every page; and the shared groups an organisation loaded from its groups file.

The group being made lives in the address (`?group_name=...&members=P:Y90149,N:U22507`, the same keys every
page reads: dashboard/filters.py), so every step is a link: adding a member from the search, removing one,
naming the group. A reload, the back button or a copied link shows the same group, and nothing is stored on
the server. Bad codes are dropped by filters.parse with the note every page shows above it.
"""

from __future__ import annotations

import dash
from dash import Input, Output, State, clientside_callback, dcc, html

from dashboard import filters, formats
from dashboard.components.cards import no_data
from dashboard.components.search_box import combobox
from dashboard.components.words import plural
from dashboard.db import run_query

dash.register_page(__name__, path="/groups", title="Groups of practices - jointcare", name="Groups")

PREFIX = "groups"
KIND_WORDS = {"practice": "Practice", "pcn": "PCN", "locality": "Council locality"}


def layout(**query):
    selection, _ = filters.parse(query)
    members = filters.parse_members(selection.members or "")[0] if not selection.group else []
    return html.Div([
        html.H1("Groups of practices"),
        html.P("A group is any set of practices: a GP federation, an integrated care hub, a locality that "
               "crosses PCNs. Make one here from practices, PCNs and council localities, and every page shows "
               "it like any other area: compared with its councils, its ICB and England, and downloadable."),
        _builder(selection, members),
        _shared_section(),
    ])


def _builder(selection: filters.Selection, members: list[tuple[str, str]]) -> html.Section:
    name = selection.group_name or ""
    return html.Section([
        html.H2("Make your own group"),
        html.Div([
            html.Label("Name of the group", htmlFor=f"{PREFIX}-name", className="form-label"),
            dcc.Input(id=f"{PREFIX}-name", type="text", value=name, debounce=True,
                      maxLength=filters.MAX_GROUP_NAME, className="form-control",
                      placeholder=filters.OWN_GROUP_NAME),
            html.P("Press Enter or leave the box to keep the name.", className="form-text"),
        ], className="mb-3 groups-field"),
        combobox("group-search", "Add a practice, PCN or council locality",
                 "Type two letters or more of a name or code, then use the arrow keys and Enter to add it.",
                 "site-search groups-search mb-3"),
        html.Div([
            # the hint sits inside the label: dcc.Textarea takes no aria-describedby
            html.Label(["Or add a list of codes",
                        html.Span("ODS practice codes, PCN codes or council locality codes, one a line or separated "
                                  "by commas (a spreadsheet column pastes as it is).", className="form-text d-block")],
                       htmlFor=f"{PREFIX}-paste", className="form-label"),
            dcc.Textarea(id=f"{PREFIX}-paste", className="form-control", rows=3),
            html.Button("Add these codes", id=f"{PREFIX}-paste-add", n_clicks=0,
                        className="btn btn-outline-primary btn-sm mt-2"),
        ], className="mb-3 groups-field"),
        _members(selection, members),
    ], **{"aria-labelledby": f"{PREFIX}-builder-heading"}, id=f"{PREFIX}-builder")


def _members(selection: filters.Selection, members: list[tuple[str, str]]) -> html.Div:
    if not members:
        return html.Div([
            html.H3("Members", id=f"{PREFIX}-members-heading"),
            no_data("The group has no members yet: add practices, PCNs or localities above."),
        ])
    listed = {kind: ",".join(code for member_kind, code in members if member_kind == kind) or None
              for kind in filters.MEMBER_KINDS.values()}
    found = run_query("groups__members", member_practices=listed["practice"], member_pcns=listed["pcn"],
                      member_localities=listed["locality"]).set_index(["member_type", "member_code"])
    totals = run_query("groups__totals", group_practices=filters.group_params(selection)["group_practices"])
    rows = []
    for kind, code in members:
        row = found.loc[(kind, code)] if (kind, code) in found.index else None
        name = str(row["member_name"]) if row is not None else code
        rest = [member for member in members if member != (kind, code)]
        rows.append(html.Tr([
            html.Th(name, scope="row"),
            html.Td(KIND_WORDS[kind]),
            html.Td(code),
            html.Td(formats.count(row["practices"] if row is not None else 0), className="number"),
            html.Td(formats.count(row["registered_patients"] if row is not None else None), className="number"),
            html.Td(dcc.Link(["Remove", html.Span(f" {name}", className="visually-hidden")],
                             href=_address(selection, rest))),
        ]))
    practices = int(totals["practices"].iloc[0])
    patients = totals["registered_patients"].iloc[0]
    label = filters.group_label(selection)
    use = "/" + _query(selection, members, period=True)
    return html.Div([
        html.H3(f"Members of {label}", id=f"{PREFIX}-members-heading"),
        _scrolling(html.Table([
            html.Caption(f"{plural(len(members), 'member')}: {plural(practices, 'practice')} in all, "
                         f"{formats.count(patients)} registered patients (a practice two members share counts "
                         "once)."),
            html.Thead(html.Tr([html.Th(text, scope="col", className="number" if number else None)
                                for text, number in (("Member", False), ("Kind", False), ("Code", False),
                                                     ("Practices", True), ("Registered patients", True),
                                                     ("", False))])),
            html.Tbody(rows),
        ], className="table table-sm groups-members", id=f"{PREFIX}-members"), "Members of the group"),
        html.Div([
            dcc.Link(f"Use this group: open the Overview for {label}", href=use, id=f"{PREFIX}-use",
                     className="btn btn-primary btn-sm me-2 mb-2"),
            dcc.Link("Where its patients live", href="/catchment" + _query(selection, members, period=True),
                     id=f"{PREFIX}-catchment", className="btn btn-outline-primary btn-sm me-2 mb-2"),
            html.Button("Copy link", id=f"{PREFIX}-copy", n_clicks=0, className="btn btn-outline-primary btn-sm mb-2",
                        **{"data-href": use}),
            html.P(id=f"{PREFIX}-copy-status", role="status", className="form-text", **{"aria-live": "polite"}),
        ], className="groups-actions"),
        html.P(["The link holds the whole group, so anyone you send it to sees the same practices: ",
                html.Code(use, className="groups-link")], className="form-text"),
    ])


def _scrolling(table: html.Table, label: str) -> html.Div:
    """A table in a box that scrolls sideways at phone width, focusable so a keyboard can scroll it."""
    return html.Div(table, className="groups-table-scroll", tabIndex=0, role="region", **{"aria-label": label})


def _query(selection: filters.Selection, members: list[tuple[str, str]], *, period: bool = False) -> str:
    values = {"group_name": selection.group_name, "members": filters.members_text(members)}
    if period:
        values["period"] = selection.period
    return filters.Selection(**{key: value for key, value in values.items() if value}).query_string()


def _address(selection: filters.Selection, members: list[tuple[str, str]]) -> str:
    return "/groups" + (_query(selection, members) if members else filters.Selection(
        group_name=selection.group_name).query_string())


def _shared_section() -> html.Section:
    shared = filters.shared_groups()
    heading = html.H2("Shared groups", id=f"{PREFIX}-shared-heading")
    if shared.empty:
        return html.Section([heading, no_data(
            "No shared groups are loaded. An organisation can share its groups with everyone by putting a "
            "groups file (practice_groups.csv: group_code, group_name, member_type, member_code) in the raw "
            "folder; Data and methods lists any rows it could not use.")])
    rows = [html.Tr([
        html.Th(dcc.Link(name, href=f"/?group={code}"), scope="row"),
        html.Td(code),
        html.Td(_member_words(practice_members, pcn_members, locality_members)),
        html.Td(formats.count(practices), className="number"),
    ]) for code, name, practice_members, pcn_members, locality_members, practices in shared.itertuples(index=False)]
    return html.Section([
        heading,
        html.P("Groups loaded from the groups file for everyone. Choose one in the filters on any page, or open it "
               "on the Overview here."),
        _scrolling(html.Table([
            html.Caption("Shared groups: each opens on the Overview"),
            html.Thead(html.Tr([html.Th(text, scope="col", className="number" if text == "Practices" else None)
                                for text in ("Group", "Code", "Members", "Practices")])),
            html.Tbody(rows),
        ], className="table table-sm", id=f"{PREFIX}-shared"), "Shared groups"),
    ], **{"aria-labelledby": f"{PREFIX}-shared-heading"})


def _member_words(practices: int, pcns: int, localities: int) -> str:
    parts = [plural(int(count), word) for count, word in ((practices, "practice"), (pcns, "PCN"),
                                                          (localities, "locality")) if count]
    return ", ".join(parts).replace("localitys", "localities")


@dash.callback(
    Output("url", "search", allow_duplicate=True),
    Input(f"{PREFIX}-name", "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def name_in_address(name, search):
    """The group's name goes into the address, like every other choice on a page."""
    cleaned = filters.clean_group_name(name or "")
    if (filters.parse_search(search).get("group_name") or "") == cleaned:
        raise dash.exceptions.PreventUpdate
    return filters.with_page_state(search, group_name=cleaned or None)


@dash.callback(
    Output("url", "search", allow_duplicate=True),
    Input(f"{PREFIX}-paste-add", "n_clicks"),
    State(f"{PREFIX}-paste", "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def pasted_into_address(_clicks, pasted, search):
    """Pasted codes join the group's members in the address; filters.parse then drops, with a note above the
    page, any code that is no practice, PCN or locality."""
    added = pasted_members(pasted or "")
    if not added:
        raise dash.exceptions.PreventUpdate
    members = filters.parse_members(filters.parse_search(search).get("members", ""))[0]
    members += [member for member in added if member not in members]
    return filters.with_page_state(search, members=filters.members_text(members))


def pasted_members(pasted: str) -> list[tuple[str, str]]:
    """Codes pasted one a line or separated by commas, semicolons or tabs, as members: a code written with its
    kind letter ('N:U22507') keeps it; a bare code is the practice, PCN or locality that has it, looked up in
    that order (a code no area has is kept as a practice's, so the note above the page names it)."""
    known = filters.known_codes()
    members: list[tuple[str, str]] = []
    for piece in pasted.replace("\n", ",").replace(";", ",").replace("\t", ",").split(","):
        piece = piece.strip().strip('"').strip()
        if not piece:
            continue
        if ":" in piece:
            members += filters.parse_members(piece)[0]
            continue
        code = piece.upper()
        kind = next((kind for kind in ("practice", "pcn", "locality") if code in known[kind]), "practice")
        members.append((kind, code))
    return members


# Copy the group's full address: the browser knows its own origin, the server does not (a proxy may sit between).
clientside_callback(
    """
    function (clicks, href) {
        if (!clicks) { return window.dash_clientside.no_update; }
        var link = window.location.origin + href;
        if (!navigator.clipboard) { return "Copy this link: " + link; }
        return navigator.clipboard.writeText(link).then(
            function () { return "Link copied: " + link; },
            function () { return "The browser did not allow copying. The link is: " + link; }
        );
    }
    """,
    Output(f"{PREFIX}-copy-status", "children"),
    Input(f"{PREFIX}-copy", "n_clicks"),
    State(f"{PREFIX}-copy", "data-href"),
    prevent_initial_call=True,
)
