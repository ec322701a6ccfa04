"""A short plain-English reading of a summary, generated from its figures by fixed rules.

At most five sentences, always in this order:

1. What is improving. The headline measures whose SPC status (the latest month, Making Data Count
   rules in etl.stats.spc) is special cause variation in the better direction. If none is, the
   measures whose rate over the year moved the better way against the same months a year before by
   more than chance (the exact test of dashboard/components/comparison.py); else that none improved.
2. What is getting worse: the same rules for the worse direction.
3. What stands out against the comparison (funnel significance of etl.stats.funnels): measures
   outside the comparator's 99.8% limits first, then the 95% ones, each said to be above or below, by
   how much (its own rate and the comparator's), and whether that is better or worse. "Much" and
   "slightly" follow the size of the difference only (comparison.LARGE, comparison.SMALL), never
   the confidence level; else that none stands out. The comparator and the period are named.
4. Better Care Fund (only when both planned and actual spend are known): the share of the plan spent.
5. Catchment (only when known): the share of residents registered with practices in another council.

Measures are named at most MAX_NAMED to a sentence ("and 2 more"). A figure that is suppressed ("<5")
or missing is never quoted: the measure can still be named from its SPC status or significance,
which give no count away. Measures with no better direction (polarity neither higher nor lower is
better) are not called improving or worse.
"""

from __future__ import annotations

import pandas as pd

from dashboard import formats
from dashboard.components import comparison as words
from dashboard.formats import as_float

MAX_NAMED = 3
MAX_SENTENCES = 5
HIGHER_IS_BETTER, LOWER_IS_BETTER = "higher_is_better", "lower_is_better"


def lower_first(name: str) -> str:
    """'Emergency admissions' -> 'emergency admissions' mid-sentence; 'A&E attendances' keeps its capital."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def capitalise(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def names_list(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c', 'a, b, c and 2 more'."""
    names = [lower_first(name) for name in names]
    if len(names) > MAX_NAMED:
        extra = len(names) - MAX_NAMED
        return ", ".join(names[:MAX_NAMED]) + f" and {extra} more"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _verb(names: list[str]) -> str:
    return "is" if len(names) == 1 else "are"


def year_change(row) -> float | None:
    """This year's rate against the same months a year before, as a fraction (-0.08 = 8% lower)."""
    rate, previous = as_float(row.get("rate")), as_float(row.get("previous_rate"))
    if rate is None or previous is None or previous == 0:
        return None
    return rate / previous - 1


def _better(change: float, polarity: str) -> bool | None:
    if polarity == LOWER_IS_BETTER:
        return change < 0
    if polarity == HIGHER_IS_BETTER:
        return change > 0
    return None


def _changed_by_year(headlines: pd.DataFrame, better: bool) -> list[tuple[str, float]]:
    """(name, change) for measures whose rate moved the better (or worse) way against the same months a
    year before by more than chance (the exact test of components/comparison.py, in change_significance)."""
    found = []
    for row in headlines.to_dict("records"):
        change = year_change(row)
        if change is None or not words.beyond_chance(row.get("change_significance")):
            continue
        if _better(change, str(row.get("polarity"))) is better:
            found.append((str(row["name"]), change))
    return sorted(found, key=lambda item: -abs(item[1]))


def _by_spc(headlines: pd.DataFrame, stem: str) -> list[str]:
    variation = headlines.get("spc_variation", pd.Series(dtype=object)).astype(str)
    return [str(name) for name in headlines.loc[variation.str.startswith(stem + "_"), "name"]]


def _moved(moved: list[tuple[str, float]]) -> str:
    """'the rate of falls was 8% lower' or 'the rate of a was 8% lower and of b 6% higher'."""
    parts = [f"{formats.percent(abs(change))} {'lower' if change < 0 else 'higher'}" for _, change in moved[:MAX_NAMED]]
    names = [lower_first(name) for name, _ in moved[:MAX_NAMED]]
    pieces = [f"the rate of {names[0]} was {parts[0]}"] + [f"of {n} {p}" for n, p in zip(names[1:], parts[1:])]
    if len(pieces) == 1:
        return pieces[0]
    return ", ".join(pieces[:-1]) + " and " + pieces[-1]


def improving(headlines: pd.DataFrame) -> str:
    """Sentence 1: what is improving."""
    signalled = _by_spc(headlines, "improvement")
    if signalled:
        return (f"{capitalise(names_list(signalled))} {_verb(signalled)} improving: the latest months are "
                "better than the usual range (a statistical signal, not chance).")
    moved = _changed_by_year(headlines, better=True)
    if moved:
        return (f"No measure's latest months are outside its usual range, but {_moved(moved)} than in the same "
                "months a year before (a change beyond chance, for the better).")
    return "No headline measure is improving beyond its usual month-to-month variation."


def worsening(headlines: pd.DataFrame) -> str:
    """Sentence 2: what is getting worse."""
    signalled = _by_spc(headlines, "concern")
    if signalled:
        return (f"{capitalise(names_list(signalled))} {_verb(signalled)} getting worse: the latest months are "
                "outside the usual range in the wrong direction (a statistical signal).")
    moved = _changed_by_year(headlines, better=False)
    if moved:
        return (f"No measure's latest months are outside its usual range the wrong way, though {_moved(moved)} "
                "than in the same months a year before (a change beyond chance, for the worse).")
    return "No headline measure is getting worse beyond its usual month-to-month variation."


SIGNIFICANCE_ORDER = ("above 99.8%", "below 99.8%", "above 95%", "below 95%")


def standing_out(comparison: pd.DataFrame, polarities: dict[str, str], comparator: str, period: str = "") -> str:
    """Sentence 3: measures whose rate is beyond chance above or below the comparator.

    comparison: one row per measure with measure_id, name, unit, rate, comparator_rate and significance (a
    label of etl.stats.funnels: within / above 95% / below 95% / above 99.8% / below 99.8%; empty when it
    could not be worked out, e.g. a suppressed count). Whether it is beyond chance decides that a measure
    is named; its size alone decides "much" or "slightly" (components/comparison.py), never the 99.8% level.
    """
    if comparison is None or comparison.empty or "significance" not in comparison:
        return ""
    if not comparison["significance"].notna().any():
        return ""
    against = f"Against {comparator}" + (f" in {period}" if period else "")
    rows = comparison[comparison["significance"].isin(SIGNIFICANCE_ORDER)].copy()
    if rows.empty:
        return f"{against}, no headline measure stands out: each is within the range expected by chance."
    rows["order"] = rows["significance"].map(SIGNIFICANCE_ORDER.index)
    rows = rows.sort_values("order", kind="stable")
    parts = []
    for row in rows.head(MAX_NAMED).to_dict("records"):
        higher = str(row["significance"]).startswith("above")
        better = _better(1.0 if higher else -1.0, polarities.get(str(row.get("measure_id")), ""))
        verdict = "" if better is None else (", which is better" if better else ", which is worse")
        size = words.size_of(row.get("rate"), row.get("comparator_rate"))
        unit = str(row.get("unit", ""))
        figures = (f" ({formats.rate(size.value, unit)} against {formats.rate(size.reference, unit)}, "
                   f"{formats.percent(abs(size.relative))} {size.direction})"
                   if size is not None and size.relative is not None else "")
        parts.append(f"{lower_first(str(row['name']))} is {size.adverb if size is not None else ''}"
                     f"{'above' if higher else 'below'} the average{figures}{verdict}")
    more = len(rows) - len(parts)
    tail = f" ({more} more in the comparison table)" if more > 0 else ""
    return f"{against}, beyond what chance would give: {'; '.join(parts)}{tail}."


def bcf_sentence(bcf: pd.DataFrame, period: str) -> str:
    """Sentence 4: share of the planned Better Care Fund spent (only when every scheme type has an actual)."""
    if bcf is None or bcf.empty or "planned_gbp" not in bcf or "actual_gbp" not in bcf:
        return ""
    planned = [as_float(v) for v in bcf["planned_gbp"]]
    actual = [as_float(v) for v in bcf["actual_gbp"]]
    if any(v is None for v in planned) or any(v is None for v in actual) or not sum(planned):
        return ""
    share = sum(actual) / sum(planned)
    return (f"{formats.percent(share)} of the {formats.money_compact(sum(planned))} Better Care Fund planned for "
            f"{period} was spent ({formats.money_compact(sum(actual))}).")


def catchment_sentence(catchment: dict) -> str:
    """Sentence 5: residents registered with practices based in another council."""
    share = as_float((catchment or {}).get("share_elsewhere"))
    practices = as_float((catchment or {}).get("practices_serving"))
    if share is None:
        return ""
    if share == 0:
        return "None of the residents registered with a GP are with practices based in another council."
    served = (f", and {formats.count(practices)} {'practice serves' if practices == 1 else 'practices serve'} its "
              "residents" if practices else "")
    return (f"{formats.percent(share)} of residents registered with a GP are with practices based in another "
            f"council{served}.")


def sentences(headlines: pd.DataFrame, comparison: pd.DataFrame | None = None, *, comparator: str = "all councils",
              bcf: pd.DataFrame | None = None, period: str = "", catchment: dict | None = None) -> list[str]:
    """The narrative, at most MAX_SENTENCES sentences, in the order of the module docstring."""
    if headlines is None or headlines.empty:
        found = ["There are no headline measures for this selection and year."]
    else:
        polarities = dict(zip(headlines["measure_id"].astype(str), headlines["polarity"].astype(str)))
        found = [improving(headlines), worsening(headlines), standing_out(comparison, polarities, comparator, period)]
    found += [bcf_sentence(bcf, period), catchment_sentence(catchment or {})]
    return [sentence for sentence in found if sentence][:MAX_SENTENCES]


def comparator_name(comparison: pd.DataFrame | None) -> str:
    """'all councils' or 'practices based in Unitown': the comparison's comparator, mid-sentence."""
    if comparison is None or comparison.empty or "comparator" not in comparison:
        return "similar areas"
    names = comparison["comparator"].dropna().astype(str)
    return lower_first(names.iloc[0]) if not names.empty else "similar areas"


def for_summary(summary) -> list[str]:
    """The narrative of a dashboard.exports.summary.Summary. The catchment sentence is about a
    council's residents, so it is left out when the selection is read as practices' patients."""
    comparison = summary.comparison.frame if summary.comparison is not None else None
    return sentences(summary.headlines.frame, comparison, comparator=comparator_name(comparison),
                     bcf=summary.bcf.frame, period=summary.period,
                     catchment=summary.catchment if summary.residents_view else None)


def impact_sentences(impact: pd.DataFrame | None, limit: int = 2) -> list[str]:
    """What joint working changed (mart_joint_working_impact rows for the area): one sentence per
    outcome with an estimate, at most `limit`, the clearest (narrowest relative interval) first. An
    interval that spans zero is said to show no clear change. No estimate at all: the first note.
    """
    if impact is None or impact.empty:
        return []
    estimated = impact[[as_float(v) is not None for v in impact.get("effect_pct", pd.Series(dtype=float))]]
    if estimated.empty:
        note = next((str(v) for v in impact.get("note", []) if isinstance(v, str) and v), "")
        return [f"The impact of joint working could not be measured here ({lower_first(note.rstrip('.'))})."] \
            if note else []
    out = []
    for row in estimated.to_dict("records")[:limit]:
        effect, low, high = (as_float(row.get(k)) for k in ("effect_pct", "ci_low_pct", "ci_high_pct"))
        name = lower_first(str(row.get("outcome_name", row.get("outcome", "this outcome"))))
        interval = (f" (95% confidence interval {low:+.0f}% to {high:+.0f}%)"
                    if low is not None and high is not None else "")
        if low is not None and high is not None and low <= 0 <= high:
            out.append(f"{capitalise(name)}: no clear change after practices gained an attached social worker, "
                       f"against comparable practices: {effect:+.0f}%{interval}.")
            continue
        yearly = as_float(row.get("annual_activity_change"))
        cost = as_float(row.get("annual_cost_change_gbp"))
        extra = ""
        if yearly is not None:
            # rounded as the dashboard's impact panel rounds the same estimate
            extra = f", about {formats.about(yearly)} {'fewer' if yearly < 0 else 'more'} a year"
            if cost is not None and abs(cost) >= 500:
                extra += f" ({'saving' if cost < 0 else 'costing'} about {formats.money_about(cost)})"
        out.append(f"{capitalise(name)} went {'down' if effect < 0 else 'up'} {abs(effect):.0f}% after practices "
                   f"gained an attached social worker, against comparable practices{interval}"
                   f"{extra}.")
    return out
