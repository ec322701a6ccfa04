"""The Outcomes page and the shared trend figure on the tiny area, against numbers worked out by hand.

From tests/factory_outcomes.py and tests/etl/test_outcome_marts.py. January 2023 lists (all ages /
aged 65+): A00001 110/30, A00002 110/22, A00003 50/10; Unitown holds 70 + 9 + 30 = 109 of their
patients and Countyshire 30 + 101 + 20 = 151. A&E attendances: A00001 22 in December 2022 and 11 in
March 2023, A00002 22 and A00003 5 in March 2023, A00001 5 in May 2024 (April 2024 list of 100).
A00001 and A00002 form TOWN PCN; A00003 is FELL PCN; all in one ICB. Home councils: A00001 and
A00003 Unitown (E06000901), A00002 Countyshire (E10000901).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.dashboard.helpers import by_id, figures, grids, text_of, values

UNITOWN_SURGERY, TOWN_PCN, ICB = "UNITOWN SURGERY (practice)", "TOWN PCN", "NHS Test Integrated Care Board"


@pytest.fixture
def page(dashboard_db):
    from dashboard.pages import outcomes

    return outcomes


def lines(fig) -> dict:
    """{series name: {x: y}} for every trace of a trend figure."""
    return {trace.name: dict(zip(list(trace.x), values(trace.y))) for trace in fig.data}


def test_practice_against_its_pcn_council_and_icb(page):
    fig = figures(page.layout(practice="A00001", measure="ae_attendances", period="2023-24"))["outcomes-trend"]
    got = lines(fig)
    # legend order: the practice, its PCN, its home council, its ICB
    assert list(got) == [UNITOWN_SURGERY, TOWN_PCN, "Unitown (council)", ICB]
    march = "2023-03-01"
    assert got[UNITOWN_SURGERY][march] == pytest.approx(1000 * 11 / 110)  # 100
    assert got[TOWN_PCN][march] == pytest.approx(1000 * (11 + 22) / (110 + 110))  # 150
    # the council's A&E apportioned from practices: (11 x 70/110 + 22 x 9/110 + 5 x 30/50) / 109 = (7 + 1.8 + 3) / 109
    assert got["Unitown (council)"][march] == pytest.approx(1000 * (7 + 1.8 + 3) / 109)
    # the ICB pools its practices: (11 + 22 + 5) / (110 + 110 + 50) = 140.7, not the mean of their rates (133.3)
    assert got[ICB][march] == pytest.approx(1000 * 38 / 270)
    assert got[ICB][march] != pytest.approx((100 + 200 + 100) / 3)
    # December 2022: only A00001 has a row, on its earliest (January 2023) list: 22 / 110
    assert got[TOWN_PCN]["2022-12-01"] == pytest.approx(200)
    # every line has its own marker symbol and dash, not colour alone
    assert len({trace.marker.symbol for trace in fig.data}) == 4
    assert len({trace.line.dash for trace in fig.data}) == 4


def test_pcn_against_its_councils_and_icb(page):
    got = lines(figures(page.layout(pcn="U00001", measure="ae_attendances", period="2023-24"))["outcomes-trend"])
    # TOWN PCN's practices are based in Countyshire (A00002) and Unitown (A00001): both councils are shown
    assert list(got) == ["TOWN PCN (2 practices)", "Countyshire (council)", "Unitown (council)", ICB]
    # Countyshire: (11 x 30/110 + 22 x 101/110 + 5 x 20/50) / 151 = (3 + 20.2 + 2) / 151
    assert got["Countyshire (council)"]["2023-03-01"] == pytest.approx(1000 * 25.2 / 151)


def test_council_against_its_icb_and_all_councils(page):
    page_ = page.layout(council="E06000901", measure="ae_attendances", period="2023-24")
    got = lines(figures(page_)["outcomes-trend"])
    assert list(got) == ["Unitown (council)", ICB, "All councils together"]
    # all councils pooled: (11.8 + 25.2) / (109 + 151)
    assert got["All councils together"]["2023-03-01"] == pytest.approx(1000 * 37 / 260)
    assert "A&E attendances in Unitown against its ICB and all councils together, month by month" in text_of(page_)


def test_nothing_selected_shows_each_council_and_all_together(page):
    got = lines(figures(page.layout(measure="ae_attendances", period="2023-24"))["outcomes-trend"])
    assert list(got) == ["Countyshire (council)", "Unitown (council)", "All councils together"]
    # December 2022: A00001's 22 attendances split 70/110 to Unitown and 30/110 to Countyshire: 14/70 and 6/30
    assert got["All councils together"]["2022-12-01"] == pytest.approx(1000 * (14 + 6) / (70 + 30))


def test_trend_table_is_the_rates_drawn(page):
    rows = grids(page.layout(practice="A00001", measure="ae_attendances", period="2023-24"))["outcomes-trend-table"]
    assert [row["period"] for row in rows] == ["2022-12", "2023-03"]
    march = rows[1]
    assert (march["s0"], march["s1"]) == (pytest.approx(100), pytest.approx(150))


def test_year_table_pools_each_practices_months(page):
    rows = grids(page.layout(measure="ae_attendances", period="2022-23"))["outcomes-year"]
    by_code = {row["code"]: row for row in rows}
    # A00001: (22 + 11) / (110 + 110) over December and March; A00002 22 / 110; A00003 5 / 50
    assert (by_code["A00001"]["rate"], by_code["A00001"]["num"], by_code["A00001"]["den"]) == (150.0, 33.0, 220.0)
    assert by_code["A00001"]["periods"] == 2
    assert by_code["A00002"]["rate"] == 200.0 and by_code["A00003"]["rate"] == 100.0
    # the selection pooled: (33 + 22 + 5) / (220 + 110 + 50) = 157.9 (the mean of the three rates is 150)
    assert by_code["A00002"]["vs"] == pytest.approx(200 / (1000 * 60 / 380) - 1, abs=1e-4)
    assert "together: 157.9 per 1,000 registered patients" in " ".join(text_of(
        page.layout(measure="ae_attendances", period="2022-23")).split())


def test_one_practice_is_listed_with_its_pcn(page):
    page_ = page.layout(practice="A00001", measure="ae_attendances", period="2022-23")
    assert sorted(row["code"] for row in grids(page_)["outcomes-year"]) == ["A00001", "A00002"]  # TOWN PCN
    # TOWN PCN pooled over 2022-23: (22 + 11 + 22) / (110 + 110 + 110) = 166.7
    assert "The 2 practices in TOWN PCN, UNITOWN SURGERY's PCN, together: 166.7 per 1,000" in " ".join(
        text_of(page_).split())


def test_a_measure_asked_for_in_the_address_is_drawn(page):
    children = page.layout(measure="residential_admissions", **{"council": "E06000901", "period": "2022-23"})
    got = lines(figures(children)["outcomes-trend"])
    # Unitown's own extract: 3 residential admissions in March 2023 (2 + 1 with no known practice) over its
    # 27 residents aged 65+, and the ICB's 3 pooled from practices (3 + 0 + 0): counts of 1-4, so neither
    # rate is drawn (etl/method.yml small_numbers; tests/dashboard/test_small_numbers.py)
    assert np.isnan(got["Unitown (council)"]["2023-03-01"]) and np.isnan(got[ICB]["2023-03-01"])
    table = grids(children)["outcomes-trend-table"]
    assert {row["s0"] for row in table if row["period"] == "2023-03"} == {"<5"}
    # anything in the address but the filter keys and the measure is ignored
    tampered = page.layout(measure="residential_admissions", **{"council": "E06000901", "period": "2022-23", "x": "1"})
    assert str(lines(figures(tampered)["outcomes-trend"])) == str(got)  # str: the hidden months are NaN


def test_yearly_measure_on_financial_years(page):
    children = page.layout(measure="ascof_admissions_65_plus", **{"council": "E06000901", "period": "2023-24"})
    fig = figures(children)["outcomes-trend"]
    assert fig.layout.xaxis.type == "category"
    got = lines(fig)
    assert got["Unitown (council)"] == {"2018-19": 500.0, "2020-21": 600.0, "2022-23": 500.0, "2023-24": 500.0}
    # all councils: Unitown 10 / 2,000 with Countyshire 30 / 3,000; in 2020-21 only Unitown reported (12 / 2,000)
    assert got["All councils together"]["2018-19"] == pytest.approx(100000 * 40 / 5000)
    assert got["All councils together"]["2020-21"] == pytest.approx(600)
    # Unitown's practices in 2023-24, each apportioned (A00001 holds 70 of 109 Unitown and 30 of 151
    # Countyshire residents; A00003 30 and 20), pooled for the selection
    rows = {row["code"]: row for row in grids(children)["outcomes-year"]}
    a1_num, a1_den = 10 * 70 / 109 + 30 * 30 / 151, 2000 * 70 / 109 + 3000 * 30 / 151
    a3_num, a3_den = 10 * 30 / 109 + 30 * 20 / 151, 2000 * 30 / 109 + 3000 * 20 / 151
    assert rows["A00001"]["rate"] == pytest.approx(100000 * a1_num / a1_den, abs=0.01)
    pooled = 100000 * (a1_num + a3_num) / (a1_den + a3_den)  # 675.6
    assert f"together: {pooled:,.1f} per 100,000 population aged 65+ in 2023-24" in " ".join(text_of(children).split())


def test_months_without_a_denominator_are_left_out(page):
    # A00001's May 2024 care home admissions have no 65+ denominator (no age file for April 2024):
    # the year has nothing to pool, so the table says so rather than dividing 0 by nothing
    children = page.layout(measure="care_home_admissions", **{"practice": "A00001", "period": "2024-25"})
    assert "There are no figures for Permanent admissions to residential and nursing care, 65 and over in 2024-25" \
        in text_of(children)
    assert "outcomes-year" not in grids(children)


def test_period_before_any_data_is_an_empty_state(page):
    from dashboard import filters

    # (a pasted address with this year is corrected by the filters; the page itself still says why it is empty)
    children = page.render(filters.Selection(period="2021-22"), "ae_attendances")
    text = text_of(children)
    assert "There are no figures for A&E attendances in the whole area up to the end of 2021-22" in text
    assert figures(children) == {}


def test_measure_from_the_query_and_unknown_measures(page):
    chooser = by_id(page.layout(measure="residential_admissions"), "outcomes-measure")
    assert chooser.value == "residential_admissions"
    # emergency admissions is the default, but the tiny area has no such rows: the first measure with data
    default = page.layout()
    assert by_id(default, "outcomes-measure").value == "ae_attendances"
    options = {option["value"]: option for option in by_id(default, "outcomes-measure").options}
    assert options["emergency_admissions"]["disabled"] and not options["ae_attendances"]["disabled"]
    unknown = page.layout(measure="nope")
    assert by_id(unknown, "outcomes-measure").value == "ae_attendances"
    assert "There is no measure called 'nope', so A&E attendances is shown." in text_of(unknown)


def test_the_chooser_lists_the_measures_in_their_declared_order(page):
    # `order:` in etl/indicators/*.yml: the measures the case studies name first, then the care home
    # admissions by type, reablement, ASCOF's yearly measures and the last two hospital measures
    chooser = by_id(page.layout(measure="ae_attendances"), "outcomes-measure")
    assert [option["value"] for option in chooser.options] == [
        "emergency_admissions", "ae_attendances", "emergency_bed_days", "care_home_admissions",
        "residential_admissions", "nursing_admissions", "reablement_starts", "reablement_at_home_91",
        "ascof_admissions_65_plus", "ascof_admissions_18_64", "ascof_reablement_91_days",
        "acsc_admissions", "falls_admissions_65"]


def test_measure_chooser_is_labelled(page):
    from dash import html

    from tests.dashboard.helpers import walk

    labels = [node for node in walk(page.layout()) if isinstance(node, html.Label)]
    assert any(label.htmlFor == "outcomes-measure" and "Measure" in text_of(label) for label in labels)


def test_unknown_filter_value_is_dropped(page):
    got = lines(figures(page.layout(practice="Z99999", measure="ae_attendances", period="2023-24"))["outcomes-trend"])
    assert list(got) == ["Countyshire (council)", "Unitown (council)", "All councils together"]


def test_source_not_loaded_is_an_empty_state(page, monkeypatch):
    monkeypatch.setattr(page.sources, "is_loaded", lambda key: key != "sus_activity")
    text = text_of(page.layout(measure="ae_attendances"))
    assert "A&E attendances come from Practice activity from SUS (monthly extract), which is not loaded" in text


def test_trend_figure_keeps_legend_order_and_styles(dashboard_db):
    from dashboard.components.trends import trend_figure

    frame = pd.DataFrame({
        "period_start": pd.to_datetime(["2024-02-01", "2024-01-01", "2024-01-01", "2024-02-01"]),
        "series": ["Practice", "Practice", "ICB", "ICB"],
        "rate": [2.0, 1.0, 3.0, 4.0],
    })
    fig = trend_figure(frame, y_title="Per 1,000", hover_unit="per 1,000 patients")
    assert [trace.name for trace in fig.data] == ["Practice", "ICB"]
    assert list(fig.data[0].x) == ["2024-01-01", "2024-02-01"] and list(values(fig.data[0].y)) == [1.0, 2.0]
    assert fig.data[0].marker.symbol != fig.data[1].marker.symbol and fig.data[0].line.dash != fig.data[1].line.dash
    assert "%{x|%B %Y}: %{y:,.1f} per 1,000 patients" in fig.data[0].hovertemplate
    # a band (low to high) is drawn behind its series' line, and both hide together from the legend
    frame["low"] = [None, None, 2.5, 3.5]
    frame["high"] = [None, None, 3.5, 4.5]
    fig = trend_figure(frame, y_title="Per 1,000", hover_unit="%", period_type="financial year",
                       band_label="Middle half")
    assert [(trace.name, trace.fill) for trace in fig.data] == [("Practice", None), ("ICB", "toself"), ("ICB", None)]
    assert fig.data[1].legendgroup == fig.data[2].legendgroup == "ICB" and fig.data[1].showlegend is False
    assert list(fig.data[1].y) == [3.5, 4.5, 3.5, 2.5]  # along the top, back along the bottom
    assert list(fig.data[0].x) == ["2023-24", "2023-24"]
    assert "%{y:,.1f}%" in fig.data[0].hovertemplate
    assert "Middle half: %{customdata[0]:,.1f}%" in fig.data[2].hovertemplate


def test_many_councils_are_drawn_as_their_spread(page, monkeypatch):
    # with more councils than lines can show (England), nothing selected: all councils pooled and the
    # median council with the middle half shaded. Two councils here, so the quartiles are by hand:
    # March 2023 Unitown 108.26, Countyshire 166.89; median 137.57; quartiles 108.26 + 0.25 or 0.75 x 58.63
    monkeypatch.setattr(page, "MANY_COUNCILS", 1)
    page_ = page.layout(measure="ae_attendances", period="2023-24")
    fig = figures(page_)["outcomes-trend"]
    legend = [trace.name for trace in fig.data if trace.showlegend is not False]
    assert legend == ["All councils together", "Median council"]
    median = next(trace for trace in fig.data if trace.name == "Median council" and trace.fill is None)
    unitown, countyshire = 1000 * 11.8 / 109, 1000 * 25.2 / 151
    assert dict(zip(median.x, values(median.y)))["2023-03-01"] == pytest.approx((unitown + countyshire) / 2)
    march = next(row for row in grids(page_)["outcomes-trend-table"] if row["period"] == "2023-03")
    assert march["s1_low"] == pytest.approx(unitown + 0.25 * (countyshire - unitown))
    assert march["s1_high"] == pytest.approx(unitown + 0.75 * (countyshire - unitown))


# SPC and the funnel plot -----------------------------------------------------------------------------------

def test_spc_needs_twelve_months_and_says_so(page):
    # A00001 has A&E in December 2022, March 2023 and May 2024: three months up to 2024-25
    text = text_of(page.layout(practice="A00001", measure="ae_attendances", period="2024-25"))
    assert "Too few months for an SPC chart: 3 months" in text
    assert "outcomes-spc" not in figures(page.layout(practice="A00001", measure="ae_attendances", period="2024-25"))


def test_funnel_of_every_practice_by_hand(page):
    # 2022-23, nothing selected: every practice. A&E over the year's months (numerator / summed denominator):
    #   A00001 22 + 11 = 33 of 110 + 110 = 220 -> 150.0 per 1,000; A00002 22 of 110 -> 200.0; A00003 5 of 50 -> 100.0
    #   comparator (pooled) = 60 / 380 x 1,000 = 157.9
    tree = page.layout(measure="ae_attendances", period="2022-23")
    rows = {row["code"]: row for row in grids(tree)["outcomes-funnel-table"]}
    assert {code: (row["num"], row["den"]) for code, row in rows.items()} == {
        "A00001": (33, 220), "A00002": (22, 110), "A00003": (5, 50)}
    assert rows["A00002"]["value"] == pytest.approx(200.0)
    # A00003's 5 events are under 10: the exact Poisson 95% interval, 1.6235 to 11.6683 events (chi-square
    # tables: 3.2470 / 2 and 23.3367 / 2), over 50 patient-months x 1,000 = 32.47 to 233.37
    assert rows["A00003"]["method"] == "exact Poisson" and rows["A00001"]["method"] == "Byar"
    assert rows["A00003"]["low"] == pytest.approx(32.47, abs=0.01)
    assert rows["A00003"]["high"] == pytest.approx(233.37, abs=0.01)
    # so few events: every practice is within the limits
    assert {row["significance_words"] for row in rows.values()} == {"Within the limits"}
    assert "157.9" in text_of(tree)
    fig = figures(tree)["outcomes-funnel"]
    assert {trace.marker.symbol for trace in fig.data if trace.mode == "markers"} == {"circle-open"}


def test_funnel_of_a_practice_shows_its_council_and_highlights_it(page):
    # A00001 is based in Unitown, like A00003; A00002 (Countyshire) is not shown
    tree = page.layout(practice="A00001", measure="ae_attendances", period="2022-23")
    rows = {row["code"]: row for row in grids(tree)["outcomes-funnel-table"]}
    assert set(rows) == {"A00001", "A00003"}
    assert rows["A00001"]["selected_words"] == "Yes" and rows["A00003"]["selected_words"] == ""
    fig = figures(tree)["outcomes-funnel"]
    ring = [trace for trace in fig.data if trace.name == "Selected practice"]
    assert len(ring) == 1 and list(ring[0].text) == ["Unitown Surgery"]
    assert "by practice in Unitown" in text_of(tree)


def test_yearly_measures_have_no_funnel(page):
    text = text_of(page.layout(measure="ascof_admissions_65_plus", period="2023-24"))
    assert "cannot be compared on a funnel plot" in text


def test_funnel_table_on_request_holds_the_same_rows(page):
    # the callback England-scale pages use for their 6,300-row table, on the tiny area (numbers as above)
    rows = page.load_funnel_table(1, {"period": "2022-23", "measure": "ae_attendances", "council": None})
    assert {row["code"]: (row["num"], row["den"]) for row in rows} == {
        "A00001": (33, 220), "A00002": (22, 110), "A00003": (5, 50)}
    with pytest.raises(Exception):
        page.load_funnel_table(1, {"period": "2022-23", "measure": "no_such_measure"})


def test_choosing_a_measure_puts_it_in_the_address_and_keeps_the_rest(page):
    # the chooser writes ?measure= (the shell's location then draws the page for it), keeping the filters
    # and anything else in the address; choosing the measure already there changes nothing
    import dash

    assert page.measure_in_address("ae_attendances", "?council=E06000901&period=2022-23") == \
        "?council=E06000901&period=2022-23&measure=ae_attendances"
    assert page.measure_in_address("ae_attendances", "?measure=emergency_admissions&period=2022-23") == \
        "?measure=ae_attendances&period=2022-23"
    with pytest.raises(dash.exceptions.PreventUpdate):
        page.measure_in_address("ae_attendances", "?measure=ae_attendances")
