"""Rules written once in dashboard/queries/_macros.sql for the pages and the downloads.

release_for_period, the release a financial year reads, is checked on made-up release dates, so each case's
answer can be read off the calendar; headline_measures on the definitions the tiny warehouse was built with.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from dashboard.db import QUERIES

RELEASES = ("(values (date '2023-01-01'), (date '2024-03-31'), (date '2024-04-01'), (date '2024-07-01')) "
            "as releases(day)")


@pytest.fixture
def con(tiny_outcomes_warehouse):
    # the macros name the warehouse's tables, so they are created on a warehouse, as the dashboard does
    con = duckdb.connect(str(tiny_outcomes_warehouse), read_only=True)
    con.execute((QUERIES / "_macros.sql").read_text())
    yield con
    con.close()


@pytest.mark.parametrize(("period", "expected"), [
    # 2022-23 ends on 31 March 2023: January 2023 is the only release by then
    ("2022-23", dt.date(2023, 1, 1)),
    # 2023-24 ends on 31 March 2024: a release dated that day counts as at or before the year's end
    ("2023-24", dt.date(2024, 3, 31)),
    # 2024-25 ends on 31 March 2025: the latest of the three in or before it, July 2024
    ("2024-25", dt.date(2024, 7, 1)),
    # 2020-21 ends before every release: the earliest loaded stands in
    ("2020-21", dt.date(2023, 1, 1)),
])
def test_the_latest_release_by_the_years_end_else_the_earliest(con, period, expected):
    got = con.execute(f"select release_for_period(day, $period) from {RELEASES}", {"period": period}).fetchone()
    assert got == (expected,)


def test_no_releases_give_no_release(con):
    got = con.execute(f"select release_for_period(day, '2024-25') from {RELEASES} where false").fetchone()
    assert got == (None,)


def test_the_headline_measures_are_those_declared_headline(con):
    # `headline: true` in etl/indicators/*.yml: the four the case studies name and reablement's BCF metric
    got = {measure for (measure,) in con.execute("select measure_id from headline_measures()").fetchall()}
    assert got == {"emergency_admissions", "ae_attendances", "emergency_bed_days", "care_home_admissions",
                   "reablement_at_home_91"}
