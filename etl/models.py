"""Discover the SQL models, order them by the tables they declare reading, and run them.

The folder is the layer: staging models type and filter the raw tables, intermediate models
join and decide, marts are what users read. All are materialised as tables: a staging model is read
by several models and by its contract, and parsing 14 million raw rows once beats parsing them at
every read. Staging tables and the raw layer are dropped when the build ends.

A model names each table it reads where it reads it (`{{ ref('fct_registrations') }}`,
`{{ valid_rows('registrations') }}`: etl/model_inputs.py), so the build order comes from the SQL
itself, with no separate DAG to keep in step, and a model that reads what it does not declare
stops the build before anything is written.

A model that SQL cannot express (a statistical fit) is a Python file in the same folders, named like
the table it makes, with `build(con) -> pandas.DataFrame` and `READS`, the tables it reads.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from etl import model_inputs
from etl.errors import BuildFailed, ModelError
from etl.sources import load_sources

MODELS_DIR = Path(__file__).with_name("models")
REFERENCE_DIR = Path(__file__).with_name("reference")
INDICATORS_DIR = Path(__file__).with_name("indicators")
LAYERS = ("staging", "intermediate", "marts")


@dataclass
class Model:
    name: str
    layer: str
    path: Path
    sql: str  # the SQL, or a Python model's source
    depends_on: set[str] = field(default_factory=set)  # the models it declares reading

    @property
    def is_python(self) -> bool:
        return self.path.suffix == ".py"

    @property
    def kept(self) -> bool:
        """Whether the model stays in the warehouse users read (staging exists only during the build)."""
        return self.layer != "staging"

    def compiled_sql(self) -> str:
        return model_inputs.compile_sql(self.sql)


def discover(models_dir: Path | None = None) -> dict[str, Model]:
    """Every model, with the models it declares reading. Raises BuildFailed, naming each model file
    and table, if any model reads a table it does not declare, declares one that does not exist, or
    the declarations go round in a circle."""
    models_dir = models_dir or MODELS_DIR
    models: dict[str, Model] = {}
    problems: list[ModelError] = []
    for layer in LAYERS:
        for path in sorted([*(models_dir / layer).glob("*.sql"), *(models_dir / layer).glob("*.py")]):
            if path.stem in models:
                problems.append(ModelError(_shown(path), f"makes the same table as {_shown(models[path.stem].path)}",
                                           expected="one model file per table name"))
                continue
            models[path.stem] = Model(path.stem, layer, path, path.read_text())
    tables = set(models) | set(reference_tables())
    sources = set(load_sources())
    for model in models.values():
        if model.is_python:
            declared = model_inputs.Declared(refs=frozenset(python_module(model).READS))
        else:
            declared = model_inputs.declared_in_sql(model.sql)
            problems += model_inputs.problems_in_sql(_shown(model.path), model.sql, declared)
        problems += model_inputs.problems_in_names(_shown(model.path), declared, tables, sources)
        model.depends_on = set(declared.refs & set(models))
    if not problems:
        try:
            build_order(models)
        except CycleError as error:
            circle = error.args[1]
            problems.append(ModelError(_shown(models[circle[0]].path),
                                       f"is in a circle of declared inputs: {' -> '.join(circle)}",
                                       expected="each model to read only models that do not read it"))
    if problems:
        raise BuildFailed([str(problem) for problem in problems])
    return models


def _shown(path: Path) -> str:
    """A model file as users see it in messages: models/<layer>/<file>."""
    return path.relative_to(path.parents[2]).as_posix()


def build_order(models: dict[str, Model]) -> list[Model]:
    graph = {name: model.depends_on for name, model in models.items()}
    return [models[name] for name in TopologicalSorter(graph).static_order()]


def run(con: duckdb.DuckDBPyConnection, model: Model) -> None:
    if model.is_python:
        frame = python_module(model).build(con)
        con.register("python_model_frame", frame)
        try:
            con.execute(f"create or replace table {model.name} as select * from python_model_frame")
        finally:
            con.unregister("python_model_frame")
        return
    con.execute(f"create or replace table {model.name} as\n{model.compiled_sql()}")


def python_module(model: Model):
    """A Python model's module, loaded from its file (the model folders are not a package)."""
    spec = importlib.util.spec_from_file_location(f"etl_model_{model.name}", model.path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((MODELS_DIR / "macros.sql").read_text())


def load_reference(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Curated code lists (etl/reference/*.csv) and indicator definitions (etl/indicators/*.yml).

    They are loaded before any raw file, because row rules check values against them (an unknown BCF
    scheme type is rejected with its sheet, row and column), and they stay in the warehouse for the
    dashboard's definitions. Returns the table names.
    """
    for name, path in _reference_files().items():
        con.execute(f"create or replace table {name} as select * from read_csv(?, header = true, auto_detect = true)",
                    [str(path)])
    con.register("indicator_frame", indicator_definitions())
    con.execute("create or replace table ref_indicators as select * from indicator_frame")
    con.unregister("indicator_frame")
    return reference_tables()


def reference_tables() -> list[str]:
    """The reference tables models may ref(): one per code list, and the indicator definitions."""
    return [*_reference_files(), "ref_indicators"]


def _reference_files() -> dict[str, Path]:
    return {f"ref_{path.stem}": path for path in sorted(REFERENCE_DIR.glob("*.csv"))}


# Where an outcome measure is shown, declared in its definition file so every page and download reads one
# answer (from ref_indicators):
#   order: its place in every list of outcome measures (the Outcomes page's chooser, the practice profile);
#   headline: true for the headline measures the overview, the downloads and the practice packs report;
#   practice_profile: true for those the practice profile draws (the case studies' four).
PLACES = ("order", "headline", "practice_profile")


def indicator_definitions() -> pd.DataFrame:
    """One row per indicator definition file: what it measures, how, why it matters and where it is shown.

    Raises BuildFailed with every misplaced measure (a bad order, a repeated one, a flag that is not true or
    false, a place given to an indicator that is not an outcome measure), each naming its file.
    """
    rows, problems = [], []
    for path in sorted(INDICATORS_DIR.glob("*.yml")):
        spec = yaml.safe_load(path.read_text())
        scoring = spec.get("scoring") or {}
        problems += _place_problems(f"etl/indicators/{path.name}", spec)
        rows.append({
            "indicator_id": spec["id"], "kind": spec["kind"], "name": spec["name"], "domain": spec.get("domain"),
            "definition": spec["definition"], "numerator": spec["numerator"], "denominator": spec["denominator"],
            "unit": spec["unit"], "multiplier": float(spec.get("multiplier") or 1), "polarity": spec["polarity"],
            "source": spec["source"], "source_labels": list(spec.get("source_labels") or []),
            "denominator_kind": spec.get("denominator_kind"), "scoring_kind": scoring.get("kind"),
            "scoring_target": float(scoring["target"]) if "target" in scoring else None,
            "why_it_matters": " ".join(spec["why_it_matters"].split()),
            "definition_file": f"etl/indicators/{path.name}",
            # a monthly measure with a yearly pattern: its SPC charts read the seasonally adjusted series
            # when the build finds the pattern in the data (mart_seasonal_index, etl/stats/seasonal.py)
            "seasonal": bool(spec.get("seasonal", False)), "seasonality": spec.get("seasonality"),
            "display_order": spec.get("order"), "is_headline": spec.get("headline") is True,
            "on_practice_profile": spec.get("practice_profile") is True,
        })
    problems += _repeated_orders(rows)
    if problems:
        raise BuildFailed(problems)
    frame = pd.DataFrame(rows)
    return frame.astype({"display_order": "Int64"})  # null for a measure with no place: listed last, by name


def _place_problems(file: str, spec: dict) -> list[str]:
    given = [key for key in PLACES if key in spec]
    if given and spec.get("kind") != "outcome":
        return [f"{file}: {', '.join(given)} can only place an outcome measure, and this is kind {spec.get('kind')!r}"]
    problems = []
    order = spec.get("order")
    # bool is an int in Python: `order: true` must not pass as place 1
    if "order" in spec and (isinstance(order, bool) or not isinstance(order, int) or order < 1):
        problems.append(f"{file}: order must be a whole number from 1 (the first listed), not {order!r}")
    for flag in ("headline", "practice_profile"):
        if flag in spec and not isinstance(spec[flag], bool):
            problems.append(f"{file}: {flag} must be true or false, not {spec[flag]!r}")
    return problems


def _repeated_orders(rows: list[dict]) -> list[str]:
    first: dict[int, str] = {}
    problems = []
    for row in rows:
        order = row["display_order"]
        if isinstance(order, bool) or not isinstance(order, int):
            continue  # already reported
        if order in first:
            problems.append(f"{row['definition_file']}: order {order} is also the order of {first[order]}; "
                            "give each outcome measure its own place")
        first.setdefault(order, row["definition_file"])
    return problems
