"""Discover the SQL models, order them by their references, and run them.

The folder is the layer: staging models type and filter the raw tables, intermediate models
join and decide, marts are what users read. All are materialised as tables: a staging model is read
by several models and by its contract, and parsing 14 million raw rows once beats parsing them at
every read. Staging tables and the raw layer are dropped when the build ends. A model's dependencies are the other models its SQL names, so there is no
separate DAG to keep in step. `{{ valid_rows('source') }}` is the one template: the raw rows of a
source that no rule rejected, so the rejection rule is written once.

A model that SQL cannot express (a statistical fit) is a Python file in the same folders, named like
the table it makes, with `build(con) -> pandas.DataFrame` and `READS`, the tables it reads: its
dependencies, declared because prose in a Python file would be mistaken for table names.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from etl.loaders import valid_rows

MODELS_DIR = Path(__file__).with_name("models")
REFERENCE_DIR = Path(__file__).with_name("reference")
INDICATORS_DIR = Path(__file__).with_name("indicators")
LAYERS = ("staging", "intermediate", "marts")
VALID_ROWS = re.compile(r"\{\{\s*valid_rows\('(\w+)'\)\s*\}\}")


@dataclass
class Model:
    name: str
    layer: str
    path: Path
    sql: str  # the SQL, or a Python model's source
    depends_on: set[str] = field(default_factory=set)

    @property
    def is_python(self) -> bool:
        return self.path.suffix == ".py"

    @property
    def kept(self) -> bool:
        """Whether the model stays in the warehouse users read (staging exists only during the build)."""
        return self.layer != "staging"

    def compiled_sql(self) -> str:
        return VALID_ROWS.sub(lambda match: valid_rows(match.group(1)), self.sql)


def discover() -> dict[str, Model]:
    models = {}
    for layer in LAYERS:
        for path in sorted([*(MODELS_DIR / layer).glob("*.sql"), *(MODELS_DIR / layer).glob("*.py")]):
            if path.stem in models:
                raise ValueError(f"two models are called {path.stem}: {models[path.stem].path.name} and {path.name}")
            models[path.stem] = Model(path.stem, layer, path, path.read_text())
    names = set(models)
    for model in models.values():
        if model.is_python:
            words = set(python_module(model).READS)
        else:
            words = set(re.findall(r"\b[a-z_][a-z0-9_]*\b", _strip_comments(model.sql)))
        model.depends_on = (words & names) - {model.name}
    return models


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


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
    names = []
    for path in sorted(REFERENCE_DIR.glob("*.csv")):
        name = f"ref_{path.stem}"
        con.execute(f"create or replace table {name} as select * from read_csv(?, header = true, auto_detect = true)",
                    [str(path)])
        names.append(name)
    con.register("indicator_frame", indicator_definitions())
    con.execute("create or replace table ref_indicators as select * from indicator_frame")
    con.unregister("indicator_frame")
    return names + ["ref_indicators"]


def indicator_definitions() -> pd.DataFrame:
    """One row per indicator definition file: what it measures, how, and why it matters."""
    rows = []
    for path in sorted(INDICATORS_DIR.glob("*.yml")):
        spec = yaml.safe_load(path.read_text())
        scoring = spec.get("scoring") or {}
        rows.append({
            "indicator_id": spec["id"], "kind": spec["kind"], "name": spec["name"], "domain": spec.get("domain"),
            "definition": spec["definition"], "numerator": spec["numerator"], "denominator": spec["denominator"],
            "unit": spec["unit"], "multiplier": float(spec.get("multiplier") or 1), "polarity": spec["polarity"],
            "source": spec["source"], "source_labels": list(spec.get("source_labels") or []),
            "denominator_kind": spec.get("denominator_kind"), "scoring_kind": scoring.get("kind"),
            "scoring_target": float(scoring["target"]) if "target" in scoring else None,
            "why_it_matters": " ".join(spec["why_it_matters"].split()), "definition_file": f"etl/indicators/{path.name}",
            # a monthly measure with a yearly pattern: its SPC charts read the seasonally adjusted series
            # when the build finds the pattern in the data (mart_seasonal_index, etl/stats/seasonal.py)
            "seasonal": bool(spec.get("seasonal", False)), "seasonality": spec.get("seasonality"),
        })
    return pd.DataFrame(rows)
