"""Data and methods: where every number comes from, what the build rejected, and how each measure is defined.

The indicator definitions are generated from ref_indicators (the build's copy of etl/indicators/*.yml),
so this page cannot drift from the definitions the marts were built with. Each indicator has an anchor
(`/data-and-methods#<indicator_id>`) that other pages link to.

Nothing here depends on the filters: sources, rejections and definitions are the same for every area.
"""

from __future__ import annotations

import functools

import dash
import pandas as pd
from dash import Input, Output, clientside_callback, html

from dashboard import filters, formats, suppression
from dashboard.catalogue import header
from dashboard.components import deprivation as deprivation_cards
from dashboard.components import impact, peers, spend_outcomes, spine
from dashboard.components.cards import no_data
from dashboard.components.spc import MIN_POINTS
from dashboard.components.tables import column, data_grid
from dashboard.components.terms import term
from dashboard.components.words import plural
from dashboard.db import reference_query, run_query, warehouse_version
from etl.changes import KINDS
from etl.stats import funnels, intervals, seasonal, spc

dash.register_page(__name__, path="/data-and-methods", title="Data and methods - jointcare", name="Data and methods")

PREFIX = "data-and-methods"
POLARITY = {
    "higher_is_better": "Higher is better.",
    "lower_is_better": "Lower is better.",
}
DOMAIN_NAMES = {
    "time and space": "Time and space",
    "trust and awareness of roles": "Trust in and awareness of each other's roles",
    "shared priorities and outcomes": "Shared priorities and outcomes",
    "practical support": "Practical support",
}


SECTIONS = (
    ("sources", "Where the data come from"),
    ("rejected", "Rows the build rejected"),
    ("joint-working", "How each joint-working indicator is defined"),
    ("outcomes", "How each outcome measure is defined"),
    ("methods", "Methods, thresholds and the warehouse"),
)
# Sections other pages link to by a fixed anchor ("How this was worked out").
STATISTICS_SECTIONS = (("spc-method", "SPC charts and funnel plots"), ("impact-method", "Impact of joint working"),
                       ("small-numbers", "Small numbers: what is hidden and why"),
                       ("practice-counts", "Why pages count different numbers of practices"),
                       ("deprivation-method", "Deprivation: practices and councils"),
                       ("peers", "Similar areas and similar practices"),
                       ("spine-method", "Spine charts: every headline measure against England"),
                       ("changes-method", "What changed: how each change is found"))


def layout(**_query):
    # The page depends on the warehouse alone, never on the filters: drawn once per warehouse file.
    return _page(warehouse_version())


@functools.lru_cache(maxsize=2)
def _page(_version: int) -> html.Div:
    return html.Div([
        html.H1("Data and methods"),
        html.P("Where every number in this dashboard comes from, how complete each source is, which rows "
               "could not be used and why, and exactly how each indicator is worked out."),
        _build_note(),
        html.Nav(html.Ul([html.Li(html.A(title, href=f"#{PREFIX}-{key}")) for key, title in SECTIONS]
                         + [html.Li(html.A(title, href=f"#{key}")) for key, title in STATISTICS_SECTIONS]),
                 **{"aria-label": "Sections of this page"}),
        _sources_section(),
        _rejected_section(),
        *_indicator_sections(),
        _methods_section(),
        _spc_method_section(),
        _impact_method_section(),
        small_numbers_section(),
        _practice_counts_section(),
        _deprivation_method_section(),
        peers.method_section(*STATISTICS_SECTIONS[5]),
        _spine_method_section(),
        _changes_method_section(),
        # Dash renders the page after the browser has looked for the #anchor: scroll to it once drawn.
        html.Div(id=f"{PREFIX}-scroll", hidden=True),
    ])


clientside_callback(
    # The grids and charts above a section draw after it does and push it down the page (the Impact
    # method landed about 4,200 px above itself): so scroll to it, and again whenever it moves, until it
    # has stayed put for half a second, for at most 8 seconds, or until the user scrolls themselves.
    """function(hash) {
        if (!hash || hash.length < 2) { return window.dash_clientside.no_update; }
        var id = decodeURIComponent(hash.slice(1)), lastTop = null, still = 0, started = Date.now();
        var stop = false, halt = function() { stop = true; };
        ["wheel", "touchstart", "keydown", "mousedown"].forEach(function(name) {
            window.addEventListener(name, halt, {once: true, passive: true});
        });
        (function follow() {
            if (stop || Date.now() - started > 8000) { return; }
            var target = document.getElementById(id);
            if (target) {
                var top = target.getBoundingClientRect().top + window.scrollY;
                if (lastTop === null || Math.abs(top - lastTop) > 2) {
                    target.scrollIntoView(); lastTop = top; still = 0;
                } else if ((still += 100) >= 500) { return; }
            }
            setTimeout(follow, 100);
        })();
        return window.dash_clientside.no_update;
    }""",
    Output(f"{PREFIX}-scroll", "title"),
    Input("url", "hash"),
    Input(f"{PREFIX}-scroll", "id"),
)


def _build_note() -> html.P:
    build = reference_query("home__build")
    if build.empty:
        return html.P("The warehouse does not record when it was built.")
    row = build.iloc[0]
    built = pd.Timestamp(row["built_at"])
    text = (f"This warehouse was built on {built:%d %B %Y} at {built:%H:%M} (UTC) from the folder "
            f"'{row['raw_folder']}' by jointcare {row['jointcare_version']}.")
    if bool(row["is_demo"]):
        text += " Its data are fictional: they follow the real published layouts but describe a made-up area."
    return html.P(text)


# --- sources -------------------------------------------------------------------------------------------

def _covers(row) -> str:
    """'January 2023 to October 2025 (12 quarterly releases)', or why there is no period."""
    if pd.isna(row.last_period):
        return "Not dated (a lookup, boundary or reference file)" if row.files else "Nothing loaded"
    if pd.isna(row.first_period):
        return f"{row.period_kind.capitalize()}: {row.last_period}"
    if row.first_period == row.last_period:
        return f"{row.last_period} ({row.period_kind.rstrip('s')} only)"
    return f"{row.first_period} to {row.last_period} ({int(row.periods)} {row.period_kind})"


def _sources_section() -> html.Section:
    sources = reference_query("data_and_methods__sources")
    files = reference_query("data_and_methods__files")
    sources["covers"] = [_covers(row) for row in sources.itertuples()]
    sources["loaded"] = ["Yes" if n else "No" for n in sources["files"]]
    loaded = int((sources["files"] > 0).sum())
    summary = data_grid(f"{PREFIX}-sources", sources, [
        column("title", header("data_and_methods__sources.title"), minWidth=260, wrap=True, flex=3),
        column("publisher", header("data_and_methods__sources.publisher"), wrap=True, flex=2),
        column("loaded", header("data_and_methods__sources.loaded")),
        column("files", header("data_and_methods__sources.files"), "count", minWidth=100),
        column("rows_loaded", header("data_and_methods__sources.rows_loaded"), "count", minWidth=100),
        column("rows_rejected", header("data_and_methods__sources.rows_rejected"), "count", minWidth=100),
        column("covers", header("data_and_methods__sources.covers"), wrap=True, flex=2),
    ], caption="Every source the dashboard can use, and what this warehouse holds from each",
        file_name="jointcare-sources", page_size=25)
    return html.Section([
        html.H2(SECTIONS[0][1], id=f"{PREFIX}-sources"),
        html.P(f"{loaded} of the {len(sources)} sources jointcare knows were found in the raw folder, "
               f"{formats.count(len(files))} files in all. Each file is recognised by its header, checked row by row, "
               "and counted: rows read, rows loaded, and rows rejected (listed in the next section). "
               "A source that was not found leaves the pages that need it saying so."),
        summary,
        *[_source_detail(row, files[files["source"] == row.source]) for row in sources.itertuples()],
    ])


def _field(label: str, value, missing: str = "None") -> list:
    shown = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    return [html.Dt(label, className="col-sm-3"), html.Dd(shown or missing, className="col-sm-9")]



def _source_detail(row, files: pd.DataFrame) -> html.Section:
    heading_id = f"source-{row.source}-title"
    details = html.Dl([
        *_field("Publisher", row.publisher),
        # The address is shown as text, not a live link: the dashboard is used offline.
        *_field("Where to get it", row.url, "Not published online: a local file"),
        *_field("Published", row.schedule),
        *_field("Typical file", row.file_pattern),
        *_field("Data cover", row.covers),
        *_field("Notes", row.notes),
    ], className="row source-fields")
    if files.empty:
        body = no_data("No file of this source was found when the warehouse was built. Add the published "
                       "file to the raw folder and rebuild to use it.")
    else:
        body = html.Details([
            html.Summary(f"The {plural(len(files), 'file')} loaded: "
                         f"{plural(int(files['rows_loaded'].sum()), 'row')} loaded, "
                         f"{formats.count(int(files['rows_rejected'].sum()))} rejected"),
            data_grid(f"{PREFIX}-files-{row.source}", files, [
                column("file", header("data_and_methods__files.file"), minWidth=280, wrap=True, flex=3),
                column("sheet", header("data_and_methods__files.sheet"), minWidth=120),
                column("encoding", header("data_and_methods__files.encoding")),
                column("line_endings", header("data_and_methods__files.line_endings")),
                column("rows_read", header("data_and_methods__files.rows_read"), "count", minWidth=100),
                column("rows_loaded", header("data_and_methods__files.rows_loaded"), "count", minWidth=100),
                column("rows_rejected", header("data_and_methods__files.rows_rejected"), "count", minWidth=100),
                column("note", header("data_and_methods__files.note"), wrap=True, flex=2),
            ], caption=f"Files loaded from {row.title}", file_name=f"jointcare-files-{row.source}"),
        ], className="mb-2")
    return html.Section([html.H3(row.title, id=heading_id), details, body], id=f"source-{row.source}",
                        className="source-detail mt-4", **{"aria-labelledby": heading_id})


# --- rejected rows -------------------------------------------------------------------------------------

def _rejected_section() -> html.Section:
    summary = reference_query("data_and_methods__rejected_summary")
    heading = html.H2(SECTIONS[1][1], id=f"{PREFIX}-rejected")
    explain = html.P("A row is rejected when a value cannot be used as published: a count that is not a "
                     "whole number, a practice code no list knows, a line with the wrong number of fields. "
                     "Rejected rows are left out of every table and chart, and listed here so nothing is "
                     "dropped silently.")
    if summary.empty:
        return html.Section([heading, explain, html.P(
            "No rows were rejected: every row of every file loaded was used.",
            id=f"{PREFIX}-none-rejected", className="alert alert-success", role="status")])
    rows = reference_query("data_and_methods__rejected_rows")
    total = int(summary["rows_rejected"].sum())
    shown = (f"All {formats.count(total)} are listed below." if len(rows) >= total
             else f"The first {formats.count(len(rows))} of {formats.count(total)} are listed below, by file and line.")
    return html.Section([
        heading, explain,
        html.P(f"{formats.count(total)} row{'s were' if total != 1 else ' was'} rejected. {shown}",
               id=f"{PREFIX}-rejected-total"),
        html.H3("Rejected rows by source and reason"),
        data_grid(f"{PREFIX}-rejected-reasons", summary, [
            column("source_title", header("data_and_methods__rejected_summary.source_title"), minWidth=260, wrap=True,
                   flex=2),
            column("reason", header("data_and_methods__rejected_summary.reason"), minWidth=260, wrap=True, flex=3),
            column("rows_rejected", header("data_and_methods__rejected_summary.rows_rejected"), "count", minWidth=100),
            column("files", header("data_and_methods__rejected_summary.files"), "count", minWidth=100),
        ], caption="Rejected rows counted by source and reason", file_name="jointcare-rejected-by-reason"),
        html.H3("Every rejected row"),
        data_grid(f"{PREFIX}-rejected-rows", rows, [
            column("file", header("data_and_methods__rejected_rows.file"), minWidth=240, wrap=True, flex=2),
            column("sheet", header("data_and_methods__rejected_rows.sheet"), minWidth=120),
            column("line", header("data_and_methods__rejected_rows.line"), "count", minWidth=100),
            column("column_name", header("data_and_methods__rejected_rows.column_name")),
            column("value", header("data_and_methods__rejected_rows.value")),
            column("reason", header("data_and_methods__rejected_rows.reason"), minWidth=240, wrap=True, flex=3),
        ], caption="Rejected rows with their file, line, column, value and reason",
            file_name="jointcare-rejected-rows"),
    ])


# --- indicator definitions -----------------------------------------------------------------------------

def _scoring(row) -> str:
    if row.scoring_kind == "yes_no":
        return "100 for yes, 0 for no."
    if row.scoring_kind == "percent":
        return "Its percentage, at most 100."
    if row.scoring_kind == "target" and not pd.isna(row.scoring_target):
        return (f"100 × value ÷ {formats.number_as_set(row.scoring_target)} (the target, {row.unit}), "
                "at most 100.")
    return "Not scored."


def _indicator(row) -> html.Section:
    fields = [
        *_field("Definition", row.definition),
        *_field("Numerator", row.numerator),
        *_field("Denominator", "None: a count or yes/no" if row.denominator == "none" else row.denominator),
        *_field("Unit", row.unit),
        *_field("Which way is better", POLARITY.get(row.polarity, "Neither direction is better in itself.")),
    ]
    if row.kind == "joint_working":
        fields += [*_field("Success factor (domain)", DOMAIN_NAMES.get(row.domain, row.domain)),
                   *_field("Score in the index (0 to 100)", _scoring(row))]
    elif row.source_labels:
        fields += _field("Counted from", row.source_labels)
    fields += [
        *_field("Source", row.source_title),
        *_field("Why it matters", row.why_it_matters),
        # the file's name alone: where it sits in the code is the team's business
        *_field("Definition file", str(row.definition_file).rsplit("/", 1)[-1]),
    ]
    heading_id = f"{row.indicator_id}-title"
    return html.Section([
        html.H3([row.name, html.Span(f" ({row.indicator_id})", className="text-muted")], id=heading_id),
        html.Dl(fields, className="row indicator-fields"),
    ], id=row.indicator_id, className="indicator-definition mt-4", **{"aria-labelledby": heading_id})


def _indicator_sections() -> list[html.Section]:
    indicators = reference_query("data_and_methods__indicators")
    joint = indicators[indicators["kind"] == "joint_working"]
    outcomes = indicators[indicators["kind"] != "joint_working"]
    joint_intro = html.P([
        f"{len(joint)} indicators from the quarterly joint-working return, grouped by the four success "
        "factors for joint working between GPs and social workers. Each is scored 0 to 100; the ",
        term("joint-working index"), " is the equally weighted mean of the four domain scores (see Methods).",
    ])
    outcome_intro = html.P(
        f"{len(outcomes)} outcome measures for practices and councils. Practice measures are shared out to "
        "councils, and council measures to practices, by where each practice's patients live (see Methods).")
    sections = []
    for (key, title), frame, intro in ((SECTIONS[2], joint, joint_intro), (SECTIONS[3], outcomes, outcome_intro)):
        body = ([intro, *[_indicator(row) for row in frame.itertuples()]] if not frame.empty
                else [no_data("No definitions of this kind were loaded: check etl/indicators/ and rebuild.")])
        sections.append(html.Section([html.H2(title, id=f"{PREFIX}-{key}"), *body]))
    return sections


# --- methods and tables --------------------------------------------------------------------------------

def _practice_counts_section() -> html.Section:
    """Each page counts the practices its source covers, so 92, 89 and 87 can all be right at once."""
    counts = reference_query("data_and_methods__practice_counts")
    key, title = STATISTICS_SECTIONS[3]
    return html.Section([
        html.H2(title, id=key),
        html.P("Each page counts the practices that its data cover, so the counts differ: a practice that has "
               "closed is in the directory but not in the latest registrations, and a practice that did not send "
               "the quarter's joint-working return is not counted on Joint working. The latest period of each:"),
        data_grid(f"{PREFIX}-practice-counts", counts, [
            column("counted", header("data_and_methods__practice_counts.counted"), minWidth=220, wrap=True, flex=2),
            column("practices", header("data_and_methods__practice_counts.practices"), "count"),
            column("why", header("data_and_methods__practice_counts.why"), minWidth=300, wrap=True, flex=3),
        ], caption="Practices counted by each source, latest period", file_name="jointcare-practice-counts"),
    ], **{"aria-labelledby": key})


def _setting(value: float, unit: str) -> str:
    """A method setting as a reader would write it: a share as a percentage, a count or seed whole."""
    if unit == "share":
        # a setting is stated in round numbers (formats.py): whole per cents unless it has a fraction of one
        return formats.percent(value, 0 if round(value * 100, 6).is_integer() else 1)
    if unit in ("count", "months"):
        return formats.count(value) + (" months" if unit == "months" else "")
    if unit == "seed":
        return f"{value:.0f}"  # an identifier, not an amount: no thousands separator
    return formats.number_as_set(value)


def _methods_section() -> html.Section:
    method = reference_query("data_and_methods__method")
    tables = reference_query("home__tables")
    method["name"] = method["name"].str.replace("_", " ").str.capitalize()
    method["method_group"] = method["method_group"].str.replace("_", " ").str.capitalize()
    units = method["unit"] if "unit" in method else ["number"] * len(method)
    method["shown"] = [_setting(value, unit) for value, unit in zip(method["value"], units)]
    return html.Section([
        html.H2(SECTIONS[4][1], id=f"{PREFIX}-methods"),
        html.H3("How patients link practices to councils", className="mt-4"),
        html.P(["Every quarter NHS England publishes how many of each practice's patients live in each ",
                term("LSOA"), ". Each LSOA lies in one district and so in one ", term("social care council"),
                ". Adding up a practice's patients by council gives the share of its list each council is "
                "responsible for; the same shares ", term("apportioned", "apportioned"),
                " practice counts to councils and council figures to practices."]),
        html.P(["Periods: the filters choose a ", term("financial year"), ". Quarterly data (registrations, "
                "the joint-working return) use the latest quarter in that year, or the latest before its end. "
                "Monthly outcomes add up the year's months: a rate over the year is the sum of its numerators "
                "over the sum of its denominators. The BCF and ASCOF are reported per financial year."]),
        html.H3("BCF spend beside outcomes", className="mt-4", id=f"{PREFIX}-spend-outcomes"),
        html.P(spend_outcomes.method_words()),
        html.H3("Thresholds and weights", className="mt-4"),
        data_grid(f"{PREFIX}-method", method, [
            column("method_group", header("data_and_methods__method.method_group")),
            column("name", header("data_and_methods__method.name"), minWidth=200, wrap=True),
            column("shown", header("data_and_methods__method.shown")),
            column("meaning", header("data_and_methods__method.meaning"), minWidth=400, wrap=True, flex=4),
        ], caption="Method settings the build used", file_name="jointcare-method"),
        html.H3("Tables in the warehouse", className="mt-4"),
        html.P("Every table the build wrote, with its row count: the marts the pages read, the intermediate "
               "steps, reference lists, and the build's own records of what it loaded."),
        data_grid(f"{PREFIX}-tables", tables, [
            column("table_name", header("home__tables.table_name"), minWidth=280),
            column("row_count", header("home__tables.row_count"), "count", minWidth=100),
            column("layer", header("home__tables.layer")),
            column("grain", header("home__tables.grain"), minWidth=240, wrap=True, flex=2),
            column("note", header("home__tables.note"), wrap=True, flex=2),
        ], caption="Tables in the warehouse and their row counts", file_name="jointcare-tables", page_size=60),
    ])


# --- statistics: SPC, funnels, impact -------------------------------------------------------------------

def _spc_method_section() -> html.Section:
    return html.Section([
        html.H2(STATISTICS_SECTIONS[0][1], id="spc-method"),
        html.H3("SPC (XmR) charts, in the NHS Making Data Count style", className="mt-4"),
        html.P(["An ", term("SPC"), " chart plots a measure month by month (or quarter by quarter) around its mean. "
                "The ", term("process limits", "process limits"), f" are the mean ± {spc.LIMIT} × the mean moving "
                "range (the average difference between neighbouring points): about three standard deviations. "
                f"A chart needs at least {MIN_POINTS} points; with fewer the page says 'Too few months for an SPC chart'. "
                "The mean and limits come from the whole series shown, or, where there is a stated change point "
                "(a practice's first quarter with an attached social worker, on its profile), separately from "
                "each part."]),
        html.P(["A point is ", term("special cause", "special cause"), " when any of these rules flags it (else it is ",
                term("common cause", "common cause"), "):"]),
        html.Ul([
            html.Li("it lies outside the process limits;"),
            html.Li(f"it is in a run of {spc.RUN} or more points on the same side of the mean;"),
            html.Li(f"it is in a run of {spc.RUN} or more points each higher (or each lower) than the one before;"),
            html.Li("two of three neighbouring points on the same side of the mean lie beyond two thirds of the "
                    "way to a limit (only those near points are flagged)."),
        ]),
        html.P("Whether a special cause point is improving or concerning follows the measure's direction (fewer "
               "admissions is better). Points are marked by colour and shape everywhere: grey circle common "
               "cause, blue diamond improving, orange square concerning, purple hexagon where neither direction "
               "is better. The variation icon reads the latest point; the assurance icon, for a measure with a "
               "target, says whether the limits lie wholly on the passing side (consistently passing), wholly "
               "on the failing side (consistently failing) or around it (hit and miss). Where a limit works out "
               "below zero (or above 100%), it is drawn at zero (or 100%). The rules follow NHSRplotthedots "
               "(NHS-R Community, version 0.2) and the Making Data Count Excel tool. A point that breaks more than "
               "one rule takes its direction from the first of: outside the limits, a trend, two of three near a "
               "limit, a run on one side of the mean. So a rising trend reads as rising even while it is still "
               "below the mean, and the turning point shared by a falling and a rising trend takes the trend "
               "that starts there."),
        *_seasonal_method(),
        html.H3("Funnel plots and confidence intervals", className="mt-4"),
        html.P(["A ", term("funnel plot"), " shows each practice's value against its size. The comparator is the "
                "pooled value of the practices shown (all their events over all their denominators). The limits "
                "are drawn at 95% and 99.8% by the Public Health England (OHID Fingertips) method: exact Poisson "
                "limits for counts and rates, and Wilson score limits for proportions. A practice's significance "
                "compares its own 95% and 99.8% ", term("confidence interval"), " with the comparator, as "
                f"Fingertips does: {intervals.WILSON} intervals for proportions; for rates {intervals.BYAR}'s "
                f"method from {intervals.BYAR_FROM} events and the {intervals.EXACT_POISSON} interval below that. "
                "Significance is shown by shape as well as colour: triangles point up above the limits and down "
                "below them, filled beyond the 99.8% limits, open between 95% and 99.8%; an open circle is within "
                "the limits."]),
        html.P("Outcome funnels compare the practices of the selected council (or the council of the selected "
               "practice, PCN or locality; the ICB of a sub-ICB; every practice with nothing selected) over the "
               "selected year. Yearly ASCOF figures are shared out from councils, not counted at practices, so "
               "they have no funnel. The joint-working funnel uses JW04, care plans reviewed, whose return gives "
               f"both a numerator and a denominator. Levels drawn: {', '.join(formats.percent(level) for level in funnels.LEVELS)}."),
    ], className="mt-4")


def _seasonal_method() -> list:
    """How seasonal measures are charted, and each one's month-of-year index as the build estimated it."""
    index = reference_query("common__seasonal_index")
    intro = [
        html.H3("Measures that rise and fall with the seasons", className="mt-4", id="seasonal-method"),
        html.P(["Emergency admissions, A&E attendances, bed days, ambulatory care sensitive admissions and falls "
                "rise every winter. On a chart of the raw months every winter would be special cause (concerning) "
                "and every summer special cause (improving), and the icon would say only which season the latest "
                "month is in. So a measure whose definition file says it is seasonal is charted seasonally "
                "adjusted: each month's rate is divided by its month-of-year index, and the points, mean, limits, "
                "icon and every status in the cards and downloads read the adjusted series. The unadjusted rate "
                "stays on the chart as a dotted line, and in its table. ",
                f"The index: {seasonal.METHOD} (the classical multiplicative decomposition, as in the first pass of "
                "X-11). It is estimated once from the monthly rate of all the practices in the warehouse "
                "together, not from each practice or council, whose own months could not tell a season from "
                "chance. A measure is adjusted only when it is declared seasonal, has at least "
                f"{seasonal.MIN_MONTHS} months, and X-11's test for stable seasonality finds the pattern "
                f"(p below {seasonal.SIGNIFICANCE}). Yearly measures (ASCOF) and quarterly joint-working "
                "returns are not adjusted."]),
    ]
    if index.empty:
        return [*intro, html.P("No measure in this warehouse is declared seasonal with monthly data.")]
    tests = index.drop_duplicates("measure_id")
    verdicts = html.Ul([html.Li(f"{row.measure_name}: " + (
        f"adjusted (F = {formats.number(row.f_statistic, 1)} on {row.ratios} months with a centred average, p < 0.001)."
        if row.adjusted else str(row.note))) for row in tests.itertuples()])
    wide = index.pivot(index=["calendar_month", "month_name"], columns="measure_name",
                       values="seasonal_index").reset_index().sort_values("calendar_month")
    names = [name for name in tests["measure_name"]]
    fields = {name: f"m{position}" for position, name in enumerate(names)}
    table = data_grid(f"{PREFIX}-seasonal-index", wide.rename(columns=fields).round(3), [
        column("month_name", header("common__seasonal_index.month_name")),
        *[column(fields[name], name, "number", minWidth=150, wrap=True, catalogue="common__seasonal_index.seasonal_index")
          for name in names],
    ], caption="Month-of-year index of each seasonal measure (1 = an average month)",
        file_name="jointcare-seasonal-index", page_size=12)
    return [*intro, verdicts, table]


# NHS Digital's statement of its disclosure control for HES and ECDS (from September 2018), which also
# describes the rule it replaced: the anchor the issue names for jointcare's rule.
HES_DISCLOSURE_URL = ("https://digital.nhs.uk/data-and-information/data-tools-and-services/data-services/"
                      "hospital-episode-statistics/change-to-disclosure-control-methodology-for-hes-and-ecds-from-"
                      "september-2018")


def small_numbers_section() -> html.Section:
    """The one small-number rule, with the numbers read from etl/method.yml through suppression.py."""
    smallest, largest = 1, suppression.THRESHOLD - 1
    low, secondary = suppression.SUPPRESSED, suppression.SECONDARY
    return html.Section([
        html.H2(STATISTICS_SECTIONS[2][1], id="small-numbers"),
        html.P([html.Strong("The rule. "), suppression.RULE]),
        html.Ul([
            html.Li(f"Threshold: a count of people or events from {smallest} to {largest} is shown as \"{low}\", on "
                    "every page, in every table behind a chart and its \"Download these rows\" file, in hover text "
                    "and chart labels, and in the CSV files, the workbook, the PDF summary and the practice pack. "
                    "0 is shown: it identifies no one."),
            html.Li("Rates, percentages, confidence intervals and significance worked out from a hidden count are "
                    f"hidden with it (\"{low}\"), and so is a rate whose denominator is a count of "
                    f"{smallest} to {largest}: with the denominator shown, a rate gives its count straight back."),
            html.Li(f"Secondary suppression (\"{secondary}\"): where a total, a pooled rate printed beside the "
                    "denominators (a funnel plot's comparator, \"the practices listed, together\"), or the "
                    "registered list size would let a hidden count be worked out by subtraction, the smallest other "
                    f"count of {suppression.THRESHOLD} or more is hidden too, and more are hidden until no hidden "
                    "count can be pinned to one value. For a percentage, the denominator less the numerator is a "
                    f"count of people too (those not at home, say): when that is {smallest} to {largest} the "
                    f"numerator is hidden (\"{secondary}\")."),
            html.Li("On charts, a value worked out from a hidden count is not drawn: a practice's point on a funnel "
                    "plot (its position, value against denominator, gives the count back; Fingertips likewise does "
                    "not publish values from suppressed counts), a month on a line (a gap), a bar. A practice's or "
                    "area's SPC chart is not drawn when any of its months is hidden. Pooled figures (comparators, "
                    "limits, council spreads) still include every practice."),
        ]),
        html.P([html.Strong("What it follows, and where it differs. "),
                "The anchor is NHS Digital's disclosure control for Hospital Episode Statistics (",
                html.A("Disclosure control methodology for HES and ECDS", href=HES_DISCLOSURE_URL),
                "). Until September 2018 HES outputs replaced small values (1 to 5) with \"*\" and then applied "
                "secondary suppression, checking that no other value in the output could be used to recalculate "
                "them; since then NHS Digital replaces sub-national counts of 1 to 7 with \"*\" and rounds every "
                "other count to the nearest 5, so no secondary suppression is needed. jointcare follows the "
                f"earlier method, primary and secondary suppression, with a threshold of {suppression.THRESHOLD} "
                "(the figure its Downloads page has always promised), rather than rounding: the practice figures "
                "feed funnel plots, confidence intervals and SPC charts whose small-practice rates rounding to 5 "
                "would distort, and a dashboard redraws a table for any selection, which is what an automated "
                "secondary check (the reason NHS Digital moved to rounding) is for. NHS Digital applies no "
                "disclosure control to complex statistics such as confidence intervals; jointcare hides a crude "
                "rate and its interval with its count, because beside its denominator a crude rate is the count. "
                "The threshold and both markers are set in one place for every page and download, and listed "
                "with the other method settings above."]),
    ])


def _spine_method_section() -> html.Section:
    """How the spine charts of the practice profile, a council's Overview and the PDF summary are drawn."""
    return html.Section([
        html.H2(STATISTICS_SECTIONS[6][1], id="spine-method"),
        html.P("The practice profile, the Overview of a council on its own and the PDF summary put every headline "
               "measure in one chart: one row each, the area's rate against the spread of every council or every "
               "practice over the financial year."),
        html.P([spine.METHOD, " The scaling follows ", html.A("fingertipscharts", href=spine.FINGERTIPSCHARTS_URL),
                " (Public Health England's R package for Fingertips charts: area_profiles and its spine_rescaler)."]),
        html.P(spine.DIFFERENCES_INTRO),
        html.Ul([html.Li(difference) for difference in spine.DIFFERENCES]),
    ], className="mt-4")


def _changes_method_section() -> html.Section:
    """The rules of the What changed page, its feeds and `jointcare changes`, as etl/changes.py defines them."""
    return html.Section([
        html.H2(STATISTICS_SECTIONS[7][1], id="changes-method"),
        html.P("Each build of the warehouse compares itself with the release it replaces and records what changed; "
               "the entries of earlier builds are kept. A first build has nothing to compare with. A previous "
               "release made by an older jointcare is compared on what it has, and the release says what it could "
               "not compare. Each change is one of these:"),
        html.Dl([part for kind in KINDS.values() for part in (html.Dt(kind.title), html.Dd(kind.rule))]),
        html.P("The share that Better Care Fund spend must move by is the setting bcf_moved_share, with the other "
               "method settings above. Practices' own SPC readings are not listed: at England scale there are "
               "6,300 practices, and one practice's monthly rates vary enough to flood the list."),
    ], className="mt-4")


def _impact_method_section() -> html.Section:
    method_sentence = ""
    if impact.available():
        method = reference_query("joint_working__impact_method")
        if not method.empty:
            row = method.iloc[0]
            method_sentence = (f"{row['method']}, with {formats.count(int(row['bootstrap_reps']))} bootstrap samples. Panel: "
                               f"{int(row['periods'])} months.")
    return html.Section([
        html.H2(STATISTICS_SECTIONS[1][1], id="impact-method"),
        html.P(["Has joint working (a practice with an attached social worker) changed hospital and care home "
                "use? The estimate is a staggered ", term("difference-in-differences"), ": practices joined in "
                "different quarters, so each adopting practice's months after joining are compared with what the "
                "model predicts for them from practices that had not joined yet and practices that never joined "
                "(practice and month effects fitted on those months only), then added up as a % change with a 95% ",
                term("confidence interval"), " from a bootstrap that resamples whole practices."]),
        html.P(method_sentence) if method_sentence else html.P(
            "This warehouse has no impact estimate: it needs the joint-working return and the practice activity or "
            "social care extracts."),
        html.P("The implied change a year applies the % change to what the adopting practices would have had "
               "without joint working over the latest 12 months; the cost multiplies that by a published unit "
               "cost, whose source and price year are stated beside it. A council selection reads its council's "
               "estimate; any NHS filter or a locality reads the ICB containing it; no selection reads every "
               "practice. Areas with too few adopting or never-adopting practices have no estimate, and the "
               "pages say so. When the 95% interval includes zero the pages say 'no clear change'."),
        html.H3("Assumptions and how they are checked", className="mt-4"),
        html.Ul([html.Li([html.Strong(name + ": "), assumption, " ", check])
                 for name, assumption, check in impact.ASSUMPTIONS]),
    ], className="mt-4")


def _deprivation_method_section() -> html.Section:
    """How a practice's and a council's deprivation are worked out (mart_practice_deprivation and
    mart_council_deprivation; the decile words of dashboard/deprivation.py)."""
    summary = run_query("common__deprivation_practices", **filters.Selection().area_params())
    if deprivation_cards.loaded() and not summary.empty and not formats.is_missing(summary["imd_score"].iloc[0]):
        row = summary.iloc[0]
        in_this = (f"In this warehouse: {formats.count(row['practices_ranked'])} practices ranked, on "
                   f"{row['release']} ({deprivation_cards.source_words()}).")
    else:
        in_this = "This warehouse has no Indices of Deprivation file, so no practice or council has a score."
    return html.Section([
        html.H2(STATISTICS_SECTIONS[4][1], id="deprivation-method"),
        html.P(["The English Indices of Deprivation (MHCLG) give every small area (", term("LSOA"), ") an Index of "
                "Multiple Deprivation score: higher is more deprived. IoD2025, on 2021 LSOAs, is used when it is "
                "loaded; otherwise IoD2019, on 2011 LSOAs, is carried to 2021 LSOAs through the ONS lookup: the "
                "parts of a split LSOA keep its score, and a merged LSOA takes the population-weighted mean of its "
                "parts. The two releases are never mixed: their indicators differ, so their scores do not compare."]),
        html.P(["A practice's deprivation score is the mean of the scores of the LSOAs its registered patients "
                "live in, weighted by how many of its patients live in each (its latest registrations release): "
                "the method of the Fingertips GP profiles' 'Deprivation score (IMD 2019)', indicator 93553. "
                "Patients living outside England, or with no known LSOA, are left out. For a practice with "
                "patients a, b, c in LSOAs scoring A, B, C: (aA + bB + cC) / (a + b + c)."]),
        html.P(["Its decile ranks the practices of the latest release by score, 1 the highest: rank r of n is in "
                "decile floor(10 (r - 1) / n) + 1, so decile 1 holds the most deprived 10% of practices and "
                "decile 10 the least deprived (fingertipsR's deprivation_decile bins the Fingertips scores the same "
                "way). A practice that closed before the latest release keeps its score but has no decile. The "
                "deciles are among the practices loaded: national when every practice in England is."]),
        html.P(["A council's deprivation is the mean of its LSOAs' scores weighted by their populations (the IoD's "
                "own population denominators): MHCLG's 'IMD - Average score' for upper-tier local authorities "
                "(IoD File 11). Councils are ranked and put into deciles the same way as practices."]),
        html.P(["The deprivation filter keeps the practices of one decile on every page; council figures (ASCOF) "
                "are not filtered by it. The Outcomes page shows each measure by practice deprivation decile: the "
                "counts and denominators of each decile's practices pooled, with 95% confidence intervals. ",
                in_this]),
    ], className="mt-4")

