"""Numbers in the page tables are written as their column's kind says (dashboard/formats.py KINDS, drawn by
formatCell in assets/dashAgGridFunctions.js), in a real browser: a rate to one place, a share as a
percentage to one place, a signed difference with its sign. Until this test the grids showed raw floats
(8.1264109069) because dash-ag-grid's evaluator did not apply the d3-format expression they used."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_pages import settle

pytestmark = pytest.mark.browser


def _cells(page, column: str) -> list[str]:
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    page.wait_for_timeout(500)
    return [text for text in page.locator(f".ag-cell[col-id='{column}']").all_inner_texts() if text.strip()]


def test_rates_shares_and_differences_are_formatted(page, demo_server, console_messages):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{demo_server.url}/outcomes")
    settle(page)
    rates = _cells(page, "rate")
    assert rates and all(re.fullmatch(r"\d{1,3}(,\d{3})*\.\d|<5|\[c\]", text) for text in rates), rates[:5]
    differences = _cells(page, "vs")
    assert differences and all(re.fullmatch(r"[+-]\d+\.\d%|0\.0%|<5|\[c\]", text) for text in differences), \
        differences[:5]
    coverage = _cells(page, "cov")
    assert coverage and all(re.fullmatch(r"\d+\.\d%", text) for text in coverage), coverage[:5]
    assert [str(message) for message in console_messages] == []
