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
    after = render(server, "/data-and-methods")
    assert after != before
    assert '"row_count": 12' in after  # fct_registrations without the April 2024 release
    for _ in range(6):  # every worker has switched, none fails
        assert "fct_registrations" in render(server, "/data-and-methods")


def test_an_unknown_page_is_a_friendly_404(server):
    assert "Page not found" in render(server, "/no-such-page")
