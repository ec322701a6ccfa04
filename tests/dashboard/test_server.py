"""The dashboard served for real: gunicorn through `jointcare serve`, read over HTTP."""

from __future__ import annotations

import json
import time

import requests

from etl.build import build
from tests.factory import write_tiny_area


def layout_text(server) -> str:
    response = requests.get(f"{server.url}/_dash-layout", timeout=10)
    assert response.status_code == 200
    return json.dumps(response.json())


def test_home_page_served_with_local_assets_only(server):
    page = requests.get(server.url, timeout=10)
    assert page.status_code == 200
    assert "<title>jointcare</title>" in page.text
    # Offline by design: every script and stylesheet is served by this server.
    assert "https://" not in page.text.split("<body>")[0] and "cdn" not in page.text.lower()
    assert requests.get(f"{server.url}/assets/style.css", timeout=10).status_code == 200


def test_layout_lists_tables_with_row_counts(server):
    text = layout_text(server)
    for table in ("mart_catchment_practice", "dim_practice", "fct_registrations", "dq_rejected_rows"):
        assert table in text
    # fct_registrations of the tiny area: 11 rows in January 2023 (E01000099 becomes 2 rows) + 1 in April 2024.
    assert '"13"' in text


def test_rebuilt_warehouse_served_without_restart(server, served_warehouse, tmp_path):
    before = layout_text(server)
    time.sleep(1.1)  # built_at has one-second resolution
    raw = write_tiny_area(tmp_path / "raw")
    (raw / "nhs" / "2024-04" / "gp-reg-pat-prac-lsoa-all.csv").unlink()
    build(raw, served_warehouse, echo=lambda _: None)
    after = layout_text(server)
    assert after != before
    assert '"12"' in after  # fct_registrations without the April 2024 release
    for _ in range(6):  # every worker has switched, none fails
        assert requests.get(f"{server.url}/_dash-layout", timeout=10).status_code == 200
