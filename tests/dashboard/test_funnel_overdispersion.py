"""The funnel card when practices differ by more than chance (dashboard/components/funnel.py with
etl.stats.funnels.overdispersion): the limits drawn, the marks, the counts in the text and the table all
follow the widened limits, and PHE's plain limits are one legend click away.

The ten practices are the hand-worked case of tests/stats/test_funnels.py (Spiegelhalter 2005, Stat Med
24:1185, section 6; FunnelPlotR's od_adjustment.R): five of 100 patients and five of 400 around 0.5,
z-scores -4, -1, 0, 1, 2 and -3, -1, 0, 2, 3; winsorised phi = 3.402; tau² = 25.02 / 8,640 = 0.0028958,
tau = 0.05381, i.e. 5.4 percentage points.
* Plain PHE limits (Wilson score, the same test as |z| against 1.96 and 3.09): outside 95% are z = -4, 2, -3,
  2 and 3, five practices; outside 99.8% only z = -4, one.
* Widened: z' = (p - 0.5) / sqrt(s² + tau²); only the 30 of 100 is outside, z' = -2.72 (below 95%, not 99.8%).
"""

from __future__ import annotations

import pandas as pd

from dashboard.components import funnel
from tests.dashboard.helpers import text_of, walk

X = [30, 45, 50, 55, 60, 170, 190, 200, 220, 230]
N = [100] * 5 + [400] * 5


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"code": [f"P{i:05d}" for i in range(10)], "name": [f"Practice {i}" for i in range(10)],
                         "num": [float(x) for x in X], "den": [float(n) for n in N], "selected": False})


def _card():
    return funnel.funnel_card("t-funnel", _frame(), kind="proportion", scale=100.0, polarity="higher_is_better",
                              title="T", units="%", x_title="Patients", x_hover="patients", y_title="%",
                              hover_unit="%", query="joint_working__funnel", source="s", data_date="d",
                              scope="the test area")


def test_the_counts_follow_the_widened_limits_and_say_what_plain_limits_show():
    text = text_of(_card())
    assert "1 lie outside the widened 95% limits (0 outside the widened 99.8% limits)" in text
    assert "overdispersion factor φ = 3.4, τ = 5.4 percentage points" in text
    assert "plain PHE limits show 1 outside 99.8% (5 outside 95%)" in text


def test_plain_limits_are_one_legend_click_away_and_in_the_table():
    card = _card()
    figure = next(c for c in walk(card) if type(c).__name__ == "Graph").figure
    # legend entries are wrapped onto lines a phone can hold (figures.styled): read them as one line
    names = [(trace, (trace.name or "").replace("<br>", " ")) for trace in figure.data]
    plain = [trace for trace, name in names if "plain PHE" in name]
    widened = [trace for trace, name in names if "widened for overdispersion" in name]
    assert plain and widened
    assert all(trace.visible == "legendonly" for trace in plain)
    assert all(trace.visible is True for trace in widened)
    points, lines = funnel.funnel_frame(_frame(), kind="proportion", scale=100.0)
    # the widened 95% limits at n = 400 (tests/stats/test_funnels.py): 38.37% to 61.63%; PHE's: 45.1% to 54.9%
    at_400 = abs(lines["den"] - 400).argmin()
    assert lines["lower_0.95"][at_400] < lines["plain_lower_0.95"][at_400]
    assert lines["upper_0.95"][at_400] > lines["plain_upper_0.95"][at_400]
    rows = funnel.table_rows(points, "higher_is_better").set_index("code")
    assert rows.loc["P00000", "significance_words"] != rows.loc["P00004", "significance_words"]
    assert rows.loc["P00004", "significance_words"] == "Within the limits"  # 60 of 100: within once widened
    assert rows.loc["P00004", "plain_significance_words"] != "Within the limits"  # but above PHE's 95% limit
    headers = [col["headerName"] for col in funnel.table_columns("proportion", query="joint_working__funnel",
                                                                  widened=True)]
    assert "Against PHE's plain limits" in headers


def test_without_overdispersion_the_card_keeps_phe_limits_and_says_so():
    # ten practices of 100 at 45, 45, 50 x 6, 55, 55: phi = 0.4 (tests/stats/test_funnels.py), no widening
    frame = _frame().assign(num=[45.0, 45.0] + [50.0] * 6 + [55.0, 55.0], den=100.0)
    card = funnel.funnel_card("t-funnel", frame, kind="proportion", scale=100.0, polarity="higher_is_better",
                              title="T", units="%", x_title="Patients", x_hover="patients", y_title="%",
                              hover_unit="%", query="joint_working__funnel", source="s", data_date="d",
                              scope="the test area")
    text = text_of(card)
    assert "0 lie outside the 95% limits (0 outside the 99.8% limits)" in text
    assert "φ = 0.40, not significant at 95%), so these are PHE's limits" in text
    figure = next(c for c in walk(card) if type(c).__name__ == "Graph").figure
    assert not [trace for trace in figure.data if trace.name and "plain PHE" in trace.name]
