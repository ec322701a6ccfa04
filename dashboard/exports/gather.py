"""build_summary(selection): read the selection's figures, add the statistics, suppress, and label every column.

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

from dashboard import filters, formats, suppression
from dashboard.components import comparison
from dashboard.components import spc as spc_view
from dashboard.components import spine as spine_view
from dashboard.db import reference_query, run_query
from dashboard.exports import funnel_limits
from dashboard.exports.summary import Column, Summary, Table
from etl.stats import funnels, intervals, spc

NO_SPC = "too_few_points"
NO_SPC_LABEL = f"Too few months for an SPC chart ({spc_view.MIN_POINTS} needed)"

def _derived(columns: list[Column], hidden_with: dict[str, str]) -> list[Column]:
    """The columns with `hidden_with` set on those worked out from a count (for the data dictionary)."""
    return [replace(column, hidden_with=hidden_with.get(column.field, column.hidden_with)) for column in columns]


def build_summary(selection: filters.Selection, compare: str = "usual") -> Summary:
    """Every figure for the selection, suppressed, ready for any file format. compare="peers" compares the
    headlines with the council's similar areas or the practice's similar practices where it has them."""
    params = {**selection.params(), "compare": compare}
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
        spine=_spine(selection, params["period"], residents_view, headlines),
    )


def is_residents_view(selection: filters.Selection) -> bool:
    """A council on its own is read as its residents; any NHS filter as the selected practices' patients."""
    return bool(selection.council) and not any((selection.locality, selection.sub_icb, selection.pcn,
                                                selection.practice, selection.deprivation, selection.has_group))


def _fictional() -> bool:
    build_row = reference_query("home__build")
    return bool(not build_row.empty and build_row["is_demo"].fillna(False).astype(bool).iloc[0])


# ---------------------------------------------------------------- headline measures and monthly series

HEADLINE_COLUMNS = [
    Column.of("overview__measures.measure_id", "text"),
    Column.of("overview__measures.name", "text"),
    Column.of("overview__measures.unit", "text"),
    Column.of("overview__measures.polarity", "text"),
    Column.of("overview__measures.months", "count"),
    Column.of("overview__measures.year_rate", "rate", field="rate"),
    Column.of("overview__measures.previous_rate", "rate"),
    Column.of("overview__measures.change_pct", "number"),
    Column.of("overview__measures.year_numerator", "number", field="numerator", people_count=True),
    Column.of("overview__measures.year_denominator", "number", field="denominator", people_count=True),
    Column.of("overview__measures.previous_numerator", "number", people_count=True),
    Column.of("overview__measures.change_significance", "text"),
    Column.of("overview__measures.change_reading", "text"),
    Column.of("overview__measures.ci_low", "rate"),
    Column.of("overview__measures.ci_high", "rate"),
    Column.of("overview__measures.ci_method", "text"),
    Column.of("overview__measures.spc_variation", "text"),
    Column.of("overview__measures.spc_label", "text"),
    Column.of("overview__measures.spc_assurance", "text"),
]
HEADLINE_COLUMNS = _derived(HEADLINE_COLUMNS, {"rate": "numerator", "ci_low": "numerator", "ci_high": "numerator",
                                               "previous_rate": "previous_numerator", "change_pct": "numerator",
                                               "change_significance": "numerator or the numerator a year before",
                                               "change_reading": "numerator or the numerator a year before"})
MONTHLY_COLUMNS = [
    Column.of("overview__measures.measure_id", "text"),
    Column.of("overview__measures.name", "text"),
    Column.of("overview__measures.period_start", "date", field="month"),
    Column.of("overview__measures.financial_year", "text"),
    Column.of("overview__measures.numerator", "number", people_count=True),
    Column.of("overview__measures.denominator", "number", people_count=True),
    Column.of("overview__measures.rate", "rate"),
    Column.of("overview__measures.spc_rate", "rate"),
    Column.of("overview__measures.seasonal_index", "number"),
    Column.of("overview__measures.mean", "rate"),
    Column.of("overview__measures.lower", "rate"),
    Column.of("overview__measures.upper", "rate"),
    Column.of("overview__measures.point_type", "text"),
    Column.of("overview__measures.in_period", "text"),
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
    Column.of("exports__serving_practices.council_code", "text"),
    Column.of("exports__serving_practices.council_name", "text"),
    Column.of("exports__serving_practices.practice_code", "text"),
    Column.of("exports__serving_practices.practice_name", "text"),
    Column.of("exports__serving_practices.pcn_name", "text"),
    Column.of("exports__serving_practices.home_council", "text"),
    Column.of("exports__serving_practices.based_elsewhere", "text"),
    Column.of("exports__serving_practices.residents", "count", people_count=True),
    Column.of("exports__serving_practices.share", "percent"),
    Column.of("exports__serving_practices.share_of_list", "percent"),
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
    Column.of("pooled_budget__scheme_types.scheme_type_group", "text"),
    Column.of("pooled_budget__scheme_types.scheme_type", "text"),
    Column.of("pooled_budget__scheme_types.scheme_lines", "count"),
    Column.of("pooled_budget__scheme_types.planned_gbp", "gbp"),
    Column.of("pooled_budget__scheme_types.actual_gbp", "gbp"),
    Column.of("pooled_budget__scheme_types.actual_vs_plan_pct", "number"),
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
    Column.of("downloads__joint_working.practice_code", "text"),
    Column.of("downloads__joint_working.practice_name", "text"),
    Column.of("downloads__joint_working.pcn_name", "text"),
    Column.of("downloads__joint_working.quarter_label", "text"),
    Column.of("downloads__joint_working.joint_working_index", "index"),
    Column.of("downloads__joint_working.time_and_space", "index"),
    Column.of("downloads__joint_working.trust_and_roles", "index"),
    Column.of("downloads__joint_working.shared_priorities", "index"),
    Column.of("downloads__joint_working.practical_support", "index"),
    Column.of("downloads__joint_working.indicators_scored", "count"),
    Column.of("downloads__joint_working.attached_social_worker", "text"),
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
    Column.of("overview__measures.measure_id", "text"),
    Column.of("overview__measures.name", "text"),
    Column.of("overview__measures.unit", "text"),
    Column.of("overview__measures.polarity", "text"),
    Column.of("exports__comparison.area_rate", "rate", field="rate"),
    Column.of("exports__comparison.comparator", "text"),
    Column.of("exports__comparison.comparator_rate", "rate"),
    Column.of("exports__comparison.significance", "text"),
    Column.of("exports__comparison.limits", "text"),
    Column.of("exports__comparison.reading", "text"),
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
                     "limits": funnel_limits.words(dispersion),
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
    council), comparison.dispersion_of. For a selection of several practices the practices' spread is
    applied to their total, which widens a little more than their group would need: the cautious side."""
    return comparison.dispersion_of(units["numerator"], units["denominator"], row.get("comparator_rate"),
                                    row.get("multiplier"), row["unit"])


def _significance(row: dict, headline: dict, dispersion: funnels.Overdispersion | None = None) -> str | None:
    """The area's rate against the comparator, as a funnel label (None when it cannot be tested, or its
    count is hidden): comparison.significance, the rule the spine chart uses too."""
    numerator, denominator = headline["numerator"], headline["denominator"]
    if suppression.is_suppressed(numerator) or suppression.is_suppressed(denominator):
        return None
    return comparison.significance(numerator, denominator, row.get("comparator_rate"), row.get("multiplier"),
                                   row["unit"], dispersion)


def _reading(row: dict, label: str | None) -> str | None:
    """The comparison in words (components/comparison.py): its size and, apart, whether it is beyond chance."""
    if label is None:
        return None
    return comparison.said(row["rate"], row.get("comparator_rate"), label=label, polarity=row["polarity"],
                           unit=row["unit"])


# ---------------------------------------------------------------- spine chart

SPINE_COLUMNS = [
    Column.of("overview__measures.measure_id", "text"),
    Column.of("spine__units.name", "text"),
    Column.of("spine__units.unit", "text"),
    Column.of("spine__units.polarity", "text"),
    Column.of("spine__units.area_rate", "rate"),
    Column.of("spine__units.england_rate", "rate"),
    Column.of("spine__units.comparator_rate", "rate"),
    Column.of("spine__units.worst", "rate"),
    Column.of("spine__units.worse_quartile", "rate"),
    Column.of("spine__units.better_quartile", "rate"),
    Column.of("spine__units.best", "rate"),
    Column.of("spine__units.areas", "count"),
    Column.of("spine__units.significance", "text"),
    Column.of("spine__units.reading", "text"),
]
SPINE_COLUMNS = _derived(SPINE_COLUMNS, {"area_rate": "the area's count over the year (under 5: hidden)"})


def _spine(selection: filters.Selection, period: str, residents_view: bool, headlines: Table) -> Table | None:
    """The spine chart's rows for a council alone (against every council) or one practice (against every
    practice), as components/spine.py shapes them for the pages; None for any other selection, which is
    not one area of a kind England has a spread of.

    The area's rate is the headline measures' year rate (the same months, the same people), so where the
    download hides that rate (a count of 1 to 4, or "[c]" to protect a hidden month) the spine hides it
    with the same marker, and does not compare it."""
    practice = bool(selection.practice)
    if not residents_view and not practice:
        return None
    code = selection.council if residents_view else selection.practice
    rows = spine_view.spine_rows(run_query("spine__units", residents=residents_view, period=period), code,
                                 practice=practice and not residents_view)
    fields = [column.field for column in SPINE_COLUMNS]
    if rows.empty:
        frame = pd.DataFrame(columns=fields)
    else:
        shown = dict(zip(headlines.frame["measure_id"], headlines.frame["rate"]))
        markers = [shown.get(measure) if suppression.is_suppressed(shown.get(measure))
                   else suppression.SUPPRESSED if hidden else None
                   for measure, hidden in zip(rows["measure_id"], rows["hidden"])]
        hide = pd.Series([marker is not None for marker in markers], index=rows.index)
        frame = rows.assign(
            area_rate=rows["area_rate"].astype(object).where(~hide, pd.Series(markers, index=rows.index)),
            significance=rows["significance"].where(~hide, spine_view.NOT_TESTED),
            reading=rows["reading"].where(~hide, "Not compared: small numbers"))
    kind = "every English council's residents" if residents_view else "every practice in England"
    note = (f"One row per headline measure over {period}: the area, England ({kind} added up)"
            f"{', its ICB' if practice and not residents_view else ''}, and the spread of {kind}: the worst, the "
            "quartiles and the best. " + spine_view.METHOD + " " + comparison.method_words() + " "
            + suppression.RULE)
    return Table("spine", "Every headline measure against England", SPINE_COLUMNS, frame[fields], note)


# ---------------------------------------------------------------- impact, sources, definitions

IMPACT_COLUMNS = [
    Column.of("exports__impact.outcome_name", "text"),
    Column.of("exports__impact.area_name", "text"),
    Column.of("exports__impact.effect_pct", "number"),
    Column.of("exports__impact.ci_low_pct", "number"),
    Column.of("exports__impact.ci_high_pct", "number"),
    Column.of("exports__impact.practices_adopting", "count"),
    Column.of("exports__impact.practices_comparison", "count"),
    Column.of("exports__impact.annual_activity_change", "number"),
    Column.of("exports__impact.annual_cost_change_gbp", "gbp"),
    Column.of("exports__impact.placebo_pct", "number"),
    Column.of("exports__impact.note", "text"),
]


def _impact(params: dict) -> Table | None:
    if not has_impact():
        return None
    frame = run_query("exports__impact", **params)
    method = frame["method"].dropna().iloc[0] if not frame.empty and frame["method"].notna().any() else ""
    return Table("joint_working_impact", "Measured impact of joint working", IMPACT_COLUMNS,
                 frame[[column.field for column in IMPACT_COLUMNS]], method)


SOURCE_COLUMNS = [
    Column.of("data_and_methods__sources.source", "text"),
    Column.of("data_and_methods__sources.title", "text"),
    Column.of("data_and_methods__sources.publisher", "text"),
    Column.of("data_and_methods__sources.url", "text"),
    Column.of("data_and_methods__sources.files", "count"),
    Column.of("data_and_methods__sources.first_period", "text"),
    Column.of("data_and_methods__sources.last_period", "text"),
]


def _sources() -> Table:
    frame = reference_query("data_and_methods__sources")
    frame = frame[frame["present"].astype(bool)]
    return Table("sources", "Sources", SOURCE_COLUMNS, frame[[column.field for column in SOURCE_COLUMNS]],
                 "Every source loaded into the warehouse, with the periods its data cover.")


DEFINITION_COLUMNS = [
    Column.of("data_and_methods__indicators.indicator_id", "text"),
    Column.of("data_and_methods__indicators.kind", "text"),
    Column.of("data_and_methods__indicators.name", "text"),
    Column.of("data_and_methods__indicators.definition", "text"),
    Column.of("data_and_methods__indicators.numerator", "text"),
    Column.of("data_and_methods__indicators.denominator", "text"),
    Column.of("data_and_methods__indicators.unit", "text"),
    Column.of("data_and_methods__indicators.polarity", "text"),
    Column.of("data_and_methods__indicators.source_title", "text"),
]


def _definitions() -> Table:
    frame = reference_query("data_and_methods__indicators")
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
    ("spine", "Every headline measure against England", "for a council or a practice: its rate, England's, the "
     "worst, quartiles and best of every council or practice, and whether it differs beyond chance (the spine "
     "chart)"),
    ("joint_working_impact", "Measured impact of joint working", "the estimated effect of an attached social "
     "worker on each outcome, for the council"),
    ("sources", "Sources", "every source loaded and the period its data cover"),
    ("definitions", "Definitions", "every indicator's definition, numerator, denominator and unit"),
)


def has_impact() -> bool:
    return "mart_joint_working_impact" in set(reference_query("exports__tables")["table_name"])
