"""Small charts as SVG text, for the PDF summaries (WeasyPrint draws inline SVG as vectors).

No plotting library and no browser: each function returns one `<svg>` string sized in CSS pixels,
with a <title> and <desc> saying what it shows, and its numbers written on it as text, so a chart
still reads in black and white and a table beside it can give the same figures.

Meaning never rests on colour alone:
* special cause points differ by shape as well as colour, the marks of dashboard/palette.py SPC_POINTS
  that the dashboard's charts use: improvement a blue diamond, concern an orange square, a change with no
  better direction a purple hexagon, common cause a small grey circle; each special cause mark with a dark
  outline, so the pale fills keep their contrast on white;
* planned spend is a solid bar and actual spend a hollow, outlined bar, each with its amount printed.

Values may be None, NaN or a suppression marker such as "<5" (anything that is not a number): a
sparkline leaves a gap there, a bar prints the marker instead of a bar.
"""

from __future__ import annotations

import math
from html import escape

from dashboard import formats
from dashboard.formats import as_float
from dashboard.palette import (
    NHS_BLACK,
    NHS_BLUE,
    NHS_DARK_BLUE,
    NHS_DARK_GREY,
    NHS_MID_GREY,
    SPC_ICON_POINTS,
    SPC_POINTS,
    SPINE_BAND_ALPHAS,
    SPINE_COMPARATOR_SHAPE,
    on_white,
)
from etl.stats.spc import COMMON

FONT = "'Liberation Sans', 'DejaVu Sans', Arial, sans-serif"
# planned spend is a solid NHS blue bar, actual spend a hollow one outlined in NHS dark blue, which is
# also the colour of a sparkline's measure; the mean is dark grey, the limits mid grey


def _fmt(value: float) -> str:
    """Coordinates with two decimals at most: shorter files, no visible difference."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def svg(width: float, height: float, title: str, desc: str, body: str) -> str:
    """An accessible SVG element: role img, labelled by its title, described by its desc."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_fmt(width)}" height="{_fmt(height)}" '
            f'viewBox="0 0 {_fmt(width)} {_fmt(height)}" role="img" aria-label="{escape(title)}" '
            f'font-family="{escape(FONT)}">'
            f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{body}</svg>")


def text(x: float, y: float, content: str, *, size: float = 9, anchor: str = "start", fill: str = NHS_BLACK,
         weight: str = "normal") -> str:
    return (f'<text x="{_fmt(x)}" y="{_fmt(y)}" font-size="{_fmt(size)}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}">{escape(content)}</text>')


def marker(kind: str, x: float, y: float, size: float = 3.2) -> str:
    """The mark of an SPC point type (palette.SPC_POINTS, as the dashboard draws it) in SVG: a diamond, a
    square or a hexagon, outlined; common cause (or an unknown type) a small circle with no outline."""
    mark = SPC_POINTS.get(kind, SPC_POINTS[COMMON])
    edge = f'stroke="{NHS_BLACK}" stroke-width="{_fmt(max(size / 5, 0.5))}"'
    if mark.shape == "diamond":
        s = size * 1.3
        points = f"{_fmt(x)},{_fmt(y - s)} {_fmt(x + s)},{_fmt(y)} {_fmt(x)},{_fmt(y + s)} {_fmt(x - s)},{_fmt(y)}"
        return f'<polygon points="{points}" fill="{mark.colour}" {edge}/>'
    if mark.shape == "square":
        return (f'<rect x="{_fmt(x - size)}" y="{_fmt(y - size)}" width="{_fmt(2 * size)}" '
                f'height="{_fmt(2 * size)}" fill="{mark.colour}" {edge}/>')
    if mark.shape == "hexagon":
        corners = [(x + size * 1.15 * math.cos(math.pi / 3 * i), y + size * 1.15 * math.sin(math.pi / 3 * i))
                   for i in range(6)]
        points = " ".join(f"{_fmt(px)},{_fmt(py)}" for px, py in corners)
        return f'<polygon points="{points}" fill="{mark.colour}" {edge}/>'
    return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="1.4" fill="{mark.colour}"/>'


# ---------------------------------------------------------------------------------------------------
# SPC icon: the variation of the latest point, as a shape with an arrow (words go beside it)

ICON_WORDS = {
    "common_cause": "no significant change",
    "improvement_high": "improving (higher)",
    "improvement_low": "improving (lower)",
    "concern_high": "getting worse (higher)",
    "concern_low": "getting worse (lower)",
    "neutral_high": "higher than usual",
    "neutral_low": "lower than usual",
}


def spc_icon(variation: str | None, size: float = 16) -> str:
    """A small icon for a VARIATION_LABELS key of etl.stats.spc, for when the dashboard's own icon files
    (assets/spc, used by pdf.py first) are not there, and for a series too short for SPC.

    The point shape of `marker` (improvement a diamond, concern a square, no better direction a hexagon)
    with a white arrow up (higher values) or down (lower); common cause a grey ring with a level wave;
    too few months a dashed ring.
    """
    half = size / 2
    words = ICON_WORDS.get(variation or "", "not enough months for a control chart")
    title = f"SPC: {words}"
    if not variation or variation not in ICON_WORDS:
        body = (f'<circle cx="{_fmt(half)}" cy="{_fmt(half)}" r="{_fmt(half - 1.5)}" fill="none" '
                f'stroke="{NHS_MID_GREY}" stroke-width="1.2" stroke-dasharray="2 2"/>')
        return svg(size, size, title, "No statistical process control status.", body)
    if variation == "common_cause":
        wave = (f"M{_fmt(size * 0.22)},{_fmt(half)} q{_fmt(size * 0.14)},{_fmt(-size * 0.2)} "
                f"{_fmt(size * 0.28)},0 t{_fmt(size * 0.28)},0")
        body = (f'<circle cx="{_fmt(half)}" cy="{_fmt(half)}" r="{_fmt(half - 1)}" fill="white" '
                f'stroke="{NHS_DARK_GREY}" stroke-width="1.6"/>'
                f'<path d="{wave}" fill="none" stroke="{NHS_DARK_GREY}" stroke-width="1.6"/>')
        return svg(size, size, title, "Common cause variation: the latest month is within the usual range.", body)
    stem, side = variation.rsplit("_", 1)
    outline = marker(SPC_ICON_POINTS[stem], half, half, size * (0.36 if stem == "improvement" else 0.42))
    up = side == "high"
    tip, base = (size * 0.24, size * 0.5) if up else (size * 0.76, size * 0.5)
    arrow = (f'<path d="M{_fmt(half)},{_fmt(size * (0.76 if up else 0.24))} L{_fmt(half)},{_fmt(tip)} '
             f'M{_fmt(size * 0.34)},{_fmt(base - (size * 0.06 if up else -size * 0.06))} L{_fmt(half)},{_fmt(tip)} '
             f'L{_fmt(size * 0.66)},{_fmt(base - (size * 0.06 if up else -size * 0.06))}" fill="none" '
             f'stroke="white" stroke-width="{_fmt(size / 9)}" stroke-linecap="round" stroke-linejoin="round"/>')
    return svg(size, size, title, f"Special cause variation: {words}.", outline + arrow)


# ---------------------------------------------------------------------------------------------------
# Sparkline: a measure by month with its mean, process limits and special cause points

def sparkline(values, means=None, lowers=None, uppers=None, point_types=None, *, title: str, desc: str,
              width: float = 170, height: float = 40, first_label: str = "", last_label: str = "") -> str:
    """A small XmR chart: the monthly line, the mean (solid grey), the limits (dashed grey), and
    special cause points marked by shape (see `marker`). Gaps (suppressed or missing months) break
    the line. means/lowers/uppers are per point (segments may have their own limits).

    first_label / last_label: short month names written under the ends ("Apr 2022").
    """
    ys = [as_float(v) for v in values]
    n = len(ys)
    means = [as_float(v) for v in (means if means is not None else [None] * n)]
    lowers = [as_float(v) for v in (lowers if lowers is not None else [None] * n)]
    uppers = [as_float(v) for v in (uppers if uppers is not None else [None] * n)]
    kinds = list(point_types) if point_types is not None else [COMMON] * n
    known = [v for v in ys + means + lowers + uppers if v is not None]
    label_space = 9 if (first_label or last_label) else 0
    plot_h = height - label_space
    if n == 0 or not known:
        body = text(width / 2, plot_h / 2 + 3, formats.NO_DATA, size=8, anchor="middle", fill=NHS_DARK_GREY)
        return svg(width, height, title, desc, body)
    lo, hi = min(known), max(known)
    pad = (hi - lo) * 0.08 or max(abs(hi) * 0.1, 1.0)
    lo, hi = lo - pad, hi + pad
    left, right = 3.5, width - 3.5

    def x_at(i: int) -> float:
        return left + (right - left) * (i / (n - 1) if n > 1 else 0.5)

    def y_at(v: float) -> float:
        return 2 + (plot_h - 4) * (1 - (v - lo) / (hi - lo))

    parts = [f'<rect x="0" y="0" width="{_fmt(width)}" height="{_fmt(plot_h)}" fill="white"/>']
    for series, style in ((lowers, f'stroke="{NHS_MID_GREY}" stroke-dasharray="3 2"'),
                          (uppers, f'stroke="{NHS_MID_GREY}" stroke-dasharray="3 2"'),
                          (means, f'stroke="{NHS_DARK_GREY}"')):
        for run in _runs(series):
            path = " ".join(f"{_fmt(x_at(i))},{_fmt(y_at(series[i]))}" for i in run)
            if len(run) == 1:
                path += f" {_fmt(x_at(run[0]) + 0.1)},{_fmt(y_at(series[run[0]]))}"
            parts.append(f'<polyline points="{path}" fill="none" {style} stroke-width="0.8"/>')
    for run in _runs(ys):
        path = " ".join(f"{_fmt(x_at(i))},{_fmt(y_at(ys[i]))}" for i in run)
        if len(run) > 1:
            parts.append(f'<polyline points="{path}" fill="none" stroke="{NHS_DARK_BLUE}" stroke-width="1.1"/>')
    for i, v in enumerate(ys):
        if v is not None:
            parts.append(marker(kinds[i] if i < len(kinds) else COMMON, x_at(i), y_at(v)))
    if first_label:
        parts.append(text(left - 2, height - 1, first_label, size=7, fill=NHS_DARK_GREY))
    if last_label:
        parts.append(text(right + 2, height - 1, last_label, size=7, anchor="end", fill=NHS_DARK_GREY))
    return svg(width, height, title, desc, "".join(parts))


def _runs(series: list[float | None]) -> list[list[int]]:
    """Positions of the unbroken stretches of numbers in series."""
    runs, current = [], []
    for i, v in enumerate(series):
        if v is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(i)
    if current:
        runs.append(current)
    return runs


# ---------------------------------------------------------------------------------------------------
# Bars

def planned_vs_actual(rows, *, title: str, desc: str, width: float = 330, label_width: float = 118) -> str:
    """Horizontal bars per category: planned (solid blue) above actual (hollow, outlined), each with
    its amount at the bar's end. rows: (label, planned, actual). Labels sit left of their bars, on up
    to two lines (longer ones end in an ellipsis; the full names are in the desc and the workbook).
    """
    rows = list(rows)
    bar_h, gap, group_gap, legend_h = 7, 1, 5, 14
    group_h = max(2 * bar_h + gap, 17) + group_gap
    height = legend_h + group_h * len(rows)
    amounts = [as_float(v) for _, p, a in rows for v in (p, a)]
    top = max([v for v in amounts if v is not None] + [0.0]) or 1.0
    # room at a bar's end for its amount: the longest of the amounts ("£12.3 million") is measured, at
    # about 0.55 em a character, as share_bars does; a missing amount's words ("none planned") may run on
    # past the longest bar, as there is no bar
    amount_text = [formats.money_compact(v) for v in amounts if v is not None]
    value_space = max([len(shown) for shown in amount_text] + [7]) * 7.5 * 0.55 + 4
    left = label_width + 4
    scale = (width - left - value_space) / top
    parts = [
        f'<rect x="{_fmt(left)}" y="2" width="10" height="8" fill="{NHS_BLUE}"/>',
        text(left + 14, 9.5, "Planned", size=8),
        f'<rect x="{_fmt(left + 64.6)}" y="2.6" width="8.8" height="6.8" fill="white" stroke="{NHS_DARK_BLUE}" '
        f'stroke-width="1.2"/>',
        text(left + 78, 9.5, "Actual", size=8),
    ]
    y = legend_h
    for label, planned, actual in rows:
        lines = wrap(str(label), label_width, size=7.5, max_lines=2)
        first_line = y + (bar_h + gap / 2) - (len(lines) - 1) * 4.3 + 2.6
        for i, line in enumerate(lines):
            parts.append(text(0, first_line + i * 8.6, line, size=7.5))
        bar_y = y
        for value, solid, missing in ((planned, True, "none planned"), (actual, False, formats.NOT_REPORTED)):
            v = as_float(value)
            length = max(v * scale, 0.0) if v is not None else 0.0
            if v is not None and solid:
                parts.append(f'<rect x="{_fmt(left)}" y="{_fmt(bar_y)}" width="{_fmt(length)}" height="{bar_h}" '
                             f'fill="{NHS_BLUE}"/>')
            elif v is not None:
                parts.append(f'<rect x="{_fmt(left + 0.6)}" y="{_fmt(bar_y + 0.6)}" '
                             f'width="{_fmt(max(length - 1.2, 0))}" height="{_fmt(bar_h - 1.2)}" fill="white" '
                             f'stroke="{NHS_DARK_BLUE}" stroke-width="1.2"/>')
            parts.append(text(left + length + 3, bar_y + bar_h - 0.8, formats.money_compact(value, missing=missing),
                              size=7.5, fill=NHS_BLACK if v is not None else NHS_DARK_GREY))
            bar_y += bar_h + gap
        y += group_h
    return svg(width, height, title, desc, "".join(parts))


def wrap(label: str, width: float, *, size: float = 8, max_lines: int = 2) -> list[str]:
    """A label broken into lines that fit width at font size (about 0.5 em a character), the last
    line ending in an ellipsis if the words do not all fit."""
    room = max(int(width / (size * 0.5)), 4)
    lines, current = [], ""
    words = label.split()
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if len(candidate) <= room:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        if len(lines) == max_lines - 1:
            rest = " ".join(words[index:])
            lines.append(_clip(rest, width, size))
            return lines
    if current:
        lines.append(current)
    return [_clip(line, width, size) for line in lines[:max_lines]]


def share_bars(rows, *, title: str, desc: str, width: float = 300, label_width: float = 120) -> str:
    """Horizontal bars of shares (0 to 1), one per row: (label, share, text shown at the bar's end).
    A share that is not a number (suppressed) draws no bar, only its text.
    """
    rows = list(rows)
    bar_h, step = 10, 14
    height = step * len(rows) + 2
    # room at the bars' end for the longest value text (about 0.55 em a character), so none is cut off
    value_space = max([len(str(shown)) for _, _, shown in rows] + [6]) * 9 * 0.55 + 6
    scale = width - label_width - value_space
    parts = []
    for i, (label, share, shown) in enumerate(rows):
        y = 1 + i * step
        parts.append(text(0, y + 8.5, _clip(str(label), label_width, 9), size=9))
        v = as_float(share)
        length = max(min(v, 1.0), 0.0) * scale if v is not None else 0.0
        if v is not None:
            parts.append(f'<rect x="{_fmt(label_width)}" y="{_fmt(y)}" width="{_fmt(max(length, 0.6))}" '
                         f'height="{bar_h}" fill="{NHS_BLUE}"/>')
        parts.append(text(label_width + length + 3, y + 8.5, shown, size=9))
    return svg(width, height, title, desc, "".join(parts))


def _clip(label: str, width: float, size: float = 8) -> str:
    """Shorten a label to fit width at font size (about half an em per character)."""
    room = max(int(width / (size * 0.5)), 2)
    return label if len(label) <= room else label[: max(room - 1, 1)].rstrip() + "…"


# ---------------------------------------------------------------------------------------------------
# Spine chart: every headline measure against the spread of all areas, England at the centre

def funnel_mark(shape: str, x: float, y: float, colour: str, size: float = 4.5) -> str:
    """A plotly marker shape of dashboard/palette.py (FUNNEL_SHAPES, NOT_TESTED_SHAPE,
    SPINE_COMPARATOR_SHAPE) in SVG: filled, or white inside a coloured outline when '-open'."""
    hollow = shape.endswith("-open")
    paint = (f'fill="white" stroke="{colour}" stroke-width="1.4"' if hollow
             else f'fill="{colour}" stroke="{colour}" stroke-width="0.8"')
    if shape.startswith("triangle-"):
        tip = -1 if shape.startswith("triangle-up") else 1
        points = (f"{_fmt(x)},{_fmt(y + tip * size)} {_fmt(x + size)},{_fmt(y - tip * size * 0.8)} "
                  f"{_fmt(x - size)},{_fmt(y - tip * size * 0.8)}")
        return f'<polygon points="{points}" {paint}/>'
    if shape.startswith("square"):
        s = size * 0.85
        return f'<rect x="{_fmt(x - s)}" y="{_fmt(y - s)}" width="{_fmt(2 * s)}" height="{_fmt(2 * s)}" {paint}/>'
    if shape.startswith("line-ns"):
        return (f'<line x1="{_fmt(x)}" y1="{_fmt(y - size * 1.5)}" x2="{_fmt(x)}" y2="{_fmt(y + size * 1.5)}" '
                f'stroke="{colour}" stroke-width="2.4"/>')
    return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(size * 0.9)}" {paint}/>'


def spine(rows, *, title: str, desc: str, width: float = 330, value_width: float = 110) -> str:
    """One row per measure: (name, Spread of etl/stats/spine.py, the area's value or a marker, the
    comparator's value or None, (shape, colour) of the area's mark, the value text printed at the right).

    Each row is its name and value on a line, the band under it across the full width: the worst to the
    worse quartile (pale), the middle half (darker), the better quartile to best (pale), scaled about
    England (the centre line) with worse on the left, as on the pages. Narrow enough for a column of the
    one-page summary. A hidden or missing value draws no mark; its text says why."""
    rows = list(rows)
    top, step, band_h = 12, 25, 8
    centre = width / 2
    height = top + step * len(rows) + 2
    parts = [text(0, 8, "◀ Worse", size=7.5, fill=NHS_DARK_GREY),
             text(centre, 8, "England", size=7.5, anchor="middle", fill=NHS_BLACK, weight="bold"),
             text(width, 8, "Better ▶", size=7.5, anchor="end", fill=NHS_DARK_GREY)]
    outer, inner = (on_white(NHS_DARK_GREY, alpha) for alpha in SPINE_BAND_ALPHAS)  # the pages' bands
    for i, (name, spread, value, comparator, (shape, colour), shown) in enumerate(rows):
        y = top + i * step
        band_y = y + 16

        def x_at(v):
            position = spread.position(v)
            return None if position is None else 5 + max(min(position, 1.0), 0.0) * (width - 10)

        parts.append(text(0, y + 9, _clip(str(name), width - value_width - 4, 8), size=8))
        parts.append(text(width, y + 9, shown, size=8, anchor="end"))
        edges = [x_at(v) for v in (spread.worst, spread.worse_quartile, spread.better_quartile, spread.best)]
        for (x0, x1), fill in zip(zip(edges, edges[1:]), (outer, inner, outer)):
            parts.append(f'<rect x="{_fmt(min(x0, x1))}" y="{_fmt(band_y - band_h / 2)}" '
                         f'width="{_fmt(abs(x1 - x0))}" height="{band_h}" fill="{fill}"/>')
        parts.append(f'<line x1="{_fmt(centre)}" y1="{_fmt(band_y - 6)}" x2="{_fmt(centre)}" y2="{_fmt(band_y + 6)}" '
                     f'stroke="{NHS_BLACK}" stroke-width="1.2"/>')
        if (x := x_at(comparator)) is not None:
            parts.append(funnel_mark(SPINE_COMPARATOR_SHAPE, x, band_y, NHS_DARK_BLUE, size=3.6))
        if (x := x_at(value)) is not None:
            parts.append(funnel_mark(shape, x, band_y, colour, size=4))
    return svg(width, height, title, desc, "".join(parts))
