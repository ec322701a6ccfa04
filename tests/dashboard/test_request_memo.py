"""Within one request a query asked twice is run once (dashboard/db.py), and nothing carries over to the
next request: the filter bar and the page both ask which practices a selection holds."""

from __future__ import annotations

import pytest


@pytest.fixture
def counted(dashboard_db, monkeypatch):
    from dashboard import db

    monkeypatch.setenv("JOINTCARE_QUERY_CACHE", "0")  # every answer from the warehouse, counted here
    asked = []
    answer = db._answer

    def counting(name, sql, params):
        asked.append(name)
        return answer(name, sql, params)

    monkeypatch.setattr(db, "_answer", counting)
    return db, asked


def _practices(db, **area):
    from dashboard.filters import Selection

    return db.run_query("filters__selected_practices", **Selection(**area).area_params())


def test_a_query_asked_twice_in_one_request_is_run_once_and_each_caller_gets_its_own_frame(counted):
    from dashboard.app import app

    db, asked = counted
    with app.server.test_request_context("/"):
        first = _practices(db)
        first["practice_name"] = "changed by the first caller"
        second = _practices(db)
        _practices(db, council="E06000901")  # another selection is another question
    assert asked == ["filters__selected_practices", "filters__selected_practices"]
    assert "changed by the first caller" not in set(second["practice_name"])
    assert len(second) == len(first) > 0


def test_the_next_request_asks_again(counted):
    from dashboard.app import app

    db, asked = counted
    for _ in range(2):
        with app.server.test_request_context("/"):
            _practices(db)
    _practices(db)
    assert len(asked) == 3  # two requests and one call outside any request: nothing kept between them
