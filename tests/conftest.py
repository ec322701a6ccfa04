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


@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("tiny")
    raw = write_tiny_area(base / "raw")
    db = base / "warehouse.duckdb"
    build(raw, db, echo=lambda _: None)
    return db


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
