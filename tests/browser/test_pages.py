"""Every page in a real browser against the real server: it renders, and the console stays clean."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_home_page_lists_tables(page, server, console_messages, tmp_path):
    page.goto(server.url)
    table = page.get_by_role("table", name="Tables in the warehouse and their row counts")
    table.wait_for()
    assert table.get_by_role("row").count() > 20
    row = table.get_by_role("row").filter(has_text="mart_catchment_practice")
    assert row.get_by_role("cell").nth(2).inner_text() == "marts"
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    assert [str(m) for m in console_messages] == []
