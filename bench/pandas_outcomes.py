"""Issue 3's joins as a straightforward pandas pipeline (the second half of bench/pandas_pipeline.py).

From the same raw files as the build, and with the same rules as the SQL models (etl/models), it
computes, and nothing else (no validation, no contracts, no other marts):

(a) activity rates: practice x month x measure per 1,000 registered patients (aged 65+ for falls), the
    denominator from the latest registrations release at or before the month, else the practice's
    earliest (fct_practice_activity, int_practice_month__denominators);
(b) activity apportioned to councils: sum over practices of share_of_practice x count, and the same of
    the denominators (mart_outcomes_council, 'apportioned'; int_practice_council__weights);
(c) ASCOF apportioned to practices: sum over councils of share_of_council x numerator and denominator,
    weights of the release at or before 1 October of the year, else the earliest (mart_outcomes_practice,
    'apportioned'; fct_ascof, int_council_quarter__population, int_council_year__population);
(d) the BCF summary: planned and actual pounds per HWB and year, planned per head (mart_bcf_summary;
    int_bcf__plan_lines: a 2023-25 plan's second expenditure column is the second year);
(e) the joint-working index per practice and quarter, scored by etl/indicators/JW*.yml and weighted by
    etl/method.yml (fct_joint_working, mart_joint_working_index);
(f) council social care events per 100,000 residents aged 65+, per month (mart_outcomes_council, 'counted').

Reading and joining are timed apart. A source family with no files is skipped with a note.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine
import yaml

import etl
from etl.sources import load_sources, match_header, normalise_header

ETL_DIR = Path(etl.__file__).resolve().parent
NOT_COUNCILS = {"WALES", "SCOTLAND", "NORTHERN_IRELAND", "CHANNEL_ISLANDS", "ISLE_OF_MAN",  # outside England
                "CLOSED", "EMPTY", "UNMAPPED"}  # unknown residence
EVENTS = {"permanent admission - residential": "residential", "permanent admission - nursing": "nursing",
          "reablement start": "starts", "at home 91 days after reablement": "at_home"}
EVENT_MEASURES = {  # measure id: (numerator, denominator), as mart_outcomes_council's event_measures
    "residential_admissions": ("residential", "residents_65_plus"),
    "nursing_admissions": ("nursing", "residents_65_plus"),
    "care_home_admissions": ("care_home", "residents_65_plus"),
    "reablement_starts": ("starts", "residents_65_plus"),
    "reablement_at_home_91": ("at_home", "starts"),
}


# ---- small helpers, each the pandas twin of a macro in etl/models/macros.sql -----------------------------
def sql_round(values, digits: int = 0):
    """DuckDB's round(double, n): half away from zero on value x 10^n."""
    scale = 10.0 ** digits
    values = np.asarray(values, dtype=float)
    return np.sign(values) * np.floor(np.abs(values) * scale + 0.5) / scale


def label_key(values: pd.Series) -> pd.Series:
    """Each distinct label normalised once: lower case, runs of spaces as one, trimmed."""
    return values.fillna("").map({text: " ".join(text.split()).lower() for text in values.fillna("").unique()})


def parse_number(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.astype("string").str.strip().str.replace(",", ""), errors="coerce")


def parse_money(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.astype("string").str.strip().str.replace(r"^£|,|\s", "", regex=True), errors="coerce")


def _month(text: str):
    text = text.strip()
    if re.fullmatch(r"[0-9]{4}-[0-9]{1,2}", text):
        return pd.Timestamp(int(text[:4]), int(text[5:]), 1)
    if re.fullmatch(r"[0-9]{6}", text):
        return pd.Timestamp(int(text[:4]), int(text[4:]), 1)
    if re.fullmatch(r"[0-9]{1,2}/[0-9]{4}", text):
        month, year = text.split("/")
        return pd.Timestamp(int(year), int(month), 1)
    for form in ("%d/%m/%Y", "%b-%y", "%b-%Y", "%b %Y", "%Y-%m-%d", "%d%b%Y", "%d-%b-%y", "%Y%m%d"):
        try:
            day = dt.datetime.strptime(text, form)
        except ValueError:
            continue
        return pd.Timestamp(day.year, day.month, 1)
    return pd.NaT


def parse_months(values: pd.Series) -> pd.Series:
    """Each distinct spelling parsed once (parse_month)."""
    return as_dates(values.map({text: _month(text) for text in values.dropna().unique()}))


def as_dates(values: pd.Series) -> pd.Series:
    """One datetime resolution everywhere, so that asof joins and merges accept the keys."""
    return pd.to_datetime(values).astype("datetime64[ns]")


def financial_year_start(labels: pd.Series) -> pd.Series:
    return as_dates(labels.str[:4] + "-04-01")


def cell_text(value) -> str:
    """A worksheet cell as a CSV would hold it (etl/workbooks.py: whole numbers without '.0')."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


# ---- reference: indicator definitions, ASCOF codes, the index weight ------------------------------------
def indicators() -> pd.DataFrame:
    rows = []
    for path in sorted((ETL_DIR / "indicators").glob("*.yml")):
        spec = yaml.safe_load(path.read_text())
        scoring = spec.get("scoring") or {}
        rows.append({"indicator_id": spec["id"], "kind": spec["kind"], "domain": spec.get("domain"),
                     "multiplier": float(spec.get("multiplier") or 1), "source": spec["source"],
                     "source_labels": list(spec.get("source_labels") or []),
                     "denominator_kind": spec.get("denominator_kind"), "scoring_kind": scoring.get("kind"),
                     "scoring_target": float(scoring["target"]) if "target" in scoring else np.nan})
    return pd.DataFrame(rows)


def domain_weight() -> float:
    method = yaml.safe_load((ETL_DIR / "method.yml").read_text())
    return float(method["joint_working"]["joint_working_domain_weight"]["value"])


# ---- reading ----------------------------------------------------------------------------------------------
ASCOF_COLUMNS = ["geographical_code", "geographical_level", "ons_code", "measure_code", "disaggregation",
                 "measure_type", "measure_value"]


def read_csvs(files: dict[str, list]) -> dict[str, pd.DataFrame]:
    from bench.pandas_pipeline import read_all, read_table

    ascof = [read_table(raw, ASCOF_COLUMNS).assign(file=raw.name) for raw in files.get("ascof", [])]
    return {
        "age": read_all(files, "practice_age",
                        ["extract_date", "practice_code", "sex", "age_group", "number_of_patients"]),
        "activity": read_all(files, "sus_activity", ["activity_month", "practice_code", "measure", "activity_count"]),
        "events": read_all(files, "social_care_events",
                           ["council_code", "event_month", "practice_code", "event", "clients"]),
        "joint_working": read_all(files, "joint_working_return",
                                  ["quarter", "practice_code", "indicator_code", "value"]),
        "ascof": pd.concat(ascof, ignore_index=True) if ascof else pd.DataFrame(columns=ASCOF_COLUMNS + ["file"]),
    }


def read_workbooks(paths: list[Path]) -> dict[str, pd.DataFrame]:
    """BCF plans and year-end returns (the table under the row starting 'Scheme ID', the HWB and period
    above it) and ASCOF workbooks (sheet 'in', header in row 1), read with calamine."""
    sources = load_sources()
    plans, year_ends, ascof = [], [], []
    for path in paths:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        try:
            sheets = {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
                      for name in workbook.sheet_names}
        finally:
            workbook.close()
        table = _scheme_table(sheets)
        if table is not None:
            rows, cover = table
            header = [cell_text(cell).strip() for cell in rows[0]]
            year_end = any(normalise_header(name) == "ACTUAL_EXPENDITURE" for name in header)
            columns = ["scheme_id", "source_of_funding"] + (
                ["actual_expenditure"] if year_end else ["expenditure", "expenditure_second_year", "area_of_spend"])
            frame = _frame(rows, sources["bcf_year_end" if year_end else "bcf_plan"], columns)
            frame = frame[frame["scheme_id"].fillna("").str.strip() != ""].assign(**cover)
            (year_ends if year_end else plans).append(frame)
        elif "in" in sheets and sheets["in"]:
            frame = _frame(sheets["in"], sources["ascof"], ASCOF_COLUMNS)
            ascof.append(frame.assign(file=path.name))
    return {"plans": pd.concat(plans, ignore_index=True) if plans else None,
            "year_end": pd.concat(year_ends, ignore_index=True) if year_ends else None,
            "ascof": pd.concat(ascof, ignore_index=True) if ascof else None}


def _scheme_table(sheets: dict[str, list[list]]) -> tuple[list[list], dict[str, str]] | None:
    for rows in sheets.values():
        for index, row in enumerate(rows[:60]):
            if row and cell_text(row[0]).strip() == "Scheme ID":
                return rows[index:], _cover(rows[:index])
    return None


def _cover(rows: list[list]) -> dict[str, str]:
    """The HWB (the cell right of 'Health and Wellbeing Board:') and the period in the title."""
    cover = {"hwb_name": "", "period": ""}
    for row in rows:
        texts = [cell_text(cell).strip() for cell in row]
        for position, text in enumerate(texts):
            label = normalise_header(text)
            if not cover["hwb_name"] and re.fullmatch(r"(SELECTED_)?HEALTH_AND_WELLBEING_BOARD", label):
                cover["hwb_name"] = next((t for t in texts[position + 1:] if t), "")
            hit = re.search(r"better care fund\s+(20[0-9]{2}-[0-9]{2})", text, flags=re.IGNORECASE)
            if hit and not cover["period"]:
                cover["period"] = hit.group(1)
    return cover


def _frame(rows: list[list], source, columns: list[str]) -> pd.DataFrame:
    header = [cell_text(cell) for cell in rows[0]]
    mapping = match_header(source, header).mapping
    positions = {name: header.index(mapping[name]) for name in columns if name in mapping}
    body = rows[1:]
    return pd.DataFrame({name: [(cell_text(row[i]) or None) if i < len(row) else None for row in body]
                         for name, i in positions.items()}, columns=columns)


def read(files: dict[str, list], workbooks: list[Path]) -> dict[str, pd.DataFrame]:
    frames = read_csvs(files)
    books = read_workbooks(workbooks)
    if books["ascof"] is not None:
        frames["ascof"] = pd.concat([frames["ascof"], books["ascof"]], ignore_index=True)
    frames["plans"], frames["year_end"] = books["plans"], books["year_end"]
    return frames


# ---- joins: populations and weights -----------------------------------------------------------------------
def practice_releases(shares: pd.DataFrame, age: pd.DataFrame) -> pd.DataFrame:
    """Per practice and release: the list (from the LSOA file) and those aged 65+ (age-band file)."""
    lists = shares.groupby(["practice_code", "quarter"], as_index=False)["patients"].sum()
    lists["quarter"] = as_dates(lists["quarter"].dt.to_timestamp())
    sex = age["sex"].map({text: text.strip().upper() for text in age["sex"].dropna().unique()})
    lower = {band: band.strip().replace("+", "").split("_")[0] for band in age["age_group"].dropna().unique()}
    lower = pd.to_numeric(age["age_group"].map(lower), errors="coerce")  # 'ALL' is no band
    aged = age[(sex == "ALL") & (lower >= 65)]
    dates = aged["extract_date"].unique()
    quarters = dict(zip(dates, as_dates(pd.to_datetime(pd.Series(dates), format="mixed", dayfirst=True)
                                        .dt.to_period("M").dt.to_timestamp())))
    aged = aged.assign(quarter=aged["extract_date"].map(quarters),
                       practice_code=aged["practice_code"].str.strip().str.upper(),
                       patients_65_plus=aged["number_of_patients"].astype(int))
    aged = aged.groupby(["practice_code", "quarter"], as_index=False)["patients_65_plus"].sum()
    return lists.merge(aged, on=["practice_code", "quarter"], how="left")


def council_weights(shares: pd.DataFrame, releases: pd.DataFrame) -> pd.DataFrame:
    """int_practice_council__weights: share of the practice's list in the council, and of the council's
    registered residents with the practice."""
    residents = shares.loc[~shares["area"].isin(NOT_COUNCILS) & (shares["patients"] > 0),
                           ["practice_code", "quarter", "area", "patients"]]
    residents = residents.rename(columns={"area": "council_code", "patients": "residents"})
    residents["quarter"] = as_dates(residents["quarter"].dt.to_timestamp())
    weights = residents.merge(releases[["practice_code", "quarter", "patients"]], on=["practice_code", "quarter"])
    weights["share_of_practice"] = weights["residents"] / weights["patients"]
    council_total = weights.groupby(["council_code", "quarter"])["residents"].transform("sum")
    weights["share_of_council"] = weights["residents"] / council_total
    return weights.drop(columns="patients")


def council_quarter_population(weights: pd.DataFrame, releases: pd.DataFrame) -> pd.DataFrame:
    both = weights.merge(releases, on=["practice_code", "quarter"])
    both["aged"] = both["residents"] * both["patients_65_plus"] / both["patients"].replace(0, np.nan)
    population = both.groupby(["council_code", "quarter"], as_index=False)[["residents", "aged"]].sum(min_count=1)
    population["residents_65_plus"] = sql_round(population.pop("aged"))
    return population


def latest_at_or_before(left: pd.DataFrame, right: pd.DataFrame, by: str, on: str, right_on: str) -> pd.DataFrame:
    """An asof left join: the right row of the same `by` with the latest right_on <= on."""
    left = left.assign(**{by: left[by].astype("str")}).sort_values(on, kind="stable")
    right = right.assign(**{by: right[by].astype("str")}).sort_values(right_on)
    return pd.merge_asof(left, right, left_on=on, right_on=right_on, by=by, direction="backward")


def council_year_population(population: pd.DataFrame, years: pd.DataFrame) -> pd.DataFrame:
    """int_council_year__population: the release at or before 1 October of the year, else the earliest."""
    years = years.dropna().drop_duplicates()
    years = years.assign(mid_year=financial_year_start(years["financial_year"]) + pd.DateOffset(months=6))
    merged = latest_at_or_before(years, population, "council_code", "mid_year", "quarter")
    earliest = population.sort_values("quarter").drop_duplicates("council_code").set_index("council_code")
    missing = merged["quarter"].isna()
    for column in ("quarter", "residents", "residents_65_plus"):
        merged.loc[missing, column] = merged.loc[missing, "council_code"].map(earliest[column])
    return merged.rename(columns={"quarter": "population_release"}).drop(columns="mid_year")


# ---- (a) activity rates, (b) apportioned to councils --------------------------------------------------------
def activity_rates(activity: pd.DataFrame, releases: pd.DataFrame, definitions: pd.DataFrame) -> pd.DataFrame:
    measures = definitions[definitions["source"] == "sus_activity"].explode("source_labels")
    kinds = dict(zip(measures["indicator_id"], measures["denominator_kind"]))
    labels = dict(zip(label_key(measures["source_labels"]), measures["indicator_id"]))
    activity = pd.DataFrame({
        "practice_code": activity["practice_code"].str.strip().str.upper(),
        "activity_month": parse_months(activity["activity_month"]),
        "measure_id": label_key(activity["measure"]).map(labels),
        "activity_count": pd.to_numeric(activity["activity_count"].str.strip(), errors="coerce"),
    }).dropna(subset=["measure_id", "activity_month"])
    merged = latest_at_or_before(activity, releases, "practice_code", "activity_month", "quarter")
    first = releases.sort_values("quarter").drop_duplicates("practice_code").set_index("practice_code")
    missing = merged["quarter"].isna()
    for column in ("quarter", "patients", "patients_65_plus"):
        merged.loc[missing, column] = merged.loc[missing, "practice_code"].map(first[column])
    aged = merged["measure_id"].map(kinds) == "aged_65_plus"
    merged["denominator"] = np.where(aged, merged["patients_65_plus"], merged["patients"])
    merged["rate_per_1000"] = sql_round(1000.0 * merged["activity_count"] / merged["denominator"].replace(0, np.nan), 4)
    return merged.rename(columns={"quarter": "denominator_release"})[
        ["practice_code", "activity_month", "measure_id", "activity_count", "denominator", "rate_per_1000",
         "denominator_release"]]


def activity_by_council(rates: pd.DataFrame, weights: pd.DataFrame, definitions: pd.DataFrame) -> pd.DataFrame:
    merged = rates.merge(weights[["practice_code", "quarter", "council_code", "share_of_practice"]],
                         left_on=["practice_code", "denominator_release"], right_on=["practice_code", "quarter"])
    merged["numerator"] = merged["activity_count"] * merged["share_of_practice"]
    merged["denominator"] = merged["denominator"] * merged["share_of_practice"]
    keys = ["council_code", "activity_month", "measure_id"]
    return _rates(merged.groupby(keys, as_index=False)[["numerator", "denominator"]].sum(min_count=1), definitions)


def _rates(frame: pd.DataFrame, definitions: pd.DataFrame) -> pd.DataFrame:
    multiplier = frame["measure_id"].map(dict(zip(definitions["indicator_id"], definitions["multiplier"])))
    frame = frame[multiplier.notna()].copy()
    frame["rate"] = multiplier[multiplier.notna()] * frame["numerator"] / frame["denominator"].replace(0, np.nan)
    return frame


# ---- (c) ASCOF apportioned to practices ---------------------------------------------------------------------
def ascof_councils(ascof: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """fct_ascof's council Total rows of mapped measures (numerator and denominator per council and year),
    and every council and year ASCOF has (int_council_year__population's years)."""
    years = {}
    for name in ascof["file"].unique():
        for first, second in re.findall(r"(?<![0-9])(?:20)?([0-9]{2})[-_]?([0-9]{2})(?![0-9])", name):
            if int(second) == (int(first) + 1) % 100:
                years[name] = f"20{first}-{second}"
                break
    frame = pd.DataFrame({
        "financial_year": ascof["file"].map(years),
        "level": label_key(ascof["geographical_level"]),
        "geographical_code": ascof["geographical_code"].str.strip(),
        "ons_code": ascof["ons_code"].str.strip().str.upper().replace("", None),
        "measure_code": ascof["measure_code"].str.upper().str.replace(r"[()\s]", "", regex=True).str.split("_").str[0],
        "disaggregation": ascof["disaggregation"].str.strip(),
        "measure_type": label_key(ascof["measure_type"]),
        "value": parse_number(ascof["measure_value"]),
    })
    frame = frame[frame["level"] == "council"]
    frame = frame.assign(council_code=frame["ons_code"].fillna(frame["geographical_code"]))
    years_seen = frame[["council_code", "financial_year"]].drop_duplicates()
    frame = frame[(frame["disaggregation"] == "Total") & frame["measure_type"].isin(["numerator", "denominator"])]
    wide = (frame.groupby(["financial_year", "council_code", "measure_code", "measure_type"])["value"].max()
            .unstack("measure_type").reindex(columns=["numerator", "denominator"]).reset_index())
    reference = pd.read_csv(ETL_DIR / "reference" / "ascof_measures.csv", dtype=str)
    wide = wide.merge(reference, left_on="measure_code", right_on="published_code")
    wide = wide[(wide["financial_year"] >= wide["first_year"]) & (wide["financial_year"] <= wide["last_year"])]
    return wide[["financial_year", "council_code", "measure_id", "numerator", "denominator"]], years_seen


def ascof_by_practice(ascof: pd.DataFrame, year_population: pd.DataFrame, weights: pd.DataFrame,
                      definitions: pd.DataFrame) -> pd.DataFrame:
    release = year_population[["council_code", "financial_year", "population_release"]]
    shared = release.merge(weights[["council_code", "quarter", "practice_code", "share_of_council"]],
                           left_on=["council_code", "population_release"], right_on=["council_code", "quarter"])
    merged = ascof.merge(shared, on=["council_code", "financial_year"])
    merged["numerator"] = merged["numerator"] * merged["share_of_council"]
    merged["denominator"] = merged["denominator"] * merged["share_of_council"]
    merged["measure_id"] = "ascof_" + merged["measure_id"]
    keys = ["practice_code", "financial_year", "measure_id"]
    return _rates(merged.groupby(keys, as_index=False)[["numerator", "denominator"]].sum(min_count=1), definitions)


# ---- (d) the BCF summary ------------------------------------------------------------------------------------
def hwb_codes(upper: pd.DataFrame) -> dict[str, str]:
    names = upper.dropna(subset=["upper_tier_name"]).drop_duplicates("upper_tier_code")
    return dict(zip(label_key(names["upper_tier_name"]), names["upper_tier_code"]))


def plan_lines(plans: pd.DataFrame, codes: dict[str, str]) -> pd.DataFrame:
    """int_bcf__plan_lines: one row per line and year; a two-year plan's second column is its second year."""
    period = plans["period"].str.strip()
    first_year = period.str[:4].astype(int)
    span = (period.str[-2:].astype(int) - first_year % 100 + 100) % 100
    base = pd.DataFrame({"hwb_code": label_key(plans["hwb_name"]).map(codes), "first_year": first_year,
                         "is_social_care": label_key(plans["area_of_spend"]) == "social care"})
    years = [base.assign(year=first_year, planned_gbp=parse_money(plans["expenditure"]))]
    second = parse_money(plans["expenditure_second_year"])
    two = (span == 2) & second.notna()
    years.append(base[two].assign(year=first_year[two] + 1, planned_gbp=second[two]))
    lines = pd.concat(years, ignore_index=True)
    lines["financial_year"] = lines["year"].astype(str) + "-" + ((lines["year"] + 1) % 100).astype(str).str.zfill(2)
    return lines


def bcf_summary(lines: pd.DataFrame, year_end: pd.DataFrame | None, codes: dict[str, str],
                year_population: pd.DataFrame) -> pd.DataFrame:
    """mart_bcf_summary: planned (plan lines) and actual (year-end returns) pounds per HWB and year."""
    keys = ["hwb_code", "financial_year"]
    summary = lines.groupby(keys, as_index=False, dropna=False)[["planned_gbp"]].sum(min_count=1)
    if year_end is not None:
        actual = pd.DataFrame({"hwb_code": label_key(year_end["hwb_name"]).map(codes),
                               "financial_year": year_end["period"].str.strip(),
                               "actual_gbp": parse_money(year_end["actual_expenditure"])})
        actual = actual.groupby(keys, as_index=False, dropna=False)[["actual_gbp"]].sum(min_count=1)
        summary = summary.merge(actual, on=keys, how="outer")
    else:
        summary["actual_gbp"] = np.nan
    summary = summary.merge(year_population.rename(columns={"council_code": "hwb_code"}),
                            on=keys, how="left")
    summary["planned_per_head_gbp"] = sql_round(summary["planned_gbp"] / summary["residents"].replace(0, np.nan), 2)
    summary["actual_per_head_gbp"] = sql_round(summary["actual_gbp"] / summary["residents"].replace(0, np.nan), 2)
    return summary[["hwb_code", "financial_year", "planned_gbp", "actual_gbp", "residents", "planned_per_head_gbp",
                    "actual_per_head_gbp"]]


# ---- (e) the joint-working index ------------------------------------------------------------------------------
def joint_working_index(returns: pd.DataFrame, definitions: pd.DataFrame, weight: float) -> pd.DataFrame:
    jw = definitions[definitions["kind"] == "joint_working"].set_index("indicator_id")
    frame = pd.DataFrame({"practice_code": returns["practice_code"].str.strip().str.upper(),
                          "quarter_label": returns["quarter"].str.strip(),
                          "indicator_id": returns["indicator_code"].str.strip().str.upper(),
                          "value": parse_number(returns["value"])})
    frame = frame[frame["indicator_id"].isin(jw.index)]
    kind = frame["indicator_id"].map(jw["scoring_kind"])
    target = frame["indicator_id"].map(jw["scoring_target"])
    # an empty value (JW10 with no invitations) has no score
    score = np.select([kind == "yes_no", kind == "percent", kind == "target"],
                      [100 * frame["value"], frame["value"].clip(upper=100),
                       100 * (frame["value"] / target).clip(upper=1)], default=np.nan)
    frame = frame.assign(score=sql_round(score, 2), domain=frame["indicator_id"].map(jw["domain"]))
    frame = frame.dropna(subset=["score"])
    domains = frame.groupby(["practice_code", "quarter_label", "domain"])["score"].mean().unstack("domain")
    domains = domains.reindex(columns=["time and space", "trust and awareness of roles",
                                       "shared priorities and outcomes", "practical support"])
    total = (domains.iloc[:, 0] + domains.iloc[:, 1]) + domains.iloc[:, 2] + domains.iloc[:, 3]
    result = domains.reset_index()[["practice_code", "quarter_label"]]
    result["joint_working_index"] = sql_round(weight * total.to_numpy(), 2)
    return result


# ---- (f) council social care events ----------------------------------------------------------------------------
def council_events(events: pd.DataFrame, population: pd.DataFrame, definitions: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({"council_code": events["council_code"].str.strip().str.upper(),
                          "event_month": parse_months(events["event_month"]),
                          "event": label_key(events["event"]).map(EVENTS),
                          "clients": pd.to_numeric(events["clients"].str.strip(), errors="coerce")})
    wide = (frame.groupby(["council_code", "event_month", "event"])["clients"].sum().unstack("event", fill_value=0)
            .reindex(columns=list(EVENTS.values()), fill_value=0).reset_index())
    wide["care_home"] = wide["residential"] + wide["nursing"]
    merged = latest_at_or_before(wide, population, "council_code", "event_month", "quarter")
    # months before the first release take the earliest release, as every other denominator does
    earliest = population.sort_values("quarter").drop_duplicates("council_code").set_index("council_code")
    missing = merged["residents_65_plus"].isna()
    merged.loc[missing, "residents_65_plus"] = merged.loc[missing, "council_code"].map(earliest["residents_65_plus"])
    long = [merged[["council_code", "event_month"]].assign(measure_id=measure, numerator=merged[num].astype(float),
                                                            denominator=merged[den].astype(float))
            for measure, (num, den) in EVENT_MEASURES.items()]
    return _rates(pd.concat(long, ignore_index=True), definitions)


# ---- the whole second half ---------------------------------------------------------------------------------------
def run(files: dict[str, list], workbooks: list[Path], context: dict[str, pd.DataFrame]) -> dict:
    notes, parts, answers = [], {}, {}
    started = time.perf_counter()
    raw = read(files, workbooks)
    read_seconds = time.perf_counter() - started

    def timed(name: str, function, *args):
        began = time.perf_counter()
        result = function(*args)
        parts[name] = parts.get(name, 0.0) + time.perf_counter() - began
        return result

    has = {name: raw[name] is not None and len(raw[name]) > 0
           for name in ("activity", "events", "joint_working", "ascof", "plans", "year_end")}
    for name, what in (("activity", "SUS activity (activity/)"), ("events", "social care events (social_care/)"),
                       ("ascof", "ASCOF (ascof/)"), ("plans", "BCF plans (bcf/plans/)"),
                       ("year_end", "BCF year-end returns (bcf/year-end/)"),
                       ("joint_working", "joint-working returns (joint_working/)")):
        if not has[name]:
            notes.append(f"no {what} files: skipped what needs them")
    started = time.perf_counter()
    definitions = indicators()
    releases = timed("populations and weights", practice_releases, context["shares"], raw["age"])
    weights = timed("populations and weights", council_weights, context["shares"], releases)
    population = timed("populations and weights", council_quarter_population, weights, releases)
    if has["activity"]:
        answers["activity_rates"] = timed("(a) activity rates", activity_rates, raw["activity"], releases, definitions)
        answers["activity_by_council"] = timed("(b) activity by council", activity_by_council,
                                               answers["activity_rates"], weights, definitions)
    years = [pd.DataFrame(columns=["council_code", "financial_year"])]
    if has["ascof"]:
        ascof, ascof_years = timed("(c) ASCOF by practice", ascof_councils, raw["ascof"])
        years.append(ascof_years)
    codes = hwb_codes(context["upper"])
    if has["plans"]:
        lines = timed("(d) BCF summary", plan_lines, raw["plans"], codes)
        years.append(lines[["hwb_code", "financial_year"]].rename(columns={"hwb_code": "council_code"}))
    year_population = timed("populations and weights", council_year_population, population, pd.concat(years))
    if has["ascof"]:
        answers["ascof_by_practice"] = timed("(c) ASCOF by practice", ascof_by_practice, ascof, year_population,
                                             weights, definitions)
    if has["plans"]:
        answers["bcf_summary"] = timed("(d) BCF summary", bcf_summary, lines, raw["year_end"], codes,
                                       year_population)
    if has["joint_working"]:
        answers["joint_working_index"] = timed("(e) joint-working index", joint_working_index, raw["joint_working"],
                                               definitions, domain_weight())
    if has["events"]:
        answers["council_events"] = timed("(f) council events", council_events, raw["events"], population, definitions)
    join_seconds = time.perf_counter() - started
    return {"read_seconds": read_seconds, "join_seconds": join_seconds, "parts": parts, "notes": notes,
            "rows": {name: len(frame) for name, frame in answers.items()}, "answers": answers}
