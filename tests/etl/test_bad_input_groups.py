"""Bad rows of the shared groups file (practice_groups.csv): each rejected with its file, line, column and
what was expected, and the rest built (README, "What jointcare does with bad input").

Tiny area (tests/factory.py): practices A00001, A00002, A00003; PCNs U00001 and U00002; council localities
LOC-U-1, LOC-C-1 and LOC-C-2. Most of A00002's patients live in Fell (LOC-C-2): tests/etl/test_practice_groups.py.
"""

from __future__ import annotations

from etl.build import build
from tests.etl.test_practice_groups import GROUPS, query, write_groups


def test_bad_rows_are_rejected_by_line_and_column_and_the_rest_built(tiny_raw, tmp_path):
    write_groups(tiny_raw, [
        ["FED-1", "Town federation", "practice", "A00001"],  # line 2: kept
        ["FED-1", "Town federation", "practice", "Z99999"],  # line 3: no such practice
        ["FED-1", "Town federation", "ccg", "00A"],  # line 4: not a member type
        ["FED-1", "Town federation", "practice", "A00001"],  # line 5: repeats line 2
        ["FED-1", "Town Federation Two", "pcn", "U00002"],  # line 6: a second name for FED-1
        ["FED-1", "Town federation", "pcn", "U99999"],  # line 7: no such PCN
        ["HUB-1", "Hub", "locality", "LOC-NOWHERE"],  # line 8: no such locality
        ["HUB-2", "Good hub", "locality", "LOC-C-2"],  # line 9: kept
    ])
    db = tmp_path / "warehouse.duckdb"
    build(tiny_raw, db, echo=lambda _: None)
    rejected = query(db, "select line, \"column\", value, reason from dq_rejected_rows "
                         f"where file = '{GROUPS.as_posix()}' order by line")
    assert rejected == [
        (3, "member_code", "Z99999", "code Z99999 is no practice in the GP practice to PCN, sub-ICB, ICB and "
                                     "region mapping nor the GP practices (epraccur)"),
        (4, "member_type", "ccg", "expected one of practice, pcn, locality"),
        (5, "member_code", "A00001", "repeats line 2 (expected each member once in a group)"),
        (6, "group_name", "Town Federation Two", "group FED-1 is named 'Town federation' on line 2 (expected one "
                                                 "name for each group code)"),
        (7, "member_code", "U99999", "code U99999 is no PCN in the GP practice to PCN, sub-ICB, ICB and region "
                                     "mapping"),
        (8, "member_code", "LOC-NOWHERE", "code LOC-NOWHERE is no council locality in the Council localities "
                                          "(neighbourhood team areas)"),
    ]
    # HUB-1 lost its only member, so it is no group; the rest are built
    assert query(db, "select group_code, group_name, practice_code from mart_practice_group order by all") == [
        ("FED-1", "Town federation", "A00001"),
        ("HUB-2", "Good hub", "A00002"),  # most of A00002's patients live in Fell
    ]
    assert query(db, "select rows_rejected from dq_load_log where source = 'practice_groups'") == [(6,)]
