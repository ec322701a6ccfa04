"""The floor under the build: a bare read of the same raw folder, printed as JSON (issue 15, item 1).

Every CSV is read once with DuckDB's read_csv (all columns as text, as the build first holds them),
every workbook's every sheet is parsed once with calamine (the reader the build uses), and every
GeoJSON and JSON file is parsed once. Nothing is recognised, checked, typed, joined or written, so no
build can be faster than this; `make bench` prints build / floor to show what the checking, the
models and the impact model cost on top of reading the bytes. Run in its own process (like
bench.run_build) so its peak memory is its own.
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import python_calamine

from etl import settings


def scan_csv(con: duckdb.DuckDBPyConnection, path: Path, work: Path) -> int:
    try:
        return con.execute("select count(*) from read_csv(?, all_varchar = true)", [str(path)]).fetchone()[0]
    except duckdb.InvalidInputException:
        # Some published CSVs are Windows-1252 (FORMATS.md), which DuckDB cannot read without an extension
        # fetched online; the build turns them into UTF-8 first, and so does the floor.
        copy = work / "utf8.csv"
        copy.write_text(path.read_bytes().decode("cp1252"), encoding="utf-8")
        return con.execute("select count(*) from read_csv(?, all_varchar = true)", [str(copy)]).fetchone()[0]


def scan_workbook(path: Path) -> int:
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    return sum(len(workbook.get_sheet_by_name(name).to_python()) for name in workbook.sheet_names)


def scan(raw: Path) -> dict:
    con = duckdb.connect()
    con.execute(f"set threads = {settings.get_int('JOINTCARE_THREADS')}")
    seconds = {"csv": 0.0, "xlsx": 0.0, "json": 0.0}
    counts = {kind: 0 for kind in seconds}
    rows = 0
    work = Path(tempfile.mkdtemp(prefix="jointcare-floor-"))
    started = time.perf_counter()
    for path in sorted(p for p in raw.rglob("*") if p.is_file()):
        kind = {".csv": "csv", ".xlsx": "xlsx", ".geojson": "json", ".json": "json"}.get(path.suffix.lower())
        if kind is None:
            continue
        began = time.perf_counter()
        if kind == "csv":
            rows += scan_csv(con, path, work)
        elif kind == "xlsx":
            rows += scan_workbook(path)
        else:
            json.loads(path.read_bytes())
        seconds[kind] += time.perf_counter() - began
        counts[kind] += 1
    shutil.rmtree(work)
    return {"seconds": time.perf_counter() - started, "rows": rows, "by_kind_seconds": seconds,
            "files": counts, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


if __name__ == "__main__":
    print(json.dumps(scan(Path(sys.argv[1]))))
