"""The planted joint-working adoption and its effect (issue 3 §G, H), found in the files.

A staggered difference-in-differences on the SUS files recovers the effect the manifest states
(and finds none with effect=False); comparing the two generations of the same seed shows the
effect touches only the adopters' affected counts after adoption.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict

import pytest

from etl.demo import generate

from .conftest import DemoFiles
from .test_demo_practice_sources import jw_files, jw_quarters, quarter_start, social_care_rows, window_months

AFFECTED_SUS = ("A&E attendances", "Emergency bed days")
AFFECTED_CARE = ("Permanent admission - residential", "Permanent admission - nursing")


@pytest.fixture(scope="module")
def no_effect(tmp_path_factory) -> DemoFiles:
    root = tmp_path_factory.mktemp("demo_no_effect")
    generate(root, seed=42, scale="demo", effect=False)
    return DemoFiles(root)


def sus(demo) -> dict[tuple[str, str, str], int]:
    """(practice, measure, month) -> count"""
    out = {}
    for path in sorted((demo.root / "activity").glob("*.csv")):
        for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
            out[(r["GP Practice Code"], r["Measure"], r["Activity Month"])] = int(r["Count"])
    return out


def adoption_months(demo) -> dict[str, str]:
    return {a["practice_code"]: a["adoption_month"] for a in demo.manifest["planted"]["joint_working"]["adopters"]}


def did_ratio(demo, measure: str) -> float:
    """Geometric mean over adopters of (post / pre) / (never-adopters' post / pre over the same months)."""
    counts = sus(demo)
    planted = demo.manifest["planted"]
    adopted = adoption_months(demo)
    # practices whose list jumps (the closure and its successor) would blur the comparison
    left_out = set(planted["joint_working"]["not_eligible"]) | {planted["closed_practice"]["successor_code"]}
    practices = {p for p, _, _ in counts}
    never = sorted(practices - set(adopted) - left_out)
    months = window_months()
    control = defaultdict(int)
    for p in never:
        for m in months:
            control[m] += counts[(p, measure, m)]
    logs = []
    for p, start in adopted.items():
        pre = [m for m in months if m < start]
        post = [m for m in months if m >= start]
        mine = sum(counts[(p, measure, m)] for m in post) / sum(counts[(p, measure, m)] for m in pre)
        theirs = sum(control[m] for m in post) / sum(control[m] for m in pre)
        logs.append(math.log(mine / theirs))
    return math.exp(sum(logs) / len(logs))


def test_about_forty_percent_adopt_in_the_agreed_quarters(demo):
    planted = demo.manifest["planted"]["joint_working"]
    adopters = planted["adopters"]
    eligible = planted["eligible_practices"]
    closed = demo.manifest["planted"]["closed_practice"]["practice_code"]
    assert planted["not_eligible"] == [closed]
    assert eligible == demo.manifest["counts"]["practices"] - 1
    assert 0.35 <= len(adopters) / eligible <= 0.45
    assert planted["never_adopters"] == eligible - len(adopters) and planted["n_adopters"] == len(adopters)
    first, last = "2021-10", "2024-04"  # 2021-22 Q3 .. 2024-25 Q1
    for a in adopters:
        assert a["adoption_month"] == quarter_start(a["adoption_quarter"])
        assert first <= a["adoption_month"] <= last
    assert len({a["adoption_quarter"] for a in adopters}) >= 8  # staggered, not all at once


def test_joint_working_return_shows_the_adoption(demo):
    adopted = adoption_months(demo)
    files = jw_files(demo)
    reviewed = defaultdict(list)  # (adopter?, after?) -> JW04 values
    for quarter in jw_quarters():
        start = quarter_start(quarter)
        for _, practice, code, num, den, value, _ in files[f"jw_return_{quarter.replace(' ', '_')}.csv"][1:]:
            after = practice in adopted and start >= adopted[practice]
            if code == "JW01":
                assert value == ("1" if after else "0"), (quarter, practice)
            if code == "JW02":
                if after:
                    assert 2 <= int(value) <= 4
                else:
                    assert value in ("0", "1")
            if code == "JW04":
                reviewed[(practice in adopted, after)].append(float(value))

    def mean(values):
        return sum(values) / len(values)

    assert mean(reviewed[(True, True)]) - mean(reviewed[(True, False)]) > 25  # about 40% -> about 80%
    assert mean(reviewed[(False, False)]) < 55


@pytest.mark.parametrize("measure", AFFECTED_SUS)
def test_difference_in_differences_finds_the_planted_effect(demo, no_effect, measure):
    planted = demo.manifest["planted"]["joint_working"]
    assert planted["effect"] is True
    assert 20 <= planted["ae_bed_days_pct"] <= 30 and 15 <= planted["residential_nursing_pct"] <= 20
    assert did_ratio(demo, measure) == pytest.approx(1 - planted["ae_bed_days_pct"] / 100, abs=0.03)
    assert did_ratio(no_effect, measure) == pytest.approx(1.0, abs=0.03)


def test_unaffected_measures_show_no_effect(demo):
    for measure in ("Emergency admissions", "ACSC emergency admissions"):
        assert did_ratio(demo, measure) == pytest.approx(1.0, abs=0.03), measure


def test_no_effect_keeps_area_and_adopters(demo, no_effect):
    with_effect, without = demo.manifest["planted"]["joint_working"], no_effect.manifest["planted"]["joint_working"]
    assert without["effect"] is False
    assert without["ae_bed_days_pct"] == 0 and without["residential_nursing_pct"] == 0
    assert without["adopters"] == with_effect["adopters"]
    changed = {rel for rel, digest in demo.manifest["file_sha256"].items()
               if no_effect.manifest["file_sha256"][rel] != digest}
    assert changed and all(rel.startswith(("activity/", "social_care/")) for rel in changed)
    assert set(demo.manifest["file_sha256"]) == set(no_effect.manifest["file_sha256"])


def test_effect_touches_only_adopters_affected_counts_after_adoption(demo, no_effect):
    adopted = adoption_months(demo)
    share = 1 - demo.manifest["planted"]["joint_working"]["ae_bed_days_pct"] / 100
    treated, untreated = sus(demo), sus(no_effect)
    assert treated.keys() == untreated.keys()
    kept = [0, 0]
    for key, n in untreated.items():
        practice, measure, month = key
        if measure in AFFECTED_SUS and practice in adopted and month >= adopted[practice]:
            assert treated[key] <= n
            kept[0] += treated[key]
            kept[1] += n
        else:
            assert treated.get(key) == n, key
    assert kept[0] / kept[1] == pytest.approx(share, abs=0.01)
    realised = demo.manifest["planted"]["joint_working"]["realised"]
    assert realised["ae_bed_days_kept"] == round(kept[0] / kept[1], 4)
    assert no_effect.manifest["planted"]["joint_working"]["realised"]["ae_bed_days_kept"] == 1.0


def test_effect_on_care_home_admissions(demo, no_effect):
    adopted = adoption_months(demo)
    share = 1 - demo.manifest["planted"]["joint_working"]["residential_nursing_pct"] / 100
    treated = {r[:4]: r[4] for r in social_care_rows(demo)}
    untreated = {r[:4]: r[4] for r in social_care_rows(no_effect)}
    assert set(treated) <= set(untreated)  # thinning can only empty a cell
    kept = [0, 0]
    for key, n in untreated.items():
        _, month, practice, event = key
        if event in AFFECTED_CARE and practice in adopted and month >= adopted[practice]:
            assert treated.get(key, 0) <= n
            kept[0] += treated.get(key, 0)
            kept[1] += n
        else:
            assert treated.get(key) == n, key
    assert kept[1] > 300  # enough admissions for the share to mean something
    assert kept[0] / kept[1] == pytest.approx(share, abs=0.05)
    assert demo.manifest["planted"]["joint_working"]["realised"]["residential_nursing_kept"] == \
           round(kept[0] / kept[1], 4)


def test_manifest_records_trends_and_seasonality(demo):
    planted = demo.manifest["planted"]["joint_working"]
    season = planted["seasonality"]
    assert sorted(season) == [f"{m:02d}" for m in range(1, 13)]
    winter = [season[m] for m in ("12", "01", "02")]
    summer = [season[m] for m in ("06", "07", "08")]
    assert all(1.1 <= s <= 1.2 for s in winter) and all(0.88 <= s <= 0.96 for s in summer)
    sus = demo.manifest["planted"]["sus_activity"]
    assert planted["secular_trend_pct_per_year"] == sus["secular_trend_pct_per_year"]
    assert planted["seasonality"] == sus["seasonality"]
