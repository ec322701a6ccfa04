"""Benchmark of the API (issue 17) at England scale: `python -m bench.api`.

Times, in this process through Flask's test client (the server's own code path, without the network), on
the warehouse in JOINTCARE_DB, else the one `make bench` leaves in bench/out/<scale>/warehouse.duckdb, for
the council served by the most practices and one of its practices:

* each endpoint with the shared cache off (JOINTCARE_QUERY_CACHE=0), so every call draws its page, beside
  drawing that page itself (its layout function, with the parts it draws after its first response,
  dashboard/components/later.py): an endpoint should cost no more than its page;
* the same endpoint again with the cache on (the tables of one selection drawn once per build), and a
  revalidation (If-None-Match: 304), each the median of RUNS;
* the list of endpoints (/api/v1/), once made (it draws every page for its examples, once per build), then
  again from the cache.

Prints a table of medians in milliseconds and the target: 150 ms server time for a repeated call.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import duckdb

RUNS_COLD, RUNS = 3, 10
TARGET_MS = 150.0


def _median_ms(run, runs: int) -> float:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds) * 1000


def main() -> None:
    if not os.environ.get("JOINTCARE_DB"):
        from bench.catchment import DB
        from bench.dashboard import ensure_warehouse

        ensure_warehouse()
        os.environ["JOINTCARE_DB"] = str(DB)
    db = Path(os.environ["JOINTCARE_DB"])
    con = duckdb.connect(str(db), read_only=True)
    council, practice = con.execute(
        "select home_council_code, min(practice_code) from dim_practice where last_registration_quarter is not null "
        "group by 1 order by count(*) desc limit 1").fetchone()
    con.close()
    # imported after the settings above: the dashboard reads them on first use
    import dash

    from dashboard.app import server
    from dashboard.components import later

    client = server.test_client()
    client.get("/")  # Dash finishes setting itself up on its first request
    layouts = {page.get("path_template") or page["path"]: page["layout"] for page in dash.page_registry.values()}
    cases = [
        ("/pooled-budget", {}, "pooled-budget/flows"),
        ("/catchment", {}, "catchment/boundary"),
        ("/joint-working", {}, "joint-working/league"),
        ("/outcomes", {}, "outcomes/funnel-table"),
        ("/downloads", {}, "downloads/practices"),
        ("/practice/<code>", {"code": practice}, f"practice/{practice}/lsoas"),
    ]
    print(f"API at {db.parent.name} scale, council {council}, practice {practice}: medians in ms")
    print(f"{'endpoint':36} {'page':>8} {'API cold':>9} {'API again':>10} {'304':>6}")
    for page_path, variables, address in cases:
        query = {} if variables else {"council": council}
        url = f"/api/v1/{address}.json" + (f"?council={council}" if query else "")
        os.environ["JOINTCARE_QUERY_CACHE"] = "0"
        # the whole page: its first response and every part the browser then asks for
        page_ms = _median_ms(lambda: later.expand(layouts[page_path](**variables, **query)), RUNS_COLD)
        cold_ms = _median_ms(lambda: client.get(url), RUNS_COLD)
        os.environ.pop("JOINTCARE_QUERY_CACHE")
        first = client.get(url)
        assert first.status_code == 200, (url, first.get_data(as_text=True)[:200])
        again_ms = _median_ms(lambda: client.get(url), RUNS)
        etag = first.headers["ETag"]
        revalidate_ms = _median_ms(lambda: client.get(url, headers={"If-None-Match": etag}), RUNS)
        print(f"{address:36} {page_ms:8.0f} {cold_ms:9.0f} {again_ms:10.1f} {revalidate_ms:6.1f}")
    started = time.perf_counter()
    assert client.get("/api/v1/").status_code == 200
    made_s = time.perf_counter() - started
    print(f"/api/v1/ (every endpoint): made in {made_s:.1f} s once per build, then "
          f"{_median_ms(lambda: client.get('/api/v1/'), RUNS):.0f} ms")
    print(f"target: a repeated call within {TARGET_MS:.0f} ms; a cold call no slower than drawing its page")


if __name__ == "__main__":
    main()
