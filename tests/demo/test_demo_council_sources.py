"""The council-side demo sources (ASCOF open data, BCF plans and year-end returns) read back as a
reader of the published files would: csv with cp1252 for the ASCOF CSVs, calamine and openpyxl for
the workbooks. Expected layouts are spelled out here from the spec (issue 3, sections D-F), never
taken from the generator's own tables, so a wrong list or a moved cell fails.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from etl.demo.ascof import write_ascof
from etl.demo.bcf import write_bcf
from etl.demo.generate import build_base
from etl.demo.registrations import QUARTERS

ASCOF_FILES = {
    "2018-19": "ascof/meas-from-asc-of-eng-1819-open-data-csv.csv",
    "2019-20": "ascof/meas-from-asc-of-eng-1920-open-data-csv.csv",
    "2020-21": "ascof/meas-from-asc-of-eng-2021-open-data-csv_v2.xlsx",
    "2021-22": "ascof/meas-from-asc-of-eng-2122-open-data-csv.csv",
    "2022-23": "ascof/meas-from-asc-of-eng-2223-open-data-csv.csv",
    "2023-24": "ascof/meas-from-asc-of-eng-2324-open-data-csv.csv",
    "2024-25": "ascof/meas-from-asc-of-eng-2425-open-data-csv.csv",
}
ASCOF_HEADER = ["Geographical Code", "Geographical Description", "Geographical Level", "ONS Code",
                "ASCOF Measure Code", "Disaggregation Level", "Measure Type", "Measure Value", "Measure Group",
                "Measure Group Description"]
# (18-64 admissions, 65+ admissions, 91 days) per year, and the multiplier of each
CODES = {"2018-19": ("2A(1)", "2A(2)", "2B(1)"), "2019-20": ("2A1", "2A2", "2B1"), "2020-21": ("2A1", "2A2", "2B1"),
         "2021-22": ("2A1", "2A2", "2B1"), "2022-23": ("2A1", "2A2", "2B1"), "2023-24": ("2B", "2C", "2D"),
         "2024-25": ("2B", "2C", "2D")}
MULTIPLIER = (100_000, 100_000, 100)

PERIODS = ("2019-20", "2020-21", "2021-22", "2022-23", "2023-25", "2025-26")
SHEET = {"2019-20": "5. Expenditure", "2020-21": "5. Expenditure", "2021-22": "5. Expenditure",
         "2022-23": "5. Expenditure", "2023-25": "6a. Expenditure", "2025-26": "Expenditure"}
PLAN_HEAD = ["Scheme ID", "Scheme Name", "Brief Description of Scheme", "Scheme Type", "Sub Types",
             "Please specify if 'Scheme Type' is 'Other'", "Planned Outputs", "Units", "Area of Spend",
             "Please specify if 'Area of Spend' is 'other'", "Commissioner", "% NHS (if Joint Commissioner)",
             "% LA (if Joint Commissioner)", "Provider", "Source of Funding"]
FUNDING = {
    "2019-20": ["Minimum CCG Contribution", "iBCF", "DFG", "Winter Pressures Grant", "Additional LA Contribution",
                "Additional CCG Contribution"],
    "2020-21": ["Minimum CCG Contribution", "iBCF", "DFG", "Additional LA Contribution", "Additional CCG Contribution"],
    "2021-22": ["Minimum CCG Contribution", "iBCF", "DFG", "Additional LA Contribution", "Additional CCG Contribution"],
    "2022-23": ["Minimum NHS Contribution", "iBCF", "DFG", "Additional LA Contribution", "Additional NHS Contribution"],
    "2023-25": ["Minimum NHS Contribution", "iBCF", "DFG", "Additional LA Contribution", "Additional NHS Contribution",
                "Local Authority Discharge Funding", "ICB Discharge Funding"],
    "2025-26": ["Minimum NHS Contribution", "Local Authority Better Care Grant", "DFG", "Additional LA Contribution",
                "Additional NHS Contribution"],
}
TYPES_2019 = ["Assistive Technologies and Equipment", "Care Act Implementation Related Duties", "Carers Services",
              "Community Based Schemes", "DFG Related Schemes", "Enablers for Integration",
              "HICM for Managing Transfer of Care", "Home Care or Domiciliary Care", "Housing Related Schemes",
              "Integrated Care Planning and Navigation", "Intermediate Care Services",
              "Personalised Budgeting and Commissioning", "Personalised Care at Home",
              "Prevention / Early Intervention", "Residential Placements", "Risk Stratification",
              "Workforce recruitment and retention", "Other"]
TYPES_2023 = ["Assistive Technologies and Equipment", "Care Act Implementation Related Duties", "Carers Services",
              "Community Based Schemes", "DFG Related Schemes", "Enablers for Integration",
              "High Impact Change Model for Managing Transfer of Care", "Home Care or Domiciliary Care",
              "Housing Related Schemes", "Integrated Care Planning and Navigation",
              "Bed based intermediate Care Services (Reablement, rehabilitation, wider short-term services "
              "supporting recovery)", "Home-based intermediate care services", "Urgent Community Response",
              "Personalised Budgeting and Commissioning", "Personalised Care at Home",
              "Prevention / Early Intervention", "Residential Placements", "Workforce recruitment and retention",
              "Other"]
AREAS_OF_SPEND = {"Social Care", "Community Health", "Mental Health", "Continuing Care", "Primary Care", "Acute",
                  "Other"}
PROVIDERS = {"Local Authority", "NHS Acute Provider", "NHS Community Provider", "NHS Mental Health Provider",
             "Private Sector", "Charity / Voluntary Sector", "NHS", "Other"}
YEAR_END_YEARS = ("2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25")
YEAR_END_HEAD = ["Scheme ID", "Scheme Name", "Scheme Type", "Source of Funding", "Planned Expenditure (£)",
                 "Actual Expenditure (£)"]
PLAN_OF_YEAR = {"2019-20": ("2019-20", 0), "2020-21": ("2020-21", 0), "2021-22": ("2021-22", 0),
                "2022-23": ("2022-23", 0), "2023-24": ("2023-25", 0), "2024-25": ("2023-25", 1),
                "2025-26": ("2025-26", 0)}


# ---- fixtures ---------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def stages():
    """areas, practices and registrations of the demo, built as generate.py builds them."""
    base = build_base(42, "demo")
    return base.areas, base.practices, base.registrations


def _write_all(root: Path, stages, seed: int) -> tuple[dict, dict]:
    files: dict[str, str] = {}

    def out(rel: str, kind: str) -> Path:
        assert rel not in files, f"{rel} registered twice"
        files[rel] = kind
        return root / rel

    ascof_rng, bcf_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    planted = {"ascof": write_ascof(out, ascof_rng, *stages), "bcf": write_bcf(out, bcf_rng, *stages)}
    return files, planted


@pytest.fixture(scope="session")
def council_sources(tmp_path_factory, stages):
    root = tmp_path_factory.mktemp("council_sources")
    files, planted = _write_all(root, stages, seed=7)
    return root, files, planted


@pytest.fixture(scope="session")
def english(stages):
    """(ONS code, ONS name) of the English upper-tier councils."""
    areas = stages[0]
    return sorted((c.code, c.name) for c in areas.councils if c.tier != "welsh_unitary")


def _ascof_rows(root: Path, year: str) -> tuple[list[str], list[dict[str, str]]]:
    path = root / ASCOF_FILES[year]
    if path.suffix == ".csv":
        text = path.read_bytes().decode("cp1252")
        rows = list(csv.reader(io.StringIO(text, newline="")))
    else:
        book = CalamineWorkbook.from_path(str(path))
        assert book.sheet_names == ["in"]
        rows = [[_cell(v) for v in row] for row in book.get_sheet_by_name("in").to_python()]
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def _cell(value) -> str:
    """A workbook cell as the CSV would spell it: whole numbers without .0."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _sheet(path: Path, name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# ---- ASCOF ----------------------------------------------------------------------------------------
def test_ascof_files_and_headers(council_sources):
    root, files, _ = council_sources
    assert {rel for rel, kind in files.items() if kind == "ascof"} == set(ASCOF_FILES.values())
    for year in ASCOF_FILES:
        header, rows = _ascof_rows(root, year)
        expected = list(ASCOF_HEADER)
        if year == "2018-19":
            expected[3] = "ONS Area Code"
        assert header == expected, year
        assert rows


def test_ascof_csvs_are_cp1252_crlf_with_an_en_dash(council_sources):
    root, _, _ = council_sources
    for year, rel in ASCOF_FILES.items():
        if not rel.endswith(".csv"):
            continue
        raw = (root / rel).read_bytes()
        assert b"\x96" in raw, year  # the en dash in cp1252
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        assert raw.endswith(b"\r\n") and raw.count(b"\n") == raw.count(b"\r\n"), year
        assert "\u2013" in raw.decode("cp1252")


def test_ascof_measure_codes_groups_and_disaggregations(council_sources):
    root, _, _ = council_sources
    for year in ASCOF_FILES:
        _, rows = _ascof_rows(root, year)
        codes = CODES[year]
        assert {r["ASCOF Measure Code"] for r in rows} == set(codes), year
        for r in rows:
            code = r["ASCOF Measure Code"]
            group = code if year >= "2023-24" else code[:2]
            assert r["Measure Group"] == group, (year, code)
            assert r["Measure Group Description"]
        for code in codes:
            disaggs = {r["Disaggregation Level"] for r in rows if r["ASCOF Measure Code"] == code}
            assert disaggs == ({"Total", "Male", "Female"} if code == codes[1] else {"Total"}), (year, code)
        assert {r["Measure Type"] for r in rows} == {"Numerator", "Denominator", "Outcome"}
        # one Numerator, Denominator and Outcome per area x measure x disaggregation
        keys = [(r["Geographical Code"], r["ASCOF Measure Code"], r["Disaggregation Level"], r["Measure Type"])
                for r in rows]
        assert len(keys) == len(set(keys))


def test_ascof_geographies(council_sources, english, stages):
    root, _, planted = council_sources
    areas = stages[0]
    region_codes = {areas.ons_regions[r] for r in range(len(areas.regions))}
    cassr_by_year = {}
    for year in ASCOF_FILES:
        header, rows = _ascof_rows(root, year)
        ons = header[3]
        levels = {r["Geographical Level"] for r in rows}
        council_level = "council" if year == "2019-20" else "Council"
        assert levels == {"England", "Region", council_level}, year
        england = [r for r in rows if r["Geographical Level"] == "England"]
        assert {(r["Geographical Code"], r[ons], r["Geographical Description"]) for r in england} == {
            ("E92000001", "E92000001", "England")}
        regions = [r for r in rows if r["Geographical Level"] == "Region"]
        assert {r["Geographical Code"] for r in regions} == region_codes
        assert all(r["Geographical Code"] == r[ons] for r in regions)
        councils = [r for r in rows if r["Geographical Level"] == council_level]
        assert all(re.fullmatch(r"[1-9]\d\d", r["Geographical Code"]) for r in councils), year
        pairs = {(r["Geographical Code"], r[ons], r["Geographical Description"]) for r in councils}
        assert {(o, n) for _, o, n in pairs} == set(english)  # ONS code and ONS name of every council
        cassr_by_year[year] = {o: int(c) for c, o, _ in pairs}
        assert len(cassr_by_year[year]) == len(english)
    first = cassr_by_year["2018-19"]
    assert all(m == first for m in cassr_by_year.values())  # a council keeps its CASSR code
    assert planted["ascof"]["cassr_code"] == first


def _numeric_table(rows):
    """(geographical code, measure code, disaggregation) -> {measure type: value str}."""
    table = defaultdict(dict)
    for r in rows:
        key = (r["Geographical Code"], r["ASCOF Measure Code"], r["Disaggregation Level"])
        table[key][r["Measure Type"]] = r["Measure Value"]
    return table


def _half_up(numerator: int, denominator: int, multiplier: int) -> Decimal:
    return (Decimal(numerator * multiplier) / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def test_ascof_outcome_is_the_rate_to_one_decimal(council_sources):
    root, _, _ = council_sources
    checked = 0
    for year in ASCOF_FILES:
        _, rows = _ascof_rows(root, year)
        for (geo, code, _), cells in _numeric_table(rows).items():
            n, d, o = cells["Numerator"], cells["Denominator"], cells["Outcome"]
            if not (n.isdigit() and d.isdigit() and o):
                continue
            mult = MULTIPLIER[CODES[year].index(code)]
            assert Decimal(o) == _half_up(int(n), int(d), mult), (year, geo, code, n, d, o)
            if year != "2020-21":  # the CSVs write one decimal place, always
                assert re.fullmatch(r"\d+\.\d", o), o
            checked += 1
    assert checked > 100


def test_ascof_plausible_rates(council_sources):
    root, _, _ = council_sources
    _, rows = _ascof_rows(root, "2023-24")
    england = _numeric_table([r for r in rows if r["Geographical Level"] == "England"])
    assert 8 <= float(england[("E92000001", "2B", "Total")]["Outcome"]) <= 25  # per 100,000 aged 18-64
    assert 400 <= float(england[("E92000001", "2C", "Total")]["Outcome"]) <= 750  # per 100,000 aged 65+
    assert 70 <= float(england[("E92000001", "2D", "Total")]["Outcome"]) <= 92  # % at home after 91 days


def test_ascof_denominators_are_registered_residents(council_sources, stages):
    areas, _, reg = stages
    root, _, _ = council_sources
    july = QUARTERS.index(QUARTERS[0].replace(month=7))  # 2023-24 uses the July 2023 release
    lsoa, _, count = reg.core[july]
    english_residents = int(count[~areas.is_welsh[lsoa]].sum())
    _, rows = _ascof_rows(root, "2023-24")
    england = _numeric_table([r for r in rows if r["Geographical Level"] == "England"])
    adults = int(england[("E92000001", "2B", "Total")]["Denominator"])
    old = int(england[("E92000001", "2C", "Total")]["Denominator"])
    assert 0.55 <= adults / english_residents <= 0.66
    assert 0.12 <= old / english_residents <= 0.26
    male = int(england[("E92000001", "2C", "Male")]["Denominator"])
    female = int(england[("E92000001", "2C", "Female")]["Denominator"])
    assert male + female == old and male < female


def test_ascof_regions_and_england_are_sums_of_councils(council_sources):
    root, _, planted = council_sources
    regions = planted["ascof"]["region_of_council"]
    cassr = planted["ascof"]["cassr_code"]
    for year in ASCOF_FILES:
        header, rows = _ascof_rows(root, year)
        table = _numeric_table(rows)
        region_of = {str(cassr[o]): regions[o] for o in cassr}
        for code in CODES[year][:2]:  # admissions: never suppressed in the Total rows
            for kind in ("Numerator", "Denominator"):
                by_region = defaultdict(int)
                for geo, region in region_of.items():
                    by_region[region] += int(table[(geo, code, "Total")][kind])
                for region, total in by_region.items():
                    assert int(table[(region, code, "Total")][kind]) == total, (year, code, region)
                assert int(table[("E92000001", code, "Total")][kind]) == sum(by_region.values())
        for geo in region_of:  # the sex split adds up wherever it is shown
            m, f, t = (table[(geo, CODES[year][1], s)] for s in ("Male", "Female", "Total"))
            assert int(m["Denominator"]) + int(f["Denominator"]) == int(t["Denominator"])
            if m["Numerator"].isdigit():
                assert int(m["Numerator"]) + int(f["Numerator"]) == int(t["Numerator"])


def test_ascof_suppression_tokens(council_sources):
    root, _, planted = council_sources
    seen = defaultdict(set)
    for year in ASCOF_FILES:
        _, rows = _ascof_rows(root, year)
        for r in rows:
            v = r["Measure Value"]
            if not re.fullmatch(r"\d+(\.\d+)?", v):
                seen[year].add(v)
    old, new = {"c", ":", ""}, {"[c]", "[x]", ""}
    assert set().union(*(seen[y] for y in ("2018-19", "2019-20"))) == old
    assert set().union(*(seen[y] for y in ASCOF_FILES if y >= "2020-21")) == new
    for year in ("2018-19", "2019-20"):
        assert seen[year] <= old
    # every planted cell is in its file, and only councils are ever suppressed
    listed = planted["ascof"]["suppressed"]
    assert {s["token"] for s in listed} == old | new
    for year in ASCOF_FILES:
        _, rows = _ascof_rows(root, year)
        cells = {(r["Geographical Code"], r["ASCOF Measure Code"], r["Disaggregation Level"], r["Measure Type"]):
                 (r["Measure Value"], r["Geographical Level"]) for r in rows}
        mine = [s for s in listed if s["year"] == year]
        for s in mine:
            value, level = cells[(str(s["cassr_code"]), s["measure_code"], s["disaggregation"], s["measure_type"])]
            assert value == s["token"] and level.lower() == "council"
        blanks = {k for k, (v, _) in cells.items() if not re.fullmatch(r"\d+(\.\d+)?", v)}
        assert len(blanks) == len(mine)
        for k in blanks:  # suppressed sex rows keep their denominator; 'not available' blanks all three
            if k[3] == "Denominator":
                assert cells[k][0] in (":", "[x]")


# ---- BCF plans ---------------------------------------------------------------------------------------
def _plan_path(root, period, name):
    return root / f"bcf/plans/BCF_{period}_Planning_Template_{name}.xlsx"


def _read_plan(path: Path, period: str) -> dict:
    rows = _sheet(path, SHEET[period])
    header = [i for i, r in enumerate(rows) if r and r[0] == "Scheme ID"]
    assert len(header) == 1, path
    h = header[0]
    block_start = next(i for i, r in enumerate(rows) if r and r[0] == "Running Balances")
    block = {}
    for r in rows[block_start + 1:]:
        if not r[0]:
            break
        block[r[0]] = r[2:8]
    lines = [dict(zip(rows[h], r)) for r in rows[h + 1:] if r and r[0] != ""]
    return {"rows": rows, "header_row": h + 1, "header": rows[h], "block_row": block_start + 1, "block": block,
            "lines": lines}


@pytest.fixture(scope="session")
def plans(council_sources, english):
    root, _, _ = council_sources
    return {(p, code): _read_plan(_plan_path(root, p, name), p) for p in PERIODS for code, name in english}


def test_bcf_files(council_sources, english):
    root, files, _ = council_sources
    plan_files = {rel for rel, kind in files.items() if kind == "bcf_plan"}
    year_end = {rel for rel, kind in files.items() if kind == "bcf_year_end"}
    assert plan_files == {f"bcf/plans/BCF_{p}_Planning_Template_{n}.xlsx" for p in PERIODS for _, n in english}
    assert year_end == {f"bcf/year-end/BCF_{y}_End_of_Year_{n}.xlsx" for y in YEAR_END_YEARS for _, n in english}
    assert all((root / rel).is_file() for rel in plan_files | year_end)


def test_bcf_plan_sheets_title_and_board(council_sources, english):
    root, _, _ = council_sources
    for period in PERIODS:
        for _, name in english:
            path = _plan_path(root, period, name)
            book = openpyxl.load_workbook(path)
            assert book.sheetnames == ["1. Guidance", "2. Cover", SHEET[period]]
            sheet = book[SHEET[period]]
            merged = {str(m) for m in sheet.merged_cells.ranges}
            assert {"A1:H1", "A4:B4"} <= merged, (period, merged)
            assert sheet["A1"].value == f"Better Care Fund {period} Planning Template"
            assert sheet["A2"].value == SHEET[period]
            assert sheet["A4"].value == "Selected Health and Wellbeing Board:"
            assert sheet["C4"].value == name
            assert sheet["A6"].value == "Running Balances"
            assert book["1. Guidance"]["A3"].value and book["2. Cover"]["B4"].value == name


def test_bcf_header_rows_and_columns(plans):
    rows_by_period = defaultdict(set)
    for (period, _), plan in plans.items():
        money = (["Expenditure for 2023-24 (£)", "Expenditure for 2024-25 (£)"] if period == "2023-25"
                 else ["Expenditure (£)"])
        assert plan["header"][:len(PLAN_HEAD) + len(money) + 1] == PLAN_HEAD + money + ["New/ Existing Scheme"]
        assert all(c == "" for c in plan["header"][len(PLAN_HEAD) + len(money) + 1:])
        # block title row 6, one row per source, one blank row, then the header
        assert plan["block_row"] == 6
        assert plan["header_row"] == 6 + len(FUNDING[period]) + 2
        assert all(v == "" for v in plan["rows"][plan["header_row"] - 2])
        rows_by_period[period].add(plan["header_row"])
    assert rows_by_period["2019-20"] == {14} and rows_by_period["2023-25"] == {15}
    assert len(set().union(*rows_by_period.values())) >= 3


def test_bcf_funding_sources_by_period(plans):
    for (period, _), plan in plans.items():
        assert list(plan["block"]) == FUNDING[period], period
        used = {line["Source of Funding"] for line in plan["lines"]}
        assert used == set(FUNDING[period]), period  # every source funds at least one line
    assert "Local Authority Better Care Grant" in FUNDING["2025-26"]  # the iBCF's new name
    assert all("iBCF" not in plan["block"] for (p, _), plan in plans.items() if p == "2025-26")


def test_bcf_scheme_lines(plans):
    for (period, code), plan in plans.items():
        lines = plan["lines"]
        assert 15 <= len(lines) <= 45, (period, code)
        ids = [line["Scheme ID"] for line in lines]
        assert all(_number(i) and float(i).is_integer() and i >= 1 for i in ids)
        assert sorted(set(ids)) == list(range(1, int(max(ids)) + 1))
        keys = [(line["Scheme ID"], line["Source of Funding"]) for line in lines]
        assert len(keys) == len(set(keys))
        nhs = "CCG" if period <= "2021-22" else "ICB"
        for line in lines:
            assert line["Commissioner"] in {"LA", nhs, "Joint"}, (period, line["Commissioner"])
            assert line["Area of Spend"] in AREAS_OF_SPEND and line["Provider"] in PROVIDERS
            assert line["New/ Existing Scheme"] in {"New", "Existing"}
            pct_nhs, pct_la = line["% NHS (if Joint Commissioner)"], line["% LA (if Joint Commissioner)"]
            if line["Commissioner"] == "Joint":
                assert 0 < pct_nhs < 1 and abs(pct_nhs + pct_la - 1) < 1e-9
            else:
                assert pct_nhs == "" and pct_la == ""
            other = line["Please specify if 'Scheme Type' is 'Other'"]
            assert bool(other) == (line["Scheme Type"].strip().lower() == "other")
            assert bool(line["Please specify if 'Area of Spend' is 'other'"]) == (line["Area of Spend"] == "Other")
            money = [v for k, v in line.items() if k.startswith("Expenditure")]
            assert money and all(_number(v) and v > 0 and abs(v * 100 - round(v * 100)) < 1e-6 for v in money)


def test_bcf_scheme_type_lists_and_quirks(plans, council_sources, english):
    _, _, planted = council_sources
    quirks = planted["bcf"]["scheme_type_quirks"]
    assert {q["kind"] for q in quirks} >= {"trailing space", "lower case"}
    odd = set()
    for (period, code), plan in plans.items():
        allowed = TYPES_2023 if period >= "2023-25" else TYPES_2019
        for line in plan["lines"]:
            text = line["Scheme Type"]
            if text not in allowed:
                canon = {t.lower(): t for t in allowed}[text.strip().lower()]
                odd.add((period, code, line["Scheme ID"], text, canon))
    names = dict(english)
    listed = {(q["file"], q["scheme_id"], q["written"], q["canonical"]) for q in quirks}
    found = {(f"bcf/plans/BCF_{p}_Planning_Template_{names[c]}.xlsx", i, t, canon) for p, c, i, t, canon in odd}
    assert found == listed and found
    assert any(t.endswith(" ") and t.strip() == canon for *_, t, canon in odd)
    assert any(t != canon and t.strip() == t.strip().lower() for *_, t, canon in odd)
    # the versions differ: each era's own types appear, the other era's never do
    seen = {era: {line["Scheme Type"].strip().lower() for (p, _), plan in plans.items()
                  if (p >= "2023-25") == (era == "2023") for line in plan["lines"]} for era in ("2019", "2023")}
    assert not seen["2019"] & {"urgent community response", "home-based intermediate care services"}
    assert not seen["2023"] & {"risk stratification", "intermediate care services",
                               "hicm for managing transfer of care"}


def test_bcf_running_balances_match_the_lines(plans, council_sources):
    hwbs = council_sources[2]["bcf"]["hwbs"]
    for (period, code), plan in plans.items():
        money = (["Expenditure for 2023-24 (£)", "Expenditure for 2024-25 (£)"] if period == "2023-25"
                 else ["Expenditure (£)"])
        years = ["2023-24", "2024-25"] if period == "2023-25" else [period]
        for source, cells in plan["block"].items():
            for y, column in enumerate(money):
                income, spent, balance = cells[3 * y: 3 * y + 3]
                lines = sum(line[column] for line in plan["lines"] if line["Source of Funding"] == source)
                assert abs(spent - lines) < 0.005, (period, code, source)
                assert abs(balance - (income - spent)) < 0.005 and income >= spent - 0.005
                record = hwbs[code]["years"][years[y]]
                assert abs(record["by_source"][source] - spent) < 0.005
                assert abs(record["unallocated_by_source"].get(source, 0) - balance) < 0.005
        if period != "2023-25":
            assert all(v == "" for cells in plan["block"].values() for v in cells[3:])


def test_bcf_totals_per_head_and_shares(plans, council_sources, stages):
    areas, _, reg = stages
    _, _, planted = council_sources
    hwbs = planted["bcf"]["hwbs"]
    # populations: registered residents of the council in the July release of the year (2023 on)
    council_of = areas.council_of
    for year, q in (("2023-24", 2), ("2024-25", 6), ("2025-26", 10)):
        assert QUARTERS[q].month == 7 and QUARTERS[q].year == int(year[:4])
        lsoa, _, count = reg.core[q]
        for code, hwb in hwbs.items():
            c = next(i for i, x in enumerate(areas.councils) if x.code == code)
            assert hwb["years"][year]["population"] == int(count[council_of[lsoa] == c].sum())
    social, total = 0.0, 0.0
    for (period, code), plan in plans.items():
        money = (["Expenditure for 2023-24 (£)", "Expenditure for 2024-25 (£)"] if period == "2023-25"
                 else ["Expenditure (£)"])
        years = ["2023-24", "2024-25"] if period == "2023-25" else [period]
        for column, year in zip(money, years):
            record = hwbs[code]["years"][year]
            spent = sum(line[column] for line in plan["lines"])
            assert abs(spent - record["planned_total"]) < 0.01
            per_head = spent / record["population"]
            assert 100 <= per_head <= 320, (year, code, per_head)
            by_area = defaultdict(float)
            for line in plan["lines"]:
                by_area[line["Area of Spend"]] += line[column]
            assert by_area.keys() == record["by_area_of_spend"].keys()
            assert all(abs(by_area[k] - v) < 0.01 for k, v in record["by_area_of_spend"].items())
            social += by_area["Social Care"]
            total += spent
    assert 0.35 <= social / total <= 0.6
    # the 2019-20 to 2025-26 rise in spend per head (about 150 to about 210)
    def per_head(year):
        records = [h["years"][year] for h in hwbs.values()]
        return sum(r["planned_total"] for r in records) / sum(r["population"] for r in records)

    first, last = per_head("2019-20"), per_head("2025-26")
    assert 120 <= first <= 180 and 170 <= last <= 250 and last > first * 1.2


# ---- BCF year-end --------------------------------------------------------------------------------------
def test_bcf_year_end_returns(council_sources, plans, english):
    root, _, planted = council_sources
    on_plan = 0
    for year in YEAR_END_YEARS:
        period, y = PLAN_OF_YEAR[year]
        column = f"Expenditure for {year} (£)" if period == "2023-25" else "Expenditure (£)"
        for code, name in english:
            path = root / f"bcf/year-end/BCF_{year}_End_of_Year_{name}.xlsx"
            book = openpyxl.load_workbook(path)
            assert book.sheetnames == ["Cover", "Expenditure"]
            sheet = book["Expenditure"]
            assert "A1:F1" in {str(m) for m in sheet.merged_cells.ranges}
            assert sheet["A1"].value == f"Better Care Fund {year} End of Year Template"
            assert (sheet["A3"].value, sheet["B3"].value) == ("Health and Wellbeing Board:", name)
            rows = _sheet(path, "Expenditure")
            assert rows[5] == YEAR_END_HEAD
            got = {(r[0], r[3]): r for r in rows[6:]}
            plan = {(line["Scheme ID"], line["Source of Funding"]): line for line in plans[(period, code)]["lines"]}
            assert got.keys() == plan.keys() and len(rows) - 6 == len(plan)
            for key, r in got.items():
                planned, actual = r[4], r[5]
                assert planned == plan[key][column]
                assert r[2] == plan[key]["Scheme Type"] and r[1] == plan[key]["Scheme Name"]
                assert float(actual).is_integer()
                assert 0.85 * planned - 0.5 <= actual <= 1.08 * planned + 0.5
                on_plan += actual == planned
            record = planted["bcf"]["hwbs"][code]["years"][year]
            assert abs(sum(r[5] for r in got.values()) - record["actual_total"]) < 0.01
            assert abs(sum(r[4] for r in got.values()) - record["planned_total"]) < 0.01
    assert on_plan > 0
    assert planted["bcf"]["hwbs"][english[0][0]]["years"]["2025-26"]["actual_total"] is None


# ---- determinism -----------------------------------------------------------------------------------------
def test_same_seed_same_bytes(tmp_path, council_sources, stages):
    root, files, planted = council_sources
    json.dumps(planted, sort_keys=True, allow_nan=False)  # fit for manifest.json as it is
    again = tmp_path / "again"
    files2, planted2 = _write_all(again, stages, seed=7)
    assert files2 == files and planted2 == planted
    for rel in files:
        assert (again / rel).read_bytes() == (root / rel).read_bytes(), rel
    other = tmp_path / "other"
    files3, _ = _write_all(other, stages, seed=8)
    assert files3 == files
    differ = [rel for rel in files if (other / rel).read_bytes() != (root / rel).read_bytes()]
    assert len(differ) == len(files)  # every file depends on the seed
