"""Run the YAML contract beside each model against the built warehouse.

A contract states the model's grain, the raw sources it cannot be built without (`requires`),
documents every column, and lists tests. Column tests:
not_null, unique, accepted_values: [...], between: [low, high], relationships: model.column.
Model tests: unique: [columns] (the grain), expression: <true for every row>, sql: <query whose
rows are violations>. Columns in the table and in the contract must match both ways, so the
documentation cannot drift from the SQL. Every failure is collected, none stops the others.

A column may also carry the words the pages and downloads show for it (dashboard/catalogue.py reads
them): `label` (a plain-English name, "Planned") and `unit` (one of UNITS, so a header can say
"Planned (£)"). They are optional here because most columns are never shown; the catalogue's test
requires them for every column a page grid or a download shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from etl.loaders import scalar

# What a shown number is, and the words a header adds for it. A header names the unit only where the
# number alone is ambiguous (money, a percentage); a share is held as a fraction (0.25) and shown as 25%.
UNITS = {
    "£": " (£)",  # pounds
    "%": " (%)",  # a percentage, 0-100 (a change, an effect)
    "share": "",  # a proportion, 0-1, shown as a percentage
    "0-100": "",  # a score out of 100 (the joint-working index and its domains)
    "count": "",  # a whole number of people, practices, lines...
    "rate": "",  # in the row's unit (per 1,000 patients, per 100,000 aged 65+...)
    "number": "",  # any other number (an index of 1 = average, a factor)
    "text": "",
    "date": "",
}


# What a column's entry may say: same_as and computed_in are for named queries' contracts
# (dashboard/queries/*.yml), whose columns may be a model's column or worked out in Python.
COLUMN_KEYS = {"description", "tests", "label", "unit", "same_as", "computed_in"}


@dataclass
class Contract:
    model: str
    grain: str
    description: str
    columns: dict[str, dict]
    tests: list
    requires: list[str]  # sources it cannot be built without; "a | b" means either will do
    path: Path | None = None  # the file, to name it in problems()

    @classmethod
    def load(cls, path: Path) -> "Contract":
        body = yaml.safe_load(path.read_text())
        return cls(
            path=path,
            model=body.get("model") or body["query"],  # a named query's contract says query:
            grain=body.get("grain", ""),
            description=(body.get("description") or "").strip(),
            columns={name: (spec or {}) for name, spec in (body.get("columns") or {}).items()},
            tests=list(body.get("tests") or []),
            requires=list(body.get("requires") or []),
        )

    def problems(self) -> list[str]:
        """Every column whose label or unit is malformed, naming the file and the column."""
        where = self.path.name if self.path else self.model
        found = []
        for name, spec in self.columns.items():
            # an unknown key is most often a description cut at a comma in YAML's {flow: style}
            unknown = set(spec) - COLUMN_KEYS
            if unknown:
                found.append(f"{where}: column {name}: unknown keys {', '.join(sorted(map(str, unknown)))} "
                             "(quote a description that has a comma)")
            unit, label = spec.get("unit"), spec.get("label")
            if unit is not None and unit not in UNITS:
                found.append(f"{where}: column {name}: unknown unit {unit!r} (one of {', '.join(UNITS)})")
            if label is not None and not (isinstance(label, str) and label.strip()):
                found.append(f"{where}: column {name}: label must be non-empty text")
        return found

    def missing_requirements(self, present: set[str]) -> list[list[str]]:
        """Each requirement none of whose alternative sources is present."""
        alternatives = [[name.strip() for name in entry.split("|")] for entry in self.requires]
        return [names for names in alternatives if not any(name in present for name in names)]


def contract_path(model_path: Path) -> Path:
    return model_path.with_suffix(".yml")


def _quote(name: str) -> str:
    return '"' + name + '"'


@dataclass(frozen=True)
class Check:
    """One contract test: `where` is true for a violating row of the model (counted with the others in
    one scan), or `sql` counts the violations itself (grouping, another table)."""

    description: str
    where: str | None = None
    sql: str | None = None

    def counting(self, table: str) -> str:
        return self.sql or f"select count(*) from {table} where {self.where}"


def _checks(contract: Contract) -> list[Check]:
    """Every test in a contract."""
    table = contract.model
    checks = []
    for column, spec in contract.columns.items():
        col = _quote(column)
        for test in spec.get("tests") or []:
            kind, arg = (test, None) if isinstance(test, str) else next(iter(test.items()))
            if kind == "not_null":
                checks.append(Check(f"{column} is never null", where=f"{col} is null"))
            elif kind == "unique":
                checks.append(Check(f"{column} is unique",
                                    sql=f"select count(*) from (select {col} from {table} where {col} is not null "
                                        f"group by {col} having count(*) > 1)"))
            elif kind == "accepted_values":
                values = ", ".join("'" + str(v).replace("'", "''") + "'" for v in arg)
                checks.append(Check(f"{column} is one of {arg}",
                                    where=f"{col} is not null and {col}::varchar not in ({values})"))
            elif kind == "between":
                low, high = arg
                checks.append(Check(f"{column} is between {low} and {high}", where=f"{col} < {low} or {col} > {high}"))
            elif kind == "relationships":
                other, other_column = arg.split(".")
                checks.append(Check(f"every {column} is in {arg}",
                                    sql=f"select count(*) from {table} where {col} is not null and {col} not in "
                                        f"(select {_quote(other_column)} from {other} "
                                        f"where {_quote(other_column)} is not null)"))
            else:
                raise ValueError(f"{table}: unknown column test {kind!r}")
    for test in contract.tests:
        kind, arg = next(iter(test.items()))
        if kind == "unique":
            columns = ", ".join(_quote(c) for c in arg)
            checks.append(Check(f"one row per {', '.join(arg)}",
                                sql=f"select count(*) from (select {columns} from {table} "
                                    f"group by {columns} having count(*) > 1)"))
        elif kind == "expression":
            checks.append(Check(f"every row has {arg}", where=f"not coalesce(({arg}), false)"))
        elif kind == "sql":
            checks.append(Check(test.get("description", arg.strip().splitlines()[0]),
                                sql=f"select count(*) from ({arg})"))
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
    checks = _checks(contract)
    counts = _row_test_counts(con, contract.model, [check for check in checks if check.where])
    for check in checks:
        try:
            violations = counts[check] if check in counts else scalar(con, check.counting(contract.model))
        except duckdb.Error as error:
            failures.append(f"{contract.model}: contract test '{check.description}' could not run: {error}")
            continue
        if violations:
            failures.append(f"{contract.model}: {violations} row(s) break '{check.description}'")
    return failures


def _row_test_counts(con: duckdb.DuckDBPyConnection, table: str, checks: list[Check]) -> dict[Check, int]:
    """The row tests' violations counted in one scan of the table (a scan each cost 4 s a national build).
    Empty when that query cannot run: each test then runs alone, so the one at fault is named."""
    if not checks:
        return {}
    counted = ", ".join(f"count(*) filter (where {check.where})" for check in checks)
    try:
        return dict(zip(checks, con.execute(f"select {counted} from {table}").fetchall()[0]))
    except duckdb.Error:
        return {}
