"""How jointcare writes numbers, money, percentages, dates and gaps: one rule for each, for every page and
every download (PDF, practice pack, workbook, CSV dictionary).

Pure Python and pandas (no Dash, no plotly), so the exports can use it without the web app.

The rules follow the GOV.UK style guide's "Money" and "Numbers" sections, which the NHS digital service
manual follows too:

* Numbers: numerals with a comma for thousands ("1,234"). `count` is a whole number; `number` has a
  fixed number of decimal places. A column kind (KINDS) fixes the places for a figure wherever it is
  shown, so a rate reads "43.1" on a card, in a grid, in the PDF and in the workbook's cell format.
* Money: a pound sign and whole pounds with commas ("£10,900"), the sign before the pound sign
  ("-£500"). Where space is short (cards, chart labels, sentences) `money_compact` writes millions and
  billions in words with at most one decimal place ("£31.9 million", "£1 million", "£2.4 billion"), as
  GOV.UK does ("£138 million", "£1.5 billion"), and anything under a million in full ("£540,000"). The
  abbreviations "m" and "k" are not used: GOV.UK says to write "million" in full, and a screen reader
  reads "£540k" as "540 k".
* Percentages: a proportion (0.083) is written with "%" and ONE decimal place ("8.3%", "70.0%"), so a
  share is the same text on a card, in a sentence, in a table, in the PDF and in the workbook ("0.0%").
  Whole per cents (places=0) are kept for what is stated in round numbers on purpose: settings and
  thresholds ("at least 20% apart") and modelled estimates whose confidence interval makes a decimal
  meaningless (the impact panel's "17% fewer (95% CI 12% to 22%)").
* Dates, as the pages already print them: a month "March 2025" (`month`; "Mar 2025" on chart axes,
  `month_short`), a financial year "2024-25", a quarter "January to March 2025", a day "7 December 2026";
  dates in data tables and files stay ISO ("2025-03-01"), which sorts and which Excel reads.
* Gaps (`is_missing`: None, NaN, NaT, pd.NA): each formatter returns its `missing` argument, one of
  the texts below, chosen by what the gap means. Text such as a suppression marker ("<5", "[c]") passes
  through every formatter untouched; the markers themselves belong to dashboard/suppression.py.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from numbers import Real

import pandas as pd

# --- gaps -------------------------------------------------------------------------------------------

NO_FIGURE = "–"  # an en dash: a table cell or fact with no figure (the PDF's cells, the default)
NOT_REPORTED = "not reported"  # the source has not given the figure yet (actual spend before a year-end return)
NO_DATA = "no data"  # nothing loaded covers it (a map area, an empty sparkline, a card with no figure)


def is_missing(value) -> bool:
    """True for None, NaN (float or numpy), NaT and pd.NA; False for any other value, text included."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, Real) and not isinstance(value, bool):
        return math.isnan(value)
    try:  # numpy's datetime64('NaT') and the like
        return bool(pd.isna(value)) if not isinstance(value, str) else False
    except (TypeError, ValueError):  # a list or an array is not a missing value
        return False


def as_float(value) -> float | None:
    """A finite float to draw or sum, or None for a gap: missing, infinite, a bool, or text (a suppressed
    '<5')."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _text_or_missing(value, missing: str) -> str | None:
    """The text to show instead of formatting: `missing` for a gap, text (a marker) as it is; else None."""
    if is_missing(value):
        return missing
    if as_float(value) is None:
        return str(value)
    return None


# --- numbers ----------------------------------------------------------------------------------------

def number(value, places: int = 1, *, missing: str = NO_FIGURE) -> str:
    """'1,234.5': thousands separated, `places` decimal places."""
    shown = _text_or_missing(value, missing)
    return shown if shown is not None else f"{as_float(value):,.{places}f}"


def number_as_set(value, places: int = 2) -> str:
    """A setting, target or median as it was written or measured: no trailing zeros ('50', '62.5', '0.75')."""
    return f"{as_float(value):,.{places}f}".rstrip("0").rstrip(".") if places else f"{as_float(value):,.0f}"


def count(value, *, missing: str = NO_FIGURE) -> str:
    """'1,234': a whole number with thousands separated."""
    return number(value, 0, missing=missing)


def _two_figures(value: float) -> float:
    """The size of an estimate to two significant figures, whole numbers below 10 (7.4 -> 7)."""
    size = abs(value)
    if size < 10:
        return float(round(size))
    return float(round(size, -(int(math.floor(math.log10(size))) - 1)))


def about(value: float) -> str:
    """An estimated count for a sentence, unsigned (the sentence says more or fewer), to two significant
    figures, as its precision is no better: '36,000', '40', '7'."""
    return f"{_two_figures(value):,.0f}"


KM_PER_MILE = 1.609344  # the international mile, exactly


def distance(km, *, missing: str = NO_FIGURE) -> str:
    """A distance in miles, as people in England give one (and NHS "Find a GP" lists practices), to a tenth
    of a mile: "0.4 miles", "12.0 miles"; "under 0.1 miles" rather than "0.0 miles"."""
    value = as_float(km)
    if value is None:
        return missing
    miles = value / KM_PER_MILE
    return "under 0.1 miles" if round(miles, 1) < 0.1 else f"{miles:,.1f} miles"


def rate(value, unit: str, *, missing: str = NO_FIGURE) -> str:
    """A rate in its unit's form: '43.1' for 'per 1,000 patients', '7.5%' when the unit is a per cent
    (the rate is then already a percentage, not a proportion)."""
    shown = _text_or_missing(value, missing)
    if shown is not None:
        return shown
    return number(value, KINDS["rate"].places) + ("%" if unit.strip() == "%" else "")


# --- money ------------------------------------------------------------------------------------------

def money(value, *, missing: str = NO_FIGURE) -> str:
    """'£10,900', '-£500': whole pounds."""
    shown = _text_or_missing(value, missing)
    if shown is not None:
        return shown
    pounds = as_float(value)
    return f"{'-' if round(pounds) < 0 else ''}£{abs(pounds):,.0f}"


def money_compact(value, *, missing: str = NO_FIGURE) -> str:
    """'£31.9 million', '£1 million', '£2.4 billion'; under a million in full, '£540,000'."""
    shown = _text_or_missing(value, missing)
    if shown is not None:
        return shown
    pounds = as_float(value)
    if abs(pounds) >= 1e9:
        return f"{'-' if pounds < 0 else ''}£{abs(pounds) / 1e9:,.1f} billion".replace(".0 ", " ")
    if abs(pounds) >= 1e6:
        return money_millions(pounds)
    return money(pounds)


def money_millions(value: float, places: int = 1) -> str:
    """'£31.9 million', '£0.5 million', '£2 million': in millions whatever the size, for the ticks of an
    axis, which must all be in one unit (a trailing '.0' is dropped)."""
    amount = f"{abs(value) / 1e6:,.{places}f}"
    if places and amount.endswith("." + "0" * places):
        amount = amount[: -places - 1]
    return f"{'-' if value < 0 else ''}£{amount} million"


def money_about(value: float) -> str:
    """Estimated pounds for a sentence, unsigned, rounded as `about` rounds counts: '£1.2 million',
    '£45,000', '£910'."""
    return money_compact(_two_figures(value))


# --- percentages ------------------------------------------------------------------------------------

def percent(value, places: int = 1, *, missing: str = NO_FIGURE) -> str:
    """A proportion as a percentage: 0.083 -> '8.3%'. places=0 only for round settings and modelled
    estimates (see the module's rule)."""
    shown = _text_or_missing(value, missing)
    return shown if shown is not None else f"{as_float(value):.{places}%}"


# --- dates ------------------------------------------------------------------------------------------

QUARTER_MONTHS = {4: ("April", "June"), 7: ("July", "September"), 10: ("October", "December"),
                  1: ("January", "March")}


def _stamp(value) -> pd.Timestamp | None:
    if is_missing(value):
        return None
    try:
        return pd.Timestamp(value)
    except (TypeError, ValueError):
        return None


def month(value, *, missing: str = "") -> str:
    """'March 2025' for any date-like value in the month."""
    stamp = _stamp(value)
    return missing if stamp is None else stamp.strftime("%B %Y")


def month_short(value, *, missing: str = "") -> str:
    """'Mar 2025': the month on a chart's axis or under a sparkline."""
    stamp = _stamp(value)
    return missing if stamp is None else stamp.strftime("%b %Y")


def day(value, *, missing: str = "") -> str:
    """'7 December 2026' (no leading zero on the day). Text that is not a date passes through."""
    stamp = _stamp(value)
    if stamp is None:
        return missing if is_missing(value) else str(value)
    return f"{stamp.day} {stamp.strftime('%B %Y')}"


def iso_date(value, *, missing: str = "") -> str:
    """'2025-03-01': a date in a table or a file."""
    stamp = _stamp(value)
    return missing if stamp is None else stamp.date().isoformat()


def financial_year(value) -> str:
    """'2024-25' for any date from April 2024 to March 2025."""
    stamp = pd.Timestamp(value)
    start = stamp.year if stamp.month >= 4 else stamp.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def quarter(value, *, missing: str = "no quarter") -> str:
    """'January to March 2025' for the calendar quarter that starts on (or contains) the date."""
    stamp = _stamp(value)
    if stamp is None:
        return missing
    first, last = QUARTER_MONTHS[(stamp.month - 1) // 3 * 3 + 1]
    return f"{first} to {last} {stamp.year}"


# --- column kinds: the same figure shown the same way on a page, in the PDF and in the workbook --------

@dataclass(frozen=True)
class Kind:
    """How a column kind's numbers are written: decimal places, thousands separators, £ or %."""
    places: int
    separators: bool = True
    pounds: bool = False
    proportion: bool = False  # held as 0.083, shown as 8.3%

    @property
    def d3(self) -> str:
        """The d3-format specifier (plotly hover and tick formats, the AG Grid tables)."""
        return f"{',' if self.separators else ''}.{self.places}{'%' if self.proportion else 'f'}"

    @property
    def excel(self) -> str:
        """The Excel number format of a cell."""
        whole = "#,##0" if self.separators else "0"
        decimals = "." + "0" * self.places if self.places else ""
        return (f"{'£' if self.pounds else ''}{'0' if self.proportion else whole}"
                f"{decimals}{'%' if self.proportion else ''}")


KINDS = {
    "count": Kind(0),
    "number": Kind(1),
    "rate": Kind(1),  # a rate per 1,000 (or a per cent): one place, as the cards and the PDF always had it
    "percent": Kind(1, separators=False, proportion=True),
    "gbp": Kind(0, pounds=True),
    "pence": Kind(2, pounds=True),
    "index": Kind(0, separators=False),  # a score out of 100
}
EXCEL_DATE = "yyyy-mm-dd"


def hover(kind: str, field: str = "y") -> str:
    """A plotly hover template's number of a column kind (KINDS), as the tables and cards write it:
    hover("percent") is '%{y:.1%}', hover("pence", "customdata[0]") '£%{customdata[0]:,.2f}'."""
    style = KINDS[kind]
    return f"{'£' if style.pounds else ''}%{{{field}:{style.d3}}}"


def hover_rate(unit: str, field: str = "y") -> str:
    """A plotly hover template's rate in its unit, as `rate` writes it: '%{y:,.1f}%' for a per cent (the
    sign against the number), '%{y:,.1f} per 1,000 patients' for a worded unit (HTML-escaped: plotly
    renders hover text as HTML)."""
    value = f"%{{{field}:{KINDS['rate'].d3}}}"
    return value + "%" if unit.strip() == "%" else f"{value} {html.escape(unit)}"
# plotly's date formats of the Python ones above (hover templates and axis ticks)
D3_MONTH = "%B %Y"
D3_MONTH_SHORT = "%b %Y"


def by_kind(value, kind: str = "text", *, missing: str = NO_FIGURE) -> str:
    """A table cell as text by its column kind (KINDS, or 'text' / 'date'); text and markers as they are."""
    if kind == "date":
        if isinstance(value, str):  # a date already written (the first ten characters of an ISO timestamp)
            return value[:10] if len(value) >= 10 and value[4] == "-" else value
        return missing if is_missing(value) else iso_date(value, missing=missing)
    shown = _text_or_missing(value, missing)
    if shown is not None:
        return shown
    if kind == "text":
        return str(value)
    style = KINDS.get(kind, KINDS["number"])
    if style.proportion:
        return percent(value, style.places)
    if style.pounds:
        return money(value) if style.places == 0 else f"£{as_float(value):,.{style.places}f}"
    return number(value, style.places) if style.separators else f"{as_float(value):.{style.places}f}"
