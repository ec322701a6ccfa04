"""Run the YAML contract beside each model against the built warehouse.

A contract states the model's grain, the raw sources it cannot be built without (`requires`),
documents every column, and lists tests. Column tests:
not_null, unique, accepted_values: [...], between: [low, high], relationships: model.column.
Model tests: unique: [columns] (the grain), expression: <true for every row>, sql: <query whose
rows are violations>. Columns in the table and in the contract must match both ways, so the
documentation cannot drift from the SQL. Every failure is collected, none stops the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from etl.loaders import scalar


@dataclass
class Contract:
    model: str
    grain: str
    description: str
    columns: dict[str, dict]
    tests: list
    requires: list[str]  # sources it cannot be built without; "a | b" means either will do

    @classmethod
    def load(cls, path: Path) -> "Contract":
        body = yaml.safe_load(path.read_text())
        return cls(
            model=body["model"],
            grain=body.get("grain", ""),
            description=(body.get("description") or "").strip(),
            columns={name: (spec or {}) for name, spec in (body.get("columns") or {}).items()},
            tests=list(body.get("tests") or []),
            requires=list(body.get("requires") or []),
        )

    def missing_requirements(self, present: set[str]) -> list[list[str]]:
        """Each requirement none of whose alternative sources is present."""
        alternatives = [[name.strip() for name in entry.split("|")] for entry in self.requires]
        return [names for names in alternatives if not any(name in present for name in names)]


def contract_path(model_path: Path) -> Path:
    return model_path.with_suffix(".yml")


def _quote(name: str) -> str:
    return '"' + name + '"'


def _checks(contract: Contract) -> list[tuple[str, str]]:
    """(description, SQL counting violations) for every test in a contract."""
    table = contract.model
    checks = []
    for column, spec in contract.columns.items():
        col = _quote(column)
        for test in spec.get("tests") or []:
            kind, arg = (test, None) if isinstance(test, str) else next(iter(test.items()))
            if kind == "not_null":
                checks.append((f"{column} is never null", f"select count(*) from {table} where {col} is null"))
            elif kind == "unique":
                checks.append((f"{column} is unique",
                               f"select count(*) from (select {col} from {table} where {col} is not null "
                               f"group by {col} having count(*) > 1)"))
            elif kind == "accepted_values":
                values = ", ".join("'" + str(v).replace("'", "''") + "'" for v in arg)
                checks.append((f"{column} is one of {arg}",
                               f"select count(*) from {table} where {col} is not null and {col}::varchar not in ({values})"))
            elif kind == "between":
                low, high = arg
                checks.append((f"{column} is between {low} and {high}",
                               f"select count(*) from {table} where {col} < {low} or {col} > {high}"))
            elif kind == "relationships":
                other, other_column = arg.split(".")
                checks.append((f"every {column} is in {arg}",
                               f"select count(*) from {table} where {col} is not null and {col} not in "
                               f"(select {_quote(other_column)} from {other} where {_quote(other_column)} is not null)"))
            else:
                raise ValueError(f"{table}: unknown column test {kind!r}")
    for test in contract.tests:
        kind, arg = next(iter(test.items()))
        if kind == "unique":
            columns = ", ".join(_quote(c) for c in arg)
            checks.append((f"one row per {', '.join(arg)}",
                           f"select count(*) from (select {columns} from {table} group by {columns} having count(*) > 1)"))
        elif kind == "expression":
            checks.append((f"every row has {arg}", f"select count(*) from {table} where not coalesce(({arg}), false)"))
        elif kind == "sql":
            checks.append((test.get("description", arg.strip().splitlines()[0]), f"select count(*) from ({arg})"))
        else:
            raise ValueError(f"{table}: unknown model test {kind!r}")
    return checks


def check(con: duckdb.DuckDBPyConnection, contract: Contract) -> list[str]:
    """Every way the table breaks its contract, as user-facing sentences; empty when it holds."""
    failures = []
    actual = [row[0] for row in con.execute(f"describe {contract.model}").fetchall()]
    undocumented = [c for c in actual if c not in contract.columns]
    missing = [c for c in contract.columns if c not in actual]
    if undocumented:
        failures.append(f"{contract.model}: columns not in its contract: {', '.join(undocumented)}")
    if missing:
        failures.append(f"{contract.model}: contract columns the model does not produce: {', '.join(missing)}")
        return failures
    for description, sql in _checks(contract):
        try:
            violations = scalar(con, sql)
        except duckdb.Error as error:
            failures.append(f"{contract.model}: contract test '{description}' could not run: {error}")
            continue
        if violations:
            failures.append(f"{contract.model}: {violations} row(s) break '{description}'")
    return failures
