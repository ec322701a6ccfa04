"""Benchmark of the downloads (issue 6) at England scale: `python -m bench.downloads`.

Times, in this process, on the warehouse `make bench` leaves in bench/out/<scale>/warehouse.duckdb (read
only; built first by bench.dashboard's ensure_warehouse if it is missing), with the query cache off
(JOINTCARE_QUERY_CACHE=0) so every run does all its queries, as a request for a new selection would:

* the councillor summary PDF and the Excel workbook of the council with the most registered residents,
  each from the selection to the file's bytes (build_summary, then summary_pdf or summary_workbook):
  one warm-up run (fonts, imports), then the median of 5;
* the practice pack of the council served by the most practices (practice_pack_pdf): median of 3.

Prints a table (median, fastest, slowest, file size, pages) and the targets of issue 6: the PDF and the
workbook at most 3 s each, the pack at most 60 s. The last files written are kept in
bench/out/<scale>/downloads/ to look at.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from bench.catchment import DB, OUT, SCALE

TARGET_FILE_S = 3.0
TARGET_PACK_S = 60.0
RUNS_FILE, RUNS_PACK = 5, 3


def councils() -> tuple[tuple[str, str, int], tuple[str, str, int]]:
    """(code, name, residents) of the council with most registered residents, and (code, name, practices)
    of the council served by most practices, in the latest registrations release."""
    con = duckdb.connect(str(DB), read_only=True)
    latest = "(select max(quarter) from mart_catchment_council)"
    largest = con.execute(f"select council_code, council_name, residents_registered from mart_catchment_council "
                          f"where quarter = {latest} order by residents_registered desc limit 1").fetchone()
    served = con.execute(f"select council_code, council_name, practices_serving from mart_catchment_council "
                         f"where quarter = {latest} order by practices_serving desc limit 1").fetchone()
    con.close()
    return largest, served


def timed(run: Callable[[], bytes], runs: int, warm_up: bool) -> tuple[list[float], bytes]:
    if warm_up:
        run()
    seconds, body = [], b""
    for _ in range(runs):
        started = time.perf_counter()
        body = run()
        seconds.append(time.perf_counter() - started)
    return seconds, body


def pdf_pages(path: Path) -> str:
    if not shutil.which("pdfinfo"):
        return "?"
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return next((line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")), "?")


def main() -> None:
    from bench.dashboard import ensure_warehouse

    ensure_warehouse()
    os.environ["JOINTCARE_DB"] = str(DB)
    os.environ["JOINTCARE_QUERY_CACHE"] = "0"
    # imported after the settings above: the dashboard reads them on first use
    from dashboard import filters
    from dashboard.exports import pack_pdf, summary_pdf, workbook
    from dashboard.exports.gather import build_summary

    (council, council_name, residents), (pack_council, pack_name, serving) = councils()
    selection, _ = filters.parse({"council": council})
    period = selection.params()["period"]
    keep = OUT / "downloads"
    keep.mkdir(parents=True, exist_ok=True)
    print(f"{SCALE} scale, financial year {period}: summary and workbook of {council_name} ({council}, "
          f"{residents:,} residents registered); practice pack of {pack_name} ({pack_council}, served by "
          f"{serving} practices)")

    rows = []
    for what, runs, warm, run, name, target in (
        ("summary data (build_summary)", RUNS_FILE, True, lambda: build_summary(selection) and b"", None, None),
        ("summary PDF", RUNS_FILE, True, lambda: summary_pdf.summary_pdf(build_summary(selection)), "summary.pdf",
         TARGET_FILE_S),
        ("Excel workbook", RUNS_FILE, True, lambda: workbook.summary_workbook(build_summary(selection)),
         "summary.xlsx", TARGET_FILE_S),
        ("practice pack PDF", RUNS_PACK, False, lambda: pack_pdf.practice_pack_pdf(pack_council, period), "pack.pdf",
         TARGET_PACK_S),
    ):
        seconds, body = timed(run, runs, warm)
        pages = ""
        if name:
            path = keep / name
            path.write_bytes(body)
            pages = pdf_pages(path) if name.endswith(".pdf") else ""
        rows.append((what, runs, statistics.median(seconds), min(seconds), max(seconds), len(body), pages, target))
        print(f"  {what}: {', '.join(f'{s:.2f}' for s in seconds)} s", flush=True)

    print()
    print(f"{'download':<30} {'runs':>4} {'median s':>9} {'fastest':>8} {'slowest':>8} {'size KB':>8} {'pages':>6}"
          f"  target")
    for what, runs, median, fastest, slowest, size, pages, target in rows:
        verdict = "" if target is None else f"<= {target:.0f} s {'met' if median <= target else 'MISSED'}"
        print(f"{what:<30} {runs:>4} {median:>9.2f} {fastest:>8.2f} {slowest:>8.2f} "
              f"{size / 1024 if size else 0:>8.0f} {pages:>6}  {verdict}")
    shown = keep.relative_to(Path.cwd()) if keep.is_relative_to(Path.cwd()) else keep
    print(f"\nTargets (issue 6): summary PDF and workbook <= {TARGET_FILE_S:.0f} s each for a council; the practice "
          f"pack <= {TARGET_PACK_S:.0f} s for a large council. Files kept in {shown}.")


if __name__ == "__main__":
    main()
