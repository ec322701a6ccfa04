"""Models declare what they read ({{ ref() }}, {{ source() }}, {{ valid_rows() }}), and the build holds them to it."""

from __future__ import annotations

from pathlib import Path

import pytest

import etl.models
from etl.build import build
from etl.errors import BuildFailed
from etl.models import discover


def write_models(root: Path, files: dict[str, str]) -> Path:
    """A models folder under root: {"marts/fct_a.sql": sql, ...}."""
    models = root / "models"
    for layer in ("staging", "intermediate", "marts"):
        (models / layer).mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (models / name).write_text(text)
    return models


GOOD = {
    "staging/stg_nhs__registrations.sql": "select * from {{ valid_rows('registrations') }}",
    "marts/fct_a.sql": "select * from {{ ref('stg_nhs__registrations') }}",
}


def problems_of(models: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failure:
        discover(models)
    return failure.value.problems


def test_declared_inputs_order_the_build(tmp_path):
    models = discover(write_models(tmp_path, GOOD))
    assert models["fct_a"].depends_on == {"stg_nhs__registrations"}
    assert models["stg_nhs__registrations"].depends_on == set()  # a raw source is loaded before any model


def test_reading_a_model_without_declaring_it_stops_the_build(tmp_path):
    models = write_models(tmp_path, {**GOOD, "marts/fct_b.sql": "select * from fct_a"})
    message = "models/marts/fct_b.sql: reads fct_a without declaring it (expected {{ ref('fct_a') }} where it is read)"
    assert problems_of(models) == [message]
    assert f"* {message}" in (etl.models.MODELS_DIR / "README.md").read_text()  # the README shows it as it is


def test_reading_a_raw_table_without_declaring_it_stops_the_build(tmp_path):
    models = write_models(tmp_path, {**GOOD, "staging/stg_ods__epraccur.sql": "select * from raw.epraccur"})
    assert problems_of(models) == [
        "models/staging/stg_ods__epraccur.sql: reads raw.epraccur without declaring it "
        "(expected {{ source('epraccur') }} or {{ valid_rows('epraccur') }} where it is read)"]


def test_declaring_a_table_that_does_not_exist_stops_the_build(tmp_path):
    models = write_models(tmp_path, {**GOOD, "marts/fct_b.sql": "select * from {{ ref('fct_nope') }}",
                                     "staging/stg_x.sql": "select * from {{ source('no_such_source') }}"})
    assert problems_of(models) == [
        "models/staging/stg_x.sql: declares the raw source no_such_source, but etl/sources.yml has no source "
        "called no_such_source (expected a source name from etl/sources.yml)",
        "models/marts/fct_b.sql: declares {{ ref('fct_nope') }}, but no model or reference table is called "
        "fct_nope (expected the name of a model file or a ref_ table)"]


def test_python_model_reads_are_checked_by_name(tmp_path):
    python_model = "READS = ('fct_a', 'fct_gone')\n\ndef build(con):\n    return con.sql('select 1').df()\n"
    models = write_models(tmp_path, {**GOOD, "marts/mart_fit.py": python_model})
    assert problems_of(models) == [
        "models/marts/mart_fit.py: declares {{ ref('fct_gone') }}, but no model or reference table is called "
        "fct_gone (expected the name of a model file or a ref_ table)"]


def test_comments_strings_and_step_names_are_not_tables(tmp_path):
    # fct_a appears in a comment, a string and as part of a CTE's name: none of them reads it.
    sql = ("-- unlike fct_a, this counts nothing\n"
           "with fct_a_counted as (select 'fct_a' as label, count(*) as n from {{ ref('ref_indicators') }})\n"
           "select * from fct_a_counted")
    models = discover(write_models(tmp_path, {**GOOD, "marts/fct_b.sql": sql}))
    assert models["fct_b"].depends_on == set()  # ref_indicators is a reference table, loaded before models


def test_a_circle_of_declarations_stops_the_build(tmp_path):
    models = write_models(tmp_path, {"marts/fct_a.sql": "select * from {{ ref('fct_b') }}",
                                     "marts/fct_b.sql": "select * from {{ ref('fct_a') }}"})
    [problem] = problems_of(models)
    assert problem.startswith("models/marts/fct_") and "is in a circle of declared inputs: fct_" in problem


def test_unknown_template_and_unparsable_sql_are_named(tmp_path):
    models = write_models(tmp_path, {**GOOD, "marts/fct_b.sql": 'select * from {{ ref("fct_a") }}',
                                     "marts/fct_c.sql": "select * frm {{ ref('fct_a') }}"})
    problems = problems_of(models)
    assert problems[0] == ("models/marts/fct_b.sql: has a template it does not know: {{ ref(\"fct_a\") }} "
                           "(expected {{ ref('name') }}, {{ source('name') }} or {{ valid_rows('name') }})")
    assert problems[1].startswith("models/marts/fct_c.sql: cannot be parsed: ")


def test_build_stops_before_touching_the_warehouse(tmp_path, tiny_raw, monkeypatch):
    monkeypatch.setattr(etl.models, "MODELS_DIR",
                        write_models(tmp_path, {**GOOD, "marts/fct_b.sql": "select * from fct_a"}))
    db = tmp_path / "out" / "warehouse.duckdb"
    db.parent.mkdir()
    db.write_bytes(b"the previous warehouse")
    with pytest.raises(BuildFailed) as failure:
        build(tiny_raw, db, echo=lambda _: None)
    assert failure.value.summary() == (
        "The build stopped; the previous warehouse was left as it was.\n"
        "* models/marts/fct_b.sql: reads fct_a without declaring it (expected {{ ref('fct_a') }} where it is read)")
    assert db.read_bytes() == b"the previous warehouse"
    assert [path.name for path in db.parent.iterdir()] == ["warehouse.duckdb"]  # no work folder left behind


def test_real_models_declare_what_they_read():
    models = discover()
    # int_practice_council__weights joins the shares of each practice's patients to its list size.
    assert models["int_practice_council__weights"].depends_on == {"mart_practice_council_share",
                                                                  "int_practice_quarter__population"}
    # Staging reads raw sources only, which are not models.
    assert all(not model.depends_on for model in models.values() if model.layer == "staging")
