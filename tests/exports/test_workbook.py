"""The workbook read back with openpyxl: sheets, values equal to hand-worked numbers, charts, inert text."""

from __future__ import annotations

import io

import openpyxl
import pytest

from dashboard import filters, suppression
from dashboard.exports import workbook
from dashboard.exports.gather import build_summary
from tests.exports.conftest import HOSTILE_NAME

UNITOWN = "E06000901"


def book(**query) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook.summary_workbook(build_summary(filters.parse(query)[0]))))


def table_rows(sheet) -> list[dict]:
    """The sheet's Excel table as dicts by header (the header is on row 4)."""
    values = list(sheet.iter_rows(min_row=workbook.TABLE_FIRST_ROW + 1, values_only=True))
    header = values[0]
    return [dict(zip(header, row)) for row in values[1:] if any(cell is not None for cell in row)]


def test_sheets_summary_and_definitions(dashboard_db):
    wb = book(council=UNITOWN, period="2023-24")
    assert wb.sheetnames[:2] == ["Summary", "Chart data"]
    for name in ("Headlines", "Monthly", "Serving practices", "Better Care Fund", "Joint working", "Comparison",
                 "Sources", "Definitions"):
        assert name in wb.sheetnames
    summary = [row for row in wb["Summary"].iter_rows(values_only=True)]
    assert summary[0][0] == "jointcare summary: Unitown, 2023-24"
    assert ("Area", "Unitown") in [(row[0], row[1]) for row in summary]
    assert any(row[0] == suppression.RULE for row in summary)
    definitions = {row["Code"]: row for row in table_rows(wb["Definitions"])}
    assert definitions["ae_attendances"]["Unit"] == "per 1,000 registered patients"
    assert wb["Definitions"].tables  # a real Excel table, not just cells


def test_bcf_values_and_a_native_chart(dashboard_db):
    wb = book(council=UNITOWN, period="2023-24")
    bcf = table_rows(wb["Better Care Fund"])
    # Unitown 2023-24 (tests/dashboard/test_downloads.py): planned 5,450 + 2,180 + 3,270 = 10,900;
    # actual 5,000 + 2,180 + 500 = 7,680
    assert sum(row["Planned (£)"] or 0 for row in bcf) == 10900
    assert sum(row["Actual (£)"] or 0 for row in bcf) == 7680
    assert len(wb["Better Care Fund"]._charts) == 1
    facts = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if row[0]}
    assert (facts["Planned spend"], facts["Actual spend (year-end return)"]) == (10900, 7680)


def test_headline_trend_charts_on_the_summary_sheet(dashboard_db):
    wb = book(council=UNITOWN, period="2022-23")
    # one trend chart per headline measure with data in 2022-23: A&E, care home admissions, reablement
    assert len(wb["Summary"]._charts) == 3
    headlines = {row["Measure id"]: row for row in table_rows(wb["Headlines"])}
    assert headlines["ae_attendances"]["Rate"] == pytest.approx(1000 * 25.8 / 179)
    assert headlines["care_home_admissions"]["Numerator"] == "<5"  # 4 admissions in March 2023
    # the chart data leave a hidden rate blank rather than plotting the text "<5" as 0
    chart_rows = list(wb["Chart data"].iter_rows(min_row=4, values_only=True))
    care = [row for row in chart_rows if row[0] and row[0].startswith("Permanent admissions")]
    assert care and all(row[2] is None for row in care)


def test_a_formula_name_is_stored_as_text(hostile_db):
    wb = book(council=UNITOWN, period="2022-23")
    sheet = wb["Serving practices"]
    [cell] = [c for row in sheet.iter_rows() for c in row if c.value == HOSTILE_NAME]
    assert cell.data_type == "s" and cell.quotePrefix  # text, with Excel's quote prefix: never a formula
    residents = {row["Practice code"]: row["Residents registered"] for row in table_rows(sheet)}
    assert residents == {"A00001": 70, "A00003": "[c]", "A00002": "<5"}
    facts = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if row[0]}
    assert facts["of whom with practices based in another council"] == "<5"
    assert facts["Share registered elsewhere"] == "<5"


def test_comparison_words_follow_the_size_and_significance_rules(dashboard_db):
    # dashboard/components/comparison.py, thresholds from etl/method.yml: "Much" only at 20% or more apart,
    # "Slightly" only under 5%; better or worse only when the significance is beyond the 95% limits.
    rows = [row for row in table_rows(book(council=UNITOWN, period="2022-23")["Comparison"])
            if isinstance(row["This area"], float) and isinstance(row["Comparator rate"], float)]
    assert rows
    for row in rows:
        apart = abs(row["This area"] / row["Comparator rate"] - 1)
        reading = row["What it means"]
        assert reading.startswith("Much") == (apart >= 0.20), row
        assert reading.startswith("Slightly") == (apart < 0.05), row
        beyond = row["Significance"] != "within"
        assert (", better" in reading or ", worse" in reading) <= beyond, row
        assert ("beyond chance" in reading) == beyond, row
