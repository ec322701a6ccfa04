"""Where an outcome measure is shown is declared in its definition file (order, headline, practice_profile):
a mistake there stops the build with every problem, each naming its file."""

from __future__ import annotations

import pytest

from etl import models
from etl.errors import BuildFailed

OUTCOME = """id: {id}
name: {id}
kind: outcome
definition: d
numerator: n
denominator: d
unit: '%'
polarity: lower_is_better
source: sus_activity
why_it_matters: w
"""
JOINT_WORKING = OUTCOME.replace("kind: outcome", "kind: joint_working")


@pytest.fixture
def definitions(tmp_path, monkeypatch):
    """Write definition files into an empty folder that the loader then reads: {file stem: extra lines}."""
    monkeypatch.setattr(models, "INDICATORS_DIR", tmp_path)

    def write(files: dict[str, str], template: str = OUTCOME) -> None:
        for stem, extra in files.items():
            (tmp_path / f"{stem}.yml").write_text(template.format(id=stem) + extra)
    return write


def test_places_reach_the_definitions_table(definitions):
    definitions({"a": "order: 2\nheadline: true\n", "b": "order: 1\nheadline: true\npractice_profile: true\n",
                 "c": ""})
    frame = models.indicator_definitions().set_index("indicator_id")
    assert frame.loc["a", "display_order"] == 2 and frame.loc["b", "display_order"] == 1
    assert frame["display_order"].isna().tolist() == [False, False, True]  # c has no place: listed last
    assert frame["is_headline"].tolist() == [True, True, False]
    assert frame["on_practice_profile"].tolist() == [False, True, False]


def test_every_misplaced_measure_is_reported_with_its_file(definitions):
    definitions({"a": "order: 1\n", "b": "order: 1\n", "c": "order: 0\n", "d": "order: true\n",
                 "e": "order: first\n", "f": "headline: 'yes'\n", "g": "practice_profile: 1\n"})
    definitions({"jw": "headline: true\n"}, JOINT_WORKING)
    with pytest.raises(BuildFailed) as failed:
        models.indicator_definitions()
    assert failed.value.problems == [
        "etl/indicators/c.yml: order must be a whole number from 1 (the first listed), not 0",
        "etl/indicators/d.yml: order must be a whole number from 1 (the first listed), not True",
        "etl/indicators/e.yml: order must be a whole number from 1 (the first listed), not 'first'",
        "etl/indicators/f.yml: headline must be true or false, not 'yes'",
        "etl/indicators/g.yml: practice_profile must be true or false, not 1",
        "etl/indicators/jw.yml: headline can only place an outcome measure, and this is kind 'joint_working'",
        "etl/indicators/b.yml: order 1 is also the order of etl/indicators/a.yml; give each outcome measure its "
        "own place",
    ]
