"""Benchmark of the dashboard: server time of every callback and the size of every response.

Run by `make bench` after the build benchmark (which leaves the england-scale warehouse in
bench/out/<scale>/warehouse.duckdb); `python -m bench.dashboard` alone builds it if it is missing.

1. gunicorn serves the warehouse the way users get it (`jointcare serve`), with the query cache off
   (JOINTCARE_QUERY_CACHE=0), so every request does its queries: the numbers are for a cold selection.
2. Chromium walks a script of realistic filter changes on every page (whole area, a council, a locality,
   a sub-ICB, a PCN, a practice, another year) and records every callback request the page makes: the
   page's first response and each part it draws after it (dashboard/components/later.py), timed apart.
3. Each recorded request is replayed REPEATS times against the server; its time on loopback is the
   server time. Reported per callback: requests, median and p95 time, largest response; per page:
   the first response (HTML + layout + the page's first render).
Targets (issue 4): every callback p95 <= 150 ms; no callback response over 1.5 MB.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import duckdb
import requests

from bench import catchment
from bench.catchment import DB, SCALE
from dashboard.components import later

REPEATS = int(os.environ.get("BENCH_REPEATS", "3")) + 2
TARGET_P95_MS = 150
TARGET_BYTES = 1.5e6
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PAGES = ("/", "/catchment", "/pooled-budget", "/joint-working", "/outcomes", "/changes", "/data-and-methods",
         "/downloads")


def ensure_warehouse() -> None:
    catchment.ensure_warehouse("geo_council", "dashboard")


def selections() -> list[str]:
    """Realistic selections from the warehouse: the largest council, a locality, sub-ICB, PCN, practices."""
    con = duckdb.connect(str(DB), read_only=True)
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    council = one("select home_council_code from dim_practice group by 1 order by count(*) desc limit 1")
    small_council = one("select home_council_code from dim_practice group by 1 order by count(*) limit 1")
    locality = one(f"select locality_code from dim_locality where council_code = '{council}' limit 1")
    sub_icb = one("select sub_icb_code from dim_sub_icb order by practice_count desc limit 1")
    pcn = one(f"select pcn_code from dim_pcn where sub_icb_code = '{sub_icb}' order by practice_count desc limit 1")
    practices = [row[0] for row in con.execute(
        "select practice_code from mart_catchment_practice where quarter = (select max(quarter) from "
        "mart_catchment_practice) order by patients_total desc limit 2").fetchall()]
    years = [row[0] for row in con.execute(
        "select distinct financial_year_of(period_start) from mart_outcomes_practice "
        "order by 1 desc limit 2").fetchall()]
    con.close()
    return ["", f"?council={council}", f"?council={small_council}&period={years[-1]}", f"?locality={locality}",
            f"?sub_icb={sub_icb}", f"?pcn={pcn}", f"?practice={practices[0]}", f"?practice={practices[1]}"]


class Served:
    """`jointcare serve` over the bench warehouse: with the query cache off (this benchmark), or with the
    shipped settings (shipped=True, the load benchmark)."""

    def __init__(self, port: int = 8097, shipped: bool = False) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{self.port}"
        try:  # another server left on the port would answer instead of this one, and be what is measured
            requests.get(self.url, timeout=2)
            sys.exit(f"something already answers on {self.url}: stop it first (it is not this code's server)")
        except requests.RequestException:
            pass
        env = {**os.environ} if shipped else {**os.environ, "JOINTCARE_QUERY_CACHE": "0", "WEB_CONCURRENCY": "2"}
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jointcare"), "serve", "--db", str(DB), "--port", str(self.port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(150):
            if self.process.poll() is not None:
                raise RuntimeError(f"jointcare serve exited with {self.process.returncode} (is port {port} taken?)")
            try:
                requests.get(self.url, timeout=30)
                return
            except requests.RequestException:  # not listening yet, or a worker still warming on a busy machine
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the dashboard did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def record(url: str, paths: list[str]) -> tuple[list[dict], dict]:
    """Walk the pages in chromium; return every callback request and each page's first-response bytes."""
    from playwright.sync_api import sync_playwright

    calls: list[dict] = []
    first: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        current = {"path": ""}

        def on_request(request):
            if request.method == "POST" and "/_dash-update-component" in request.url:
                calls.append({"path": current["path"], "body": request.post_data, "url": request.url})

        page.on("request", on_request)
        for path in paths:
            current["path"] = path
            page.goto(url + path)
            page.wait_for_selector("main h1", timeout=120_000)
            # every callback answered, the parts drawn after the first response too (components/later.py)
            page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"], .later-loading')",
                                   timeout=120_000)
        browser.close()
    # first responses: the HTML, the layout and the page's first render (whole area), fetched fresh
    for base in PAGES:
        html = requests.get(url + base, timeout=60).content
        layout = requests.get(url + "/_dash-layout", timeout=60).content
        render = next(call for call in calls if call["path"] == base and "_pages_content" in call["body"])
        rendered = requests.post(render["url"], data=render["body"], timeout=120,
                                 headers={"Content-Type": "application/json"}).content
        first[base] = len(html) + len(layout) + len(rendered)
    return calls, first


def walk() -> list[str]:
    """Every page with each selection, then a practice profile and a practice that does not exist."""
    picks = selections()
    practice = picks[-2].split("=")[1]
    return [page + query for page in PAGES for query in picks] + [f"/practice/{practice}", "/practice/ZZZ999"]


def save_session(calls: list[dict]) -> None:
    """Keep the recorded requests for the load benchmark (bench.load), which replays them."""
    (DB.parent / "callbacks.json").write_text(json.dumps(calls))


def label(body: str) -> str:
    request = json.loads(body)
    output = request["output"]
    if "_pages_content" in output:
        return "page render"
    drawn = request.get("outputs")
    if isinstance(drawn, dict) and isinstance(drawn.get("id"), dict) and drawn["id"].get("type") == later.PART:
        return f"later part: {drawn['id']['part']}"
    return output.strip(".").split("...")[0][:60]


def replay(url: str, calls: list[dict]) -> dict[str, dict]:
    results: dict[str, dict] = defaultdict(lambda: {"ms": [], "bytes": 0, "worst": ""})
    session = requests.Session()
    for call in calls:
        key = f"{call['path'].split('?')[0] or '/'} {label(call['body'])}"
        for _ in range(REPEATS):
            started = time.perf_counter()
            response = session.post(call["url"], data=call["body"],
                                     headers={"Content-Type": "application/json"}, timeout=120)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code not in (200, 204):
                sys.exit(f"{key} {call['path']}: HTTP {response.status_code}")
            results[key]["ms"].append(elapsed)
            if len(response.content) > results[key]["bytes"]:
                results[key]["bytes"] = len(response.content)
                results[key]["worst"] = call["path"]
    return results


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def main() -> None:
    ensure_warehouse()
    served = Served()
    try:
        paths = walk()
        started = time.perf_counter()
        calls, first = record(served.url, paths)
        save_session(calls)
        print(f"dashboard ({SCALE}): {len(paths)} page views, {len(calls)} callback requests recorded "
              f"in {time.perf_counter() - started:.0f} s; each replayed {REPEATS} times, query cache off")
        results = replay(served.url, calls)
    finally:
        served.stop()
    print(f"\n{'callback':58} {'requests':>8} {'median ms':>10} {'p95 ms':>8} {'largest':>10}  largest for")
    failures = []
    for key, result in sorted(results.items()):
        median, high = statistics.median(result["ms"]), p95(result["ms"])
        print(f"{key:58} {len(result['ms']):>8} {median:>10.0f} {high:>8.0f} {result['bytes'] / 1e3:>8.0f} kB  "
              f"{result['worst'] or '(none)'}")
        if high > TARGET_P95_MS or result["bytes"] > TARGET_BYTES:
            failures.append(key)
    print(f"\n{'page':20} first response (HTML + layout + first render)")
    for base, size in first.items():
        print(f"{base:20} {size / 1e3:>8.0f} kB")
    everything = [ms for result in results.values() for ms in result["ms"]]
    print(f"\nall callbacks: median {statistics.median(everything):.0f} ms, p95 {p95(everything):.0f} ms; "
          f"largest response {max(r['bytes'] for r in results.values()) / 1e6:.2f} MB")
    print("targets (p95 <= 150 ms, response <= 1.5 MB): " + ("met by every callback" if not failures else
          "NOT met by " + ", ".join(failures)))


if __name__ == "__main__":
    main()
