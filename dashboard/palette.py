"""jointcare's colours and marker shapes: the NHS identity palette, the order series take it in, and how
SPC and funnel points are marked, for the pages (plotly), the PDF's SVG charts and the Excel workbook.

No plotly import, so the exports can use it. Shapes are named as plotly names them ("diamond",
"triangle-up-open"); svg_charts draws the same names in SVG.

Colours follow the NHS identity palette, ordered so neighbouring series stay distinguishable with the
common colour-vision deficiencies (blue, orange, dark grey, light blue, yellow, purple, aqua green,
pink). Wherever colour carries meaning, a marker shape or dash pattern carries it too (WCAG 1.4.1).
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.stats import funnels, spc

# --- the NHS identity colours -------------------------------------------------------------------------

NHS_BLUE = "#005EB8"
NHS_DARK_BLUE = "#003087"
NHS_ORANGE = "#ED8B00"
NHS_DARK_GREY = "#425563"
NHS_MID_GREY = "#768692"  # 3.6:1 on white: the lightest grey a mark may be drawn in
NHS_LIGHT_BLUE = "#41B6E6"
NHS_WARM_YELLOW = "#FFB81C"
NHS_PURPLE = "#330072"
NHS_AQUA_GREEN = "#00A499"
NHS_PINK = "#AE2573"
NHS_PALE_GREY = "#E8EDEE"  # gridlines and backgrounds only: too pale for a mark
NHS_DARK_RED = "#8A1538"  # a target line
NHS_BLACK = "#231F20"  # text, and the outline that lets pale marks stand out on white
LINE_GREY = "#AEB7BD"  # a series' joining line and zero lines: behind the marks, never a mark itself
WHITE = "#FFFFFF"



def at_alpha(colour: str, alpha: float) -> str:
    """A palette colour made see-through ("rgba(66,85,99,0.25)"), for bands and flows drawn under or over
    marks: the see-through greys and tints are the palette's colours, never a new grey."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def on_white(colour: str, alpha: float) -> str:
    """The opaque colour `at_alpha(colour, alpha)` shows on white ("#D9DDE0"), for SVG drawn without
    transparency: the PDF's bands are the pages' bands."""
    channels = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - value) * alpha):02X}" for value in channels)


SERIES_COLOURS = (NHS_BLUE, NHS_ORANGE, NHS_DARK_GREY, NHS_LIGHT_BLUE, NHS_WARM_YELLOW, NHS_PURPLE,
                  NHS_AQUA_GREEN, NHS_PINK)
SERIES_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "pentagon")
SERIES_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid", "dash")
# Sequential scale for maps and heat maps: pale grey to NHS dark blue (monotonic in lightness).
SEQUENTIAL = ((0.0, "#F0F4F5"), (0.25, "#A6D3EE"), (0.5, NHS_LIGHT_BLUE), (0.75, NHS_BLUE), (1.0, NHS_DARK_BLUE))


def series_style(index: int) -> dict:
    """Colour, marker symbol and line dash of the index-th series: colour never stands alone."""
    return {
        "color": SERIES_COLOURS[index % len(SERIES_COLOURS)],
        "symbol": SERIES_SYMBOLS[index % len(SERIES_SYMBOLS)],
        "dash": SERIES_DASHES[index % len(SERIES_DASHES)],
    }


# --- SPC points (NHS England "Making Data Count") -------------------------------------------------------

@dataclass(frozen=True)
class Mark:
    """How a kind of point is drawn: its words (legend, key), colour and shape."""
    words: str
    colour: str
    shape: str


SPC_POINTS = {  # etl.stats.spc point type -> its mark, the same on the pages and in the PDF
    spc.COMMON: Mark("Common cause", NHS_MID_GREY, "circle"),
    spc.IMPROVEMENT: Mark("Special cause: improving", NHS_BLUE, "diamond"),
    spc.CONCERN: Mark("Special cause: concerning", NHS_ORANGE, "square"),
    spc.NEUTRAL_CAUSE: Mark("Special cause: neither better nor worse", NHS_PURPLE, "hexagon"),
}
# The variation icons' stems (etl.stats.spc VARIATION_LABELS keys start with them) -> their point type
SPC_ICON_POINTS = {"improvement": spc.IMPROVEMENT, "concern": spc.CONCERN, "neutral": spc.NEUTRAL_CAUSE}
# The marks as characters, for a headline beside its number (the variation key -> the point's shape)
SPC_SYMBOLS = {"common_cause": "●", "improvement_high": "◆", "improvement_low": "◆", "concern_high": "■",
               "concern_low": "■", "neutral_high": "⬢", "neutral_low": "⬢"}


# --- funnel points (PHE) ------------------------------------------------------------------------------

# significance -> (shape, which side of the comparator): filled beyond 99.8%, open beyond 95%
FUNNEL_SHAPES = {
    funnels.ABOVE_998: ("triangle-up", +1),
    funnels.ABOVE_95: ("triangle-up-open", +1),
    funnels.WITHIN: ("circle-open", 0),
    funnels.BELOW_95: ("triangle-down-open", -1),
    funnels.BELOW_998: ("triangle-down", -1),
}
BETTER_SIDE = {"lower_is_better": -1, "higher_is_better": +1}


def funnel_colour(side: int, polarity: str | None) -> str:
    """Within the limits grey; outside, better blue and worse orange, or purple when neither is better."""
    if side == 0:
        return NHS_MID_GREY
    better = BETTER_SIDE.get(str(polarity))
    if better is None:
        return NHS_PURPLE
    return NHS_BLUE if side == better else NHS_ORANGE


# --- spend beside outcomes (Pooled budget) ---------------------------------------------------------------

# HWB area kind -> its mark on the spend-beside-outcomes scatters: the selected area stands out by shape,
# size and colour; its comparators by shape and colour; every other area is an open grey circle. The
# previous year's point is the same shape, open, joined to this year's by an arrow.
SPEND_OUTCOME_MARKS = {
    "selected": Mark("Selected", NHS_BLUE, "diamond"),
    "comparator": Mark("Comparator", NHS_DARK_GREY, "square"),
    "other": Mark("Other HWB areas", NHS_MID_GREY, "circle-open"),
}
# The marks as characters, for the key above the scatters
SPEND_OUTCOME_SYMBOLS = {"selected": "◆", "comparator": "■", "other": "○"}


# --- spine chart (components/spine.py, exports/svg_charts.py) ---------------------------------------------

NOT_TESTED_SHAPE = "square-open"  # an area's value that could not be compared: grey, neither side
SPINE_COMPARATOR_SHAPE = "line-ns-open"  # a practice's ICB: a dark blue upright bar across the row
# the spread's bands, NHS dark grey see-through: the outer quarters, and the middle half darker
SPINE_BAND_ALPHAS = (0.2, 0.5)
