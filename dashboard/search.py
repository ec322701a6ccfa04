"""Search: what the shell's search box, /search.json and /practice/<not a code> find, and how they say it.

One rule for all three. What was typed is made alike (`normalise`: the same rule as the warehouse's
search_text macro, which wrote the index), then:

* a full postcode ("QX4 7AB", "qx47ab") or an outward code ("QX4") lists the practices nearest it, with
  the distance, where the ONS postcode directory places it (dashboard/queries/search__nearest.sql); and
* every entry of the search index (etl/models/marts/mart_search_index.sql: practices by ODS code, name or
  postcode; PCNs, sub-ICBs, ICBs, councils and localities by code or name) whose words match every word
  typed, allowing for small misspellings (dashboard/queries/search__matches.sql says how they score).

The index is a mart, built once per warehouse build; the queries' results are kept in the dashboard's cache
keyed by the build (dashboard/db.py), so a repeated search is a cache hit and a rebuild starts afresh.

A practice's link is its profile; an area's link is the page the user is on, when that page has the area
filters, else the Overview, with that area chosen in the address (and the financial year kept). An ICB
has no filter of its own, so it is listed once for each of its sub-ICBs.

Why a script of our own (assets/search_combobox.js) rather than a Dash component: the shell's search box
must follow the ARIA 1.2 combobox pattern exactly (aria-activedescendant, a listbox of options, Home/End,
Escape, a live count), and Dash 4's dcc.Dropdown leaves a focusable aria-hidden input that axe reports
(see app.py's filter bar); and a keystroke answered by a fetch of a few hundred bytes is lighter than a
Dash callback round trip.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, replace
from urllib.parse import quote, urlencode

from flask import Flask, jsonify, request

from dashboard import filters, formats
from dashboard.db import reference_query, run_query

MAX_RESULTS = 10  # a list longer than a screen is not a help to anyone choosing from it
NEAREST = 5  # practices listed nearest a postcode
MAX_TYPED = 100  # characters of a query read: no name or code is longer
MIN_TYPED = 2  # characters before the box searches: one letter would list anything

# The UK postcode's shape (without its space): outward code = area (1-2 letters) and district (a digit,
# then a digit or letter); inward code = sector digit and two unit letters.
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")

KINDS = {"practice": "Practice", "pcn": "PCN", "sub_icb": "Sub-ICB", "icb": "ICB", "council": "Council",
         "locality": "Locality"}
# The pages with the area filters: an area chosen on one of them stays on it; anywhere else goes to the Overview.
AREA_PAGES = ("/", "/catchment", "/pooled-budget", "/joint-working", "/outcomes", "/downloads")
PERIOD = re.compile(r"^\d{4}-\d{2}$")

AREA_FILTERS = ("council", "locality", "sub_icb", "pcn", "deprivation")  # what narrows the filter bar's practice search

NO_DIRECTORY = "Postcode search needs the ONS postcode directory, which this build does not include."


@dataclass(frozen=True)
class Result:
    label: str  # "RUSKERWORTH SURGERY (Y90008)"
    kind: str  # "Practice", "PCN", ...
    detail: str  # a line that tells like-named results apart; the distance first for a nearby practice
    href: str


@dataclass(frozen=True)
class Answer:
    query: str
    results: tuple[Result, ...]
    note: str | None = None  # what the user should know about the answer (no postcode directory, ...)
    nearest_to: str | None = None  # the postcode or outward code the first results are nearest, when one was

    @property
    def announcement(self) -> str:
        """What the live region says: the count, and the note."""
        count = len(self.results)
        said = f"{count} result{'' if count == 1 else 's'}" if count else "No results"
        return f"{said} for {self.query}." + (f" {self.note}" if self.note else "")

    def as_json(self) -> dict:
        return {"query": self.query, "results": [asdict(result) for result in self.results], "note": self.note,
                "nearest_to": self.nearest_to, "announcement": self.announcement}


def normalise(text: str | None) -> str:
    """What was typed, as the warehouse's search_text macro writes names (etl/models/macros.sql): upper
    case without accents, '&' as AND, apostrophes and full stops dropped, other punctuation a space."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char)).upper().replace("&", " AND ")
    text = re.sub(r"['’.]", "", text)
    return re.sub(r"[^A-Z0-9]+", " ", text).strip()


def postcode_key(text: str | None) -> str:
    """A postcode as the warehouse keys it: upper case, letters and digits only ('qx4  7ab' -> QX47AB)."""
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())


def search(typed: str | None, page: str | None = None, period: str | None = None,
           limit: int = MAX_RESULTS) -> Answer:
    """What the search box lists for what was typed, linked for the page the user is on."""
    shown = re.sub(r"\s+", " ", (typed or "")[:MAX_TYPED]).strip()
    text = normalise(shown)
    if len(text.replace(" ", "")) < MIN_TYPED:
        return Answer(shown, ())
    key = postcode_key(shown)
    is_postcode = POSTCODE.match(key) is not None
    is_outward = OUTWARD_CODE.match(key) is not None and " " not in text
    # the postcode as written on letters, whatever the spacing typed: 'qx95hd' is QX9 5HD
    place = f"{key[:-3]} {key[-3:]}" if is_postcode else key
    near, note = [], None
    if is_postcode or is_outward:
        near, note = _nearest(place, key, is_postcode)
    if is_postcode and near:  # the practices at the postcode itself come first, 0 miles away: nothing to add
        return Answer(shown, _linked(near, page, period), note, place)
    matches = run_query("search__matches", text=text, max_rows=limit, practices_only=False,
                        **dict.fromkeys(AREA_FILTERS), group_practices=None).to_dict("records")
    if note and is_outward and not is_postcode and any(row["score"] >= 0.9 for row in matches):
        note = None  # 'Y900' or 'QZ0' is more likely a code, or its start, than a postcode district
    seen = {_identity(row) for row in near}
    rows = near + [row for row in matches if _identity(row) not in seen]
    return Answer(shown, _linked(rows[:limit], page, period), note, place if near else None)


def _identity(row: dict) -> tuple:
    return row["kind"], row["code"], row["link_code"]


def _nearest(place: str, key: str, is_postcode: bool) -> tuple[list[dict], str | None]:
    if int(reference_query("search__postcode_directory")["located_postcodes"].iloc[0]) == 0:
        return [], NO_DIRECTORY
    near = run_query("search__nearest", postcode_key=key if is_postcode else None,
                     outward_code=None if is_postcode else key, max_rows=NEAREST)
    if near.empty:
        where = "postcode" if is_postcode else "outward code"
        return [], f"The ONS postcode directory in this build has no {where} {place}."
    return near.to_dict("records"), None


def _linked(rows: list[dict], page: str | None, period: str | None) -> tuple[Result, ...]:
    return tuple(_result(row, href(row["link_key"], row["link_code"], page, period)) for row in rows)


def _result(row: dict, link: str) -> Result:
    """A row of search__matches or search__nearest in words, going to link."""
    kind = row["kind"]
    details = []
    if not formats.is_missing(row.get("distance_km")):
        details.append(formats.distance(row["distance_km"]) + " away")
    if not formats.is_missing(row.get("detail")):
        details.append(("sub-ICB " if kind == "icb" else "") + str(row["detail"]))
    return Result(label=f"{row['name']} ({row['code']})", kind=KINDS[kind], detail=", ".join(details), href=link)


def href(link_key: str, code: str, page: str | None = None, period: str | None = None) -> str:
    """Where a result goes: a practice's profile, or an area chosen on this page (or the Overview)."""
    year = {"period": period} if period and PERIOD.match(period) else {}
    if link_key == "practice":
        return f"/practice/{quote(code)}" + ("?" + urlencode(year) if year else "")
    target = page if page in AREA_PAGES else "/"
    return target + "?" + urlencode({link_key: code, **year})


def practices_within(typed: str | None, address: str | None, page: str | None = None,
                     limit: int = MAX_RESULTS) -> Answer:
    """The filter bar's practice search: practices by code, name or postcode among those the address's other
    filters leave, each linked to this page with the address's filters kept and that practice chosen."""
    shown = re.sub(r"\s+", " ", (typed or "")[:MAX_TYPED]).strip()
    text = normalise(shown)
    if len(text.replace(" ", "")) < MIN_TYPED:
        return Answer(shown, ())
    selection, _ = filters.parse(filters.parse_search(address))
    matches = run_query("search__matches", text=text, max_rows=limit, practices_only=True,
                        **{key: getattr(selection, key) for key in AREA_FILTERS},
                        group_practices=filters.group_params(selection)["group_practices"])
    path = page if page in AREA_PAGES else "/"
    results = tuple(_result(row, path + filters.with_page_state(address, practice=row["code"]))
                    for row in matches.to_dict("records"))
    within = filters.area_name(replace(selection, practice=None, period=None))
    return Answer(shown, results, None if results or selection.is_empty else f"Searched the practices in {within}.")


# What the group builder's search adds, by the link key of a search result: the kinds a group's members may be.
MEMBER_LINKS = {"practice": "practice", "pcn": "pcn", "locality": "locality"}
GROUPS_PAGE = "/groups"


def group_members(typed: str | None, address: str | None, limit: int = MAX_RESULTS) -> Answer:
    """The group builder's search: practices, PCNs and council localities by code or name, each linked to the
    Groups page with the address's group and that member added (the group lives in the address)."""
    shown = re.sub(r"\s+", " ", (typed or "")[:MAX_TYPED]).strip()
    text = normalise(shown)
    if len(text.replace(" ", "")) < MIN_TYPED:
        return Answer(shown, ())
    query = filters.parse_search(address)
    members = filters.parse_members(query.get("members", ""))[0]
    if len(members) >= filters.MAX_MEMBERS:
        return Answer(shown, (), f"A group can have at most {filters.MAX_MEMBERS} members: remove one to add another.")
    matches = run_query("search__matches", text=text, max_rows=limit * 3, practices_only=False,
                        **dict.fromkeys(AREA_FILTERS), group_practices=None)
    results, seen = [], set()
    for row in matches.to_dict("records"):
        kind = MEMBER_LINKS.get(row["kind"])
        member = (kind, str(row["code"]).upper())
        if kind is None or member in seen:
            continue
        seen.add(member)
        added = members if member in members else [*members, member]
        link = GROUPS_PAGE + filters.with_page_state(address, members=filters.members_text(added))
        results.append(_result(row, link))
    return Answer(shown, tuple(results[:limit]))


def install(server: Flask) -> None:
    """GET /search.json?q=...&page=<the page's path>&period=<its year>: the search box's answer as JSON;
    with kind=practice&address=<the page's query string>, the filter bar's practice search; with
    kind=member&address=..., the group builder's search (practices, PCNs and localities to add)."""

    @server.get("/search.json")
    def search_json():
        if request.args.get("kind") == "member":
            answer = group_members(request.args.get("q", ""), request.args.get("address"))
        elif request.args.get("kind") == "practice":
            answer = practices_within(request.args.get("q", ""), request.args.get("address"), request.args.get("page"))
        else:
            answer = search(request.args.get("q", ""), request.args.get("page"), request.args.get("period"))
        response = jsonify(answer.as_json())
        # a build's answers change only with a rebuild; a browser need not keep them
        response.headers["Cache-Control"] = "no-store"
        return response
