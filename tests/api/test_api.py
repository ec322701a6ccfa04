"""The API (/api/v1/) over real HTTP against the pages drawn in this process, on the tiny area's variant.

The variant (tests/exports/conftest.py): in 2022-23 A00002 has 3 patients living in Unitown (E06000901), and
A00003 is named =HYPERLINK("http://x","y"). Each endpoint's rows are compared with the grid its page draws for
the same query, read from the page's component tree here (tests/dashboard/helpers.grids), not through the API.
"""

from __future__ import annotations

import csv
import email.utils
import io
from urllib.parse import parse_qsl, urlsplit

import dash
import duckdb
import pytest
import requests

from tests.dashboard.helpers import grids
from tests.exports.conftest import HOSTILE_NAME

UNITOWN, A00001, A00002 = "E06000901", "A00001", "A00002"
SELECTIONS = {"council": {"council": UNITOWN, "period": "2022-23"}, "practice": {"practice": A00001},
              # a user's own group, wholly in the address (dashboard/filters.py): the API takes its keys too
              "own group": {"group_name": "Town hub", "members": f"P:{A00001},P:{A00002}", "period": "2022-23"}}


def get(server, path: str, headers: dict | None = None, **params) -> requests.Response:
    return requests.get(server.url + path, params=params, headers=headers or {}, timeout=120)


def csv_rows(response: requests.Response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


@pytest.fixture(scope="module")
def endpoints(api_server) -> list[dict]:
    response = get(api_server, "/api/v1/")
    assert response.status_code == 200
    return response.json()["endpoints"]


def page_grids(page_path: str, **query) -> dict:
    """{grid id: rowData} of the page at page_path drawn here for query (its path variable as `code`)."""
    [entry] = [page for page in dash.page_registry.values() if page["module"].startswith("pages.")
               and (page.get("path_template") or page["path"]) == page_path]
    return grids(entry["layout"](**query))


def test_the_index_lists_a_table_of_every_page_with_grids(endpoints):
    pages = {endpoint["page"] for endpoint in endpoints}
    assert pages == {"/", "/catchment", "/pooled-budget", "/joint-working", "/outcomes", "/downloads",
                     "/data-and-methods", "/practice/<code>"}
    addresses = {endpoint["address"] for endpoint in endpoints}
    assert {"/api/v1/pooled-budget/flows", "/api/v1/downloads/practices",
            "/api/v1/practice/<code>/council-split", "/api/v1/catchment/sankey-table"} <= addresses


def test_every_served_column_has_a_meaning_and_a_unit(endpoints):
    missing = [(endpoint["address"], column["field"]) for endpoint in endpoints for column in endpoint["columns"]
               if not (column["label"] and column["unit"] and column["description"])]
    assert missing == []


@pytest.mark.parametrize("selection", list(SELECTIONS))
def test_every_endpoint_returns_the_rows_of_the_table_on_its_page(api_server, hostile_db, endpoints, selection):
    """Every grid the page draws for the selection is served with the same rows (listed or not: a table the
    page shows only in some years is served there too), and a listed table the page does not draw is a 404."""
    query = SELECTIONS[selection]
    checked = 0
    for page_path in dict.fromkeys(endpoint["page"] for endpoint in endpoints):
        listed = [endpoint for endpoint in endpoints if endpoint["page"] == page_path]
        variables = {"code": A00001} if "<code>" in page_path else {}
        drawn = page_grids(page_path, **variables, **query)
        name = listed[0]["address"].split("/")[3]
        address = listed[0]["address"].rsplit("/", 1)[0].replace("<code>", A00001)
        tables = {grid.removeprefix(name + "-") for grid in drawn} | {endpoint["table"] for endpoint in listed}
        for table in tables:
            response = get(api_server, f"{address}/{table}.json", **query)
            grid = f"{name}-{table}"
            if grid not in drawn:
                assert response.status_code == 404, (address, table)
                continue
            assert response.status_code == 200, (address, table, response.text[:300])
            body = response.json()
            assert body["total"] == len(drawn[grid]) and body["next"] is None, (address, table)
            assert body["rows"] == drawn[grid], (address, table)
            checked += 1
    assert checked >= 30  # of the tiny area's tables, most drawn for both selections


def test_the_list_holds_every_table_its_examples_show(endpoints, hostile_db):
    """The list is drawn for the whole area and the council with the most practices (Unitown: A00001 and
    A00003), and for profiles of that council's practices."""
    assert "/api/v1/downloads/practices.json?council=" + UNITOWN in {endpoint["example"] for endpoint in endpoints}
    listed = {(endpoint["page"], endpoint["table"]) for endpoint in endpoints}
    for page_path in dict.fromkeys(endpoint["page"] for endpoint in endpoints):
        queries = ([{"code": A00001}, {"code": "A00003"}] if "<code>" in page_path else [{}, {"council": UNITOWN}])
        prefix = next(e for e in endpoints if e["page"] == page_path)["address"].split("/")[3] + "-"
        for query in queries:
            for grid in page_grids(page_path, **query):
                assert (page_path, grid.removeprefix(prefix)) in listed, (page_path, query, grid)


def test_csv_has_the_json_s_rows_and_numbers(api_server, endpoints):
    for endpoint in endpoints:
        path = endpoint["address"].replace("<code>", A00001)
        query = SELECTIONS["practice" if "<code>" in path else "council"]
        as_json = get(api_server, path + ".json", **query)
        if as_json.status_code == 404:
            continue
        rows = as_json.json()["rows"]
        fields = [column["field"] for column in as_json.json()["meta"]["columns"]]
        response = get(api_server, path + ".csv", **query)
        assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
        from_csv = csv_rows(response)
        assert len(from_csv) == len(rows) and (not rows or list(from_csv[0]) == fields), path
        for row, written in zip(rows, from_csv):
            for field in fields:
                value, text = row.get(field), written[field]
                if value is None:
                    assert text == "", (path, field)
                elif isinstance(value, bool):
                    assert text == ("Yes" if value else "No")
                elif isinstance(value, (int, float)):
                    assert float(text) == value, (path, field, text, value)
                else:
                    assert text in (value, "'" + value), (path, field, text, value)


def test_paging_concatenates_to_the_whole_table(api_server):
    path = "/api/v1/downloads/catchment.json"
    whole = get(api_server, path, council=UNITOWN, period="2022-23").json()
    # Unitown's two practices: the 2 areas where A00003's patients live (Unitown 30, Countyshire 20) and A00001's 4
    assert whole["total"] == 6 and len(whole["rows"]) == 6
    pages, address = [], f"{path}?council={UNITOWN}&period=2022-23&size=4"
    while address:
        body = get(api_server, address).json()
        assert body["total"] == 6 and body["size"] == 4
        pages.append(body["rows"])
        address = body["next"]
    # 6 rows in pages of 4: 4, then 2; the next link keeps the filters
    assert [len(rows) for rows in pages] == [4, 2]
    assert [row for rows in pages for row in rows] == whole["rows"]
    second = get(api_server, path, council=UNITOWN, period="2022-23", size="4").json()["next"]
    assert dict(parse_qsl(urlsplit(second).query)) == {"council": UNITOWN, "period": "2022-23", "size": "4",
                                                       "page": "2"}
    csv_page = csv_rows(get(api_server, path.replace(".json", ".csv"), council=UNITOWN, period="2022-23",
                            size="4", page="2"))
    assert [row["practice_code"] for row in csv_page] == [row["practice_code"] for row in pages[1]]


def test_a_matching_etag_or_date_gets_304_and_the_date_is_the_build_s(api_server, hostile_warehouse):
    path = "/api/v1/downloads/practices.json"
    first = get(api_server, path, council=UNITOWN)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "no-cache"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    again = get(api_server, path, headers={"If-None-Match": etag}, council=UNITOWN)
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    assert get(api_server, path, headers={"If-Modified-Since": modified}, council=UNITOWN).status_code == 304
    older = email.utils.format_datetime(email.utils.parsedate_to_datetime(modified).replace(year=2001), usegmt=True)
    assert get(api_server, path, headers={"If-Modified-Since": older}, council=UNITOWN).status_code == 200
    # another selection is another answer
    other = get(api_server, path, headers={"If-None-Match": etag}, council="E10000901")
    assert other.status_code == 200 and other.headers["ETag"] != etag
    # Last-Modified is when the warehouse was built (its meta_build), to the second
    con = duckdb.connect(str(hostile_warehouse), read_only=True)
    [(built_at,)] = con.execute("select built_at from meta_build").fetchall()
    con.close()
    assert email.utils.parsedate_to_datetime(modified).replace(tzinfo=None) == built_at.replace(microsecond=0)


@pytest.mark.parametrize(("params", "key", "allowed"), [
    ({"council": "E99999999"}, "council", "E06000901"),
    ({"period": "2024"}, "period", "like 2024-25"),
    ({"measure": "no_such_measure"}, "measure", "ae_attendances"),
    ({"measure": "emergency_admissions"}, "measure", "ae_attendances"),  # a measure the tiny area has no data of
    ({"size": "0"}, "size", "1 to 1,000"),
    ({"size": "5000"}, "size", "1 to 1,000"),
    ({"councl": UNITOWN}, "parameters", "council"),
])
def test_a_bad_parameter_is_a_400_with_the_allowed_values(api_server, params, key, allowed):
    response = get(api_server, "/api/v1/outcomes/year.json", **params)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] == 400 and body["message"]
    assert allowed in body["allowed"][key]


def test_any_site_may_read_it_and_revalidate(api_server):
    preflight = requests.options(api_server.url + "/api/v1/downloads/practices.json", timeout=60, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match"})
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    refused = get(api_server, "/api/v1/downloads/practices.json", council="NOPE")
    assert refused.headers["Access-Control-Allow-Origin"] == "*"  # a script elsewhere can read why
    assert "ETag" in get(api_server, "/api/v1/").headers["Access-Control-Expose-Headers"]


def test_an_unknown_table_or_page_is_a_404_naming_the_tables(api_server):
    response = get(api_server, "/api/v1/pooled-budget/nope.json")
    assert response.status_code == 404 and "flows" in response.json()["tables"]
    assert get(api_server, "/api/v1/nowhere/flows.json").status_code == 404
    assert get(api_server, "/api/v1/pooled-budget/flows.xml").status_code == 404


def test_a_count_of_three_is_hidden_as_on_the_page(api_server, hostile_db):
    # A00002's patients in 2022-23: 3 live in Unitown, so that count is "<5" on the profile and in the API
    response = get(api_server, f"/api/v1/practice/{A00002}/council-split.json", period="2022-23")
    assert response.status_code == 200
    rows = response.json()["rows"]
    unitown = [row for row in rows if "Unitown" in str(row.values())]
    assert unitown and "<5" in unitown[0].values()
    assert rows == page_grids("/practice/<code>", code=A00002, period="2022-23")["practice-council-split"]
    as_csv = get(api_server, f"/api/v1/practice/{A00002}/council-split.csv", period="2022-23").text
    assert "<5" in as_csv and ",3," not in as_csv


def test_formula_looking_text_is_made_inert_in_the_csv_and_left_as_it_is_in_the_json(api_server):
    path = "/api/v1/downloads/practices"
    names = [row["practice_name"] for row in get(api_server, path + ".json", council=UNITOWN).json()["rows"]]
    assert HOSTILE_NAME in names
    written = [row["practice_name"] for row in csv_rows(get(api_server, path + ".csv", council=UNITOWN))]
    assert "'" + HOSTILE_NAME in written and HOSTILE_NAME not in written


def test_the_json_says_what_it_is(api_server):
    meta = get(api_server, "/api/v1/downloads/practices.json", council=UNITOWN, period="2022-23").json()["meta"]
    assert meta["selection"] == "Unitown, 2022-23" and meta["period"] == "2022-23"
    assert meta["page_address"] == f"/downloads?period=2022-23&council={UNITOWN}"
    assert meta["suppression"].startswith("Small numbers are hidden")
    patients = next(column for column in meta["columns"] if column["field"] == "patients")
    assert patients["unit"] == "count" and patients["description"]


def test_the_api_page_lists_every_endpoint_and_its_examples_work(api_server, endpoints, hostile_db):
    page = get(api_server, "/api")
    assert page.status_code == 200
    from tests.dashboard.helpers import walk

    [entry] = [page for page in dash.page_registry.values() if page["module"] == "pages.api"]
    tree = entry["layout"]()
    links = {node.href for node in walk(tree) if getattr(node, "_type", None) == "A"}
    for endpoint in endpoints:
        assert endpoint["example"] in links, endpoint["example"]
        for link in (endpoint["example"], endpoint["example"].replace(".json", ".csv", 1)):
            assert get(api_server, link).status_code == 200, link


def test_a_page_s_own_choice_reaches_its_tables(api_server, hostile_db):
    query = {"council": UNITOWN, "measure": "ae_attendances"}
    body = get(api_server, "/api/v1/outcomes/trend-table.json", **query).json()
    assert body["rows"] == page_grids("/outcomes", **query)["outcomes-trend-table"]
    assert "A&E" in body["meta"]["title"] and body["meta"]["page_address"].endswith("&measure=ae_attendances")
    other = get(api_server, "/api/v1/outcomes/trend-table.json", council=UNITOWN, measure="care_home_admissions")
    assert other.status_code == 200 and other.json()["rows"] != body["rows"]
