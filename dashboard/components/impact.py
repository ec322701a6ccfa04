"""The Impact panel: has joint working changed hospital and care home use? In sentences, with the method
one click away, for the Overview and Joint working pages.

It reads mart_joint_working_impact (one row per outcome and area: effect %, 95% CI, implied annual
activity and cost) and mart_joint_working_pretrends (the parallel-trends check), built by the
staggered difference-in-differences in etl/stats/did.py. Which area's row a selection reads:

    a council on its own            -> that council's row
    any NHS filter, or a locality   -> the ICB holding most of the selected practices ("in <ICB>")
    nothing selected                -> every practice in the data (area_type 'all')

Money is written "£1.2 million", as elsewhere in the app (dashboard/formats.py). An estimate whose 95% CI includes 0 is
"no clear change", never a headline number on its own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboard import filters, formats
from dashboard.catalogue import header
from dashboard.components.cards import chart_card, no_data
from dashboard.components.figures import styled, subplots
from dashboard.components.tables import column, data_grid
from dashboard.components.terms import term
from dashboard.components.words import plural
from dashboard.db import reference_query, run_query
from dashboard.palette import NHS_BLACK, series_style

METHOD_LINK = "/data-and-methods#impact-method"
# How each outcome reads inside a sentence, and what one event is called.
OUTCOME_WORDS = {
    "care_home_admissions": ("permanent admissions to residential and nursing care (aged 65 and over)", "admission"),
    "ae_attendances": ("A&E attendances", "attendance"),
    "emergency_bed_days": ("emergency bed days", "bed day"),
    "emergency_admissions": ("emergency admissions", "admission"),
}
OUTCOME_ORDER = ("care_home_admissions", "ae_attendances", "emergency_bed_days")
SHORT_NAMES = {"care_home_admissions": "Care home admissions (65+)", "ae_attendances": "A&E attendances",
               "emergency_bed_days": "Emergency bed days", "emergency_admissions": "Emergency admissions"}
ASSUMPTIONS = (
    ("Parallel trends", "Without joint working, adopting practices' rates would have moved like the comparison "
     "practices' rates.", "Checked by the chart of the quarters before joining (the lines should run together) "
     "and by a placebo estimate that pretends each practice joined a year early (it should be close to 0)."),
    ("No anticipation", "Practices did not change before the quarter their return first shows an attached social "
     "worker.", "The quarters just before joining (quarter -1, -2) should not already dip."),
    ("Adoption is absorbing", "Once a practice has joined it stays joined: later months all count as 'after'.",
     "Practices that later lost their social worker still count as joined, so the estimate is of joining, "
     "not of keeping a social worker (it can understate the effect)."),
    ("No spill-over", "Joint working at one practice does not change the comparison practices' rates.",
     "Comparison practices sharing a council team could benefit too, which would make the estimate smaller "
     "than the true effect."),
)


# --- numbers in words (estimates are rounded as formats.about and formats.money_about say) ------------

def _pct(value: float) -> str:
    return f"{abs(value):.0f}%"


def _change(value: float) -> str:
    """'8% fewer', '2% more', 'no change' for a signed per cent."""
    if round(value) == 0:
        return "0%"
    return f"{_pct(value)} {'fewer' if value < 0 else 'more'}"


def effect_sentence(row: pd.Series) -> str:
    """One outcome's estimate as a sentence a board member can read aloud."""
    outcome = str(row["outcome"])
    words, event = OUTCOME_WORDS.get(outcome, (str(row["outcome_name"]).lower(), "event"))
    if pd.isna(row.get("effect_pct")):
        why = str(row.get("note") or "").strip()
        return (f"{words[0].upper()}{words[1:]}: not estimated here. "
                + (why if why else "There were too few adopting practices to estimate the effect."))
    effect, low, high = float(row["effect_pct"]), float(row["ci_low_pct"]), float(row["ci_high_pct"])
    if low <= 0 <= high:
        return (f"Practices with an attached social worker saw no clear change in {words} after joining: "
                f"{_change(effect)} (95% CI {_change(low)} to {_change(high)}).")
    direction = "fewer" if effect < 0 else "more"
    # the interval in the same direction as the effect, smaller change first
    near, far = sorted((abs(low), abs(high)))
    sentence = (f"Practices with an attached social worker saw {_pct(effect)} (95% CI {near:.0f}% to {far:.0f}%) "
                f"{direction} {words} after joining")
    activity = row.get("annual_activity_change")
    if activity is None or pd.isna(activity):
        return sentence + "."
    count = formats.about(activity)
    events = f"about {count} {direction} {event}{'' if count == '1' else 's'}"
    cost, unit_cost = row.get("annual_cost_change_gbp"), row.get("unit_cost_gbp")
    if cost is None or pd.isna(cost) or unit_cost is None or pd.isna(unit_cost) or float(unit_cost) <= 0:
        return f"{sentence}: {events} a year (no unit cost is loaded to price it)."
    money = f"{formats.money_about(cost)} {'less' if cost < 0 else 'more'}"
    return f"{sentence}: {events} and {money} a year."


def placebo_sentence(row: pd.Series) -> str | None:
    """The pre-trend check in words: the 'effect' a year before joining should be close to 0."""
    if pd.isna(row.get("placebo_pct")) if "placebo_pct" in row else True:
        return None
    low, high = float(row["placebo_ci_low_pct"]), float(row["placebo_ci_high_pct"])
    verdict = ("its interval includes 0, as parallel trends predict" if low <= 0 <= high else
               "its interval excludes 0, so the trends before joining were not parallel: read the estimate with care")
    words = OUTCOME_WORDS.get(str(row["outcome"]), (str(row["outcome_name"]).lower(), ""))[0]
    return (f"{words[0].upper()}{words[1:]}: a year before joining, {_change(float(row['placebo_pct']))} "
            f"(95% CI {_change(low)} to {_change(high)}); {verdict}.")


# --- which row -------------------------------------------------------------------------------------

def available() -> bool:
    """Whether this warehouse has the impact marts (an older build, or no joint-working return, has not)."""
    tables = reference_query("joint_working__impact_tables")
    return {"mart_joint_working_impact", "mart_joint_working_pretrends"} <= set(tables["table_name"])


def area_for(selection: filters.Selection) -> tuple[str, str | None]:
    """(area_type, area_code or None to look up the ICB) the selection reads."""
    if selection.is_empty:
        return "all", "ALL"
    if selection.council and not any((selection.locality, selection.sub_icb, selection.pcn, selection.practice,
                                                   selection.has_group)):
        return "council", selection.council
    return "icb", None


def impact_rows(selection: filters.Selection) -> pd.DataFrame:
    area_type, _ = area_for(selection)
    return run_query("joint_working__impact", area_type=area_type, **selection.area_params())


def _ordered(rows: pd.DataFrame) -> pd.DataFrame:
    rank = {outcome: i for i, outcome in enumerate(OUTCOME_ORDER)}
    return rows.assign(rank=rows["outcome"].map(lambda o: rank.get(o, len(rank)))).sort_values(["rank", "outcome"])


def _where(rows: pd.DataFrame, selection: filters.Selection) -> str:
    area_type, name = str(rows["area_type"].iloc[0]), str(rows["area_name"].iloc[0])
    if area_type == "all":
        return "across every practice in the data"
    if area_type == "icb":
        return f"in {name}, the ICB that contains {filters.describe(selection).rsplit(', ', 1)[0]}"
    return f"in {name}"


# --- the panel ------------------------------------------------------------------------------------

def impact_panel(selection: filters.Selection, prefix: str, heading_level: int = 2) -> html.Section:
    """The panel: a sentence per outcome, who was compared with whom, the method one click away."""
    heading_id = f"{prefix}-impact-title"
    heading = (html.H2 if heading_level == 2 else html.H3)(
        "Has joint working changed hospital and care home use?", id=heading_id)
    link = html.P(html.A("How this was worked out", href=METHOD_LINK), className="impact-method-link")
    if not available():
        return html.Section([heading, no_data(
            "The impact of joint working has not been estimated in this warehouse: it needs the joint-working "
            "return and the practice activity or social care extracts. Add them and rebuild."), link],
            id=f"{prefix}-impact", **{"aria-labelledby": heading_id})
    rows = impact_rows(selection)
    if rows.empty:
        return html.Section([heading, no_data(
            f"There is no estimate for {filters.describe(selection).rsplit(', ', 1)[0]}: too few adopting "
            "practices, or none with outcome data, to compare."), link],
            id=f"{prefix}-impact", **{"aria-labelledby": heading_id})
    rows = _ordered(rows)
    estimated = rows[rows["effect_pct"].notna()]
    basis = estimated.iloc[0] if not estimated.empty else rows.iloc[0]
    who = (f"Measured {_where(rows, selection)}: the {plural(int(basis['practices_adopting']), 'practice')} that "
           f"gained an attached social worker against {plural(int(basis['practices_comparison']), 'practice')} "
           f"that never did (and the adopters' own months before joining), over {int(basis['periods'])} months from "
           f"{formats.month(basis['first_month'])} to {formats.month(basis['last_month'])}. A ",
           term("difference-in-differences"), " estimate with a 95% ", term("confidence interval"), ".")
    sentences = html.Ul([html.Li(effect_sentence(row), className="impact-sentence") for _, row in rows.iterrows()],
                        id=f"{prefix}-impact-sentences")
    checks = [text for text in (placebo_sentence(row) for _, row in estimated.iterrows()) if text]
    details = html.Details([
        html.Summary("The assumptions behind these numbers, and how they were checked"),
        html.Ul([html.Li([html.Strong(name + ": "), assumption, " ", html.Em(check)])
                 for name, assumption, check in ASSUMPTIONS]),
        *([html.P("Placebo check (the same model with joining moved a year earlier, on months before joining):"),
           html.Ul([html.Li(text) for text in checks])] if checks else []),
        html.P(f"Costs: {unit_costs(estimated)}" if not estimated.empty else ""),
        html.P(str(basis["method"]) + "."),
    ], className="impact-details")
    return html.Section([heading, html.P(who), sentences, link, details],
                        id=f"{prefix}-impact", className="impact-panel", **{"aria-labelledby": heading_id})


def unit_costs(rows: pd.DataFrame) -> str:
    parts = []
    for _, row in rows.drop_duplicates("outcome").iterrows():
        if pd.isna(row["unit_cost_gbp"]) or float(row["unit_cost_gbp"]) <= 0:
            parts.append(f"{row['outcome_name']}: no unit cost loaded")
        else:
            parts.append(f"{row['outcome_name']}: {formats.money(row['unit_cost_gbp'])} a {row['cost_unit']} "
                         f"({row['unit_cost_source']})")
    return "; ".join(parts) + "."


# --- the pre-trend chart (Joint working page) ------------------------------------------------------

def pretrends_card(selection: filters.Selection, prefix: str, source: str) -> html.Section | html.Div:
    """Adopters against comparators by quarter from joining, indexed to 100 before joining, per outcome."""
    if not available():
        return no_data("The parallel-trends check needs the impact model, which this warehouse does not have.")
    area_type, _ = area_for(selection)
    trends = run_query("joint_working__impact_pretrends", area_type=area_type, **selection.area_params())
    if trends.empty:
        return no_data("There is no parallel-trends check for this selection: the impact could not be estimated "
                       "here (too few adopting practices).")
    trends = _ordered(trends)
    outcomes = list(dict.fromkeys(trends["outcome"]))
    names = {o: SHORT_NAMES.get(o, o) for o in outcomes}
    fig = subplots(rows=1, cols=len(outcomes), shared_yaxes=True, horizontal_spacing=0.04,
                   subplot_titles=tuple(names[o] for o in outcomes))
    joined_lines = []
    for col, outcome in enumerate(outcomes, start=1):
        rows = trends[trends["outcome"] == outcome]
        for index, (field, name) in enumerate((("adopters_index", "Adopting practices"),
                                               ("comparators_index", "Expected from comparison practices"))):
            style = series_style(index)
            fig.add_trace(go.Scatter(
                x=rows["quarters_from_adoption"], y=rows[field], mode="lines+markers", name=name,
                legendgroup=name, showlegend=col == 1,
                line={"color": style["color"], "dash": style["dash"], "width": 2},
                marker={"symbol": style["symbol"], "size": 7, "color": style["color"]},
                hovertemplate=(f"{name}<br>Quarter %{{x}} from joining: index %{{y:.1f}}<extra></extra>")),
                row=1, col=col)
        # drawn as plain layout shapes: add_vline with row/col took about 30 ms a panel to place
        axis = "" if col == 1 else str(col)
        joined_lines.append({"type": "line", "xref": f"x{axis}", "yref": f"y{axis} domain", "x0": -0.5, "x1": -0.5,
                             "y0": 0, "y1": 1, "line": {"color": NHS_BLACK, "dash": "longdash", "width": 1.5}})
    fig.add_annotation(x=-0.5, y=0, xref="x", yref="paper", text="Joined ", showarrow=False, xanchor="right",
                       yanchor="bottom", font={"size": 12})
    styled(fig, height=440)
    fig.update_layout(margin={"t": 80}, legend={"y": 1.14}, shapes=joined_lines)
    fig.update_xaxes(title_text="Quarters from joining", dtick=2)
    fig.update_yaxes(title_text="Index (100 = before joining)", row=1, col=1)
    fig.update_annotations(font={"size": 12})
    table_rows = trends.assign(outcome_words=trends["outcome"].map(names))
    table = data_grid(f"{prefix}-pretrends-table", table_rows, [
        column("outcome_words", header("joint_working__impact_pretrends.outcome_words"), minWidth=200, wrap=True),
        column("quarters_from_adoption", header("joint_working__impact_pretrends.quarters_from_adoption"), "count"),
        column("adopters_index", header("joint_working__impact_pretrends.adopters_index"), "number"),
        column("comparators_index", header("joint_working__impact_pretrends.comparators_index"), "number"),
        column("adopters_practices", header("joint_working__impact_pretrends.adopters_practices"), "count"),
    ], caption="Parallel-trends check: adopting practices against the comparison, by quarter from joining")
    before = trends[trends["quarters_from_adoption"] < 0]
    gap = float(np.nanmax(np.abs(before["adopters_index"] - before["comparators_index"]))) if not before.empty else 0
    return chart_card(
        f"{prefix}-pretrends", title="Before and after joining: adopting practices against what the comparison "
                                     "practices predict",
        units="Index: 100 = the adopting practices' mean rate in the quarters before they joined.",
        figure=fig, table=table, source=source, area=filters.area_name(selection),
        data_date=formats.month(reference_query("joint_working__impact_method").iloc[0]["last_month"]),
        description=(f"Before joining (left of the dashed line) the two lines should run together: here they are "
                     f"at most {gap:.1f} points apart. After it, the gap between them is the effect."))
