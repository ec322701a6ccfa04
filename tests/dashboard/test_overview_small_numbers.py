"""The Overview's monthly chart and table under the small-number rule (dashboard/pages/overview.py
shown_months; the rule of dashboard/suppression.py, threshold 5 from etl/method.yml).

Hand-made months: in the selected year 2, 6 and 30 events (the card prints the year's rate, which with the
denominators in the table gives the total, 38, back); before it, one month of 3. By hand: 2 is "<5";
with only it hidden, 38 - 6 - 30 = 2 would give it back, so the smallest count of 5 or more, 6, is hidden
too as "[c]"; then 38 - 30 = 8 could be 1 + 7, 2 + 6 or 3 + 5: nothing is pinned. The earlier month's 3 has no
total beside it: "<5".
The rates of hidden counts are hidden with them, and are gaps on the chart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.pages import overview


def _monthly() -> pd.DataFrame:
    numerators = [3.0, 2.0, 6.0, 30.0]
    return pd.DataFrame({"measure_id": "m", "name": "M", "unit": "per 1,000", "polarity": "lower_is_better",
                         "multiplier": 1000.0, "period_start": pd.to_datetime(["2023-12-01", "2024-04-01",
                                                                               "2024-05-01", "2024-06-01"]),
                         "in_period": [False, True, True, True], "numerator": numerators,
                         "denominator": 1000.0, "rate": numerators})


def test_small_months_and_the_one_the_year_total_would_give_away_are_hidden(dashboard_db):
    shown, cards = overview.shown_months(_monthly())
    assert cards == {"m": 38.0}  # 38 pins nothing (above): the card keeps its rate
    assert list(shown["numerator"]) == ["<5", "<5", "[c]", 30.0]
    assert list(shown["rate"]) == ["<5", "<5", "[c]", 30.0]
    assert list(shown["denominator"]) == [1000.0] * 4  # patients: not small


def test_the_chart_draws_hidden_months_as_gaps(dashboard_db):
    rates = overview._chart_rates(overview.shown_months(_monthly())[0])["rate"].to_numpy(float)
    assert np.isnan(rates[:3]).all() and rates[3] == 30.0


def _percent(numerators, denominators) -> pd.DataFrame:
    return pd.DataFrame({"measure_id": "p", "name": "P", "unit": "%", "polarity": "higher_is_better",
                         "multiplier": 100.0, "period_start": pd.to_datetime(["2024-04-01", "2024-05-01",
                                                                              "2024-06-01"]),
                         "in_period": True, "numerator": numerators, "denominator": denominators,
                         "rate": [n / d * 100 for n, d in zip(numerators, denominators)]})


def test_a_percentage_that_leaves_one_to_four_people_by_difference_is_hidden_and_so_is_the_next(dashboard_db):
    # By hand: May is 18 of 20 at home, so 2 were not (20 - 18 = 2): hidden as "[c]". The card's rate with
    # the denominators gives the year's count (10 + 18 + 40 = 68) back, so with May alone hidden 68 - 10 - 40
    # would be 18: the smallest other count of 5 or more, April's 10, is hidden too. The year leaves
    # 100 - 68 = 32 people by difference: the card keeps its rate.
    shown, cards = overview.shown_months(_percent([10.0, 18.0, 40.0], [30.0, 20.0, 50.0]))
    assert list(shown["numerator"]) == ["[c]", "[c]", 40.0]
    assert list(shown["rate"]) == ["[c]", "[c]", 80.0]
    assert cards == {"p": 68.0}


def test_a_year_that_leaves_one_to_four_people_by_difference_hides_its_card(dashboard_db):
    # By hand: 29 of 30 and 48 of 50: months leave 1 and 2 by difference ("[c]" each); June, 20 of 20, leaves
    # none and is shown; the year, 97 of 100, leaves 3: the card shows "[c]", not 97.0%.
    shown, cards = overview.shown_months(_percent([29.0, 48.0, 20.0], [30.0, 50.0, 20.0]))
    assert list(shown["numerator"]) == ["[c]", "[c]", 20.0]
    assert cards == {"p": "[c]"}
