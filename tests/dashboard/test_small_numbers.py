"""The one small-number rule on every page surface, on small hand-made cases.

The rule (etl/method.yml, small_numbers; dashboard/suppression.py) follows NHS Digital's disclosure
control for Hospital Episode Statistics as it was before September 2018 ("Disclosure control methodology
for HES and ECDS", digital.nhs.uk): small counts replaced by a marker, then secondary suppression so that no
other value shown lets them be recalculated. jointcare's threshold is 5: a count of 1 to 4 is "<5"; a cell
hidden only to protect another is "[c]"; a rate worked out from a hidden count is hidden with it. Every
expected value below is worked out by hand in its comment.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.dashboard.helpers import figures, grids, text_of, values

LT5, C = "<5", "[c]"


def test_the_marker_and_threshold_are_the_ones_declared_in_method_yml():
    from dashboard import suppression
    from etl.build import METHOD_FILE

    declared = yaml.safe_load(METHOD_FILE.read_text())["small_numbers"]["small_number_threshold"]
    assert (suppression.THRESHOLD, suppression.SUPPRESSED, suppression.SECONDARY) == (
        declared["value"], declared["marker"], declared["secondary_marker"]) == (5, LT5, C)


def test_the_column_form_of_the_rule_hides_what_the_cell_form_hides():
    # The pages apply the rule to whole columns at once (small_mask) for speed; by hand, of these cells
    # only 0.5 and 4.99 are above 0 and below 5 (a marker is not a count, 5 is not small, -1 is no count).
    from dashboard import suppression

    cells = [None, np.nan, LT5, C, 0, 0.5, 4.99, 5, 12, -1, pd.NA]
    expected = [False, False, False, False, False, True, True, False, False, False, False]
    assert [suppression.is_small(cell) for cell in cells] == expected
    assert suppression.small_mask(cells).tolist() == expected
    assert suppression.small_mask(pd.Series([0, 3, 5, 4])).tolist() == [False, True, False, True]


def test_the_next_secondary_cell_is_the_smallest_of_five_or_more_and_the_first_of_equals():
    # cells 0..5 = 7, 5, <5 (hidden), 5, 0, NaN: the smallest of 5 or more is 5, first at position 1;
    # with 1 and 3 hidden as well, 7 (position 0) is next; with every count of 5 or more hidden, the 0.
    from dashboard import suppression

    values = [7.0, 5.0, 3.0, 5.0, 0.0, np.nan]
    assert suppression.next_secondary(values, {2: LT5}) == 1
    assert suppression.next_secondary(values, {2: LT5, 1: C, 3: C}) == 0
    assert suppression.next_secondary(values, {2: LT5, 1: C, 3: C, 0: C}) == 4
    assert suppression.next_secondary(values, {0: C, 1: C, 2: LT5, 3: C, 4: C}) is None


def test_each_practice_s_parts_are_hidden_against_its_own_list_and_no_other():
    # Worked by hand: practice A's 100 + 3 + 50 patients by council (its list is public): 3 is "<5", and
    # the total would give it back, so the smallest other part, 50, is hidden too ("[c]"), and their shares
    # with them. Practice B's 200 + 10 + NaN hide nothing (a missing count stays missing); C's 4 + 0 hide
    # the 4 and then the 0, the only part left. The rows of one practice need not be next to each other.
    from dashboard import suppression

    frame = pd.DataFrame({"source_code": ["A", "B", "A", "B", "A", "C", "B", "C"],
                          "patients": [100, 200, 3, 10, 50, 4, 0, 0],
                          "share": [0.65, 0.95, 0.02, 0.05, 0.33, 1.0, 0.0, 0.0]})
    frame.loc[6, "patients"] = np.nan
    shown = suppression.parts_of_shown_totals(frame, "patients", by="source_code", derived=["share"])
    assert shown["patients"].tolist() == [100.0, 200.0, LT5, 10.0, C, LT5, None, C]
    assert shown["share"].tolist() == [0.65, 0.95, LT5, 0.05, C, LT5, 0.0, C]
    # the same as working through each practice on its own
    one_by_one = pd.concat(suppression.parts_of_a_shown_total(rows, "patients", derived=["share"])
                           for _, rows in frame.groupby("source_code", sort=False)).reindex(frame.index)
    assert shown["patients"].tolist() == one_by_one["patients"].tolist()


def test_data_and_methods_states_the_rule_from_method_yml(dashboard_db):
    from dashboard.pages import data_and_methods
    from etl.build import METHOD_FILE

    declared = yaml.safe_load(METHOD_FILE.read_text())["small_numbers"]["small_number_threshold"]
    section = data_and_methods.small_numbers_section()
    text = " ".join(text_of(section).split())
    assert section.children[0].id == "small-numbers"
    assert f"from 1 to {declared['value'] - 1} is shown as \"{declared['marker']}\"" in text
    assert f"\"{declared['secondary_marker']}\"" in text
    assert "Disclosure control methodology for HES and ECDS" in text and "1 to 7" in text
    assert any(getattr(node, "id", None) == "small-numbers" for node in _nodes(data_and_methods.layout()))


def _nodes(tree):
    from tests.dashboard.helpers import walk
    return list(walk(tree))


# Page grids and their "Download these rows" CSV (the browser exports the rowData it was sent) ------------

def test_a_grid_never_sends_a_count_of_one_to_four(dashboard_db):
    # The reported case: numerator 1 of 2 at home after reablement. 1 and 2 are both counts of 1-4 -> "<5";
    # the rate (50%) is worked out from them -> "<5". A 0 identifies no one and is shown.
    from dashboard.components.tables import column, data_grid

    frame = pd.DataFrame({"code": ["P1", "P2"], "num": [1, 0], "den": [2, 40], "rate": [50.0, 0.0]})
    grid = data_grid("small", frame, [column("code", "Code"), column("num", "Numerator", "count", people_count=True),
                                      column("den", "Denominator", "count", people_count=True),
                                      column("rate", "Rate", "number", hidden_with="num")], caption="Small")
    rows = grids(grid)["small"]
    assert rows == [{"code": "P1", "num": LT5, "den": LT5, "rate": LT5},
                    {"code": "P2", "num": 0, "den": 40, "rate": 0.0}]
    # the suppression keys are not sent to AG Grid (it would warn about unknown column properties)
    column_defs = [node for node in _nodes(grid) if getattr(node, "_type", "") == "AgGrid"][0].columnDefs
    assert all(not key.startswith("jointcare") for definition in column_defs for key in definition)
    # the marker is shown as it is: the grids' number format (formatCell) returns text unchanged
    assert column_defs[1]["valueFormatter"]["function"].startswith("formatCell(params")
    functions = (Path(__file__).parents[2] / "assets" / "dashAgGridFunctions.js").read_text()
    format_cell = functions[functions.index("dagfuncs.formatCell"):]
    assert 'if (typeof value === "string") { return value; }' in format_cell[:format_cell.index("};")]


def test_outcomes_grid_hides_the_practice_with_three_of_four_at_home(dashboard_db):
    # FELL PRACTICE (A00003), 2022-23, at home 91 days after reablement: 3 of 4 in March 2023 (0 of 0 in
    # November and December). 3 and 4 are counts of 1-4 -> "<5", and so are its rate and "against the
    # selection".
    from dashboard.pages import outcomes

    rows = {row["code"]: row for row in grids(outcomes.layout(measure="reablement_at_home_91",
                                                              period="2022-23"))["outcomes-year"]}
    fell = rows["A00003"]
    assert (fell["num"], fell["den"], fell["rate"], fell["vs"]) == (LT5, LT5, LT5, LT5)


def test_a_hidden_count_cannot_be_recovered_by_subtraction_from_the_pooled_rate():
    # Four practices, a rate measure: counts 2, 6, 30, 40 over 40, 50, 100, 120. The grid prints each
    # denominator and the pooled rate, 78 / 310, so the total 78 is known: with only the 2 hidden, 78 - 6 - 30
    # - 40 = 2 gives it back. So the smallest other count of 5 or more, 6, is hidden too ("[c]"). The reader
    # then knows the two hidden sum to 8, the "<5" is 1-4 and the "[c]" at least 5: the "<5" is 1-3 and the
    # "[c]" 5-7, neither pinned. Their rates go with them.
    from dashboard import suppression

    frame = pd.DataFrame({"num": [2, 6, 30, 40], "den": [40, 50, 100, 120]})
    frame["rate"] = frame["num"] / frame["den"] * 1000
    out, pooled_reveals = suppression.suppress_rates(frame, count="num", denominator="den", derived=["rate"],
                                                     total_shown=True)
    assert list(out["num"]) == [LT5, C, 30, 40] and list(out["rate"][:2]) == [LT5, C]
    assert out["rate"][2] == pytest.approx(300.0) and not pooled_reveals


def test_a_percentage_that_leaves_one_to_four_people_by_difference_is_hidden():
    # 10 of 12 at home: 12 - 10 = 2 people were not, a count of 1-4 worked out by difference, so the 10
    # is hidden ("[c]", it is not itself under 5) with its percentage; 20 of 40 leaves 20 and stays.
    from dashboard import suppression

    frame = pd.DataFrame({"num": [10, 20], "den": [12, 40], "rate": [83.3, 50.0]})
    out, _ = suppression.suppress_rates(frame, count="num", denominator="den", derived=["rate"], complement=True)
    assert list(out["num"]) == [C, 20] and list(out["rate"]) == [C, 50.0]


# Funnel plots: the table behind the chart, hover text and the points --------------------------------------

FUNNEL = pd.DataFrame({"code": ["P1", "P2", "P3", "P4"], "name": ["ONE", "TWO", "THREE", "FOUR"],
                       "num": [2, 6, 30, 40], "den": [40, 50, 100, 120], "selected": [False] * 4})


def _funnel():
    from dashboard.components.funnel import funnel_card

    return funnel_card("f", FUNNEL, kind="rate", scale=1000.0, polarity="lower_is_better", title="Test",
                       units="per 1,000", x_title="Patients", x_hover="Denominator", y_title="Rate",
                       hover_unit="per 1,000", query="outcomes__funnel", value_unit="per 1,000", source="Test",
                       data_date="2024", scope="the test area")


def test_funnel_table_hides_the_small_count_and_the_one_that_would_give_it_away(dashboard_db):
    # as above: P1's 2 -> "<5"; the comparator 78 / 310 x 1,000 = 251.6 is printed beside every
    # denominator, so P2's 6 -> "[c]"; value, interval and significance go with them
    rows = {row["code"]: row for row in grids(_funnel())["f-table"]}
    for code, marker in (("P1", LT5), ("P2", C)):
        assert {rows[code][field] for field in ("num", "value", "low", "high", "significance_words")} == {marker}
    assert rows["P3"]["num"] == 30 and rows["P3"]["value"] == pytest.approx(300.0)
    assert "251.6" in text_of(_funnel())


def test_funnel_does_not_draw_or_hover_a_hidden_practice(dashboard_db):
    # a point at (denominator 40, 50 per 1,000) gives 2 back: P1 and P2 are not drawn, and no hover names them
    card = _funnel()
    fig = figures(card)["f"]
    points = [trace for trace in fig.data if trace.mode == "markers"]
    drawn_x = sorted(float(x) for trace in points for x in values(trace.x))
    assert drawn_x == [100.0, 120.0]
    codes = {str(cell) for trace in points for row in trace.customdata for cell in row}
    assert not codes & {"P1", "P2", "ONE", "TWO"}
    assert "2 practices are not drawn" in " ".join(text_of(card).split())


# Lines and the table behind them ------------------------------------------------------------------------

def test_a_month_from_a_small_count_is_a_gap_on_the_line_and_a_marker_in_its_table(dashboard_db):
    # A practice's months: 12 of 110 (109.1 per 1,000) and 3 of 110 (27.3 per 1,000, from a count of 1-4)
    from dashboard.pages import outcomes

    trend = pd.DataFrame({"series": ["P1", "P1"], "series_kind": ["practice"] * 2,
                          "period_start": pd.to_datetime(["2023-01-01", "2023-02-01"]),
                          "numerator": [12, 3], "denominator": [110, 110], "rate": [1000 * 12 / 110, 1000 * 3 / 110]})
    hidden = outcomes.hide_small_rates(trend)
    assert hidden["rate"].iloc[0] == pytest.approx(109.09, abs=0.01) and np.isnan(hidden["rate"].iloc[1])
    table = grids(outcomes._trend_table(hidden, False, pd.Series({"name": "Test", "unit": "per 1,000"})))
    rows = table["outcomes-trend-table"]
    assert rows[0]["s0"] == pytest.approx(109.09, abs=0.01) and rows[1]["s0"] == LT5



def test_a_percentage_leaving_one_to_four_people_out_is_a_gap_and_c_as_in_the_downloads(dashboard_db):
    # At home 91 days after reablement, one practice's months (the case a tester found on Wyvernford): 32 of
    # 35 (91.4%: 3 not at home, 1-4 people by difference), 27 of 30 (90.0%: 3 not), 30 of 40 (75.0%: 10 not),
    # and 3 of 4 (75.0%, from a count of 1-4). The downloads' CSV prints each month's denominator, so with a
    # rate of 91.4% it would give back the 3 not at home: the first two are hidden as "[c]" (the secondary
    # mark, NHS England's complement rule), the last as "<5", and only 75.0% is drawn.
    from dashboard.pages import outcomes

    trend = pd.DataFrame({"series": ["P1"] * 4, "series_kind": ["practice"] * 4,
                          "period_start": pd.to_datetime(["2023-01-01", "2023-02-01", "2023-03-01", "2023-04-01"]),
                          "numerator": [32, 27, 30, 3], "denominator": [35, 30, 40, 4]})
    trend["rate"] = 100 * trend["numerator"] / trend["denominator"]
    hidden = outcomes.hide_small_rates(trend, percent=True)
    assert np.isnan(hidden["rate"].iloc[0]) and np.isnan(hidden["rate"].iloc[1]) and np.isnan(hidden["rate"].iloc[3])
    assert hidden["rate"].iloc[2] == 75.0
    table = grids(outcomes._trend_table(hidden, False, pd.Series({"name": "Test", "unit": "%"})))
    assert [row["s0"] for row in table["outcomes-trend-table"]] == [C, C, 75.0, LT5]
    # a rate per 1,000 has no complement: 32 of 35 is drawn
    assert hidden["rate"].notna().sum() == 1
    assert outcomes.hide_small_rates(trend)["rate"].notna().sum() == 3

# Bars and their text labels -----------------------------------------------------------------------------

def test_bars_and_their_labels_leave_out_a_small_count_and_its_protector(dashboard_db):
    # A practice of 110 patients (its list size is printed and public): 100 live in Unitown, 7 in Countyshire
    # and 3 elsewhere. 3 -> "<5"; with the list size known, 110 - 100 - 7 = 3 would give it back, so the 7
    # -> "[c]". The hidden two sum to 10: the "<5" is 1-4, so the "[c]" is 6-9: neither is pinned, and the
    # list size stays. Only Unitown's bar and label
    # (100 / 110 = 90.9%) are drawn; its hover carries no hidden count.
    from dashboard.pages import practice

    split = pd.DataFrame({"area_kind": ["council", "council", "council"],
                          "area_name": ["Unitown", "Countyshire", "Dale"],
                          "area_code": ["E1", "E2", "E3"], "is_home_council": [True, False, False],
                          "patients": [100, 7, 3], "share": [100 / 110, 7 / 110, 3 / 110],
                          "release": pd.to_datetime(["2023-01-01"] * 3), "release_after_period": [False] * 3})
    card = practice._split_card(split, "2022-23")
    bar = figures(card)["practice-split-chart"].data[0]
    assert list(bar.y) == ["Unitown (home council)"] and list(bar.text) == ["90.9%"]
    assert list(values(bar.customdata)) == [100]
    rows = {row["area_code"]: row for row in grids(card)["practice-council-split"]}
    assert (rows["E3"]["patients"], rows["E3"]["share"]) == (LT5, LT5)
    assert (rows["E2"]["patients"], rows["E2"]["share"]) == (C, C)
