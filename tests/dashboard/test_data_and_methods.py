"""Data and methods on the tiny area: every source, every indicator definition, and the rejected rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from dash.development.base_component import Component

from etl.build import build
from tests.dashboard.helpers import by_id, grids, text_of, walk
from tests.factory import REGISTRATIONS_Q1, registrations, write_tiny_area

ROOT = Path(__file__).resolve().parents[2]
INDICATOR_FILES = sorted(ROOT.glob("etl/indicators/*.yml"))


def page(**query):
    from dashboard.pages.data_and_methods import layout

    return layout(**query)


def test_lists_every_source_with_its_files_and_period(dashboard_db):
    import yaml

    declared = yaml.safe_load((ROOT / "etl" / "sources.yml").read_text())["sources"]
    tree = page()
    sources = grids(tree)["data-and-methods-sources"]
    assert len(sources) == len(declared)
    titles = {row["title"] for row in sources}
    assert titles == {spec["title"] for spec in declared.values()}
    # each source has its own section, present or not
    for key in declared:
        by_id(tree, f"source-{key}")
    by_title = {row["title"]: row for row in sources}
    # registrations: two releases in the tiny area, January 2023 and April 2024
    registrations_row = by_title[declared["registrations"]["title"]]
    assert registrations_row["files"] == 2 and registrations_row["loaded"] == "Yes"
    assert registrations_row["covers"] == "January 2023 to April 2024 (2 quarterly releases)"
    # the joint-working return holds one quarter, 2023-24 Q1; SUS activity runs December 2022 to May 2024
    assert by_title[declared["joint_working_return"]["title"]]["covers"] == "2023-24 Q1 (quarter only)"
    assert by_title[declared["sus_activity"]["title"]]["covers"].startswith("December 2022 to May 2024")
    # the tiny area has no district-to-county lookup
    assert by_title[declared["lad_county"]["title"]]["loaded"] == "No"
    assert "No file of this source was found" in text_of(by_id(tree, "source-lad_county"))
    # the first registrations file: 11 rows read and loaded (header not counted), read with CRLF line endings
    files = grids(tree)["data-and-methods-files-registrations"]
    january = [row for row in files if row["file"] == "nhs/2023-01/gp-reg-pat-prac-lsoa-all.csv"][0]
    assert (january["rows_read"], january["rows_loaded"], january["rows_rejected"]) == (11, 11, 0)
    assert january["line_endings"] == "CRLF"


def test_every_indicator_definition_has_an_anchored_section(dashboard_db):
    tree = page()
    sections = [node for node in walk(tree)
                if isinstance(node, Component) and "indicator-definition" in (getattr(node, "className", "") or "")]
    assert len(sections) == len(INDICATOR_FILES) > 0
    assert {node.id for node in sections} == {path.stem for path in INDICATOR_FILES}
    jw01 = text_of(by_id(tree, "JW01"))
    assert "Named or attached social worker" in jw01
    assert "Higher is better." in jw01
    assert "Trust in and awareness of each other's roles" in jw01
    assert "100 for yes, 0 for no." in jw01
    assert "Definition file JW01.yml" in jw01 and "etl/" not in jw01
    # JW02 is scored against its target of 3 meetings a quarter (etl/indicators/JW02.yml)
    assert "100 × value ÷ 3" in text_of(by_id(tree, "JW02"))
    care_homes = text_of(by_id(tree, "care_home_admissions"))
    assert "Lower is better." in care_homes
    assert "Registered patients aged 65 and over" in care_homes
    assert "Permanent admission - residential; Permanent admission - nursing" in care_homes


def test_methods_and_tables(dashboard_db):
    tree = page()
    # shown as a reader writes them (etl/method.yml: 0.10 a share, 999 replicates, seed 2026, 12 months)
    shown = {row["name"]: row["shown"] for row in grids(tree)["data-and-methods-method"]}
    assert shown["Boundary share threshold"] == "10%" and shown["Serve min share"] == "1%"
    assert shown["Impact bootstrap reps"] == "999" and shown["Impact bootstrap seed"] == "2026"
    assert shown["Impact placebo lead months"] == "12 months" and shown["Joint working domain weight"] == "0.25"


def test_no_team_words_reach_users(dashboard_db):
    # the team's file names are for the team: users read plain words (issue 13)
    import re

    tree = page()
    words = text_of(tree) + " ".join(str(value) for rows in grids(tree).values() for row in rows
                                     for key, value in row.items())
    assert not re.findall(r"PRODUCT\.md|etl/method\.yml|etl/indicators|suppression\.py", words)
    tables = {row["table_name"]: row["row_count"] for row in grids(tree)["data-and-methods-tables"]}
    # fct_registrations: 11 rows in January 2023 (E01000099 splits into 2) + 1 in April 2024
    assert tables["fct_registrations"] == 13
    assert tables["dq_rejected_rows"] == 0


def test_says_plainly_when_nothing_was_rejected(dashboard_db):
    tree = page()
    assert text_of(by_id(tree, "data-and-methods-none-rejected")) == \
        "No rows were rejected: every row of every file loaded was used."
    assert "data-and-methods-rejected-rows" not in grids(tree)


def test_filters_do_not_change_the_page_and_unknown_ones_are_harmless(dashboard_db):
    assert text_of(page(council="E06000901")) == text_of(page(council="NOPE", period="1999-00"))


@pytest.fixture(scope="module")
def rejecting_warehouse(tmp_path_factory) -> Path:
    """The tiny area with two bad counts in the January 2023 registrations: -10 on line 3, 'five' on line 6."""
    base = tmp_path_factory.mktemp("rejecting")
    raw = write_tiny_area(base / "raw")
    rows = list(REGISTRATIONS_Q1)
    rows[1] = ("A00001", "E01000002", -10)
    rows[4] = ("A00001", "W01000001", "five")
    (raw / "nhs" / "2023-01" / "gp-reg-pat-prac-lsoa-all.csv").write_text(
        registrations("01JAN2023", rows), newline="")
    db = base / "warehouse.duckdb"
    build(raw, db, echo=lambda _: None)
    return db


def test_rejected_rows_counted_by_reason_and_listed(dashboard_db, rejecting_warehouse, monkeypatch):
    monkeypatch.setenv("JOINTCARE_DB", str(rejecting_warehouse))
    tree = page()
    assert text_of(by_id(tree, "data-and-methods-rejected-total")) == "2 rows were rejected. All 2 are listed below."
    reasons = grids(tree)["data-and-methods-rejected-reasons"]
    assert [(row["reason"], row["rows_rejected"], row["files"]) for row in reasons] == [
        ("expected a whole number of at least 0", 2, 1)]
    listed = [(row["line"], row["column_name"], row["value"]) for row in grids(tree)["data-and-methods-rejected-rows"]]
    assert listed == [(3, "NUMBER_OF_PATIENTS", "-10"), (6, "NUMBER_OF_PATIENTS", "five")]
    # the source summary counts them too: 11 rows read from the file, 9 loaded, 2 rejected
    files = grids(tree)["data-and-methods-files-registrations"]
    january = [row for row in files if row["file"] == "nhs/2023-01/gp-reg-pat-prac-lsoa-all.csv"][0]
    assert (january["rows_read"], january["rows_loaded"], january["rows_rejected"]) == (11, 9, 2)


def test_seasonal_method_lists_every_declared_seasonal_measure_and_why_it_is_not_adjusted(dashboard_db):
    import yaml

    declared = [yaml.safe_load(path.read_text()) for path in INDICATOR_FILES]
    seasonal = sorted(spec["name"] for spec in declared if spec.get("seasonal"))
    assert len(seasonal) >= 3  # A&E, emergency admissions and bed days at least
    tree = page()
    section = by_id(tree, "seasonal-method")
    assert section is not None
    text = text_of(tree)
    assert "divided by its month-of-year index" in text
    # the tiny area has at most three months of each: every declared measure says why it is not adjusted
    for name in seasonal:
        assert f"{name}: Not adjusted: a seasonal index needs at least 36 months" in text
    index = grids(tree)["data-and-methods-seasonal-index"]
    assert len(index) == 12


def test_says_why_pages_count_different_numbers_of_practices(dashboard_db):
    # The tiny area (tests/factory.py): the January 2023 release registers A00001, A00002 and A00003, the
    # April 2024 release only A00001; so 3 practices have patients in some release and 1 in the latest
    rows = {row["counted"]: row for row in grids(page())["data-and-methods-practice-counts"]}
    assert rows["With registered patients, April 2024 release"]["practices"] == 1
    assert rows["With registered patients in any release"]["practices"] == 3
    assert [name.split(",")[0] for name in rows] == [
        "In the practice directory", "With registered patients", "With registered patients in any release",
        "With outcome figures", "Returned the joint-working return"]
    assert all(row["why"] for row in rows.values())
