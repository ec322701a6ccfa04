"""Fixtures for the downloads: the tiny hand-computed area, and a variant with small counts and a hostile name.

The variant (`hostile_db`) is the tiny area with two changes, so that suppression and formula
neutralising are tested on files the real code writes:
  * A00002's 9 Unitown residents in the January 2023 release become 3 (E01000001 9 -> 3), so Unitown's
    residents are 70 (A00001) + 30 (A00003) + 3 (A00002) = 103, of whom 3 at a practice based elsewhere;
  * practice A00003 is called =HYPERLINK("http://x","y") in every NHS file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.build import build
from tests import factory
from tests.dashboard.conftest import dashboard_db, tiny_outcomes_warehouse  # noqa: F401  (shared fixtures)
from tests.factory_outcomes import write_tiny_outcomes

HOSTILE_NAME = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="session")
def hostile_warehouse(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    saved_names, saved_rows = dict(factory.NAMES), list(factory.REGISTRATIONS_Q1)
    try:
        factory.NAMES["A00003"] = HOSTILE_NAME
        factory.REGISTRATIONS_Q1[:] = [(code, lsoa, 3 if (code, lsoa) == ("A00002", "E01000001") else n)
                                       for code, lsoa, n in saved_rows]
        raw = write_tiny_outcomes(factory.write_tiny_area(base / "raw"))
    finally:
        factory.NAMES.clear()
        factory.NAMES.update(saved_names)
        factory.REGISTRATIONS_Q1[:] = saved_rows
    db = base / "warehouse.duckdb"
    build(raw, db, echo=lambda _: None)
    return db


@pytest.fixture
def hostile_db(hostile_warehouse, monkeypatch) -> Path:
    monkeypatch.setenv("JOINTCARE_DB", str(hostile_warehouse))
    return hostile_warehouse
