"""What changed: after each build, what changed for the selected area since the previous release.

The entries are recorded by the build (etl/changes.py, mart_changes) and said by dashboard/changes.py, the
same words as the Atom feed for the selection (/changes.atom, dashboard/feed.py) and `jointcare changes`.
The newest builds come first; every entry links to the page where it is seen, and the table below holds every
entry of the selection with what it was before and is now. The year filter does not apply: a change belongs
to a build, not to a financial year.
"""

from __future__ import annotations

import dash
from dash import html

from dashboard import changes, filters, formats
from dashboard.catalogue import header
from dashboard.components.cards import no_data
from dashboard.components.tables import column, data_grid

dash.register_page(__name__, path="/changes", title="What changed - jointcare", name="What changed")

PREFIX = "changes"
MAX_LISTED = 60  # entries said as a list (newest first); the table below holds more
# The table's rows go to the browser, about 450 bytes each: 1,000 keep the page near half a megabyte, within the
# 1.5 MB the other pages budget. England's history grows by a few thousand entries a year; an area's stays small.
MAX_TABLE_ROWS = 1000


def layout(**query):
    selection, _ = filters.parse(query)
    area = filters.area_name(selection)
    feed = f"/changes.atom{selection.query_string()}"
    found = changes.entries(selection)
    releases = changes.releases()
    latest = next(releases.itertuples(), None)
    return html.Div([
        html.H1(f"What changed: {area}"),
        html.P(["After each build of the warehouse, what changed for this area since the release before: a "
                "headline measure that became special cause, a practice that became or stopped being a boundary "
                "practice, opened, closed or changed PCN, and Better Care Fund spend that moved from plan. ",
                html.A("How each change is found", href="/data-and-methods#changes-method"), "."], className="lead"),
        html.P([html.A("Subscribe to these changes (Atom feed)", href=feed, id=f"{PREFIX}-feed",
                       rel="alternate"),
                ": a feed reader, or an email gateway, polls this address and shows each new change once."]),
        *([no_data(changes.empty_words(latest))] if found.empty else _listed(found, releases)),
        *([] if found.empty else [_table(found, area)]),
    ])


def _listed(found, releases) -> list:
    """The newest entries as sentences, under the build that found them."""
    sections = []
    shown = found.head(MAX_LISTED)
    said = {release.built_at: changes.release_words(release) for release in releases.itertuples()}
    for built_at, rows in shown.groupby("built_at", sort=False):
        items = []
        for row in rows.itertuples():
            symbol = changes.SYMBOLS.get(row.direction, "") if row.kind == "special_cause" else ""
            items.append(html.Li([
                html.Span(f"{symbol} " if symbol else "", **{"aria-hidden": "true"},
                          className=f"tone-{changes.TONES.get(row.direction, 'neutral')}"),
                html.Strong(f"{row.kind_title}: "), row.words, " ",
                html.A(changes.link_words(row.link), href=row.link),
            ], className="change-entry"))
        sections.append(html.Section([
            html.H2(f"Release of {formats.day(built_at)}"),
            html.P(said.get(built_at, ""), className="small"),
            html.Ul(items, className="change-list"),
        ], **{"aria-label": f"Changes in the release of {formats.day(built_at)}"}))
    if len(found) > MAX_LISTED:
        held = "every one" if len(found) <= MAX_TABLE_ROWS else f"the {MAX_TABLE_ROWS:,} newest"
        sections.append(html.P(f"The {MAX_LISTED} newest of {len(found):,} changes are listed; the table below "
                               f"has {held}."))
    return sections


def _table(found, area: str) -> html.Div:
    query = "changes__entries"
    cut = len(found) > MAX_TABLE_ROWS
    found = found.head(MAX_TABLE_ROWS)
    return html.Section([
        html.H2("The newest changes, as a table" if cut else "Every change, as a table"),
        *([html.P(f"The table holds the {MAX_TABLE_ROWS:,} newest changes. Choose an area in the filters for "
                  "fewer, or list them all with jointcare changes --since DATE --format csv.")] if cut else []),
        data_grid(f"{PREFIX}-table", found, [
            column("release", header(f"{query}.release"), minWidth=115),
            column("kind_title", header(f"{query}.kind_title"), wrap=True, minWidth=150),
            column("area_name", header(f"{query}.area_name"), wrap=True, minWidth=150),
            column("words", header(f"{query}.words"), wrap=True, minWidth=320),
            column("before", header(f"{query}.before"), wrap=True, minWidth=150),
            column("after", header(f"{query}.after"), wrap=True, minWidth=150),
            # an address has no spaces to wrap at: break it anywhere rather than cut it off
            column("link", header(f"{query}.link"), wrap=True, minWidth=200, cellStyle={"wordBreak": "break-all"}),
        ], caption=f"What changed for {area}, newest release first"),
    ])
