"""Fingertips practice-indicator exports (issue 3 §B): A&E attendances aged 0-4, and IMD 2019.

Rows are England (twice: overall, and the most deprived decile of practices), PCNs and GPs, in
the 27-column export layout; the 23rd column's header differs between the two files, as it does
between real exports.

Trade-offs:
* A practice's A&E rate for the under-5s shares its SUS A&E practice effect, raised a little with
  deprivation, so the two sources tell one story; the joint-working effect is not applied here
  (issue 3 §H names SUS and the council extracts only).
* Confidence limits use Byar's method, as Fingertips does for rates from counts. Suppression is
  drawn (a few GP rows), not triggered by small counts: at these list sizes no real count is small.
* The deprivation score is one lognormal draw per practice; nothing else in the demo depends on
  it, so it cannot bias the planted effects.
* The fictional names carry no commas, so one or more practices are given a Fingertips-style
  name with a town after a comma (e.g. "THE ELMS SURGERY, WYVERNFORD") to force a quoted field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from etl.demo import months as mo
from etl.demo import writers
from etl.demo.activity import MEASURES
from etl.demo.areas import Areas
from etl.demo.practices import Practices

COLUMNS = ("Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type",
           "Sex", "Age", "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit",
           "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator",
           "Value note", "Recent Trend", "Compared to England value or percentiles", None,
           "Time period Sortable", "New data", "Compared to goal", "Time period range")
COMPARED_TO_PCN = "Compared to PCNs (v. 27/10/23) value or percentiles"
NOT_USED = "Column not used"
ENGLAND_CODE = "E92000001"
PCN_TYPE = "PCNs (v. 27/10/23)"
DECILE_TYPE, DECILE = "GP deprivation deciles (IMD2019)", "Most deprived decile (IMD2019)"
SUPPRESSED_NOTE = "Value suppressed for disclosure control due to small count"

AE_ID, AE_NAME = "93930", "A&E attendances (0 to 4 years)"
IMD_ID, IMD_NAME = "93553", "Deprivation score (IMD 2019)"
AE_YEARS = tuple(range(2019, 2024))  # 2019/20 .. 2023/24
AE_RATE = 650.0  # per 1,000 aged 0-4 a year, in 2019/20
AE_TREND_PCT = 2.0
IMD_MEDIAN, IMD_SIGMA = 19.0, 0.5
SUPPRESSED_SHARE = 0.01
Z95, Z998 = 1.959964, 3.090232


@dataclass
class Fingertips:
    imd: np.ndarray  # per practice
    most_deprived: np.ndarray  # bool per practice: the top decile of the score
    ae_count: np.ndarray  # (years, practices)
    ae_denominator: np.ndarray  # (years, practices), int
    ae_present: np.ndarray  # (years, practices): open during the year
    suppressed: np.ndarray  # (years, practices)
    area_name: list[str]  # per practice, as Fingertips writes it
    imd_weight: np.ndarray  # per practice: list size in October 2019, for weighted means


def build_fingertips(rng, areas: Areas, pr: Practices, lists: mo.MonthlyLists, ae_effect: np.ndarray) -> Fingertips:
    imd = np.clip(np.exp(rng.normal(np.log(IMD_MEDIAN), IMD_SIGMA, pr.n)), 2.0, 75.0).round(3)
    n_top = max(1, int(np.ceil(pr.n / 10)))
    most_deprived = np.zeros(pr.n, bool)
    most_deprived[np.argsort(-imd, kind="stable")[:n_top]] = True

    octobers = lists.at([mo.month_number(y, 10) for y in AE_YEARS])
    denominator = np.rint(lists.under5[octobers]).astype(np.int64)
    year_months = [lists.at(mo.month_number(y, 4) + np.arange(12)) for y in AE_YEARS]
    present = np.array([lists.open[p].any(axis=0) for p in year_months])
    deprivation = (imd / IMD_MEDIAN) ** 0.15
    growth = (1 + AE_TREND_PCT / 100.0) ** np.arange(len(AE_YEARS))
    expected = denominator * AE_RATE / 1000.0 * growth[:, None] * (ae_effect * deprivation)[None, :]
    count = rng.poisson(np.where(present, expected, 0.0))
    suppressed = present & (rng.uniform(size=present.shape) < SUPPRESSED_SHARE)
    at_least = min(3, int(present.sum()))
    if suppressed.sum() < at_least:  # a few always, so a reader meets the note
        pick = rng.choice(np.flatnonzero((present & ~suppressed).ravel()), at_least - suppressed.sum(), replace=False)
        suppressed.ravel()[pick] = True

    names = list(pr.name)
    n_comma = max(1, pr.n // 200)
    for i in rng.choice(pr.n, n_comma, replace=False):
        names[i] = f"{pr.name[i]}, {areas.lads[areas.lad_of[pr.lsoa[i]]].name.upper()}"
    weight = lists.total[lists.at([mo.month_number(2019, 10)])][0]
    return Fingertips(imd, most_deprived, count, denominator, present, suppressed, names, weight)


def byar(count: int, denominator: int, z: float, per: float = 1000.0) -> tuple[float, float]:
    """Byar's approximation to the Poisson limits of a count, as a rate per ``per``."""
    lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3 if count > 0 else 0.0
    upper = (count + 1) * (1 - 1 / (9 * (count + 1)) + z / (3 * math.sqrt(count + 1))) ** 3
    return per * lower / denominator, per * upper / denominator


def _f(v: float, digits: int = 6) -> str:
    return f"{v:.{digits}f}"


def _compare(lo: float, hi: float, target: float) -> str:
    if lo > target:
        return "Higher"
    if hi < target:
        return "Lower"
    return "Similar"


def _pcn_parents(areas: Areas, pr: Practices) -> list[tuple[str, str]]:
    """Per PCN: its sub-ICB (the one most of its practices are in)."""
    out = []
    for g in range(len(pr.pcn_codes)):
        subs = pr.sub_icb[pr.pcn == g]
        sub = areas.sub_icbs[int(np.bincount(subs).argmax())]
        out.append((sub.ods, sub.name))
    return out


def _row(ind_id, ind_name, parent, area, area_type, sex, age, category, period, stats, comparisons, sortable):
    """stats: value, 4 CIs, count, denominator, note, trend; comparisons: England, 23rd column."""
    return (ind_id, ind_name, *parent, *area, area_type, sex, age, *category, period, *stats, *comparisons,
            sortable, "", "", "1y")


def _ae_stats(count: int, den: int, suppressed: bool = False) -> tuple[list[str], float, float]:
    if suppressed:
        return ["", "", "", "", "", "", str(den), SUPPRESSED_NOTE, "Cannot be calculated"], np.nan, np.nan
    value = 1000.0 * count / den
    lo95, hi95 = byar(count, den, Z95)
    lo998, hi998 = byar(count, den, Z998)
    stats = [_f(value), _f(lo95), _f(hi95), _f(lo998), _f(hi998), str(count), str(den), "", "Cannot be calculated"]
    return stats, lo95, hi95


def ae_rows(areas: Areas, pr: Practices, ft: Fingertips) -> list[tuple[str, ...]]:
    parents = _pcn_parents(areas, pr)
    rows = []
    none = ("", "")
    for y, year in enumerate(AE_YEARS):
        period, sortable = f"{year}/{(year + 1) % 100:02d}", f"{year}0000"
        here = ft.ae_present[y]
        count, den = ft.ae_count[y], ft.ae_denominator[y]
        eng_value = 1000.0 * count[here].sum() / den[here].sum()
        for category, members in ((none, here), ((DECILE_TYPE, DECILE), here & ft.most_deprived)):
            stats, _, _ = _ae_stats(int(count[members].sum()), int(den[members].sum()))
            rows.append(_row(AE_ID, AE_NAME, none, (ENGLAND_CODE, "England"), "England", "Persons", "0-4 yrs",
                             category, period, stats, ("Not compared", ""), sortable))
        pcn_value = {}
        for g, code in enumerate(pr.pcn_codes):
            members = here & (pr.pcn == g)
            if not members.any():
                continue
            c, d = int(count[members].sum()), int(den[members].sum())
            stats, lo, hi = _ae_stats(c, d)
            pcn_value[g] = 1000.0 * c / d
            rows.append(_row(AE_ID, AE_NAME, parents[g], (code, pr.pcn_names[g]), PCN_TYPE, "Persons", "0-4 yrs",
                             none, period, stats, (_compare(lo, hi, eng_value), ""), sortable))
        for i in np.flatnonzero(here):
            stats, lo, hi = _ae_stats(int(count[i]), int(den[i]), bool(ft.suppressed[y, i]))
            g = int(pr.pcn[i])
            compared = (("Not compared", "Not compared") if ft.suppressed[y, i]
                        else (_compare(lo, hi, eng_value), _compare(lo, hi, pcn_value[g])))
            rows.append(_row(AE_ID, AE_NAME, (pr.pcn_codes[g], pr.pcn_names[g]), (pr.code[i], ft.area_name[i]), "GPs",
                             "Persons", "0-4 yrs", none, period, stats, compared, sortable))
    return rows


def imd_rows(areas: Areas, pr: Practices, ft: Fingertips) -> list[tuple[str, ...]]:
    parents = _pcn_parents(areas, pr)
    none = ("", "")

    def stats(members) -> list[str]:
        value = float(np.average(ft.imd[members], weights=ft.imd_weight[members]))
        return [_f(value, 3), "", "", "", "", "", "", "", ""]

    rows = []
    everyone = np.ones(pr.n, bool)
    for category, members in ((none, everyone), ((DECILE_TYPE, DECILE), ft.most_deprived)):
        rows.append(_row(IMD_ID, IMD_NAME, none, (ENGLAND_CODE, "England"), "England", "Persons", "All ages",
                         category, "2019", stats(members), ("Not compared", ""), "20190000"))
    for g, code in enumerate(pr.pcn_codes):
        rows.append(_row(IMD_ID, IMD_NAME, parents[g], (code, pr.pcn_names[g]), PCN_TYPE, "Persons", "All ages",
                         none, "2019", stats(pr.pcn == g), ("Not compared", ""), "20190000"))
    for i in range(pr.n):
        g = int(pr.pcn[i])
        rows.append(_row(IMD_ID, IMD_NAME, (pr.pcn_codes[g], pr.pcn_names[g]), (pr.code[i], ft.area_name[i]), "GPs",
                         "Persons", "All ages", none, "2019", [_f(float(ft.imd[i]), 3)] + [""] * 8,
                         ("Not compared", ""), "20190000"))
    return rows


_TYPE_RANK = {"England": 0, PCN_TYPE: 1, "GPs": 2}


def write_fingertips(out, areas: Areas, pr: Practices, ft: Fingertips) -> list[str]:
    written = []
    for ind_id, column23, rows in ((AE_ID, COMPARED_TO_PCN, ae_rows(areas, pr, ft)),
                                   (IMD_ID, NOT_USED, imd_rows(areas, pr, ft))):
        rows.sort(key=lambda r: (r[23], _TYPE_RANK[r[6]], r[4], r[9]))
        header = tuple(column23 if c is None else c for c in COLUMNS)
        rel = f"fingertips/fingertips_{ind_id}_gp.csv"
        writers.write_csv(out(rel, "fingertips"), header, rows, newline="\r\n", bom=True)
        written.append(rel)
    return written


def manifest(pr: Practices, ft: Fingertips, files: list[str]) -> dict:
    years = [f"{y}/{(y + 1) % 100:02d}" for y in AE_YEARS]
    return {
        "files": files,
        "indicators": {AE_ID: AE_NAME, IMD_ID: IMD_NAME},
        "column_23": {AE_ID: COMPARED_TO_PCN, IMD_ID: NOT_USED},
        "ae_periods": years,
        "ae_rate_per_1000_2019_20": AE_RATE,
        "ae_trend_pct_per_year": AE_TREND_PCT,
        "ae_shares_sus_practice_effect": MEASURES[0],
        "suppressed_gp_rows": sorted([{"period": years[y], "practice_code": pr.code[i]}
                                      for y, i in zip(*np.nonzero(ft.suppressed))],
                                     key=lambda r: (r["period"], r["practice_code"])),
        "comma_names": sorted(pr.code[i] for i, n in enumerate(ft.area_name) if "," in n),
        "most_deprived_decile_practices": sorted(pr.code[i] for i in np.flatnonzero(ft.most_deprived)),
        "ci_method": "Byar, 95% z = 1.959964, 99.8% z = 3.090232",
    }
