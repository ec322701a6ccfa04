"""The words both PDF documents print beside a figure: its interval, its SPC status, its comparison's
reading, and a yes/no indicator as a sentence. One place, so the summary and the practice pack say a thing
the same way.
"""

from __future__ import annotations

import functools

from dashboard import formats, suppression
from dashboard.exports import narrative, svg_charts
from dashboard.formats import as_float
from etl.models import indicator_definitions


def status_words(variation) -> str:
    """An SPC status (etl.stats.spc variation key) as the words beside its icon, capitalised."""
    words = svg_charts.ICON_WORDS.get(str(variation), "not enough months for a control chart")
    return words[:1].upper() + words[1:]


def interval_text(row: dict) -> str:
    """"low to high (method)" of a row's ci_low, ci_high and ci_method; why not, when a bound is hidden."""
    low, high = row.get("ci_low"), row.get("ci_high")
    if as_float(low) is None or as_float(high) is None:
        return "interval not shown" if isinstance(low, str) or isinstance(high, str) else ""
    unit = str(row.get("unit", ""))
    # the method beside every interval (issue 5: named in every table that shows one)
    method = f" ({row['ci_method']})" if row.get("ci_method") else ""
    return f"{formats.rate(low, unit)} to {formats.rate(high, unit)}{method}"


def reading_text(reading) -> str:
    """A comparison's reading cell (gather, components/comparison.py), or why there is none."""
    if suppression.is_suppressed(reading):
        return "Not tested: small numbers"
    return str(reading) if isinstance(reading, str) and reading else "Not tested"


SOCIAL_WORKER = "JW01"  # the joint-working indicator "Named or attached social worker" (etl/indicators/JW01.yml)


@functools.lru_cache(maxsize=None)
def indicator_name(indicator_id: str) -> str:
    """An indicator's name as its definition file gives it, for the middle of a sentence: 'named or attached
    social worker'."""
    names = indicator_definitions().set_index("indicator_id")["name"]
    return narrative.lower_first(str(names[indicator_id]))


def with_article(noun: str) -> str:
    """'a named or attached social worker', 'an attached social worker'."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def has_words(answer, noun: str) -> tuple[str, str]:
    """A yes/no indicator as a fact: (value, the rest of the sentence). 'Has' + 'a named or attached social
    worker'; 'Has no' + 'named or attached social worker' (no article after 'no'); 'Not known' + 'whether it
    has a ...' when there is no answer."""
    if formats.is_missing(answer):
        return "Not known", f"whether it has {with_article(noun)}"
    return ("Has", with_article(noun)) if bool(answer) else ("Has no", noun)
