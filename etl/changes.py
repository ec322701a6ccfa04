"""What changed between two releases of the warehouse: the entries of the What changed page and its feeds.

A build writes a new warehouse beside the old one and swaps it in (etl/build.py). Before the swap, the old
file, the previous release, is attached read-only as the database `previous`, and the model mart_changes
(etl/models/marts/mart_changes.py) compares it with the new tables through `changes()` below. The entries
are kept in the new warehouse with the previous warehouse's own entries carried forward, so a feed reader
polling after every build sees the history, not only the latest comparison.

The kinds, each defined once here (KINDS; the Data and methods page states these rules):

* special_cause: a headline measure whose latest month became special cause, improving or concerning, by
  the pages' SPC rules (etl/stats/spc.py, seasonally adjusted as the pages read it, MIN_POINTS months or
  more), for every council (its residents), sub-ICB and PCN (their practices' patients). Each build keeps
  its readings (mart_spc_latest, `readings()`), so the next build compares with them rather than reading
  the previous release's series again; a previous release without them is read from its own tables (its
  own latest month, its own seasonal index), for the series now special cause only. Practices are left
  out: 6,300 practices x 5 measures would add about 10 s to the England build, and a single practice's
  month-to-month rates are noisy enough to flood the feed. ICBs are left out as no filter selects one.
* boundary_practice: a practice whose latest quarter's boundary flag (mart_catchment_practice:
  share_other_council above boundary_share_threshold) differs from the previous release's latest quarter.
* practice_opened / practice_closed / practice_pcn: from dim_practice (ODS epraccur and the practice map).
* bcf_moved: a council's Better Care Fund year-end spend against its plan (actual / planned - 1, the
  variance share) that crossed bcf_moved_share (its size was at most that share in the previous release, or
  there was no year-end figure, and is above it now), or changed by more than that share between releases.

A `release` row is written by every build that compares, saying what it compared with, or why it could
not (a first build; a previous warehouse made by an older jointcare that lacks a table). Words are not
stored: the dashboard says each entry from these fields (dashboard/changes.py), so a page, a feed and the
command line say the same thing, formatted in one place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.loaders import quote_ident
from etl.stats import seasonal, spc


@dataclass(frozen=True)
class Kind:
    title: str
    rule: str


KINDS = {
    "special_cause": Kind(
        "Became special cause",
        "A headline measure whose latest month is special cause variation, improving or concerning, by the SPC "
        "rules on this page (seasonally adjusted where the measure is), when the previous release's reading of "
        "its own latest month was not the same: common cause, or special cause the other way. Read for every "
        f"council's residents, and for the patients of every sub-ICB and PCN, over {spc.MIN_POINTS} months or more."),
    "boundary_practice": Kind(
        "Boundary practice",
        "A practice that became, or stopped being, a boundary practice (more than the boundary share of its "
        "patients living under another council than its home council) in the latest registrations release, "
        "against the previous release's latest."),
    "practice_opened": Kind(
        "Practice opened",
        "A practice active in this release that was not in the previous release, or was not active in it."),
    "practice_closed": Kind(
        "Practice closed",
        "A practice closed in this release (ODS status closed) that was not closed in the previous release, or "
        "an active practice that is no longer listed."),
    "practice_pcn": Kind(
        "Practice changed PCN",
        "A practice whose primary care network in the latest practice map differs from the previous release's."),
    "bcf_moved": Kind(
        "Spend moved from plan",
        "A council's Better Care Fund year-end spend against its plan (actual over planned, less one) that is "
        "now further from plan than the stated share when it was not before (or there was no year-end figure), "
        "or that changed by more than that share between releases."),
}
RELEASE = "release"
SPC_KINDS = {spc.IMPROVEMENT: "improving", spc.CONCERN: "concerning"}

# The columns of mart_changes, in order, with their types (the model's contract documents each).
COLUMNS = {
    "built_at": "datetime64[us]", "build_id": "string", "previous_built_at": "datetime64[us]",
    "entry_id": "string", "kind": "string", "direction": "string",
    "area_type": "string", "area_code": "string", "area_name": "string",
    "practice_code": "string", "pcn_code": "string", "sub_icb_code": "string", "council_code": "string",
    "measure_id": "string", "measure_name": "string",
    "old_period": "datetime64[us]", "period": "datetime64[us]", "period_label": "string",
    "old_state": "string", "new_state": "string", "old_label": "string", "new_label": "string",
    "old_value": "float64", "new_value": "float64", "planned_gbp": "float64", "actual_gbp": "float64",
    "note": "string",
}
# The tables each kind compares, in both releases; a previous release without one of them skips the kind.
NEEDS = {  # the key names the kinds in the release row's note
    # (the previous release's readings are worked out from these when it did not store them: mart_spc_latest)
    "special_cause": ("mart_outcomes_council", "mart_outcomes_practice", "dim_practice", "mart_seasonal_index",
                      "ref_indicators"),
    "boundary_practice": ("mart_catchment_practice",),
    "practices opened, closed or moved": ("dim_practice",),
    "bcf_moved": ("mart_bcf_summary",),
}


def entry_id(*parts: object) -> str:
    """An id that names the change itself (kind, area, measure, the period and state it reached), so that
    rebuilding the same release gives the same id and a feed reader never shows an entry twice."""
    digest = hashlib.sha256("|".join("" if part is None else str(part) for part in parts).encode()).hexdigest()
    return f"urn:jointcare:change:{digest[:24]}"


# --- the rules, as pure functions of the two releases' numbers (tests/etl/test_changes.py) -------------------

def latest_point(periods: Sequence, rates: Sequence[float], improvement: str,
                 index: dict[int, float] | None) -> str | None:
    """The SPC point type of a monthly series' latest month, read as the pages read it (seasonally adjusted
    by `index` when given), or None when the series is shorter than spc.MIN_POINTS."""
    values = np.asarray(rates, dtype=float)
    if len(values) < spc.MIN_POINTS:
        return None
    charted = seasonal.adjust(periods, values, index) if index else values
    return str(spc.xmr(charted, improvement=improvement).point_type[-1])


def became_special(previous: str | None, new: str | None) -> bool:
    """Whether a latest point that is now special cause, improving or concerning, is news: the previous
    release read no such point (common cause, the other way, or too few months to read)."""
    return new in SPC_KINDS and previous != new


def bcf_moved(previous_share: float | None, new_share: float | None, threshold: float) -> bool:
    """Whether spend against plan moved (the variance shares are actual / planned - 1): it crossed the
    threshold outwards, or it changed by more than the threshold between releases."""
    if new_share is None or np.isnan(new_share):
        return False
    if previous_share is None or np.isnan(previous_share):
        return abs(new_share) > threshold
    crossed = abs(new_share) > threshold >= abs(previous_share)
    return crossed or abs(new_share - previous_share) > threshold


# --- reading the two releases -------------------------------------------------------------------------------

def _tables(con, schema: str) -> set[str]:
    return {row[0] for row in con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = 'main'",
        [schema]).fetchall()}


def _database(con) -> str:
    return con.execute("select current_database()").fetchall()[0][0]


def changes(con, *, built_at: dt.datetime, build_id: str) -> pd.DataFrame:
    """The entries of this build (a release row, then what changed) and the previous release's, carried."""
    attached = {row[0] for row in con.execute("select database_name from duckdb_databases()").fetchall()}
    problem = con.execute("select getvariable('changes_previous_problem')").fetchall()[0][0]
    if "previous" not in attached:
        note = problem or "The first build: there is no earlier release to compare with."
        return _frame([_release_row(built_at, build_id, None, note)])
    here, there = _tables(con, _database(con)), _tables(con, "previous")
    previous_built_at = None
    if "meta_build" in there:
        previous_built_at = con.execute("select max(built_at) from previous.meta_build").fetchall()[0][0]
    rows, skipped = [], []
    for kind, needs in NEEDS.items():
        missing = [table for table in needs if table not in there]
        if missing:
            skipped.append(f"{kind.replace('_', ' ')} (the earlier release has no {', '.join(missing)})")
            continue
        if any(table not in here for table in needs):
            continue  # this build lacks the source: nothing to say, and the data pages say why
        rows += {"special_cause": _special_cause, "boundary_practice": _boundary,
                 "practices opened, closed or moved": _practices,
                 "bcf_moved": _bcf}[kind](con)
    note = None  # the dashboard says what was compared with, from previous_built_at
    if skipped:
        note = ("The earlier release was made by an older jointcare, so these were not compared this time: "
                + "; ".join(skipped) + ".")
    stamp = {"built_at": built_at, "build_id": build_id, "previous_built_at": previous_built_at}
    current = [_release_row(built_at, build_id, previous_built_at, note), *({**stamp, **row} for row in rows)]
    found = _frame(current)
    carried = _carried(con, there)
    # The same change found again (a release rebuilt over the one before it once more, or data that went back
    # and came again) keeps its id: the entry moves to this build rather than being listed twice.
    carried = carried[~carried["entry_id"].isin(found["entry_id"])]
    return pd.concat([found, carried], ignore_index=True)


def _release_row(built_at, build_id, previous_built_at, note: str) -> dict:
    return {"built_at": built_at, "build_id": build_id, "previous_built_at": previous_built_at,
            "entry_id": entry_id(RELEASE, build_id), "kind": RELEASE, "note": note}


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.astype(COLUMNS)


def _carried(con, there: set[str]) -> pd.DataFrame:
    """The previous release's entries, kept as they were; none from a warehouse that predates them."""
    if "mart_changes" not in there:
        return _frame([])
    present = [row[0] for row in con.execute(
        "select column_name from duckdb_columns() where database_name = 'previous' and table_name = 'mart_changes'"
    ).fetchall()]
    shared = [name for name in COLUMNS if name in present]
    carried = con.execute(f"select {', '.join(shared)} from previous.mart_changes").df()
    return carried.reindex(columns=list(COLUMNS)).astype(COLUMNS)


SERIES = """
with measures as (
    select indicator_id as measure_id, name as measure_name, multiplier, polarity
    from {db}.ref_indicators where is_headline
),
council as (
    select 'council' as area_type, council_code as area_code, measure_id, period_start,
        sum(numerator) as numerator, sum(denominator) as denominator
    from {db}.mart_outcomes_council
    where period_type = 'month' and measure_id in (select measure_id from measures)
    group by all
),
practices as (
    select outcomes.measure_id, outcomes.period_start, outcomes.numerator, outcomes.denominator,
        practices.pcn_code, practices.sub_icb_code
    from {db}.mart_outcomes_practice as outcomes
    inner join {db}.dim_practice as practices using (practice_code)
    where outcomes.period_type = 'month' and outcomes.measure_id in (select measure_id from measures)
),
grouped as (
    select * from council
    union all
    select 'pcn', pcn_code, measure_id, period_start, sum(numerator), sum(denominator)
    from practices where pcn_code is not null group by all
    union all
    select 'sub_icb', sub_icb_code, measure_id, period_start, sum(numerator), sum(denominator)
    from practices where sub_icb_code is not null group by all
)
select grouped.area_type, grouped.area_code, grouped.measure_id, measures.measure_name, measures.polarity,
    grouped.period_start, grouped.numerator / grouped.denominator * measures.multiplier as rate
from grouped
inner join measures using (measure_id)
where grouped.denominator > 0
order by all
"""


READING_TYPES = {"area_type": "string", "area_code": "string", "measure_id": "string", "measure_name": "string",
                 "latest_month": "datetime64[us]", "months": "int64", "point_type": "string"}


def readings(con, db: str, wanted: set[tuple] | None = None) -> pd.DataFrame:
    """The SPC reading of each headline measure's latest month for every council, sub-ICB and PCN (mart_spc_latest),
    or only for the (area_type, area_code, measure_id) series in `wanted`; each read with the seasonal index of
    the release it is in (db)."""
    series = con.execute(SERIES.format(db=quote_ident(db))).df()
    indexes = {}
    for measure_id, rows in con.execute(
            f"select measure_id, calendar_month, seasonal_index from {quote_ident(db)}.mart_seasonal_index "
            "where adjusted"
    ).df().groupby("measure_id"):
        if len(rows) == 12:
            indexes[measure_id] = dict(zip(rows["calendar_month"].astype(int), rows["seasonal_index"]))
    # one slice per series: the rows are ordered by area type, area and measure, so a series starts where any
    # of the three differs from the row before (numpy, not Python, compares the 450,000 rows at England scale)
    keys = [series[name].to_numpy(dtype=object) for name in ("area_type", "area_code", "measure_id")]
    if len(series) == 0:
        return pd.DataFrame(columns=list(READING_TYPES)).astype(READING_TYPES)
    differs = np.zeros(len(series) - 1, dtype=bool)
    for key in keys:
        differs |= key[1:] != key[:-1]
    starts = np.concatenate(([0], np.flatnonzero(differs) + 1))
    ends = np.append(starts[1:], len(series))
    periods, rates = series["period_start"].to_numpy(), series["rate"].to_numpy(dtype=float, copy=True)
    polarity, names = series["polarity"].to_numpy(dtype=object), series["measure_name"].to_numpy(dtype=object)
    # a seasonal measure's months divided by their index once for every area (as latest_point would series by
    # series: at England scale 4,500 calls of seasonal.adjust cost more than the SPC rules themselves)
    for measure_id, index in indexes.items():
        rows_of = keys[2] == measure_id
        if rows_of.any():
            rates[rows_of] = seasonal.adjust(periods[rows_of], rates[rows_of], index)
    rows = []
    for start, end in zip(starts, ends):
        key = (keys[0][start], keys[1][start], keys[2][start])
        if wanted is not None and key not in wanted:
            continue
        point = latest_point(periods[start:end], rates[start:end], spc.improvement_for(polarity[start]), None)
        if point is not None:
            rows.append((*key, names[start], periods[end - 1], end - start, point))
    return pd.DataFrame(rows, columns=list(READING_TYPES)).astype(READING_TYPES)


def _previous_readings(con, wanted: set[tuple]) -> dict[tuple, tuple[str, pd.Timestamp]]:
    """The previous release's readings of these series: stored (mart_spc_latest), or, from a release made
    before readings were stored, worked out from its own tables."""
    if "mart_spc_latest" in _tables(con, "previous"):
        frame = con.execute("select * from previous.mart_spc_latest").df()
    else:
        frame = readings(con, "previous", wanted)
    return {(row.area_type, row.area_code, row.measure_id): (row.point_type, row.latest_month)
            for row in frame.itertuples()}


def _area_names(con) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(area_type, code) -> (name, the sub-ICB a PCN lies in)."""
    names = {}
    for code, name in con.execute("select council_code, council_name from dim_council").fetchall():
        names[("council", code)] = (name, None)
    for code, name in con.execute("select sub_icb_code, sub_icb_name from dim_sub_icb").fetchall():
        names[("sub_icb", code)] = (name, code)
    for code, name, sub_icb in con.execute(
            "select pcn_code, any_value(pcn_name), any_value(sub_icb_code) from dim_practice "
            "where pcn_code is not null group by pcn_code").fetchall():
        names[("pcn", code)] = (name, sub_icb)
    return names


def _special_cause(con) -> list[dict]:
    new = con.execute("select * from mart_spc_latest where point_type in ?", [list(SPC_KINDS)]).df()
    wanted = set(zip(new["area_type"], new["area_code"], new["measure_id"]))
    old = _previous_readings(con, wanted) if wanted else {}
    names = _area_names(con)
    rows = []
    for reading in new.sort_values(["area_type", "area_code", "measure_id"]).itertuples():
        key = (reading.area_type, reading.area_code, reading.measure_id)
        before = old.get(key)
        point, month = reading.point_type, pd.Timestamp(reading.latest_month)
        if not became_special(before[0] if before else None, point):
            continue
        area_type, code, measure_id = key
        name, sub_icb = names.get((area_type, code), (code, None))
        rows.append({
            "entry_id": entry_id("special_cause", area_type, code, measure_id, month.date(), point),
            "kind": "special_cause", "direction": SPC_KINDS[point], "area_type": area_type, "area_code": code,
            "area_name": name, "pcn_code": code if area_type == "pcn" else None,
            "sub_icb_code": sub_icb if area_type in ("pcn", "sub_icb") else None,
            "council_code": code if area_type == "council" else None,
            "measure_id": measure_id, "measure_name": reading.measure_name,
            "old_period": before[1] if before else None, "period": month,
            "old_state": before[0] if before else None, "new_state": point,
        })
    return rows


BOUNDARY = """
with latest as (
    select practice_code, arg_max(is_boundary_practice, quarter) as is_boundary,
        arg_max(share_other_council, quarter) as share, max(quarter) as quarter
    from {db}.mart_catchment_practice
    where is_boundary_practice is not null
    group by practice_code
)
select * from latest
"""


def _practice_codes(con) -> pd.DataFrame:
    return con.execute(
        "select practice_code, practice_name, pcn_code, sub_icb_code, home_council_code from dim_practice").df()


def _boundary(con) -> list[dict]:
    db = _database(con)
    new = con.execute(BOUNDARY.format(db=quote_ident(db))).df()
    old = con.execute(BOUNDARY.format(db="previous")).df()
    both = new.merge(old, on="practice_code", suffixes=("", "_old")).merge(
        _practice_codes(con), on="practice_code", how="left")
    changed = both[both["is_boundary"] != both["is_boundary_old"]]
    return [{
        "entry_id": entry_id("boundary_practice", row.practice_code, row.quarter.date(), row.is_boundary),
        "kind": "boundary_practice", "direction": "became" if row.is_boundary else "stopped",
        **_practice_area(row), "old_period": row.quarter_old, "period": row.quarter,
        "old_state": _boundary_state(row.is_boundary_old), "new_state": _boundary_state(row.is_boundary),
        "old_value": row.share_old, "new_value": row.share,
    } for row in changed.itertuples()]


def _boundary_state(flag: bool) -> str:
    return "boundary" if flag else "not boundary"


def _practice_area(row) -> dict:
    return {"area_type": "practice", "area_code": row.practice_code, "area_name": row.practice_name,
            "practice_code": row.practice_code, "pcn_code": row.pcn_code, "sub_icb_code": row.sub_icb_code,
            "council_code": row.home_council_code}


PRACTICES = """
select practice_code, practice_name, status, open_date, close_date, pcn_code, pcn_name, sub_icb_code,
    home_council_code, map_extract_date
from {db}.dim_practice
"""


def _practices(con) -> list[dict]:
    new = con.execute(PRACTICES.format(db=quote_ident(_database(con)))).df()
    old = con.execute(PRACTICES.format(db="previous")).df()
    both = new.merge(old, on="practice_code", how="outer", suffixes=("", "_old"), indicator="present")
    rows = []
    for row in both.itertuples():
        in_new, in_old = row.present != "right_only", row.present != "left_only"
        if in_new:
            area = _practice_area(row)
        else:  # gone from the new release: say it with the codes it had
            area = _practice_area(pd.Series({
                "practice_code": row.practice_code, "practice_name": row.practice_name_old,
                "pcn_code": row.pcn_code_old, "sub_icb_code": row.sub_icb_code_old,
                "home_council_code": row.home_council_code_old}))
            area["area_name"] = row.practice_name_old
        old_status = row.status_old if in_old else None
        if in_new and row.status == "active" and old_status != "active":
            rows.append({"entry_id": entry_id("practice_opened", row.practice_code, row.open_date),
                         "kind": "practice_opened", **area, "old_state": old_status, "new_state": row.status,
                         "period": row.open_date})
        closed_now = (in_new and row.status == "closed" and old_status not in (None, "closed")) or \
            (not in_new and old_status == "active")
        if closed_now:
            rows.append({"entry_id": entry_id("practice_closed", row.practice_code,
                                              row.close_date if in_new else None),
                         "kind": "practice_closed", **area, "old_state": old_status,
                         "new_state": row.status if in_new else "no longer listed",
                         "period": row.close_date if in_new else None})
        if in_new and in_old and pd.notna(row.pcn_code) and pd.notna(row.pcn_code_old) \
                and row.pcn_code != row.pcn_code_old:
            rows.append({"entry_id": entry_id("practice_pcn", row.practice_code, row.pcn_code_old, row.pcn_code,
                                              row.map_extract_date),
                         "kind": "practice_pcn", **area, "old_state": row.pcn_code_old, "new_state": row.pcn_code,
                         "old_label": row.pcn_name_old, "new_label": row.pcn_name,
                         "old_period": row.map_extract_date_old, "period": row.map_extract_date})
    return rows


BCF = """
select hwb_code, hwb_name, financial_year, planned_gbp, actual_gbp, actual_to_planned - 1 as variance_share
from {db}.mart_bcf_summary
"""


def _bcf(con) -> list[dict]:
    threshold = con.execute("select getvariable('bcf_moved_share')").fetchall()[0][0]
    new = con.execute(BCF.format(db=quote_ident(_database(con)))).df()
    old = con.execute(BCF.format(db="previous")).df()
    both = new.merge(old[["hwb_code", "financial_year", "variance_share"]], how="left",
                     on=["hwb_code", "financial_year"], suffixes=("", "_old"))
    rows = []
    for row in both.itertuples():
        before = None if pd.isna(row.variance_share_old) else float(row.variance_share_old)
        now = None if pd.isna(row.variance_share) else float(row.variance_share)
        if not bcf_moved(before, now, threshold):
            continue
        rows.append({
            "entry_id": entry_id("bcf_moved", row.hwb_code, row.financial_year, round(now, 6)),
            "kind": "bcf_moved", "direction": "over" if now > 0 else "under", "area_type": "council",
            "area_code": row.hwb_code, "area_name": row.hwb_name, "council_code": row.hwb_code,
            "period_label": row.financial_year, "old_value": before, "new_value": now,
            "planned_gbp": row.planned_gbp, "actual_gbp": row.actual_gbp,
        })
    return rows
