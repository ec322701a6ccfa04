"""Each mart against numbers worked out by hand from tests/factory.py's tiny area."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from etl.models import build_order, discover, run

Q1 = dt.date(2023, 1, 1)
Q2 = dt.date(2024, 4, 1)


def one(con, sql, *params):
    rows = con.execute(sql, list(params)).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def test_split_lsoa_shares_patients_in_whole_numbers(tiny):
    # A00002 has 11 patients in 2011 LSOA E01000099, split equally into E01000005 and E01000006:
    # 5.5 each; largest remainder (tie broken by code) gives 6 to E01000005 and 5 to E01000006.
    rows = dict(tiny.execute(
        "select lsoa_code, patients from fct_registrations where practice_code = 'A00002' and quarter = ?", [Q1]
    ).fetchall())
    assert rows["E01000005"] == 6 and rows["E01000006"] == 5
    assert "E01000099" not in rows
    # Every published patient is still counted once: 40 + 50 + 11 + 9 = 110.
    assert sum(rows.values()) == 110


def test_vintage_decided_from_codes_then_date(tiny):
    rules = dict(tiny.execute("select extract_date, vintage_rule from int_registrations__vintage").fetchall())
    # January 2023 holds E01000099, which exists only as a 2011 code; April 2024 holds no telling code.
    assert rules[Q1] == "codes found in only one vintage"
    assert rules[Q2] == "release date"


def test_practice_council_shares(tiny):
    shares = {row[0]: row[1:] for row in tiny.execute(
        "select area_code, area_kind, patients, share from mart_practice_council_share "
        "where practice_code = 'A00001' and quarter = ?", [Q1]).fetchall()}
    # A00001 in Q1: Unitown 60 + 10 = 70, Countyshire (Dale) 30, CLOSED 5, Welsh LSOA 5; list 110.
    assert shares["E06000901"][1:] == (70, pytest.approx(70 / 110))
    assert shares["E10000901"][1:] == (30, pytest.approx(30 / 110))
    assert shares["CLOSED"][0] == "unknown residence"
    assert shares["WALES"][0] == "outside England"
    assert sum(share for *_, share in shares.values()) == pytest.approx(1.0)


def test_catchment_practice_hand_computed(tiny):
    share, boundary, served, rule = one(tiny,
        "select share_other_council, is_boundary_practice, councils_served, home_council_rule "
        "from mart_catchment_practice where practice_code = 'A00001' and quarter = ?", Q1)
    # Known residence = 110 - 5 CLOSED = 105; elsewhere = 30 Countyshire + 5 Wales = 35; 35/105 = 1/3.
    assert share == pytest.approx(1 / 3)
    assert boundary is True and served == 2 and rule == "postcode"

    share, boundary = one(tiny, "select share_other_council, is_boundary_practice from mart_catchment_practice "
                                "where practice_code = 'A00002' and quarter = ?", Q1)
    # A00002 is in Dale, so Countyshire; 9 of its 110 patients live in Unitown: 9/110 = 0.0818, not > 10%.
    assert share == pytest.approx(9 / 110)
    assert boundary is False


def test_home_council_falls_back_to_largest_share(tiny):
    # A00003's postcode is not in the postcode directory: 30 patients in Unitown beat 20 in Countyshire.
    home, rule = one(tiny, "select home_council_code, home_council_rule from dim_practice "
                           "where practice_code = 'A00003'")
    assert (home, rule) == ("E06000901", "largest share of patients")
    share = one(tiny, "select share_other_council from mart_catchment_practice where practice_code = 'A00003'")[0]
    assert share == pytest.approx(20 / 50)


def test_catchment_council_hand_computed(tiny):
    residents, elsewhere, share, serving = one(tiny,
        "select residents_registered, residents_at_practices_elsewhere, share_at_practices_elsewhere, "
        "practice_codes_serving from mart_catchment_council where council_code = 'E10000901' and quarter = ?", Q1)
    # Countyshire residents: A00001 30 + A00002 (40 + 50 + 11) + A00003 20 = 151;
    # at practices based elsewhere (A00001 and A00003 are Unitown's): 30 + 20 = 50.
    assert (residents, elsewhere) == (151, 50)
    assert share == pytest.approx(50 / 151)
    assert serving == ["A00002", "A00001", "A00003"]  # most residents first: 101, 30, 20


def test_coterminosity_hand_computed(tiny):
    best, score, areas = one(tiny,
        "select best_area_code, coterminosity, areas_with_patients from mart_coterminosity "
        "where org_type = 'pcn' and org_code = 'U00001' and quarter = ? and area_type = 'council'", Q1)
    # PCN U00001 = A00001 + A00002, English residents: Unitown 70 + 9 = 79, Countyshire 30 + 101 = 131.
    assert best == "E10000901" and areas == 2
    assert score == pytest.approx(131 / 210)
    best, score = one(tiny,
        "select best_area_code, coterminosity from mart_coterminosity "
        "where org_type = 'pcn' and org_code = 'U00001' and quarter = ? and area_type = 'locality'", Q1)
    # Localities: LOC-U-1 79, LOC-C-1 (Dale) 30 + 40 = 70, LOC-C-2 (Fell) 50 + 11 = 61.
    assert best == "LOC-U-1" and score == pytest.approx(79 / 210)


def test_pcn_straddles_councils(tiny):
    straddles, councils = one(tiny, "select straddles_councils, home_council_codes from dim_pcn "
                                    "where pcn_code = 'U00001'")
    assert straddles is True and councils == ["E06000901", "E10000901"]


def test_council_tiers_and_parents(tiny):
    rows = {code: (tier, parent, social) for code, tier, parent, social in tiny.execute(
        "select council_code, tier, parent_upper_tier_code, is_social_care_council from dim_council").fetchall()}
    assert rows["E07000901"] == ("district", "E10000901", False)
    assert rows["E10000901"] == ("county", "E10000901", True)
    assert rows["E06000901"] == ("unitary authority", "E06000901", True)


def test_lsoa_dimension_maps_2011_codes(tiny):
    codes = dict(tiny.execute("select lsoa_code, lsoa11_codes from dim_lsoa "
                              "where lsoa_code like 'E0100000_'").fetchall())
    assert codes["E01000005"] == ["E01000099"] and codes["E01000006"] == ["E01000099"]


def test_non_practice_organisations_left_out(tiny):
    # A00009 is a walk-in centre (prescribing setting 1) in epraccur: not a GP practice.
    assert tiny.execute("select count(*) from dim_practice where practice_code = 'A00009'").fetchone()[0] == 0


def test_thresholds_recorded_where_users_can_read_them(tiny):
    method = dict(tiny.execute("select name, value from meta_method").fetchall())
    assert method == {"boundary_share_threshold": 0.10, "serve_min_share": 0.01, "serve_min_patients": 50,
                      "joint_working_domain_weight": 0.25, "impact_min_practices": 5, "impact_bootstrap_reps": 999,
                      "impact_bootstrap_seed": 2026, "impact_placebo_lead_months": 12,
                      "comparison_small_difference": 0.05, "comparison_large_difference": 0.20,
                      "small_number_threshold": 5, "peer_council_count": 15, "peer_practice_count": 10,
                      "peer_weight_size": 1, "peer_weight_age": 1, "peer_weight_deprivation": 1,
                      "peer_weight_elsewhere": 1, "bcf_moved_share": 0.10}


def test_python_models_declare_what_they_read():
    models = discover()
    impact = models["mart_joint_working_impact"]
    assert impact.is_python and impact.kept
    assert impact.depends_on == {"int_joint_working__impact_panel", "ref_unit_costs", "ref_indicators"} & set(models)
    assert "mart_joint_working_impact" not in models["mart_joint_working_pretrends"].depends_on
    order = [model.name for model in build_order(models)]
    assert order.index("int_joint_working__impact_panel") < order.index("mart_joint_working_impact")


def test_raw_layer_not_kept(tiny):
    schemas = {row[0] for row in tiny.execute("select schema_name from duckdb_schemas() "
                                              "where database_name = current_database()").fetchall()}
    assert "raw" not in schemas


def test_geometry_loaded(tiny):
    count, lon = one(tiny, "select count(*), min(centroid_lon) from geo_lsoa")
    assert count == 6 and -1.51 < lon < -1.49


def test_impact_panel_leaves_out_months_when_a_practice_may_have_joined():
    """The impact panel on hand-made tables. P1 says "no" in 2021 Q1 (January), sends nothing for April, says
    "yes" in July: it may have joined in April or July, so April-June go; January-March stay as before joining,
    July on as after. P2 never joins: every month. P3 sent no return: left out."""
    con = duckdb.connect()
    con.execute("create table mart_joint_working_index as select * from (values "
                "('P1', date '2021-01-01', false), ('P1', date '2021-07-01', true), ('P1', date '2021-10-01', true), "
                "('P2', date '2021-01-01', false), ('P2', date '2021-04-01', false)) "
                "as t(practice_code, quarter_start, has_attached_social_worker)")
    con.execute("create table ref_unit_costs as select 'ae_attendances' as measure_id")
    con.execute("create table dim_practice as select * from (values ('P1', 'I1', 'ICB', 'C1', 'Council'), "
                "('P2', 'I1', 'ICB', 'C1', 'Council'), ('P3', 'I1', 'ICB', 'C1', 'Council')) "
                "as t(practice_code, icb_code, icb_name, home_council_code, home_council_name)")
    con.execute("create table mart_outcomes_practice as select practice_code, 'ae_attendances' as measure_id, "
                "'month' as period_type, month::date as period_start, 10.0 as numerator, 1000.0 as denominator "
                "from (values ('P1'), ('P2'), ('P3')) as p(practice_code), "
                "range(date '2021-01-01', date '2022-01-01', interval 1 month) as m(month)")
    run(con, discover()["int_joint_working__impact_panel"])
    months = {}
    for practice, month, adoption in con.execute(
            "select practice_code, month, adoption_month from int_joint_working__impact_panel").fetchall():
        months.setdefault(practice, []).append(month.month)
        assert adoption == (dt.date(2021, 7, 1) if practice == "P1" else None)
    assert sorted(months["P1"]) == [1, 2, 3, 7, 8, 9, 10, 11, 12]
    assert sorted(months["P2"]) == list(range(1, 13))
    assert "P3" not in months
