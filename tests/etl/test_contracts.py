"""A model's contract tests, counted on a small hand-made table: each test names its own violations,
the row tests counted together in one scan still say which test each row breaks, and a test that
cannot run is named while the others are still counted."""

from __future__ import annotations

import duckdb
import pytest

from etl.contracts import Contract, check


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create table practices (code varchar, patients integer, kind varchar)")
    # A2 has no count (not_null), A3 an impossible one (between), A4 an unknown kind (accepted_values),
    # A1 twice (unique), and Z9 is not in the list of known codes (relationships).
    con.execute("insert into practices values ('A1', 10, 'gp'), ('A1', 20, 'gp'), ('A2', null, 'gp'), "
                "('A3', -5, 'gp'), ('A4', 30, 'pharmacy'), ('Z9', 40, 'gp')")
    con.execute("create table known (code varchar)")
    con.execute("insert into known values ('A1'), ('A2'), ('A3'), ('A4')")
    yield con
    con.close()


def contract(**tests) -> Contract:
    columns = {"code": {"tests": ["unique", {"relationships": "known.code"}]},
               "patients": {"tests": ["not_null", {"between": [0, 100_000]}]},
               "kind": {"tests": [{"accepted_values": ["gp"]}]}}
    return Contract(model="practices", grain="practice", description="", columns=columns,
                    tests=tests.get("tests", []), requires=[])


def test_each_test_counts_its_own_violations(con):
    assert sorted(check(con, contract())) == sorted([
        "practices: 1 row(s) break 'code is unique'",  # A1: one repeated value
        "practices: 1 row(s) break 'every code is in known.code'",  # Z9
        "practices: 1 row(s) break 'patients is never null'",  # A2
        "practices: 1 row(s) break 'patients is between 0 and 100000'",  # A3 (A2's null is not out of range)
        "practices: 1 row(s) break 'kind is one of ['gp']'",  # A4
    ])


def test_model_tests_are_counted_with_the_row_tests(con):
    tests = [{"expression": "patients >= 20 or patients is null"}, {"unique": ["code", "kind"]}]
    failures = check(con, contract(tests=tests))
    assert "practices: 2 row(s) break 'every row has patients >= 20 or patients is null'" in failures  # 10, -5
    assert "practices: 1 row(s) break 'one row per code, kind'" in failures  # (A1, gp) twice


def test_a_test_that_cannot_run_is_named_and_the_others_still_count(con):
    failures = check(con, contract(tests=[{"expression": "no_such_column > 0"}]))
    assert any(failure.startswith("practices: contract test 'every row has no_such_column > 0' could not run")
               for failure in failures)
    assert "practices: 1 row(s) break 'patients is never null'" in failures
    assert "practices: 1 row(s) break 'kind is one of ['gp']'" in failures
    assert len(failures) == 6  # the five violations above, and the test that could not run


def test_a_table_that_keeps_its_contract_has_no_failures(con):
    con.execute("delete from practices where code in ('A2', 'A3', 'A4', 'Z9') or patients = 20")
    assert check(con, contract()) == []
