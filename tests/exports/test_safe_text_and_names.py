"""Formula neutralising and safe file names."""

from __future__ import annotations

import pytest

from dashboard import file_names
from dashboard.exports import safe_text


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "+44 1234", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert safe_text.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["UNITOWN SURGERY", "A&E attendances", "", "x=1", -3.5, 0, None])
def test_other_values_are_left_alone(value):
    assert safe_text.neutralise(value) == value


def test_file_names_are_ascii_slugs_with_area_period_and_what():
    assert file_names.file_name("Wyvernford", "2024-25", "summary", "pdf") == "jointcare-wyvernford-2024-25-summary.pdf"
    assert file_names.file_name("Ynys Môn / \"Anglesey\"", "2024-25", "summary", "xlsx") == \
        "jointcare-ynys-mon-anglesey-2024-25-summary.xlsx"
    assert file_names.file_name('=HYPERLINK("http://x","y")', "2022-23", "serving_practices", "csv") == \
        "jointcare-hyperlink-http-x-y-2022-23-serving-practices.csv"
    assert file_names.file_name("", None, "summary", "pdf") == "jointcare-all-areas-summary.pdf"


def test_file_names_are_capped():
    name = file_names.file_name("A very long practice name " * 20, "2024-25", "summary", "pdf")
    assert len(name) <= file_names.MAX_NAME + 4 and name.endswith("-2024-25-summary.pdf")
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-.")
