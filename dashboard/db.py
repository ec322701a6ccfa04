"""The one way the dashboard reads the warehouse: named, parameterised queries, read-only.

Each gunicorn worker opens its own read-only connection on first use (after the fork), and
reopens it when a rebuild has swapped a new file into place: the swap is an os.replace, so the
old connection still reads the old inode until it is closed, and no request ever sees half a build.
Each of the worker's threads queries through its own cursor of that connection, so they run at once.

A worker that warms its pages (gunicorn.conf.py registers dashboard/warm.py with after_swap) switches
to a rebuilt file only once it has warmed it: a thread of its own opens the new file and renders the
pages' first views against it while the worker's requests are still answered from the old one, then
the worker serves the new file. So a rebuild never makes a user wait for a cold worker (issue 15: a
worker's first request after a swap within 1 s), at the price of the old build for the seconds that
warming takes.

Results are kept in the dashboard's one cache (dashboard/cache.py: each worker's own, or Redis shared
by every server) as Parquet bytes, keyed by the warehouse's build id, the query and its parameters,
because board members flip between the same few selections; a swapped warehouse starts a fresh cache.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import tempfile
import threading
from pathlib import Path

import duckdb
import pandas as pd
from flask import g, has_request_context

from dashboard import cache
from etl import settings

QUERIES = Path(__file__).with_name("queries")
log = logging.getLogger("jointcare.db")

_lock = threading.Lock()
_state: dict = {"con": None, "inode": None, "pid": None, "build_id": None, "parquet": None}
_reference: dict = {}
_thread = threading.local()
_swap_hooks: list = []
_preparing: dict = {"inode": None}  # the rebuilt file a thread is warming
WAREHOUSE = "warehouse"  # the name the served file is attached under


class UnknownQuery(LookupError):
    """A page asked for a query file that does not exist (a programming error, not a user one)."""


def warehouse_path() -> Path:
    return Path(settings.get("JOINTCARE_DB"))


def _connection() -> tuple[duckdb.DuckDBPyConnection, int]:
    """The connection this thread reads (called under _lock): the served one, or, on the thread warming a
    rebuilt file, that file's."""
    preparing = getattr(_thread, "preparing", None)
    if preparing is not None:
        return preparing["con"], preparing["inode"]
    path = warehouse_path()
    inode = path.stat().st_ino
    if _state["con"] is None or _state["pid"] != os.getpid():
        con = _open(path)
        _state.update(con=con, inode=inode, pid=os.getpid(), build_id=_read_build_id(con, inode))
        _reference.clear()
    elif _state["inode"] != inode and _preparing["inode"] != inode:
        # a file that is not a warehouse (or not this version's) fails here, in the request, which says so
        con = _open(path)
        if not _swap_hooks:  # nothing to warm: serve it now
            _state.update(con=con, inode=inode, build_id=_read_build_id(con, inode))
            _reference.clear()
        else:
            _preparing["inode"] = inode
            threading.Thread(target=_prepare, args=(con, inode), name="jointcare-swap", daemon=True).start()
    return _state["con"], _state["inode"]


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    # The old connection is never closed here: another thread may be mid-query on a cursor of it. It
    # closes when the last cursor on it is dropped (each thread drops its own on its next query). So the
    # file is attached to a DuckDB instance of its own: connect(path) would hand back DuckDB's cached
    # instance of that path, still reading the old file, while any cursor on it lives.
    con = duckdb.connect()
    con.execute(f"set memory_limit = '{settings.get('JOINTCARE_WORKER_MEMORY')}'")
    con.execute(f"attach '{_quoted(path)}' as {WAREHOUSE} (read_only)")
    con.execute(f"use {WAREHOUSE}")
    con.execute((QUERIES / "_macros.sql").read_text())
    return con


def _prepare(con: duckdb.DuckDBPyConnection, inode: int) -> None:
    """On a thread of its own: run the swap hooks (warming) against the rebuilt file, then serve it."""
    try:
        prepared = {"con": con, "inode": inode, "build_id": _read_build_id(con, inode), "reference": {}}
    except duckdb.Error:
        with _lock:
            _preparing["inode"] = None  # the next request opens it again, and meets the error itself
        return
    _thread.preparing = prepared
    try:
        for hook in _swap_hooks:
            try:
                hook()
            except Exception:  # noqa: BLE001 - warming is an optimisation: the new build is served regardless
                log.exception("warming the rebuilt warehouse failed")
    finally:
        _thread.preparing = None
    with _lock:
        _state.update(con=con, inode=inode, build_id=prepared["build_id"])
        _reference.clear()
        _reference.update(prepared["reference"])
        _preparing["inode"] = None


def after_swap(hook) -> None:
    """Call hook() when this worker finds a rebuilt warehouse: on a thread of its own, with every query it
    makes reading the new file, before the worker serves that file to anyone."""
    _swap_hooks.append(hook)


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def unreadable(path: Path | None = None) -> str | None:
    """Why the warehouse cannot be served, in words a user can act on; None when it can.

    It must open read-only as DuckDB, hold the build's record (meta_build) and have what the queries read:
    a file that is not a warehouse, is damaged, was left half-written by something other than jointcare,
    or was built by an older jointcare fails here.
    """
    path = path or warehouse_path()
    if not path.exists():
        return f"There is no warehouse at {path.name}. Build one with `jointcare build` (or `make run`)."
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            con.execute("select count(*) from meta_build").fetchall()
            # the query macros bind to the warehouse's tables and columns: a warehouse built by an older
            # jointcare lacks some of them, and every page would fail
            con.execute((QUERIES / "_macros.sql").read_text())
        finally:
            con.close()
    except (duckdb.BinderException, duckdb.CatalogException) as error:
        first = str(error).strip().splitlines()[0][:200]
        return (f"The warehouse {path.name} was built by another version of jointcare and lacks what this one "
                f"reads ({first}). Rebuild it with `jointcare build`; the raw files are not affected.")
    except (duckdb.Error, OSError) as error:
        first = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
        return (f"The warehouse {path.name} cannot be read ({first}). Rebuild it with `jointcare build`; "
                "the raw files are not affected.")
    return None


@functools.lru_cache(maxsize=None)
def _sql(name: str) -> tuple[str, frozenset[str]]:
    """The query's text and the $parameters it uses: read once per worker (the files ship with the code)."""
    path = QUERIES / f"{name}.sql"
    if not path.is_file():
        raise UnknownQuery(f"dashboard/queries/{name}.sql does not exist")
    sql = path.read_text()
    return sql, frozenset(re.findall(r"\$([a-z_][a-z0-9_]*)", sql))


def run_query(name: str, **params) -> pd.DataFrame:
    """Run dashboard/queries/<name>.sql with $named parameters and return a DataFrame (a copy).

    Parameters the file does not use are left out, so a page can pass the whole selection
    (`run_query(name, **selection.params())`); a parameter the file uses but the caller did not
    pass is an error naming the file.
    """
    sql, used = _sql(name)
    missing = used - params.keys()
    if missing:
        raise TypeError(f"dashboard/queries/{name}.sql needs ${', $'.join(sorted(missing))}")
    params = {key: value for key, value in params.items() if key in used}
    # Within one request the same question has the same answer: the filter bar and the page both ask
    # which practices a selection holds, say. Asked again, it is answered from the request's own memo
    # (whatever JOINTCARE_QUERY_CACHE says: this is not a cache across requests).
    memo = g.setdefault("jointcare_queries", {}) if has_request_context() else None
    memo_key = (name, tuple(sorted(params.items())))
    try:
        hash(memo_key)
    except TypeError:  # a list parameter: asked once per request anyway
        memo = None
    if memo is not None and memo_key in memo:
        return memo[memo_key].copy()
    frame = _answer(name, sql, params)
    if memo is not None:
        memo[memo_key] = frame.copy()
    return frame


def _answer(name: str, sql: str, params: dict) -> pd.DataFrame:
    if not cache.enabled():
        cursor = _cursor()
        return cursor.execute(sql, params).df() if params else cursor.execute(sql).df()
    key = cache.key(build_id(), "query", name, sorted(params.items()))
    stored = cache.get(key)
    if stored is None:
        stored = _to_parquet(_cursor().sql(sql, params=params or None))
        cache.put(key, stored)
    # a miss reads back what it stored too, so every caller gets the same frame, hit or miss
    return _from_parquet(stored)


def _cursor() -> duckdb.DuckDBPyConnection:
    """This thread's cursor on the worker's connection, with the query macros defined on it.

    One DuckDB connection must not run queries from two threads at once, but cursors of it may, and
    DuckDB lets go of the GIL while it works: so a worker's threads (gunicorn.conf.py) answer requests
    side by side instead of queueing on one connection. Macros are per cursor (they are temporary).
    """
    with _lock:
        con, inode = _connection()
        if getattr(_thread, "key", None) != (os.getpid(), inode):
            _thread.cursor = con.cursor()
            _thread.key = (os.getpid(), inode)
            _thread.cursor.execute(f"use {WAREHOUSE}")  # a cursor starts in the instance's own memory database
            _thread.cursor.execute((QUERIES / "_macros.sql").read_text())
    return _thread.cursor


def reference_query(name: str) -> pd.DataFrame:
    """A query without parameters whose answer only changes with the warehouse (filter options, the
    list of sources): kept for the life of the warehouse file whatever JOINTCARE_QUERY_CACHE says."""
    sql, _ = _sql(name)
    with _lock:
        con, inode = _connection()
        preparing = getattr(_thread, "preparing", None)
        kept = _reference if preparing is None else preparing["reference"]
        if name not in kept:
            kept[name] = con.execute(sql).df()
        return kept[name].copy()


def warehouse_version() -> int:
    """Changes whenever a rebuild swaps the warehouse file: a cache key for derived objects."""
    with _lock:
        return _connection()[1]


def build_id() -> str:
    """The id of the build being served (meta_build.build_id), the same on every server that reads that
    file: the shared cache's key for everything derived from the warehouse."""
    with _lock:
        _connection()
        preparing = getattr(_thread, "preparing", None)
        return _state["build_id"] if preparing is None else preparing["build_id"]


def _read_build_id(con: duckdb.DuckDBPyConnection, inode: int) -> str:
    try:
        return con.execute("select build_id from meta_build").fetchall()[0][0]
    except duckdb.BinderException:  # built before build ids: its build time, and this machine's file
        return f"{con.execute('select built_at from meta_build').fetchall()[0][0]}-{inode}"


# Query results travel as Parquet written and read by DuckDB itself, so a frame from the cache has exactly
# the types and values of one from the warehouse (no pickle; pyarrow is not needed).
def _to_parquet(relation: duckdb.DuckDBPyRelation) -> bytes:
    with tempfile.TemporaryDirectory(prefix="jointcare-") as folder:
        path = Path(folder) / "result.parquet"
        relation.to_parquet(str(path))
        return path.read_bytes()


def _from_parquet(data: bytes) -> pd.DataFrame:
    if _state["parquet"] is None or _state["parquet"][0] != os.getpid():
        _state["parquet"] = (os.getpid(), duckdb.connect())  # in memory, one per worker: connecting costs ms
    reader = _state["parquet"][1].cursor()  # a cursor per call: requests arrive on several threads
    with tempfile.TemporaryDirectory(prefix="jointcare-") as folder:
        path = Path(folder) / "result.parquet"
        path.write_bytes(data)
        try:
            return reader.read_parquet(str(path)).df()
        finally:
            reader.close()
