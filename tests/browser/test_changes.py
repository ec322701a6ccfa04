"""The What changed page in a real browser, over two releases of the tiny area (tests/etl/test_changes.py
plants the changes): its entries link to the pages where they are seen, its table holds them, its feed is
named in the page's head, axe finds nothing serious, and the console stays clean."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from etl.build import build
from tests.conftest import Server
from tests.etl.test_changes import plant_release_two
from tests.factory import write_tiny_area

pytestmark = pytest.mark.browser

UNITOWN = "E06000901"


@pytest.fixture(scope="module")
def changes_server(tmp_path_factory):
    base: Path = tmp_path_factory.mktemp("changes-browser")
    raw = write_tiny_area(base / "raw")
    db = base / "warehouse.duckdb"
    build(raw, db, echo=lambda _: None)
    plant_release_two(raw)
    build(raw, db, echo=lambda _: None)
    running = Server(db)
    yield running
    running.stop()


def test_the_page_lists_linked_changes_with_a_table_and_passes_axe(page, changes_server, console_messages):
    page.goto(f"{changes_server.url}/changes?council={UNITOWN}")
    page.wait_for_selector("main h1")
    page.wait_for_load_state("networkidle")
    assert page.locator("main h1").inner_text() == "What changed: Unitown"
    items = page.locator("li.change-entry")
    assert items.count() == 2
    assert "UNITOWN SURGERY (A00001) became a boundary practice" in items.nth(0).inner_text() + \
        items.nth(1).inner_text()
    assert page.locator('head link[rel="alternate"][type="application/atom+xml"]').get_attribute("href") == \
        f"/changes.atom?council={UNITOWN}"
    page.locator(".ag-center-cols-container .ag-row").first.wait_for()
    assert page.locator(".ag-center-cols-container .ag-row").count() == 2
    serious = [(violation["id"], violation["help"]) for violation in Axe().run(page).response["violations"]
               if violation["impact"] in {"serious", "critical"}]
    assert serious == []
    page.get_by_role("link", name="See it on Catchment").click()
    page.wait_for_url("**/catchment?practice=A00001")
    page.wait_for_selector("main h1")
    assert [str(message) for message in console_messages] == []
