"""The statistics on the pages, in a real browser (Debian's chromium) against gunicorn on the demo area.

Outcomes and Joint working must draw their SPC chart (with its variation icon) and their funnel plot,
the Impact panel must read as sentences with its method link, and each page must keep a clean console
and pass axe-core with no serious or critical violation. Screenshots go to tests/browser/screenshots/.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import wait_until_drawn

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).with_name("screenshots")


@pytest.fixture(scope="module")
def demo_practice(demo_warehouse) -> str:
    """A demo practice that joined joint working (the codes are fictional)."""
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    code = con.execute("select min(practice_code) from mart_joint_working_index "
                       "where has_attached_social_worker").fetchone()[0]
    con.close()
    return code


def settled(page, url: str) -> None:
    """Open url and wait until Dash has drawn every chart."""
    page.goto(url)
    wait_until_drawn(page)


def serious_axe_violations(page) -> list:
    results = Axe().run(page)
    return [(violation["id"], violation["impact"], violation["help"], len(violation["nodes"]))
            for violation in results.response["violations"] if violation["impact"] in {"serious", "critical"}]


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_icon_loaded(page, card_id: str) -> None:
    """The card's variation icon is an SVG from assets/spc/ that the browser actually loaded."""
    icon = page.locator(f"section:has(#{card_id}) .spc-variation img")
    assert icon.count() == 1
    assert "/assets/spc/variation-" in icon.get_attribute("src")
    assert icon.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator(f"section:has(#{card_id}) .spc-variation-label").inner_text().strip()


def test_outcomes_draws_spc_and_funnel(page, demo_server, demo_practice, console_messages):
    settled(page, f"{demo_server.url}/outcomes?practice={demo_practice}&measure=emergency_admissions&period=2024-25")
    for graph in ("outcomes-spc", "outcomes-funnel"):
        assert page.locator(f"#{graph} .main-svg").count() >= 1
    # SPC: the points carry their type in shape, and the limits are in the legend
    legend = page.locator("#outcomes-spc .legend").text_content()
    assert "Process limits" in legend and "Common cause" in legend
    assert_icon_loaded(page, "outcomes-spc")
    # funnel: the selected practice is ringed and named in the legend
    assert "Selected practice" in page.locator("#outcomes-funnel .legend").text_content()
    shoot(page, "statistics-outcomes")
    assert serious_axe_violations(page) == []
    assert [str(message) for message in console_messages] == []


def test_joint_working_draws_impact_spc_and_funnel(page, demo_server, console_messages):
    settled(page, f"{demo_server.url}/joint-working?period=2024-25")
    for graph in ("joint-working-spc", "joint-working-funnel", "joint-working-pretrends"):
        assert page.locator(f"#{graph} .main-svg").count() >= 1
    assert_icon_loaded(page, "joint-working-spc")
    sentences = page.locator("#joint-working-impact-sentences li").all_inner_texts()
    assert sentences and all(text.startswith("Practices with an attached social worker saw") for text in sentences)
    assert page.get_by_role("link", name="How this was worked out").get_attribute("href") == \
        "/data-and-methods#impact-method"
    shoot(page, "statistics-joint-working")
    assert serious_axe_violations(page) == []
    assert [str(message) for message in console_messages] == []


def test_method_link_lands_on_the_impact_method(page, demo_server, console_messages):
    settled(page, f"{demo_server.url}/")
    page.get_by_role("link", name="How this was worked out").click()
    page.wait_for_url("**/data-and-methods#impact-method")
    assert page.locator("#impact-method").inner_text() == "Impact of joint working"
    # it lands on the method, not thousands of pixels above it once the grids above have drawn: within a few
    # seconds the heading is in view near the top, and it stays there
    page.wait_for_function("() => { const top = document.getElementById('impact-method').getBoundingClientRect()"
                           ".top; return top >= -5 && top <= 200; }", timeout=15000)
    page.wait_for_timeout(1500)
    top = page.locator("#impact-method").evaluate("element => element.getBoundingClientRect().top")
    assert -5 <= top <= 200, top
    assert "Parallel trends" in page.locator("main").inner_text()
    assert serious_axe_violations(page) == []
    assert [str(message) for message in console_messages] == []
