"""A rebuild under a running server gives every API answer a new ETag and Last-Modified, so a client polling
with If-None-Match gets 304 until the build changes and the new rows the first time after."""

from __future__ import annotations

import email.utils
import time

import requests

from etl.build import build
from tests.conftest import Server, build_tiny_warehouse
from tests.factory import write_tiny_area

ADDRESS = "/api/v1/data-and-methods/tables.json"


def test_a_rebuild_changes_the_etag_and_the_date(tmp_path):
    db = build_tiny_warehouse(tmp_path / "served")
    server = Server(db)
    try:
        before = requests.get(server.url + ADDRESS, timeout=60)
        etag = before.headers["ETag"]
        assert requests.get(server.url + ADDRESS, headers={"If-None-Match": etag}, timeout=60).status_code == 304
        raw = write_tiny_area(tmp_path / "raw-again")
        (raw / "nhs" / "2024-04" / "gp-reg-pat-prac-lsoa-all.csv").unlink()  # fct_registrations: 13 rows -> 12
        time.sleep(1.1)  # Last-Modified is to the second
        build(raw, db, echo=lambda _: None)
        deadline = time.monotonic() + 60
        while True:  # a worker serves the new file once it has warmed it (dashboard/db.py)
            after = requests.get(server.url + ADDRESS, headers={"If-None-Match": etag}, timeout=60)
            if after.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert after.status_code == 200 and after.headers["ETag"] != etag
        assert email.utils.parsedate_to_datetime(after.headers["Last-Modified"]) > \
            email.utils.parsedate_to_datetime(before.headers["Last-Modified"])
        counts = {row["table_name"]: row["row_count"] for row in after.json()["rows"] if "table_name" in row}
        assert counts.get("fct_registrations") == 12, counts
    finally:
        server.stop()
