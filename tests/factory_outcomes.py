"""The tiny area's outcome sources (issue 3), in their published layouts, small enough to work by hand.

Written on top of tests/factory.write_tiny_area. The crosswalk it rests on (January 2023 release):

    practice  list  Unitown residents  Countyshire residents  aged 65+ (age file)
    A00001     110        70                  30                    30
    A00002     110         9                 101                    22
    A00003      50        30                  20                    10
    council residents: Unitown 109, Countyshire 151.
    April 2024 release: A00001 only, 100 patients, all in Unitown (no age file).

The expected values are worked out beside each assertion in tests/etl/test_outcome_marts.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from tests.factory import BOM, _csv, _write

FINGERTIPS_HEADER = [
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex",
    "Age", "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit",
    "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator", "Value note", "Recent Trend",
    "Compared to England value or percentiles", "Column not used", "Time period Sortable", "New data",
    "Compared to goal", "Time period range",
]


def fingertips() -> str:
    def row(area, name, kind, parent, value, lo, hi, count, den, category_type="", category="", note=""):
        return ["93930", "A&E attendances (0 to 4 years)", parent, "TOWN PCN" if parent else "", area, name, kind,
                "Persons", "0-4 yrs", category_type, category, "2021/22", value, lo, hi, "", "", count, den, note,
                "", "", "", "20210000", "", "", "1y"]

    rows = [FINGERTIPS_HEADER,
            row("E92000001", "England", "England", "", "650.2", "649.1", "651.3", "2000000", "3076000"),
            row("E92000001", "England", "England", "", "700.1", "698.0", "702.2", "500000", "714200",
                "GP deprivation deciles (IMD2019)", "Most deprived decile (IMD2019)"),
            row("A00001", "UNITOWN SURGERY, THE", "GPs", "U00001", "545.5", "420.1", "697.2", "60", "110"),
            row("A00002", "DALE MEDICAL CENTRE", "GPs", "U00001", "", "", "", "", "",
                note="Value suppressed for disclosure control due to small count")]
    return BOM + _csv(rows, crlf=True)


def sus_activity() -> str:
    rows = [["Activity Month", "GP Practice Code", "Measure", "Count"]]
    for practice, month, measure, count in [
        ("A00001", "2022-12", "A&E attendances", 22),  # before the first release: the earliest (Jan 2023) list
        ("A00001", "2023-03", "A&E attendances", 11),
        ("A00002", "2023-03", "A&E attendances", 22),
        ("A00003", "2023-03", "A&E attendances", 5),
        ("A00001", "2023-03", "Falls admissions 65+", 3),
        ("A00001", "2024-05", "A&E attendances", 5),  # the April 2024 list of 100
    ]:
        rows.append([month, practice, measure, str(count)])
    return _csv(rows, crlf=True)


def social_care_events(council: str) -> str:
    rows = [["Council Code", "Council Name", "Month", "GP Practice Code", "Event", "Clients"]]
    if council == "unitown":
        rows += [["E06000901", "Unitown Council – Adult Social Care", "2023-03",
                  "A00001", "Permanent admission - residential", "2"],
                 ["E06000901", "Unitown Council – Adult Social Care", "2023-03",
                  "A00001", "Permanent admission - nursing", "1"],
                 ["E06000901", "Unitown Council – Adult Social Care", "2023-03",
                  "", "Permanent admission - residential", "1"],
                 ["E06000901", "Unitown Council – Adult Social Care", "2023-03",
                  "A00003", "Reablement start", "4"],
                 ["E06000901", "Unitown Council – Adult Social Care", "2023-03",
                  "A00003", "At home 91 days after reablement", "3"]]
    else:
        rows += [["E10000901", "Countyshire County Council", "01/03/2023",
                  "A00001", "Permanent admission - residential", "1"],
                 ["E10000901", "Countyshire County Council", "01/11/2022",
                  "A00002", "Permanent admission - nursing", "2"]]
    return _csv(rows, crlf=True)


ASCOF_COLUMNS = ["Geographical Code", "Geographical Description", "Geographical Level", "ONS Code",
                 "ASCOF Measure Code", "Disaggregation Level", "Measure Type", "Measure Value", "Measure Group",
                 "Measure Group Description"]


def ascof(year: str) -> str:
    """2018-19 (old spellings, ONS Area Code, ':' tokens), 2022-23 (2A2, [c]) or 2023-24 (new numbering)."""
    header = list(ASCOF_COLUMNS)
    if year == "2018-19":
        header[3] = "ONS Area Code"
        code65, reablement, token = "2A(2)", "2B(1)", ":"
    elif year == "2022-23":
        code65, reablement, token = "2A2", "2B1", "[x]"
    else:
        code65, reablement, token = "2C", "2D", "[x]"
    rows = [header]

    def measure(cassr, name, level, ons, code, disaggregation, numerator, denominator, outcome):
        for kind, value in (("Numerator", numerator), ("Denominator", denominator), ("Outcome", outcome)):
            rows.append([cassr, name, level, ons, code, disaggregation, kind, value, code[:2], "Group"])

    measure("901", "Unitown", "Council", "E06000901", code65, "Total", "10", "2000", "500.0")
    measure("902", "Countyshire", "Council", "E10000901", code65, "Total", "30", "3000", "1000.0")
    measure("902", "Countyshire", "Council", "E10000901", code65, "Male", "[c]" if year != "2018-19" else "c", "1500",
            "[c]" if year != "2018-19" else "c")
    measure("901", "Unitown", "Council", "E06000901", reablement, "Total", token, token, token)
    measure("E12000901", "North – Test Region", "Region", "E12000901", code65, "Total", "40", "5000", "800.0")
    return _csv(rows, crlf=True)


def ascof_workbook(path: Path) -> Path:
    """2020-21 as published: an xlsx with the table on sheet 'in', numbers as numbers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(path)
    workbook.set_properties({"created": dt.datetime(2021, 10, 1)})
    workbook.add_worksheet("Notes").write(0, 0, "Measures from the ASCOF, England 2020-21")
    sheet = workbook.add_worksheet("in")
    sheet.write_row(0, 0, ASCOF_COLUMNS)
    rows = [[901, "Unitown", "Council", "E06000901", "2A2", "Total", kind, value, "2A", "Group"]
            for kind, value in (("Numerator", 12), ("Denominator", 2000), ("Outcome", 600.0))]
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, row)
    workbook.close()
    return path


PLAN_HEADER = ["Scheme ID", "Scheme Name", "Brief Description of Scheme", "Scheme Type", "Sub Types",
               "Please specify if 'Scheme Type' is 'Other'", "Planned Outputs", "Units", "Area of Spend",
               "Please specify if 'Area of Spend' is 'other'", "Commissioner", "% NHS (if Joint Commissioner)",
               "% LA (if Joint Commissioner)", "Provider", "Source of Funding"]


def plan_workbook(path: Path, hwb: str, period: str, lines: list[list], header_row: int,
                  merged_in_table: str = "") -> Path:
    """A planning template's expenditure tab: cover rows, then the table whose header starts with Scheme ID."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(path)
    workbook.set_properties({"created": dt.datetime(2023, 6, 1)})
    workbook.add_worksheet("1. Guidance").write(0, 0, "Guidance for completing the template")
    sheet = workbook.add_worksheet("6a. Expenditure")
    sheet.merge_range("A1:H1", f"Better Care Fund {period} Planning Template")
    sheet.write(1, 0, "6a. Expenditure")
    sheet.merge_range("A4:B4", "Selected Health and Wellbeing Board:")
    sheet.write(3, 2, hwb)
    sheet.write(5, 0, "Running Balances")
    sheet.write_row(6, 0, ["Minimum NHS Contribution", "", 8720, 8720, 0])
    if period == "2023-25":
        money = ["Expenditure for 2023-24 (£)", "Expenditure for 2024-25 (£)"]
    else:
        money = ["Expenditure (£)"]
    sheet.write_row(header_row - 1, 0, PLAN_HEADER + money + ["New/ Existing Scheme"])
    for offset, line in enumerate(lines):
        sheet.write_row(header_row + offset, 0, line)
    if merged_in_table:
        sheet.merge_range(merged_in_table, "merged")
    workbook.close()
    return path


def plan_line(scheme_id, name, scheme_type, area, commissioner, provider, funding, *money, share_nhs="", share_la=""):
    return [scheme_id, name, "", scheme_type, "", "", "", "", area, "", commissioner, share_nhs, share_la, provider,
            funding, *money, "Existing"]


def year_end_workbook(path: Path, hwb: str, year: str, lines: list[list]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(path)
    workbook.set_properties({"created": dt.datetime(2024, 5, 1)})
    workbook.add_worksheet("Cover").write(0, 0, "Cover")
    sheet = workbook.add_worksheet("Expenditure")
    sheet.merge_range("A1:F1", f"Better Care Fund {year} End of Year Template")
    sheet.write(2, 0, "Health and Wellbeing Board:")
    sheet.write(2, 1, hwb)
    sheet.write_row(5, 0, ["Scheme ID", "Scheme Name", "Scheme Type", "Source of Funding", "Planned Expenditure (£)",
                           "Actual Expenditure (£)"])
    for offset, line in enumerate(lines):
        sheet.write_row(6 + offset, 0, line)
    workbook.close()
    return path


def joint_working_return() -> str:
    rows = [["Quarter", "Practice Code", "Indicator Code", "Numerator", "Denominator", "Value", "Notes"]]
    a1 = [("JW01", "1", "", "1"), ("JW02", "2", "", "2"), ("JW03", "3", "", "3"), ("JW04", "40", "50", "80.0"),
          ("JW05", "1", "110", "9.1"), ("JW06", "0.2", "10000", "0.2"), ("JW07", "0", "", "0"), ("JW08", "1", "", "1"),
          ("JW09", "0", "", "0"), ("JW10", "1", "2", "50.0")]
    rows += [["2023-24 Q1", "A00001", code, n, d, v, ""] for code, n, d, v in a1]
    # A00002 returns nothing for practical support (JW05, JW06): no index that quarter
    a2 = [("JW01", "0", "", "0"), ("JW02", "3", "", "3"), ("JW04", "10", "20", "50.0"), ("JW09", "1", "", "1"),
          ("JW10", "0", "0", "")]  # no invitations: no score, rather than full marks
    rows += [["2023-24 Q1", "A00002", code, n, d, v, "MDT chaired by the PCN, with the council"]
             for code, n, d, v in a2]
    return _csv(rows)


def write_tiny_outcomes(raw_dir: Path) -> Path:
    """The outcome sources of the tiny area, beside its crosswalk files."""
    _write(raw_dir / "nhs" / "gp-reg-pat-prac-quin-age-extra.csv", _csv([
        ["PUBLICATION", "EXTRACT_DATE", "ORG_TYPE", "ORG_CODE", "ONS_CODE", "POSTCODE", "SEX", "AGE_GROUP_5",
         "NUMBER_OF_PATIENTS"],
        ["GP_PRAC_PAT_LIST", "01JAN2023", "GP", "A00002", "E38000901", "AA2 2BB", "ALL", "ALL", "110"],
        ["GP_PRAC_PAT_LIST", "01JAN2023", "GP", "A00002", "E38000901", "AA2 2BB", "ALL", "65_69", "22"],
        ["GP_PRAC_PAT_LIST", "01JAN2023", "GP", "A00003", "E38000901", "AA9 9ZZ", "ALL", "ALL", "50"],
        ["GP_PRAC_PAT_LIST", "01JAN2023", "GP", "A00003", "E38000901", "AA9 9ZZ", "ALL", "70_74", "10"],
    ], crlf=True))
    _write(raw_dir / "fingertips" / "indicators-GP.data.csv", fingertips())
    _write(raw_dir / "activity" / "sus_practice_activity.csv", sus_activity())
    _write(raw_dir / "social_care" / "unitown_events.csv", social_care_events("unitown"), encoding="cp1252")
    _write(raw_dir / "social_care" / "countyshire_events.csv", social_care_events("countyshire"))
    _write(raw_dir / "ascof" / "meas-from-asc-of-eng-1819-open-data-csv.csv", ascof("2018-19"), encoding="cp1252")
    _write(raw_dir / "ascof" / "meas-from-asc-of-eng-2223-open-data-csv.csv", ascof("2022-23"), encoding="cp1252")
    _write(raw_dir / "ascof" / "meas-from-asc-of-eng-2324-open-data-csv.csv", ascof("2023-24"), encoding="cp1252")
    ascof_workbook(raw_dir / "ascof" / "meas-from-asc-of-eng-2021-open-data-csv_v2.xlsx")
    plan_workbook(raw_dir / "bcf" / "BCF_2023-25_Unitown.xlsx", "Unitown", "2023-25", [
        plan_line(1, "Reablement at home", "Home-based intermediate care services", "Social Care", "LA",
                  "Local Authority", "Minimum NHS Contribution", 5450, 6000),
        plan_line(1, "Reablement at home", "Home-based intermediate care services", "Social Care", "LA",
                  "Local Authority", "iBCF", 2180, 2000),
        plan_line(2, "Community nursing", "urgent community  response ", "Community Health", "Joint",
                  "NHS Community Provider", "Minimum NHS Contribution", 3270, 3000, share_nhs=0.6, share_la=0.4),
    ], header_row=9)
    year_end_workbook(raw_dir / "bcf" / "BCF_2023-24_EOY_Unitown.xlsx", "Unitown", "2023-24", [
        [1, "Reablement at home", "Home-based intermediate care services", "Minimum NHS Contribution", 5450, 5000],
        [1, "Reablement at home", "Home-based intermediate care services", "iBCF", 2180, 2180],
        [3, "Carers breaks", "Carers Services", "Minimum NHS Contribution", "", 500],
    ])
    _write(raw_dir / "joint_working" / "jw_return_2023-24_Q1.csv", joint_working_return())
    return raw_dir
