"""The API over real HTTP (gunicorn, `jointcare serve`) on the tiny area's variant with a count of 3 and a
formula-looking practice name (tests/exports/conftest.py), and the pages drawn in this process to compare with.

The pages are drawn through Dash's page registry (the modules as the app loaded them, pages.<name>), never
by importing dashboard.pages.<name>, which would register a page twice.
"""

from __future__ import annotations

import pytest

import dashboard.app  # noqa: F401  (Dash refuses register_page before the app exists: import it first)
from tests.conftest import Server
from tests.dashboard.conftest import dashboard_db, tiny_outcomes_warehouse  # noqa: F401  (shared fixtures)
from tests.exports.conftest import hostile_db, hostile_warehouse  # noqa: F401  (shared fixtures)


@pytest.fixture(scope="module")
def api_server(hostile_warehouse):  # noqa: F811
    running = Server(hostile_warehouse)
    yield running
    running.stop()
