"""The Joint working page on the tiny area, against numbers worked out by hand.

The tiny area's joint-working return (tests/factory_outcomes.py) is one quarter, 2023-24 Q1:
A00001 returns all ten indicators; A00002 returns JW01 (no), JW02 (3 MDTs), JW04 (10 of 20), JW09 (1)
and JW10 (no invitations, so no value); A00003 returns nothing. The scores, worked in
tests/etl/test_outcome_marts.py: A00001 time and space (66.67 + 100 + 0) / 3 = 55.56, trust 50,
shared 90, practical 70, index (55.56 + 50 + 90 + 70) / 4 = 66.39; A00002 time and space 100 (JW02
alone, 3 of target 3), trust (0 + 100) / 2 = 50, shared 50, practical none, so no index.
Practices: A00001 and A00003 are based in Unitown (E06000901), A00002 in Countyshire; all three are open.
"""

from __future__ import annotations

import pytest

from tests.dashboard.helpers import figures, grids, text_of, values


@pytest.fixture
def page(dashboard_db):
    from dashboard.pages import joint_working

    return joint_working


def test_period_without_returns_in_it_shows_the_latest_quarter_before_its_end(page):
    # 2024-25 asked for (with no year asked, the page opens on 2023-24, the year of the only return:
    # tests/dashboard/test_filters.py); the only return is 2023-24 Q1
    text = text_of(page.layout(period="2024-25"))
    assert "No returns fall inside 2024-25, so the latest before it is shown: 2023-24 Q1 (April to June 2023)" in text


def test_headlines_by_hand(page):
    text = " ".join(text_of(page.layout()).split())
    # A00001 has JW01 = 1; A00002 answered no; A00003 sent nothing: 1 of the 2 that returned
    assert "Practices with an attached social worker 1 of 2 practices that returned 2023-24 Q1 (50.0%)" in text
    # only A00001 has all four domains scored: the mean index is its 66.39
    assert "Mean joint-working index 66.4 out of 100; the mean of the 1 practice with all four domains scored" in text
    # A00001 and A00002 returned, of the three open practices
    assert "Practices that returned 2023-24 Q1 2 of 3 practices open in the selection" in text


def test_league_table_rows_and_index_values(page):
    league = grids(page.layout())["joint-working-league"]
    assert [row["code"] for row in league] == ["A00001", "A00002", "A00003"]  # by index, empty ones last
    a1, a2, a3 = league
    assert (a1["jwi"], a1["tas"], a1["tar"], a1["spo"], a1["pso"], a1["sw"], a1["scored"]) == \
        (66.4, 55.6, 50.0, 90.0, 70.0, "Yes", 10)
    # A00002: no practical support returned, so no index; JW10 without invitations is not scored
    assert (a2["jwi"], a2["tas"], a2["tar"], a2["spo"], a2["pso"], a2["sw"], a2["scored"]) == \
        (None, 100.0, 50.0, 50.0, None, "No", 4)
    assert (a3["jwi"], a3["sw"], a3["scored"]) == (None, "No return", 0)


def test_practice_codes_link_to_profiles_and_export_plain(page):
    from tests.dashboard.helpers import walk

    grid = next(node for node in walk(page.layout(period="2024-25"))
                if getattr(node, "id", None) == {"type": "data-grid", "grid": "joint-working-league"})
    code = grid.columnDefs[0]
    assert code["field"] == "code" and code["cellRenderer"] == "markdown"
    assert code["valueGetter"]["function"] == 'practiceLink(params, "code", "code", "?period=2024-25")'
    assert code["valueFormatter"]["function"] == 'params.data["code"]'  # the CSV keeps the code


def test_index_chart_plots_practices_with_an_index_only(page):
    fig = figures(page.layout())["joint-working-index"]
    # A00002 has no index and A00003 no return: one mark, A00001's, in the 'attached' style
    assert [trace.name for trace in fig.data] == ["Attached social worker"]
    assert list(values(fig.data[0].x)) == [66.4]  # 66.39, to the one decimal the league table shows
    assert list(fig.data[0].y) == ["Unitown Surgery (A00001)"]


def test_many_practices_are_shown_as_a_distribution(page, monkeypatch):
    monkeypatch.setattr(page, "LABELLED_MAX", 0)
    fig = figures(page.layout())["joint-working-index"]
    with_sw, without_sw = fig.data
    # A00001's 66.39 falls in the 60 to 69.9 band; no practice without a social worker has an index
    assert list(with_sw.x)[6] == "60 to 69.9"
    assert list(values(with_sw.y)) == [0, 0, 0, 0, 0, 0, 1, 0, 0, 0]
    assert sum(values(without_sw.y)) == 0


def test_council_selection(page):
    page_ = page.layout(council="E06000901")
    text = " ".join(text_of(page_).split())
    # Unitown's practices are A00001 (returned, attached) and A00003 (no return)
    assert "1 of 1 practices that returned 2023-24 Q1 (100.0%)" in text
    assert "1 of 2 practices open in the selection" in text
    assert [row["code"] for row in grids(page_)["joint-working-league"]] == ["A00001", "A00003"]


def test_adoption_over_time(page):
    rows = grids(page.layout())["joint-working-adoption-table"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["quarter_label"], row["practices_returned"], row["practices_with_social_worker"]) == \
        ("2023-24 Q1", 2, 1)
    assert row["percent_with_social_worker"] == 50.0 and row["mean_index"] == pytest.approx(66.39)
    fig = figures(page.layout())["joint-working-adoption"]
    # two lines, told apart by marker symbol and dash as well as colour
    assert {trace.marker.symbol for trace in fig.data} == {"circle", "square"}
    assert {trace.line.dash for trace in fig.data} == {"solid", "dash"}


def test_indicator_values_and_definitions(page):
    page_ = page.layout()
    rows = {row["indicator_id"]: row for row in grids(page_)["joint-working-indicators-table"]}
    assert len(rows) == 10
    # JW01: A00001 yes, A00002 no
    assert rows["JW01"]["value_text"] == "50% yes (1 of 2)" and rows["JW01"]["mean_score"] == 50.0
    # JW02: 2 and 3 meetings: median 2.5; scores 66.67 and 100
    assert rows["JW02"]["value_text"] == "median 2.5 (meetings per quarter)"
    assert rows["JW02"]["mean_score"] == pytest.approx((66.67 + 100) / 2)
    # JW10: A00002's empty value is not a return of 0: A00001's 50% alone
    assert rows["JW10"]["practices_returning"] == 1 and rows["JW10"]["value_text"] == "median 50%"
    text = text_of(page_)
    # the definitions come from ref_indicators (etl/indicators/JW01.yml)
    assert "The practice has a named or attached social worker (yes/no) in the quarter." in text
    assert "Knowing who to call is where trust between GPs and social workers starts." in text
    assert "Scores 100 x value / target of 3 meetings per quarter, at most 100." in text


def test_period_with_no_returns_yet_is_an_empty_state(page):
    page_ = page.layout(period="2022-23")
    assert "No joint-working return covers 2022-23 or earlier: the first return is for April to June 2023" \
        in text_of(page_)
    assert figures(page_) == {} and grids(page_) == {}


def test_source_not_loaded_is_an_empty_state(page, monkeypatch):
    monkeypatch.setattr(page.sources, "is_loaded", lambda key: key != "joint_working_return")
    assert "No joint-working return has been loaded" in text_of(page.layout())


def test_unknown_filter_value_is_dropped(page):
    # an unknown council is not applied: the whole area is shown, as with no filter
    league = grids(page.layout(council="E99999999"))["joint-working-league"]
    assert [row["code"] for row in league] == ["A00001", "A00002", "A00003"]


def test_practice_that_returned_without_an_index(page):
    page_ = page.layout(practice="A00002")
    text = text_of(page_)
    assert "no practice had all four domains scored this quarter" in text
    assert "joint-working-index" not in figures(page_)
    assert [row["code"] for row in grids(page_)["joint-working-league"]] == ["A00002"]


def test_mdt_in_the_indicator_definitions_is_a_defined_term(page):
    from dashboard.components.terms import GLOSSARY
    from tests.dashboard.helpers import walk

    # JW02's name in its definition file is "MDT meetings with social care"
    terms = [node for node in walk(page.layout()) if getattr(node, "className", None) == "term"]
    mdt = [node for node in terms if node.children[0] == "MDT"]
    assert mdt and GLOSSARY["MDT"] in str(mdt[0].children[1].children)
    assert "JW02 MDT" in " ".join(text_of(page.layout()).split())


# SPC, the care plan funnel and the Impact panel ---------------------------------------------------------------

def test_care_plan_funnel_by_hand(page):
    # JW04 in 2023-24 Q1: A00001 40 of 50 (80%), A00002 10 of 20 (50%); comparator 50 / 70 = 71.4%.
    # Wilson 95% for 10 / 20: (2 x 10 + 1.96^2 ± 1.96 x sqrt(1.96^2 + 4 x 10 x 0.5)) / (2 x (20 + 1.96^2))
    #   = (23.84 ± 9.570) / 47.68 = 0.2993 to 0.7007: the upper end is below 0.714, so below the 95% limit;
    #   at 99.8% (z = 3.090) the upper end is (29.55 + 16.80) / 59.10 = 0.784: not below the 99.8% limit.
    # Wilson 95% for 40 / 50: (83.84 ± 11.73) / 107.68 = 0.6696 to 0.8876, which holds 0.714: within.
    tree = page.layout(period="2023-24")
    rows = {row["code"]: row for row in grids(tree)["joint-working-funnel-table"]}
    assert (rows["A00001"]["num"], rows["A00001"]["den"]) == (40, 50)
    assert (rows["A00002"]["num"], rows["A00002"]["den"]) == (10, 20)
    assert rows["A00002"]["low"] == pytest.approx(29.93, abs=0.01)
    assert rows["A00002"]["high"] == pytest.approx(70.07, abs=0.01)
    assert rows["A00001"]["significance_words"] == "Within the limits"
    assert rows["A00002"]["significance_words"] == "Below the 95% limit (worse)"
    fig = figures(tree)["joint-working-funnel"]
    symbols = {trace.marker.symbol: list(values(trace.x)) for trace in fig.data if trace.mode == "markers"}
    assert symbols == {"circle-open": [50], "triangle-down-open": [20]}
    assert "71.4" in text_of(tree)


def test_spc_needs_twelve_quarters(page):
    text = text_of(page.layout(period="2023-24"))
    assert "Too few quarters for an SPC chart: 1 quarter of data" in text


def test_impact_panel_and_pretrends_on_the_tiny_area(page):
    text = text_of(page.layout(period="2023-24"))
    assert "Has joint working changed hospital and care home use?" in text
    assert "not estimated here" in text
    # no estimate, so no parallel-trends chart either, and the page says why
    assert "There is no parallel-trends check for this selection" in text
