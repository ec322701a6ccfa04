"""The spine chart's rows (dashboard/components/spine.py) on five practices worked by hand, and its links.

Five practices, 1,000 patient-months each, emergency admissions (per 1,000, lower is better):

    practice  ICB   admissions  rate per 1,000
    P1        A         4          4   (1 to 4: hidden, not compared)
    P2        A         6          6
    P3        A         7          7
    P4        B         9          9
    P5        B        20         20

England: 46 / 5,000 x 1,000 = 9.2. Quartiles (R's type 7, n = 5: the 2nd and 4th values): 6 and 9.
Half-width max(9.2 - 4, 20 - 9.2) = 10.8, so the row runs from -1.6 to 20; lower is better, so a value v
sits at 1 - (v + 1.6) / 21.6: worst 20 -> 0, worse quartile 9 -> 1 - 10.6/21.6 = 0.509259, better
quartile 6 -> 1 - 7.6/21.6 = 0.648148, best 4 -> 1 - 5.6/21.6 = 0.740741.
ICB A: (4 + 6 + 7) / 3,000 x 1,000 = 5.6667 -> 1 - 7.2667/21.6 = 0.663580.

Significance against England (fewer than 10 areas, so PHE's limits unwidened: comparison.significance):
P5, 20 admissions against 9.2 expected. Byar's interval (20 events or more than 10, Fingertips' rule):
lower = O (1 - 1/(9 O) - z / (3 sqrt O))^3 = 20 (1 - 0.005556 - z / 13.4164)^3, which is 12.21 at 95%
(z 1.95996) and 8.92 at 99.8% (z 3.09023): 9.2 lies between, so "above 95%", and as lower is better, worse.
P3, 7 against 9.2: the exact Poisson 95% interval of 7 events is 2.81 to 14.42, which holds 9.2: within.
"""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import filters, palette
from dashboard.components import spine
from etl.stats import funnels


def units() -> pd.DataFrame:
    counts = {"P1": ("A", 4), "P2": ("A", 6), "P3": ("A", 7), "P4": ("B", 9), "P5": ("B", 20)}
    return pd.DataFrame([{
        "measure_id": "emergency_admissions", "name": "Emergency admissions", "unit": "per 1,000 registered patients",
        "polarity": "lower_is_better", "multiplier": 1000.0, "display_order": 1, "area_code": code, "icb_code": icb,
        "numerator": float(count), "denominator": 1000.0, "rate": float(count),
        "last_month": pd.Timestamp("2025-03-01"),
    } for code, (icb, count) in counts.items()])


def row_for(code: str, *, practice: bool = True) -> dict:
    rows = spine.spine_rows(units(), code, practice=practice)
    assert len(rows) == 1
    return rows.iloc[0].to_dict()


def test_spread_england_and_icb_worked_by_hand():
    row = row_for("P5")
    assert row["england_rate"] == pytest.approx(9.2)
    assert (row["worst"], row["worse_quartile"], row["better_quartile"], row["best"]) == (20, 9, 6, 4)
    assert row["comparator_rate"] == pytest.approx(14.5)  # ICB B: (9 + 20) / 2,000 x 1,000
    assert row["areas"] == 5


def test_positions_put_england_at_the_centre_and_worse_on_the_left():
    row = row_for("P3")
    assert row["pos_worst"] == 0
    assert row["pos_worse_quartile"] == pytest.approx(1 - 10.6 / 21.6)
    assert row["pos_better_quartile"] == pytest.approx(1 - 7.6 / 21.6)
    assert row["pos_best"] == pytest.approx(1 - 5.6 / 21.6)
    assert row["pos_area_rate"] == pytest.approx(1 - 8.6 / 21.6)  # 7: right of England (0.5), the better side
    assert row["comparator_rate"] == pytest.approx(17 / 3)
    assert row["pos_comparator_rate"] == pytest.approx(1 - (17 / 3 + 1.6) / 21.6)


def test_significance_is_the_comparison_rule_and_its_mark_the_funnel_mark():
    worse = row_for("P5")
    assert worse["significance"] == funnels.ABOVE_95
    assert worse["reading"].startswith("Much higher, by 10.8 (117.4%); beyond chance (95% limits), worse")
    shape, colour, words = spine.mark(worse["significance"], worse["polarity"])
    assert shape == "triangle-up-open" and colour == palette.NHS_ORANGE  # above, and higher is worse
    assert words == "Beyond chance (95% limits), worse"
    within = row_for("P3")
    assert within["significance"] == funnels.WITHIN
    assert spine.mark(within["significance"], within["polarity"])[:2] == ("circle-open", palette.NHS_MID_GREY)


def test_a_rate_from_a_count_of_one_to_four_is_hidden_and_not_compared():
    row = row_for("P1")
    assert row["hidden"] and pd.isna(row["area_rate"]) and row["pos_area_rate"] is None
    assert row["significance"] == spine.NOT_TESTED
    # the spread still counts it: England and the quartiles are the same as for any other practice
    assert row["england_rate"] == pytest.approx(9.2) and row["best"] == 4


def test_a_council_has_no_icb_mark():
    row = row_for("P3", practice=False)
    assert pd.isna(row["comparator_rate"])


def test_each_row_links_to_the_outcomes_page_with_its_measure_chosen():
    rows = spine.spine_rows(units(), "P3", practice=True)
    selection = filters.Selection(period="2024-25", practice="P3")
    assert spine.measure_link(rows.iloc[0], selection) == \
        "/outcomes?period=2024-25&practice=P3&measure=emergency_admissions"
    council = filters.Selection(period="2024-25", council="E06000901")
    assert spine.measure_link(rows.iloc[0], council) == \
        "/outcomes?period=2024-25&council=E06000901&measure=emergency_admissions"


def _links(tree, nav_id: str) -> dict:
    from tests.dashboard.helpers import by_id, walk

    return {node.children: node.href for node in walk(by_id(tree, nav_id)) if getattr(node, "href", None)}


def test_practice_profile_draws_the_spine_with_a_link_per_headline_measure(dashboard_db):
    from dashboard.db import run_query
    from dashboard.pages.practice import layout
    from tests.dashboard.helpers import figures, grids, text_of

    tree = layout(code="A00001", period="2022-23")
    headline = run_query("spine__units", residents=False, period="2022-23")
    measures = headline[headline["area_code"] == "A00001"]
    assert len(measures) >= 1  # the tiny area has headline outcomes that year
    links = _links(tree, "practice-spine-links")
    assert links == {name: f"/outcomes?period=2022-23&practice=A00001&measure={measure}"
                     for measure, name in zip(measures["measure_id"], measures["name"])}
    assert "practice-spine" in figures(tree)
    table = grids(tree)["practice-spine-table"]
    assert [row["name"] for row in table] == list(measures["name"])
    # a headline measure other practices have and this one has not is said, not silently dropped
    others = [name for name in headline.drop_duplicates("measure_id")["name"] if name not in set(measures["name"])]
    assert others  # A00001 has no reablement figure that year
    assert f"No figure for UNITOWN SURGERY in 2022-23: {', '.join(others)}." in text_of(tree)


def test_a_council_on_its_own_gets_the_spine_on_the_overview(dashboard_db):
    from dashboard.pages.overview import layout
    from tests.dashboard.helpers import figures

    tree = layout(council="E06000901", period="2022-23")
    assert "overview-spine" in figures(tree)
    assert all(href.startswith("/outcomes?period=2022-23&council=E06000901&measure=")
               for href in _links(tree, "overview-spine-links").values())
    assert "overview-spine" not in figures(layout(period="2022-23"))  # the whole area: no single area to place


def test_the_built_year_is_its_months_added_up(dashboard_db):
    """mart_spine_units sums each practice's months of one financial year (April to March, months with both
    parts and a denominator), as the query it replaced did per request: checked against the months
    themselves, for every practice, measure and year of the tiny area, councils and practices."""
    import duckdb

    con = duckdb.connect(str(dashboard_db), read_only=True)
    by_hand = con.execute("""
        select false as is_residents, practice_code as area_code, measure_id, period_start, numerator, denominator
        from mart_outcomes_practice where period_type = 'month'
        union all
        select true, council_code, measure_id, period_start, numerator, denominator
        from mart_outcomes_council where period_type = 'month'
    """).df()
    built = con.execute("select * from mart_spine_units").df()
    con.close()
    assert not built.empty
    by_hand = by_hand[by_hand["numerator"].notna() & (by_hand["denominator"] > 0)
                      & by_hand["measure_id"].isin(set(built["measure_id"]))]
    start = pd.to_datetime(by_hand["period_start"])
    first_year = start.dt.year - (start.dt.month < 4)
    label = first_year.astype(str) + "-" + ((first_year + 1) % 100).map("{:02d}".format)
    by_hand = by_hand.assign(financial_year=label)
    expected = by_hand.groupby(["is_residents", "financial_year", "measure_id", "area_code"]).agg(
        numerator=("numerator", "sum"), denominator=("denominator", "sum"))
    got = built.set_index(["is_residents", "financial_year", "measure_id", "area_code"])[["numerator", "denominator"]]
    assert set(got.index) <= set(expected.index)  # every built row has its months
    pd.testing.assert_frame_equal(got.sort_index(), expected.loc[got.index].sort_index(), check_exact=False, rtol=1e-12)
    assert built.groupby(["is_residents", "financial_year"])["last_month"].apply(
        lambda months: pd.to_datetime(months).dt.year.nunique() <= 2).all()
