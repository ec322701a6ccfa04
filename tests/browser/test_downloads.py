"""Downloads in a real browser (Debian's chromium) against gunicorn serving the demo warehouse.

The Downloads page's links and the shell's Download menu follow the filters; clicking the Excel link
downloads a workbook that opens; both pass axe-core; screenshots are left for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import openpyxl
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import wait_until_drawn

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).with_name("screenshots")


@pytest.fixture(scope="module")
def council(demo_warehouse) -> dict:
    """A council of the demo area and its name, read from the warehouse (the codes are fictional)."""
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    code, name = con.execute("select home_council_code, home_council_name from dim_practice "
                             "where last_registration_quarter is not null order by practice_code limit 1").fetchone()
    con.close()
    return {"code": code, "name": name}


settle = wait_until_drawn


def serious_violations(page) -> list:
    results = Axe().run(page)
    return [(violation["id"], violation["impact"], violation["help"], len(violation["nodes"]))
            for violation in results.response["violations"] if violation["impact"] in {"serious", "critical"}]


def test_downloads_page_links_follow_the_filters_and_the_workbook_opens(page, demo_server, council,
                                                                       console_messages, tmp_path):
    page.goto(f"{demo_server.url}/downloads?council={council['code']}&period=2023-24")
    settle(page)
    query = f"?period=2023-24&council={council['code']}"
    assert page.locator("#downloads-pdf").get_attribute("href") == f"/download/summary.pdf{query}"
    assert page.locator("#downloads-xlsx").get_attribute("href") == f"/download/summary.xlsx{query}"
    assert page.locator("#downloads-csv-serving_practices").get_attribute("href") == \
        f"/download/serving_practices.csv{query}"
    assert page.locator("#downloads-pack").get_attribute("href") == f"/download/pack.pdf{query}"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "downloads-council.png"), full_page=True)
    assert serious_violations(page) == []

    with page.expect_download() as download_info:
        page.locator("#downloads-xlsx").click()
    download = download_info.value
    assert download.suggested_filename == f"jointcare-{council['name'].lower()}-2023-24-summary.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    wb = openpyxl.load_workbook(saved)
    assert wb["Summary"]["A1"].value == f"jointcare summary: {council['name']}, 2023-24"
    assert [str(message) for message in console_messages] == []


def test_download_menu_on_every_page_follows_the_filters(page, demo_server, council, console_messages):
    page.goto(f"{demo_server.url}/catchment?council={council['code']}")
    settle(page)
    page.get_by_role("button", name="Download", exact=True).click()
    pdf = page.get_by_role("link", name=re.compile("PDF summary"))
    pdf.wait_for()
    # the year the page shows, named in the link: Catchment opens on the latest registrations release, the
    # demo's October 2025 (README: 12 quarterly releases, January 2023 to October 2025), so 2025-26
    assert pdf.get_attribute("href") == f"/download/summary.pdf?period=2025-26&council={council['code']}"
    xlsx = page.get_by_role("link", name=re.compile("Excel workbook"))
    assert xlsx.get_attribute("href") == f"/download/summary.xlsx?period=2025-26&council={council['code']}"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "download-menu-catchment.png"))
    assert serious_violations(page) == []
    # choosing another year moves the links with it
    page.get_by_label("Financial year").select_option("2023-24")
    page.wait_for_url(re.compile("period=2023-24"))
    page.wait_for_function("() => document.querySelector('#download-xlsx').getAttribute('href').includes('2023-24')")
    assert "period=2023-24" in page.locator("#download-xlsx").get_attribute("href")
    assert [str(message) for message in console_messages] == []
