"""The dashboard's one cache: query results (dashboard/db.py) and callback responses (callback_cache.py).

Flask-Caching's SimpleCache keeps up to JOINTCARE_QUERY_CACHE entries in each worker by default; with
JOINTCARE_REDIS_URL set, its RedisCache holds them instead, shared by every worker on every machine, so
a view one server has computed is served by the others from the cache. JOINTCARE_QUERY_CACHE=0 turns
both off (the benchmark measures cold selections that way).

Keys are `jointcare:<code>:<build id>:<kind>:<sha256 of the inputs>`. The build id is new with every
build (meta_build.build_id), so a warehouse swapped in by a rebuild starts a fresh key space on every
server at once, with nothing to delete; entries of old builds age out (Redis: after EXPIRE_SECONDS, or
sooner under its maxmemory policy). <code> fingerprints the dashboard's code and the libraries that write
its responses, so during a rolling upgrade old and new servers never read each other's answers.

Values are bytes only (response JSON, query results as Parquet): nothing read from Redis is unpickled,
so whoever can write to Redis could make a page wrong but could not run code in the dashboard.

An outage (Redis down or slow) never fails a page: the first failure is logged, the cache is bypassed
for RETRY_SECONDS, and every answer is computed as if the cache were off.

Flask-Caching's backends are used directly rather than through its `Cache` extension: queries also run
outside a request (downloads being built, tests), where the extension has no app to find its cache in.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import threading
import time
from pathlib import Path

from cachelib.serializers import BaseSerializer
from flask_caching.backends.rediscache import RedisCache
from flask_caching.backends.simplecache import SimpleCache

from etl import settings

log = logging.getLogger("jointcare.cache")

EXPIRE_SECONDS = 7 * 24 * 3600  # Redis only: long enough for a week of builds; each build is a new key space
RETRY_SECONDS = 30  # how long an unreachable Redis is left alone before the next try
REDIS_TIMEOUT_SECONDS = 0.5  # a page waits at most this long on a Redis that does not answer
_LIBRARIES = ("dash", "plotly", "duckdb", "pandas")

_lock = threading.Lock()
_state: dict = {"backend": None, "pid": None, "down_until": 0.0}


class BytesOnly(BaseSerializer):
    """Stores bytes as they are and reads them back as they are: never pickle (see the module docstring)."""

    def dumps(self, value: bytes, protocol: int | None = None) -> bytes:
        if not isinstance(value, bytes):
            raise TypeError(f"the cache stores bytes, not {type(value).__name__}")
        return value

    def loads(self, value: bytes | None) -> bytes | None:
        return value


def enabled() -> bool:
    return settings.get_int("JOINTCARE_QUERY_CACHE") > 0


def _code_fingerprint() -> str:
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.sql")]):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for library in _LIBRARIES:
        digest.update(f"{library}={importlib.metadata.version(library)}".encode())
    return digest.hexdigest()[:12]


CODE = _code_fingerprint()


def key(build_id: str, kind: str, *inputs) -> str:
    """The key of an answer: this code, this warehouse build, what kind of answer and everything it depends on."""
    text = json.dumps(inputs, sort_keys=True, separators=(",", ":"), default=str)
    return f"jointcare:{CODE}:{build_id}:{kind}:{hashlib.sha256(text.encode()).hexdigest()}"


def _backend():
    """This process's backend, made after the fork (a Redis connection pool must not be shared by workers)."""
    with _lock:
        if _state["pid"] != os.getpid():
            url = settings.get("JOINTCARE_REDIS_URL")
            if url:
                import redis

                client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                                              socket_timeout=REDIS_TIMEOUT_SECONDS)
                backend = RedisCache(host=client, default_timeout=EXPIRE_SECONDS)
            else:
                backend = SimpleCache(threshold=settings.get_int("JOINTCARE_QUERY_CACHE"), default_timeout=0)
            backend.serializer = BytesOnly()
            _state.update(backend=backend, pid=os.getpid(), down_until=0.0)
        return _state["backend"]


def _unavailable(error: Exception) -> None:
    with _lock:
        if _state["down_until"] == 0.0:  # logged once per outage, not once per request
            log.warning("cache unavailable, computing every answer for now: %s", error)
        _state["down_until"] = time.monotonic() + RETRY_SECONDS


def _usable() -> bool:
    return enabled() and time.monotonic() >= _state["down_until"]


def get(cache_key: str) -> bytes | None:
    """The stored bytes, or None when absent, the cache is off, or the cache cannot be reached."""
    if not _usable():
        return None
    try:
        value = _backend().get(cache_key)
    except Exception as error:  # noqa: BLE001 - any failure of the store means: compute instead
        _unavailable(error)
        return None
    if _state["down_until"]:
        with _lock:
            _state["down_until"] = 0.0
        log.warning("cache reachable again")
    return value


def put(cache_key: str, value: bytes) -> None:
    if not isinstance(value, bytes):  # a programming error, raised here rather than taken for an outage below
        raise TypeError(f"the cache stores bytes, not {type(value).__name__}")
    if not _usable():
        return
    try:
        _backend().set(cache_key, value)
    except Exception as error:  # noqa: BLE001 - an answer that cannot be kept is still served
        _unavailable(error)
