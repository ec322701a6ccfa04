"""Every page in a real browser (Debian's chromium) against gunicorn serving the demo warehouse.

Each page must render its heading and charts with a clean console, pass axe-core with no serious or
critical violation, and leave a screenshot in tests/browser/screenshots/ for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import wait_until_drawn

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).with_name("screenshots")
PAGES = {
    "overview": "/",
    "catchment": "/catchment",
    "pooled-budget": "/pooled-budget",
    "joint-working": "/joint-working",
    "outcomes": "/outcomes",
    "changes": "/changes",
    "downloads": "/downloads",
    "data-and-methods": "/data-and-methods",
    "practice": "/practice/{practice}",
    "api": "/api",
    "groups": "/groups?group_name=Test%20hub&members=P:{practice}",
}


@pytest.fixture(scope="module")
def demo_codes(demo_warehouse):
    """A practice and a council of the demo area, read from its warehouse (the codes are fictional)."""
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    practice, council, council_name = con.execute(
        "select practice_code, home_council_code, home_council_name from dim_practice "
        "where last_registration_quarter is not null order by practice_code limit 1").fetchone()
    con.close()
    return {"practice": practice, "council": council, "council_name": council_name}


settle = wait_until_drawn


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders_with_a_clean_console_and_passes_axe(page, demo_server, demo_codes, console_messages,
                                                                name):
    path = PAGES[name].format(**demo_codes)
    page.goto(demo_server.url + path)
    settle(page)
    assert page.locator("main h1").count() == 1
    assert "Something went wrong" not in page.locator("body").inner_text()
    shoot(page, name)
    results = Axe().run(page)
    serious = [(violation["id"], violation["impact"], violation["help"], len(violation["nodes"]))
               for violation in results.response["violations"] if violation["impact"] in {"serious", "critical"}]
    assert serious == []
    assert [str(message) for message in console_messages] == []


def test_choosing_a_council_updates_the_url_and_the_charts(page, demo_server, demo_codes, console_messages):
    page.goto(demo_server.url + "/")
    settle(page)
    before = page.locator("#overview-trends").inner_html()
    page.get_by_label("Council", exact=True).select_option(demo_codes["council"])
    page.wait_for_url(re.compile(rf"council={demo_codes['council']}"))
    page.get_by_role("heading", level=1, name=re.compile(demo_codes["council_name"])).wait_for()
    settle(page)
    assert page.locator("#overview-trends").inner_html() != before
    # Back returns to the whole area, forward to the council again.
    page.go_back()
    page.get_by_role("heading", level=1, name=re.compile("the whole area")).wait_for()
    page.go_forward()
    page.get_by_role("heading", level=1, name=re.compile(demo_codes["council_name"])).wait_for()
    assert [str(message) for message in console_messages] == []


def test_a_pasted_url_reproduces_the_view(page, demo_server, demo_codes, console_messages):
    page.goto(f"{demo_server.url}/outcomes?council={demo_codes['council']}&period=2023-24")
    settle(page)
    assert page.get_by_label("Council", exact=True).input_value() == demo_codes["council"]
    assert page.get_by_label("Financial year").input_value() == "2023-24"
    assert "2023-24" in page.locator("main h1").inner_text() or "2023-24" in page.locator("main").inner_text()
    shoot(page, "outcomes-from-url")
    assert [str(message) for message in console_messages] == []


def test_a_measure_chosen_on_the_page_is_in_the_address_and_survives_a_reload(page, demo_server, demo_codes,
                                                                              console_messages):
    # Outcomes and the practice profile: choosing a measure with the keyboard writes ?measure= (the filters
    # stay), the chart follows, focus stays on the chooser, and a reload shows the same measure.
    for path, chooser, chart_title in (
            (f"/outcomes?council={demo_codes['council']}&period=2023-24", "#outcomes-measure", "#outcomes-trend-title"),
            (f"/practice/{demo_codes['practice']}?period=2023-24", "#practice-measure",
             "#practice-outcome-chart-title")):
        page.goto(demo_server.url + path)
        settle(page)
        select = page.locator(chooser)
        before = select.input_value()
        select.focus()
        page.keyboard.press("ArrowDown")
        page.wait_for_url(re.compile(r"measure="))
        settle(page)
        chosen = page.locator(chooser).input_value()
        assert chosen != before and f"measure={chosen}" in page.url and "period=2023-24" in page.url
        # the page is drawn again for the measure: its chart's title starts with the measure's name
        name = page.locator(f"{chooser} option:checked").inner_text().split(" (")[0]
        page.wait_for_function("([title, name]) => { const t = document.querySelector(title); "
                               "return t && t.innerText.startsWith(name); }", arg=[chart_title, name])
        assert page.evaluate("document.activeElement.id") == chooser[1:]
        title = page.locator(chart_title).inner_text()
        page.reload()
        settle(page)
        assert page.locator(chooser).input_value() == chosen and page.locator(chart_title).inner_text() == title
    assert [str(message) for message in console_messages] == []


def test_a_table_s_sort_is_in_the_address_and_survives_a_reload(page, demo_server, console_messages):
    # Joint working's league table sorted by PCN (a click on its header): the address says so, and after a
    # reload the table is sorted the same way; clicking twice more (descending, then none) is followed too
    page.goto(demo_server.url + "/joint-working?period=2024-25")
    settle(page)
    grid_id = '{"grid":"joint-working-league","type":"data-grid"}'
    header = page.locator('[id*="joint-working-league"] .ag-header-cell', has_text="PCN").first
    header.locator(".ag-header-cell-label").click()
    page.wait_for_url(re.compile(r"sort=joint-working-league\.pcn\.asc"))
    assert "period=2024-25" in page.url
    page.reload()
    settle(page)
    page.wait_for_function(f"() => window.dash_ag_grid.getApi('{grid_id}').getColumnState()"
                           ".some(c => c.colId === 'pcn' && c.sort === 'asc')")
    pcns = page.evaluate(f"() => {{ const api = window.dash_ag_grid.getApi('{grid_id}'); const out = []; "
                         "api.forEachNodeAfterFilterAndSort(node => out.push(node.data.pcn)); return out; }")
    assert pcns == sorted(pcns)
    header = page.locator('[id*="joint-working-league"] .ag-header-cell', has_text="PCN").first
    header.locator(".ag-header-cell-label").click()
    page.wait_for_url(re.compile(r"sort=joint-working-league\.pcn\.desc"))
    header.locator(".ag-header-cell-label").click()
    page.wait_for_function("() => !window.location.search.includes('sort=')")
    assert [str(message) for message in console_messages] == []


def test_unknown_filter_values_get_a_friendly_note(page, demo_server, console_messages):
    page.goto(demo_server.url + "/catchment?council=NOPE&period=1999-00")
    settle(page)
    notes = page.locator("#filter-notes").inner_text()
    assert "No council has the code 'NOPE'" in notes
    assert "There are no data for 1999-00" in notes
    assert "council=" not in page.url
    assert [str(message) for message in console_messages] == []


def test_practice_profile_known_and_unknown(page, demo_server, demo_codes, console_messages):
    page.goto(f"{demo_server.url}/practice/{demo_codes['practice'].lower()}")
    settle(page)
    assert page.locator("main h1").inner_text().strip()  # the practice's name
    assert demo_codes["practice"] in page.locator("main").inner_text()
    page.goto(demo_server.url + "/practice/ZZZ999")
    settle(page)
    assert "No practice has the code ZZZ999" in page.locator("main").inner_text()
    shoot(page, "practice-unknown")
    assert [str(message) for message in console_messages] == []
    page.goto(demo_server.url + "/no-such-page")
    settle(page)
    assert page.locator("main h1").inner_text() == "Page not found"
    # the address itself answers 404 (the browser says so in its console), and nothing else fails
    assert [str(message) for message in console_messages] == [
        "Failed to load resource: the server responded with a status of 404 (NOT FOUND)"]


def test_a_table_exports_its_visible_rows_as_csv(page, demo_server, console_messages, tmp_path):
    page.goto(demo_server.url + "/")
    settle(page)
    page.get_by_text("Show the data as a table").first.click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download these rows (CSV)").first.click()
    path = tmp_path / "rows.csv"
    download_info.value.save_as(path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith('"Measure","Month","Rate"')
    assert len(lines) > 10
    # A hostile name put into the same grid comes out as inert text; negative numbers stay numbers.
    page.evaluate("""() => dash_ag_grid.getApi('{"grid":"overview-trends","type":"data-grid"}').applyTransaction(
        {add: [{name: '=HYPERLINK("http://x","y")', month: '-2', rate: -1.5}], addIndex: 0})""")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download these rows (CSV)").first.click()
    download_info.value.save_as(path)
    first_row = path.read_text(encoding="utf-8-sig").splitlines()[1]
    assert first_row.startswith('"\'=HYPERLINK(""http://x"",""y"")","\'-2","-1.5"')
    assert [str(message) for message in console_messages] == []


def test_a_percentage_column_exports_in_per_cent_under_a_header_that_says_so(page, demo_server, demo_codes,
                                                                             tmp_path):
    # The practice's age bands: "Share of the list" is shown as 14.5% and held as 0.145. Its CSV must not
    # put 0.145 under a header that reads as a percentage: it writes 14.5 under "Share of the list (%)".
    import csv

    page.goto(f"{demo_server.url}/practice/{demo_codes['practice']}")
    settle(page)
    card = page.locator("section.chart-card", has=page.locator("#practice-age-chart"))
    card.get_by_text("Show the data as a table").click()
    with page.expect_download() as download_info:
        card.get_by_role("button", name="Download these rows (CSV)").click()
    path = tmp_path / "age.csv"
    download_info.value.save_as(path)
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert "Share of the list (%)" in rows[0]
    shares = [float(row["Share of the list (%)"]) for row in rows if row["Share of the list (%)"] not in ("<5", "[c]")]
    patients = [float(row["Patients"]) for row in rows if row["Patients"] not in ("<5", "[c]")]
    # each band's share is its patients over the list; the bands' shares add up to about 100 (a fraction
    # would add up to about 1), less any band hidden as a small number
    assert max(shares) > 1 and 90 < sum(shares) <= 100.0001
    assert len(shares) == len(patients)


def test_practice_names_and_codes_link_to_profiles(page, demo_server, console_messages):
    page.goto(demo_server.url + "/joint-working?period=2023-24")
    settle(page)
    page.get_by_text("Show the data as a table").first.wait_for()
    link = page.locator(".data-grid a[href^='/practice/']").first
    link.wait_for()
    code = link.inner_text()
    assert link.get_attribute("href") == f"/practice/{code}?period=2023-24"
    page.goto(demo_server.url + "/catchment")
    settle(page)
    boundary = page.locator(".data-grid a[href^='/practice/']").first
    boundary.wait_for()
    name = boundary.inner_text()
    boundary.click()
    page.get_by_role("heading", level=1, name=name).wait_for()
    assert [str(message) for message in console_messages] == []
