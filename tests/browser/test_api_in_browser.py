"""The API's rows against the grid the browser shows: the rows AG Grid holds in chromium (read through
dash-ag-grid's getApi), for the same address, equal the endpoint's rows over HTTP."""

from __future__ import annotations

import pytest
import requests

from tests.browser.test_pages import demo_codes, settle  # noqa: F401  (demo_codes: a shared fixture)

pytestmark = pytest.mark.browser

READ_ROWS = """(grid) => {
    const api = dash_ag_grid.getApi(JSON.stringify({grid: grid, type: "data-grid"}));
    const rows = [];
    api.forEachNode(node => rows.push(node.data));
    return rows;
}"""


@pytest.mark.parametrize(("page_path", "grid", "address"), [
    ("/pooled-budget", "pooled-budget-flows", "/api/v1/pooled-budget/flows.json"),
    ("/downloads", "downloads-practices", "/api/v1/downloads/practices.json"),
])
def test_the_endpoint_has_the_rows_the_browser_shows(page, demo_server, demo_codes, console_messages,  # noqa: F811
                                                     page_path, grid, address):
    query = f"?council={demo_codes['council']}"
    page.goto(demo_server.url + page_path + query)
    settle(page)
    in_browser = page.evaluate(READ_ROWS, grid)
    served = requests.get(demo_server.url + address + query, timeout=120).json()
    assert in_browser and served["rows"] == in_browser
    assert served["total"] == len(in_browser)
    assert [str(message) for message in console_messages] == []
