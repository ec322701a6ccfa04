"""build_summary's work: read the selection's figures, add the statistics, suppress, and label every column.

Reads only through named queries (the Overview's headline measures, the Pooled budget's scheme types,
the Data and methods' sources and definitions, and dashboard/queries/exports__*.sql), so a download shows
the same numbers as the pages. Headline measures are read the way the Overview reads them: a council
chosen on its own as its residents (council figures), anything else as the selected practices' patients.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from dashboard import filters, formats
from dashboard.components import comparison
from dashboard.components import spc as spc_view
from dashboard.db import run_query
from dashboard.exports import suppression
from dashboard.exports.summary import Column, Summary, Table
from etl.stats import funnels, intervals, spc

NO_SPC = "too_few_points"
NO_SPC_LABEL = f"Too few months for an SPC chart ({spc_view.MIN_POINTS} needed)"

def _derived(columns: list[Column], hidden_with: dict[str, str]) -> list[Column]:
    """The columns with `hidden_with` set on those worked out from a count (for the data dictionary)."""
    return [replace(column, hidden_with=hidden_with.get(column.field, column.hidden_with)) for column in columns]


def build(selection: filters.Selection) -> Summary:
    params = selection.params()
    residents_view = is_residents_view(selection)
    monthly_raw = run_query("overview__measures", residents=residents_view, **params)
    headlines, monthly, raw_headlines = _measures(monthly_raw, params["period"])
    catchment, serving = _catchment(params)
    jw_row = run_query("exports__joint_working", **params).iloc[0]
    area = filters.describe(selection)
    area_name = area.rsplit(", ", 1)[0]
    return Summary(
        selection=selection,
        area=area,
        area_name="All areas" if area_name == "the whole area" else area_name,
        period=params["period"],
        fictional=_fictional(),
        generated=dt.datetime.now().replace(microsecond=0).isoformat(),
        headlines=headlines,
        monthly=monthly,
        catchment=catchment,
        serving_practices=serving,
        bcf=_bcf(params),
        joint_working=_joint_working(jw_row),
        joint_working_practices=_joint_working_practices(params),
        comparison=_comparison(headlines, raw_headlines, params, residents_view),
        impact=_impact(params),
        sources=_sources(),
        definitions=_definitions(),
        residents_view=residents_view,
        suppression_rule=suppression.RULE,
    )


def is_residents_view(selection: filters.Selection) -> bool:
    """A council on its own is read as its residents; any NHS filter as the selected practices' patients."""
    return bool(selection.council) and not any((selection.locality, selection.sub_icb, selection.pcn,
                                                selection.practice))


def _fictional() -> bool:
    build_row = run_query("home__build")
    return bool(not build_row.empty and build_row["is_demo"].fillna(False).astype(bool).iloc[0])


# ---------------------------------------------------------------- headline measures and monthly series

HEADLINE_COLUMNS = [
    Column("measure_id", "Measure id", "text", "Identifier of the measure (its definition file, etl/indicators)."),
    Column("name", "Measure", "text", "Name of the measure."),
    Column("unit", "Unit", "text", "What the rate counts, per how many of whom."),
    Column("polarity", "Better when", "text", "lower_is_better or higher_is_better."),
    Column("months", "Months", "count", "Months of the financial year with data."),
    Column("rate", "Rate", "rate", "The year's rate (a monthly rate for the monthly measures): the months' "
           "numerators over their denominators, times the unit's multiplier (never a mean of monthly rates)."),
    Column("previous_rate", "Rate a year before", "rate", "The rate over the same months a year earlier."),
    Column("change_pct", "Change on a year before (%)", "number", "Rate against the rate a year before, "
           "as a percentage change."),
    Column("numerator", "Numerator", "number", "The year's count (people or events; for a council's residents, "
           "apportioned from practices by where their patients live, so it may not be a whole number).",
           people_count=True),
    Column("denominator", "Denominator", "number", "The year's denominator summed over its months "
           "(patient-months or people).", people_count=True),
    Column("previous_numerator", "Numerator a year before", "number", "The count over the same months a year "
           "earlier.", people_count=True),
    Column("change_significance", "Change beyond chance", "text", "This year's rate against the same months a "
           "year before, by an exact test of the two years' counts (Poisson for rates, Fisher's for percentages): "
           "within, above 95%, above 99.8%, below 95%, below 99.8%."),
    Column("change_reading", "Change on a year before, in words", "text", "The change said by its size (in the "
           "unit and in %) and, apart, whether it is beyond chance; better or worse only then."),
    Column("ci_low", "95% CI lower", "rate", "Lower end of the 95% confidence interval of the rate."),
    Column("ci_high", "95% CI upper", "rate", "Upper end of the 95% confidence interval of the rate."),
    Column("ci_method", "CI method", "text", "How the interval was worked out: Wilson score for percentages; "
           "exact Poisson below 10 events and Byar's method from 10 for rates (as Fingertips)."),
    Column("spc_variation", "SPC variation (key)", "text", "The Making Data Count variation icon of the monthly "
           "XmR chart, as a key (etl/stats/spc.py VARIATION_LABELS)."),
    Column("spc_label", "SPC variation", "text", "The variation icon in words."),
    Column("spc_assurance", "SPC assurance", "text", "The assurance icon (empty: no target set)."),
]
HEADLINE_COLUMNS = _derived(HEADLINE_COLUMNS, {"rate": "numerator", "ci_low": "numerator", "ci_high": "numerator",
                                               "previous_rate": "previous_numerator", "change_pct": "numerator",
                                               "change_significance": "numerator or the numerator a year before",
                                               "change_reading": "numerator or the numerator a year before"})
MONTHLY_COLUMNS = [
    Column("measure_id", "Measure id", "text", "Identifier of the measure."),
    Column("name", "Measure", "text", "Name of the measure."),
    Column("month", "Month", "date", "First day of the month."),
    Column("financial_year", "Financial year", "text", "The financial year of the month."),
    Column("numerator", "Numerator", "number", "The month's count.", people_count=True),
    Column("denominator", "Denominator", "number", "The month's denominator.", people_count=True),
    Column("rate", "Rate", "rate", "The month's rate, in the measure's unit."),
    Column("spc_rate", "Rate charted", "rate", "The rate the SPC chart reads: for a seasonal measure the rate "
           "divided by its month-of-year index (seasonally adjusted, see seasonal_index), else the rate itself."),
    Column("seasonal_index", "Seasonal index", "number", "The month's seasonal index (1 = an average month; empty "
           "when the measure is not seasonally adjusted)."),
    Column("mean", "SPC mean", "rate", "Centre line of the XmR chart (empty: too few months, or a month of the "
           "measure is hidden under the small-number rule, when the mean would give it back; the SPC status in "
           "the headline measures is still read from every month)."),
    Column("lower", "SPC lower limit", "rate", "Lower natural process limit (mean - 2.66 x mean moving range)."),
    Column("upper", "SPC upper limit", "rate", "Upper natural process limit (mean + 2.66 x mean moving range)."),
    Column("point_type", "SPC point", "text", "common_cause, special_cause_improvement, special_cause_concern or "
           "special_cause_neutral."),
    Column("in_period", "In the year", "text", "Whether the month is in the chosen financial year."),
]
MONTHLY_COLUMNS = _derived(MONTHLY_COLUMNS, {"rate": "numerator", "spc_rate": "numerator"})


def _measures(monthly_raw: pd.DataFrame, period: str) -> tuple[Table, Table, pd.DataFrame]:
    """The headline and monthly tables as they may be shown, and the headline rows before suppression."""
    monthly = monthly_raw.rename(columns={"period_start": "month"}).copy()
    monthly["financial_year"] = [formats.financial_year(month) for month in monthly["month"]]
    monthly = _with_spc(monthly)
    rows = [_year_row(series) for _, series in monthly.groupby("measure_id", sort=False)
            if series["in_period"].any()]
    headlines = pd.DataFrame(rows, columns=[*(column.field for column in HEADLINE_COLUMNS), "previous_denominator"])
    hidden, shown_headlines = suppress_measures(monthly, headlines)
    note = ("One row per measure for the financial year, with the same months a year before. "
            + comparison.method_words() + " " + suppression.RULE)
    monthly_note = ("One row per measure and month, to the end of the year. SPC limits follow NHS England's "
                    "Making Data Count rules. " + suppression.RULE)
    return (Table("headline_measures", "Headline measures", HEADLINE_COLUMNS,
                  shown_headlines[[column.field for column in HEADLINE_COLUMNS]], note),
            Table("monthly_measures", "Headline measures month by month", MONTHLY_COLUMNS,
                  hidden[[column.field for column in MONTHLY_COLUMNS]], monthly_note), headlines)


def suppress_measures(monthly: pd.DataFrame, headlines: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The monthly rows and the headline rows under the small-number rule, as one surface (they are printed
    together in the summary, its workbook and its CSV files).

    Each measure's months fall in groups whose totals are printed: the chosen year's months (their counts add
    up to the headline numerator and denominator) and the same months a year before (the previous numerator,
    and with the previous rate the previous denominator); the other months' totals are not printed. Within a
    group a hidden month has a second one hidden with it. For a percentage, the denominator less the count
    is people too: a month or a year that leaves 1 to 4 people by difference is hidden as "[c]".
    """
    monthly = monthly.assign(_group=_month_groups(monthly),
                             _complement_of=monthly["denominator"].where(monthly["unit"] == "%"))
    hidden, shown_totals = monthly, {}
    for count in ("numerator", "denominator"):
        totals = {key: rows[count].sum() for key, rows in monthly.groupby(["measure_id", "_group"])
                  if key[1] in (THIS_YEAR, YEAR_BEFORE)}
        hidden, shown_totals[count] = suppression.suppress_column(
            hidden, count, group_by=["measure_id", "_group"], totals=totals,
            complement_of="_complement_of" if count == "numerator" else None)
    for count in ("numerator", "denominator"):
        hidden = suppression.follow(hidden, ["rate", "spc_rate"], count)
    # The XmR mean is the average of the months' rates: with the shown ones it gives a hidden one back, and
    # the limits and point types are read from it. So a measure with a hidden month keeps its SPC status
    # (it gives no count away, and the pages say it too: components/spc.py hidden_points_status) but not
    # the chart's numbers.
    if "point_type" in hidden:
        with_hidden = hidden.loc[hidden["rate"].map(suppression.is_suppressed).astype(bool), "measure_id"].unique()
        chart_numbers = hidden["measure_id"].isin(with_hidden)
        hidden = hidden.astype({"point_type": object})
        hidden.loc[chart_numbers, ["mean", "lower", "upper"]] = np.nan
        hidden.loc[chart_numbers, "point_type"] = None

    out = headlines.astype({name: object for name in ("numerator", "denominator", "previous_numerator", "rate",
                                                       "previous_rate", "change_pct", "ci_low", "ci_high",
                                                       "change_significance", "change_reading")})
    for index, row in headlines.iterrows():
        measure, percent = row["measure_id"], row["unit"] == "%"
        denominator = shown_totals["denominator"].get((measure, THIS_YEAR))
        out.at[index, "denominator"] = denominator if suppression.is_suppressed(denominator) else row["denominator"]
        for field, group, group_denominator in (
                ("numerator", THIS_YEAR, row["denominator"]),
                ("previous_numerator", YEAR_BEFORE, row["previous_denominator"])):
            marker = shown_totals["numerator"].get((measure, group))
            if suppression.is_suppressed(marker):
                out.at[index, field] = marker
            elif suppression.is_small(row[field]):
                out.at[index, field] = suppression.SUPPRESSED
            elif percent and suppression.is_small(group_denominator - row[field]):
                out.at[index, field] = suppression.SECONDARY
    derived = ["rate", "ci_low", "ci_high", "change_pct", "change_significance", "change_reading"]
    out = suppression.follow(out, derived, "numerator")
    out = suppression.follow(out, derived, "denominator")
    out = suppression.follow(out, ["previous_rate", "change_pct", "change_significance", "change_reading"],
                             "previous_numerator")
    return hidden.drop(columns=["_group", "_complement_of"]), out


THIS_YEAR, YEAR_BEFORE = "this year", "a year before"


def _month_groups(monthly: pd.DataFrame) -> pd.Series:
    """Each month's suppression group: THIS_YEAR, YEAR_BEFORE (when the year is compared with it), or its
    financial year."""
    groups = monthly["financial_year"].astype(object).copy()
    for _, series in monthly.groupby("measure_id", sort=False):
        this_year = series[series["in_period"]]
        groups[this_year.index] = THIS_YEAR
        earlier = _year_before(series, this_year)
        if earlier is not None:
            groups[earlier.index] = YEAR_BEFORE
    return groups


def _year_before(series: pd.DataFrame, this_year: pd.DataFrame) -> pd.DataFrame | None:
    """The same months a year before the year's, or None when they are not all there to compare."""
    months = set(this_year["month"])
    earlier = series[series["month"].isin({month - pd.DateOffset(years=1) for month in months})]
    return earlier if len(earlier) == len(months) and earlier["denominator"].sum() > 0 else None


def _with_spc(monthly: pd.DataFrame) -> pd.DataFrame:
    """XmR mean, limits and point types per measure (NaN and NO_SPC with too few months), read as the
    pages read them (spc_view.reading: a seasonal measure seasonally adjusted)."""
    monthly = monthly.assign(spc_rate=monthly["rate"], seasonal_index=np.nan, mean=np.nan, lower=np.nan, upper=np.nan,
                             point_type=None).astype({"point_type": object})
    for measure_id, series in monthly.groupby("measure_id", sort=False):
        usable = series[np.isfinite(series["rate"].astype(float))]
        read = spc_view.reading(list(usable["month"]), usable["rate"],
                                improvement=spc.improvement_for(series["polarity"].iloc[0]), measure_id=measure_id)
        if read is None:
            continue
        chart = read.result
        monthly.loc[usable.index, "spc_rate"] = read.values
        if read.index:
            monthly.loc[usable.index, "seasonal_index"] = [read.index[month.month]
                                                           for month in pd.to_datetime(usable["month"])]
        monthly.loc[usable.index, "mean"] = chart.mean
        monthly.loc[usable.index, "lower"] = chart.lower
        monthly.loc[usable.index, "upper"] = chart.upper
        monthly.loc[usable.index, "point_type"] = list(chart.point_type)
        monthly.loc[usable.index, "_variation"] = chart.variation
    return monthly


def _year_row(series: pd.DataFrame) -> dict:
    """One measure's year: rate, the same months a year before, CI and SPC status."""
    first = series.iloc[0]
    this_year = series[series["in_period"]]
    months = set(this_year["month"])
    earlier = _year_before(series, this_year)
    factor = float(first["multiplier"])
    numerator, denominator = this_year["numerator"].sum(), this_year["denominator"].sum()
    rate = numerator / denominator * factor if denominator else np.nan
    comparable = earlier is not None
    previous_numerator = earlier["numerator"].sum() if comparable else np.nan
    previous_denominator = earlier["denominator"].sum() if comparable else np.nan
    previous_rate = previous_numerator / previous_denominator * factor if comparable else np.nan
    change_significance = comparison.year_significance(numerator, denominator, previous_numerator,
                                                       previous_denominator, proportion=first["unit"] == "%")
    ci_low, ci_high, method = _interval(numerator, denominator, factor, first["unit"])
    variations = series["_variation"].dropna() if "_variation" in series else pd.Series(dtype=object)
    variation = variations.iloc[-1] if not variations.empty else None  # set only when the XmR chart was drawn
    return {
        "measure_id": first["measure_id"], "name": first["name"], "unit": first["unit"],
        "polarity": first["polarity"], "months": len(months), "rate": rate, "previous_rate": previous_rate,
        "change_pct": (rate / previous_rate - 1) * 100 if previous_rate and np.isfinite(previous_rate) else np.nan,
        "numerator": numerator, "denominator": denominator, "previous_numerator": previous_numerator,
        "previous_denominator": previous_denominator,  # not printed, but the previous rate gives it back
        "change_significance": change_significance,
        "change_reading": comparison.said(rate, previous_rate, label=change_significance, polarity=first["polarity"],
                                          unit=first["unit"], against="test") if np.isfinite(previous_rate) else None,
        "ci_low": ci_low, "ci_high": ci_high, "ci_method": method,
        "spc_variation": variation or NO_SPC,
        "spc_label": spc.VARIATION_LABELS[variation] if variation else NO_SPC_LABEL,
        "spc_assurance": None,  # no targets are set for these measures yet
    }


def _interval(numerator: float, denominator: float, factor: float, unit: str) -> tuple[float, float, str]:
    if not denominator or not np.isfinite(denominator) or denominator <= 0:
        return np.nan, np.nan, ""
    if unit == "%":
        low, high = intervals.wilson(min(numerator, denominator), denominator)
        return low * factor, high * factor, intervals.WILSON
    low, high = intervals.rate(numerator, denominator, per=factor)
    return low, high, str(intervals.poisson_method(numerator))


# ---------------------------------------------------------------- catchment

SERVING_COLUMNS = [
    Column("council_code", "Council code", "text", "The council whose residents are counted."),
    Column("council_name", "Council", "text", "Name of the council."),
    Column("practice_code", "Practice code", "text", "ODS code of the GP practice."),
    Column("practice_name", "Practice", "text", "Name of the GP practice."),
    Column("pcn_name", "PCN", "text", "Primary care network of the practice."),
    Column("home_council", "Practice's home council", "text", "The council the practice is based in."),
    Column("based_elsewhere", "Based in another council", "text", "Yes when the practice is based outside the "
           "council."),
    Column("residents", "Residents registered", "count", "The council's residents registered with the practice.",
           people_count=True),
    Column("share", "Share of the council's residents", "percent", "Residents registered with the practice as a "
           "share of the council's residents registered with any practice."),
    Column("share_of_list", "Share of the practice's list", "percent", "The same residents as a share of the "
           "practice's registered patients."),
]
SERVING_COLUMNS = _derived(SERVING_COLUMNS, {"share": "residents", "share_of_list": "residents"})


def _catchment(params: dict) -> tuple[dict, Table]:
    councils = run_query("exports__catchment", **params)
    serving = run_query("exports__serving_practices", **params)
    serving["based_elsewhere"] = np.where(serving["based_elsewhere"].astype(bool), "Yes", "No")
    # Each council's practices are a group whose total (the council's residents) is printed; the
    # practices based elsewhere are a second group with the 'residents elsewhere' headline as total.
    totals = dict(zip(councils["council_code"], councils["residents"]))
    hidden, shown_totals = suppression.suppress_column(serving, "residents", group_by="council_code", totals=totals)
    elsewhere_rows = serving[serving["based_elsewhere"] == "Yes"]
    elsewhere_totals = dict(zip(councils["council_code"], councils["residents_elsewhere"]))
    elsewhere, shown_elsewhere = suppression.suppress_column(elsewhere_rows, "residents", group_by="council_code",
                                                             totals=elsewhere_totals)
    for index in elsewhere.index:  # a cell hidden by either group stays hidden
        if suppression.is_suppressed(elsewhere.at[index, "residents"]) and not suppression.is_suppressed(
                hidden.at[index, "residents"]):
            hidden.at[index, "residents"] = elsewhere.at[index, "residents"]
    hidden = suppression.follow(hidden, ["share", "share_of_list"], "residents")

    residents = float(councils["residents"].sum()) if not councils.empty else np.nan
    residents_elsewhere = float(councils["residents_elsewhere"].sum()) if not councils.empty else np.nan
    facts = {
        "councils": list(councils["council_name"]),
        "release": councils["release"].iloc[-1] if not councils.empty else None,
        "residents": _combined(shown_totals.values(), residents),
        "residents_elsewhere": _combined(shown_elsewhere.values(), residents_elsewhere),
        "share_elsewhere": residents_elsewhere / residents if residents else np.nan,
        # One council: the mart's count, by the serving rule in etl/method.yml, so it matches the pages of
        # its practice pack; several councils: every practice with any of their residents, counted once.
        "practices_serving": (int(councils["practices_serving"].iloc[0]) if len(councils) == 1
                              else int(serving["practice_code"].nunique())),
    }
    facts["share_elsewhere"] = suppression.hide_value(facts["share_elsewhere"], facts["residents_elsewhere"])
    note = ("One row per council and practice serving its residents, from the council's latest quarterly GP "
            f"registrations release in or before the year ({facts['release'] or 'none loaded'}). "
            + suppression.RULE)
    return facts, Table("serving_practices", "Practices serving the area's residents", SERVING_COLUMNS,
                        hidden[[column.field for column in SERVING_COLUMNS]], note)


def _combined(markers, total: float):
    """A sum over councils: hidden if any council's total had to be, else the number."""
    markers = [marker for marker in markers if suppression.is_suppressed(marker)]
    if suppression.is_small(total):
        return suppression.SUPPRESSED
    return markers[0] if markers else total


# ---------------------------------------------------------------- pooled budget

BCF_COLUMNS = [
    Column("scheme_type_group", "Scheme type group", "text", "The group of the scheme type in the year's list."),
    Column("scheme_type", "Scheme type", "text", "Better Care Fund scheme type, as named in the year's list."),
    Column("scheme_lines", "Scheme lines", "count", "Lines of the planning template with this scheme type."),
    Column("planned_gbp", "Planned (£)", "gbp", "Planned spend in the year, pounds."),
    Column("actual_gbp", "Actual (£)", "gbp", "Actual spend from the year-end return, pounds (empty: no return)."),
    Column("actual_vs_plan_pct", "Actual as % of plan", "number", "Actual spend as a percentage of the planned "
           "spend of the lines with an actual figure."),
]


def _bcf(params: dict) -> Table:
    frame = run_query("pooled_budget__scheme_types", **params)
    frame["actual_vs_plan_pct"] = frame["actual_to_planned"] * 100
    note = (f"Better Care Fund of the selected councils' health and wellbeing board areas, {params['period']}, by "
            "scheme type. Pounds, not people: nothing is suppressed.")
    return Table("bcf_scheme_types", "Better Care Fund: planned and actual spend by scheme type", BCF_COLUMNS,
                 frame[[column.field for column in BCF_COLUMNS]], note)


# ---------------------------------------------------------------- joint working

JW_COLUMNS = [
    Column("practice_code", "Practice code", "text", "ODS code of the GP practice."),
    Column("practice_name", "Practice", "text", "Name of the GP practice."),
    Column("pcn_name", "PCN", "text", "Primary care network."),
    Column("quarter_label", "Quarter", "text", "The quarter of the return (the latest at or before the year's end)."),
    Column("joint_working_index", "Joint-working index (0-100)", "index", "Mean of the four domain scores "
           "(empty when a domain could not be scored)."),
    Column("time_and_space", "Time and space", "index", "Domain score, 0-100."),
    Column("trust_and_roles", "Trust and roles", "index", "Domain score, 0-100."),
    Column("shared_priorities", "Shared priorities", "index", "Domain score, 0-100."),
    Column("practical_support", "Practical support", "index", "Domain score, 0-100."),
    Column("indicators_scored", "Indicators scored", "count", "Indicators of the return that could be scored."),
    Column("attached_social_worker", "Attached social worker", "text", "Yes when the practice has a named or "
           "attached social worker."),
]


def _joint_working(row: pd.Series) -> dict:
    returning = int(row["practices_returning"] or 0)
    with_worker = int(row["with_attached_social_worker"] or 0)
    return {
        "practices": int(row["practices"] or 0),
        "practices_returning": returning,
        "with_attached_social_worker": with_worker,
        "share": with_worker / returning if returning else np.nan,
        "mean_index": float(row["mean_index"]) if pd.notna(row["mean_index"]) else np.nan,
        "quarter": row["quarter"] if pd.notna(row["quarter"]) else None,
    }


def _joint_working_practices(params: dict) -> Table:
    frame = run_query("downloads__joint_working", **params)
    note = ("One row per practice that made a joint-working return in the latest quarter at or before the year's "
            "end. Practices, not people: nothing is suppressed.")
    return Table("joint_working_practices", "Joint-working index by practice", JW_COLUMNS,
                 frame[[column.field for column in JW_COLUMNS]], note)


# ---------------------------------------------------------------- comparison

COMPARISON_COLUMNS = [
    Column("measure_id", "Measure id", "text", "Identifier of the measure."),
    Column("name", "Measure", "text", "Name of the measure."),
    Column("unit", "Unit", "text", "Unit of both rates."),
    Column("polarity", "Better when", "text", "lower_is_better or higher_is_better."),
    Column("rate", "This area", "rate", "The selection's rate over the year."),
    Column("comparator", "Compared with", "text", "All councils (for a council's residents) or the practices "
           "based in the selection's council(s)."),
    Column("comparator_rate", "Comparator rate", "rate", "The comparator's pooled rate over the same months."),
    Column("significance", "Significance", "text", "The area against the comparator's 95% and 99.8% limits: "
           "PHE's funnel method (Wilson for percentages, exact Poisson or Byar for rates), or the limits widened "
           "for overdispersion (see Limits): within, above 95%, above 99.8%, below 95%, below 99.8%."),
    Column("limits", "Limits", "text", "Which limits the significance is judged against: PHE's, or widened for "
           "overdispersion by Spiegelhalter's method when the comparator's units (councils, or practices) differ "
           "by more than chance, as on the pages' funnel plots."),
    Column("reading", "What it means", "text", "The difference said by its size (in the unit and in %) and, apart, "
           "whether it is beyond chance (outside the 95% or 99.8% limits); better or worse only then."),
]
COMPARISON_COLUMNS = _derived(COMPARISON_COLUMNS, {"rate": "the numerator (headline measures)",
                                                   "significance": "the numerator (headline measures)",
                                                   "reading": "the numerator (headline measures)"})


def _comparison(headlines: Table, raw_headlines: pd.DataFrame, params: dict, residents_view: bool) -> Table:
    comparators = run_query("exports__comparison", residents=residents_view, **params)
    units = run_query("exports__comparison_units", residents=residents_view, **params)
    frame = headlines.frame.merge(comparators, on="measure_id", how="left")
    shown = {row["measure_id"]: row for row in headlines.frame.to_dict("records")}
    raw = {row["measure_id"]: row for row in raw_headlines.to_dict("records")}
    rows = []
    for row in frame.to_dict("records"):
        dispersion = _overdispersion(row, units[units["measure_id"] == row["measure_id"]])
        label = _significance(row, shown[row["measure_id"]], dispersion)
        rows.append({**row, "significance": label, "reading": _reading(row, label),
                     "limits": _limits_words(dispersion),
                     "comparator_rate": _shown_comparator(row, raw[row["measure_id"]])})
    out = pd.DataFrame(rows, columns=[*[column.field for column in COMPARISON_COLUMNS], "numerator"])
    out = suppression.follow(out, ["significance", "reading"], "numerator")
    out = suppression.follow(out, ["significance", "reading"], "comparator_rate")
    note = ("Each headline measure against a comparator over the same months. " + comparison.method_words() + " "
            + suppression.RULE)
    return Table("comparison", "What stands out against similar areas", COMPARISON_COLUMNS,
                 out[[column.field for column in COMPARISON_COLUMNS]], note)


def _shown_comparator(row: dict, raw_headline: dict):
    """The comparator's pooled rate, or a marker: its count is 1 to 4, or it pools the area's own people
    alone (a selection of every practice in its council) and so prints the area's hidden rate."""
    if suppression.is_small(row.get("comparator_numerator")):
        return suppression.SUPPRESSED
    same_people = np.isclose(float(row.get("comparator_denominator") or np.nan), float(raw_headline["denominator"]))
    if same_people and suppression.is_suppressed(row["rate"]):
        return row["rate"]
    return row.get("comparator_rate")


def _overdispersion(row: dict, units: pd.DataFrame) -> funnels.Overdispersion | None:
    """Spiegelhalter's check of the units the comparator pools (each council, or each practice of the
    council), as the pages' funnels make it: when they differ by more than chance, the area is judged
    against the widened limits. For a selection of several practices the practices' spread is applied
    to their total, which widens a little more than their group would need: the cautious side."""
    comparator, factor = row.get("comparator_rate"), row.get("multiplier")
    if units.empty or any(value is None or pd.isna(value) for value in (comparator, factor)):
        return None
    kind = funnels.PROPORTION if row["unit"] == "%" else funnels.RATE
    numerator = units["numerator"].to_numpy(float)
    denominator = units["denominator"].to_numpy(float)
    if kind == funnels.PROPORTION:
        numerator = np.minimum(numerator, denominator)
    return funnels.overdispersion(numerator, denominator, comparator / factor, kind)


def _limits_words(dispersion: funnels.Overdispersion | None) -> str | None:
    if dispersion is None:
        return None
    if dispersion.widened:
        return (f"Widened for overdispersion (Spiegelhalter; {dispersion.units:,} units, "
                f"overdispersion factor {dispersion.phi:.1f})")
    return f"PHE's ({dispersion.reason})"


def _significance(row: dict, headline: dict, dispersion: funnels.Overdispersion | None = None) -> str | None:
    """The area's rate against the comparator, as a funnel label (None when it cannot be tested): against
    the limits widened for overdispersion when the comparator's units call for it, else PHE's."""
    numerator, denominator = headline["numerator"], headline["denominator"]
    if suppression.is_suppressed(numerator) or suppression.is_suppressed(denominator):
        return None
    comparator, factor = row.get("comparator_rate"), row.get("multiplier")
    if any(value is None or pd.isna(value) for value in (comparator, factor, numerator, denominator)) \
            or denominator <= 0:
        return None
    if row["unit"] == "%":
        numerator = min(numerator, denominator)
    if dispersion is not None and dispersion.widened:
        return str(dispersion.significance([numerator], [denominator])[0])
    if row["unit"] == "%":
        return str(funnels.proportion_significance(numerator, denominator, comparator / factor)[0])
    return str(funnels.rate_significance(numerator, denominator, comparator / factor)[0])


def _reading(row: dict, label: str | None) -> str | None:
    """The comparison in words (components/comparison.py): its size and, apart, whether it is beyond chance."""
    if label is None:
        return None
    return comparison.said(row["rate"], row.get("comparator_rate"), label=label, polarity=row["polarity"],
                           unit=row["unit"])


# ---------------------------------------------------------------- impact, sources, definitions

IMPACT_COLUMNS = [
    Column("outcome_name", "Outcome", "text", "The outcome measure."),
    Column("area_name", "Council", "text", "Practices based in this council."),
    Column("effect_pct", "Effect (%)", "number", "Change in adopting practices' counts after a social worker was "
           "attached, against what the model predicts without (negative = fewer)."),
    Column("ci_low_pct", "95% CI lower (%)", "number", "Lower end of the 95% cluster-bootstrap interval."),
    Column("ci_high_pct", "95% CI upper (%)", "number", "Upper end of the interval."),
    Column("practices_adopting", "Practices adopting", "count", "Adopting practices in the estimate."),
    Column("practices_comparison", "Comparison practices", "count", "Never-adopting practices."),
    Column("annual_activity_change", "Change in events a year", "number", "Implied annual change in events."),
    Column("annual_cost_change_gbp", "Change in cost a year (£)", "gbp", "Implied annual change in cost."),
    Column("placebo_pct", "Placebo (%)", "number", "The 'effect' with adoption moved a year earlier: near 0 when "
           "the groups were on parallel paths before."),
    Column("note", "Note", "text", "Why there is no estimate, when there is none."),
]


def _impact(params: dict) -> Table | None:
    if not has_impact():
        return None
    frame = run_query("exports__impact", **params)
    method = frame["method"].dropna().iloc[0] if not frame.empty and frame["method"].notna().any() else ""
    return Table("joint_working_impact", "Measured impact of joint working", IMPACT_COLUMNS,
                 frame[[column.field for column in IMPACT_COLUMNS]], method)


SOURCE_COLUMNS = [
    Column("source", "Source key", "text", "Key of the source (etl/sources.yml)."),
    Column("title", "Source", "text", "Title of the published source."),
    Column("publisher", "Publisher", "text", "Who publishes it."),
    Column("url", "Address", "text", "Where it is published."),
    Column("files", "Files loaded", "count", "Files of this source loaded into the warehouse."),
    Column("first_period", "First period", "text", "Earliest period in the loaded data."),
    Column("last_period", "Data date (latest period)", "text", "Latest period in the loaded data."),
]


def _sources() -> Table:
    frame = run_query("data_and_methods__sources")
    frame = frame[frame["present"].astype(bool)]
    return Table("sources", "Sources", SOURCE_COLUMNS, frame[[column.field for column in SOURCE_COLUMNS]],
                 "Every source loaded into the warehouse, with the periods its data cover.")


DEFINITION_COLUMNS = [
    Column("indicator_id", "Id", "text", "Identifier of the indicator (its definition file)."),
    Column("kind", "Kind", "text", "outcome or joint_working."),
    Column("name", "Name", "text", "Name of the indicator."),
    Column("definition", "Definition", "text", "What is measured."),
    Column("numerator", "Numerator", "text", "What is counted."),
    Column("denominator", "Denominator", "text", "What it is counted per."),
    Column("unit", "Unit", "text", "Unit of the rate or score."),
    Column("polarity", "Better when", "text", "lower_is_better or higher_is_better."),
    Column("source_title", "Source", "text", "The source the indicator is built from."),
]


def _definitions() -> Table:
    frame = run_query("data_and_methods__indicators")
    return Table("definitions", "Definitions", DEFINITION_COLUMNS,
                 frame[[column.field for column in DEFINITION_COLUMNS]],
                 "Every indicator definition (etl/indicators), as loaded into the warehouse.")


# What each CSV holds, for the Downloads page (in Summary.tables() order; the impact table only when built).
CATALOGUE = (
    ("headline_measures", "Headline measures", "each headline measure over the year: rate, 95% confidence "
     "interval, change on a year before and SPC status"),
    ("monthly_measures", "Headline measures month by month", "the monthly rates with the SPC chart's mean and "
     "limits"),
    ("serving_practices", "Practices serving the area's residents", "each practice with residents of the "
     "council(s), how many and their share"),
    ("bcf_scheme_types", "Better Care Fund by scheme type", "planned and actual spend by scheme type"),
    ("joint_working_practices", "Joint-working index by practice", "each practice's index and domain scores in "
     "the latest quarter"),
    ("comparison", "Against similar areas", "each headline rate against all councils, or the practices of the "
     "council, and whether the difference is significant"),
    ("joint_working_impact", "Measured impact of joint working", "the estimated effect of an attached social "
     "worker on each outcome, for the council"),
    ("sources", "Sources", "every source loaded and the period its data cover"),
    ("definitions", "Definitions", "every indicator's definition, numerator, denominator and unit"),
)


def has_impact() -> bool:
    return "mart_joint_working_impact" in set(run_query("exports__tables")["table_name"])
