"""The Atom feed of what changed for a selection: /changes.atom with the pages' filter parameters.

    /changes.atom                    every change
    /changes.atom?council=E10000001  a council's (any filter the pages take: practice, pcn, sub_icb, ...)

Atom 1.0 (RFC 4287): the feed's id is its address's selection, so it is the same however often the
warehouse is rebuilt; each entry's id is the change's own (mart_changes.entry_id), so a reader shows a change
once; `updated` is the build that found it. The feed's ETag is the warehouse build's id and the selection, and
Last-Modified the build's time: a reader polling with If-None-Match gets 304 until the next build. A value the
filters do not know gets a 400 naming it, as the downloads do: a feed of all England for a mistyped council
would be entries nobody asked for.

The What changed page is sent with <link rel="alternate" type="application/atom+xml"> for its feed in its
head, added to the page's HTML as it leaves the server, so feed readers given the page's address find it.
"""

from __future__ import annotations

import hashlib
import html
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pandas as pd
from flask import Flask, Response, request

from dashboard import changes, db, filters
from dashboard.exports.routes import DownloadError, _guarded

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
FEED_PATH = "/changes.atom"
PAGE_PATH = "/changes"
MAX_ENTRIES = 200  # the newest; a reader keeps what it has seen, and the page has every one


def _selection() -> filters.Selection:
    query = {key: request.args.get(key) for key in filters.ADDRESS_KEYS
             if key != "period" and request.args.get(key) is not None}
    selection, notes = filters.parse(query)
    if notes:
        raise DownloadError(400, "This feed was not made, so that it cannot list changes you did not ask for:\n"
                                 + "\n".join(f"- {note}" for note in notes))
    return selection


def _stamp(value) -> str:
    """RFC 3339 in UTC, as Atom wants ('2026-12-07T09:35:38Z'); the build records UTC."""
    return pd.Timestamp(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed_xml(selection: filters.Selection, base_url: str) -> bytes:
    """The Atom document for the selection; base_url: the server's address, for absolute links."""
    found = changes.entries(selection).head(MAX_ENTRIES)
    releases = changes.releases()
    area = filters.area_name(selection)
    query = selection.query_string()
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")

    def add(parent, tag, text=None, **attributes):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    selected = {key: value for key, value in selection.area_params().items() if value}
    add(root, "id", "urn:jointcare:changes:" + (urlencode(sorted(selected.items())) or "england"))
    add(root, "title", f"What changed: {area} (jointcare)")
    add(root, "subtitle", "After each build of the warehouse, what changed for this area since the previous release.")
    newest = releases["built_at"].max() if not releases.empty else None
    add(root, "updated", _stamp(newest if newest is not None and not pd.isna(newest) else "1970-01-01"))
    add(root, "link", rel="self", type="application/atom+xml", href=f"{base_url}{FEED_PATH}{query}")
    add(root, "link", rel="alternate", type="text/html", href=f"{base_url}{PAGE_PATH}{query}")
    author = add(root, "author")
    add(author, "name", "jointcare")
    add(root, "generator", "jointcare")
    for row in found.itertuples():
        entry = add(root, "entry")
        add(entry, "id", row.entry_id)
        title = f"{row.kind_title}: {row.area_name}" + (f", {row.measure_name}" if isinstance(row.measure_name, str)
                                                        else "")
        add(entry, "title", title)
        add(entry, "updated", _stamp(row.built_at))
        add(entry, "link", rel="alternate", type="text/html", href=f"{base_url}{row.link}")
        add(entry, "category", term=row.kind, label=row.kind_title)
        add(entry, "summary", row.words, type="text")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _etag(selection: filters.Selection) -> str:
    key = f"{db.build_id()}|{selection.query_string()}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def atom_feed() -> Response:
    selection = _selection()
    etag = _etag(selection)
    headers = {"ETag": etag, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    releases = changes.releases()
    if not releases.empty:
        headers["Last-Modified"] = pd.Timestamp(releases["built_at"].max()).strftime("%a, %d %b %Y %H:%M:%S GMT")
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        return Response(status=304, headers=headers)
    return Response(feed_xml(selection, request.host_url.rstrip("/")), mimetype="application/atom+xml",
                    headers={**headers, "Content-Type": ATOM_TYPE})


def _alternate_link(response: Response) -> Response:
    """The page's head names its feed, for feed readers given the page's address."""
    if request.path != PAGE_PATH or response.status_code != 200 or response.mimetype != "text/html" \
            or response.direct_passthrough:
        return response
    query = urlencode([(key, value) for key, value in request.args.items()
                       if key in filters.ADDRESS_KEYS and key != "period"])
    href = html.escape(f"{FEED_PATH}{'?' + query if query else ''}", quote=True)
    tag = f'<link rel="alternate" type="application/atom+xml" title="What changed (Atom feed)" href="{href}">'
    body = response.get_data(as_text=True)
    if "</head>" in body:
        response.set_data(body.replace("</head>", tag + "</head>", 1))
    return response


def install(server: Flask) -> None:
    """Add /changes.atom to the dashboard's Flask server (called once by dashboard/app.py)."""
    server.add_url_rule(FEED_PATH, view_func=_guarded(atom_feed))
    server.after_request(_alternate_link)
