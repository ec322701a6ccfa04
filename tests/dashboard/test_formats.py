"""The house formats (dashboard/formats.py) and palette (dashboard/palette.py): expected strings written by
hand from the GOV.UK rules the module states."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from dashboard import formats, palette
from etl.stats import funnels, spc


@pytest.mark.parametrize("value", [None, float("nan"), np.float64("nan"), pd.NaT, pd.NA, np.datetime64("NaT")])
def test_missing_values(value):
    assert formats.is_missing(value)
    assert formats.count(value) == "–" and formats.money(value, missing="") == ""


@pytest.mark.parametrize("value", [0, 0.0, "", "<5", "[c]", False, dt.date(2025, 3, 1), [1, 2]])
def test_values_that_are_not_missing(value):
    assert not formats.is_missing(value)


def test_as_float_keeps_only_finite_numbers():
    assert formats.as_float(3) == 3.0 and formats.as_float(np.int64(7)) == 7.0
    assert [formats.as_float(v) for v in (None, math.inf, float("nan"), True, "<5")] == [None] * 5


def test_numbers_have_thousands_separators_and_fixed_places():
    assert formats.count(1234.4) == "1,234" and formats.count(np.int64(1_000_000)) == "1,000,000"
    assert formats.number(43.14) == "43.1" and formats.number(1234.5678, 2) == "1,234.57"
    assert formats.number(12.0, 0) == "12"


def test_markers_pass_through_every_formatter():
    for marker in ("<5", "[c]"):
        assert formats.count(marker) == formats.percent(marker) == formats.money_compact(marker) == marker


def test_about_keeps_two_significant_figures():
    assert [formats.about(v) for v in (9_577.2, -36_412, 43, 7.4)] == ["9,600", "36,000", "43", "7"]
    # 1,233,180 -> 1,200,000; 123,456 -> 120,000; -45,300 -> 45,000; 912 -> 910
    assert [formats.money_about(v) for v in (1_233_180, 123_456, -45_300, 912)] == [
        "£1.2 million", "£120,000", "£45,000", "£910"]


def test_rate_in_its_unit():
    assert formats.rate(43.14, "per 1,000 patients") == "43.1"
    assert formats.rate(7.5, "%") == "7.5%" and formats.rate("<5", "%") == "<5"


def test_money_in_whole_pounds():
    assert formats.money(10_900) == "£10,900" and formats.money(7_629.6) == "£7,630"
    assert formats.money(-500) == "-£500"


@pytest.mark.parametrize(("value", "expected"), [
    (31_912_345, "£31.9 million"), (1_000_000, "£1 million"), (12_345_678, "£12.3 million"),
    (2_400_000_000, "£2.4 billion"), (540_000, "£540,000"), (10_900, "£10,900"), (-1_233_180, "-£1.2 million"),
])
def test_compact_money_writes_millions_in_words(value, expected):
    assert formats.money_compact(value) == expected


def test_percent_has_one_place_unless_asked():
    # 9 / 109 = 0.08257; 7,630 / 10,900 = 0.7
    assert formats.percent(9 / 109) == "8.3%" and formats.percent(0.7) == "70.0%"
    assert formats.percent(0.2, 0) == "20%" and formats.percent(None, missing="") == ""


def test_dates_as_the_pages_print_them():
    assert formats.month("2025-03-01") == "March 2025" and formats.month(pd.Timestamp(2025, 3, 31)) == "March 2025"
    assert formats.month_short(dt.date(2022, 4, 1)) == "Apr 2022" and formats.month(None) == ""
    assert formats.day("2026-12-07T10:30:00") == "7 December 2026" and formats.day("not a date") == "not a date"
    assert formats.iso_date(pd.Timestamp(2025, 3, 1)) == "2025-03-01"


@pytest.mark.parametrize(("day", "year"), [("2024-04-01", "2024-25"), ("2025-03-31", "2024-25"),
                                           ("1999-12-01", "1999-00"), ("2025-04-01", "2025-26")])
def test_financial_year(day, year):
    assert formats.financial_year(day) == year


@pytest.mark.parametrize(("day", "words"), [("2025-01-01", "January to March 2025"),
                                            ("2024-04-01", "April to June 2024"),
                                            ("2024-11-15", "October to December 2024"), (None, "no quarter")])
def test_quarter(day, words):
    assert formats.quarter(day) == words


@pytest.mark.parametrize(("value", "kind", "expected"), [
    (1234.0, "count", "1,234"), (43.14, "rate", "43.1"), (0.083, "percent", "8.3%"), (10_900.4, "gbp", "£10,900"),
    (62.6, "index", "63"), (1.25, "pence", "£1.25"), (12.34, "number", "12.3"), ("Unitown", "text", "Unitown"),
    ("2024-03-31T00:00:00", "date", "2024-03-31"), (pd.Timestamp(2024, 3, 31), "date", "2024-03-31"),
    (None, "count", "–"), ("<5", "count", "<5"),
])
def test_cells_by_kind(value, kind, expected):
    assert formats.by_kind(value, kind) == expected


def test_hover_rate_puts_a_per_cent_against_the_number():
    assert formats.hover_rate("%") == "%{y:,.1f}%"
    assert formats.hover_rate("per 1,000 <b>", "customdata[0]") == "%{customdata[0]:,.1f} per 1,000 &lt;b&gt;"


def test_kinds_write_the_same_places_for_plotly_and_excel():
    assert formats.KINDS["count"].d3 == ",.0f" and formats.KINDS["count"].excel == "#,##0"
    assert formats.KINDS["percent"].d3 == ".1%" and formats.KINDS["percent"].excel == "0.0%"
    assert formats.KINDS["gbp"].excel == "£#,##0" and formats.KINDS["rate"].excel == "#,##0.0"
    assert formats.KINDS["index"].d3 == ".0f" and formats.KINDS["index"].excel == "0"
    assert formats.KINDS["pence"].d3 == ",.2f"


def test_spc_marks_differ_by_shape_as_well_as_colour():
    marks = palette.SPC_POINTS
    assert set(marks) == {spc.COMMON, spc.IMPROVEMENT, spc.CONCERN, spc.NEUTRAL_CAUSE}
    assert len({mark.shape for mark in marks.values()}) == 4 and len({mark.colour for mark in marks.values()}) == 4
    assert marks[spc.IMPROVEMENT] == palette.Mark("Special cause: improving", "#005EB8", "diamond")
    assert marks[spc.CONCERN].colour == "#ED8B00" and marks[spc.NEUTRAL_CAUSE].shape == "hexagon"


def test_funnel_colours_follow_the_measure_direction():
    above, _ = palette.FUNNEL_SHAPES[funnels.ABOVE_998]
    assert above == "triangle-up" and palette.FUNNEL_SHAPES[funnels.BELOW_95] == ("triangle-down-open", -1)
    assert palette.funnel_colour(+1, "lower_is_better") == "#ED8B00"  # higher when lower is better: worse
    assert palette.funnel_colour(-1, "lower_is_better") == "#005EB8"
    assert palette.funnel_colour(+1, None) == "#330072" and palette.funnel_colour(0, "higher_is_better") == "#768692"


def test_series_styles_cycle_after_eight():
    assert palette.series_style(0) == {"color": "#005EB8", "symbol": "circle", "dash": "solid"}
    assert palette.series_style(9) == {"color": "#ED8B00", "symbol": "square", "dash": "dash"}


def test_hover_writes_a_kind_as_the_tables_do():
    # d3 forms by hand: a share to one place as a per cent, pence with £ and two places, counts whole
    assert formats.hover("percent") == "%{y:.1%}"
    assert formats.hover("pence", "customdata[0]") == "£%{customdata[0]:,.2f}"
    assert formats.hover("count", "x") == "%{x:,.0f}"
    assert formats.hover("index", "x") == "%{x:.0f}"


def test_a_count_in_running_text_reads_as_the_grids_write_it():
    from dashboard import suppression
    from dashboard.components.words import plural

    assert plural(6300, "practice") == "6,300 practices" and plural(1, "practice") == "1 practice"
    assert suppression.count_text(12345.0) == "12,345" and suppression.count_text("<5") == "<5"
