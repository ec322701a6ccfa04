"""Issue 3 marts on the tiny area, against numbers worked out by hand (tests/factory_outcomes.py).

Crosswalk, January 2023 release (list / Unitown residents / Countyshire residents / aged 65+):
A00001 110/70/30/30, A00002 110/9/101/22, A00003 50/30/20/10. Unitown 109 residents, Countyshire 151.
April 2024 release: A00001 100 patients, all in Unitown.
"""

from __future__ import annotations

import duckdb
import pytest

from etl.build import build
from tests.factory import write_tiny_area
from tests.factory_outcomes import write_tiny_outcomes


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    base = tmp_path_factory.mktemp("outcomes")
    db = base / "warehouse.duckdb"
    build(write_tiny_outcomes(write_tiny_area(base / "raw")), db, echo=lambda _: None)
    connection = duckdb.connect(str(db), read_only=True)
    yield connection
    connection.close()


def one(con, sql: str, params=None):
    rows = con.execute(sql, params or []).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def test_nothing_rejected(con):
    assert con.execute("select count(*) from dq_rejected_rows").fetchall()[0][0] == 0


def test_activity_rate_uses_the_latest_release_at_or_before_the_month(con):
    # March 2023: the January 2023 list of 110; 11 attendances -> 100 per 1,000
    count, denominator, rate, release = one(con, "select activity_count, denominator, rate_per_1000, "
                                                 "denominator_release from fct_practice_activity "
                                                 "where practice_code = 'A00001' and "
                                                 "activity_month = '2023-03-01' and measure_id = 'ae_attendances'")
    assert (count, denominator, rate, str(release)) == (11, 110, 100.0, "2023-01-01")
    # May 2024: the April 2024 list of 100; 5 -> 50 per 1,000
    assert one(con, "select rate_per_1000 from fct_practice_activity where practice_code = 'A00001' and "
                    "activity_month = '2024-05-01'")[0] == 50.0
    # December 2022 is before the first release: the earliest (January 2023) list, and the rule says so
    rate, rule = one(con, "select rate_per_1000, denominator_rule from fct_practice_activity where "
                          "practice_code = 'A00001' and activity_month = '2022-12-01'")
    assert rate == 200.0 and rule.startswith("earliest release")


def test_falls_65_plus_are_per_1000_patients_aged_65_plus(con):
    # 3 falls admissions, 30 patients aged 65+ -> 100 per 1,000
    assert one(con, "select denominator, rate_per_1000 from fct_practice_activity "
                    "where measure_id = 'falls_admissions_65'") == (30, 100.0)


def test_practice_activity_apportioned_to_councils(con):
    # Unitown, A&E, March 2023: 11 x 70/110 + 22 x 9/110 + 5 x 30/50 = 7 + 1.8 + 3 = 11.8 over 70 + 9 + 30 = 109
    numerator, denominator, rate = one(con, "select numerator, denominator, rate from mart_outcomes_council where "
                                            "council_code = 'E06000901' and measure_id = 'ae_attendances' "
                                            "and period_label = '2023-03'")
    assert numerator == pytest.approx(11.8) and denominator == pytest.approx(109)
    assert rate == pytest.approx(1000 * 11.8 / 109)
    # Countyshire: 11 x 30/110 + 22 x 101/110 + 5 x 20/50 = 3 + 20.2 + 2 = 25.2 over 151
    assert one(con, "select rate from mart_outcomes_council where council_code = 'E10000901' and "
                    "measure_id = 'ae_attendances' and period_label = '2023-03'")[0] == pytest.approx(1000 * 25.2 / 151)


def test_ascof_apportioned_to_practices(con):
    # 2022-23 uses the earliest release (January 2023). A00003 holds 30 of Unitown's 109 residents and 20 of
    # Countyshire's 151. Unitown 10 / 2,000, Countyshire 30 / 3,000 (admissions 65+, per 100,000).
    numerator, denominator, rate, coverage = one(
        con, "select numerator, denominator, rate, coverage from mart_outcomes_practice where practice_code = 'A00003' "
             "and measure_id = 'ascof_admissions_65_plus' and period_label = '2022-23'")
    expected_numerator = 10 * 30 / 109 + 30 * 20 / 151
    expected_denominator = 2000 * 30 / 109 + 3000 * 20 / 151
    assert numerator == pytest.approx(expected_numerator)
    assert denominator == pytest.approx(expected_denominator)
    assert rate == pytest.approx(100000 * expected_numerator / expected_denominator)  # about 709.6
    assert coverage == 1.0
    # 2020-21 only Unitown reported: A00003's rate is Unitown's, covering its 30 of 50 council residents
    rate, coverage = one(con, "select rate, coverage from mart_outcomes_practice where practice_code = 'A00003' "
                              "and measure_id = 'ascof_admissions_65_plus' and period_label = '2020-21'")
    assert rate == pytest.approx(600.0) and coverage == pytest.approx(30 / 50)


def test_council_shares_add_back_to_the_council(con):
    # apportioning a council's numerator to practices and summing gives the council's numerator back
    total = one(con, "select sum(numerator) from mart_outcomes_practice where measure_id = 'ascof_admissions_65_plus' "
                     "and period_label = '2022-23'")[0]
    assert total == pytest.approx(10 + 30)


def test_social_care_events_by_practice_and_council(con):
    # A00001, March 2023: residential 2 (Unitown's extract) + 1 (Countyshire's) = 3, over its 30 patients aged 65+
    numerator, denominator, rate = one(con, "select numerator, denominator, rate from mart_outcomes_practice where "
                                            "practice_code = 'A00001' and measure_id = 'residential_admissions' "
                                            "and period_label = '2023-03'")
    assert (numerator, denominator) == (3, 30) and rate == pytest.approx(10000)
    # residential + nursing
    assert one(con, "select numerator from mart_outcomes_practice where practice_code = 'A00001' and "
                    "measure_id = 'care_home_admissions' and period_label = '2023-03'")[0] == 4
    # a practice with no events that month has a zero, not a gap
    assert one(con, "select numerator from mart_outcomes_practice where practice_code = 'A00002' and "
                    "measure_id = 'residential_admissions' and period_label = '2023-03'")[0] == 0
    # 3 of A00003's 4 reablement starts were at home 91 days later
    assert one(con, "select rate from mart_outcomes_practice where practice_code = 'A00003' and "
                    "measure_id = 'reablement_at_home_91' and period_label = '2023-03'")[0] == 75.0
    # the client with no known practice counts for the council (2 + 1), not for any practice
    assert one(con, "select clients from fct_social_care_events where practice_code = 'UNKNOWN'")[0] == 1
    # Unitown's 65+ residents: 70 x 30/110 + 9 x 22/110 + 30 x 10/50 = 26.89 -> 27
    numerator, denominator = one(con, "select numerator, denominator from mart_outcomes_council where "
                                      "council_code = 'E06000901' and measure_id = 'residential_admissions' "
                                      "and period_label = '2023-03'")
    assert (numerator, denominator) == (3, 27)


def test_council_events_before_the_first_release_use_the_earliest(con):
    # Countyshire, November 2022 (before January 2023): 2 nursing admissions over its 32 residents aged 65+
    # (30 x 30/110 + 101 x 22/110 + 20 x 10/50 = 32.38 -> 32)
    assert one(con, "select numerator, denominator from mart_outcomes_council where council_code = 'E10000901' "
                    "and measure_id = 'nursing_admissions' and period_label = '2022-11'") == (2, 32)


def test_ascof_codes_map_to_one_measure_across_renumbering(con):
    rows = con.execute("select financial_year, published_measure_code from fct_ascof where area_code = 'E06000901' "
                       "and measure_id = 'admissions_65_plus' order by financial_year").fetchall()
    assert rows == [("2018-19", "2A(2)"), ("2020-21", "2A2"), ("2022-23", "2A2"), ("2023-24", "2C")]
    # 2D is reablement in 2023-24, not the old 2D (short-term services)
    assert one(con, "select measure_id from fct_ascof where published_measure_code = '2D'")[0] == "reablement_91_days"


def test_ascof_suppressed_values_are_kept_as_suppressed_never_zero(con):
    rows = con.execute("select financial_year, numerator, denominator, value, numerator_status, is_suppressed "
                       "from fct_ascof where disaggregation = 'Male' order by financial_year").fetchall()
    assert rows == [(year, None, 1500.0, None, "suppressed", True) for year in ("2018-19", "2022-23", "2023-24")]
    # ':' (2018-19) and '[x]' (later) are not available, not suppressed
    statuses = con.execute("select distinct value_status, is_suppressed from fct_ascof "
                           "where measure_id = 'reablement_91_days'").fetchall()
    assert statuses == [("not available", False)]


def test_ascof_xlsx_year_and_numbers(con):
    assert one(con, "select numerator, denominator, value from fct_ascof where financial_year = '2020-21'") \
        == (12.0, 2000.0, 600.0)


def test_bcf_two_year_plan_becomes_two_years_with_per_head(con):
    rows = con.execute("select financial_year, planned_gbp, planned_per_head_gbp, share_social_care, "
                       "population_release from mart_bcf_summary order by financial_year").fetchall()
    # 2023-24: 5,450 + 2,180 + 3,270 = 10,900 over 109 residents (mid-year release: January 2023);
    # social care 7,630 / 10,900 = 0.70. 2024-25: 6,000 + 2,000 + 3,000 = 11,000 over 100 (April 2024).
    assert [(r[0], r[1], r[2], round(r[3], 6), str(r[4])) for r in rows] == [
        ("2023-24", 10900.0, 100.0, 0.7, "2023-01-01"),
        ("2024-25", 11000.0, 110.0, round(6000 / 11000 + 2000 / 11000, 6), "2024-04-01"),
    ]
    # per head aged 65+: 10,900 / round(70 x 30/110 + 9 x 22/110 + 30 x 10/50) = 10,900 / 27
    assert one(con, "select planned_per_head_65_plus_gbp from mart_bcf_summary where financial_year = '2023-24'")[0] \
        == round(10900 / 27, 2)


def test_bcf_actuals_meet_their_plan_lines(con):
    rows = con.execute("select scheme_id, funding_source_id, planned_gbp, actual_gbp, actual_status "
                       "from fct_bcf_expenditure where financial_year = '2023-24' "
                       "order by scheme_id, funding_source_id").fetchall()
    assert rows == [
        ("1", "ibcf", 2180.0, 2180.0, "reported"),
        ("1", "minimum_nhs", 5450.0, 5000.0, "reported"),
        ("2", "minimum_nhs", 3270.0, None, "not in the end-of-year return"),
        ("3", "minimum_nhs", None, 500.0, "in the end-of-year return only"),
    ]
    assert one(con, "select actual_gbp from mart_bcf_summary where financial_year = '2023-24'")[0] == 5000 + 2180 + 500
    # no return yet for 2024-25: actual is unknown, not nil
    assert one(con, "select actual_gbp from mart_bcf_summary where financial_year = '2024-25'")[0] is None


def test_bcf_scheme_types_normalise_across_lists_and_spelling(con):
    rows = con.execute("select distinct scheme_type, scheme_type_group, scheme_type_list from fct_bcf_expenditure "
                       "where planned_gbp is not null order by 1").fetchall()
    # 'urgent community  response ' (case, double space, trailing space) is the 2023 list's Urgent Community Response
    assert rows == [("Home-based intermediate care services", "Intermediate care and reablement", 2023),
                    ("urgent community  response", "Discharge and urgent response", 2023)]
    shares = one(con, "select share_nhs, share_la, commissioner from fct_bcf_expenditure where scheme_id = '2' "
                      "and financial_year = '2023-24'")
    assert shares == (0.6, 0.4, "Joint")


def test_bcf_breakdown_adds_up(con):
    for dimension in ("source of funding", "scheme type", "area of spend", "provider", "commissioner"):
        total = one(con, "select sum(planned_gbp) from mart_bcf_breakdown where financial_year = '2023-24' "
                         "and dimension = ?", [dimension])[0]
        assert total == 10900.0, dimension
    assert one(con, "select planned_gbp from mart_bcf_breakdown where financial_year = '2023-24' and "
                    "dimension = 'source of funding' "
                    "and category = 'iBCF / Local Authority Better Care Grant'")[0] == 2180.0


def test_joint_working_index_by_hand(con):
    # A00001, 2023-24 Q1. Scores: JW01 100, JW02 2/3 of target 3 = 66.67, JW03 100 (3 >= 3), JW04 80,
    # JW05 9.1 per 1,000 >= target 4 -> 100, JW06 0.2 of target 0.5 -> 40, JW07 0, JW08 100, JW09 0, JW10 50.
    # time and space (JW02, JW03, JW07) = 55.56; trust (JW01, JW09, JW10) = 50; shared (JW04, JW08) = 90;
    # practical (JW05, JW06) = 70; index = (55.56 + 50 + 90 + 70) / 4 = 66.39
    row = one(con, "select time_and_space, trust_and_roles, shared_priorities, practical_support, joint_working_index, "
                   "has_attached_social_worker from mart_joint_working_index where practice_code = 'A00001'")
    time_and_space = (200 / 3 + 100 + 0) / 3
    assert row == (round(time_and_space, 2), 50.0, 90.0, 70.0, round((time_and_space + 50 + 90 + 70) / 4, 2), True)
    # A00002 returned nothing for practical support: three domains, no index. Its JW10 had no invitations,
    # so trust is JW01 (0) and JW09 (1 of target 1 = 100) alone: 50
    assert one(con, "select domains_scored, joint_working_index, trust_and_roles from mart_joint_working_index "
                    "where practice_code = 'A00002'") == (3, None, 50.0)
    assert one(con, "select score from fct_joint_working "
                    "where practice_code = 'A00002' and indicator_id = 'JW10'") == (None,)


def test_fingertips_as_published_with_england_beside(con):
    rows = con.execute("select practice_code, value, lower_ci_95, upper_ci_95, indicator_count, denominator, "
                       "england_value, value_note from fct_practice_indicator order by practice_code").fetchall()
    assert rows[0] == ("A00001", 545.5, 420.1, 697.2, 60.0, 110.0, 650.2, None)
    assert rows[1][:2] == ("A00002", None) and rows[1][-1].startswith("Value suppressed")


def test_reference_lists_and_indicator_definitions_are_in_the_warehouse(con):
    kinds = dict(con.execute("select kind, count(*) from ref_indicators group by kind").fetchall())
    assert kinds["joint_working"] == 10
    domains = con.execute("select domain, count(*) from ref_indicators where kind = 'joint_working' "
                          "group by domain order by domain").fetchall()
    assert [d for d, _ in domains] == ["practical support", "shared priorities and outcomes", "time and space",
                                       "trust and awareness of roles"]


def test_a_practice_year_adds_up_its_months(con):
    # mart_outcomes_practice_year, A00001's A&E attendances. 2022-23: December 2022 (22 on the earliest list of
    # 110) and March 2023 (11 on 110): 33 over 220, two months. 2024-25: May 2024, 5 on the April 2024 list of
    # 100, one month. Falls (65+) in March 2023: 3 over its 30 patients aged 65+.
    assert one(con, "select numerator, denominator, periods from mart_outcomes_practice_year where practice_code = "
                    "'A00001' and measure_id = 'ae_attendances' and financial_year = '2022-23'") == (33, 220, 2)
    assert one(con, "select numerator, denominator, periods from mart_outcomes_practice_year where practice_code = "
                    "'A00001' and measure_id = 'ae_attendances' and financial_year = '2024-25'") == (5, 100, 1)
    assert one(con, "select numerator, denominator, period_type from mart_outcomes_practice_year where practice_code "
                    "= 'A00001' and measure_id = 'falls_admissions_65' and financial_year = '2022-23'") \
        == (3, 30, "month")
    # ASCOF's yearly rows stay one period of their own kind: A00003's 2022-23 admissions (65+), as above
    numerator, periods, period_type = one(
        con, "select numerator, periods, period_type from mart_outcomes_practice_year where practice_code = 'A00003' "
             "and measure_id = 'ascof_admissions_65_plus' and financial_year = '2022-23'")
    assert numerator == pytest.approx(10 * 30 / 109 + 30 * 20 / 151) and (periods, period_type) == (1, "financial year")
