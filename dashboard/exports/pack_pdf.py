"""The practice pack as PDF: every practice serving one council's residents, one page each after a contents
page, as one document.

Its figures come from pack.gather (set-based queries, suppressed there); it is drawn by pdf.render from
templates/pack.html, and says each figure in the words it shares with the summary (pdf_text.py).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import formats, suppression
from dashboard.components import comparison as comparison_words
from dashboard.components.sources import source_title
from dashboard.exports import funnel_limits, pack, svg_charts
from dashboard.exports.pdf import Images, render
from dashboard.exports.pdf_text import (
    SOCIAL_WORKER,
    has_words,
    indicator_name,
    interval_text,
    reading_text,
    status_words,
)
from dashboard.formats import as_float

PACK_SOURCES = ("registrations", "sus_activity", "social_care_events", "joint_working_return", "practice_map")
DOMAINS = (("time_and_space", "Time and space"), ("trust_and_roles", "Trust and roles"),
           ("shared_priorities", "Shared priorities"), ("practical_support", "Practical support"))


def practice_pack_pdf(council_code: str, period: str) -> bytes:
    """Every practice serving the council's residents, one page each after a contents list, as one PDF.

    Raises pack.UnknownCouncil (a LookupError) when the code is not a council with registrations.
    """
    return render("pack.html", **pack_context(pack.gather(council_code, period), period))


def pack_context(data: "pack.Pack", period: str) -> dict:
    """The pack template's context; its charts are registered with context["images"]."""
    images = Images()
    council = data.council
    name = str(council["council_name"])
    areas = {code: rows for code, rows in data.areas.groupby("practice_code", sort=False)}
    outcomes = {code: rows for code, rows in data.outcomes.groupby("practice_code", sort=False)}
    joint = {row["practice_code"]: row for row in data.joint_working.to_dict("records")}
    practices = [_pack_practice(row, name, areas.get(row["practice_code"]), outcomes.get(row["practice_code"]),
                                joint.get(row["practice_code"]), images)
                 for row in data.practices.to_dict("records")]
    fictional = bool(council.get("is_demo"))
    release = str(council["release"]) + (" (the earliest loaded)" if council.get("release_after_period") else "")
    return {
        "title": f"Practice pack: {name}, {period}",
        "council_name": name,
        "period": period,
        "release": release,
        "generated": formats.day(dt.date.today()),
        "fictional": fictional,
        "council_facts": _council_facts(council, len(practices)),
        "explanation": "One page for each practice serving the council's residents (at least the share of its "
                       "list or the number of patients set in the method settings live in the council): who it "
                       "is, where its patients live, its patients' outcomes over the year against the council's "
                       "residents, with the SPC status of its monthly rates, and its latest joint-working return.",
        "suppression_rule": suppression.RULE,
        "sources": source_title(*PACK_SOURCES) + ".",
        "practices": practices,
        "images": images,
        "how_to_read": _how_to_read(data.outcomes),
        "reading_pointer": _reading_pointer(name),
        "icon_key": [(images.spc_icon(key, size=12), words) for key, words in
                     (("improvement_low", "improving"), ("concern_high", "getting worse"),
                      ("neutral_high", "unusual, no better direction"), ("common_cause", "usual variation"),
                      (None, "too few months"))],
        "footer": f"jointcare practice pack · {name}, {period}{' · FICTIONAL DEMO DATA' if fictional else ''}"
                  " · counts of 1 to 4 people are shown as <5",
    }


def _how_to_read(outcomes: pd.DataFrame) -> list[str]:
    """The contents page's "How to read this pack": the comparison's words as components/comparison.py
    defines them (method_words, with etl/method.yml's thresholds), what "within what chance would give"
    means for a practice, why its interval can leave out the council's rate while the reading says within
    chance, and which measures' limits were widened (pack._with_council_reading's council_limits)."""
    measures = pd.DataFrame(columns=["name", "limits"])
    if not outcomes.empty and "council_limits" in outcomes:
        measures = outcomes.drop_duplicates("measure_id").rename(columns={"council_limits": "limits"})
    return [
        "In each practice's outcomes table, the third column gives the council's residents' rate, then the "
        "practice against it: first by how much it differs, then whether that is more than chance would give. "
        + comparison_words.method_words(),
        "\"Within what chance would give\" means the practice's rate lies inside the 95% funnel limits "
        "around the council's rate for a practice of its size: chance alone could give a difference that big, "
        "so it is called neither better nor worse, even when it is \"much\" higher or lower.",
        "Why a practice's 95% confidence interval can leave out the council's rate while its reading says "
        "\"within what chance would give\": the interval allows only for chance in the practice's own "
        "counts. Practices also differ from one another for reasons beyond chance (their patients, the services "
        "near them, how they record), so when the pack's practices differ by more than chance alone would give, "
        "the funnel limits are widened to allow for that (Spiegelhalter's method for overdispersion). A practice "
        "is called beyond chance only when it lies outside these widened limits, which can be wider than its "
        "own interval." + funnel_limits.note(measures, factors=""),
    ]


def _reading_pointer(council_name: str) -> str:
    """The line under each practice's outcomes table: the words for size in brief, and where they are said
    in full (the template adds a link to the note: "page 1")."""
    return (f"\"Much\": {formats.percent(comparison_words.LARGE, 0)} or more apart; \"slightly\": under "
            f"{formats.percent(comparison_words.SMALL, 0)}. \"Within what chance would give\": inside the funnel "
            f"limits around {council_name}'s rate, which can be wider than the practice's own interval. In full: "
            "\"How to read this pack\",")


def _council_facts(council: dict, practices: int) -> list[tuple[str, str]]:
    residents, elsewhere = council["residents_registered"], council["residents_at_practices_elsewhere"]
    if as_float(residents) and as_float(elsewhere) is not None:
        share = formats.percent(as_float(elsewhere) / as_float(residents))
    else:  # a hidden count hides the share worked out from it
        share = str(elsewhere) if as_float(elsewhere) is None else formats.NO_FIGURE
    return [
        ("residents registered with a GP", formats.count(residents)),
        (f"of them ({formats.count(elsewhere)}) with practices based in another council", share),
        (f"practices serve them (of {formats.count(council['practices_with_residents'])} with any of its residents): "
         "one page each below", formats.count(practices)),
    ]


def _share_text(patients, share) -> str:
    if as_float(patients) is None:
        return str(patients)
    return f"{formats.count(patients)} ({formats.percent(share)})"


def _area_rows(rows: pd.DataFrame | None, top: int = pack.AREAS_SHOWN) -> list[tuple[str, object, str]]:
    """(area, share, 'patients (share)'), largest first; past `top`, one 'Other areas' row whose figure
    is only given when none of its cells is hidden (a sum over hidden cells could help undo them)."""
    if rows is None or rows.empty:
        return []
    out = [(str(r["area_name"]), r["share"], _share_text(r["patients"], r["share"]))
           for r in rows.head(top).to_dict("records")]
    rest = rows.iloc[top:]
    if not rest.empty:
        if rest["patients"].map(suppression.is_suppressed).any():
            out.append((f"Other areas ({len(rest)})", None, suppression.SECONDARY))
        else:
            out.append((f"Other areas ({len(rest)})", float(rest["share"].sum()),
                        _share_text(float(rest["patients"].sum()), float(rest["share"].sum()))))
    return out


def _pack_practice(row: dict, council_name: str, areas, outcomes, joint, images: Images) -> dict:
    code = str(row["practice_code"])
    based = str(row["home_council_name"] or "an unknown council")
    identity = [f"PCN: {row['pcn_name'] or 'none'} · Sub-ICB: {row['sub_icb_name'] or 'unknown'}"
                f" · ICB: {row['icb_name'] or 'unknown'}",
                f"Based in {based}{' (another council)' if row['based_elsewhere'] else ''}"
                f" · Postcode {row['postcode'] or 'unknown'} · {str(row['status'] or 'status unknown').capitalize()}"
                + (f", closed {formats.by_kind(row['close_date'], 'date')}"
                   if not formats.is_missing(row.get("close_date")) else "")]
    area_rows = _area_rows(areas)
    chart = ""
    if area_rows:
        chart = svg_charts.share_bars(
            area_rows, title=f"Where the patients of {row['practice_name']} live",
            desc="; ".join(f"{label}: {shown}" for label, _, shown in area_rows), width=420, label_width=170)
    residents = row["council_residents"]
    return {
        "code": code,
        "anchor": f"practice-{code}",
        "name": str(row["practice_name"]),
        "home_council": based,
        "council_residents": formats.count(residents),
        "council_share": formats.percent(row["council_share_of_list"]),
        "identity": identity,
        "facts": [("patients on its list", formats.count(row["list_size"])),
                  (f"of them live in {council_name}", _share_text(residents, row["council_share_of_list"]))],
        "areas_chart": images.img(chart),
        "outcomes": _pack_outcomes(outcomes, images),
        "joint": _pack_joint(joint),
        "domains": [(label, formats.by_kind(joint.get(field), "index")) for field, label in DOMAINS] if joint else [],
    }


def _pack_outcomes(rows: pd.DataFrame | None, images: Images) -> list[dict]:
    if rows is None or rows.empty:
        return []
    out = []
    for r in rows.to_dict("records"):
        unit = str(r["unit"])
        variation = r.get("spc_variation")
        variation = variation if variation in svg_charts.ICON_WORDS else None
        out.append({
            "name": str(r["name"]),
            "unit": "percentage of people" if unit == "%" else unit,
            "rate": formats.rate(r["rate"], unit),
            "ci": interval_text(r),
            "council_rate": formats.rate(r.get("council_rate"), unit),
            "council_reading": reading_text(r.get("council_reading")),
            "icon": images.spc_icon(variation),
            "status": status_words(variation),
        })
    return out


def _pack_joint(joint: dict | None) -> list[tuple[str, str]]:
    if not joint:
        return []
    value, rest = has_words(joint.get("has_attached_social_worker"), indicator_name(SOCIAL_WORKER))
    return [
        ("is the quarter of its latest return", str(joint["quarter_label"])),
        ("out of 100: its joint-working index", formats.by_kind(joint.get("joint_working_index"), "index",
                                                      missing="not scored (a domain is missing)")),
        (rest, value),
    ]
