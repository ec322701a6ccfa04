"""The summary's headline and monthly rows under one small-number rule (dashboard/exports/gather.py
suppress_measures and the comparator; the rule of dashboard/suppression.py, threshold 5 and the
markers from etl/method.yml). The summary, its workbook and its CSV files print both tables together, so
the totals they print are what a hidden month must be protected against. Every case is worked by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import formats
from dashboard.exports import gather
from dashboard.suppression import SECONDARY as C
from dashboard.suppression import SUPPRESSED as LT5


def _monthly(months: list[str], in_period: list[bool], numerators: list[float], denominators: list[float], *,
             unit: str = "per 1,000", multiplier: float = 1000.0) -> pd.DataFrame:
    frame = pd.DataFrame({"measure_id": "m", "name": "M", "unit": unit, "polarity": "lower_is_better",
                          "multiplier": multiplier, "month": pd.to_datetime(months), "in_period": in_period,
                          "numerator": numerators, "denominator": denominators})
    frame["rate"] = frame["numerator"] / frame["denominator"] * multiplier
    frame["spc_rate"] = frame["rate"]
    frame["financial_year"] = [formats.financial_year(month) for month in frame["month"]]
    return frame


def _suppressed(monthly: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    headlines = pd.DataFrame([gather._year_row(monthly)])
    shown_monthly, shown_headlines = gather.suppress_measures(monthly, headlines)
    return shown_monthly, shown_headlines.iloc[0].to_dict()


def test_a_hidden_month_of_the_year_before_cannot_be_recovered_from_the_previous_count():
    # The year is April and May 2024 (10 and 12); the row compares it with April and May 2023 (3 and 20), and
    # prints their total, 23. April 2023's 3 is "<5"; with it alone hidden, 23 - 20 gives it back, so May
    # 2023's 20 is hidden too ("[c]"), not June 2023's 7 (the smallest of that financial year, whose total is
    # printed nowhere): then 23 - 7 would still leave 3 + 20 and nothing would be protected. Hidden sum 23:
    # the "<5" is 1-4 and the "[c]" 19-22, neither pinned, so 23 stays.
    monthly = _monthly(["2023-04-01", "2023-05-01", "2023-06-01", "2024-04-01", "2024-05-01"],
                       [False, False, False, True, True], [3.0, 20.0, 7.0, 10.0, 12.0], [1000.0] * 5)
    shown, headline = _suppressed(monthly)
    assert list(shown["numerator"]) == [LT5, C, 7.0, 10.0, 12.0]
    assert list(shown["rate"]) == [LT5, C, 7.0, 10.0, 12.0]
    assert headline["previous_numerator"] == 23.0 and headline["numerator"] == 22.0
    assert headline["previous_rate"] == 11.5  # 23 per 2,000 patient-months x 1,000


def test_a_percentage_year_that_leaves_one_to_four_people_by_difference_is_hidden_with_all_it_gives():
    # At home 91 days after reablement: 19 of 20 in April (1 not at home) and 28 of 30 in May (2 not): both
    # months "[c]". The year is 47 of 50: the 3 who were not at home would be printed by 50 - 47, so the
    # year's numerator is "[c]" and its percentage, interval and change go with it. The denominators stay.
    monthly = _monthly(["2024-04-01", "2024-05-01"], [True, True], [19.0, 28.0], [20.0, 30.0],
                       unit="%", multiplier=100.0)
    shown, headline = _suppressed(monthly)
    assert list(shown["numerator"]) == [C, C] and list(shown["rate"]) == [C, C]
    assert list(shown["denominator"]) == [20.0, 30.0]
    assert headline["numerator"] == C and headline["denominator"] == 50.0
    assert headline["rate"] == C and headline["ci_low"] == C and headline["ci_high"] == C


def test_a_percentage_year_that_leaves_five_or_more_is_shown():
    # 19 of 20 (1 not at home: "[c]") and 20 of 30 (10 not); the year's 39 is printed, so with April alone
    # hidden 39 - 20 would give it back: May's 20 is hidden too. The year leaves 50 - 39 = 11: shown, 78.0%.
    monthly = _monthly(["2024-04-01", "2024-05-01"], [True, True], [19.0, 20.0], [20.0, 30.0],
                       unit="%", multiplier=100.0)
    shown, headline = _suppressed(monthly)
    assert list(shown["numerator"]) == [C, C]
    assert headline["numerator"] == 39.0 and np.isclose(headline["rate"], 78.0)


def test_a_comparator_pooling_the_area_alone_is_hidden_with_the_area_s_rate():
    # A selection of every practice in its council: the comparator ("practices based in the council") is the
    # area itself, 47 of 50, and printing its 94.0% would print the area's hidden one.
    raw = {"denominator": 50.0}
    itself = {"rate": C, "comparator_numerator": 47.0, "comparator_denominator": 50.0, "comparator_rate": 94.0}
    assert gather._shown_comparator(itself, raw) == C
    # a comparator of more people than the area keeps its rate; one whose own count is 1-4 does not
    wider = {**itself, "comparator_numerator": 400.0, "comparator_denominator": 500.0, "comparator_rate": 80.0}
    assert gather._shown_comparator(wider, raw) == 80.0
    tiny = {"rate": 20.0, "comparator_numerator": 3.0, "comparator_denominator": 500.0, "comparator_rate": 0.6}
    assert gather._shown_comparator(tiny, raw) == LT5


def test_a_measure_with_a_hidden_month_keeps_its_spc_status_but_not_the_chart_s_numbers(dashboard_db):
    # Twelve months of 20 events a month in 1,000 patients, one of them 3. The XmR mean is the average of
    # the twelve rates, so with it and the eleven shown a reader gets the hidden one back: 12 x mean - 11 x
    # 20 = 3. The mean, limits and point types are left empty for this measure; the status in words, read
    # from every month as the pages read it, gives no count away and stays.
    months = [f"2023-{month:02d}-01" for month in range(4, 13)] + ["2024-01-01", "2024-02-01", "2024-03-01"]
    numerators = [20.0] * 11 + [3.0]
    monthly = gather._with_spc(_monthly(months, [True] * 12, numerators, [1000.0] * 12))
    assert np.isclose(monthly["mean"].iloc[0], (11 * 20 + 3) / 12)  # worked out before suppression
    shown, headline = _suppressed(monthly)
    assert shown["rate"].iloc[-1] == LT5
    assert shown["mean"].isna().all() and shown["lower"].isna().all() and shown["upper"].isna().all()
    assert shown["point_type"].isna().all()
    assert headline["spc_variation"] == monthly["_variation"].dropna().iloc[-1] != gather.NO_SPC
