"""What changed, said once for the What changed page, its Atom feeds and `jointcare changes`.

The build records each change as fields (mart_changes; the kinds and their rules are etl/changes.py's).
This module reads the selection's entries through the named query changes__entries and says each one: its
sentence, what it was before and is now, and the page where it is seen, so the page, a feed reader and a
scheduled job read the same words, with numbers and dates formatted by dashboard/formats.py.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pandas as pd

from dashboard import filters, formats
from dashboard.db import run_query
from etl.changes import KINDS
from etl.stats import spc

POINT_WORDS = {
    spc.COMMON: "common cause",
    spc.IMPROVEMENT: "special cause (improving)",
    spc.CONCERN: "special cause (concerning)",
    spc.NEUTRAL_CAUSE: "special cause (no direction is better)",
}
# The shape beside an entry (WCAG: not colour alone), the SPC marks' shapes for a special cause entry.
SYMBOLS = {"improving": "◆", "concerning": "■"}
TONES = {"improving": "better", "concerning": "worse"}
PAGE_NAMES = {"/outcomes": "Outcomes", "/catchment": "Catchment", "/pooled-budget": "Pooled budget",
              "/practice": "the practice profile"}


def entries(selection: filters.Selection, since: dt.date | None = None) -> pd.DataFrame:
    """The selection's entries, newest build first, with release, kind_title, words, before, after, link."""
    frame = run_query("changes__entries", **selection.area_params(), since=since.isoformat() if since else None)
    said = [say(row) for row in frame.itertuples()]
    return frame.assign(
        release=[formats.iso_date(value) for value in frame["built_at"]],
        kind_title=[KINDS[kind].title for kind in frame["kind"]],
        words=[words for words, _, _ in said], before=[before for _, before, _ in said],
        after=[after for _, _, after in said], link=[link(row) for row in frame.itertuples()])


def releases() -> pd.DataFrame:
    return run_query("changes__releases")


def empty_words(latest_release) -> str:
    """Why a selection has no entries: no comparison yet, or nothing changed for it."""
    if latest_release is None:
        return ("No changes are recorded in this warehouse: it was built by a jointcare that did not record "
                "them. The next build will compare itself with this one.")
    if pd.isna(latest_release.previous_built_at):
        return (f"Nothing to compare yet: this warehouse, built {formats.day(latest_release.built_at)}, is the "
                "first release here. Changes are listed after the next build.")
    return (f"Nothing changed for this area in any release recorded here: the latest build, "
            f"{formats.day(latest_release.built_at)}, was compared with the release of "
            f"{formats.day(latest_release.previous_built_at)}.")


def release_words(release) -> str:
    """One build's comparison in words: what it compared with, and anything it could not compare."""
    if pd.isna(release.previous_built_at):
        said = release.note if isinstance(release.note, str) else "Nothing to compare with."
        return f"Built {formats.day(release.built_at)}. {said}"
    said = (f"Built {formats.day(release.built_at)}, compared with the release of "
            f"{formats.day(release.previous_built_at)}.")
    return f"{said} {release.note}" if isinstance(release.note, str) and release.note else said


def _who(row) -> str:
    if row.area_type == "council":
        return f"residents of {row.area_name}"
    return f"patients of {row.area_name}"


def _practice(row) -> str:
    return f"{row.area_name} ({row.area_code})"


def _share_side(share) -> str:
    if formats.is_missing(share):
        return "no year-end figure"
    return f"{formats.percent(abs(share), 0)} {'over' if share > 0 else 'under'} plan"


def say(row) -> tuple[str, str, str]:
    """(the sentence, before, now) for one entry (a row of changes__entries)."""
    kind = row.kind
    if kind == "special_cause":
        before = (f"{POINT_WORDS.get(row.old_state, row.old_state)} in {formats.month(row.old_period)}"
                  if isinstance(row.old_state, str) else "too few months to read")
        after = f"{POINT_WORDS[row.new_state]} in {formats.month(row.period)}"
        return (f"{row.measure_name} for {_who(row)} became {POINT_WORDS[row.new_state]} in "
                f"{formats.month(row.period)}. In the previous release the latest month read was {before}.",
                before, after)
    if kind == "boundary_practice":
        before = f"{formats.percent(row.old_value)} living under another council ({formats.month(row.old_period)})"
        after = f"{formats.percent(row.new_value)} ({formats.month(row.period)})"
        became = "became a boundary practice" if row.direction == "became" else "stopped being a boundary practice"
        return (f"{_practice(row)} {became} in the {formats.month(row.period)} registrations release: "
                f"{formats.percent(row.new_value)} of its patients with a known residence live under a council "
                f"other than its home council, against {before}.", row.old_state, row.new_state)
    if kind == "practice_opened":
        when = f" on {formats.day(row.period)}" if not formats.is_missing(row.period) else ""
        before = row.old_state if isinstance(row.old_state, str) else "not listed"
        return f"{_practice(row)} opened{when} (in the previous release: {before}).", before, row.new_state
    if kind == "practice_closed":
        if row.new_state == "no longer listed":
            return (f"{_practice(row)} is no longer listed; it was active in the previous release.",
                    row.old_state, row.new_state)
        when = f" on {formats.day(row.period)}" if not formats.is_missing(row.period) else ""
        return f"{_practice(row)} closed{when}.", row.old_state, row.new_state
    if kind == "practice_pcn":
        before, after = f"{row.old_label} ({row.old_state})", f"{row.new_label} ({row.new_state})"
        return (f"{_practice(row)} moved from {before} to {after} in the practice map of "
                f"{formats.day(row.period)}.", before, after)
    if kind == "bcf_moved":
        before, after = _share_side(row.old_value), _share_side(row.new_value)
        return (f"Better Care Fund spend in {row.area_name} in {row.period_label} is {after}: "
                f"{formats.money(row.actual_gbp)} spent against {formats.money(row.planned_gbp)} planned "
                f"(in the previous release: {before}).", before, after)
    raise ValueError(f"no words for the kind of change {kind!r}")


def link(row) -> str:
    """The address of the page where the change is seen, with its area selected."""
    if row.kind == "special_cause":
        return f"/outcomes?{urlencode({row.area_type: row.area_code, 'measure': row.measure_id})}"
    if row.kind == "boundary_practice":
        return f"/catchment?{urlencode({'practice': row.area_code})}"
    if row.kind == "bcf_moved":
        return f"/pooled-budget?{urlencode({'council': row.area_code, 'period': row.period_label})}"
    return f"/practice/{row.area_code}"


def link_words(address: str) -> str:
    """'See it on Outcomes' for an entry's link."""
    path = "/practice" if address.startswith("/practice/") else address.split("?")[0]
    return f"See it on {PAGE_NAMES[path]}"
