"""Demo to warehouse: the marts find what the generator planted (manifest.json), in every quarter.

The manifest's numbers are the generator's own count of the rows it wrote, made by independent
code with plain arithmetic; the ETL must arrive at them through header recognition, vintage
mapping, lookups and SQL.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest

from etl.build import build
from etl.demo import generate


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
    manifest = generate(base / "raw", seed=42, scale="demo")
    db = base / "warehouse.duckdb"
    build(base / "raw", db, echo=lambda _: None)
    con = duckdb.connect(str(db), read_only=True)
    yield con, manifest
    con.close()


def quarters(manifest) -> list[dt.date]:
    return [dt.date.fromisoformat(q) for q in manifest["quarters"]]


def test_every_demo_row_loaded_and_marked_fictional(demo):
    con, manifest = demo
    assert con.execute("select count(*) from dq_rejected_rows").fetchone()[0] == 0
    assert con.execute("select is_demo from meta_build").fetchone()[0] is True
    loaded = con.execute("select count(distinct file) from dq_load_log where status = 'loaded'").fetchone()[0]
    assert loaded == len(manifest["files"]) + 1  # the raw files, and manifest.json itself


def test_planted_thirty_percent_practice(demo):
    con, manifest = demo
    planted = manifest["planted"]["out_of_area_practice"]
    rows = con.execute("select quarter, share_other_council, home_council_code, is_boundary_practice "
                       "from mart_catchment_practice where practice_code = ? order by quarter",
                       [planted["practice_code"]]).fetchall()
    assert [row[0] for row in rows] == quarters(manifest)
    for quarter, share, home, boundary in rows:
        assert share == pytest.approx(0.30, abs=1e-12), quarter
        assert home == planted["home_council_code"] and boundary is True


def test_boundary_practices_match_the_generator(demo):
    con, manifest = demo
    for planted in manifest["planted"]["boundary_practices"]["practices"]:
        # The generator's share: patients in known English or Welsh LSOAs under a council other than
        # the postcode's, over all of them. Rebuild the same ratio from the share mart.
        rows = con.execute("""
            select quarter,
                sum(patients) filter (where area_kind = 'council' or area_code = 'WALES') as known,
                sum(patients) filter (where (area_kind = 'council' and area_code <> ?) or area_code = 'WALES') as other
            from mart_practice_council_share where practice_code = ? group by quarter order by quarter
        """, [planted["home_council_code"], planted["practice_code"]]).fetchall()
        for quarter, known, other in rows:
            key = quarter.isoformat()
            assert (known, other) == (planted["patients_known_lsoas"][key], planted["patients_other_council"][key])
        home = con.execute("select home_council_code from dim_practice where practice_code = ?",
                           [planted["practice_code"]]).fetchone()[0]
        assert home == planted["home_council_code"]


def test_over_25_percent_practices_found(demo):
    con, manifest = demo
    latest = max(quarters(manifest))
    found = {row[0] for row in con.execute(
        "select practice_code from mart_catchment_practice where quarter = ? and share_other_council > 0.25",
        [latest]).fetchall()}
    planted = {p["practice_code"] for p in manifest["planted"]["boundary_practices"]["practices"]
               if p["share_other_council"][latest.isoformat()] > 0.25}
    assert planted and planted <= found


def test_straddling_pcn(demo):
    con, manifest = demo
    planted = manifest["planted"]["straddling_pcn"]
    straddles, councils = con.execute("select straddles_councils, home_council_codes from dim_pcn where pcn_code = ?",
                                      [planted["pcn_code"]]).fetchone()
    assert straddles is True and councils == sorted(planted["councils"])


def test_closed_practice_and_its_successor(demo):
    con, manifest = demo
    planted = manifest["planted"]["closed_practice"]
    status, closed, last = con.execute(
        "select status, close_date, last_registration_quarter from dim_practice where practice_code = ?",
        [planted["practice_code"]]).fetchone()
    assert status == "closed" and closed == dt.datetime.strptime(planted["close_date"], "%Y%m%d").date()
    assert last == dt.date.fromisoformat(planted["last_release_present"])
    before, after = (con.execute("select patients_total from mart_catchment_practice "
                                 "where practice_code = ? and quarter = ?",
                                 [planted["successor_code"], dt.date.fromisoformat(q)]).fetchone()[0]
                     for q in (planted["last_release_present"], planted["first_release_absent"]))
    assert (before, after) == (planted["successor_list_before"], planted["successor_list_after"])


def test_lsoa_changes_mapped_to_2021(demo):
    con, manifest = demo
    changes = manifest["planted"]["lsoa_changes"]
    first = min(quarters(manifest))
    codes = {row[0] for row in con.execute("select distinct lsoa_code from fct_registrations where quarter = ?",
                                           [first]).fetchall()}
    for split in changes["splits"]:
        assert split["lsoa11_code"] not in codes
        assert set(split["lsoa21_codes"]) <= codes
    for merge in changes["merges"]:
        assert not set(merge["lsoa11_codes"]) & codes and merge["lsoa21_code"] in codes
    vintages = dict(con.execute("select extract_date, lsoa_vintage from int_registrations__vintage").fetchall())
    assert {v for d, v in vintages.items() if d.year == 2023} == {2011}
    assert {v for d, v in vintages.items() if d.year > 2023} == {2021}


def test_every_patient_counted_once(demo):
    con, manifest = demo
    totals = dict(con.execute("select quarter, sum(patients) from fct_registrations group by quarter").fetchall())
    expected = manifest["planted"]["list_size_drift"]["total_registered"]
    assert {q.isoformat(): int(n) for q, n in totals.items()} == expected


def test_localities_not_coterminous_with_pcns(demo):
    con, manifest = demo
    latest = max(quarters(manifest))
    scores = dict(con.execute("select org_code, coterminosity from mart_coterminosity where org_type = 'pcn' "
                              "and area_type = 'locality' and quarter = ?", [latest]).fetchall())
    planted = manifest["planted"]["localities"]["pcn_best_locality_share"]
    for pcn, share in planted.items():
        assert scores[pcn] == pytest.approx(share, abs=5e-5)
    assert sum(score < 0.9 for score in scores.values()) / len(scores) > 0.5


ISSUE_3_TABLES = ("fct_practice_activity", "fct_practice_indicator", "fct_social_care_events", "fct_ascof",
                  "fct_bcf_expenditure", "mart_bcf_summary", "mart_bcf_breakdown", "fct_joint_working",
                  "mart_joint_working_index", "mart_outcomes_practice", "mart_outcomes_council")


def test_every_outcome_table_built_from_the_demo(demo):
    con, _ = demo
    for table in ISSUE_3_TABLES:
        assert con.execute(f"select count(*) from {table}").fetchone()[0] > 0, table


def test_bcf_totals_match_the_generator(demo):
    con, manifest = demo
    summary = {(code, year): (planned, actual) for code, year, planned, actual in con.execute(
        "select hwb_code, financial_year, planned_gbp, actual_gbp from mart_bcf_summary").fetchall()}
    planted = manifest["planted"]["bcf"]["hwbs"]
    assert len(summary) == sum(len(hwb["years"]) for hwb in planted.values())
    for code, hwb in planted.items():
        for year, record in hwb["years"].items():
            planned, actual = summary[(code, year)]
            assert planned == pytest.approx(record["planned_total"], abs=0.01), (code, year)
            if record["actual_total"] is None:
                assert actual is None, (code, year)
            else:
                assert actual == pytest.approx(record["actual_total"], abs=0.01), (code, year)
            by_area = dict(con.execute("select category, planned_gbp from mart_bcf_breakdown where hwb_code = ? and "
                                       "financial_year = ? and dimension = 'area of spend'", [code, year]).fetchall())
            for area, pounds in record["by_area_of_spend"].items():
                assert by_area[area] == pytest.approx(pounds, abs=0.01), (code, year, area)


def test_ascof_planted_suppression_kept(demo):
    con, manifest = demo
    tokens = {"[c]": "suppressed", "c": "suppressed", "[x]": "not available", ":": "not available", "": "missing"}
    for cell in manifest["planted"]["ascof"]["suppressed"]:
        status_column = {"Numerator": "numerator_status", "Denominator": "denominator_status",
                         "Outcome": "value_status"}[cell["measure_type"]]
        rows = con.execute(f"select {status_column} from fct_ascof where financial_year = ? and area_code = ? "
                           "and published_measure_code = ? and disaggregation = ?",
                           [cell["year"], cell["ons_code"], cell["measure_code"], cell["disaggregation"]]).fetchall()
        assert rows == [(tokens[cell["token"]],)], cell


def test_adoption_shows_in_the_joint_working_index(demo):
    con, manifest = demo
    planted = manifest["planted"]["joint_working"]
    adopted = {a["practice_code"]: a["adoption_quarter"] for a in planted["adopters"]}
    rows = con.execute("select practice_code, quarter_label, has_attached_social_worker "
                       "from mart_joint_working_index").fetchall()
    assert rows
    for practice, quarter, attached in rows:
        if practice in adopted:
            # quarter labels sort in time order ('2022-23 Q4' < '2023-24 Q1')
            assert attached == (quarter >= adopted[practice]), (practice, quarter)
    index = dict(con.execute("select has_attached_social_worker, avg(joint_working_index) "
                             "from mart_joint_working_index group by all").fetchall())
    assert index[True] > index[False] + 20  # adopters score far higher


@pytest.mark.parametrize("measure, planted_key", [("ae_attendances", "ae_bed_days_pct"),
                                                 ("care_home_admissions", "residential_nursing_pct")])
def test_planted_effect_survives_the_etl(demo, measure, planted_key):
    """Observed after adoption against what the never-adopters' months predict from each adopter's own
    level before adoption: the planted fall, within the noise of 90 practices."""
    con, manifest = demo
    planted = manifest["planted"]["joint_working"]
    ratio = _observed_over_expected(con, manifest, measure)
    tolerance = 0.04 if measure == "ae_attendances" else 0.12  # care-home admissions are a few a month
    assert ratio == pytest.approx(1 - planted[planted_key] / 100, abs=tolerance)


def test_no_effect_demo_shows_no_fall(tmp_path):
    generate(tmp_path / "raw", seed=42, scale="demo", effect=False)
    build(tmp_path / "raw", tmp_path / "warehouse.duckdb", echo=lambda _: None)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        manifest = json.loads(con.execute("select manifest_json from meta_demo_manifest").fetchone()[0])
        assert manifest["planted"]["joint_working"]["effect"] is False
        ratio = _observed_over_expected(con, manifest, "ae_attendances")
    finally:
        con.close()
    assert ratio == pytest.approx(1.0, abs=0.04)


def _observed_over_expected(con, manifest, measure: str) -> float:
    """Adopters' counts after adoption over what the never-adopters' months predict from each
    adopter's own level before adoption (a plain difference in differences on counts)."""
    adopters = {a["practice_code"]: dt.date.fromisoformat(a["adoption_month"] + "-01")
                for a in manifest["planted"]["joint_working"]["adopters"]}
    counts = con.execute("select practice_code, period_start, numerator from mart_outcomes_practice "
                         "where measure_id = ? and period_type = 'month'", [measure]).fetchall()
    never, by_adopter = {}, {}
    for practice, month, count in counts:
        if practice in adopters:
            by_adopter.setdefault(practice, []).append((month, count))
        else:
            never[month] = never.get(month, 0) + count
    observed = expected = 0.0
    for practice, series in by_adopter.items():
        start = adopters[practice]
        pre = sum(c for m, c in series if m < start)
        observed += sum(c for m, c in series if m >= start)
        expected += pre * sum(c for m, c in never.items() if m >= start) / sum(c for m, c in never.items() if m < start)
    return observed / expected
