"""CSV files written from the tiny area's summary, parsed back and checked against hand-worked numbers.

Tiny area (tests/factory_outcomes.py): Unitown's registered residents in the January 2023 release are
A00001 70, A00003 30, A00002 9 (A00002 is based in Countyshire): 109, of whom 9 elsewhere.
"""

from __future__ import annotations

import csv
import io

import pytest

from dashboard import filters, suppression
from dashboard.exports import csv_files
from dashboard.exports.gather import build_summary
from tests.exports.conftest import HOSTILE_NAME

UNITOWN = "E06000901"


def rows(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def summary(**query):
    return build_summary(filters.parse(query)[0])


def test_serving_practices_of_a_council(dashboard_db):
    table = summary(council=UNITOWN, period="2022-23").table("serving_practices")
    parsed = {row["practice_code"]: row for row in rows(csv_files.table_csv(table))}
    assert {code: row["residents"] for code, row in parsed.items()} == {"A00001": "70", "A00003": "30", "A00002": "9"}
    assert float(parsed["A00002"]["share"]) == pytest.approx(9 / 109)
    assert parsed["A00002"]["based_elsewhere"] == "Yes" and parsed["A00002"]["home_council"] == "Countyshire"


def test_headline_rate_is_the_sum_of_numerators_over_the_sum_of_denominators(dashboard_db):
    parsed = {row["measure_id"]: row for row in rows(csv_files.table_csv(
        summary(council=UNITOWN, period="2022-23").headlines))}
    # Unitown's residents, A&E (tests/etl/test_outcome_marts.py): December 2022 22 x 70/110 = 14 over 70,
    # March 2023 11.8 over 109: (14 + 11.8) / (70 + 109) x 1,000
    ae = parsed["ae_attendances"]
    assert float(ae["rate"]) == pytest.approx(1000 * 25.8 / 179)
    assert float(ae["numerator"]) == pytest.approx(25.8) and ae["denominator"] == "179"
    assert float(ae["ci_low"]) < float(ae["rate"]) < float(ae["ci_high"])
    # 4 care home admissions of Unitown residents in March 2023 (2 + 1 at A00001, 1 with no practice):
    # the count and everything worked out from it are hidden
    care = parsed["care_home_admissions"]
    assert [care[field] for field in ("numerator", "rate", "ci_low", "ci_high")] == ["<5"] * 4


def test_monthly_rows_hide_small_counts_and_the_cell_that_would_give_them_away(dashboard_db):
    # FELL PRACTICE (A00003), 2022-23: 3 of 4 reablement clients at home after 91 days in March 2023, 0 of 0
    # in November and December. Numerators 0, 0, 3 with the year's total (3) printed in the headlines: the 3
    # is "<5", one 0 is hidden with it ("[c]"), and the headline total is "<5".
    built = summary(practice="A00003", period="2022-23")
    months = [row for row in rows(csv_files.table_csv(built.monthly)) if row["measure_id"] == "reablement_at_home_91"]
    assert [row["month"] for row in months] == ["2022-11-01", "2022-12-01", "2023-03-01"]
    assert sorted(row["numerator"] for row in months) == ["0", "<5", "[c]"]
    march = months[-1]
    assert (march["numerator"], march["denominator"], march["rate"]) == ("<5", "<5", "<5")
    [headline] = [row for row in rows(csv_files.table_csv(built.headlines))
                  if row["measure_id"] == "reablement_at_home_91"]
    assert (headline["numerator"], headline["rate"]) == ("<5", "<5")


def test_a_count_of_three_is_hidden_everywhere_totals_included(hostile_db):
    # The variant: A00002 has 3 Unitown residents (tests/exports/conftest.py). Unitown 70 + 30 + 3 = 103.
    built = summary(council=UNITOWN, period="2022-23")
    parsed = {row["practice_code"]: row for row in rows(csv_files.table_csv(built.serving_practices))}
    assert (parsed["A00002"]["residents"], parsed["A00002"]["share"]) == ("<5", "<5")
    # with 103 printed, 103 - 70 - 30 would give the 3 back: the next smallest (A00003's 30) is hidden too
    assert (parsed["A00003"]["residents"], parsed["A00001"]["residents"]) == ("[c]", "70")
    # the 'residents registered elsewhere' total is A00002's 3 alone, and the share worked out from it
    assert built.catchment["residents_elsewhere"] == "<5" and built.catchment["share_elsewhere"] == "<5"
    assert built.catchment["residents"] == 103
    assert "3" not in {row["residents"] for row in parsed.values()}


def test_formula_text_is_inert_and_numbers_stay_numbers(hostile_db):
    built = summary(council=UNITOWN, period="2022-23")
    data = csv_files.table_csv(built.serving_practices)
    parsed = {row["practice_code"]: row for row in rows(data)}
    assert parsed["A00003"]["practice_name"] == "'" + HOSTILE_NAME
    assert b'"=HYPERLINK' not in data and b",=HYPERLINK" not in data
    assert parsed["A00001"]["residents"] == "70"


def test_dictionary_lists_every_column_and_states_the_rule(dashboard_db):
    table = summary(council=UNITOWN, period="2022-23").serving_practices
    parsed = rows(csv_files.dictionary_csv(table))
    assert list(parsed[0]) == csv_files.DICTIONARY_HEADER
    by_column = {row["column"]: row for row in parsed}
    assert [row["column"] for row in parsed[:len(table.columns)]] == [column.field for column in table.columns]
    assert by_column["residents"]["suppressed"].startswith("yes") and by_column["residents"]["type"] == "whole number"
    assert by_column["share"]["suppressed"].startswith("with its count")
    assert by_column["practice_code"]["suppressed"] == "no"
    assert by_column["(suppression rule)"]["description"] == suppression.RULE


def test_every_table_has_a_file_safe_name(dashboard_db):
    built = summary(period="2023-24")
    names = [table.name for table in built.tables()]
    assert len(names) == len(set(names))
    assert all(name.replace("_", "").isalnum() and name.islower() for name in names)
    assert {"headline_measures", "serving_practices", "bcf_scheme_types", "definitions", "sources"} <= set(names)
