"""The shared groups file (practice_groups.csv) on the tiny area: resolved to practices by hand, and its
bad rows rejected with file, line and column while the rest are built.

Tiny area (tests/factory.py): A00001 and A00002 are PCN U00001, A00003 is PCN U00002. Council localities:
LOC-U-1 (Unitown: E01000001-2), LOC-C-1 (Dale: E01000003), LOC-C-2 (Fell: E01000004-6). In the April 2024
release A00001's patients all live in E01000001, so its main locality is LOC-U-1; A00002 and A00003 have
no patients in that release, so their latest release is January 2023: A00002 has 40 in E01000003 (Dale) and
50 + 11 in Fell (E01000004, and E01000099 split into Fell's E01000005-6), so LOC-C-2; A00003 has 20 in
Fell and 30 in Unitown, so LOC-U-1.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.build import build
from tests.factory import _csv, _write

HEADER = ["group_code", "group_name", "member_type", "member_code"]
GROUPS = Path("local") / "practice_groups.csv"


def write_groups(raw: Path, rows: list[list[str]]) -> None:
    _write(raw / GROUPS, _csv([HEADER, *rows]))


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_two_practices_and_a_pcn_resolve_to_their_practices_once(tiny_raw, tmp_path):
    write_groups(tiny_raw, [
        ["FED-1", "Town federation", "practice", "A00001"],
        ["FED-1", "Town federation", "practice", "a00003"],  # any case
        ["FED-1", "Town federation", "PCN", "U00001"],  # holds A00001 again, and A00002
        ["HUB-1", "Unitown hub", "locality", "LOC-U-1"],
    ])
    db = tmp_path / "warehouse.duckdb"
    build(tiny_raw, db, echo=lambda _: None)
    assert query(db, "select group_code, practice_code, via_members from mart_practice_group order by all") == [
        ("FED-1", "A00001", ["pcn:U00001", "practice:A00001"]),
        ("FED-1", "A00002", ["pcn:U00001"]),
        ("FED-1", "A00003", ["practice:A00003"]),
        # most of A00001's (April 2024) and A00003's (January 2023) patients live in Unitown's locality
        ("HUB-1", "A00001", ["locality:LOC-U-1"]),
        ("HUB-1", "A00003", ["locality:LOC-U-1"]),
    ]
    assert query(db, "select group_code, member_type, member_code, practice_count from mart_group_member "
                     "order by all") == [
        ("FED-1", "pcn", "U00001", 2), ("FED-1", "practice", "A00001", 1), ("FED-1", "practice", "A00003", 1),
        ("HUB-1", "locality", "LOC-U-1", 2),
    ]
    assert query(db, "select count(*) from dq_rejected_rows where source = 'practice_groups'") == [(0,)]
