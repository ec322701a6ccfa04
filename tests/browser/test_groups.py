"""The Groups page in Debian's chromium against gunicorn on the demo: a group is built by keyboard (a
practice from the search, a PCN from a pasted list), named, opened on the Overview, and shared by its link.
"""

from __future__ import annotations

import re

import duckdb
import pytest

from tests.browser.test_pages import settle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def group_codes(demo_warehouse):
    """A practice, and a PCN it is not in, of the demo area (the codes are fictional)."""
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    practice, name, pcn = con.execute(
        "select practice_code, practice_name, pcn_code from dim_practice where last_registration_quarter is not null "
        "order by practice_code limit 1").fetchone()
    other_pcn, other_name, practices = con.execute(
        "select pcn_code, pcn_name, practice_count from dim_pcn where pcn_code <> ? order by pcn_code limit 1",
        [pcn]).fetchone()
    con.close()
    return {"practice": practice, "practice_name": name, "pcn": other_pcn, "pcn_name": other_name,
            "practices": practices + 1}


def test_a_group_is_built_on_the_page_and_opens_on_the_overview(page, demo_server, group_codes, console_messages):
    page.goto(demo_server.url + "/groups")
    settle(page)
    page.get_by_label("Name of the group").fill("Riverside hub")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/groups\?group_name=Riverside\+hub$"))
    settle(page)

    # a practice from the search, by keyboard: the address gains it and the focus stays in the search box
    page.focus("#group-search-input")
    page.keyboard.type(group_codes["practice"])
    page.wait_for_selector("#group-search-listbox:not([hidden])")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"members=P:{group_codes['practice']}$"))
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'group-search-input'")
    settle(page)
    page.wait_for_function("() => document.querySelectorAll('#groups-members tbody tr').length === 1")

    # a PCN from a pasted list of codes (bare: the page finds which kind it is)
    page.get_by_label(re.compile("Or add a list of codes")).fill(group_codes["pcn"].lower() + "\n")
    page.get_by_role("button", name="Add these codes").click()
    want = f"members=P:{group_codes['practice']},N:{group_codes['pcn']}"
    try:
        page.wait_for_function(f"() => window.location.search.endsWith('{want}')", timeout=15000)
    except Exception:
        raise AssertionError(f"the address is {page.url}, not ending {want}") from None
    page.wait_for_function("() => document.querySelectorAll('#groups-members tbody tr').length === 2")
    settle(page)
    members = page.locator("#groups-members tbody tr")
    assert group_codes["practice_name"] in members.nth(0).inner_text()
    assert group_codes["pcn_name"] in members.nth(1).inner_text()
    caption = page.locator("#groups-members caption").inner_text()
    assert f"2 members: {group_codes['practices']} practices in all" in caption

    page.get_by_role("link", name=re.compile("Use this group")).click()
    page.wait_for_url(re.compile(r"/\?group_name=Riverside\+hub&members="))
    page.get_by_role("heading", level=1, name=re.compile("Riverside hub")).wait_for()
    settle(page)
    # the filter bar shows the group, and clearing it there leaves no group in the address
    assert page.locator("#filter-group option:checked").inner_text() == "Riverside hub (your group)"
    page.select_option("#filter-group", "any")
    page.wait_for_function("() => !window.location.search.includes('members=')")
    assert [str(message) for message in console_messages] == []
