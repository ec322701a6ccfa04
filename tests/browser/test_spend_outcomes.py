"""Spend beside outcomes on Pooled budget, in a real browser: the choices are keyboard operable, go into
the address and survive a reload; the three scatters draw side by side on a wide screen."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_pages import demo_codes, settle  # noqa: F401  (demo_codes is a fixture)

pytestmark = pytest.mark.browser


def test_per_head_of_residents_aged_65_is_chosen_with_the_keyboard_and_kept(page, demo_server, demo_codes,
                                                                           console_messages):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{demo_server.url}/pooled-budget?council={demo_codes['council']}&period=2023-24")
    settle(page)
    panels = page.locator("#pooled-budget-spend-outcomes-card .small-multiple")
    assert panels.count() == 3
    tops = [panels.nth(i).bounding_box()["y"] for i in range(3)]
    assert max(tops) - min(tops) < 1  # one row at 1440 px
    chooser = page.locator("#pooled-budget-per")
    chooser.focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_url(re.compile(r"per=65"))
    settle(page)
    units = page.locator("#pooled-budget-spend-outcomes-population")
    assert "per registered resident aged 65+" in units.inner_text()
    page.reload()
    settle(page)
    assert page.locator("#pooled-budget-per").input_value() == "65"
    assert "aged 65 and over" in page.locator("#pooled-budget-spend-outcomes-population").inner_text()
    assert [str(message) for message in console_messages] == []
