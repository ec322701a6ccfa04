"""The download addresses over real HTTP: gunicorn (`jointcare serve`) on the variant tiny area.

The variant (tests/exports/conftest.py): Unitown's residents are A00001 70, A00003 30 and A00002 3 (based in
Countyshire), and A00003 is named =HYPERLINK("http://x","y").
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
import requests

from tests.conftest import Server
from tests.exports.conftest import HOSTILE_NAME

UNITOWN = "E06000901"


@pytest.fixture(scope="module")
def hostile_server(hostile_warehouse):
    running = Server(hostile_warehouse)
    yield running
    running.stop()


def get(server, path: str, **params) -> requests.Response:
    return requests.get(server.url + path, params=params, timeout=60)


def csv_rows(response: requests.Response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_csv_table_follows_the_query_and_hides_the_count_of_three(hostile_server):
    response = get(hostile_server, "/download/serving_practices.csv", council=UNITOWN, period="2022-23")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="jointcare-unitown-2022-23-serving-practices.csv"'
    residents = {row["practice_code"]: row["residents"] for row in csv_rows(response)}
    assert residents == {"A00001": "70", "A00003": "[c]", "A00002": "<5"}
    names = {row["practice_code"]: row["practice_name"] for row in csv_rows(response)}
    assert names["A00003"] == "'" + HOSTILE_NAME


def test_only_the_selected_practice_reaches_the_file(hostile_server):
    response = get(hostile_server, "/download/joint_working_practices.csv", practice="A00001", period="2023-24")
    assert response.status_code == 200
    # 2023-24 Q1: A00001 and A00002 made returns; asking for A00001 gives A00001 alone (index 66.39)
    [row] = csv_rows(response)
    assert (row["practice_code"], row["joint_working_index"]) == ("A00001", "66.39")


def test_dictionary_of_a_table(hostile_server):
    response = get(hostile_server, "/download/serving_practices-dictionary.csv", council=UNITOWN)
    assert response.status_code == 200
    assert "residents" in {row["column"] for row in csv_rows(response)}


def test_workbook_download(hostile_server):
    response = get(hostile_server, "/download/summary.xlsx", council=UNITOWN, period="2022-23")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="jointcare-unitown-2022-23-summary.xlsx"' in response.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "Serving practices" in wb.sheetnames and wb["Summary"]["A1"].value == "jointcare summary: Unitown, 2022-23"


def test_pdf_download(hostile_server):
    response = get(hostile_server, "/download/summary.pdf", council=UNITOWN, period="2022-23")
    assert response.status_code == 200, response.text[:300]
    assert response.content.startswith(b"%PDF") and response.headers["Content-Type"] == "application/pdf"
    assert 'filename="jointcare-unitown-2022-23-summary.pdf"' in response.headers["Content-Disposition"]


def test_a_group_downloads_under_its_name_with_its_practices(hostile_server):
    group = {"group_name": "Unitown pair", "members": "P:A00001,N:U00002", "period": "2022-23"}
    response = get(hostile_server, "/download/summary.xlsx", **group)
    assert response.status_code == 200, response.text[:300]
    assert 'filename="jointcare-unitown-pair-2022-23-summary.xlsx"' in response.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb["Summary"]["A1"].value == "jointcare summary: Unitown pair, 2022-23"
    # A&E for A00001 and PCN U00002's A00003 (not A00002): 22 + 11 + 5 = 38 attendances on 110 + 110 + 50
    rows = {row["measure_id"]: row for row in csv_rows(get(hostile_server, "/download/headline_measures.csv",
                                                           **group))}
    assert (rows["ae_attendances"]["numerator"], rows["ae_attendances"]["denominator"]) == ("38", "270")


@pytest.mark.parametrize("params, words", [
    ({"council": "E99999999"}, "No council has the code 'E99999999'"),
    ({"council": UNITOWN, "period": "2031-32"}, "There are no data for 2031-32"),
    ({"pcn": "U00002", "practice": "A00002"}, "No practice matches every filter chosen"),
    ({"members": "P:A00001,P:Z99999"}, "No practice has the code 'Z99999', so it is left out of the group"),
    ({"group": "NOPE"}, "No shared group of practices has the code 'NOPE'"),
])
def test_a_value_the_download_cannot_honour_is_a_plain_400(hostile_server, params, words):
    # never the whole area instead of the council asked for
    response = get(hostile_server, "/download/summary.xlsx", **params)
    assert response.status_code == 400 and response.headers["Content-Type"].startswith("text/plain")
    assert words in response.text


def test_unknown_table_and_address_are_plain_404s(hostile_server):
    for path in ("/download/no_such_table.csv", "/download/no_such_table-dictionary.csv", "/download/x.exe",
                 "/download/..%2Fetc%2Fpasswd.csv"):
        response = get(hostile_server, path, council=UNITOWN)
        assert response.status_code == 404, path
        assert response.headers["Content-Type"].startswith("text/plain") and "<html" not in response.text.lower()


def test_pack_needs_a_council(hostile_server):
    response = get(hostile_server, "/download/pack.pdf", period="2022-23")
    assert response.status_code == 400 and "Choose a council" in response.text


def test_pack_for_a_council(hostile_server):
    response = get(hostile_server, "/download/pack.pdf", council=UNITOWN, period="2022-23")
    assert response.status_code == 200, response.text[:300]
    assert response.content.startswith(b"%PDF")
    assert 'filename="jointcare-unitown-2022-23-practice-pack.pdf"' in response.headers["Content-Disposition"]
