"""Discover the SQL models, order them by their references, and run them.

The folder is the layer: staging models type and filter the raw tables, intermediate models
join and decide, marts are what users read. All are materialised as tables: a staging model is read
by several models and by its contract, and parsing 14 million raw rows once beats parsing them at
every read. Staging tables and the raw layer are dropped when the build ends. A model's dependencies are the other models its SQL names, so there is no
separate DAG to keep in step. `{{ valid_rows('source') }}` is the one template: the raw rows of a
source that no rule rejected, so the rejection rule is written once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

MODELS_DIR = Path(__file__).with_name("models")
LAYERS = ("staging", "intermediate", "marts")
VALID_ROWS = re.compile(r"\{\{\s*valid_rows\('(\w+)'\)\s*\}\}")


@dataclass
class Model:
    name: str
    layer: str
    path: Path
    sql: str
    depends_on: set[str] = field(default_factory=set)

    @property
    def kept(self) -> bool:
        """Whether the model stays in the warehouse users read (staging exists only during the build)."""
        return self.layer != "staging"

    def compiled_sql(self) -> str:
        def expand(match: re.Match) -> str:
            source = match.group(1)
            return (
                f"(select raw_rows.* from raw.{source} as raw_rows anti join "
                f"(select file_id, line from dq_rejected_rows where source = '{source}') using (file_id, line))"
            )

        return VALID_ROWS.sub(expand, self.sql)


def discover() -> dict[str, Model]:
    models = {}
    for layer in LAYERS:
        for path in sorted((MODELS_DIR / layer).glob("*.sql")):
            sql = path.read_text()
            models[path.stem] = Model(path.stem, layer, path, sql)
    names = set(models)
    for model in models.values():
        words = set(re.findall(r"\b[a-z_][a-z0-9_]*\b", _strip_comments(model.sql)))
        model.depends_on = (words & names) - {model.name}
    return models


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def build_order(models: dict[str, Model]) -> list[Model]:
    graph = {name: model.depends_on for name, model in models.items()}
    return [models[name] for name in TopologicalSorter(graph).static_order()]


def run(con: duckdb.DuckDBPyConnection, model: Model) -> None:
    con.execute(f"create or replace table {model.name} as\n{model.compiled_sql()}")


def load_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((MODELS_DIR / "macros.sql").read_text())
