"""Practice profile (/practice/<code>): everything about one practice, against its PCN, council and ICB.

Who the practice is; who its patients are (list size, age profile); where they live (council split and
map), which decides whose social care rules apply to them; how closely it works with social care;
how its outcomes compare; and the Better Care Fund of the councils its patients live in.

The code in the address is matched without regard to case. An unknown or malformed code gets a
friendly page listing what the search box would find for it (dashboard/search.py: practices by code,
name or postcode, the practices nearest a postcode, areas), never an error. The financial year
comes from the global filter (`?period=`); the area filters do not apply here: the address names
the practice.
"""

from __future__ import annotations

from urllib.parse import unquote

import dash
import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import catalogue, filters, formats, palette, search, suppression
from dashboard.catalogue import header
from dashboard.components import deprivation, figures, later, peers
from dashboard.components.cards import chart_card, headline, no_data, period_note
from dashboard.components.maps import boundary_sentence, lsoa_choropleth, with_map_config
from dashboard.components.sources import is_loaded, source_title
from dashboard.components.spc import change_point, hidden_points_status, xmr_card
from dashboard.components.spine import spine_card, spine_rows
from dashboard.components.tables import column, data_grid
from dashboard.components.terms import term
from dashboard.components.trends import trend_figure
from dashboard.db import reference_query, run_query
from etl.stats.spc import improvement_for

PREFIX = "practice"


def _title(code: str | None = None, **_query) -> str:
    shown = unquote(code or "").strip().upper()[:20]
    return f"Practice {shown} - jointcare" if shown else "Practice profile - jointcare"


SHOWS = ("outcomes", "registrations")  # the year it opens on: filters.default_period
dash.register_page(__name__, path_template="/practice/<code>", title=_title, name="Practice profile",
                   shows=SHOWS)

HOME_RULES = {"postcode": "the council of its postcode",
              "largest share of patients": "the council where most of its patients live"}
# (field, label) of the index and its domains: the trend chart's lines and the grid's columns
DOMAINS = tuple((field, catalogue.label(f"practice__joint_working_trend.{field}")) for field in (
    "joint_working_index", "time_and_space", "trust_and_roles", "shared_priorities", "practical_support"))
# The map is fitted to the LSOAs holding at least this share of the list (as on the Catchment page), so
# a few patients far away do not shrink the practice's own area to a speck.
FOCUS_SHARE = 0.005


def layout(code: str | None = None, **query):
    selection, note = filters.for_page(query, SHOWS)
    period = selection.params()["period"]
    wanted = unquote(code or "").strip().upper()
    profile = run_query("practice__profile", code=wanted) if wanted else pd.DataFrame()
    if profile.empty:
        return _not_found(unquote(code or "").strip(), selection)
    practice = profile.iloc[0]
    # the parts below 'about' arrive in responses of their own (components/later.py)
    state = {"code": str(practice["practice_code"]), "period": period,
             **({"measure": query["measure"]} if isinstance(query.get("measure"), str) else {})}
    return html.Div([
        html.H1(practice["practice_name"]),
        *period_note(note),
        html.P(f"Practice {practice['practice_code']}: its patients, joint working with social care, outcomes and "
               f"the pooled budget where its patients live, for {period}. Change the financial year in the filters "
               "above.", className="lead-in"),
        _about(practice, selection),
        *[later.later(PREFIX, part, state, what=what) for part, (what, _) in LATER_PARTS.items()],
    ])


def _draw_later(part: str, state: dict) -> object:
    """A part below 'about', from the state its placeholder carried (user input: checked here)."""
    code, period = state.get("code"), state.get("period")
    profile = run_query("practice__profile", code=code) if isinstance(code, str) else pd.DataFrame()
    if part not in LATER_PARTS or profile.empty or not isinstance(period, str) \
            or not filters.PERIOD_PATTERN.match(period):
        return later.not_drawn()
    practice = profile.iloc[0]
    params = {"code": practice["practice_code"], "period": period}
    return LATER_PARTS[part][1](practice, params, state.get("measure"))


# --- not found -----------------------------------------------------------------------------------------

def _not_found(raw: str, selection: filters.Selection) -> html.Div:
    """What the address named, looked for as the search box would (dashboard/search.py): a practice by
    name, a code with a slip in it, an area, or a postcode with the practices nearest it."""
    shown = raw[:40]
    query = selection.query_string()
    found = search.search(raw, page=f"/{PREFIX}", period=selection.period)
    if found.results:
        offer = html.Div([
            html.P(f"{found.nearest_to} is a postcode: the practices nearest it come first."
                   if found.nearest_to else "Did you mean one of these?"),
            html.Ul([html.Li([dcc.Link(result.label, href=result.href),
                              f" – {result.kind}" + (f": {result.detail}" if result.detail else "")])
                     for result in found.results], id=f"{PREFIX}-suggestions"),
        ])
    else:
        offer = html.P(f"Nothing the search finds is close to '{shown}': no practice, network or area has a "
                       "code or name like it." if shown else "")
    return html.Div([
        html.H1("Practice not found"),
        html.P(f"No practice has the code {shown}." if shown else "The address does not name a practice.",
               id=f"{PREFIX}-not-found"),
        html.P("Practice codes are six characters, a letter and five digits, like A81001: check the address."),
        *([html.P(found.note, id=f"{PREFIX}-search-note")] if found.note else []),
        offer,
        html.P([dcc.Link("Go to the overview", href=f"/{query}"), " or ",
                dcc.Link("see every practice's catchment", href=f"/catchment{query}"),
                ", or use the search box at the top of the page."]),
    ])


# --- about ---------------------------------------------------------------------------------------------

def _dl(pairs: list[tuple[str, object]]) -> html.Dl:
    items = []
    for label, value in pairs:
        items += [html.Dt(label, className="col-sm-3"), html.Dd(value, className="col-sm-9")]
    return html.Dl(items, className="row")


def _why_not_by_postcode(postcode) -> str:
    """Why a practice's home council was not read from its postcode: none is known, the postcode directory
    is not loaded, or the postcode is not in it."""
    if pd.isna(postcode) or not str(postcode).strip():
        return "its postcode is not known"
    if not is_loaded("postcode_directory"):
        return f"its postcode, {postcode}, cannot be placed: the ONS postcode directory is not loaded"
    return f"its postcode, {postcode}, is not in the ONS postcode directory loaded"


def _about(practice, selection: filters.Selection) -> html.Section:
    status = str(practice["status"] or "unknown")
    if pd.notna(practice["close_date"]):
        status += f" (closed {pd.Timestamp(practice['close_date']):%d %B %Y})"
    home = practice["home_council_name"] if pd.notna(practice["home_council_name"]) else "not known"
    rule = HOME_RULES.get(practice["home_council_rule"], practice["home_council_rule"])
    if practice["home_council_rule"] == "largest share of patients":
        rule += f" ({_why_not_by_postcode(practice['postcode'])})"
    locality = ("not known" if pd.isna(practice["main_locality_name"]) else
                f"{practice['main_locality_name']} ({formats.percent(practice['share_in_main_locality'])} of its patients)")
    query = filters.Selection(period=selection.period, practice=practice["practice_code"]).query_string()
    return html.Section([
        html.H2("About the practice", className="mt-5"),
        _dl([
            ("Practice code", practice["practice_code"]),
            ("Status", status.capitalize()),
            ("Postcode", practice["postcode"] if pd.notna(practice["postcode"]) else "not known"),
            (term("PCN"), f"{practice['pcn_name']} ({practice['pcn_code']})"),
            (term("sub-ICB"), f"{practice['sub_icb_name']} ({practice['sub_icb_code']})"),
            (term("ICB"), practice["icb_name"]),
            ("Home council", f"{home}: {rule}" if rule else home),
            ("Main council locality", locality),
        ]),
        html.P(["See it beside other practices on the ",
                dcc.Link("Catchment", href=f"/catchment{query}"), ", ",
                dcc.Link("Joint working", href=f"/joint-working{query}"), " and ",
                dcc.Link("Outcomes", href=f"/outcomes{query}"), " pages."]),
    ])


# --- patients: list size, age, where they live ---------------------------------------------------------

def _band_label(band: str) -> str:
    if band.endswith("+"):
        return f"{band[:-1]} and over"
    return band.replace("_", " to ")


def _patients_section(params: dict) -> html.Section:
    age = run_query("practice__age", **params)
    split = run_query("practice__council_split", **params)
    return html.Section([
        html.H2("Who its patients are and where they live", className="mt-5"),
        _headlines(age, split),
        _deprivation(params["code"]),
        _age_card(age, params["period"], params["code"]),
        _split_card(split, params["period"], params["code"]),
    ])


def _deprivation(code: str) -> html.Div:
    """Its patients' deprivation: its national decile in words (components/deprivation.py)."""
    if not deprivation.loaded():
        return html.Div()
    card = deprivation.practice_card(
        run_query("common__deprivation_practices", **filters.Selection(practice=code).area_params()))
    if card is None:
        return no_data("None of its patients lives in an English LSOA with a deprivation score, so it has none.")
    return html.Div([html.Div(card, className="headlines"), html.P(deprivation.method_link(), className="chart-units")],
                    id=f"{PREFIX}-deprivation")


def _release_note(frame: pd.DataFrame, period: str) -> str:
    if frame.empty:
        return ""
    note = formats.month(frame["release"].iloc[0])
    if bool(frame["release_after_period"].iloc[0]):
        note += f" (the earliest release loaded: none is from {period} or before)"
    return note


def _headlines(age: pd.DataFrame, split: pd.DataFrame) -> html.Div:
    cards = []
    if not age.empty:
        size, older = int(age["list_size"].iloc[0]), int(age["patients_65_plus"].iloc[0])
        cards.append(headline("Registered patients", formats.count(size), f"{formats.month(age['release'].iloc[0])} release"))
        cards.append(headline("Aged 65 and over", formats.percent(older / size) if size else "none",
                              f"{formats.count(older)} patients"))
    if not split.empty:
        elsewhere = int(split.loc[(split["area_kind"] != "unknown residence") & ~split["is_home_council"].astype(bool),
                                  "patients"].sum())
        known = int(split.loc[split["area_kind"] != "unknown residence", "patients"].sum())
        councils = int((split["area_kind"] == "council").sum())
        cards.append(headline("Living under another council", formats.percent(elsewhere / known) if known else "not known",
                              f"{formats.count(elsewhere)} of {formats.count(known)} patients whose address is known; "
                              f"{councils} council{'s' if councils != 1 else ''} in all"))
    if not cards:
        return no_data("Neither the age-band file nor the registrations by area include this practice, so its "
                       "list size is not known.")
    return html.Div(cards, id=f"{PREFIX}-headlines", className="headlines")


def _age_card(age: pd.DataFrame, period: str, code: str | None = None) -> html.Section | html.Div:
    if age.empty:
        return no_data("No age-band release includes this practice: add the 'patients registered by 5-year age "
                       "band' file and rebuild to see its age profile.")
    age = age.assign(band=[_band_label(band) for band in age["age_band"]],
                     share=age["patients"] / age["list_size"].where(age["list_size"] > 0))
    older = age["age_lower"] >= 65
    age = hide_patients(age, groups=[list(older)])  # the 65+ total is printed below
    fig = go.Figure()
    for index, (mask, name, pattern) in enumerate(((~older, "Under 65", ""), (older, "65 and over", "/"))):
        rows = age[mask & ~age["patients"].map(suppression.is_suppressed)]  # a hidden band is not drawn
        style = palette.series_style(index)
        fig.add_trace(go.Bar(
            y=rows["band"], x=rows["patients"], orientation="h", name=name, customdata=rows["share"],
            # overlay: the hatching is drawn over the bar's colour (plotly's default, replace, draws
            # the hatching alone, white on nothing: invisible bars)
            marker={"color": style["color"], "pattern": {"shape": pattern, "fgcolor": "white", "fillmode": "overlay"}},
            hovertemplate=(f"Aged %{{y}}: {formats.hover('count', 'x')} patients "
                           f"({formats.hover('percent', 'customdata')} of the list)<extra></extra>"),
        ))
    figures.styled(fig, x_title="Registered patients", y_title="Age band (years)", height=520)
    fig.update_yaxes(categoryorder="array", categoryarray=list(age["band"]))
    size, over = int(age["list_size"].iloc[0]), int(age["patients_65_plus"].iloc[0])
    table = data_grid(f"{PREFIX}-age", age, [
        column("band", header("practice__age.band")), column("patients", header("practice__age.patients"), "count"),
        column("share", header("practice__age.share"), "percent"),
    ], caption="Registered patients by age band", file_name="practice-age-profile")
    return chart_card(
        f"{PREFIX}-age-chart", title="Its patients by age", units="Registered patients in each 5-year age band",
        figure=fig, table=table, source=source_title("practice_age"), data_date=_release_note(age, period),
        description=(f"{formats.count(over)} of its {formats.count(size)} patients ({formats.percent(over / size)}) are aged 65 or over, the age group "
                     "most social care serves." if size else None), area=code
    )


def hide_patients(frame: pd.DataFrame, *, groups=()) -> pd.DataFrame:
    """Patients counted in parts of the practice's list (age bands, councils, LSOAs), small counts hidden;
    the list size is printed (and public), so each set of parts has a shown total."""
    return suppression.parts_of_a_shown_total(frame, "patients", derived=["share"], groups=groups)


def _area_label(row) -> str:
    if row.area_kind == "outside England":
        return f"{row.area_name} (outside England)"
    if row.area_kind != "council":
        return str(row.area_name)  # says why: 'Recorded as CLOSED (no current address)'
    return f"{row.area_name} (home council)" if row.is_home_council else str(row.area_name)


def _split_card(split: pd.DataFrame, period: str, code: str | None = None) -> html.Section | html.Div:
    if split.empty:
        return no_data("No registrations by small area include this practice, so where its patients live is not "
                       "known. Add the quarterly GP registrations by LSOA and rebuild.")
    split = hide_patients(split.assign(label=[_area_label(row) for row in split.itertuples()]))
    drawn = split[~split["patients"].map(suppression.is_suppressed)]  # a hidden count's bar would give it away
    fig = go.Figure(go.Bar(
        y=drawn["label"], x=drawn["share"], orientation="h", customdata=drawn["patients"],
        marker={"color": palette.NHS_BLUE}, text=[formats.percent(share) for share in drawn["share"]], textposition="auto",
        hovertemplate=(f"%{{y}}: {formats.hover('percent', 'x')} of the list "
                       f"({formats.hover('count', 'customdata')} patients)<extra></extra>"),
    ))
    figures.styled(fig, x_title="Share of the practice's registered patients", height=120 + 48 * len(split),
                   legend=False)
    fig.update_xaxes(tickformat=".0%", rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    top = split.iloc[0]
    table = data_grid(f"{PREFIX}-council-split", split, [
        column("label", header("practice__council_split.label"), minWidth=200),
        column("area_code", header("practice__council_split.area_code")),
        column("patients", header("practice__council_split.patients"), "count"),
        column("share", header("practice__council_split.share"), "percent"),
    ], caption="Patients by the council they live in", file_name="practice-council-split")
    return chart_card(
        f"{PREFIX}-split-chart", title="Which councils its patients live in",
        units="Share of the practice's registered patients, by the social care council of their home",
        figure=fig, table=table, source=source_title("registrations"), data_date=_release_note(split, period),
        description=("" if suppression.is_suppressed(top["share"]) else
                     f"{formats.percent(top['share'])} of its patients live in {top['area_name']}. ")
        + "Each council's eligibility rules and pooled budget apply to the patients who live in it.", area=code
    )


def _map_card(params: dict) -> html.Section | html.Div:
    patients = run_query("practice__lsoa_patients", **params)
    if patients.empty:
        return no_data("There are no registrations by small area for this practice to map.")
    if not is_loaded("lsoa_boundaries"):
        return no_data("No LSOA boundaries are loaded, so the map cannot be drawn. Add the ONS LSOA (2021) "
                       "boundaries and rebuild.")
    release = run_query("practice__council_split", **params)["release"]
    # where the map is centred (the areas holding most of its patients) shows no count: from the raw shares
    focus = patients.loc[patients["share"] >= FOCUS_SHARE, "lsoa_code"]
    patients = hide_patients(patients)
    frame = patients.rename(columns={"patients": "value"})[["lsoa_code", "lsoa_name", "value", "share",
                                                             "council_name"]]
    home = run_query("practice__profile", code=params["code"])["home_council_code"]
    fig = lsoa_choropleth(
        frame, colour_title="Patients", focus=focus,
        home_council=str(home.iloc[0]) if len(home) and pd.notna(home.iloc[0]) else None,
        hovertemplate=(f"%{{customdata[0]}} (%{{customdata[2]}}): {formats.hover('count', 'z')} patients, "
                       f"{formats.hover('percent', 'customdata[1]')} of the list<extra></extra>"))
    boundaries = f" {sentence}" if (sentence := boundary_sentence(fig)) else ""
    table = data_grid(f"{PREFIX}-lsoas", patients, [
        column("lsoa_code", header("practice__lsoa_patients.lsoa_code")),
        column("lsoa_name", header("practice__lsoa_patients.lsoa_name"), minWidth=160),
        column("council_name", header("practice__lsoa_patients.council_name")),
        column("patients", header("practice__lsoa_patients.patients"), "count"),
        column("share", header("practice__lsoa_patients.share"), "percent"),
    ], caption="Patients by the small area (LSOA) they live in", file_name="practice-patients-by-lsoa")
    centred = (f" The map is centred on the {formats.count(len(focus))} areas with at least {formats.percent(FOCUS_SHARE)} of its patients; "
               "drag or scroll to see the rest." if 0 < len(focus) < len(patients) else "")
    return with_map_config(chart_card(
        f"{PREFIX}-map", title="Where its patients live", units=["Registered patients in each ", term("LSOA")],
        figure=fig, table=table, source=source_title("registrations", "lsoa_boundaries"),
        data_date=formats.month(release.iloc[0]) if not release.empty else "",
        description=(f"Its patients live in {formats.count(len(patients))} small areas; the darker the area, the more of "
                     f"them.{centred}{boundaries}"), area=params["code"]
    ))


# --- joint working -------------------------------------------------------------------------------------

def _joint_working_section(params: dict) -> html.Section:
    heading = html.H2("How closely it works with social care", className="mt-5")
    if not is_loaded("joint_working_return"):
        return html.Section([heading, no_data("No joint-working return is loaded. Add the practices' quarterly "
                                              "returns and rebuild.")])
    trend = run_query("practice__joint_working_trend", **params)
    if trend.empty:
        return html.Section([heading, no_data(f"This practice made no joint-working return in or before "
                                              f"{params['period']}.")])
    latest = run_query("practice__joint_working_latest", **params)
    last = trend.iloc[-1]
    fig = go.Figure()
    for index, (field, name) in enumerate(DOMAINS):
        figures.line_series(fig, trend["quarter_start"].dt.strftime("%Y-%m-%d"), trend[field], name, index,
                            f"<b>{name}</b><br>%{{customdata}}: {formats.hover('index')} out of 100",
                            customdata=trend["quarter_label"])
    figures.styled(fig, x_title="Quarter (first day)", y_title="Score (0 to 100)", height=400)
    fig.update_yaxes(range=[0, 102])
    fig.update_xaxes(type="date", tickformat="%b %Y")
    index_text = ("no index (a domain had nothing scored)" if pd.isna(last["joint_working_index"])
                  else f"an index of {formats.by_kind(last['joint_working_index'], 'index')} out of 100")
    table = data_grid(f"{PREFIX}-jw-trend", trend, [
        column("quarter_label", header("practice__joint_working_trend.quarter_label")),
        *[column(field, header(f"practice__joint_working_trend.{field}"), "index", minWidth=105) for field, _ in DOMAINS],
    ], caption="Joint-working index and domain scores by quarter", file_name="practice-joint-working-trend")
    card = chart_card(
        f"{PREFIX}-jw-chart", title="Its joint-working index and domain scores over time",
        units=["Score out of 100; the ", term("joint-working index"), " is the mean of the four domains"],
        figure=fig, table=table, source=source_title("joint_working_return"), data_date=last["quarter_label"],
        description=f"In {last['quarter_label']} the practice had {index_text}.", area=params["code"])
    return html.Section([
        heading, card,
        html.H3(f"Its joint-working indicators in {last['quarter_label']}", className="mt-4"),
        html.P(["What the practice returned, and the 0 to 100 score each answer earns in the index. ",
                dcc.Link("How each indicator is defined", href="/data-and-methods#data-and-methods-joint-working"),
                "."]),
        data_grid(f"{PREFIX}-jw-latest", latest, [
            column("indicator_id", header("practice__joint_working_latest.indicator_id"), minWidth=80),
            column("indicator_name", header("practice__joint_working_latest.indicator_name"), minWidth=220, wrap=True,
                   flex=2),
            column("domain", header("practice__joint_working_latest.domain"), minWidth=160, wrap=True),
            column("value_text", header("practice__joint_working_latest.value_text"), minWidth=150, wrap=True),
            column("score", header("practice__joint_working_latest.score"), "index", minWidth=105),
            column("notes", header("practice__joint_working_latest.notes"), wrap=True),
        ], caption=f"Joint-working indicators returned for {last['quarter_label']}",
            file_name="practice-joint-working-indicators"),
    ])


# --- outcomes ------------------------------------------------------------------------------------------

def profile_measures() -> list[str]:
    """The outcome measures the profile draws, in their declared order (`practice_profile: true` in their
    definition files, etl/indicators)."""
    return list(reference_query("practice__profile_measures")["measure_id"])


def _outcomes_section(practice, params: dict, measure: str | None) -> html.Section:
    trends = run_query("practice__outcome_trends", **params)
    council = practice["home_council_name"] if pd.notna(practice["home_council_name"]) else "its council"
    heading = html.H2(f"Its outcomes against its PCN, {council} and the ICB", className="mt-5")
    if trends.empty:
        return html.Section([heading, no_data(
            f"There are no monthly outcome figures for this practice up to {params['period']}: the hospital "
            "activity extract and the councils' social care extracts are not loaded, or do not include it.")])
    names = trends.drop_duplicates("measure_id").set_index("measure_id")["measure_name"]
    available = [key for key in profile_measures() if key in names.index]
    chosen = measure.strip().lower() if isinstance(measure, str) and measure.strip().lower() in available \
        else available[0]
    return html.Section([
        heading,
        html.P("Rates for the practice beside its PCN and all practices in its ICB (their patients added up), and "
               "its home council (shared out from practices by where patients live). Small practices move more "
               "from month to month by chance alone."),
        html.H3(f"Over the year {params['period']}", className="mt-3"),
        _year_grid(trends, params["period"]),
        html.Div([
            html.Label("Show month by month", htmlFor=f"{PREFIX}-measure", className="form-label fw-bold"),
            # a native select, as in the filter bar: Dash 4's drop-down keeps a focusable aria-hidden input
            dbc.Select(id=f"{PREFIX}-measure", options=[{"label": names[key], "value": key} for key in available],
                       value=chosen),
        ], className="mt-4 mb-2", style={"maxWidth": "420px"}),
        html.Div(_outcome_card(chosen, trends[trends["measure_id"] == chosen], params),
                 id=f"{PREFIX}-outcome", **{"aria-live": "polite"}),
    ])


def _year_hidden(year: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Where a series' year rate is hidden, and its marker: from a count of 1-4 ("<5"), or a percentage
    that leaves 1-4 people out of its denominator ("[c]", as suppression.hide_rates does for months)."""
    small = year["year_numerator"].map(suppression.is_small).astype(bool)
    left = ((year["unit"] == "%") & suppression.complement_is_small(year["year_numerator"], year["year_denominator"])
            & ~small)
    return small | left, pd.Series(np.where(left, suppression.SECONDARY, suppression.SUPPRESSED), index=year.index)


def _year_grid(trends: pd.DataFrame, period: str) -> html.Div:
    """One row per measure: the year's rate for the practice, its PCN, home council and ICB."""
    year = trends.drop_duplicates(["measure_id", "series_order"])
    # a year's rate from a count of 1-4 gives the count back (over a known list size): shown as "<5"
    year = year.assign(year_rate=suppression.marked(year["year_rate"], *_year_hidden(year)))
    wide = year.pivot(index="measure_id", columns="series_order", values="year_rate")
    wide = wide.reindex(columns=[1, 2, 3, 4]).rename(columns=lambda order: f"series_{order}")
    details = year.drop_duplicates("measure_id").set_index("measure_id")[["measure_name", "unit"]]
    frame = details.join(wide).reindex([key for key in profile_measures() if key in details.index]).reset_index()
    headers = {1: "This practice", 2: "Its PCN", 3: "Its home council", 4: "All practices in the ICB"}
    headers.update(year.drop_duplicates("series_order").set_index("series_order")["series"].to_dict())
    return data_grid(f"{PREFIX}-outcome-year", frame, [
        column("measure_name", header("practice__outcome_trends.measure_name"), minWidth=200, wrap=True, flex=2),
        column("unit", header("practice__outcome_trends.unit"), minWidth=160, wrap=True),
        *[column(f"series_{order}", str(headers[order]), "rate", minWidth=105,
                 catalogue="practice__outcome_trends.year_rate") for order in (1, 2, 3, 4)],
    ], caption=f"Average monthly rate over {period}: the practice against its PCN, council and ICB",
        file_name="practice-outcomes-year")


@dash.callback(
    Output("url", "search", allow_duplicate=True),
    Input(f"{PREFIX}-measure", "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def measure_in_address(measure, search):
    """The measure chosen goes into the address (?measure=), which draws the page for it, so a reload or a
    shared link shows the same chart."""
    if measure not in profile_measures() or filters.parse_search(search).get("measure") == measure:
        raise PreventUpdate
    return filters.with_page_state(search, measure=measure)


def _outcome_card(measure: str, rows: pd.DataFrame, params: dict):
    period = params["period"]
    if rows.empty or rows["rate"].notna().sum() == 0:
        return no_data(f"There are no monthly figures of this measure for this practice up to {period}.")
    name, unit, source = rows["measure_name"].iloc[0], rows["unit"].iloc[0], rows["source"].iloc[0]
    # small numbers: a month's or the year's rate from a count of 1-4 is not drawn, said or tabled as a number
    rows = suppression.hide_rates(rows, out_of="denominator" if unit == "%" else None).assign(
        rate_for_status=rows["rate"])  # the SPC status reads every month
    firsts = rows.groupby("series", sort=False).first()
    year = firsts["year_rate"].where(~_year_hidden(firsts)[0])
    fig = trend_figure(rows[["period_start", "series", "rate"]], y_title=unit, hover_unit=unit)
    table_rows = rows.assign(month=rows["period_start"].dt.strftime("%Y-%m"),
                             rate=suppression.marked(rows["rate"], rows["small"], rows["small_marker"]))
    table = data_grid(f"{PREFIX}-outcome-months", table_rows, [
        column("month", header("practice__outcome_trends.period_start")),
        column("series", header("practice__outcome_trends.series"), minWidth=200),
        column("rate", header("practice__outcome_trends.rate", unit), "rate"),
    ], caption=f"{name}: monthly rates", file_name=f"practice-{measure}")
    description = None
    if pd.notna(year.get("This practice")):
        others = [f"{formats.number(value, 1)} for {'all' + series[3:] if series.startswith('All ') else series}"
                  for series, value in year.items() if series != "This practice" and pd.notna(value)]
        description = (f"Over {period} the practice had {formats.number(year['This practice'], 1)} {unit} a month on average"
                       + (f", against {', '.join(others)}." if others else "."))
    return html.Div([chart_card(
        f"{PREFIX}-outcome-chart", title=f"{name}, month by month", units=unit.capitalize(),
        figure=fig, table=table, source=source_title(source), data_date=formats.month(rows["period_start"].max()),
        description=description, area=params["code"]), _spc_card(measure, rows, params)])


def _spc_card(measure: str, rows: pd.DataFrame, params: dict):
    """The practice's own series as an XmR chart, its limits recalculated from the quarter it joined."""
    own = rows[(rows["series"] == "This practice") & rows["rate"].notna()].sort_values("period_start")
    name, unit = rows["measure_name"].iloc[0], rows["unit"].iloc[0]
    if rows.loc[rows["series"] == "This practice", "small"].any():
        every = rows[(rows["series"] == "This practice") & rows["rate_for_status"].notna()].sort_values("period_start")
        return hidden_points_status([pd.Timestamp(day).strftime("%Y-%m-%d") for day in every["period_start"]],
                                    every["rate_for_status"].to_numpy(float),
                                    improvement=improvement_for(str(run_query(
                                        "practice__measure_polarity", measure=measure)["polarity"].iloc[0])),
                                    measure_id=measure,
                                    threshold=suppression.THRESHOLD, rule=suppression.RULE)
    periods = [pd.Timestamp(day).strftime("%Y-%m-%d") for day in own["period_start"]]
    joined = run_query("practice__adoption", code=params["code"])
    cut, change_at, label, note = None, None, None, " It has never had an attached social worker, so its limits " \
        "come from all the months shown."
    if not joined.empty:
        start, quarter = pd.Timestamp(joined["quarter_start"].iloc[0]), str(joined["quarter_label"].iloc[0])
        cut = change_point(periods, start)
        if cut is not None:
            change_at, label = start.strftime("%Y-%m-%d"), f"joined joint working ({quarter})"
            note = (f" It joined joint working in {quarter}: the mean and limits are worked out separately before "
                    "and after that, so the chart shows whether its rate changed when it joined.")
        else:
            note = (f" It joined joint working in {quarter}, too near either end of the months shown to work out "
                    "separate limits, so they come from all the months shown.")
    polarity = str(run_query("practice__measure_polarity", measure=measure)["polarity"].iloc[0])
    return xmr_card(
        f"{PREFIX}-spc", periods, own["rate"].to_numpy(), improvement=improvement_for(polarity),
        change_points=[cut] if cut is not None else (), change_at=change_at, change_label=label,
        title=f"{name}: this practice month by month, with its process limits",
        units=[unit.capitalize(), ". An ", term("SPC"), " chart: points marked by shape and colour are ",
               term("special cause", "special cause"), "; dashed lines are the ",
               term("process limits", "process limits"), "."],
        y_title=unit, hover_unit=unit, source=source_title(rows["source"].iloc[0]),
        data_date=formats.month(own["period_start"].max()) if not own.empty else "",
        description=f"The practice's own rate, {len(own)} months.{note}", query="practice__outcome_trends",
        period="period_start", value="rate", value_unit=unit,
        measure_id=measure, area=params["code"])


def _spine_section(practice, params: dict) -> html.Section:
    """The practice against every practice in England on every headline measure (components/spine.py)."""
    rows = spine_rows(run_query("spine__units", residents=False, period=params["period"]), params["code"],
                      practice=True)
    selection = filters.Selection(period=params["period"], practice=params["code"])
    return html.Section([
        html.H2("Its headline measures against every practice in England", className="mt-5"),
        spine_card(f"{PREFIX}-spine", rows, selection, area_label=str(practice["practice_name"]), kind_words="every practice",
                   period=params["period"], practice=True, area=params["code"]),
    ])


# --- Better Care Fund ----------------------------------------------------------------------------------

def _bcf_section(params: dict) -> html.Section:
    heading = html.H2("The Better Care Fund where its patients live", className="mt-5")
    intro = html.P(["Each council pools NHS and council money in its ", term("BCF"), ". These are the funds of "
                    "the councils this practice's patients live in, with the share of its patients in each."])
    if not is_loaded("bcf_plan"):
        return html.Section([heading, no_data("No Better Care Fund plans are loaded. Add the planning templates "
                                              "and rebuild.")])
    bcf = run_query("practice__bcf", **params)
    if bcf.empty:
        return html.Section([heading, no_data("Where this practice's patients live is not known, so neither are "
                                              "the councils whose fund serves them.")])
    parts = [heading, intro]
    if bcf["planned_gbp"].isna().all():
        parts.append(no_data(f"No Better Care Fund plan for {params['period']} is loaded for these councils."))
    else:
        top = bcf.iloc[0]
        if pd.notna(top["planned_gbp"]):
            parts.append(html.P(f"{formats.percent(top['share'])} of its patients live in {top['council_name']}, whose fund "
                                f"planned {formats.money_compact(top['planned_gbp'])} for {params['period']} "
                                f"({formats.money(top['planned_per_head_gbp'])} per resident)."))
    parts += [
        data_grid(f"{PREFIX}-bcf", bcf, [
            column("council_name", header("practice__bcf.council_name"), minWidth=140),
            column("patients", header("practice__bcf.patients"), "count", minWidth=105),
            column("share", header("practice__bcf.share"), "percent", minWidth=105),
            column("planned_gbp", header("practice__bcf.planned_gbp"), "gbp", minWidth=105), column("actual_gbp", header("practice__bcf.actual_gbp"), "gbp", minWidth=105),
            column("planned_per_head_gbp", header("practice__bcf.planned_per_head_gbp"), "gbp", minWidth=105),
            column("share_social_care", header("practice__bcf.share_social_care"), "percent", minWidth=105),
        ], caption=f"Better Care Fund {params['period']} of the councils its patients live in",
            file_name="practice-bcf"),
        html.P([html.Strong("Source: "), source_title("bcf_plan", "bcf_year_end"),
                f". Financial year {params['period']}; actual spend is empty until the year-end return is loaded."],
               className="chart-source"),
    ]
    return html.Section(parts)


# The parts drawn after 'about' (components/later.py): what each is called while it is on its way, and how
# it is drawn from the practice, {code, period} and the measure asked for
LATER_PARTS = {
    "patients": ("its patients", lambda practice, params, measure: _patients_section(params)),
    "map": ("the map of where its patients live", lambda practice, params, measure: _map_card(params)),
    "joint-working": ("its joint working", lambda practice, params, measure: _joint_working_section(params)),
    "outcomes": ("its outcomes", _outcomes_section),
    "spine": ("its headline measures", lambda practice, params, measure: _spine_section(practice, params)),
    "pooled-budget": ("its similar practices and the Better Care Fund", lambda practice, params, measure: [
        peers.practice_peers(practice["practice_code"], "practice"), _bcf_section(params)]),
}
later.register(PREFIX, _draw_later)
