"""Better Care Fund planning templates (expenditure tab) and year-end returns, one workbook per
Health and Wellbeing Board (HWB = English upper-tier council) per period.

Plans: 2019-20 .. 2022-23 yearly, 2023-25 for two years (two expenditure columns), 2025-26. Each
has a running-balances block (income, expenditure, balance per source of funding) above the scheme
lines, so the header row moves with the number of sources. Year-end returns (2019-20 .. 2024-25)
repeat each plan line of that year with its planned and actual spend.

Trade-offs:
* Money is integer pence throughout and cells get integers when a figure is whole pounds, so every
  total in the manifest is the exact sum of the cells; the block's Expenditure is the sum of the
  lines of that source, and Income equals it except for a few sources left partly unallocated.
* A plan is drawn per HWB and period: a total per registered resident (PER_HEAD) with a fixed HWB
  effect, split over the period's sources of funding, then over 15-45 scheme lines. A scheme is one
  purpose (name, type) that may draw on several sources; its lines' areas of spend follow the
  source (iBCF and DFG money mostly social care, the NHS minimum mostly community health), which
  puts about 45% of the total in social care, as real plans do.
* The drop-down texts change by period (council_lists); a few scheme-type cells are planted with a
  trailing space or another case, as typed-over cells in real returns are, and listed in the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from etl.demo import council_lists as cl
from etl.demo.areas import Areas
from etl.demo.council_common import council_population, new_workbook, pounds, slug
from etl.demo.practices import Practices
from etl.demo.registrations import Registrations

Out = Callable[[str, str], Path]
LINES = (15, 45)
SHARED_SCHEME = 0.25  # chance a line joins an existing scheme funded from another source
MIN_LINE = 5_000  # pounds: no real scheme line is smaller than a few thousand
PENCE_LINE = 0.15  # share of lines entered in pounds and pence
UNALLOCATED = 0.06  # share of (plan, source) with income left unallocated (a positive balance)
ON_PLAN = 0.08  # share of whole-pound year-end lines spent exactly as planned
ACTUAL_RANGE = (0.85, 1.08)
QUIRK_SHARE = 0.05  # share of plan workbooks with one typed-over scheme-type cell
QUIRK_KINDS = ("lower case and trailing space", "trailing space", "lower case")
# Pounds per unit of planned output, to turn a line's spend into a plausible count.
UNIT_COST = {"Hours of care": 24, "Number of beds": 45_000, "Packages": 2_600, "Number of beneficiaries": 350,
             "Beneficiaries": 300, "Number of adaptations funded/people supported": 9_000,
             "Number of placements": 3_800, "WTE's gained": 32_000}
ROLE_LINE_WEIGHT = 0.6  # lines per source grow with its share ** this
JOINT = 0.2  # share of lines jointly commissioned
LA_PROVIDERS = ("Local Authority", "Private Sector", "Charity / Voluntary Sector", "Other")
LA_PROVIDER_SHARE = (0.4, 0.4, 0.15, 0.05)
NHS_PROVIDERS = {"Community Health": "NHS Community Provider", "Mental Health": "NHS Mental Health Provider",
                 "Acute": "NHS Acute Provider", "Primary Care": "NHS", "Continuing Care": "Private Sector"}
HEADER_ROW_OFFSET = 8  # 1-based header row = this + number of sources (row 6 block title, blank row)


@dataclass
class Line:
    scheme: int  # Scheme ID
    source: int  # index into the period's FUNDING
    area: str
    area_other: str  # what 'Other' area of spend means, else ""
    commissioner: str
    pct_nhs: float | None
    provider: str
    pence: list[int]  # one per year of the period
    outputs: int | None = None
    weight: float = 1.0  # share of its source's money, before the yearly wobble
    pence_part: int = 0  # pence on top of whole pounds (most lines are entered in whole pounds)


@dataclass
class Scheme:
    name: str
    description: str
    scheme_type: str  # as written
    canonical_type: str
    sub_type: str
    other: str
    units: str
    new: str


@dataclass
class Plan:
    period: str
    hwb: int  # position in the English council list
    schemes: list[Scheme]
    lines: list[Line]
    income: list[list[int]]  # [year][source] pence

    @property
    def years(self) -> tuple[str, ...]:
        return cl.PLAN_PERIODS[self.period][0]

    def spend(self, y: int) -> list[int]:
        """Expenditure per source in year y (pence)."""
        out = [0] * len(cl.FUNDING[self.period])
        for line in self.lines:
            out[line.source] += line.pence[y]
        return out


def plan_path(period: str, name: str) -> str:
    return f"bcf/plans/BCF_{period}_Planning_Template_{slug(name)}.xlsx"


def year_end_path(year: str, name: str) -> str:
    return f"bcf/year-end/BCF_{year}_End_of_Year_{slug(name)}.xlsx"


def header_row(period: str) -> int:
    return HEADER_ROW_OFFSET + len(cl.FUNDING[period])


def write_bcf(out: Out, rng: np.random.Generator, areas: Areas, pr: Practices, reg: Registrations) -> dict:
    """Write the plan and year-end workbooks; return manifest["planted"]["bcf"]."""
    years = list(cl.PER_HEAD)
    pop = council_population(areas, reg, years)
    names = [areas.councils[i].name for i in pop.index]
    effect = rng.lognormal(0, 0.08, len(names))  # an HWB spends more or less per head every year
    plans = {(period, h): _draw_plan(rng, period, h, pop, effect[h]) for period in cl.PLAN_PERIODS
             for h in range(len(names))}
    quirks = _plant_quirks(rng, plans, names)
    for (period, h), plan in plans.items():
        _write_plan(out(plan_path(period, names[h]), "bcf_plan"), plan, names[h])
    actuals = {}
    for year in cl.YEAR_END_YEARS:
        period = _period_of(year)
        y = cl.PLAN_PERIODS[period][0].index(year)
        for h in range(len(names)):
            plan = plans[(period, h)]
            actuals[(year, h)] = _draw_actuals(rng, plan, y)
            _write_year_end(out(year_end_path(year, names[h]), "bcf_year_end"), plan, y, actuals[(year, h)],
                            names[h], year)
    return _manifest(areas, pop, names, plans, actuals, quirks)


def _period_of(year: str) -> str:
    return next(p for p, spec in cl.PLAN_PERIODS.items() if year in spec[0])


# ---- drawing a plan ---------------------------------------------------------------------------------
def _source_shares(rng, roles: list[str]) -> np.ndarray:
    base = np.array([cl.ROLE_SHARE[r] for r in roles])
    spread = np.array([0.5 if r.endswith("_add") else 0.08 for r in roles])  # voluntary top-ups vary most
    shares = base * rng.lognormal(0, spread)
    return shares / shares.sum()


def _line_sources(rng, shares: np.ndarray) -> list[int]:
    """Source of each line: every source at least once, bigger sources more often."""
    n = int(rng.integers(LINES[0], LINES[1] + 1))
    weight = shares ** ROLE_LINE_WEIGHT
    extra = rng.choice(len(shares), size=n - len(shares), p=weight / weight.sum())
    return [int(s) for s in rng.permutation(np.concatenate([np.arange(len(shares)), extra]))]


def _group_schemes(rng, sources: list[int]) -> list[int]:
    """Scheme index of each line; a scheme never has two lines from one source."""
    funded: list[set[int]] = []
    scheme_of = []
    for s in sources:
        free = [m for m, used in enumerate(funded) if s not in used]
        if free and rng.uniform() < SHARED_SCHEME:
            m = free[int(rng.integers(len(free)))]
        else:
            m = len(funded)
            funded.append(set())
        funded[m].add(s)
        scheme_of.append(m)
    return scheme_of


def _scheme(rng, role: str, type_list: tuple[str, ...], used_names: set[str]) -> Scheme:
    if role == "dfg" and rng.uniform() < 0.9:
        kind = "DFG Related Schemes"
    else:
        weight = np.array([cl.SCHEME_TYPE_DETAIL[t][0] for t in type_list], float)
        kind = type_list[int(rng.choice(len(type_list), p=weight / weight.sum()))]
    _, stem, units = cl.SCHEME_TYPE_DETAIL[kind]
    name = stem
    while name in used_names:
        name = f"{stem} ({cl.SCHEME_QUALIFIERS[int(rng.integers(len(cl.SCHEME_QUALIFIERS)))]})"
        if name in used_names:
            name = f"{name} {len(used_names)}"
    used_names.add(name)
    new = "New" if rng.uniform() < 0.2 else "Existing"
    verb = "Introduce" if new == "New" else "Continue to fund"
    other = cl.OTHER_SPECIFY[int(rng.integers(len(cl.OTHER_SPECIFY)))] if kind == "Other" else ""
    return Scheme(name, f"{verb} the {stem.lower()} for adults across the area", kind, kind,
                  cl.SUB_TYPES.get(kind, ""), other, units, new)


def _commissioning(rng, area: str, role: str, nhs_word: str) -> tuple[str, float | None, str]:
    nhs_side = area not in ("Social Care", "Other") or (area == "Other" and role in cl.NHS_ROLES)
    if rng.uniform() < JOINT:
        pct = float(rng.choice([0.3, 0.4, 0.5, 0.6, 0.7]))
        return "Joint", pct, "Local Authority" if area == "Social Care" else "NHS Community Provider"
    if not nhs_side:  # councils buy most care from the market
        return "LA", None, LA_PROVIDERS[int(rng.choice(len(LA_PROVIDERS), p=LA_PROVIDER_SHARE))]
    return nhs_word, None, NHS_PROVIDERS.get(area, "NHS")


def _split(total_pounds: int, weights: np.ndarray) -> np.ndarray:
    """Whole pounds proportional to weights, each at least MIN_LINE when the total allows."""
    floor = min(MIN_LINE, total_pounds // len(weights))
    rest = total_pounds - floor * len(weights)
    exact = weights / weights.sum() * rest
    out = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - out), kind="stable")
    out[order[: rest - out.sum()]] += 1
    return out + floor


def _draw_plan(rng, period: str, h: int, pop, effect: float) -> Plan:
    roles = [role for _, role in cl.FUNDING[period]]
    shares = _source_shares(rng, roles)
    schemes, lines = _draw_lines(rng, period, roles, shares)
    income = []
    for year in cl.PLAN_PERIODS[period][0]:
        total = cl.PER_HEAD[year] * pop.all_ages[year][h] * effect * rng.lognormal(0, 0.03)
        income.append(_draw_money(rng, lines, total * shares))
    for line in lines:
        units = schemes[line.scheme - 1].units
        if units:
            line.outputs = max(1, int(round(line.pence[0] / 100 / UNIT_COST[units])))
    return Plan(period, h, schemes, lines, income)


def _draw_lines(rng, period: str, roles: list[str], shares: np.ndarray) -> tuple[list[Scheme], list[Line]]:
    _, _, list_name, nhs_word = cl.PLAN_PERIODS[period]
    sources = _line_sources(rng, shares)
    scheme_of = _group_schemes(rng, sources)
    used: set[str] = set()
    schemes: list[Scheme | None] = [None] * (max(scheme_of) + 1)
    for s, m in zip(sources, scheme_of):  # a scheme's type follows the source it was created for
        if schemes[m] is None:
            schemes[m] = _scheme(rng, roles[s], cl.SCHEME_TYPE_LISTS[list_name], used)
    lines = []
    for s, m in zip(sources, scheme_of):
        spend = cl.ROLE_SPEND[roles[s]]
        area = cl.AREAS_OF_SPEND[int(rng.choice(len(spend), p=np.array(spend) / sum(spend)))]
        other = cl.AREA_OTHER_SPECIFY[int(rng.integers(len(cl.AREA_OTHER_SPECIFY)))] if area == "Other" else ""
        commissioner, pct, provider = _commissioning(rng, area, roles[s], nhs_word)
        lines.append(Line(m + 1, s, area, other, commissioner, pct, provider, []))
    lines.sort(key=lambda line: (line.scheme, line.source))
    # a line's size is its own from year to year (2023-25), give or take 10%
    weight = rng.lognormal(0, 0.9, len(lines))
    for line, w, pence in zip(lines, weight, np.where(rng.uniform(size=len(lines)) < PENCE_LINE,
                                                        rng.integers(1, 100, len(lines)), 0)):
        line.weight, line.pence_part = float(w), int(pence)
    return schemes, lines


def _draw_money(rng, lines: list[Line], by_source: np.ndarray) -> list[int]:
    """Append one year's pence to every line; return that year's income per source (pence)."""
    w = np.array([line.weight for line in lines]) * rng.lognormal(0, 0.1, len(lines))
    for s, total in enumerate(by_source):
        mine = [k for k, line in enumerate(lines) if line.source == s]
        for k, whole in zip(mine, _split(int(round(total)), w[mine]).tolist()):
            lines[k].pence.append(whole * 100 + lines[k].pence_part)
    spent = [sum(line.pence[-1] for line in lines if line.source == s) for s in range(len(by_source))]
    spare = np.where(rng.uniform(size=len(spent)) < UNALLOCATED, rng.uniform(0.005, 0.03, len(spent)), 0.0)
    return [p + int(round(p * f / 100)) * 100 for p, f in zip(spent, spare)]


def _plant_quirks(rng, plans: dict, names: list[str]) -> list[dict]:
    """Type over one scheme-type cell in a few plan workbooks: a trailing space, or lower case."""
    keys = list(plans)
    n = max(len(QUIRK_KINDS), int(round(QUIRK_SHARE * len(keys))))
    chosen = sorted(rng.choice(len(keys), size=n, replace=False).tolist())
    quirks = []
    for j, k in enumerate(chosen):
        plan = plans[keys[k]]
        line = plan.lines[int(rng.integers(len(plan.lines)))]
        scheme = plan.schemes[line.scheme - 1]  # chosen workbooks are distinct: never typed over twice
        kind = QUIRK_KINDS[j % len(QUIRK_KINDS)]
        text = scheme.canonical_type.lower() if "lower" in kind else scheme.canonical_type
        scheme.scheme_type = text + " " if "space" in kind else text
        quirks.append({"file": plan_path(plan.period, names[plan.hwb]), "scheme_id": line.scheme,
                       "written": scheme.scheme_type, "canonical": scheme.canonical_type, "kind": kind})
    return quirks


# ---- plan workbook ------------------------------------------------------------------------------------
def _formats(book) -> dict:
    return {"title": book.add_format({"bold": True, "font_size": 14}), "bold": book.add_format({"bold": True}),
            "money": book.add_format({"num_format": "#,##0.00"}), "pct": book.add_format({"num_format": "0%"})}


def _write_plan(path: Path, plan: Plan, name: str) -> None:
    period = plan.period
    title = f"Better Care Fund {period} Planning Template"
    book = new_workbook(path, f"{title} (fictional)")
    fmt = _formats(book)
    guidance = book.add_worksheet("1. Guidance")
    guidance.write(0, 0, title, fmt["title"])
    for r, text in enumerate((
            "This template collects the Health and Wellbeing Board's planned Better Care Fund expenditure.",
            "Complete the cover sheet, then list every scheme on the expenditure sheet, one row per source of funding.",
            "Use the drop-down lists for Scheme Type, Area of Spend, Commissioner, Provider and Source of Funding.",
            "All figures are fictional: this workbook was generated for a demonstration."), start=2):
        guidance.write(r, 0, text)
    _write_cover(book.add_worksheet("2. Cover"), fmt, title, "2. Cover", name)
    _write_expenditure(book.add_worksheet(cl.PLAN_PERIODS[period][1]), fmt, plan, title, name)
    book.close()


def _write_cover(sheet, fmt, title: str, label: str, name: str, first: int = 3) -> None:
    sheet.write(0, 0, title, fmt["title"])
    sheet.write(1, 0, label, fmt["bold"])
    for r, (key, value) in enumerate((
            ("Health and Wellbeing Board:", name),
            ("Completed by:", "Better Care Fund lead (fictional)"),
            ("E-mail:", f"bcf.lead@{slug(name).lower()}.example"),
            ("Who signed off the report on behalf of the Health and Wellbeing Board:",
             "Chair of the Health and Wellbeing Board (fictional)")), start=first):
        sheet.write(r, 0, key)
        sheet.write(r, 1, value)


def _write_expenditure(sheet, fmt, plan: Plan, title: str, name: str) -> None:
    period, sources = plan.period, cl.FUNDING[plan.period]
    sheet.merge_range(0, 0, 0, 7, title, fmt["title"])
    sheet.write(1, 0, cl.PLAN_PERIODS[period][1], fmt["bold"])
    sheet.merge_range(3, 0, 3, 1, "Selected Health and Wellbeing Board:", fmt["bold"])
    sheet.write(3, 2, name)
    two_years = len(plan.years) > 1
    if two_years:  # 2023-25: one Income / Expenditure / Balance trio per year, side by side
        for y, year in enumerate(plan.years):
            sheet.merge_range(4, 2 + 3 * y, 4, 4 + 3 * y, year, fmt["bold"])
    sheet.write(5, 0, "Running Balances", fmt["bold"])
    for y in range(len(plan.years)):
        sheet.write_row(5, 2 + 3 * y, ("Income", "Expenditure", "Balance"), fmt["bold"])
    for y in range(len(plan.years)):
        spent = plan.spend(y)
        for s, (source, _) in enumerate(sources):
            income = plan.income[y][s]
            sheet.write(6 + s, 0, source)
            for c, pence in enumerate((income, spent[s], income - spent[s])):
                sheet.write_number(6 + s, 2 + 3 * y + c, pounds(pence), fmt["money"])
    top = header_row(period) - 1  # 0-based
    sheet.write_row(top, 0, cl.plan_columns(period), fmt["bold"])
    for r, line in enumerate(plan.lines, start=top + 1):
        scheme = plan.schemes[line.scheme - 1]
        sheet.write_number(r, 0, line.scheme)
        sheet.write_row(r, 1, (scheme.name, scheme.description, scheme.scheme_type, scheme.sub_type, scheme.other))
        if line.outputs is not None:
            sheet.write_number(r, 6, line.outputs)
        sheet.write_row(r, 7, (scheme.units, line.area, line.area_other, line.commissioner))
        if line.pct_nhs is not None:
            sheet.write_number(r, 11, line.pct_nhs)
            sheet.write_number(r, 12, round(1 - line.pct_nhs, 2))
        sheet.write_row(r, 13, (line.provider, sources[line.source][0]))
        for y, pence in enumerate(line.pence):
            sheet.write_number(r, 15 + y, pounds(pence), fmt["money"])
        sheet.write(r, 15 + len(line.pence), scheme.new)


# ---- year-end returns ----------------------------------------------------------------------------------
def _draw_actuals(rng, plan: Plan, y: int) -> list[int]:
    """Actual pence per plan line: planned x a draw in ACTUAL_RANGE, whole pounds; a few exactly on plan."""
    planned = np.array([line.pence[y] for line in plan.lines])
    factor = rng.uniform(*ACTUAL_RANGE, len(planned))
    exact = (rng.uniform(size=len(planned)) < ON_PLAN) & (planned % 100 == 0)
    actual = np.where(exact, planned, np.rint(planned * factor / 100).astype(np.int64) * 100)
    return [int(a) for a in actual]


def _write_year_end(path: Path, plan: Plan, y: int, actual: list[int], name: str, year: str) -> None:
    title = f"Better Care Fund {year} End of Year Template"
    book = new_workbook(path, f"{title} (fictional)")
    fmt = _formats(book)
    _write_cover(book.add_worksheet("Cover"), fmt, title, "Cover", name)
    sheet = book.add_worksheet("Expenditure")
    sheet.merge_range(0, 0, 0, 5, title, fmt["title"])
    sheet.write(2, 0, "Health and Wellbeing Board:", fmt["bold"])
    sheet.write(2, 1, name)
    sheet.write_row(5, 0, cl.YEAR_END_COLUMNS, fmt["bold"])
    sources = cl.FUNDING[plan.period]
    for r, (line, spent) in enumerate(zip(plan.lines, actual), start=6):
        scheme = plan.schemes[line.scheme - 1]
        sheet.write_number(r, 0, line.scheme)
        sheet.write_row(r, 1, (scheme.name, scheme.scheme_type, sources[line.source][0]))
        sheet.write_number(r, 4, pounds(line.pence[y]), fmt["money"])
        sheet.write_number(r, 5, pounds(spent), fmt["money"])
    book.close()


# ---- manifest -------------------------------------------------------------------------------------------
def _by(keys, pence) -> dict[str, float]:
    out: dict[str, int] = {}
    for k, p in zip(keys, pence):
        out[k] = out.get(k, 0) + p
    return {k: v / 100 for k, v in sorted(out.items())}


def _year_record(plan: Plan, y: int, population: int, actual: list[int] | None) -> dict:
    sources = [name for name, _ in cl.FUNDING[plan.period]]
    pence = [line.pence[y] for line in plan.lines]
    total = sum(pence)
    return {
        "period": plan.period,
        "population": int(population),
        "planned_total": total / 100,
        "planned_per_head": round(total / 100 / population, 2),
        "income_total": sum(plan.income[y]) / 100,
        "actual_total": None if actual is None else sum(actual) / 100,
        "by_source": _by([sources[line.source] for line in plan.lines], pence),
        "unallocated_by_source": {s: (p - e) / 100 for s, p, e in zip(sources, plan.income[y], plan.spend(y)) if p > e},
        "by_area_of_spend": _by([line.area for line in plan.lines], pence),
        "lines": len(plan.lines),
        "schemes": len(plan.schemes),
    }


def _manifest(areas: Areas, pop, names, plans, actuals, quirks) -> dict:
    codes = [areas.councils[i].code for i in pop.index]
    hwbs = {}
    for h, code in enumerate(codes):
        years = {}
        for period, spec in cl.PLAN_PERIODS.items():
            for y, year in enumerate(spec[0]):
                years[year] = _year_record(plans[(period, h)], y, pop.all_ages[year][h], actuals.get((year, h)))
        hwbs[code] = {"name": names[h], "slug": slug(names[h]), "years": years}
    return {
        "periods": {p: {"years": list(spec[0]), "expenditure_sheet": spec[1], "scheme_type_list": spec[2],
                        "nhs_commissioner": spec[3], "header_row": header_row(p),
                        "funding_sources": [name for name, _ in cl.FUNDING[p]], "columns": list(cl.plan_columns(p))}
                    for p, spec in cl.PLAN_PERIODS.items()},
        "year_end_years": list(cl.YEAR_END_YEARS),
        "file_patterns": {"bcf_plan": "bcf/plans/BCF_<period>_Planning_Template_<slug>.xlsx",
                          "bcf_year_end": "bcf/year-end/BCF_<year>_End_of_Year_<slug>.xlsx"},
        "year_end_header_row": 6,
        "hwbs": hwbs,
        "per_head_target": dict(cl.PER_HEAD),
        "population_note": "registered residents of the council (all ages), the July release of the year's "
                           "first calendar year; before 2023 January 2023 scaled back 0.7% a year",
        "totals_note": "pounds; planned_total = sum of the plan's lines for that year = the sum of the block's "
                       "Expenditure column; Income exceeds Expenditure by unallocated_by_source (empty: none); "
                       "actual_total = sum of the year-end Actual Expenditure column (null: no return yet)",
        "scheme_type_quirks": sorted(quirks, key=lambda q: (q["file"], q["scheme_id"])),
        "scheme_type_quirks_note": "every line of the scheme carries the typed-over text, in the plan and in the "
                                   "year-end returns of the years the plan covers",
    }
