"""Dashboard tests call page layouts and callbacks as plain functions on a real warehouse file.

`dashboard_db` is the tiny hand-computed area with its outcome sources (tests/factory.py,
tests/factory_outcomes.py), so pages can be checked against numbers worked out by hand. The app
module is imported first: Dash refuses register_page before the app exists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import dashboard.app  # noqa: F401  (Dash refuses register_page before the app exists: import it first)
from etl.build import build
from tests.factory import write_tiny_area
from tests.factory_outcomes import write_tiny_outcomes


@pytest.fixture(scope="session")
def tiny_outcomes_warehouse(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("dashboard")
    db = base / "warehouse.duckdb"
    build(write_tiny_outcomes(write_tiny_area(base / "raw")), db, echo=lambda _: None)
    return db


@pytest.fixture
def dashboard_db(tiny_outcomes_warehouse, monkeypatch) -> Path:
    """Point the dashboard at the tiny warehouse for one test (and import the app)."""
    monkeypatch.setenv("JOINTCARE_DB", str(tiny_outcomes_warehouse))
    return tiny_outcomes_warehouse
