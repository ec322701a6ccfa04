"""The global filters: period, council, locality, sub-ICB, PCN, practice, deprivation decile and group of
practices, kept in the URL.

A `Selection` is parsed from the query string of any page, so a pasted link reproduces the view and
back and forward work. Unknown or malformed values are dropped with a plain-English note, never an
error: the notes are shown above the page by the shell.

Queries take the selection as $named parameters through `Selection.params()`; a null parameter means
"any", and the table macros in queries/_macros.sql turn the parameters into practices and councils.

A group of practices is an area like a PCN (it intersects with the other filters) of one of two kinds: a
shared group from the warehouse (`group=FED-NORTH`, from the groups file), or a user's own group carried
wholly in the address, so a link shares it: `group_name=North hub&members=P:Y90149,N:U22507,L:LOC-01`, each
member a kind letter (P practice, N primary care network, L council locality) and its code. Either kind
reaches the queries as the practice codes it holds ($group_practices) and its name ($group_label).
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass, fields, replace
from urllib.parse import parse_qsl, urlencode

import pandas as pd

from dashboard import deprivation as deprivation_words
from dashboard import formats
from dashboard.db import reference_query, run_query, warehouse_version

# The filters the filter bar has a select for; a user's own group adds two keys of its own (OWN_GROUP_KEYS),
# set by the group builder (/groups). ADDRESS_KEYS: every key parse() reads, so the pages, the downloads and
# the API take the same ones.
FILTER_KEYS = ("period", "council", "locality", "sub_icb", "pcn", "practice", "deprivation", "group")
OWN_GROUP_KEYS = ("group_name", "members")
ADDRESS_KEYS = FILTER_KEYS + OWN_GROUP_KEYS
LABELS = {
    "period": "Financial year",
    "council": "Council",
    "locality": "Locality",
    "sub_icb": "Sub-ICB",
    "pcn": "PCN",
    "practice": "Practice",
    "deprivation": "Deprivation decile",
    "group": "Group of practices",
    "group_name": "Group name",
    "members": "Group members",
}
# A user's own group: the letter before each member's code, and the kind of area it names.
MEMBER_KINDS = {"P": "practice", "N": "pcn", "L": "locality"}
MEMBER_WORDS = {"practice": "practice", "pcn": "PCN", "locality": "council locality"}
# An own group travels in the address: a bound keeps every link well under the 2,000 characters that
# mail clients and older proxies cut addresses at (50 members of up to 20 characters each is 1,100).
MAX_MEMBERS = 50
MAX_GROUP_NAME = 80
OWN_GROUP_NAME = "My group"
# Characters left as they are in an address: an own group's members read 'P:Y90149,N:U22507' in the
# address bar, not 'P%3AY90149%2CN%3AU22507' (both are legal in a query string, RFC 3986 section 3.4).
ADDRESS_SAFE = ":,"
PERIOD_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Selection:
    period: str | None = None
    council: str | None = None
    locality: str | None = None
    sub_icb: str | None = None
    pcn: str | None = None
    practice: str | None = None
    deprivation: str | None = None  # the practices' national deprivation decile, '1' (most deprived) to '10'
    group: str | None = None  # a shared group's code (mart_practice_group)
    group_name: str | None = None  # a user's own group: its name ...
    members: str | None = None  # ... and its members, 'P:Y90149,N:U22507,L:LOC-01' (MEMBER_KINDS)

    @classmethod
    def from_browser(cls, data: dict | None) -> "Selection":
        """A selection a page stored in the browser and a callback got back: treated as user input, so only
        the known filter keys with text values are kept (unknown codes are then dropped by the queries)."""
        return cls(**{key: value for key, value in (data or {}).items()
                      if key in ADDRESS_KEYS and isinstance(value, str)})

    def params(self) -> dict[str, str | None]:
        """The selection as query parameters, with the default period filled in."""
        values = asdict(self)
        values["period"] = self.period or default_period()
        return {**values, **group_params(self)}

    def browser_state(self) -> dict[str, str]:
        """The selection as a page keeps it in the browser for a later callback (from_browser reads it back):
        the values set, with the default period filled in."""
        values = {**asdict(self), "period": self.period or default_period()}
        return {key: value for key, value in values.items() if value}

    def area_params(self) -> dict[str, str | None]:
        """The selection without its period, for queries over every period."""
        return {**{key: value for key, value in asdict(self).items() if key != "period"}, **group_params(self)}

    @property
    def has_group(self) -> bool:
        return bool(self.group or self.members)

    def query_string(self, **extra: str | None) -> str:
        """`?period=...&council=...` with the set values only ('' when nothing is set)."""
        values = {key: value for key, value in asdict(self).items() if value}
        values.update({key: value for key, value in extra.items() if value})
        return "?" + urlencode(values, safe=ADDRESS_SAFE) if values else ""

    @property
    def is_empty(self) -> bool:
        # a group's name without its members selects nothing (the Groups page, naming a group not yet made)
        return not any(getattr(self, field.name) for field in fields(self)
                       if field.name not in ("period", "group_name"))


def group_params(selection: Selection) -> dict[str, str | None]:
    """The selection's group as query parameters: its practice codes, comma-separated (None: no group), and its
    name. The macros in queries/_macros.sql read group_practices; a group none of whose members has a
    practice today selects nothing, as a PCN with no practices would."""
    if not selection.has_group:
        return {"group_practices": None, "group_label": None}
    return {"group_practices": ",".join(group_practice_codes(selection)), "group_label": group_label(selection)}


def group_practice_codes(selection: Selection) -> list[str]:
    """The practices of the selection's group, in code order: a shared group's, or the union of an own group's
    members' (a practice itself, a PCN its practices, a council locality the practices most of whose patients
    live in it), picked from groups__practice_areas, read once per warehouse file."""
    if selection.group:
        return list(_shared_group_practices(warehouse_version()).get(selection.group, ()))
    areas = reference_query("groups__practice_areas")
    members = parse_members(selection.members or "")[0]
    wanted = {kind: {code for member_kind, code in members if member_kind == kind} for kind in MEMBER_KINDS.values()}
    chosen = (areas["practice_code"].isin(wanted["practice"]) | areas["pcn_code"].isin(wanted["pcn"])
              | areas["locality_code"].isin(wanted["locality"]))
    return list(areas.loc[chosen, "practice_code"])


@functools.lru_cache(maxsize=4)
def _shared_group_practices(_version: int) -> dict[str, tuple[str, ...]]:
    """Each shared group's practices in code order, worked out once per warehouse file."""
    practices: dict[str, list[str]] = {}
    areas = reference_query("groups__practice_areas")
    for code, groups in zip(areas["practice_code"], areas["shared_groups"]):
        for group in groups:
            practices.setdefault(group, []).append(code)
    return {group: tuple(codes) for group, codes in practices.items()}


def group_label(selection: Selection) -> str | None:
    if selection.group:
        names = shared_groups().set_index("group_code")["group_name"]
        return str(names.get(selection.group, selection.group))
    if selection.members:
        return selection.group_name or OWN_GROUP_NAME
    return None


def shared_groups() -> pd.DataFrame:
    """The warehouse's shared groups: code, name, members and practices (groups__shared)."""
    return reference_query("groups__shared")


def parse_members(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """An own group's members from the address ('P:Y90149,N:U22507'), as (kind, code) pairs in the order
    given without repeats, and the pieces that are not a kind letter and a code (said back in notes)."""
    members: list[tuple[str, str]] = []
    unreadable: list[str] = []
    for piece in text.split(","):
        piece = piece.strip()
        if not piece:
            continue
        letter, colon, code = piece.partition(":")
        kind = MEMBER_KINDS.get(letter.strip().upper())
        if not colon or kind is None or not code.strip():
            unreadable.append(piece)
            continue
        member = (kind, code.strip().upper())
        if member not in members:
            members.append(member)
    return members, unreadable


def members_text(members: list[tuple[str, str]]) -> str:
    """The address form of (kind, code) pairs: 'P:Y90149,N:U22507'."""
    letters = {kind: letter for letter, kind in MEMBER_KINDS.items()}
    return ",".join(f"{letters[kind]}:{code}" for kind, code in members)


@dataclass(frozen=True)
class Options:
    periods: pd.DataFrame
    councils: pd.DataFrame
    localities: pd.DataFrame
    sub_icbs: pd.DataFrame
    pcns: pd.DataFrame
    practices: pd.DataFrame
    deciles: pd.DataFrame


def options() -> Options:
    """The filters' reference lists, read once per warehouse file and shared: read them, never change them (a
    page asks about ten times a render, and copying England's 6,300 practices each time cost 3 ms a time)."""
    return _options(warehouse_version())


@functools.lru_cache(maxsize=4)
def _options(_version: int) -> Options:
    return Options(
        periods=reference_query("filters__periods"),
        councils=reference_query("filters__councils"),
        localities=reference_query("filters__localities"),
        sub_icbs=reference_query("filters__sub_icbs"),
        pcns=reference_query("filters__pcns"),
        practices=reference_query("filters__practices"),
        deciles=reference_query("filters__deprivation_deciles"),
    )


# The kinds of data a page can show (filters__periods), as words for its default-year sentence. A page
# names the kinds it shows, in order of preference: dash.register_page(..., shows=(...)).
SHOWS = {"outcomes": "monthly outcome figures", "council outcomes": "council outcome figures (ASCOF)",
         "registrations": "registrations by small area", "joint working": "joint-working returns",
         "Better Care Fund": "Better Care Fund plans or returns"}


def default_period(shows: tuple[str, ...] = ()) -> str | None:
    """The year a page opens on when the address names none: the latest financial year with data of the
    first kind it shows that any year has (monthly outcomes: all twelve months where some year has them);
    for no kind, or none found, the latest year with twelve months of outcomes, else the latest with any.

    Board papers compare whole years; a part year is one click away in the period filter.
    """
    return _default(shows)[0]


def _default(shows: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(the default year, the kind it was chosen for, or None when chosen by the fallback)."""
    periods = reference_query("filters__periods")
    if periods.empty:
        return None, None
    for kind in shows:
        having = periods[periods["kinds"].map(lambda kinds, kind=kind: kind in list(kinds))]
        if kind == "outcomes":
            whole = having[having["outcome_months"] >= 12]
            having = whole if not whole.empty else having
        if not having.empty:
            return str(having["period"].iloc[0]), kind
    whole_years = periods[periods["outcome_months"] >= 12]
    return str((whole_years if not whole_years.empty else periods)["period"].iloc[0]), None


def has_data(kind: str) -> bool:
    """Whether any year has data of this kind (filters__periods)."""
    return bool(reference_query("filters__periods")["kinds"].map(lambda kinds: kind in list(kinds)).any())


def for_page(query: dict[str, object], shows: tuple[str, ...]) -> tuple[Selection, str | None]:
    """The selection a page draws and, when the address names no year, the sentence saying which year it
    opened on and why: the latest with data of the kind the page shows (default_period)."""
    return with_page_year(parse(query)[0], shows)


def with_page_year(selection: Selection, shows: tuple[str, ...]) -> tuple[Selection, str | None]:
    """for_page for a selection already parsed (the filter bar has one: no second parse of the address)."""
    if selection.period:
        return selection, None
    period, kind = _default(shows)
    if period is None:
        return selection, None
    if kind is None:
        why = "the latest financial year with data"
    else:
        months = reference_query("filters__periods").set_index("period")["outcome_months"].get(period, 0)
        whole = " for all twelve months" if kind == "outcomes" and months >= 12 else ""
        why = f"the latest financial year with {SHOWS[kind]}{whole}"
    return replace(selection, period=period), f"Showing {period}, {why}. Choose another year in the filters."


def parse_search(search: str | None) -> dict[str, str]:
    """A location.search string ('?a=1&b=2') as a dict of its first values."""
    pairs = parse_qsl((search or "").lstrip("?"), keep_blank_values=False)
    values: dict[str, str] = {}
    for key, value in pairs:
        values.setdefault(key, value)
    return values


def with_page_state(search: str | None, **state: str | None) -> str:
    """The address's query string with a page's own state set (a measure chosen, say) and the rest kept:
    a page control writes it to the shell's dcc.Location, which draws the page again from its layout, so a
    reload or a shared link shows the same view as a change made on the page."""
    query = {key: value for key, value in {**parse_search(search), **state}.items() if value}
    return "?" + urlencode(query, safe=ADDRESS_SAFE) if query else ""


def parse(query: dict[str, object]) -> tuple[Selection, list[str]]:
    """The selection a query string asks for, and a note for each value that had to be dropped."""
    opts = options()
    notes: list[str] = []
    values: dict[str, str | None] = {}
    known = known_codes()
    for key in FILTER_KEYS:
        if key == "group":
            continue  # read with the own group's keys below
        raw = query.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        value = str(raw).strip()
        if key == "period":
            match = PERIOD_PATTERN.match(value)
            available = set(opts.periods["period"])
            if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
                notes.append(f"'{value}' is not a financial year (write it like 2024-25), so the latest year is shown.")
                continue
            if value not in available:
                newest = default_period()
                notes.append(f"There are no data for {value}, so {newest} is shown.")
                continue
            values[key] = value
            continue
        if key == "deprivation":
            if value not in known[key]:
                notes.append(_deprivation_note(value, known[key]))
                continue
            values[key] = value
            continue
        code = value.upper()
        if code not in known[key]:
            notes.append(f"No {LABELS[key].lower()} has the code '{value}', so that filter is not applied.")
            continue
        values[key] = code
    values.update(_parse_group(query, known, notes))
    selection = Selection(**values)
    if not selection.is_empty and selected_practices(selection).empty and not _council_only(selection):
        notes.append("No practice matches every filter chosen: clear one of them to see data.")
    return selection, notes


def known_codes() -> dict[str, frozenset]:
    """Every code each filter (and each kind of group member) accepts in the served warehouse."""
    return _known_codes(warehouse_version())


@functools.lru_cache(maxsize=4)
def _known_codes(_version: int) -> dict[str, frozenset]:
    """Every code each filter accepts, built once per warehouse file (England has 6,300 practices)."""
    opts = options()
    return {
        "council": frozenset(opts.councils["council_code"]),
        "locality": frozenset(opts.localities["locality_code"]),
        "sub_icb": frozenset(opts.sub_icbs["sub_icb_code"]),
        "pcn": frozenset(opts.pcns["pcn_code"]),
        "practice": frozenset(opts.practices["practice_code"]),
        "deprivation": frozenset(str(decile) for decile in opts.deciles["deprivation_decile"]),
        "group": frozenset(shared_groups()["group_code"]),
    }


def _text(query: dict[str, object], key: str) -> str:
    raw = query.get(key)
    return "" if raw is None else str(raw).strip()


def _parse_group(query: dict[str, object], known: dict[str, frozenset], notes: list[str]) -> dict[str, str]:
    """The group keys of an address: a known shared group's code, or a user's own group whose members are
    each a known practice, PCN or locality (the rest left out, each with a note; at most MAX_MEMBERS)."""
    shared, members, name = _text(query, "group"), _text(query, "members"), _text(query, "group_name")
    if shared:
        if shared.upper() not in known["group"]:
            notes.append(f"No shared group of practices has the code '{shared}', so that filter is not applied.")
        else:
            if members:
                notes.append("A shared group and a group of your own cannot both be chosen, so the shared group "
                             "is shown.")
            return {"group": shared.upper()}
    if not members:
        # a name alone is kept: the Groups page is naming a group it has no members for yet
        return {"group_name": clean_group_name(name)} if clean_group_name(name) else {}
    pairs, unreadable = parse_members(members)
    for piece in unreadable:
        notes.append(f"'{piece}' is not a group member (write P:, N: or L: before a practice, PCN or locality "
                     "code), so it is left out of the group.")
    kept = []
    for kind, code in pairs:
        if code in known[kind]:
            kept.append((kind, code))
        else:
            notes.append(f"No {MEMBER_WORDS[kind]} has the code '{code}', so it is left out of the group.")
    if len(kept) > MAX_MEMBERS:
        notes.append(f"A group can have at most {MAX_MEMBERS} members, so the first {MAX_MEMBERS} are kept.")
        kept = kept[:MAX_MEMBERS]
    if not kept:
        notes.append("None of the group's members is known, so the group is not applied.")
        return {"group_name": clean_group_name(name)} if clean_group_name(name) else {}
    return {"members": members_text(kept), "group_name": clean_group_name(name) or None}


def clean_group_name(name: str) -> str:
    """A group name as shown: printable characters only, runs of spaces as one, at most MAX_GROUP_NAME."""
    printable = "".join(character for character in name if character.isprintable())
    return " ".join(printable.split())[:MAX_GROUP_NAME].strip()


def _deprivation_note(value: str, known: frozenset) -> str:
    if not known:
        return ("No deprivation scores are loaded (the English Indices of Deprivation), so the deprivation filter is "
                "not applied.")
    return f"'{value}' is not a deprivation decile (1, the most deprived, to 10), so that filter is not applied."


def _council_only(selection: Selection) -> bool:
    return selection.council is not None and not any((selection.locality, selection.sub_icb, selection.pcn,
                                                      selection.practice, selection.deprivation, selection.has_group))


def selected_practices(selection: Selection) -> pd.DataFrame:
    """The practices the filter bar offers for the selection: code, name and PCN. The rule is the
    selected_practices macro's, run in SQL, so the filter bar and the pages cannot disagree."""
    return run_query("filters__selected_practices", **selection.area_params())


def cascade(selection: Selection, opts: Options | None = None) -> dict[str, list[dict]]:
    """Dropdown options narrowed by the other filters (a PCN list within the chosen sub-ICB, ...)."""
    opts = opts or options()
    localities = opts.localities
    if selection.council:
        localities = localities[localities["council_code"] == selection.council]
    pcns = opts.pcns
    if selection.sub_icb:
        pcns = pcns[pcns["sub_icb_code"] == selection.sub_icb]
    narrowing = replace(selection, practice=None)
    practices = selected_practices(narrowing)
    if selection.council or selection.locality:
        pcns = pcns[pcns["pcn_code"].isin(practices["pcn_code"])]
    return {
        "period": [{"label": period, "value": period} for period in opts.periods["period"]],
        "council": _labelled(opts.councils, "council_code", "council_name"),
        "locality": _listed("locality", localities, "locality_code", "locality_name", selection.locality),
        "sub_icb": _labelled(opts.sub_icbs, "sub_icb_code", "sub_icb_name"),
        "pcn": _listed("pcn", pcns, "pcn_code", "pcn_name", selection.pcn),
        "practice": _listed("practice", practices, "practice_code", "practice_name", selection.practice),
        "deprivation": [{"label": deprivation_words.filter_label(int(decile)), "value": str(decile)}
                        for decile in opts.deciles["deprivation_decile"]],
        "group": group_options(selection),
    }


# The group select's value for a user's own group (its members are in the address, not in the select).
OWN_GROUP = "own"


def group_options(selection: Selection) -> list[dict]:
    """The group select's options: the user's own group when one is chosen, then every shared group."""
    own = ([{"label": f"{group_label(selection)} (your group)", "value": OWN_GROUP}]
           if selection.members and not selection.group else [])
    shared = shared_groups()
    return own + [{"label": f"{name} (shared)", "value": code}
                  for code, name in zip(shared["group_code"], shared["group_name"])]


# A select lists at most this many options. Beyond a few hundred a list is no help to anyone choosing
# from it, and England's 6,300 practices (or 1,250 PCNs) would travel with every filter change (issue 15:
# the filter bar's response <= 50 kB). A longer list asks for a narrower filter first, keeping the value
# already chosen, so an address naming any practice still shows it; any practice can be found by the server
# in the practice search beneath the practice filter (dashboard/search.py practices_within).
OPTIONS_LIMIT = 300
NARROW_FIRST = {
    "locality": "choose a council to list them",
    "pcn": "choose a sub-ICB, council or locality to list them",
    "practice": "find one below, or choose a sub-ICB, PCN, council or locality to list them",
}


def _listed(key: str, frame: pd.DataFrame, code: str, name: str, chosen: str | None) -> list[dict]:
    if len(frame) <= OPTIONS_LIMIT:
        return _labelled(frame, code, name)
    kept = _labelled(frame[frame[code] == chosen], code, name) if chosen else []
    things = {"locality": "localities", "pcn": "PCNs", "practice": "practices"}[key]
    return kept + [{"label": f"{formats.count(len(frame))} {things}: {NARROW_FIRST[key]}", "value": f"narrow-{key}",
                    "disabled": True}]


def _labelled(frame: pd.DataFrame, code: str, name: str) -> list[dict]:
    return [{"label": f"{row_name} ({row_code})", "value": row_code}
            for row_code, row_name in zip(frame[code], frame[name])]


def describe(selection: Selection) -> str:
    """The selection in words, for headings: 'Wyvernford, 2024-25'."""
    return f"{area_name(selection)}, {selection.period or default_period()}"


def area_name(selection: Selection) -> str:
    """The selection's area in words, without the year: 'Wyvernford', or 'the whole area'."""
    opts = options()
    parts = [group_label(selection)] if selection.has_group else []
    lookups = (
        ("practice", opts.practices, "practice_code", "practice_name"),
        ("pcn", opts.pcns, "pcn_code", "pcn_name"),
        ("locality", opts.localities, "locality_code", "locality_name"),
        ("sub_icb", opts.sub_icbs, "sub_icb_code", "sub_icb_name"),
        ("council", opts.councils, "council_code", "council_name"),
    )
    for key, frame, code, name in lookups:
        value = getattr(selection, key)
        if value:
            names = frame.loc[frame[code] == value, name]
            parts.append(str(names.iloc[0]) if not names.empty else value)
    if selection.deprivation:
        parts.append(deprivation_words.selection_words(selection.deprivation))
    return ", ".join(parts) if parts else "the whole area"
