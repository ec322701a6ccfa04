"""Shared fixtures: the tiny hand-computed area, its warehouse, and the real published files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from tests.factory import write_tiny_area

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def tiny_raw(tmp_path: Path) -> Path:
    return write_tiny_area(tmp_path / "raw")


def build_tiny_warehouse(base: Path) -> Path:
    """The tiny area's raw files under base/raw, built into base/warehouse.duckdb."""
    db = base / "warehouse.duckdb"
    build(write_tiny_area(base / "raw"), db, echo=lambda _: None)
    return db


@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory) -> Path:
    return build_tiny_warehouse(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="session")
def tiny(tiny_warehouse: Path):
    con = duckdb.connect(str(tiny_warehouse), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is absent: the real published files live beside the project, not in it")
    return REALDATA


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A real gunicorn serving a warehouse, started the way users start it (`jointcare serve`)."""

    def __init__(self, db: Path, **settings: str):
        import os
        import subprocess
        import sys
        import time

        import requests

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "WEB_CONCURRENCY": "2", "JOINTCARE_DEBUG": "0", **settings}
        # The server's log goes to a file beside the warehouse, never to a pipe nobody reads: gunicorn
        # writes a line per request, and a full pipe would block every worker mid-request.
        self.log = db.with_suffix(f".{self.port}.server.log")  # one per server: two may serve one file
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jointcare"), "serve", "--db", str(db), "--port", str(self.port)],
            env=env, stdout=self._log_file, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn died:\n" + self.log.read_text())
            try:
                requests.get(self.url, timeout=5)
                return
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 30 s")

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()
            self.process.wait()
        self._log_file.close()
        return self.log.read_text()


@pytest.fixture(scope="session")
def served_warehouse(tmp_path_factory) -> Path:
    """A warehouse of its own for the server, so tests may rebuild it under the running server."""
    return build_tiny_warehouse(tmp_path_factory.mktemp("served"))


@pytest.fixture(scope="session")
def server(served_warehouse: Path):
    running = Server(served_warehouse)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory) -> Path:
    """The fictional demo area (one ICB, three councils), built the way `make run` builds it."""
    from etl.demo import generate

    base = tmp_path_factory.mktemp("demo")
    generate(base / "raw", seed=42, scale="demo", effect=True)
    db = base / "warehouse.duckdb"
    build(base / "raw", db, echo=lambda _: None)
    return db


@pytest.fixture(scope="session")
def demo_server(demo_warehouse: Path):
    running = Server(demo_warehouse)
    yield running
    running.stop()
