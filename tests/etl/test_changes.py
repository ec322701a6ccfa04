"""What changed between two releases (etl/changes.py, mart_changes): the rules on hand-worked numbers, and
builds of the tiny area where one release differs from the other by changes planted in its raw files.

Release 1 is the tiny area (tests/factory.py). Release 2 changes three things and nothing else:
  - A00003 moves from PCN U00002 (FELL PCN) to U00001 (TOWN PCN) in the practice map;
  - A00002 closes (epraccur status C, closed 30 September 2024);
  - A00001's April 2024 list gains 20 patients in E01000003 (Dale, under Countyshire): its home council is
    Unitown, so 20 of 120 patients, 16.7%, live under another council, above the 10% boundary threshold,
    where release 1 had 0 of 100.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl import changes
from etl.build import build
from etl.stats import spc
from tests.factory import REGISTRATIONS_Q2, registrations, write_tiny_area


def quiet(_line: str) -> None:
    pass


def entries(db: Path, kind: str | None = None) -> list[dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        frame = con.execute("select * from mart_changes order by built_at, kind, area_code").df()
    finally:
        con.close()
    rows = frame.to_dict("records")
    return [row for row in rows if kind is None or row["kind"] == kind]


def plant_release_two(raw: Path) -> None:
    practice_map = raw / "nhs" / "gp-reg-pat-prac-map.csv"
    text = practice_map.read_text()
    assert text.count("U00002,FELL PCN") == 1
    practice_map.write_text(text.replace("U00002,FELL PCN", "U00001,TOWN PCN"))
    epraccur = raw / "ods" / "epraccur.csv"
    lines = epraccur.read_text().splitlines(keepends=True)
    dale = [i for i, line in enumerate(lines) if line.startswith('"A00002"')]
    assert len(dale) == 1
    lines[dale[0]] = lines[dale[0]].replace('"19740401","","A"', '"19740401","20240930","C"')
    epraccur.write_text("".join(lines))
    (raw / "nhs" / "2024-04" / "gp-reg-pat-prac-lsoa-all.csv").write_text(
        registrations("01-Apr-24", [*REGISTRATIONS_Q2, ("A00001", "E01000003", 20)], count_header="Number of Patients"),
        newline="")


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> dict[str, Path]:
    """Release 1 built, then release 2 built over it (the same --db), copied after each build."""
    base = tmp_path_factory.mktemp("changes")
    raw = write_tiny_area(base / "raw")
    db = base / "warehouse.duckdb"
    build(raw, db, echo=quiet)
    first = shutil.copy(db, base / "release1.duckdb")
    plant_release_two(raw)
    build(raw, db, echo=quiet)
    second = shutil.copy(db, base / "release2.duckdb")
    return {"raw": raw, "db": db, "first": Path(first), "second": Path(second)}


def test_a_first_build_records_only_that_there_was_nothing_to_compare(releases):
    rows = entries(releases["first"])
    assert [row["kind"] for row in rows] == ["release"]
    assert rows[0]["note"] == "The first build: there is no earlier release to compare with."


def test_the_second_release_finds_exactly_the_planted_changes(releases):
    found = [row for row in entries(releases["second"]) if row["kind"] != "release"]
    assert sorted((row["kind"], row["area_code"]) for row in found) == [
        ("boundary_practice", "A00001"), ("practice_closed", "A00002"), ("practice_pcn", "A00003")]
    by_kind = {row["kind"]: row for row in found}

    moved = by_kind["practice_pcn"]
    assert (moved["old_state"], moved["new_state"]) == ("U00002", "U00001")
    assert (moved["old_label"], moved["new_label"]) == ("FELL PCN", "TOWN PCN")
    assert moved["pcn_code"] == "U00001" and moved["sub_icb_code"] == "00A"

    closed = by_kind["practice_closed"]
    assert (closed["old_state"], closed["new_state"]) == ("active", "closed")
    assert str(closed["period"].date()) == "2024-09-30"

    boundary = by_kind["boundary_practice"]
    assert boundary["direction"] == "became"
    assert (boundary["old_state"], boundary["new_state"]) == ("not boundary", "boundary")
    assert boundary["old_value"] == 0
    assert boundary["new_value"] == pytest.approx(20 / 120)
    assert str(boundary["period"].date()) == "2024-04-01"
    assert boundary["council_code"] == "E06000901"  # A00001's home council: Unitown


def test_each_entry_names_the_build_that_found_it_and_the_release_it_was_compared_with(releases):
    first_build = entries(releases["first"])[0]
    rows = [row for row in entries(releases["second"]) if row["built_at"] > first_build["built_at"]
            or row["build_id"] != first_build["build_id"]]
    assert {row["build_id"] for row in rows} == {rows[0]["build_id"]}
    assert {row["previous_built_at"] for row in rows} == {first_build["built_at"]}


def test_a_rebuild_of_the_same_files_finds_nothing_new_and_keeps_the_history(releases, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(releases["second"], db)
    build(releases["raw"], db, echo=quiet)
    before, after = entries(releases["second"]), entries(db)
    kept = {row["entry_id"] for row in before}
    assert kept < {row["entry_id"] for row in after}
    new = [row for row in after if row["entry_id"] not in kept]
    assert [row["kind"] for row in new] == ["release"]  # the third build: compared, nothing changed
    assert pd.isna(new[0]["note"])  # no note: everything was compared


def test_the_same_change_found_again_has_the_same_id(releases, tmp_path):
    """Release 2 built afresh over release 1 again: the entries' ids do not depend on when it was built."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(releases["first"], db)
    build(releases["raw"], db, echo=quiet)
    ids = {row["entry_id"] for row in entries(db) if row["kind"] != "release"}
    assert ids == {row["entry_id"] for row in entries(releases["second"]) if row["kind"] != "release"}


def test_an_older_warehouse_without_a_table_is_noted_not_a_crash(releases, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(releases["first"], db)
    con = duckdb.connect(str(db))
    con.execute("drop table mart_catchment_practice")
    con.execute("drop table mart_changes")
    con.close()
    build(releases["raw"], db, echo=quiet)
    rows = entries(db)
    assert sorted(row["kind"] for row in rows) == ["practice_closed", "practice_pcn", "release"]
    release = next(row for row in rows if row["kind"] == "release")
    assert "boundary practice (the earlier release has no mart_catchment_practice)" in release["note"]


def test_an_unreadable_previous_warehouse_costs_the_comparison_not_the_build(releases, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(b"not a DuckDB file" * 100)
    said = []
    build(releases["raw"], db, echo=said.append)
    rows = entries(db)
    assert [row["kind"] for row in rows] == ["release"]
    assert rows[0]["note"].startswith("The previous warehouse could not be read")
    assert any(line.startswith("The previous warehouse could not be read") for line in said)


# --- the rules on numbers worked by hand ---------------------------------------------------------------------

ALTERNATING = [10.0, 11.0] * 5  # mean moving range 1 over these ten


def test_the_latest_point_is_read_as_the_pages_read_it():
    # 12 months: 10, 11 five times, then 10 and 30. Mean 145 / 12 = 12.08; moving ranges 1 (ten of them) and
    # 20, mean 30 / 11 = 2.73; upper limit 12.08 + 2.66 x 2.73 = 19.34: 30 is outside it, on the high side.
    months = [f"2024-{m:02d}-01" for m in range(1, 13)]
    values = [*ALTERNATING, 10.0, 30.0]
    assert changes.latest_point(months, values, spc.DECREASE, None) == spc.CONCERN
    assert changes.latest_point(months, values, spc.INCREASE, None) == spc.IMPROVEMENT
    assert changes.latest_point(months[:11], values[:11], spc.DECREASE, None) is None  # 11 months: too few
    # an index that halves December's rate (index 3) brings 30 to 10: no longer special cause
    index = {m: 1.0 for m in range(1, 13)} | {12: 3.0}
    assert changes.latest_point(months, values, spc.DECREASE, index) == spc.COMMON


def test_became_special_cause_is_news_only_when_the_previous_reading_differed():
    assert changes.became_special(spc.COMMON, spc.CONCERN)
    assert changes.became_special(spc.IMPROVEMENT, spc.CONCERN)
    assert changes.became_special(None, spc.IMPROVEMENT)  # too few months before
    assert not changes.became_special(spc.CONCERN, spc.CONCERN)  # still concerning: not news
    assert not changes.became_special(spc.CONCERN, spc.COMMON)
    assert not changes.became_special(spc.COMMON, spc.NEUTRAL_CAUSE)  # no better direction: neither


@pytest.mark.parametrize(("before", "now", "moved"), [
    (0.05, 0.12, True),    # crossed 10% outwards
    (-0.08, -0.11, True),  # crossed, under plan
    (0.12, 0.15, False),   # already beyond, moved 3 points
    (0.12, -0.02, True),   # changed by 14 points
    (0.02, 0.09, False),   # within, moved 7 points
    (None, 0.11, True),    # no year-end figure before, 11% over now
    (None, 0.10, False),   # exactly the share is not more than it
    (0.05, None, False),   # no figure now
    (np.nan, 0.2, True),
])
def test_bcf_spend_moved_from_plan(before, now, moved):
    assert changes.bcf_moved(before, now, 0.10) is moved


# --- two demo releases: the second adds a year of hospital activity and a year-end BCF return ----------------

HOSPITAL_MEASURES = {"emergency_admissions", "ae_attendances", "emergency_bed_days"}  # from the activity files


@pytest.fixture(scope="module")
def demo_releases(tmp_path_factory) -> dict[str, Path]:
    """The demo area built without its 2025-26 activity file and its 2024-25 year-end BCF returns, then built
    whole into the same --db. The social care files, the ODS file, the practice maps and the registrations are
    the same in both, so the only news can be the hospital measures' latest months (March 2025 before,
    September 2025 after) and the 2024-25 BCF spend against plan."""
    import os

    from etl.demo import generate

    base = tmp_path_factory.mktemp("demo-releases")
    whole = base / "raw"
    generate(whole, seed=42, scale="demo", effect=True)
    held = base / "held-back"
    shutil.copytree(whole, held, copy_function=os.link)
    (held / "activity" / "sus_practice_activity_2025-26.csv").unlink()
    for path in (held / "bcf" / "year-end").glob("BCF_2024-25_End_of_Year_*.xlsx"):
        path.unlink()
    db = base / "warehouse.duckdb"
    build(held, db, echo=quiet)
    first = Path(shutil.copy(db, base / "release1.duckdb"))
    build(whole, db, echo=quiet)
    return {"first": first, "second": db}


def _readings(db: Path) -> dict[tuple, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {(a, c, m): p for a, c, m, p in con.execute(
            "select area_type, area_code, measure_id, point_type from mart_spc_latest").fetchall()}
    finally:
        con.close()


def test_two_demo_releases_report_only_what_the_second_added(demo_releases):
    found = [row for row in entries(demo_releases["second"]) if row["kind"] != "release"]
    con = duckdb.connect(str(demo_releases["second"]), read_only=True)
    shares = [row[0] for row in con.execute(
        "select actual_to_planned - 1 from mart_bcf_summary where financial_year = '2024-25'").fetchall()]
    con.close()
    # the three councils' 2024-25 spend came within 10% of plan (so no BCF entry), and nothing about practices
    # changed between the releases: every entry is a hospital measure that became special cause
    assert len(shares) == 3 and all(abs(share) <= 0.10 for share in shares)
    assert found and {row["kind"] for row in found} == {"special_cause"}
    assert {row["measure_id"] for row in found} <= HOSPITAL_MEASURES
    assert {str(row["old_period"].date()) for row in found} == {"2025-03-01"}
    assert {str(row["period"].date()) for row in found} == {"2025-09-01"}


def test_every_series_that_became_special_cause_has_an_entry_and_no_other(demo_releases):
    before, after = _readings(demo_releases["first"]), _readings(demo_releases["second"])
    expected = {key for key, point in after.items()
                if point in changes.SPC_KINDS and before.get(key) != point}
    found = {(row["area_type"], row["area_code"], row["measure_id"]): row
             for row in entries(demo_releases["second"], "special_cause")}
    assert set(found) == expected
    for key, row in found.items():
        assert (row["old_state"], row["new_state"]) == (before.get(key), after[key])
        assert row["direction"] == {spc.IMPROVEMENT: "improving", spc.CONCERN: "concerning"}[after[key]]


def test_a_previous_release_without_stored_readings_is_read_from_its_own_tables(demo_releases, tmp_path):
    """A warehouse from before mart_spc_latest: the same entries, its readings worked out from its tables."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_releases["first"], db)
    con = duckdb.connect(str(db))
    con.execute("drop table mart_spc_latest")
    con.close()
    raw = demo_releases["second"].parent / "raw"
    build(raw, db, echo=quiet)
    ids = {row["entry_id"] for row in entries(db, "special_cause")}
    assert ids == {row["entry_id"] for row in entries(demo_releases["second"], "special_cause")}


def test_a_change_found_again_is_listed_once_under_the_newest_build(releases, tmp_path):
    """Release 2 over release 1, release 1 over that (every change reversed), release 2 again: the first
    build's entries come back with the same ids, listed once, under the newest build."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(releases["second"], db)
    first_raw = write_tiny_area(tmp_path / "raw-one")
    build(first_raw, db, echo=quiet)
    reversed_kinds = sorted(row["kind"] for row in entries(db) if row["kind"] != "release"
                            and row["build_id"] != entries(releases["second"])[-1]["build_id"])
    assert "practice_pcn" in reversed_kinds
    build(releases["raw"], db, echo=quiet)
    rows = entries(db)
    ids = [row["entry_id"] for row in rows]
    assert len(ids) == len(set(ids))
    newest = max(row["built_at"] for row in rows)
    again = {row["entry_id"] for row in entries(releases["second"]) if row["kind"] != "release"}
    assert {row["entry_id"] for row in rows if row["built_at"] == newest and row["kind"] != "release"} >= again
