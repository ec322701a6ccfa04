"""Pooled budget page on the tiny area, against the BCF worked out by hand (tests/factory_outcomes.py).

Unitown (E06000901) has the only plan, the 2023-25 plan:
    scheme 1, Home-based intermediate care, Social Care, provider Local Authority:
        Minimum NHS 5,450 (2023-24) / 6,000 (2024-25); iBCF 2,180 / 2,000
    scheme 2, 'urgent community  response ' (= Urgent Community Response), Community Health, Joint 60% NHS,
        provider NHS Community Provider: Minimum NHS 3,270 / 3,000
    2023-24 year-end return: scheme 1 Minimum NHS 5,000, iBCF 2,180; scheme 3 Carers Services 500 (no plan line);
        scheme 2 is not in the return. No return for 2024-25.
Residents the mart divides by (tests/etl/test_outcome_marts.py): 2023-24 the January 2023 release, 109 residents
and 27 aged 65+; 2024-25 the April 2024 release, 100 residents (27 aged 65+, from the earlier age file).
Countyshire (E10000901) has no plan; practice A00002's home council is Countyshire.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.dashboard.helpers import by_id, figures, grids, text_of, values

UNITOWN = "E06000901"


@pytest.fixture
def page(dashboard_db):
    from dashboard.pages import pooled_budget

    return pooled_budget


def headline_text(layout) -> str:
    return text_of(by_id(layout, "pooled-budget-headlines"))


def test_headlines_2023_24_by_hand(page):
    layout = page.layout(council=UNITOWN, period="2023-24")
    text = headline_text(layout)
    # planned 5,450 + 2,180 + 3,270 = 10,900; actual 5,000 + 2,180 + 500 = 7,680; 7,680 / 10,900 = 70.5%
    assert "£10,900" in text and "£7,680" in text and "70.5%" in text
    # social care (scheme 1's area of spend): 5,450 + 2,180 = 7,630 of 10,900 = 70.0%
    assert "70.0%" in text and "£7,630" in text
    # per head: 10,900 / 109 residents = £100; aged 65+: 10,900 / 27 = 403.70 -> £404
    assert "£100" in text and "109 registered residents" in text
    assert "£404" in text and "27 registered residents aged 65+" in text
    # dated: the latest release by 1 October 2023 is January 2023's (April 2024's is after it)
    assert "109 registered residents (January 2023 release, the latest by the middle of the year)" in text
    assert "not in yet" not in text.lower()
    # the return leaves scheme 2 (3,270) out and adds scheme 3 (500): both said, not hidden in the total
    note = text_of(by_id(layout, "pooled-budget-return-note"))
    assert "£3,270 of planned spend" in note and "£500" in note


def test_2024_25_says_the_year_end_return_is_not_in(page):
    layout = page.layout(council=UNITOWN, period="2024-25")
    text = headline_text(layout)
    # 6,000 + 2,000 + 3,000 = 11,000 over the April 2024 release's 100 residents = £110
    assert "£11,000" in text and "£110" in text and "100 registered residents" in text
    assert "Not in yet" in text
    note = text_of(by_id(layout, "pooled-budget-return-note"))
    assert "year-end return for 2024-25 is not in yet" in note
    assert "unknown (not nil)" in note


def test_sankey_links_by_hand(page):
    fig = figures(page.layout(council=UNITOWN, period="2023-24"))["pooled-budget-flows"]
    sankey = fig.data[0]
    labels = list(sankey.node.label)
    links = {(labels[s], labels[t]): v for s, t, v in zip(values(sankey.link.source), values(sankey.link.target),
                                                          values(sankey.link.value))}
    # two scheme types only, so they are named (the messy spelling as the 2023 list writes it)
    assert links == {
        ("Minimum NHS contribution", "Home-based intermediate care services"): 5450,
        ("iBCF / Local Authority Better Care Grant", "Home-based intermediate care services"): 2180,
        ("Minimum NHS contribution", "Urgent Community Response"): 3270,
        ("Home-based intermediate care services", "Local Authority"): 5450 + 2180,
        ("Urgent Community Response", "NHS Community Provider"): 3270,
    }
    assert "£5,450 of Minimum NHS contribution goes to Home-based intermediate care services" in sankey.link.customdata
    # the table behind it holds the same links
    rows = grids(page.layout(council=UNITOWN, period="2023-24"))["pooled-budget-flows"]
    assert sorted(row["planned_gbp"] for row in rows) == [2180, 3270, 3270, 5450, 7630]


def test_planned_against_actual_by_year(page):
    fig = figures(page.layout(council=UNITOWN, period="2024-25"))["pooled-budget-planned-actual"]
    planned, actual = fig.data
    assert list(planned.x) == ["2023-24", "2024-25"]
    assert list(values(planned.y)) == [10900, 11000]
    # 2024-25 has no return: no bar (unknown), never a zero one
    actual_y = values(actual.y).astype(float)
    assert actual_y[0] == 7680 and np.isnan(actual_y[1])
    # planned and actual differ in pattern as well as colour
    assert actual.marker.pattern.shape == "/" and not planned.marker.pattern.shape
    assert any("No year-end" in annotation.text for annotation in fig.layout.annotations)
    # the year chosen bounds the years shown
    fig = figures(page.layout(council=UNITOWN, period="2023-24"))["pooled-budget-planned-actual"]
    assert list(fig.data[0].x) == ["2023-24"]


def test_per_head_and_social_care_share_by_year(page):
    layout = page.layout(council=UNITOWN, period="2024-25")
    per_head = {trace.name: values(trace.y).astype(float) for trace in figures(layout)["pooled-budget-per-head"].data}
    # 10,900 / 109 = 100 and 11,000 / 100 = 110; aged 65+: 10,900 / 27 = 403.70 and 11,000 / 27 = 407.41
    assert list(per_head["Planned, per resident"]) == [100, 110]
    assert list(per_head["Planned, per resident aged 65+"]) == [403.70, 407.41]
    # actual 7,680 / 109 = 70.46; none for 2024-25
    assert per_head["Actual, per resident"][0] == 70.46 and np.isnan(per_head["Actual, per resident"][1])
    share = figures(layout)["pooled-budget-social-care"].data[0]
    # 7,630 / 10,900 = 0.70; 2024-25: (6,000 + 2,000) / 11,000
    assert values(share.y) == pytest.approx([0.7, 8000 / 11000])


def test_hwbs_side_by_side_highlight_the_selection(page):
    layout = page.layout(council=UNITOWN, period="2023-24")
    bar = figures(layout)["pooled-budget-hwbs"].data[0]
    assert list(bar.y) == ["Unitown ◀ selected"]
    assert list(values(bar.x)) == [100]
    row, = grids(layout)["pooled-budget-hwbs"]
    assert (row["hwb_name"], row["selected"], row["share_social_care"]) == ("Unitown", "Yes", pytest.approx(0.7))
    # with no area filter, nothing is highlighted (every HWB would be)
    bar = figures(page.layout(period="2023-24"))["pooled-budget-hwbs"].data[0]
    assert list(bar.y) == ["Unitown"]


def test_england_scale_comparison_shows_the_ends_and_the_selected(page):
    hwbs = pd.DataFrame({
        "hwb_code": [f"E06{i:06d}" for i in range(150)], "hwb_name": [f"Area {i}" for i in range(150)],
        "planned_per_head_gbp": [300.0 - i for i in range(150)], "share_social_care": 0.5,
        "is_selected": [i == 75 for i in range(150)], "per_head_rank": range(1, 151),
    })
    fig, note = page._hwb_comparison(hwbs, "2024-25")
    labels = list(fig.data[0].y)
    # 10 highest, a gap of 65, the selected one, a gap of 64, 10 lowest
    assert len(labels) == 10 + 1 + 1 + 1 + 10
    assert labels[10] == "… 65 more HWB areas …" and labels[11] == "Area 75 ◀ selected"
    assert labels[12] == "… 64 more HWB areas …" and labels[-1] == "Area 149"
    assert "of 150 HWB areas" in note


def test_scheme_type_grid_planned_and_actual(page):
    rows = {row["scheme_type"]: row for row in grids(page.layout(council=UNITOWN, period="2023-24"))
            ["pooled-budget-scheme-types"]}
    home = rows["Home-based intermediate care services"]
    # planned 5,450 + 2,180; actual 5,000 + 2,180
    assert (home["planned_gbp"], home["actual_gbp"], home["planned_not_in_return_gbp"]) == (7630, 7180, 0)
    # scheme 2 is in the plan but not the return: unknown actual, counted apart
    urgent = rows["Urgent Community Response"]
    assert (urgent["planned_gbp"], urgent["actual_gbp"], urgent["planned_not_in_return_gbp"]) == (3270, None, 3270)
    # scheme 3 only in the return: its type's group comes from the national list
    carers = rows["Carers Services"]
    assert (carers["scheme_type_group"], carers["planned_gbp"], carers["actual_gbp"]) == ("Carers", None, 500)
    assert carers["actual_not_in_plan_gbp"] == 500
    # no return for 2024-25: what the return leaves out is unknown, not nil
    rows = grids(page.layout(council=UNITOWN, period="2024-25"))["pooled-budget-scheme-types"]
    assert {row["planned_not_in_return_gbp"] for row in rows} == {None}


def test_practice_whose_council_has_no_plan(page):
    layout = page.layout(practice="A00002", period="2024-25")
    text = text_of(layout)
    assert "No BCF plan is loaded for Countyshire" in text
    assert "pooled-budget-flows" not in figures(layout)


def test_year_without_a_plan(page):
    text = text_of(page.layout(council=UNITOWN, period="2022-23"))
    assert "No BCF plan for 2022-23 is loaded for Unitown" in text
    assert "Plans are loaded for 2023-24 to 2024-25" in text


def test_whole_area_leaves_out_the_council_without_a_plan(page):
    layout = page.layout(period="2024-25")
    assert "No BCF plan for 2024-25 is loaded for Countyshire" in text_of(layout)
    assert "£11,000" in headline_text(layout)


def test_unknown_council_is_ignored(page):
    # the filter drops the unknown code: the whole area, i.e. Unitown's plan
    layout = page.layout(council="E06999999", period="2023-24")
    assert "£10,900" in headline_text(layout)


def test_no_bcf_source_loaded(tiny_warehouse, monkeypatch):
    # the tiny area without its outcome sources has no BCF plan or return at all
    monkeypatch.setenv("JOINTCARE_DB", str(tiny_warehouse))
    import dashboard.app  # noqa: F401
    from dashboard.pages import pooled_budget

    layout = pooled_budget.layout(council=UNITOWN)
    assert "No Better Care Fund plans or year-end returns have been loaded" in text_of(layout)
    assert figures(layout) == {}
