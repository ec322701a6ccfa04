"""The deprivation decile filter in a real browser: chosen in the filter bar, kept in the address, and
followed by the Outcomes page's breakdown by deprivation decile."""

from __future__ import annotations

import pytest

from tests.browser.test_pages import settle

pytestmark = pytest.mark.browser


def test_choosing_a_deprivation_decile_filters_and_marks_it(page, demo_server, console_messages):
    page.goto(demo_server.url + "/outcomes")
    settle(page)
    page.select_option("#filter-deprivation", "1")
    page.wait_for_url("**deprivation=1**")
    settle(page)
    assert "practices in deprivation decile 1 (most deprived 10%)" in page.locator("#filter-summary").inner_text()
    section = page.locator("#outcomes-deprivation").locator("xpath=ancestor::section[1]")
    assert "Hatched bars hold the selected practices." in section.inner_text()
    page.reload()
    settle(page)
    assert page.locator("#filter-deprivation").input_value() == "1"
    assert [str(message) for message in console_messages] == []
