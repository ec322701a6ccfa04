"""Benchmark of the search box's server side: /search.json for a set of realistic queries (issue 16).

Run by `make bench` over the warehouse the build benchmark leaves (bench/out/$BENCH_SCALE, england by
default); `python -m bench.search` alone builds it if it is missing, and `--db PATH` reads any warehouse
(the demo's data/warehouse.duckdb, say).

The queries are drawn (seeded) from the warehouse the way people type: practice ODS codes (whole, lower
case, cut short), practice names (whole, a word of them, with a letter dropped, with two letters swapped),
postcodes (with and without the space), outward codes, postcodes from the directory that are no
practice's, council, PCN and locality names with a slip, sub-ICB codes, and words nothing matches. Each is
asked REPEATS times of the Flask app in this process with the query cache off (JOINTCARE_QUERY_CACHE=0),
so every request runs its queries: the time is the server's for a query nobody asked before, without the
network. Reported: p50 and p95 per kind of query and over all, and the largest response.

Target (issue 16): p95 <= 100 ms at England scale.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from urllib.parse import urlencode

import duckdb

from bench.catchment import DB, SCALE, ensure_warehouse

REPEATS = int(os.environ.get("BENCH_REPEATS", "3")) + 2  # the first two of each are not counted (warm-up)
TARGET_P95_MS = 100
SAMPLE = 12  # of each kind


def _slip(word: str, rng: random.Random, swap: bool) -> str:
    """The word with one typing slip: two neighbouring letters swapped, or one letter dropped."""
    if len(word) < 4:
        return word
    at = rng.randrange(1, len(word) - 2)
    return word[:at] + word[at + 1] + word[at] + word[at + 2:] if swap else word[:at] + word[at + 1:]


def _longest_word_slipped(name: str, rng: random.Random, swap: bool) -> str:
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    words[longest] = _slip(words[longest], rng, swap)
    return " ".join(words)


def queries(db: str, seed: int = 42) -> list[tuple[str, str]]:
    """(kind, what is typed) for a seeded sample of the warehouse's practices, areas and postcodes."""
    rng = random.Random(seed)
    con = duckdb.connect(db, read_only=True)
    rows = lambda sql: con.execute(sql).fetchall()  # noqa: E731
    practices = rows("select code, name, postcode from mart_search_index "
                     "where kind = 'practice' and postcode is not null order by code")
    councils = [row[0] for row in rows("select name from mart_search_index where kind = 'council' order by code")]
    pcns = [row[0] for row in rows("select name from mart_search_index where kind = 'pcn' order by code")]
    localities = [row[0] for row in rows("select name from mart_search_index where kind = 'locality' order by code")]
    sub_icbs = [row[0] for row in rows("select code from mart_search_index where kind = 'sub_icb' order by code")]
    # a sample of the directory without reading all of it (the real one holds 2.7 million postcodes)
    others = [row[0] for row in rows("select postcode from dim_postcode using sample reservoir(2000 rows) "
                                     "repeatable (42) order by postcode_key")]
    con.close()
    asked: list[tuple[str, str]] = []
    for code, name, postcode in rng.sample(practices, min(SAMPLE, len(practices))):
        asked += [("ODS code", code), ("ODS code, lower case", code.lower()), ("ODS code cut short", code[:4]),
                  ("practice name", name.title()), ("a word of the name", max(name.split(), key=len).lower()),
                  ("name, a letter dropped", _longest_word_slipped(name, rng, swap=False).lower()),
                  ("name, two letters swapped", _longest_word_slipped(name, rng, swap=True).lower()),
                  ("practice postcode", postcode), ("postcode without a space", postcode.replace(" ", "").lower()),
                  ("outward code", postcode.split()[0])]
    asked += [("postcode of no practice", postcode) for postcode in rng.sample(others, min(SAMPLE, len(others)))]
    for kind, names in (("council name, a slip", councils), ("PCN name, a slip", pcns),
                        ("locality name, a slip", localities)):
        asked += [(kind, _longest_word_slipped(name, rng, swap=rng.random() < 0.5))
                  for name in rng.sample(names, min(SAMPLE, len(names)))]
    asked += [("sub-ICB code", code) for code in rng.sample(sub_icbs, min(SAMPLE, len(sub_icbs)))]
    asked += [("nothing matches", text) for text in ("zzqx wwvv", "xylophone quartet", "QQ9 9QQ")]
    return asked


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(db: str) -> None:
    os.environ["JOINTCARE_DB"] = db
    os.environ["JOINTCARE_QUERY_CACHE"] = "0"
    from dashboard.app import server

    client = server.test_client()
    asked = queries(db)
    times: dict[str, list[float]] = {}
    largest = (0, "")
    for kind, text in asked:
        url = "/search.json?" + urlencode({"q": text, "page": "/outcomes"})
        for repeat in range(REPEATS):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            if repeat >= 2:
                times.setdefault(kind, []).append(elapsed)
            largest = max(largest, (len(response.data), text))
    every = [value for values in times.values() for value in values]
    print(f"Search (/search.json), {db}, {os.cpu_count()} cores, query cache off, {len(asked)} queries x "
          f"{REPEATS - 2} timed\n")
    print(f"{'query':32} {'n':>4} {'p50 ms':>8} {'p95 ms':>8}")
    for kind, values in times.items():
        print(f"{kind:32} {len(values):>4} {statistics.median(values):>8.1f} {percentile(values, 0.95):>8.1f}")
    p95 = percentile(every, 0.95)
    print(f"{'all':32} {len(every):>4} {statistics.median(every):>8.1f} {p95:>8.1f}")
    print(f"\nlargest response: {largest[0]:,} bytes ({largest[1]!r})")
    verdict = "met" if p95 <= TARGET_P95_MS else f"MISSED by {p95 - TARGET_P95_MS:.0f} ms"
    print(f"target p95 <= {TARGET_P95_MS} ms: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help=f"warehouse to read (default: the bench's {SCALE}-scale one)")
    args = parser.parse_args()
    if args.db is None:
        ensure_warehouse("mart_search_index", "search")
    measure(args.db or str(DB))


if __name__ == "__main__":
    main()
