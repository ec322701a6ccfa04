"""Spend beside outcomes (Pooled budget) on the tiny area, against spend per head and outcomes worked by hand.

The tiny area's outcome files (tests/factory_outcomes.py) give Unitown (E06000901) the only BCF plan. Here
Countyshire (E10000901) gets two plans of its own and both councils get emergency admissions, so two HWB
areas can be compared over two years:

    Countyshire 2022-23 plan: Carers Services 4,832 (group Carers)
    Countyshire 2023-25 plan, 2023-24: Carers Services 4,832 + Home-based intermediate care services 9,664
        (group Intermediate care and reablement) = 14,496
    Unitown 2023-24 (factory_outcomes): 5,450 + 2,180 home-based intermediate care + 3,270 urgent community
        response = 10,900; no plan for 2022-23

Residents (the January 2023 release, the only one by 1 October 2023 and the earliest for 2022-23; see
tests/etl/test_outcome_marts.py): Unitown 109 and 27 aged 65+; Countyshire 151 and
round(30 x 30/110 + 101 x 22/110 + 20 x 10/50) = round(32.4) = 32 aged 65+.

Emergency admissions (practice, count): March 2023 A00001 11, A00002 22, A00003 5; June 2023 A00001 22,
A00002 11, A00003 10. Lists (January 2023): A00001 110 (Unitown 70, Countyshire 30), A00002 110 (9, 101),
A00003 50 (30, 20). Apportioned by the share of each list living in the council.

ASCOF admissions 65+ as published (factory_outcomes.ascof): Unitown 500.0, Countyshire 1000.0 in 2022-23
and 2023-24; reablement at 91 days: Unitown not available ([x]), Countyshire not published.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.build import build
from tests.dashboard.helpers import by_id, figures, grids, text_of
from tests.factory import _csv, _write, write_tiny_area
from tests.factory_outcomes import plan_line, plan_workbook, write_tiny_outcomes

UNITOWN, COUNTYSHIRE = "E06000901", "E10000901"


def write_countyshire_plans_and_emergency_admissions(raw: Path) -> Path:
    plan_workbook(raw / "bcf" / "BCF_2022-23_Countyshire.xlsx", "Countyshire", "2022-23", [
        plan_line(1, "Carers breaks", "Carers Services", "Social Care", "LA", "Local Authority",
                  "Minimum NHS Contribution", 4832),
    ], header_row=9)
    plan_workbook(raw / "bcf" / "BCF_2023-25_Countyshire.xlsx", "Countyshire", "2023-25", [
        plan_line(1, "Carers breaks", "Carers Services", "Social Care", "LA", "Local Authority",
                  "Minimum NHS Contribution", 4832, 4832),
        plan_line(2, "Reablement at home", "Home-based intermediate care services", "Social Care", "LA",
                  "Local Authority", "Minimum NHS Contribution", 9664, 9664),
    ], header_row=9)
    rows = [["Activity Month", "GP Practice Code", "Measure", "Count"]]
    rows += [[month, practice, "Emergency admissions", str(count)] for month, practice, count in (
        ("2023-03", "A00001", 11), ("2023-03", "A00002", 22), ("2023-03", "A00003", 5),
        ("2023-06", "A00001", 22), ("2023-06", "A00002", 11), ("2023-06", "A00003", 10))]
    _write(raw / "activity" / "sus_emergency_admissions.csv", _csv(rows, crlf=True))
    return raw


@pytest.fixture(scope="module")
def two_hwbs(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("spend_outcomes")
    raw = write_countyshire_plans_and_emergency_admissions(write_tiny_outcomes(write_tiny_area(base / "raw")))
    db = base / "warehouse.duckdb"
    build(raw, db, echo=lambda _: None)
    return db


@pytest.fixture
def served(two_hwbs, monkeypatch):
    monkeypatch.setenv("JOINTCARE_DB", str(two_hwbs))
    return two_hwbs


def spend_outcomes(period="2023-24", council=UNITOWN, scheme_group=None) -> pd.DataFrame:
    from dashboard.db import run_query

    rows = run_query("pooled_budget__spend_outcomes", period=period, council=council, locality=None, sub_icb=None,
                     pcn=None, practice=None, group_practices=None, scheme_group=scheme_group)
    return rows.set_index(["hwb_code", "financial_year"])


def test_spend_per_head_and_outcomes_by_hand(served):
    rows = spend_outcomes()
    # Unitown has no 2022-23 plan, so no row for it; Countyshire has both years
    assert set(rows.index) == {(COUNTYSHIRE, "2022-23"), (COUNTYSHIRE, "2023-24"), (UNITOWN, "2023-24")}
    unitown, county, county_before = (rows.loc[(UNITOWN, "2023-24")], rows.loc[(COUNTYSHIRE, "2023-24")],
                                      rows.loc[(COUNTYSHIRE, "2022-23")])
    # 10,900 / 109 = 100.00; 10,900 / 27 = 403.7037 -> 403.70
    assert (unitown["planned_gbp"], unitown["per_head_gbp"], unitown["per_head_65_plus_gbp"]) == (10900, 100.0, 403.70)
    # (4,832 + 9,664) / 151 = 96.00; 14,496 / 32 = 453.00
    assert (county["planned_gbp"], county["per_head_gbp"], county["per_head_65_plus_gbp"]) == (14496, 96.0, 453.0)
    # 4,832 / 151 = 32.00; 4,832 / 32 = 151.00 (2022-23 is before the first release: the earliest is used)
    assert (county_before["per_head_gbp"], county_before["per_head_65_plus_gbp"]) == (32.0, 151.0)
    assert str(county_before["population_release"])[:10] == "2023-01-01"
    # June 2023, apportioned: Unitown 22 x 70/110 + 11 x 9/110 + 10 x 30/50 = 14 + 0.9 + 6 = 20.9 over 109
    #   -> 191.74 per 1,000; Countyshire 22 x 30/110 + 11 x 101/110 + 10 x 20/50 = 6 + 10.1 + 4 = 20.1 over 151
    #   -> 133.11
    assert unitown["emergency_admissions"] == 191.74 and county["emergency_admissions"] == 133.11
    # March 2023 (2022-23): 11 x 30/110 + 22 x 101/110 + 5 x 20/50 = 3 + 20.2 + 2 = 25.2 over 151 -> 166.89
    assert county_before["emergency_admissions"] == 166.89 and county_before["emergency_admission_months"] == 1
    # ASCOF as published; Unitown's reablement figure is '[x]', not available: missing, never 0
    assert (unitown["admissions_65_plus"], county["admissions_65_plus"]) == (500.0, 1000.0)
    assert pd.isna(unitown["at_home_91_days"])
    # the selection is Unitown. The tiny area has no peers (its latest release has no age file, so no council
    # has the features), so the other councils of Unitown's ICB stand in: Countyshire (one ICB in the area)
    assert unitown["is_selected"] and not unitown["is_comparator"]
    assert county["is_comparator"] and not county["is_selected"]
    assert set(rows["comparator_basis"]) == {"ICB"}


def test_one_scheme_type_group_per_head_by_hand(served):
    rows = spend_outcomes(scheme_group="Carers")
    # Countyshire's carers line: 4,832 / 151 = 32.00; Unitown plans nothing on carers (its year-end carers line
    # has no plan): 0, not missing
    assert rows.loc[(COUNTYSHIRE, "2023-24"), "per_head_gbp"] == 32.0
    assert rows.loc[(UNITOWN, "2023-24"), ["planned_gbp", "per_head_gbp"]].tolist() == [0.0, 0.0]
    # Unitown's home-based intermediate care, 5,450 + 2,180 = 7,630 / 109 = 70.00
    reablement = spend_outcomes(scheme_group="Intermediate care and reablement")
    assert reablement.loc[(UNITOWN, "2023-24"), "per_head_gbp"] == 70.0


def test_nothing_selected_marks_no_area(served):
    rows = spend_outcomes(council=None)
    assert not rows["is_selected"].any() and not rows["is_comparator"].any()
    assert rows["comparator_basis"].isna().all()


def test_the_card_shows_the_charts_the_sentence_the_population_and_the_table(served):
    from dashboard.components import spend_outcomes as component
    from dashboard.pages import pooled_budget

    layout = pooled_budget.layout(council=UNITOWN, period="2023-24")
    card = by_id(layout, "pooled-budget-spend-outcomes-card")
    text = text_of(card)
    assert ("Areas that spend more per head are not shown to have better outcomes because of that spending: this "
            "compares areas, it does not measure the effect of spending.") in text
    assert "registered with a GP (all ages), from the registrations release in force on 1 October" in text
    assert "the selection has no similar areas in the data, so the councils of its ICB stand in (Countyshire)" in text
    assert "Arrows run from each marked area's point in 2022-23 (an open mark) to 2023-24." in text
    charts = figures(layout)
    panels = [f"pooled-budget-spend-outcomes-{outcome}" for outcome, _ in component.OUTCOMES]
    assert all(panel in charts for panel in panels)
    # the selected HWB is a blue diamond, its comparator a grey square: shape as well as colour
    traces = {trace.name: trace for trace in charts[panels[1]].data}
    selected, comparator = traces["Selected"], traces["Comparator"]
    assert (selected.marker.symbol, selected.marker.color) == ("diamond", "#005EB8")
    assert (comparator.marker.symbol, comparator.marker.color) == ("square", "#425563")
    assert list(selected.x) == [100.0] and list(selected.y) == [500.0]  # £100 per head, 500 per 100,000
    assert list(comparator.x) == [96.0] and list(comparator.y) == [1000.0]
    # Countyshire moved from (£32, 1000) in 2022-23: an arrow from there, and its open square
    assert traces["Comparator, year before"].marker.symbol == "square-open"
    arrows = [(a.ax, a.ay, a.x, a.y) for a in charts[panels[1]].layout.annotations if a.showarrow]
    assert arrows == [(32.0, 1000.0, 96.0, 1000.0)]
    # the reablement panel has no figure for either area in 2023-24, and says so
    message = charts[panels[2]].layout.annotations[0].text.replace("<br>", " ")
    assert message == "No figures for 2023-24 are loaded for this outcome."
    assert "2 of 2 HWB areas have no figure for 2023-24 and are not drawn." in text
    table = grids(layout)["pooled-budget-spend-outcomes"]
    by_hwb = {(row["hwb_name"], row["financial_year"]): row for row in table}
    assert by_hwb[("Unitown", "2023-24")]["selected"] == "Yes"
    assert by_hwb[("Countyshire", "2023-24")]["selected"] == "Comparator"
    assert by_hwb[("Countyshire", "2022-23")]["per_head_gbp"] == 32.0


def test_per_head_aged_65_and_a_scheme_group_are_chosen_in_the_address(served):
    from dashboard.pages import pooled_budget

    layout = pooled_budget.layout(council=UNITOWN, period="2023-24", spend="Carers", per="65")
    text = text_of(by_id(layout, "pooled-budget-spend-outcomes-card"))
    assert "Planned pounds (on carers) per registered resident aged 65+" in text
    assert "registered with a GP and aged 65 and over" in text
    selected = {t.name: t for t in figures(layout)["pooled-budget-spend-outcomes-admissions_65_plus"].data}
    assert list(selected["Comparator"].x) == [151.0]  # 4,832 on carers / 32 aged 65+
    # a group nobody plans for falls back to all spend, and says so
    layout = pooled_budget.layout(council=UNITOWN, period="2023-24", spend="Gardening")
    assert "No HWB area plans spend on 'Gardening' in the year, so all planned spend is shown." in text_of(layout)


def test_the_choices_go_into_the_address():
    from dashboard.pages import pooled_budget

    assert pooled_budget.spend_choice_in_address("Carers", "65", "?council=E06000901") == \
        "?council=E06000901&spend=Carers&per=65"
    # the defaults leave the address clean
    assert pooled_budget.spend_choice_in_address("all", "all", "?council=E06000901&spend=Carers") == \
        "?council=E06000901"


def test_the_comparators_are_the_selected_councils_similar_areas_where_it_has_them(demo_warehouse, monkeypatch):
    import duckdb

    monkeypatch.setenv("JOINTCARE_DB", str(demo_warehouse))
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    council, = con.execute("select min(council_code) from mart_council_peers").fetchone()
    peers = {code for code, in con.execute("select peer_code from mart_council_peers where council_code = ?",
                                            [council]).fetchall()}
    con.close()
    rows = spend_outcomes(council=council).reset_index()
    this_year = rows[rows["is_period"]]
    # every peer with a BCF plan is marked, and nothing else (the demo's three councils all have plans)
    assert set(this_year.loc[this_year["is_comparator"], "hwb_code"]) == peers & set(this_year["hwb_code"])
    assert len(peers & set(this_year["hwb_code"])) == 2
    assert set(rows["comparator_basis"]) == {"similar areas"}
