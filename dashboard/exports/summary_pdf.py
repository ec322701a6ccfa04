"""The councillor summary as PDF: one A4 page (two at most) of a `summary.Summary`, already suppressed.

Its figures come from gather.build_summary; it is drawn by pdf.render from templates/summary.html, and says
each figure in the words it shares with the practice pack (pdf_text.py).
"""

from __future__ import annotations

import pandas as pd

from dashboard import formats, suppression
from dashboard.components import comparison as comparison_words
from dashboard.components import spine as spine_view
from dashboard.components.words import plural
from dashboard.exports import funnel_limits, narrative, svg_charts
from dashboard.exports.pdf import Images, render
from dashboard.exports.pdf_text import (
    SOCIAL_WORKER,
    indicator_name,
    interval_text,
    reading_text,
    status_words,
    with_article,
)
from dashboard.formats import as_float
from etl.stats import spc
from etl.stats import spine as spine_stats

SPARK_MONTHS = 36  # months drawn in a sparkline: three years reads clearly at this size
BCF_SCHEME_TYPES = 5  # scheme types drawn one by one; the rest are added up as "Other scheme types"


def summary_pdf(summary) -> bytes:
    """The councillor summary of a Summary as PDF bytes: A4 portrait, one page (two at most)."""
    return render("summary.html", **summary_context(summary))


def summary_context(summary) -> dict:
    """The summary template's context; its charts are registered with context["images"]."""
    images = Images()
    period = summary.period
    if summary.residents_view:
        scope = "Figures for the council's residents"
    elif summary.selection.is_empty:
        scope = "Figures for the patients of every practice"
    else:
        scope = "Figures for the patients of the practices selected"
    rule = getattr(summary, "suppression_rule", "") or summary.headlines.note
    return {
        "title": f"Summary: {summary.area}",
        "area_name": summary.area_name,
        "period": period,
        "scope": scope,
        "generated": formats.day(summary.generated),
        "fictional": bool(summary.fictional),
        "narrative": narrative.for_summary(summary),
        "images": images,
        "headlines": _headline_rows(summary.headlines.frame, summary.monthly.frame, images),
        "headline_empty": f"No outcome data for this selection in {period}.",
        **_key(images),
        "catchment": _catchment_facts(summary.catchment),
        "catchment_title": _catchment_title(summary.catchment),
        "catchment_empty": "No registrations release covers this selection.",
        "joint": _joint_facts(summary.joint_working),
        "joint_empty": f"No joint-working returns for these practices in {period}.",
        "impact": narrative.impact_sentences(summary.impact.frame if summary.impact is not None else None, limit=1),
        **_bcf(summary.bcf, period, images),
        **_comparison(summary.comparison, period),
        "spine": _spine(getattr(summary, "spine", None), summary, images),
        "sources": _sources(summary.sources),
        "suppression_rule": rule,
        "method_note": "Rates are sums over sums; 95% confidence intervals by the Fingertips methods, each named "
                       "beside it (Wilson score for percentages; Byar, or exact Poisson under 10 events, for rates). "
                       "Definitions: the Excel workbook.",
        "footer": f"jointcare · {summary.area}{' · FICTIONAL DEMO DATA' if summary.fictional else ''}"
                  " · counts of 1 to 4 people are shown as <5",
    }


def _key(images: Images) -> dict:
    return {f"key_{name}": images.img(svg_charts.svg(9, 9, label, label, svg_charts.marker(kind, 4.5, 4.5, 3.2)))
            for name, kind, label in (("improvement", spc.IMPROVEMENT, "Diamond: improving"),
                                      ("concern", spc.CONCERN, "Square: getting worse"),
                                      ("neutral", spc.NEUTRAL_CAUSE, "Hexagon: unusual, no better direction"),
                                      ("common", spc.COMMON, "Dot: usual variation"))}


def _change_text(row: dict) -> str:
    """The change on the same months a year before, as gather said it (components/comparison.py)."""
    words = row.get("change_reading")
    if suppression.is_suppressed(words):
        return "change not shown: small numbers"
    return str(words) if isinstance(words, str) else ""


def _headline_rows(headlines: pd.DataFrame, monthly: pd.DataFrame, images: Images) -> list[dict]:
    rows = []
    for row in headlines.to_dict("records"):
        series = monthly[monthly["measure_id"] == row["measure_id"]].sort_values("month").tail(SPARK_MONTHS) \
            if not monthly.empty else monthly
        name, unit = str(row["name"]), str(row.get("unit", ""))
        spark = ""
        if not series.empty:
            limits = series["point_type"].notna().any()  # none when a month is hidden (gather.suppress_measures)
            special = int((series["point_type"].notna() & (series["point_type"].astype(str) != spc.COMMON))
                          .sum())
            # the values the SPC limits were worked out on: seasonally adjusted for a seasonal measure
            adjusted = "seasonal_index" in series and series["seasonal_index"].map(as_float).notna().any()
            charted = series["spc_rate"] if adjusted else series["rate"]
            spark = images.img(svg_charts.sparkline(
                charted.tolist(), series["mean"].tolist(), series["lower"].tolist(),
                series["upper"].tolist(), series["point_type"].fillna(spc.COMMON).astype(str).tolist(),
                title=(f"{name} by month, {formats.month_short(series['month'].iloc[0])} "
                       f"to {formats.month_short(series['month'].iloc[-1])}"),
                desc=(f"Monthly rate ({unit}){', seasonally adjusted,' if adjusted else ''} with its mean and "
                      f"process limits; {special} month{'' if special == 1 else 's'} marked as special cause "
                      "variation." if limits else
                      f"Monthly rate ({unit}); some months are hidden under the small-number rule (gaps), so "
                      "the mean and process limits are not drawn."),
                first_label=formats.month_short(series["month"].iloc[0]),
                last_label=formats.month_short(series["month"].iloc[-1]),
                width=160, height=32))
        variation = row.get("spc_variation")
        variation = variation if isinstance(variation, str) and variation else None
        rows.append({
            "name": name,
            "unit": "percentage of people" if unit == "%" else unit,
            "rate": formats.rate(row.get("rate"), unit),
            "ci": interval_text(row),
            "previous": formats.rate(row.get("previous_rate"), unit),
            "change": _change_text(row),
            "icon": images.spc_icon(variation),
            "status": status_words(variation),
            "spark": spark,
        })
    return rows


def _catchment_title(catchment: dict | None) -> str:
    """'Where residents are registered', naming the councils when there are one or two."""
    councils = [str(name) for name in (catchment or {}).get("councils", [])]
    if 1 <= len(councils) <= 2:
        return f"Where residents of {' and '.join(councils)} are registered"
    return "Where residents are registered"


def _catchment_facts(catchment: dict | None) -> list[tuple[str, str]]:
    residents = (catchment or {}).get("residents")
    if as_float(residents) is None and not isinstance(residents, str):
        return []
    facts = [("residents registered with a GP", formats.count(catchment.get("residents")))]
    share, elsewhere = catchment.get("share_elsewhere"), catchment.get("residents_elsewhere")
    if share is not None:
        facts.append((f"of them ({formats.count(elsewhere)}) are registered with practices based in another council",
                      formats.percent(share) if as_float(share) is not None else str(share)))
    if catchment.get("practices_serving") is not None:
        served = as_float(catchment.get("practices_serving"))
        facts.append((f"{'practice serves' if served == 1 else 'practices serve'} these residents "
                      "(see the practice pack)", formats.count(catchment.get("practices_serving"))))
    return facts


def _joint_facts(joint: dict | None) -> list[tuple[str, str]]:
    returning = as_float((joint or {}).get("practices_returning"))
    if not returning:
        return []
    share = as_float(joint.get("share"))
    with_worker = joint.get("with_attached_social_worker")
    verb = "has" if 1 in (returning, with_worker) else "have"
    facts = [(f"of the {plural(int(returning), 'practice')} making a return "
              f"(of {formats.count(joint.get('practices'))} selected) "
              f"{verb} {with_article(indicator_name(SOCIAL_WORKER))}"
              f"{f' ({formats.percent(share)})' if share is not None else ''}",
              formats.count(with_worker))]
    if as_float(joint.get("mean_index")) is not None:
        facts.append(("out of 100: the mean joint-working index of the practices that made a return",
                      formats.number(joint.get("mean_index"))))  # a mean of indices: one place, as the page
    if joint.get("quarter"):
        facts.append(("is the quarter of these returns (the latest in or before the year)", str(joint["quarter"])))
    return facts


def bcf_rows(frame: pd.DataFrame, top: int = BCF_SCHEME_TYPES) -> list[tuple[str, object, object]]:
    """(scheme type, planned, actual), largest plans first; past `top`, the rest added up as one row
    (its actual is only a number when every scheme type in it has one)."""
    if frame.empty:
        return []
    ordered = frame.assign(_planned=[as_float(v) or 0.0 for v in frame["planned_gbp"]]) \
        .sort_values("_planned", ascending=False, kind="stable")
    rows = [(str(r["scheme_type"]), r["planned_gbp"], r["actual_gbp"]) for r in ordered.head(top).to_dict("records")]
    rest = ordered.iloc[top:]
    if len(rest) == 1:
        r = rest.iloc[0]
        rows.append((str(r["scheme_type"]), r["planned_gbp"], r["actual_gbp"]))
    elif len(rest) > 1:
        actual = [as_float(v) for v in rest["actual_gbp"]]
        rows.append((f"Other scheme types ({len(rest)})", float(rest["_planned"].sum()),
                     sum(actual) if all(v is not None for v in actual) else None))
    return rows


def _bcf(bcf, period: str, images: Images) -> dict:
    frame = bcf.frame
    if frame.empty:
        return {"bcf_chart": "", "bcf_total": "", "bcf_empty": f"No Better Care Fund plan for {period} is loaded "
                                                               "for the councils in this selection."}
    rows = bcf_rows(frame)
    planned = sum(as_float(v) or 0.0 for v in frame["planned_gbp"])
    actuals = [as_float(v) for v in frame["actual_gbp"]]
    if all(v is not None for v in actuals):
        total = (f"In total {formats.money_compact(sum(actuals))} spent of {formats.money_compact(planned)} planned "
                 f"({formats.percent(sum(actuals) / planned)})." if planned else "")
    else:
        total = (f"{formats.money_compact(planned)} planned. Actual spend is shown where the year-end return "
                 "gives it.")
    chart = svg_charts.planned_vs_actual(
        rows, title=f"Better Care Fund {period}: planned and actual spend by scheme type",
        desc="; ".join(f"{label}: planned {formats.money_compact(p, missing='none')}, "
                       f"actual {formats.money_compact(a, missing=formats.NOT_REPORTED)}"
                       for label, p, a in rows))
    return {"bcf_chart": images.img(chart), "bcf_total": total, "bcf_empty": ""}


def _comparison(comparison, period: str) -> dict:
    """The comparison table's rows as text: measure, this area's rate, the comparator's, and the reading."""
    if comparison is None or comparison.frame.empty:
        return {"comparison": None}
    frame = comparison.frame
    names = frame["comparator"].dropna().astype(str) if "comparator" in frame else pd.Series(dtype=str)
    rows = [{"name": str(r.get("name")), "rate": formats.rate(r.get("rate"), str(r.get("unit", ""))),
             "comparator_rate": formats.rate(r.get("comparator_rate"), str(r.get("unit", ""))),
             "reading": reading_text(r.get("reading"))}
            for r in frame.to_dict("records")]
    comparator = names.iloc[0] if not names.empty else "Comparator"
    return {"comparison": {"title": f"How it compares: against {narrative.lower_first(comparator)}, {period}",
                           "comparator": comparator, "rows": rows,
                           "note": comparison_words.method_words() + funnel_limits.note(frame)}}


def _spine(table, summary, images: Images) -> dict | None:
    """The spine chart (svg_charts.spine) of a council or a practice, from its already suppressed table:
    each row's spread rebuilt from its worst, quartiles, best and England, as components/spine.py drew it."""
    if table is None or table.frame.empty:
        return None
    practice = not summary.residents_view
    area = "This practice" if practice else "This council"
    rows = []
    for r in table.frame.to_dict("records"):
        unit, polarity = str(r.get("unit", "")), str(r.get("polarity", ""))
        ends = [as_float(r.get(key)) for key in ("worst", "worse_quartile", "better_quartile", "best")]
        spread = spine_stats.Spread(min(ends[0], ends[3]), min(ends[1], ends[2]), max(ends[1], ends[2]),
                                    max(ends[0], ends[3]), england=as_float(r.get("england_rate")),
                                    polarity=polarity)
        value, england = r.get("area_rate"), formats.rate(r.get("england_rate"), unit)
        shown = f"{value} (England {england})" if suppression.is_suppressed(value) else \
            f"{formats.rate(value, unit)} (England {england})"
        rows.append((r.get("name"), spread, value, r.get("comparator_rate") if practice else None,
                     spine_view.mark(str(r.get("significance")), polarity)[:2], shown))
    kind = "every practice" if practice else "every council"
    marks = dict.fromkeys(spine_view.mark(str(label), str(polarity))[2].lower()
                          for label, polarity in zip(table.frame["significance"], table.frame["polarity"]))
    chart = svg_charts.spine(
        rows, title=f"{summary.area_name}: every headline measure against {kind} in England, {summary.period}",
        desc="; ".join(f"{r.get('name')}: {r.get('reading')}" for r in table.frame.to_dict("records")))
    key = (f"Each row: {area.lower()}'s rate (England's). Bands: {kind}, worst to best, the middle half darker; "
           f"the line is England; the mark is {area.lower()} ({'; '.join(marks)})"
           + ("; the dark blue bar its ICB." if practice else ".") + " Worse is always on the left.")
    return {"title": f"Against {kind} in England, {summary.period}", "chart": images.img(chart), "key": key}


# The sources the summary's figures come from (etl/sources.yml keys); lookups and boundaries are in the workbook.
SUMMARY_SOURCES = ("sus_activity", "social_care_events", "registrations", "bcf_plan", "bcf_year_end",
                   "joint_working_return")


def _sources(sources) -> list[str]:
    """'Title (to the latest period)' for each source the summary's figures come from."""
    frame = sources.frame
    if "source" in frame and frame["source"].isin(SUMMARY_SOURCES).any():
        frame = frame[frame["source"].isin(SUMMARY_SOURCES)]
    if frame.empty:
        return ["none recorded"]
    out = []
    for record in frame.to_dict("records"):
        text = str(record.get("title") or record.get("source"))
        latest = record.get("last_period")
        if not formats.is_missing(latest):
            text += f" (to {formats.by_kind(latest, 'date')})"
        out.append(text)
    return out
