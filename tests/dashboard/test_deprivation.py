"""Deprivation on the pages, against the hand-worked area of tests/etl/test_deprivation.py.

Two practices in the April 2024 release: A00001 scores 29.0 (decile 1 of 2 ranked), A00002 19.0
(decile 6: rank 2 of 2, floor(10 x 1 / 2) + 1). Councils: Countyshire 20.0 (rank 1, decile 1),
Unitown 17.5 (rank 2, decile 6). Their A&E attendances in May 2024 (SUS extract written here):
A00001 5 on a list of 100, A00002 12 on a list of 105, so per 1,000 patients a month:
    decile 1: 1,000 x 5 / 100 = 50.0; decile 6: 1,000 x 12 / 105 = 114.29.
A count of 5 is below 10, so its interval is the exact Poisson one: 1.6235 to 11.6683 events (the
standard 95% limits for 5 events, as in the Fingertips/PHE technical guidance tables), so
16.2 to 116.7 per 1,000 on a list of 100.
"""

from __future__ import annotations

import pytest

from tests.dashboard.helpers import by_id, grids, text_of
from tests.etl.test_deprivation import IOD2025_ROWS, area
from tests.factory import _csv, _write


@pytest.fixture(scope="module")
def deprivation_db(tmp_path_factory):
    from etl.build import build

    base = tmp_path_factory.mktemp("deprivation")
    raw = area(base, iod2025=IOD2025_ROWS)
    rows = [["Activity Month", "GP Practice Code", "Measure", "Count"],
            ["2024-05", "A00001", "A&E attendances", "5"], ["2024-05", "A00002", "A&E attendances", "12"]]
    _write(raw / "activity" / "sus_2024.csv", _csv(rows))
    db = base / "warehouse.duckdb"
    build(raw, db, echo=lambda _: None)
    return db


@pytest.fixture
def served(deprivation_db, monkeypatch):
    import dashboard.app  # noqa: F401  (Dash refuses register_page before the app exists)

    monkeypatch.setenv("JOINTCARE_DB", str(deprivation_db))
    return deprivation_db


def test_practice_profile_shows_its_decile_in_words(served):
    from dashboard.pages.practice import layout

    first = text_of(by_id(layout(code="A00001"), "practice-deprivation"))
    assert "Decile 1 of 10" in first
    assert "Among the most deprived 10% of practices: ranked 1 of 2 by IMD score (29.0, IoD2025)" in first
    second = text_of(by_id(layout(code="A00002"), "practice-deprivation"))
    assert "Decile 6 of 10" in second and "Between the 50% and 60% most deprived practices" in second


def test_catchment_shows_the_councils_deciles(served):
    from dashboard.pages.catchment import layout

    text = text_of(by_id(layout(period="2024-25"), "catchment-deprivation"))
    assert "Deprivation of Countyshire" in text and "Deprivation of Unitown" in text
    assert "ranked 1 of 2 by IMD score (20.0, IoD2025)" in text  # Countyshire
    assert "ranked 2 of 2 by IMD score (17.5, IoD2025)" in text  # Unitown: (1,000 x 40 + 3,000 x 10) / 4,000
    # the two practices' patients together: (100 x 29 + 100 x 19) / 200 = 24.0
    assert "IMD score 24.0" in text


def test_outcomes_by_deprivation_decile(served):
    from dashboard.pages.outcomes import layout

    tree = layout(period="2024-25", measure="ae_attendances")
    rows = {int(row["meaning"].split(":")[0]): row for row in grids(tree)["outcomes-deprivation-table"]}
    assert set(rows) == {1, 6}
    assert rows[1]["rate"] == pytest.approx(50.0) and rows[6]["rate"] == pytest.approx(1000 * 12 / 105)
    assert (rows[1]["numerator"], rows[1]["denominator"]) == (5, 100)
    assert rows[1]["low"] == pytest.approx(16.235, abs=0.01) and rows[1]["high"] == pytest.approx(116.683, abs=0.01)
    assert rows[6]["meaning"] == "6: between the 50% and 60% most deprived practices"
    # the year's table of practices gives each its decile
    assert {row["code"]: row["dep"] for row in grids(tree)["outcomes-year"]} == {"A00001": 1, "A00002": 6}


def test_deprivation_filter_keeps_one_decile_and_drops_a_bad_value(served):
    from dashboard import filters

    selection, notes = filters.parse({"deprivation": "6"})
    assert notes == [] and list(filters.selected_practices(selection)["practice_code"]) == ["A00002"]
    assert filters.area_name(selection) == "practices in deprivation decile 6 (50-60% most deprived)"
    _, notes = filters.parse({"deprivation": "11"})
    assert notes == ["'11' is not a deprivation decile (1, the most deprived, to 10), so that filter is not applied."]
    options = filters.cascade(filters.Selection())["deprivation"]
    assert options == [{"label": "1: most deprived 10%", "value": "1"},
                       {"label": "6: 50-60% most deprived", "value": "6"}]


def test_data_and_methods_states_the_method(served):
    from dashboard.pages.data_and_methods import _deprivation_method_section

    text = text_of(_deprivation_method_section())
    assert "indicator 93553" in text and "floor(10 (r - 1) / n) + 1" in text
    assert "In this warehouse: 2 practices ranked, on IoD2025" in text
