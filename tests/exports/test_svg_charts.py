"""The PDF's small SVG charts: well-formed, labelled, and carrying meaning by shape as well as colour."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from dashboard import formats, palette
from dashboard.exports import svg_charts as charts
from etl.stats import spc

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything that is not well-formed XML


def shapes(svg: str, tag: str) -> list[ET.Element]:
    return parse(svg).findall(f".//{NS}{tag}")


def test_every_chart_has_a_title_and_a_description():
    for svg in (charts.spc_icon("improvement_low"), charts.spc_icon(None),
                charts.sparkline([1, 2, 3], title="T", desc="D"),
                charts.planned_vs_actual([("Carers", 10, 8)], title="T", desc="D"),
                charts.share_bars([("Unitown", 0.5, "70 (50%)")], title="T", desc="D")):
        root = parse(svg)
        assert root.get("role") == "img" and root.get("aria-label")
        assert root.find(f"{NS}title").text and root.find(f"{NS}desc").text


@pytest.mark.parametrize(("variation", "shape", "colour", "corners"), [
    ("improvement_high", "polygon", palette.NHS_BLUE, 4),  # diamond
    ("improvement_low", "polygon", palette.NHS_BLUE, 4),
    ("concern_high", "rect", palette.NHS_ORANGE, None),  # square
    ("concern_low", "rect", palette.NHS_ORANGE, None),
    ("neutral_high", "polygon", palette.NHS_PURPLE, 6),  # hexagon
])
def test_icons_differ_by_shape_not_only_by_colour(variation, shape, colour, corners):
    filled = [e for e in parse(charts.spc_icon(variation)).iter() if e.get("fill") == colour]
    assert [e.tag for e in filled] == [f"{NS}{shape}"]
    if corners:
        assert len(filled[0].get("points").split()) == corners
    assert filled[0].get("stroke") == palette.NHS_BLACK  # outlined, so the pale fill stands out on white


def _arrow_points_up(svg: str) -> bool:
    # the arrow's stem is drawn first: "M x,y1 L x,y2" from its tail to its tip
    tail, tip = (float(v) for v in re.search(r'd="M[0-9.]+,([0-9.]+) L[0-9.]+,([0-9.]+)', svg).groups())
    return tip < tail  # SVG y grows downwards


def test_icon_arrow_shows_the_direction_of_the_change():
    assert _arrow_points_up(charts.spc_icon("concern_high"))
    assert not _arrow_points_up(charts.spc_icon("improvement_low"))


def test_common_cause_and_missing_status_have_their_own_icons():
    common = charts.spc_icon("common_cause")
    assert "no significant change" in parse(common).find(f"{NS}title").text
    assert shapes(common, "path")  # the level wave
    missing = charts.spc_icon("too_few_points")
    assert "not enough months" in parse(missing).find(f"{NS}title").text
    assert shapes(missing, "circle")[0].get("stroke-dasharray")


def test_sparkline_marks_special_cause_points_by_shape():
    kinds = [spc.COMMON, spc.IMPROVEMENT, spc.CONCERN, spc.NEUTRAL_CAUSE, spc.COMMON]
    svg = charts.sparkline([5, 3, 9, 6, 5], [5] * 5, [1] * 5, [10] * 5, kinds, title="T", desc="D")
    # the dashboard's house style (dashboard/components/spc.py): diamond, square, hexagon, grey circle
    assert [len(p.get("points").split()) for p in shapes(svg, "polygon") if p.get("fill") == palette.NHS_BLUE] == [4]
    assert len([r for r in shapes(svg, "rect") if r.get("fill") == palette.NHS_ORANGE]) == 1
    assert [len(p.get("points").split()) for p in shapes(svg, "polygon") if p.get("fill") == palette.NHS_PURPLE] == [6]
    # two common cause points: small grey dots
    assert len([c for c in shapes(svg, "circle") if c.get("fill") == palette.SPC_POINTS[spc.COMMON].colour]) == 2


def test_sparkline_puts_higher_values_higher_and_draws_mean_and_dashed_limits():
    svg = charts.sparkline([1, 9], [5, 5], [0, 0], [10, 10], title="T", desc="D")
    lines = shapes(svg, "polyline")
    series = [p for p in lines if p.get("stroke") == palette.NHS_DARK_BLUE][0]
    (_, y_low), (_, y_high) = (map(float, point.split(",")) for point in series.get("points").split())
    assert y_high < y_low
    assert len([p for p in lines if p.get("stroke-dasharray")]) == 2  # lower and upper limits
    assert len([p for p in lines if p.get("stroke") == palette.NHS_DARK_GREY]) == 1  # the mean


def test_sparkline_breaks_its_line_at_suppressed_or_missing_months():
    svg = charts.sparkline([1, 2, "<5", 4, 5, None, 7], title="T", desc="D")
    series = [p for p in shapes(svg, "polyline") if p.get("stroke") == palette.NHS_DARK_BLUE]
    assert [len(p.get("points").split()) for p in series] == [2, 2]  # month 7 stands alone: a dot, no line
    assert len(shapes(svg, "circle")) == 5  # one marker (common cause: a circle) per known month


def test_sparkline_with_nothing_to_draw_says_so():
    assert "no data" in charts.sparkline(["<5", None], title="T", desc="D")


def test_planned_bars_are_solid_and_actual_bars_hollow_with_amounts_written():
    svg = charts.planned_vs_actual([("Carers services", 12_300_000, 540_000), ("Reablement", 4_100_000, None)],
                                   title="T", desc="D")
    rects = shapes(svg, "rect")
    solid = [r for r in rects if r.get("fill") == palette.NHS_BLUE]
    hollow = [r for r in rects if r.get("fill") == "white" and r.get("stroke") == palette.NHS_DARK_BLUE]
    assert len(solid) == 3 and len(hollow) == 2  # one of each in the legend
    texts = [t.text for t in shapes(svg, "text")]
    assert {"£12.3 million", "£540,000", "£4.1 million", "not reported", "Planned", "Actual"} <= set(texts)
    # bar lengths are proportional to the amounts: 12.3m against 4.1m
    widths = sorted(float(r.get("width")) for r in solid[1:])
    assert widths[1] / widths[0] == pytest.approx(3, rel=0.001)


def test_text_from_the_data_is_escaped():
    svg = charts.planned_vs_actual([('<script>alert(1)</script> & =HYPERLINK("http://x","y")', 1, 1)],
                                   title="BCF <b>", desc="D & E")
    root = parse(svg)  # would fail if the markup were passed through
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert root.find(f"{NS}title").text == "BCF <b>"


def test_share_bars_draw_no_bar_for_a_hidden_share():
    svg = charts.share_bars([("Unitown", 0.6, "30 (60.0%)"), ("Dale", "<5", "<5")], title="T", desc="D")
    assert len(shapes(svg, "rect")) == 1
    assert [t.text for t in shapes(svg, "text")] == ["Unitown", "30 (60.0%)", "Dale", "<5"]


@pytest.mark.parametrize(("value", "text"), [
    (12_345_678, "£12.3 million"), (540_000, "£540,000"), (10_900, "£10,900"), (None, "not reported"),
    (float("nan"), "not reported"), ("<5", "<5"),
])
def test_money_in_short(value, text):  # as the bars write an actual amount (formats.money_compact)
    assert formats.money_compact(value, missing=formats.NOT_REPORTED) == text


def test_long_labels_wrap_to_two_lines_and_end_in_an_ellipsis():
    lines = charts.wrap("Bed based intermediate Care Services (Reablement, rehabilitation, wider short-term "
                        "services)", 118, size=7.5)
    assert len(lines) == 2 and lines[1].endswith("…")
    assert charts.wrap("Carers Services", 118, size=7.5) == ["Carers Services"]
