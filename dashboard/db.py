"""The one way the dashboard reads the warehouse: named, parameterised queries, read-only.

Each gunicorn worker opens its own read-only connection on first use (after the fork), and
reopens it when a rebuild has swapped a new file into place: the swap is an os.replace, so the
old connection still reads the old inode until it is closed, and no request ever sees half a build.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pandas as pd

from etl import settings

QUERIES = Path(__file__).with_name("queries")

_lock = threading.Lock()
_state: dict = {"con": None, "inode": None, "pid": None}


def warehouse_path() -> Path:
    return Path(settings.get("JOINTCARE_DB"))


def _connection() -> duckdb.DuckDBPyConnection:
    path = warehouse_path()
    inode = path.stat().st_ino
    with _lock:
        if _state["con"] is None or _state["inode"] != inode or _state["pid"] != os.getpid():
            if _state["con"] is not None and _state["pid"] == os.getpid():
                _state["con"].close()
            con = duckdb.connect(str(path), read_only=True)
            con.execute(f"set memory_limit = '{settings.get('JOINTCARE_WORKER_MEMORY')}'")
            _state.update(con=con, inode=inode, pid=os.getpid())
        return _state["con"]


def run_query(name: str, **params) -> pd.DataFrame:
    """Run dashboard/queries/<name>.sql with $named parameters and return a DataFrame."""
    sql = (QUERIES / f"{name}.sql").read_text()
    con = _connection()
    with _lock:
        return con.execute(sql, params).df() if params else con.execute(sql).df()
