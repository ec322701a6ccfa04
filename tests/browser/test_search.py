"""The shell's search box driven by the keyboard alone, in Debian's chromium against gunicorn on the demo.

The ARIA 1.2 combobox pattern (assets/search_combobox.js): reached with Tab; typing lists results and says
how many; Down, Up, Home and End move aria-activedescendant over the options; Escape closes the list;
Enter goes to the chosen result. The open list passes axe-core like every page. The filter bar's practice
search works the same way and chooses the practice in the address, keeping the other filters.
"""

from __future__ import annotations

import re

import duckdb
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_pages import settle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_names(demo_warehouse):
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    practice, name = con.execute(
        "select practice_code, practice_name from dim_practice where last_registration_quarter is not null "
        "order by practice_code limit 1").fetchone()
    council, council_name = con.execute(
        "select council_code, council_name from dim_council where is_social_care_council and is_english "
        "order by council_code limit 1").fetchone()
    con.close()
    return {"practice": practice, "practice_name": name, "council": council, "council_name": council_name}


def state(page) -> dict:
    return page.evaluate("""() => {
        const input = document.getElementById('site-search-input');
        const active = input.getAttribute('aria-activedescendant');
        return {focused: document.activeElement === input, expanded: input.getAttribute('aria-expanded'),
                active: active, options: document.querySelectorAll('#site-search-listbox [role=option]').length,
                selected: [...document.querySelectorAll('#site-search-listbox [aria-selected=true]')].map(o => o.id),
                hidden: document.getElementById('site-search-listbox').hidden,
                status: document.getElementById('site-search-status').textContent};
    }""")


def test_the_search_box_works_by_keyboard_alone(page, demo_server, demo_names, console_messages):
    page.goto(demo_server.url + "/outcomes")
    settle(page)
    for _ in range(4):  # the skip link, then the search box
        page.keyboard.press("Tab")
        if state(page)["focused"]:
            break
    assert state(page)["focused"]
    page.keyboard.type(demo_names["practice"].lower())
    page.wait_for_selector("#site-search-listbox:not([hidden])")
    now = state(page)
    assert now["expanded"] == "true" and now["active"] is None and now["options"] >= 1
    assert re.fullmatch(rf"\d+ results? for {demo_names['practice'].lower()}\.", now["status"])
    last = f"site-search-option-{now['options'] - 1}"

    page.keyboard.press("ArrowDown")
    assert state(page)["active"] == "site-search-option-0" and state(page)["selected"] == ["site-search-option-0"]
    page.keyboard.press("End")
    assert state(page)["active"] == last
    page.keyboard.press("Home")
    assert state(page)["active"] == "site-search-option-0"
    page.keyboard.press("ArrowUp")  # from the first option, round to the last
    assert state(page)["active"] == last

    results = Axe().run(page)
    assert [violation["id"] for violation in results.response["violations"]
            if violation["impact"] in {"serious", "critical"}] == []

    page.keyboard.press("Escape")
    closed = state(page)
    assert closed["expanded"] == "false" and closed["hidden"] and closed["active"] is None and closed["focused"]
    page.keyboard.press("ArrowDown")  # opens the list again on its first option
    assert state(page)["expanded"] == "true" and state(page)["active"] == "site-search-option-0"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/practice/{demo_names['practice']}$"))
    page.get_by_role("heading", level=1, name=demo_names["practice_name"]).wait_for()

    # an area, from the practice profile (no area filters there), opens the Overview with it chosen
    page.focus("#site-search-input")
    page.keyboard.type(demo_names["council_name"])
    page.wait_for_selector("#site-search-listbox:not([hidden])")
    page.keyboard.press("Enter")  # no option chosen: the first, the council itself
    page.wait_for_url(re.compile(rf"/\?council={demo_names['council']}$"))
    page.get_by_role("heading", level=1, name=re.compile(demo_names["council_name"])).wait_for()
    settle(page)

    # the filter bar's practice search: the council's practices, and the council kept in the address
    page.focus("#practice-search-input")
    page.keyboard.type(demo_names["practice"][:4])
    page.wait_for_selector("#practice-search-listbox:not([hidden])")
    page.keyboard.press("ArrowDown")
    chosen = page.locator("#practice-search-option-0 .site-search-label").inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/\?council={demo_names['council']}&practice=[A-Z0-9]+$"))
    code = re.search(r"practice=([A-Z0-9]+)", page.url).group(1)
    assert chosen.endswith(f"({code})")
    page.wait_for_function(f"() => document.getElementById('filter-practice').value === '{code}'")
    assert page.evaluate("document.activeElement.id") == "filter-practice"
    assert [str(message) for message in console_messages] == []
