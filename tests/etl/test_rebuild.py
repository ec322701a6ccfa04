"""Rebuilds reuse what loading and checking unchanged files produced (etl/loadcache.py), and give
exactly the warehouse a full build gives: every table compared, values exactly equal (etl/compare.py).

The area is the tiny one with its outcome sources: CSVs in UTF-8 and Windows-1252, workbooks, a
GeoJSON file, so every kind of cached file is restored. It has 23 raw files, 11 crosswalk and 12
outcome files (tests/factory.py, tests/factory_outcomes.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from etl import loadcache
from etl.build import build
from etl.compare import differences
from etl.errors import BuildFailed
from tests.conftest import sha256
from tests.factory import write_tiny_area
from tests.factory_outcomes import write_tiny_outcomes

FILES = 23
NEW_RELEASE = "nhs/2024-04/gp-reg-pat-prac-lsoa-all.csv"
NEW_MONTH = "activity/sus_practice_activity_2024-06.csv"
NEW_MONTH_TEXT = "Activity Month,GP Practice Code,Measure,Count\r\n2024-06,A00002,A&E attendances,7\r\n"


def quiet(_: str) -> None:
    pass


@pytest.fixture
def area(tmp_path: Path) -> Path:
    raw = write_tiny_outcomes(write_tiny_area(tmp_path / "raw"))
    assert sum(1 for path in raw.rglob("*") if path.is_file()) == FILES
    return raw


def rebuild(raw: Path, db: Path, **options):
    return build(raw, db, echo=quiet, load_cache=loadcache.cache_path(db), **options)


def full_build(raw: Path, db: Path) -> Path:
    build(raw, db, echo=quiet)
    return db


@pytest.mark.parametrize("added", [NEW_RELEASE, NEW_MONTH])
def test_adding_a_months_files_reuses_the_rest_and_builds_the_same_warehouse(area: Path, tmp_path: Path, added: str):
    held_back = tmp_path / "held-back"
    held_back.mkdir()
    if added == NEW_MONTH:
        (held_back / "new.csv").write_text(NEW_MONTH_TEXT, newline="")
    else:
        shutil.move(area / added, held_back / "new.csv")
    db = tmp_path / "served" / "warehouse.duckdb"
    first = rebuild(area, db)
    assert first.reused_files == 0

    (area / added).parent.mkdir(parents=True, exist_ok=True)
    shutil.move(held_back / "new.csv", area / added)
    second = rebuild(area, db)
    # every file but the new one; the NEW_MONTH case adds a 24th file, the release case restores the 23rd
    assert second.reused_files == (FILES if added == NEW_MONTH else FILES - 1)
    assert differences(db, full_build(area, tmp_path / "full.duckdb")) == []


def test_the_new_files_rows_are_in_the_rebuilt_warehouse(area: Path, tmp_path: Path):
    db = tmp_path / "warehouse.duckdb"
    rebuild(area, db)
    (area / NEW_MONTH).write_text(NEW_MONTH_TEXT, newline="")
    rebuild(area, db)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select practice_code, activity_count from fct_practice_activity "
                           "where activity_month = date '2024-06-01'").fetchall()
    assert rows == [("A00002", 7)]


def test_a_changed_file_is_read_again_not_taken_from_its_old_entry(area: Path, tmp_path: Path):
    db = tmp_path / "warehouse.duckdb"
    rebuild(area, db)
    activity = area / "activity" / "sus_practice_activity.csv"
    activity.write_bytes(activity.read_bytes().replace(b"2023-03,A00003,A&E attendances,5",
                                                       b"2023-03,A00003,A&E attendances,9"))
    report = rebuild(area, db)
    assert report.reused_files == FILES - 1
    with duckdb.connect(str(db), read_only=True) as con:
        count = con.execute("select activity_count from fct_practice_activity where practice_code = 'A00003' "
                            "and activity_month = date '2023-03-01'").fetchall()
    assert count == [(9,)]
    assert differences(db, full_build(area, tmp_path / "full.duckdb")) == []


def test_changed_code_or_full_reads_every_file_again(area: Path, tmp_path: Path, monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    rebuild(area, db)
    assert rebuild(area, db).reused_files == FILES
    assert rebuild(area, db, full=True).reused_files == 0
    monkeypatch.setattr(loadcache, "code_fingerprint", lambda: "another version of the loaders")
    assert rebuild(area, db).reused_files == 0
    assert rebuild(area, db).reused_files == FILES  # the cache was rewritten under the new fingerprint


def test_an_entry_missing_rows_is_not_trusted(area: Path, tmp_path: Path):
    db = tmp_path / "warehouse.duckdb"
    rebuild(area, db)
    with duckdb.connect(str(loadcache.cache_path(db))) as con:
        entry = con.execute("select entry from entries where name = 'nhs/2023-01/gp-reg-pat-prac-lsoa-all.csv'"
                            ).fetchall()[0][0]
        con.execute(f"delete from raw_registrations where entry = {entry} and line = 2")
    assert rebuild(area, db).reused_files == FILES - 1
    assert differences(db, full_build(area, tmp_path / "full.duckdb")) == []


def test_a_damaged_cache_file_is_replaced(area: Path, tmp_path: Path):
    db = tmp_path / "warehouse.duckdb"
    rebuild(area, db)
    loadcache.cache_path(db).write_bytes(b"not a DuckDB file" * 1000)
    assert rebuild(area, db).reused_files == 0
    assert rebuild(area, db).reused_files == FILES
    assert differences(db, full_build(area, tmp_path / "full.duckdb")) == []


def test_a_failed_rebuild_leaves_the_served_warehouse_untouched(area: Path, tmp_path: Path):
    db = tmp_path / "warehouse.duckdb"
    rebuild(area, db)
    before = sha256(db)
    (area / NEW_MONTH).write_text(NEW_MONTH_TEXT + "2024-06,A00003,A&E attendances", newline="")  # cut short
    with pytest.raises(BuildFailed, match="truncated"):
        rebuild(area, db)
    assert sha256(db) == before
