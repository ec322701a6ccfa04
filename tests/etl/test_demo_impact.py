"""The impact model finds what the demo generator planted, and nothing when it planted nothing (issue 5 §2).

The generator (etl/demo/adoption.py) thins adopters' events after their adoption quarter: residential and
nursing admissions by `residential_nursing_pct`, A&E attendances and emergency bed days by `ae_bed_days_pct`
(manifest planted.joint_working). With `--no-effect` the same area and adopters are written with effect 0.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from etl.build import build
from etl.demo import generate

PLANTED = {"care_home_admissions": "residential_nursing_pct", "ae_attendances": "ae_bed_days_pct",
           "emergency_bed_days": "ae_bed_days_pct"}


def _warehouse(tmp_path_factory, effect: bool):
    base = tmp_path_factory.mktemp("impact")
    generate(base / "raw", seed=42, scale="demo", effect=effect)
    build(base / "raw", base / "warehouse.duckdb", echo=lambda _: None)
    con = duckdb.connect(str(base / "warehouse.duckdb"), read_only=True)
    planted = json.loads(con.execute("select manifest_json from meta_demo_manifest").fetchone()[0])["planted"]
    return con, planted["joint_working"]


@pytest.fixture(scope="module")
def with_effect(tmp_path_factory):
    con, planted = _warehouse(tmp_path_factory, effect=True)
    yield con, planted
    con.close()


@pytest.fixture(scope="module")
def without_effect(tmp_path_factory):
    con, planted = _warehouse(tmp_path_factory, effect=False)
    yield con, planted
    con.close()


def _row(con, outcome: str, area_type: str) -> dict:
    frame = con.execute("select * from mart_joint_working_impact where outcome = ? and area_type = ?",
                        [outcome, area_type]).df()
    assert len(frame) == 1, (outcome, area_type)
    return frame.iloc[0].to_dict()


@pytest.mark.parametrize("area_type", ["all", "icb"])  # the demo is one ICB: both hold every practice
@pytest.mark.parametrize("outcome", sorted(PLANTED))
def test_planted_effect_is_inside_the_interval_and_the_interval_excludes_zero(with_effect, outcome, area_type):
    con, planted = with_effect
    row = _row(con, outcome, area_type)
    fall = -planted[PLANTED[outcome]]
    assert row["ci_low_pct"] <= fall <= row["ci_high_pct"], row
    assert row["ci_high_pct"] < 0, row


@pytest.mark.parametrize("outcome", sorted(PLANTED))
def test_no_effect_seed_interval_includes_zero(without_effect, outcome):
    con, planted = without_effect
    assert planted["effect"] is False
    row = _row(con, outcome, "all")
    assert row["ci_low_pct"] <= 0 <= row["ci_high_pct"], row


def test_every_adopter_and_never_adopter_is_counted(with_effect):
    """All 36 adopters have months before and after joining; the comparison is the never-adopters with data:
    the manifest's never_adopters (open throughout) and the one practice that is not (it closes mid-window)."""
    con, planted = with_effect
    row = _row(con, "ae_attendances", "all")
    assert row["practices_adopting"] == planted["n_adopters"]
    assert row["practices_comparison"] == planted["never_adopters"] + len(planted["not_eligible"])


def test_annual_change_and_cost_follow_from_the_effect(with_effect):
    con, _ = with_effect
    impact = con.execute("select * from mart_joint_working_impact where effect_pct is not null").df()
    for row in impact.to_dict("records"):
        assert row["annual_activity_change"] == pytest.approx(row["effect_pct"] / 100 * row["annual_counterfactual"])
        assert row["annual_cost_change_gbp"] == pytest.approx(row["annual_activity_change"] * row["unit_cost_gbp"])
        assert row["annual_cost_change_low_gbp"] <= row["annual_cost_change_gbp"] <= row["annual_cost_change_high_gbp"]


def test_pre_trends_run_parallel_before_adoption_and_part_after(with_effect):
    """A&E at demo scale (about 250 attendances a practice a month): before joining the adopters' index stays
    within 3 points of the comparison line; from the adoption quarter it sits near 100 - 26.9 of it."""
    con, planted = with_effect
    frame = con.execute("select * from mart_joint_working_pretrends where outcome = 'ae_attendances' "
                        "and area_type = 'all' order by quarters_from_adoption").df()
    before = frame[frame.quarters_from_adoption < 0]
    after = frame[frame.quarters_from_adoption >= 0]
    assert len(before) == 8 and len(after) == 8
    assert (before.adopters_index - before.comparators_index).abs().max() < 3
    ratio = after.adopters_rate / after.comparators_rate
    assert ratio.mean() == pytest.approx(1 - planted["ae_bed_days_pct"] / 100, abs=0.03)
