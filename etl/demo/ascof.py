"""ASCOF open data (Adult Social Care Outcomes Framework), 2018-19 to 2024-25, in the published layout.

One long table a year: every council, region and England x measure x disaggregation x measure type
(Numerator, Denominator, Outcome). The layout drifts as the real files did: cp1252 CSVs except
2020-21 (an xlsx, sheet ``in``), ``ONS Area Code`` becoming ``ONS Code`` in 2019-20, the 2018-19
spellings 2A(1) / 2A(2) / 2B(1), the 2023-24 renumbering (2B, 2C, 2D), the statistical symbols
changing from ``c`` / ``:`` to ``[c]`` / ``[x]`` in 2020-21, and ``council`` in lower case in 2019-20.

Trade-offs:
* Counts are drawn per council with a fixed council effect (Poisson numerators, binomial 91-day
  successes), so a council keeps its character from year to year; 2020-21 dips as the pandemic year did.
* Denominators are registered residents (council_common), so ASCOF rates and the NHS side share
  one population; region and England rows are sums of their councils before any suppression.
* Suppression is planted, not modelled on small counts: a council's Male and Female rows are
  suppressed together (either would reveal the other from the Total), a whole 91-day measure is
  "not available" for one council in one old-style and one new-style year, and a few outcomes are
  simply blank. The manifest lists every cell.
"""

from __future__ import annotations

import csv
import io
from fractions import Fraction
from pathlib import Path
from typing import Callable

import numpy as np

from etl.demo import council_lists as cl
from etl.demo.areas import Areas
from etl.demo.council_common import council_population, format_1dp, new_workbook, rate_1dp
from etl.demo.fictional import COUNTRY_ENGLAND
from etl.demo.practices import Practices
from etl.demo.registrations import Registrations

XLSX_YEAR = "2020-21"
# Per 100,000 residents a year, and the 91-day success rate (%): near the published England values.
ADMISSIONS_18_64 = {"2018-19": 14.0, "2019-20": 14.0, "2020-21": 13.0, "2021-22": 13.5, "2022-23": 14.0,
                    "2023-24": 14.5, "2024-25": 15.0}
ADMISSIONS_65 = {"2018-19": 580.0, "2019-20": 585.0, "2020-21": 500.0, "2021-22": 540.0, "2022-23": 560.0,
                 "2023-24": 565.0, "2024-25": 560.0}
REABLEMENT_65 = {"2018-19": 800.0, "2019-20": 800.0, "2020-21": 650.0, "2021-22": 720.0, "2022-23": 760.0,
                 "2023-24": 780.0, "2024-25": 790.0}  # discharges into reablement (Oct-Dec) per 100,000 65+
HOME_91 = {"2018-19": 82.0, "2019-20": 82.0, "2020-21": 79.0, "2021-22": 81.5, "2022-23": 82.5,
           "2023-24": 83.0, "2024-25": 83.5}
MALE_RATE_RATIO = 0.8  # men 65+ are admitted to care homes less often than women
PAIR_SUPPRESSION = 0.03
CASSR_CODES = (500, 800)  # real CASSR / LA codes use 102-420 and 800-941
EMPTY_OUTCOME_YEARS = ("2018-19", "2020-21", "2023-24")  # one old CSV, the xlsx, one new CSV
NOT_AVAILABLE_YEARS = ("2019-20", "2022-23")  # one per symbol style
DASH_REGION = "{name} \u2013 ADASS region"  # the en dash cp1252 writes as 0x96

Out = Callable[[str, str], Path]
SEXES = ("Male", "Female")


def ascof_path(year: str) -> str:
    short = year[2:4] + year[5:7]
    if year == XLSX_YEAR:
        return f"ascof/meas-from-asc-of-eng-{short}-open-data-csv_v2.xlsx"
    return f"ascof/meas-from-asc-of-eng-{short}-open-data-csv.csv"


def write_ascof(out: Out, rng: np.random.Generator, areas: Areas, pr: Practices, reg: Registrations) -> dict:
    """Write the ASCOF files; return manifest["planted"]["ascof"]."""
    pop = council_population(areas, reg, cl.ASCOF_YEARS)
    geo = _geography(rng, areas, pop.index)
    counts = _draw_counts(rng, pop)
    marks = _plan_suppression(rng, len(pop.index))
    for year in cl.ASCOF_YEARS:
        rows = _rows(year, geo, counts[year], marks)
        header = cl.ASCOF_COLUMNS_2018 if year == "2018-19" else cl.ASCOF_COLUMNS
        if year == XLSX_YEAR:
            _write_xlsx(out(ascof_path(year), "ascof"), header, rows)
        else:
            _write_csv(out(ascof_path(year), "ascof"), header, rows)
    return _manifest(geo, counts, marks)


# ---- geography --------------------------------------------------------------------------------------
def _geography(rng, areas: Areas, index: list[int]) -> dict:
    councils = [areas.councils[i] for i in index]
    region = np.array([areas.icbs[c.icb].parent for c in councils])
    used = sorted(set(region.tolist()), key=lambda r: areas.ons_regions[r])
    names = {r: areas.regions[r].name for r in used}
    names[used[0]] = DASH_REGION.format(name=names[used[0]])
    cassr = sorted(rng.choice(np.arange(*CASSR_CODES), size=len(councils), replace=False).tolist())
    cassr = [int(c) for c in rng.permutation(cassr)]  # codes are not in ONS-code order
    return {"councils": councils, "region": region, "regions": used, "cassr": cassr,
            "region_code": {r: areas.ons_regions[r] for r in used}, "region_name": names}


# ---- counts -----------------------------------------------------------------------------------------
def _draw_counts(rng, pop) -> dict[str, dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]]:
    """Per year: (measure, disaggregation) -> (numerators, denominators) per council."""
    n = len(pop.index)
    e18, e65, e_reab = rng.lognormal(0, 0.25, n), rng.lognormal(0, 0.18, n), rng.lognormal(0, 0.35, n)
    home_shift = rng.normal(0, 0.3, n)  # on the logit scale
    out = {}
    for year in cl.ASCOF_YEARS:
        d18 = np.rint(pop.age_18_64[year]).astype(np.int64)
        dm, df = (np.rint(v).astype(np.int64) for v in (pop.male_65[year], pop.female_65[year]))
        rate65 = ADMISSIONS_65[year] / 1e5 * e65 * (dm + df) / (MALE_RATE_RATIO * dm + df)
        nm, nf = rng.poisson(rate65 * MALE_RATE_RATIO * dm), rng.poisson(rate65 * df)
        reab = np.maximum(rng.poisson(REABLEMENT_65[year] / 1e5 * e_reab * (dm + df)), 1)
        p_home = 1 / (1 + np.exp(-(np.log(HOME_91[year] / (100 - HOME_91[year])) + home_shift)))
        out[year] = {
            ("admissions_18_64", "Total"): (rng.poisson(ADMISSIONS_18_64[year] / 1e5 * e18 * d18), d18),
            ("admissions_65_plus", "Total"): (nm + nf, dm + df),
            ("admissions_65_plus", "Male"): (nm, dm),
            ("admissions_65_plus", "Female"): (nf, df),
            ("home_91_days", "Total"): (rng.binomial(reab, p_home), reab),
        }
    return out


# ---- suppression ----------------------------------------------------------------------------------
def _plan_suppression(rng, n: int) -> dict[tuple[str, int, str, str, str], str]:
    """(year, council position, measure, disaggregation, measure type) -> token written ('' = blank)."""
    marks = {}
    pairs = rng.uniform(size=(len(cl.ASCOF_YEARS), n)) < PAIR_SUPPRESSION
    for styles in (slice(0, 2), slice(2, None)):  # every token at least once: one pair per symbol style
        block = pairs[styles]
        if not block.any():
            block[rng.integers(block.shape[0]), rng.integers(n)] = True
    for y, i in zip(*np.nonzero(pairs)):
        year = cl.ASCOF_YEARS[y]
        for sex in SEXES:
            for kind in ("Numerator", "Outcome"):
                marks[(year, int(i), "admissions_65_plus", sex, kind)] = cl.ascof_tokens(year)[0]
    for year in NOT_AVAILABLE_YEARS:
        i = int(rng.integers(n))
        for kind in ("Numerator", "Denominator", "Outcome"):
            marks[(year, i, "home_91_days", "Total", kind)] = cl.ascof_tokens(year)[1]
    for year in EMPTY_OUTCOME_YEARS:
        marks[(year, int(rng.integers(n)), "admissions_18_64", "Total", "Outcome")] = ""
    return marks


# ---- rows -------------------------------------------------------------------------------------------
def _rows(year: str, geo: dict, counts: dict, marks: dict) -> list[tuple]:
    """Rows as tuples of cells: str, int, Fraction (an outcome) or None (blank)."""
    region_ix = {r: k for k, r in enumerate(geo["regions"])}
    in_region = np.array([region_ix[r] for r in geo["region"]])
    areas_ = [(COUNTRY_ENGLAND, "England", "England", COUNTRY_ENGLAND, None, slice(None))]
    for r in geo["regions"]:
        code = geo["region_code"][r]
        areas_.append((code, geo["region_name"][r], "Region", code, None, in_region == region_ix[r]))
    level = "council" if year == "2019-20" else "Council"
    order = sorted(range(len(geo["councils"])), key=lambda i: geo["cassr"][i])
    for i in order:
        c = geo["councils"][i]
        areas_.append((geo["cassr"][i], c.name, level, c.code, i, None))
    rows = []
    for code, name, lvl, ons, pos, members in areas_:
        for (measure, disagg), (num, den) in counts.items():
            n = int(num[members].sum()) if pos is None else int(num[pos])
            d = int(den[members].sum()) if pos is None else int(den[pos])
            m_code, group, group_desc = cl.ascof_code(measure, year)
            mult = cl.ASCOF_MEASURES[measure][3]
            for kind, value in (("Numerator", n), ("Denominator", d), ("Outcome", rate_1dp(n, d, mult))):
                if pos is not None and (year, pos, measure, disagg, kind) in marks:
                    value = marks[(year, pos, measure, disagg, kind)] or None
                rows.append((code, name, lvl, ons, m_code, disagg, kind, value, group, group_desc))
    return rows


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Fraction):
        return format_1dp(value)
    return str(value)


def _write_csv(path: Path, header, rows) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode("cp1252"))


def _write_xlsx(path: Path, header, rows) -> None:
    book = new_workbook(path, "ASCOF measures from the Adult Social Care Outcomes Framework (fictional)")
    sheet = book.add_worksheet("in")
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (int, Fraction)):
                sheet.write_number(r, c, float(value))
            else:
                sheet.write_string(r, c, value)
    book.close()


# ---- manifest -----------------------------------------------------------------------------------------
def _manifest(geo: dict, counts: dict, marks: dict) -> dict:
    councils = geo["councils"]
    keys = {"admissions_18_64|Total": "admissions_18_64", "admissions_65_plus|Total": "admissions_65_plus",
            "admissions_65_plus|Male": "admissions_65_plus_male",
            "admissions_65_plus|Female": "admissions_65_plus_female", "home_91_days|Total": "home_91_days"}
    values = {}
    for year, by_measure in counts.items():
        values[year] = {c.code: {keys[f"{m}|{d}"]: [int(num[i]), int(den[i])]
                                 for (m, d), (num, den) in by_measure.items()}
                        for i, c in enumerate(councils)}
    suppressed = []
    for (year, i, measure, disagg, kind), token in sorted(marks.items()):
        suppressed.append({"year": year, "ons_code": councils[i].code, "cassr_code": geo["cassr"][i],
                           "measure": measure, "measure_code": cl.ascof_code(measure, year)[0],
                           "disaggregation": disagg, "measure_type": kind, "token": token})
    return {
        "years": list(cl.ASCOF_YEARS),
        "files": {year: ascof_path(year) for year in cl.ASCOF_YEARS},
        "encoding": {"csv": "cp1252, CRLF", "xlsx_year": XLSX_YEAR, "xlsx_sheet": "in"},
        "ons_column": {year: ("ONS Area Code" if year == "2018-19" else "ONS Code") for year in cl.ASCOF_YEARS},
        "measure_codes": {year: {m: cl.ascof_code(m, year)[0] for m in cl.ASCOF_MEASURES} for year in cl.ASCOF_YEARS},
        "multipliers": {m: spec[3] for m, spec in cl.ASCOF_MEASURES.items()},
        "tokens": {year: dict(zip(("suppressed", "not_available"), cl.ascof_tokens(year))) for year in cl.ASCOF_YEARS},
        "cassr_code": {c.code: geo["cassr"][i] for i, c in enumerate(councils)},
        "region_of_council": {c.code: geo["region_code"][int(geo["region"][i])] for i, c in enumerate(councils)},
        "region_descriptions": {geo["region_code"][r]: geo["region_name"][r] for r in geo["regions"]},
        "lower_case_council_level_year": "2019-20",
        "counts": values,
        "counts_note": "[numerator, denominator] per council before suppression; denominators are registered "
                       "residents (18-64, 65+ by sex) or, for home_91_days, people discharged into reablement; "
                       "region and England rows are the sums; Outcome = N / D x multiplier rounded half up to 1 dp",
        "suppressed": suppressed,
        "suppression_note": "Male and Female 65+ admissions rows of a council are suppressed together "
                            "(Numerator and Outcome); home_91_days 'not available' for one council in "
                            f"{' and '.join(NOT_AVAILABLE_YEARS)} (all three types); token '' = a blank Measure Value",
    }
