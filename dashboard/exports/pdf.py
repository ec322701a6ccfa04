"""PDF downloads: the one-page councillor summary, and the council's practice pack.

Both are HTML (Jinja templates in templates/) with SVG charts from svg_charts.py, drawn to A4 by
WeasyPrint: no browser and no image files (the SVGs are served to WeasyPrint from memory, see `Images`),
so the text in the PDF is real text (searchable, tagged for screen readers, extractable by tests with
pdftotext) and the charts are vectors that stay sharp in print.

* `summary_pdf(summary)` writes a `dashboard.exports.summary.Summary` (already suppressed) as one A4
  page, two at most.
* `practice_pack_pdf(council_code, period)` writes one page per practice serving the council's
  residents, as one document; its figures come from pack.py (set-based queries, suppressed there).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import re
from pathlib import Path

import jinja2
import pandas as pd
import weasyprint
from markupsafe import Markup

from dashboard import formats
from dashboard.components import comparison as comparison_words
from dashboard.components.sources import source_title
from dashboard.components.words import plural
from dashboard.exports import funnel_limits, narrative, pack, suppression, svg_charts
from dashboard.formats import as_float
from etl.models import indicator_definitions
from etl.stats import spc

TEMPLATES = Path(__file__).with_name("templates")
SPC_ICONS = Path(__file__).resolve().parents[2] / "assets" / "spc"  # the dashboard's icons (dashboard/app.py ROOT)
SPARK_MONTHS = 36  # months drawn in a sparkline: three years reads clearly at this size
BCF_SCHEME_TYPES = 5  # scheme types drawn one by one; the rest are added up as "Other scheme types"


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


@functools.lru_cache(maxsize=1)
def _css() -> Markup:
    return Markup((TEMPLATES / "base.css").read_text())


class Images:
    """The SVG charts of one document, each referenced by an <img> with a made-up URL and served from
    memory when WeasyPrint asks for it.

    Why not inline <svg>: WeasyPrint parses and styles every element of inline SVG as part of the page,
    and a pack has ~300 pages of icons; as images, identical SVG text gets one URL, so each icon is
    parsed once, and the HTML is less than half the size (measured: the pack's layout time halves).
    """

    SCHEME = "jointcare-image:"

    def __init__(self):
        self._by_url: dict[str, bytes] = {}

    def img(self, svg_text: str, size: float | None = None) -> Markup:
        """An <img> of the SVG, sized as the SVG says (or size x size), with the SVG's aria-label (else
        its <title>) as its alternative text."""
        if not svg_text:
            return Markup("")
        data = svg_text.encode()
        url = f"{self.SCHEME}{hashlib.blake2b(data, digest_size=12).hexdigest()}.svg"
        self._by_url[url] = data
        width, height = ((size, size) if size else
                         (re.search(rf'{name}="([0-9.]+)"', svg_text).group(1) for name in ("width", "height")))
        label = re.search(r'aria-label="([^"]*)"', svg_text) or re.search(r"<title>([^<]*)</title>", svg_text)
        alt = html.unescape(label.group(1)) if label else ""
        return Markup('<img src="{}" alt="{}" style="width:{}px;height:{}px">').format(url, alt, width, height)

    def spc_icon(self, variation: str | None, size: float = 16) -> Markup:
        """The variation icon the dashboard shows (assets/spc/variation-<key>.svg, the Making Data Count
        icons), so the PDF and the pages look the same; svg_charts' own icon when there is no such file
        (a series too short for SPC)."""
        path = SPC_ICONS / f"variation-{variation}.svg"
        if variation and path.is_file():
            return self.img(_icon_file(path), size)
        return self.img(svg_charts.spc_icon(variation, size))

    def fetcher(self) -> weasyprint.URLFetcher:
        return _MemoryFetcher(self._by_url)


@functools.lru_cache(maxsize=32)
def _icon_file(path: Path) -> str:
    return path.read_text()


class _MemoryFetcher(weasyprint.URLFetcher):
    """Serves the document's own images; anything else (say a URL inside a hostile practice name) is
    refused, so writing a PDF never reaches the network or the file system."""

    def __init__(self, by_url: dict[str, bytes]):
        super().__init__(allowed_protocols=())
        self._by_url = by_url

    def fetch(self, url, headers=None):
        if url in self._by_url:
            return weasyprint.urls.URLFetcherResponse(url, self._by_url[url], {"Content-Type": "image/svg+xml"})
        raise ValueError(f"resources are not fetched when writing a PDF: {url[:80]}")


def render(template: str, images: Images | None = None, tagged: bool = True, **context) -> bytes:
    """A template rendered to PDF bytes (fonts found by fontconfig; nothing fetched from the network).

    tagged: a tagged PDF (headings, tables, lists and the images' alternative text in the structure tree),
    so screen readers can read it in order.
    """
    html = _environment().get_template(template).render(css=_css(), **context)
    fetcher = (images or Images()).fetcher()
    return weasyprint.HTML(string=html, base_url=str(TEMPLATES), url_fetcher=fetcher).write_pdf(pdf_tags=tagged)


# ---------------------------------------------------------------------------------------------------
# The summary

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


def status_words(variation) -> str:
    words = svg_charts.ICON_WORDS.get(str(variation), "not enough months for a control chart")
    return words[:1].upper() + words[1:]


def _change_text(row: dict) -> str:
    """The change on the same months a year before, as gather said it (components/comparison.py)."""
    words = row.get("change_reading")
    if suppression.is_suppressed(words):
        return "change not shown: small numbers"
    return str(words) if isinstance(words, str) else ""


def _ci_text(row: dict) -> str:
    low, high = row.get("ci_low"), row.get("ci_high")
    if as_float(low) is None or as_float(high) is None:
        return "interval not shown" if isinstance(low, str) or isinstance(high, str) else ""
    unit = str(row.get("unit", ""))
    # the method beside every interval (issue 5: named in every table that shows one)
    method = f" ({row['ci_method']})" if row.get("ci_method") else ""
    return f"{formats.rate(low, unit)} to {formats.rate(high, unit)}{method}"


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
                title=f"{name} by month, {formats.month_short(series['month'].iloc[0])} to {formats.month_short(series['month'].iloc[-1])}",
                desc=(f"Monthly rate ({unit}){', seasonally adjusted,' if adjusted else ''} with its mean and "
                      f"process limits; {special} month{'' if special == 1 else 's'} marked as special cause "
                      "variation." if limits else
                      f"Monthly rate ({unit}); some months are hidden under the small-number rule (gaps), so "
                      "the mean and process limits are not drawn."),
                first_label=formats.month_short(series["month"].iloc[0]), last_label=formats.month_short(series["month"].iloc[-1]),
                width=160, height=32))
        variation = row.get("spc_variation")
        variation = variation if isinstance(variation, str) and variation else None
        rows.append({
            "name": name,
            "unit": "percentage of people" if unit == "%" else unit,
            "rate": formats.rate(row.get("rate"), unit),
            "ci": _ci_text(row),
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


def _joint_facts(joint: dict | None) -> list[tuple[str, str]]:
    returning = as_float((joint or {}).get("practices_returning"))
    if not returning:
        return []
    share = as_float(joint.get("share"))
    with_worker = joint.get("with_attached_social_worker")
    verb = "has" if 1 in (returning, with_worker) else "have"
    facts = [(f"of the {plural(int(returning), 'practice')} making a return (of {formats.count(joint.get('practices'))} "
              f"selected) {verb} {with_article(indicator_name(SOCIAL_WORKER))}"
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
        desc="; ".join(f"{label}: planned {formats.money_compact(p, missing='none')}, actual {formats.money_compact(a, missing=formats.NOT_REPORTED)}"
                       for label, p, a in rows))
    return {"bcf_chart": images.img(chart), "bcf_total": total, "bcf_empty": ""}


def reading_text(reading) -> str:
    """A comparison's reading cell (gather, components/comparison.py), or why there is none."""
    if suppression.is_suppressed(reading):
        return "Not tested: small numbers"
    return str(reading) if isinstance(reading, str) and reading else "Not tested"


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


# ---------------------------------------------------------------------------------------------------
# The practice pack

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
            f"{formats.percent(comparison_words.SMALL, 0)}. \"Within what chance would give\": inside the funnel limits "
            f"around {council_name}'s rate, which can be wider than the practice's own interval. In full: "
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
                + (f", closed {formats.by_kind(row['close_date'], 'date')}" if not formats.is_missing(row.get("close_date")) else "")]
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
            "ci": _ci_text(r),
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
