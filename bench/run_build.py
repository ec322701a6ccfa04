"""Run one build in this process and print its step timings as JSON (the benchmark runs this in a
child process so that peak memory is the build's own)."""

from __future__ import annotations

import json
import resource
import sys
import time
from dataclasses import asdict
from pathlib import Path

from etl.build import build

if __name__ == "__main__":
    started = time.perf_counter()
    report = build(Path(sys.argv[1]), Path(sys.argv[2]), echo=lambda _: None)
    print(json.dumps({
        "seconds": time.perf_counter() - started,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "steps": [asdict(step) for step in report.steps],
        "tables": report.tables,
    }))
