"""The one cache across servers (issue 15, item 5): Debian's redis-server and two real `jointcare serve`
gunicorns on different ports over one warehouse file, as several machines would share one Redis and
one read-only warehouse. A view computed by one server is served from the cache by the other, and a
rebuild's atomic swap invalidates both. Also: a Redis that is down costs a page nothing but the cache,
and nothing read from Redis is unpickled.
"""

from __future__ import annotations

import logging
import pickle
import shutil
import subprocess
import time

import pytest
import requests

from dashboard import cache
from dashboard.components import later
from dashboard.warm import router_request
from etl.build import build
from tests.conftest import Server, build_tiny_warehouse, free_port
from tests.factory import write_tiny_area

# The Dash Pages router callback for Data and methods: its answer lists every table with its row count.
# Data and methods for Unitown: a view no worker renders while warming (dashboard/warm.py renders each
# page's first view, with no filters, and with the cache on that fills it), so its first answer is computed.
DATA_AND_METHODS = router_request("/data-and-methods", "?council=E06000901")


@pytest.fixture
def redis_url(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("Debian's redis-server is not installed (`make .venv/.installed-test` installs it)")
    import redis

    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("redis-server did not start within 10 s") from None
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def _ask(server: Server) -> requests.Response:
    response = requests.post(f"{server.url}/_dash-update-component", json=DATA_AND_METHODS, timeout=30)
    assert response.status_code == 200, response.text[:300]
    return response


def _rows_of_registrations(response: requests.Response) -> int:
    """fct_registrations' row count as the page lists it."""
    text = response.text.replace(" ", "")
    start = text.index('"fct_registrations"')
    return int(text[text.index('"row_count":', start) + len('"row_count":'):].split(",")[0].split("}")[0])


def _first_answer_of_the_new_build(server: Server, seconds: float = 60) -> requests.Response:
    """The first answer without the April 2024 release (12 rows), within a minute of the rebuild."""
    deadline = time.monotonic() + seconds
    while True:
        response = _ask(server)
        if _rows_of_registrations(response) == 12 or time.monotonic() > deadline:
            assert _rows_of_registrations(response) == 12, "the rebuilt warehouse was not served within a minute"
            return response
        time.sleep(0.2)


def test_a_view_computed_by_one_server_is_served_by_the_other_until_a_swap(redis_url, tmp_path):
    import redis

    db = build_tiny_warehouse(tmp_path / "shared")
    first, second = Server(db, JOINTCARE_REDIS_URL=redis_url), Server(db, JOINTCARE_REDIS_URL=redis_url)
    try:
        computed = _ask(first)
        assert computed.headers["X-Jointcare-Cache"] == "miss"
        # 11 rows in January 2023 (E01000099 becomes 2 rows) + 1 in April 2024, as test_server.py counts them
        assert _rows_of_registrations(computed) == 13
        from_cache = _ask(second)
        assert from_cache.headers["X-Jointcare-Cache"] == "hit"
        assert from_cache.content == computed.content
        assert redis.Redis.from_url(redis_url).keys("jointcare:*:callback:*")  # kept in Redis, not in a worker

        # The rebuild's atomic swap, as `jointcare build` does it under running servers: without the April
        # 2024 release, fct_registrations has 12 rows.
        raw = write_tiny_area(tmp_path / "raw-again")
        (raw / "nhs" / "2024-04" / "gp-reg-pat-prac-lsoa-all.csv").unlink()
        build(raw, db, echo=lambda _: None)
        # a worker serves the new file once it has warmed it (dashboard/db.py), the old one meanwhile
        after = _first_answer_of_the_new_build(second)
        assert after.headers["X-Jointcare-Cache"] == "miss"  # the old build's answer is not served for it
        assert _rows_of_registrations(_first_answer_of_the_new_build(first)) == 12  # nor by the one that computed it
    finally:
        first.stop()
        second.stop()


def test_a_redis_that_is_down_costs_only_the_cache(monkeypatch, caplog, dashboard_db):
    from dashboard.db import run_query

    monkeypatch.setenv("JOINTCARE_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    monkeypatch.setattr(cache, "_state", {"backend": None, "pid": None, "down_until": 0.0})
    with caplog.at_level(logging.WARNING, logger="jointcare.cache"):
        for _ in range(3):
            # the tiny area's warehouse was built from one raw folder named "raw"
            assert run_query("home__build")["raw_folder"].tolist() == ["raw"]
    assert [record.message.split(":")[0] for record in caplog.records] == [
        "cache unavailable, computing every answer for now"]


def test_nothing_read_from_redis_is_unpickled(redis_url, monkeypatch):
    import redis

    monkeypatch.setenv("JOINTCARE_REDIS_URL", redis_url)
    monkeypatch.setattr(cache, "_state", {"backend": None, "pid": None, "down_until": 0.0})
    # cachelib's own Redis format: "!" and a pickle, which its default serializer would load
    planted = b"!" + pickle.dumps({"would": "run"})
    redis.Redis.from_url(redis_url).set("planted", planted)
    assert cache.get("planted") == planted
    with pytest.raises(TypeError):
        cache.put("a frame", {"not": "bytes"})


def test_keys_change_with_the_build_and_not_with_the_order_of_inputs():
    one = cache.key("build-1", "callback", {"inputs": [1, 2], "output": "x"})
    assert one == cache.key("build-1", "callback", {"output": "x", "inputs": [1, 2]})
    assert one != cache.key("build-2", "callback", {"inputs": [1, 2], "output": "x"})
    assert one != cache.key("build-1", "callback", {"inputs": [2, 1], "output": "x"})
    assert one.startswith(f"jointcare:{cache.CODE}:build-1:callback:")


def test_each_worker_has_rendered_every_page_before_its_first_request(tmp_path):
    # dashboard/warm.py, run by gunicorn.conf.py post_worker_init: with the cache on (each worker's own
    # here), a page's first view is already in the worker that answers, whichever of the two it is.
    db = build_tiny_warehouse(tmp_path / "warm")
    served = Server(db)
    try:
        for page in ("/", "/outcomes", "/joint-working", "/catchment", "/pooled-budget", "/data-and-methods"):
            for _ in range(2):  # two requests, to give both workers a turn
                response = requests.post(f"{served.url}/_dash-update-component", json=router_request(page),
                                         timeout=30)
                assert response.status_code == 200
                assert response.headers["X-Jointcare-Cache"] == "hit", page
                # and the parts it draws after its first response (components/later.py), as the browser asks
                for page_id, part, state in later.states_in_response(response.json()):
                    drawn = requests.post(f"{served.url}/_dash-update-component",
                                          json=later.request(page_id, part, state), timeout=30)
                    assert drawn.status_code == 200
                    assert drawn.headers["X-Jointcare-Cache"] == "hit", (page, part)
    finally:
        served.stop()
