"""Settings, declared once: every tunable the ETL and the dashboard read from the environment.

Defaults suit a laptop and the demo. The README's settings table is checked against this tuple by
tests/test_docs.py, so a setting cannot be added without being documented.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS = (
    Setting("JOINTCARE_DB", str(ROOT / "data" / "warehouse.duckdb"),
            "Path of the DuckDB warehouse the dashboard reads and the build writes."),
    Setting("JOINTCARE_RAW", str(ROOT / "data" / "raw"), "Folder of raw source files the build reads."),
    Setting("PORT", "8050", "Port the dashboard listens on (127.0.0.1)."),
    Setting("WEB_CONCURRENCY", "2", "Number of gunicorn worker processes."),
    Setting("JOINTCARE_WORKER_MEMORY", "512MB", "DuckDB memory limit for each dashboard worker."),
    Setting("JOINTCARE_QUERY_CACHE", "4096",
            "Query results and callback responses each dashboard worker keeps when there is no Redis "
            "(0 turns the cache off, Redis too, as the benchmark does); a page view keeps one for each of "
            "its callbacks and queries."),
    Setting("JOINTCARE_REDIS_URL", "",
            "Redis that holds the cache for every worker and server, e.g. redis://cache-host:6379/0; "
            "empty: each worker keeps its own."),
    Setting("JOINTCARE_BUILD_MEMORY", "1500MB", "DuckDB memory limit for the build (spills to disk beyond it)."),
    Setting("JOINTCARE_THREADS", "2", "Threads for the build: DuckDB's, and how many sources' files are read, "
            "contracts checked and council outlines dissolved, side by side."),
    Setting("JOINTCARE_MAX_REQUEST_BYTES", "1000000",
            "Largest request body the dashboard reads (larger gets 413); its callbacks send a few kB."),
    Setting("JOINTCARE_DEBUG", "0", "1 turns on the Dash debug tools; never in production."),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}


def get(name: str) -> str:
    """The setting's value from the environment, else its declared default."""
    if name not in _BY_NAME:
        raise KeyError(f"{name} is not a declared setting; add it to etl/settings.py SETTINGS")
    value = os.environ.get(name, "").strip()
    return value or _BY_NAME[name].default


def get_int(name: str) -> int:
    value = get(name)
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"Set the {name} environment variable to a whole number (it is {value!r})") from None
