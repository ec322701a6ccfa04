"""The XmR chart component (dashboard/components/spc.py) on hand-made series, worked by hand.

The 20-point series: 10, 12, 10, 12, ... (ten of each), with the 11th point (position 10, a 10) raised
to 30. By hand:
    mean = (10 x 10 + 12 x 10 - 10 + 30) / 20 = 240 / 20 = 12.0
    moving ranges: 17 of |10 - 12| = 2, and |12 - 30| = |30 - 12| = 18 either side of the outlier,
    so the mean moving range = (17 x 2 + 2 x 18) / 19 = 70 / 19 = 3.684
    limits = 12 ± 2.66 x 70 / 19 = 12 ± 9.8: lower 2.2, upper 21.8.
Only the outlier breaks a rule: 30 > 21.8. The other points sit at 10 (below the mean) or 12 (on it,
which breaks any run), and none is near a limit (the 2-sigma lines are 12 ± 6.53).
"""

from __future__ import annotations

import pytest

from dashboard.components import spc as spc_view
from etl.stats import spc
from tests.dashboard.helpers import figures, grids, text_of, values, walk

SERIES = [10.0 if i % 2 == 0 else 12.0 for i in range(20)]
SERIES[10] = 30.0
MONTHS = [f"{2023 + (i // 12)}-{i % 12 + 1:02d}-01" for i in range(20)]


def _traces(fig) -> dict:
    return {trace.name: trace for trace in fig.data if trace.showlegend is not False}


def test_limits_are_the_mean_plus_and_minus_2_66_mean_moving_ranges(dashboard_db):
    frame, _ = spc_view.xmr_frame(MONTHS, SERIES, improvement="decrease")
    fig = spc_view.xmr_figure(frame, y_title="Rate", hover_unit="per 1,000")
    lines = {trace.name: [y for y in values(trace.y) if y is not None] for trace in fig.data if trace.mode == "lines"}
    assert lines["Mean"] == pytest.approx([12.0] * 20)
    upper, lower = (trace for trace in fig.data if trace.legendgroup == "limits")
    assert list(values(upper.y)) == pytest.approx([21.8] * 20)
    assert list(values(lower.y)) == pytest.approx([2.2] * 20)
    assert upper.line.dash == "dash" and lower.line.dash == "dash"


def test_the_outlier_is_drawn_with_the_concern_shape_when_lower_is_better(dashboard_db):
    frame, result = spc_view.xmr_frame(MONTHS, SERIES, improvement="decrease")
    fig = spc_view.xmr_figure(frame, y_title="Rate", hover_unit="per 1,000")
    points = {trace.marker.symbol: trace for trace in fig.data if trace.mode == "markers"}
    # concern: an orange square holding the one outlier; everything else a grey circle
    assert set(points) == {"square", "circle"}
    concern = points["square"]
    assert list(concern.x) == [MONTHS[10]] and list(values(concern.y)) == [30.0]
    assert concern.name == "Special cause: concerning" and concern.marker.color == "#ED8B00"
    assert len(points["circle"].x) == 19
    # the table says it in words
    assert frame.loc[10, "point_words"] == "Special cause: concerning"
    assert frame.loc[10, "why"] == "outside the process limits"
    assert (frame.drop(index=10)["point_words"] == "Common cause").all()
    # the latest point (12) is common cause, so is the icon
    assert result.variation == "common_cause"


def test_the_same_outlier_is_an_improvement_when_higher_is_better(dashboard_db):
    frame, _ = spc_view.xmr_frame(MONTHS, SERIES, improvement="increase")
    fig = spc_view.xmr_figure(frame, y_title="Rate", hover_unit="per 1,000")
    improving = [trace for trace in fig.data if trace.mode == "markers" and trace.marker.symbol == "diamond"]
    assert len(improving) == 1 and list(improving[0].x) == [MONTHS[10]]
    assert improving[0].name == "Special cause: improving"


def test_card_shows_icons_with_labels_and_too_few_points_say_so(dashboard_db):
    # the outlier last: 19 points 10, 12, ..., 10 then 30. Mean (100 + 108 + 30) / 20 = 11.9; moving ranges
    # 18 x 2 and 20: mean 56 / 19; upper limit 11.9 + 2.66 x 56 / 19 = 19.74 < 30: concerning, higher values.
    last = SERIES[:10] + SERIES[11:] + [30.0]
    card = spc_view.xmr_card("t-spc", MONTHS, last, improvement="decrease", title="T", units="u", y_title="y",
                             hover_unit="per 1,000", source="s", data_date="d", description="D.",
                             query="outcomes__trend", period="period_start", value="rate", target=25.0)
    text = text_of(card)
    assert "Special cause variation: concerning (higher values)" in text
    # a target of 25 above the upper limit of 19.74, lower is better: the whole process passes
    assert "Consistently passing the target" in text
    sources = [node.src for node in _walk_images(card)]
    assert any(src.endswith("spc/variation-concern_high.svg") for src in sources)
    assert any(src.endswith("spc/assurance-pass.svg") for src in sources)
    short = spc_view.xmr_card("t-spc", MONTHS[:11], SERIES[:11], improvement="decrease", title="T", units="u",
                              y_title="y", hover_unit="x", source="s", data_date="d", description="D.",
                              query="outcomes__trend", period="period_start", value="rate")
    assert "Too few months for an SPC chart: 11 months" in text_of(short)


def test_status_for_the_overview_headlines(dashboard_db):
    import pandas as pd

    from dashboard.pages import overview

    last = pd.DataFrame({"rate": SERIES[:10] + SERIES[11:] + [30.0]})
    words, tone, symbol = overview.status(last, "lower_is_better")
    assert "Special cause variation: concerning (higher values)" in text_of(words)
    assert (tone, symbol) == ("worse", "■")
    words, tone, symbol = overview.status(last, "higher_is_better")
    assert "Special cause variation: improving (higher values)" in text_of(words)
    assert (tone, symbol) == ("better", "◆")
    words, tone, _ = overview.status(last.head(5), "lower_is_better")
    assert "Too few months for an SPC chart" in text_of(words) and tone == "neutral"


def test_change_point_is_the_first_month_of_the_adoption_quarter():
    months = [f"2023-{month:02d}-01" for month in range(1, 13)]
    assert spc_view.change_point(months, "2023-07-01") == 6  # July is the 7th month
    assert spc_view.change_point(months, "2023-06-15") == 6  # a quarter starting mid-gap: the next month
    # too near either end for two points each side, or outside the months: no change point
    assert spc_view.change_point(months, "2023-02-01") is None
    assert spc_view.change_point(months, "2023-12-01") is None
    assert spc_view.change_point(months, "2024-04-01") is None


def test_change_point_draws_a_labelled_line_and_separate_limits(dashboard_db):
    # 6 points of 10, 12 then 6 points of 20, 22: two segments, means 11 and 21
    series = [10.0, 12.0] * 3 + [20.0, 22.0] * 3
    months = [f"2023-{month:02d}-01" for month in range(1, 13)]
    frame, _ = spc_view.xmr_frame(months, series, improvement="decrease", change_points=[6])
    fig = spc_view.xmr_figure(frame, y_title="y", hover_unit="u", change_at="2023-07-01",
                              change_label="joined joint working (2023-24 Q2)")
    assert fig.layout.shapes[0].x0 == "2023-07-01" and fig.layout.shapes[0].x1 == "2023-07-01"
    assert fig.layout.annotations[0].text == "joined joint working (2023-24 Q2)"
    assert list(frame["mean"]) == [11.0] * 6 + [21.0] * 6
    # each segment: moving range 2 throughout, so limits ± 2.66 x 2 = ± 5.32
    assert frame.loc[0, "upper"] == pytest.approx(16.32) and frame.loc[6, "lower"] == pytest.approx(15.68)


def _walk_images(component):
    from tests.dashboard.helpers import walk

    return [node for node in walk(component) if getattr(node, "_type", None) == "Img"]


# --- seasons --------------------------------------------------------------------------------------------
# Four years of a measure with no change in it: level 100 times a winter-high month-of-year pattern
# (January 1.3 down to July 0.7; the twelve average exactly 1), plus a small alternating wiggle of ±1
# so the moving ranges are not all equal. Raw, the XmR chart sees the seasons: winters above the mean
# for months on end are "shifts" and each season's climb a "trend". Divided by the index, the series is
# 100 ± 1 (give or take the wiggle over the factor): every point common cause, one story.
SEASON_FACTORS = [1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2]
SEASON_INDEX = dict(zip(range(1, 13), SEASON_FACTORS))
SEASON_MONTHS = [f"{2021 + i // 12}-{i % 12 + 1:02d}-01" for i in range(48)]
SEASON_SERIES = [100 * SEASON_FACTORS[i % 12] + (1 if i % 2 else -1) for i in range(48)]


def _story_flips(point_types) -> int:
    """How often the chart's special-cause reading changes between improvement and concern."""
    special = [kind for kind in point_types if kind != "common_cause"]
    return sum(1 for before, after in zip(special, special[1:]) if before != after)


def test_a_seasonal_measure_with_no_change_reads_as_one_story():
    raw = spc_view.reading(SEASON_MONTHS, SEASON_SERIES, improvement="decrease", index={})
    assert not raw.adjusted
    assert spc_view.special_points(raw.result).sum() > 20  # winters and summers flagged
    assert _story_flips(raw.result.point_type) >= 4  # concern each winter, improvement each summer
    adjusted = spc_view.reading(SEASON_MONTHS, SEASON_SERIES, improvement="decrease", index=SEASON_INDEX)
    assert adjusted.adjusted
    # January 2021: (130 - 1) / 1.3 = 99.23; February: (120 + 1) / 1.2 = 100.83
    assert adjusted.values[:2] == pytest.approx([129 / 1.3, 121 / 1.2])
    assert list(adjusted.raw) == SEASON_SERIES
    assert spc_view.special_points(adjusted.result).sum() == 0
    assert adjusted.result.variation == "common_cause"
    assert spc_view.status_words(adjusted.result, SEASON_MONTHS) == (
        "All 48 points vary by chance alone (common cause): none is special cause.")


def test_status_words_say_both_when_the_latest_is_common_but_earlier_were_not():
    # SERIES: only the 11th point (November 2023) is special cause; the latest (August 2024) is common.
    result = spc_view.reading(MONTHS, SERIES, improvement="decrease", index={}).result
    assert spc_view.status_words(result, MONTHS) == (
        "The latest point, August 2024, is common cause, but 1 earlier point was special cause (marked by "
        "shape and colour), the last of them November 2023.")


def test_a_seasonally_adjusted_card_draws_both_series_and_says_how(dashboard_db, monkeypatch):
    # The tiny warehouse has too few months for an index of its own; this card is given one directly.
    monkeypatch.setattr(spc_view, "seasonal_index", lambda measure_id: SEASON_INDEX if measure_id == "m" else None)
    card = spc_view.xmr_card("t-season", SEASON_MONTHS, SEASON_SERIES, improvement="decrease", title="T",
                             units="u", y_title="Rate", hover_unit="x", source="s", data_date="d",
                             description="D.", query="outcomes__trend", period="period_start", value="rate",
                             measure_id="m")
    text = text_of(card)
    assert "All 48 points vary by chance alone" in text
    assert "Seasonally adjusted" in text and "January 1.30 (highest) to July 0.70 (lowest)" in text
    assert "Common cause variation" in text
    figure = next(c for c in walk(card) if type(c).__name__ == "Graph").figure
    names = [trace.name for trace in figure.data]
    assert "Unadjusted rate" in names
    unadjusted = next(trace for trace in figure.data if trace.name == "Unadjusted rate")
    assert list(unadjusted.y) == SEASON_SERIES
    assert figure.layout.yaxis.title.text == "Rate,<br>seasonally adjusted"
    plain = spc_view.xmr_card("t-season", SEASON_MONTHS, SEASON_SERIES, improvement="decrease", title="T",
                              units="u", y_title="Rate", hover_unit="x", source="s", data_date="d",
                              description="D.", query="outcomes__trend", period="period_start", value="rate",
                              measure_id="other")
    assert "Seasonally adjusted" not in text_of(plain) and "special cause" in text_of(plain)



def test_a_series_with_hidden_months_shows_its_reading_but_no_chart(dashboard_db):
    # Twelve months: 8, 16, 8, 16, ... (six 8s, five 16s) and the last at 60. By hand (Making Data Count's
    # XmR): mean 188 / 12 = 15.67; moving ranges ten 8s and one 52, mean 12; upper limit 15.67 + 2.66 x 12
    # = 47.6, so only the last month is special cause (the others alternate about the mean: no run, no
    # trend, none beyond two sigma, 15.67 +- 2 x 12 / 1.128), and with lower better it is concerning
    # (higher values). The icon, the count and the latest month are said; no figure and no table of
    # points (the rates stay on the server).
    from dashboard.components import spc as spc_view

    periods = [f"2023-{month:02d}-01" for month in range(1, 13)]
    status = spc_view.hidden_points_status(periods, [8.0, 16.0] * 5 + [8.0, 60.0], improvement=spc.DECREASE,
                                           threshold=5, rule="RULE")
    text = " ".join(text_of(status).split())
    assert "Special cause variation: concerning (higher values)" in str(status)
    assert "Some months count fewer than 5, so their rates are hidden (RULE)" in text
    assert ("1 of the 12 points is special cause, including the latest, December 2023" in text
            and "December 2023" in text)
    assert not figures(status) and not grids(status)
    assert "60" not in text and "marked by shape" not in text  # no chart: nothing is marked
