"""Reflow (WCAG 2.2 AA 1.4.10) and what only a browser shows, on every page at 320 and 1440 CSS px.

At both widths each page must fit the window with no horizontal page scroll (a wide table or diagram may
scroll inside its own box, which does not widen the page), pass axe-core with no serious or critical
violation, and leave a full-page screenshot <page>-<width>.png in tests/browser/screenshots/ for a person
to look at. At 320 px the six filters fold behind one button that says what is chosen.

The practice profile's "65 and over" age bars are checked in pixels, not in the figure's JSON: the trace
existed all along, and it was the browser's drawing (white hatching on no fill) that made it invisible.
Reading pixels ties the test to the rendering, which is the point; the threshold is a share of a bar's
pixels, so anti-aliasing and the hatching's own white lines do not make it flaky.
"""

from __future__ import annotations

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image

from dashboard.filters import FILTER_KEYS
from tests.browser.test_pages import PAGES, demo_codes, settle, shoot  # noqa: F401 (demo_codes is a fixture)

pytestmark = pytest.mark.browser

WIDTHS = (320, 1440)
HEIGHT = 900

# The elements that stick out past the window's right edge, outermost first, and not inside a box that
# scrolls or clips on its own (those never widen the page): what a failure message needs to name.
OVERFLOWING = """() => {
    const limit = document.documentElement.clientWidth;
    const clipped = el => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            const x = getComputedStyle(p).overflowX;
            if (x !== 'visible') return true;
        }
        return false;
    };
    const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (typeof el.className === 'string' && el.className.trim()
           ? '.' + el.className.trim().split(/\\s+/).slice(0, 3).join('.') : '');
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.right <= limit + 0.5 || clipped(el)) continue;
        if (out.some(o => o.el.contains(el))) continue;
        out.push({el, text: describe(el) + ' right=' + Math.round(box.right + window.scrollX) + 'px'});
    }
    return out.slice(0, 8).map(o => o.text);
}"""


def serious_axe_violations(page) -> list:
    results = Axe().run(page)
    return [(violation["id"], violation["impact"], violation["help"],
             [node["target"] for node in violation["nodes"]][:5])
            for violation in results.response["violations"] if violation["impact"] in {"serious", "critical"}]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_reflows_without_horizontal_scroll_and_passes_axe(page, demo_server, demo_codes, name, width):
    page.set_viewport_size({"width": width, "height": HEIGHT})
    page.goto(demo_server.url + PAGES[name].format(**demo_codes))
    settle(page)
    shoot(page, f"{name}-{width}")
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll_width <= client_width, (
        f"{name} at {width} px scrolls sideways: the page is {scroll_width} px wide; "
        f"sticking out: {page.evaluate(OVERFLOWING)}")
    assert serious_axe_violations(page) == []
    toggle = page.locator("#filter-toggle")
    selects = [page.locator(f"#filter-{key}") for key in FILTER_KEYS]
    if width >= 1440:
        # a wide screen shows the filters at once, with no button in the way
        assert not toggle.is_visible()
        assert all(select.is_visible() for select in selects)
        return
    # At phone width the filters fold behind one button that says what is chosen (the year at least).
    assert toggle.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not any(select.is_visible() for select in selects)
    year = re.search(r"\d{4}-\d{2}", page.locator("#filter-period option:checked").inner_text()).group()
    assert year in toggle.inner_text()
    toggle.click()
    page.wait_for_function("() => document.querySelector('#filter-toggle').getAttribute('aria-expanded') === 'true'")
    for select in selects:
        select.wait_for(state="visible")
    # opened, the filters still fit the window
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"), (
        f"{name} at {width} px with the filters open: sticking out {page.evaluate(OVERFLOWING)}")
    toggle.click()
    page.wait_for_function("() => document.querySelector('#filter-toggle').getAttribute('aria-expanded') === 'false'")
    assert not page.locator("#filter-council").is_visible()


def coloured_share(image: Image.Image) -> float:
    """The share of an image's pixels that are neither white nor near-white (the page and grid lines)."""
    data = image.convert("RGB").tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3]))
    return sum(1 for pixel in pixels if min(pixel) < 220) / max(len(pixels), 1)


def test_practice_age_chart_draws_the_65_and_over_bars_with_a_visible_fill(page, demo_server, demo_codes):
    page.set_viewport_size({"width": 1440, "height": HEIGHT})
    page.goto(demo_server.url + PAGES["practice"].format(**demo_codes))
    settle(page)
    chart = page.locator("#practice-age-chart .js-plotly-plot")
    names = chart.evaluate("gd => gd.data.map(trace => trace.name)")
    assert "65 and over" in names
    index = names.index("65 and over")
    # plotly draws a bar trace as g.trace.bars in the plot area, one per trace in data order
    group = chart.locator(".barlayer g.trace.bars").nth(index)
    bars = group.locator("path")
    assert bars.count() >= 1
    # What the browser paints each bar with: a colour, or a pattern whose tile has a coloured background.
    fills = bars.evaluate_all("""paths => paths.map(path => {
        const fill = getComputedStyle(path).fill;
        const match = /url\\(["']?#([^"')]+)["']?\\)/.exec(fill);
        if (!match) return {fill, background: null};
        const rect = document.getElementById(match[1]) && document.getElementById(match[1]).querySelector('rect');
        const background = rect ? getComputedStyle(rect).fill : 'none';
        const opacity = rect ? Number(rect.getAttribute('fill-opacity') ?? 1) : 0;
        return {fill, background: opacity > 0 ? background : 'transparent'};
    })""")
    invisible = {"none", "transparent", "rgba(0, 0, 0, 0)", "rgb(255, 255, 255)", "white"}
    for fill in fills:
        assert fill["fill"] not in invisible, fills
        if fill["fill"].startswith("url("):
            assert fill["background"] not in invisible, f"the 65 and over bars' pattern has no colour under it: {fills}"
    # And in pixels: most of each bar's area is coloured (the hatching's white lines are a minority).
    shot = Image.open(io.BytesIO(group.screenshot()))
    origin = group.bounding_box()
    measured = 0
    for box in (bars.nth(i).bounding_box() for i in range(bars.count())):
        if box is None or box["width"] < 4 or box["height"] < 4:
            continue  # too small to judge (the oldest age band on a small list)
        left, top = box["x"] - origin["x"] + 1, box["y"] - origin["y"] + 1
        crop = shot.crop((int(left), int(top), int(left + box["width"] - 2), int(top + box["height"] - 2)))
        share = coloured_share(crop)
        assert share > 0.5, f"a 65 and over bar ({box}) is only {share:.0%} coloured"
        measured += 1
    assert measured >= 1
    # the legend's swatch for the trace is coloured too (it was blank)
    swatch = chart.locator(".legend .traces").nth(index).locator(".legendpoints path").first
    assert coloured_share(Image.open(io.BytesIO(swatch.screenshot()))) > 0.3
