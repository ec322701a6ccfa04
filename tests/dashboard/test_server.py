"""The dashboard served for real: gunicorn through `jointcare serve`, read over HTTP."""

from __future__ import annotations

import json
import time

import requests

from dashboard.warm import router_request
from etl.build import build
from tests.factory import write_tiny_area


def render(server, pathname: str, search: str = "") -> str:
    """The page's content as the browser gets it: the Dash Pages router callback, as JSON text."""
    payload = router_request(pathname, search)
    response = requests.post(f"{server.url}/_dash-update-component", json=payload, timeout=30)
    assert response.status_code == 200, response.text[:500]
    return json.dumps(response.json())


def test_pages_served_with_local_assets_only(server):
    page = requests.get(server.url, timeout=10)
    assert page.status_code == 200
    assert "<title>jointcare</title>" in page.text and '<html lang="en-GB">' in page.text
    # Offline by design: every script and stylesheet is served by this server.
    head = page.text.split("<body>")[0]
    assert "https://" not in head and "cdn" not in page.text.lower()
    for asset in ("style.css", "bootstrap.min.css"):
        response = requests.get(f"{server.url}/assets/{asset}", timeout=10)
        assert response.status_code == 200 and "@import" not in response.text and "url(http" not in response.text


def test_data_and_methods_lists_tables_with_row_counts(server):
    text = render(server, "/data-and-methods")
    for table in ("mart_catchment_practice", "dim_practice", "fct_registrations", "dq_rejected_rows"):
        assert table in text
    # fct_registrations of the tiny area: 11 rows in January 2023 (E01000099 becomes 2 rows) + 1 in April 2024.
    assert '"row_count": 13' in text.replace('"row_count":13', '"row_count": 13')


def test_rebuilt_warehouse_served_without_restart(server, served_warehouse, tmp_path):
    before = render(server, "/data-and-methods")
    time.sleep(1.1)  # built_at has one-second resolution
    raw = write_tiny_area(tmp_path / "raw")
    (raw / "nhs" / "2024-04" / "gp-reg-pat-prac-lsoa-all.csv").unlink()
    build(raw, served_warehouse, echo=lambda _: None)
    # Each worker warms the new file before serving it (dashboard/db.py), answering from the old one
    # meanwhile: every answer is one whole build's, and within a minute every answer is the new one's.
    deadline, after = time.monotonic() + 60, before
    while after == before and time.monotonic() < deadline:
        time.sleep(0.2)
        after = render(server, "/data-and-methods")
    assert after != before
    assert '"row_count": 12' in after  # fct_registrations without the April 2024 release
    for _ in range(6):  # every worker has switched, none fails (the other may still be warming: at most old)
        assert '"row_count": 12' in served_soon(server, "/data-and-methods", '"row_count": 12')


def served_soon(server, pathname: str, expected: str, seconds: float = 60) -> str:
    """The page as served once `expected` is in it (a worker switches to a rebuilt file once warm)."""
    deadline = time.monotonic() + seconds
    while True:
        text = render(server, pathname)
        if expected in text or time.monotonic() > deadline:
            return text
        time.sleep(0.2)


def test_after_a_swap_each_worker_serves_the_new_build_warm(server, served_warehouse, tmp_path):
    # dashboard/db.py + warm.py: a worker renders the pages' first views against the rebuilt file before it
    # serves it, so the first answer from the new build is already in its cache ("hit"), never computed
    # while a user waits. Data and methods shows when the warehouse was built, which tells builds apart.
    before = render(server, "/data-and-methods")
    time.sleep(1.1)  # built_at has one-second resolution
    build(write_tiny_area(tmp_path / "raw"), served_warehouse, echo=lambda _: None)
    deadline, answers, now = time.monotonic() + 60, [], before
    while now == before and time.monotonic() < deadline:
        response = requests.post(f"{server.url}/_dash-update-component", json=router_request("/outcomes"), timeout=30)
        assert response.status_code == 200
        answers.append(response.headers.get("X-Jointcare-Cache"))
        now = render(server, "/data-and-methods")
        time.sleep(0.1)
    assert now != before, "no worker served the rebuilt warehouse within a minute"
    agreeing = 0
    while agreeing < 6 and time.monotonic() < deadline:  # six answers in a row from the new build: both switched
        agreeing = agreeing + 1 if render(server, "/data-and-methods") == now else 0
    assert agreeing == 6, "a worker still served the old build after a minute"
    for _ in range(4):  # the new build's first view was warmed before it was served, on both workers
        response = requests.post(f"{server.url}/_dash-update-component", json=router_request("/outcomes"), timeout=30)
        assert response.headers.get("X-Jointcare-Cache") == "hit"
    assert set(answers) == {"hit"}  # meanwhile the old build's warm answers: nobody waited on a cold page


def test_an_unknown_page_is_a_friendly_404(server):
    assert "Page not found" in render(server, "/no-such-page")
