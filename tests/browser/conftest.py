"""Browser tests drive Debian's chromium (installed by `make test`); nothing downloads a browser."""

from __future__ import annotations

import shutil

import pytest

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is not installed; `make test` installs it (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": chromium, "args": ARGS}


@pytest.fixture
def console_messages(page):
    """Everything the page logs; tests assert it stays empty of errors and warnings."""
    messages = []
    page.on("console", lambda message: messages.append(message) if message.type in {"error", "warning"} else None)
    page.on("pageerror", lambda error: messages.append(error))
    return messages


def wait_until_drawn(page) -> None:
    """Wait for Dash to finish drawing the page: the heading, no pending callbacks, every part drawn after the
    first response (dashboard/components/later.py) and every chart."""
    page.wait_for_selector("main h1")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"], .later-loading')")
    for graph in page.locator(".js-plotly-plot").all():
        graph.locator(".main-svg").first.wait_for()
