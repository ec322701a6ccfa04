"""Bad input in the issue 3 sources: workbooks with cells that cannot be read, returns that do not add
up, files that cannot be placed. Rows are rejected with sheet, row and column; a file that cannot be
used at all stops the build and leaves the warehouse as it was."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.errors import BuildFailed
from tests.conftest import sha256
from tests.factory import _write, write_tiny_area
from tests.factory_outcomes import plan_line, plan_workbook, write_tiny_outcomes


@pytest.fixture
def built(tmp_path: Path):
    raw = write_tiny_outcomes(write_tiny_area(tmp_path / "raw"))
    db = tmp_path / "warehouse.duckdb"
    build(raw, db, echo=lambda _: None)
    return raw, db, sha256(db)


def rejected(db: Path, source: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute('select file, sheet, line, "column", value, reason from dq_rejected_rows '
                           'where source = ? order by line, "column"', [source]).fetchall()
    finally:
        con.close()


def fails(raw: Path, db: Path, before: str) -> str:
    with pytest.raises(BuildFailed) as failure:
        build(raw, db, echo=lambda _: None)
    assert sha256(db) == before, "a failed build changed the warehouse"
    return str(failure.value)


def test_bcf_cells_that_cannot_be_read_are_rejected_with_sheet_row_and_column(built):
    raw, db, _ = built
    plan_workbook(raw / "bcf" / "BCF_2025-26_Countyshire.xlsx", "Countyshire", "2025-26", [
        plan_line(1, "Home care", "home care or domiciliary care ", "Social Care", "LA", "Private Sector",
                  "Local Authority Better Care Grant", 1000),
        plan_line(2, "Equipment", "Assistive Technologies and Equipment", "Social Care", "LA", "Private Sector",
                  "DFG", "TBC"),
        plan_line(3, "Beans", "Magic Beans", "Other", "ICB", "NHS", "Minimum NHS Contribution", 50),
        plan_line(4, "Merged", "Carers Services", "Social Care", "LA", "Charity / Voluntary Sector",
                  "Additional LA Contribution", 75),
        plan_line(5, "Joint", "Carers Services", "Social Care", "Joint", "Local Authority",
                  "Additional LA Contribution", 60, share_nhs=0.5, share_la=0.4),
    ], header_row=12, merged_in_table="B16:C16")
    build(raw, db, echo=lambda _: None)
    rows = rejected(db, "bcf_plan")
    name, sheet = "bcf/BCF_2025-26_Countyshire.xlsx", "6a. Expenditure"
    # header at row 12, so the five lines are rows 13 to 17
    assert (name, sheet, 14, "Expenditure (£) (column P)", "TBC",
            "expected an amount in pounds (a number; text such as TBC cannot be added up)") in rows
    assert (name, sheet, 15, "Scheme Type (column D)", "Magic Beans",
            "not in the published list (etl/reference/bcf_scheme_types.csv)") in rows
    merged = [row for row in rows if row[2] == 16]
    assert merged and merged[0][3] == "column B" and merged[0][5].startswith("merged cells B16:C16")
    joint = [row for row in rows if row[2] == 17]
    assert joint and "must add up to 100%" in joint[0][5]
    assert 13 not in {row[2] for row in rows}  # odd case and a trailing space are still the list's Home Care
    con = duckdb.connect(str(db), read_only=True)
    try:
        kept = con.execute("select scheme_id, planned_gbp from fct_bcf_expenditure "
                           "where hwb_code = 'E10000901'").fetchall()
    finally:
        con.close()
    assert kept == [("1", 1000.0)]


def test_bcf_workbook_without_the_hwb_stops_the_build(built):
    raw, db, before = built
    path = raw / "bcf" / "BCF_2025-26_Nowhere.xlsx"
    plan_workbook(path, "", "2025-26", [plan_line(1, "X", "Carers Services", "Social Care", "LA", "Local Authority",
                                                  "DFG", 10)], header_row=10)
    message = fails(raw, db, before)
    assert "bcf/BCF_2025-26_Nowhere.xlsx: sheet '6a. Expenditure': a cell 'Selected Health and Wellbeing Board:' " \
           "with the HWB name to its right not found above the table (header row 10)" in message


def test_bcf_unknown_hwb_rows_rejected(built):
    raw, db, _ = built
    plan_workbook(raw / "bcf" / "BCF_2025-26_Atlantis.xlsx", "Atlantis", "2025-26",
                  [plan_line(1, "X", "Carers Services", "Social Care", "LA", "Local Authority", "DFG", 10)],
                  header_row=10)
    build(raw, db, echo=lambda _: None)
    rows = rejected(db, "bcf_plan")
    assert rows[0][:5] == ("bcf/BCF_2025-26_Atlantis.xlsx", "6a. Expenditure", 11, "hwb_name", "Atlantis")


def test_the_same_plan_twice_stops_the_build(built):
    raw, db, before = built
    source = raw / "bcf" / "BCF_2023-25_Unitown.xlsx"
    (raw / "bcf" / "copy of BCF_2023-25_Unitown.xlsx").write_bytes(source.read_bytes())
    assert "one workbook per HWB and plan period" in fails(raw, db, before)


def test_joint_working_values_must_agree_with_numerator_and_denominator(built):
    raw, db, _ = built
    _write(raw / "joint_working" / "jw_return_2023-24_Q2.csv",
           "Quarter,Practice Code,Indicator Code,Numerator,Denominator,Value,Notes\n"
           "2023-24 Q2,A00001,JW04,40,50,90.0,\n"
           "2023-24 Q2,A00001,JW01,2,,2,\n"
           "2023-24 Q2,A00001,JW02,2.5,,2.5,\n"
           "2023-24 Q2,A00001,JW10,3,2,150.0,\n"
           "2023-24 Q2,A00001,JW05,1,110,9.1,\n"
           "2023-24 Q5,A00001,JW06,1,110,90.91,\n")
    build(raw, db, echo=lambda _: None)
    reasons = {(line, reason.split(" (x")[0]) for _, _, line, _, _, reason in rejected(db, "joint_working_return")}
    assert (2, "value does not match numerator / denominator") in reasons  # 40/50 is 80%, not 90%
    assert (3, "a yes/no indicator's value must be 1 (yes) or 0 (no)") in reasons
    assert (4, "a count must be a whole number of at least 0") in reasons
    assert (5, "numerator is larger than the denominator of a percentage") in reasons
    assert 6 not in {line for line, _ in reasons}
    assert (7, "value does not have the expected form ^20[0-9]{2}-[0-9]{2} Q[1-4]$") in reasons


def test_ascof_file_without_a_year_in_its_name_stops_the_build(built):
    raw, db, before = built
    source = raw / "ascof" / "meas-from-asc-of-eng-2223-open-data-csv.csv"
    source.rename(raw / "ascof" / "ascof-latest.csv")
    message = fails(raw, db, before)
    assert "ascof/ascof-latest.csv: the file name does not say the financial year" in message


def test_unknown_measures_and_events_rejected(built):
    raw, db, _ = built
    _write(raw / "activity" / "extra.csv", "Activity Month,GP Practice Code,Measure,Count\n"
                                           "2023-04,A00001,Outpatient appointments,4\n"
                                           "2023-04,A00001,A&E attendances,-1\n")
    build(raw, db, echo=lambda _: None)
    rows = rejected(db, "sus_activity")
    assert rows[0][2:5] == (2, "Measure", "Outpatient appointments")
    assert rows[1][2:5] == (3, "Count", "-1")


def test_workbook_with_no_known_table_is_named_as_unrecognised(built, tmp_path):
    raw, db, before = built
    import xlsxwriter

    workbook = xlsxwriter.Workbook(raw / "bcf" / "notes.xlsx")
    workbook.add_worksheet("Sheet1").write_row(0, 0, ["Name", "Comment"])
    workbook.close()
    message = fails(raw, db, before)
    assert "bcf/notes.xlsx, line 1: not recognised: no sheet has the header row of a known source" in message


def test_long_quoted_notes_are_read(built):
    raw, db, _ = built
    path = raw / "joint_working" / "jw_return_2023-24_Q1.csv"
    lines = path.read_text().splitlines(keepends=True)
    one_mb = 'Agreed, with the council: ""see the plan"". ' * 23_832  # 44 characters each, 1,048,608 in all
    three_mb = "é" * 1_500_000  # 3,000,000 bytes in UTF-8: more than DuckDB's default 2,000,000-byte record
    lines[1] = lines[1].rstrip("\n") + f'"{one_mb}"\n'         # line 2: A00001 JW01, Notes was empty
    lines[11] = ",".join(lines[11].split(",")[:6]) + f',"{three_mb}"\n'  # line 12: A00002 JW01's Notes
    path.write_text("".join(lines))
    build(raw, db, echo=lambda _: None)
    assert rejected(db, "joint_working_return") == []
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select rows_read, rows_loaded from dq_load_log where file = ?",
                       ["joint_working/jw_return_2023-24_Q1.csv"]).fetchone() == (15, 15)
    # Doubled quotes inside a quoted value are one quote each: 23,832 x 42 characters, less the final
    # space, which staging trims.
    assert con.execute("select practice_code, length(notes) from fct_joint_working where indicator_id = 'JW01' "
                       "order by practice_code").fetchall() == [("A00001", 1_000_943), ("A00002", 1_500_000)]
    con.close()
