"""Nothing on any page sends data off the machine: the chart toolbar and the requests a user's clicks make.

The toolbar is checked against ALLOWED_BUTTONS in dashboard.components.figures, the list the app builds
every chart's toolbar from, so a button plotly adds in a new release (plotly 7's "Share chart...", which
uploads the chart and its data to Plotly Cloud) fails here by its plotly name. A button's element is
mapped to its name through plotly's own modebar object (gd._fullLayout._modeBar: `buttons` holds the
configs, `buttonElements` the elements, in the same order); any .modebar-btn not in that list (plotly's
logo link, say) has no name and fails too. The titles are only for the failure message: they change with
the locale, the names do not.

The second test acts as a user would (hover the charts, press every toolbar button, open the Download
menu and every "Show the data as a table") and records every request the browser makes. To keep it
within a few seconds a page it presses the buttons of at most MAX_CHARTS charts a page; every chart's
toolbar is still listed by the first test.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from dashboard.components.figures import ALLOWED_BUTTONS
from tests.browser.test_pages import PAGES, demo_codes, settle  # noqa: F401 (demo_codes is a fixture)

pytestmark = pytest.mark.browser

MAX_CHARTS = 3
LOCAL_SCHEMES = {"data", "blob", "about"}

# For each chart: its id, the image's file name, and each toolbar button as {name, title} (name null when
# the element is not one of the modebar's configured buttons).
TOOLBARS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
    const modebar = gd._fullLayout && gd._fullLayout._modeBar;
    const names = modebar
        ? modebar.buttons.flat().map(button => typeof button === 'string' ? button : button.name) : [];
    const elements = modebar ? modebar.buttonElements : [];
    const graph = gd.closest('[id]');
    return {
        id: graph ? graph.id : '',
        filename: ((gd._context || {}).toImageButtonOptions || {}).filename || null,
        buttons: [...gd.querySelectorAll('.modebar-btn')].map(element => ({
            name: elements.indexOf(element) >= 0 ? names[elements.indexOf(element)] : null,
            title: element.getAttribute('data-title'),
        })),
    };
})"""


def toolbars(page) -> list[dict]:
    return page.evaluate(TOOLBARS)


@pytest.mark.parametrize("name", list(PAGES))
def test_every_chart_toolbar_has_only_allowed_buttons_and_a_named_image(page, demo_server, demo_codes, name):
    page.goto(demo_server.url + PAGES[name].format(**demo_codes))
    settle(page)
    charts = toolbars(page)
    unknown = [(chart["id"], button["name"], button["title"])
               for chart in charts for button in chart["buttons"] if button["name"] not in ALLOWED_BUTTONS]
    assert unknown == [], f"{name}: toolbar buttons not in figures.ALLOWED_BUTTONS"
    for chart in charts:
        assert chart["buttons"], f"{name}: chart {chart['id']} has no toolbar"
        # plotly's default name, newplot.png, says nothing about what or whose the chart is
        assert chart["filename"] not in {None, "", "newplot"}, f"{name}: chart {chart['id']} saves as newplot.png"


def test_no_request_leaves_the_machine_while_a_user_explores(page, demo_server, demo_codes):
    requests = []
    page.context.on("request", lambda request: requests.append((page.url, request.url)))
    for name, path in PAGES.items():
        page.goto(demo_server.url + path.format(**demo_codes))
        settle(page)
        charts = [(index, chart) for index, chart in enumerate(toolbars(page)) if chart["buttons"]][:MAX_CHARTS]
        for index, chart in charts:
            graph = page.locator(".js-plotly-plot").nth(index)
            graph.scroll_into_view_if_needed()
            for button in chart["buttons"]:
                element = graph.locator(f".modebar-btn[data-title='{button['title']}']")
                graph.hover(position={"x": 10, "y": 10})  # the toolbar shows while the pointer is over the chart
                if button["name"] == "toImage":
                    with page.expect_download() as download:
                        element.click()
                    suggested = download.value.suggested_filename
                    assert suggested.endswith(".png") and suggested != "newplot.png", (name, chart["id"], suggested)
                else:
                    element.click()
        menu = page.locator("#download-menu").get_by_role("button", name="Download")
        menu.click()
        page.locator("#download-menu .dropdown-menu.show").wait_for()
        page.keyboard.press("Escape")
        for summary in page.locator("details > summary").all():
            summary.scroll_into_view_if_needed()
            summary.click()
        page.wait_for_load_state("networkidle")
    away = [(at, url) for at, url in requests
            if urlsplit(url).scheme not in LOCAL_SCHEMES and urlsplit(url).hostname != "127.0.0.1"]
    assert away == [], "requests off the machine (page, url)"
    assert len(requests) > len(PAGES)  # the recorder saw the pages' own requests
