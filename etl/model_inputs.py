"""How a model names the tables it reads, and the check that it names every one.

A SQL model reads other tables only through three forms, which the build replaces before DuckDB
sees the SQL (dbt's ref() and source(), kept to what this project needs):

    {{ ref('fct_registrations') }}      another model, or a reference table (ref_*, etl/reference)
    {{ source('registrations') }}       a raw source, every row as published (raw.registrations)
    {{ valid_rows('registrations') }}   the rows of a raw source that no rule rejected

The declaration sits where the table is read, not in a list in the contract: a list is a second
place to edit, and it drifts (a join added, the list forgotten). The build still checks both ways,
because a bare table name compiles just as well: DuckDB's own parser lists the tables the compiled
SQL reads (so comments, strings and CTE names are not mistaken for tables), and a table read but
not declared, or declared but not existing, stops the build before the warehouse is touched.

A Python model (a statistical fit) declares `READS`, a tuple of the names ref() takes. Its reads
cannot be parsed, so only those names are checked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import duckdb

from etl.errors import ModelError
from etl.loaders import valid_rows

FORM_NAMES = ("ref", "source", "valid_rows")
TEMPLATE = re.compile(r"\{\{\s*(" + "|".join(FORM_NAMES) + r")\(\s*'(\w+)'\s*\)\s*\}\}")
ANY_TEMPLATE = re.compile(r"\{\{.*?\}\}", re.DOTALL)
FORMS = "{{ ref('name') }}, {{ source('name') }} or {{ valid_rows('name') }}"


@dataclass(frozen=True)
class Declared:
    refs: frozenset[str] = frozenset()  # models and reference tables
    sources: frozenset[str] = frozenset()  # raw sources, through source() or valid_rows()
    filters_rejected: bool = False  # valid_rows() reads dq_rejected_rows

    def allows(self, table: str) -> bool:
        schema, _, name = table.rpartition(".")
        if schema == "raw":
            return name in self.sources
        return not schema and (name in self.refs or (name == "dq_rejected_rows" and self.filters_rejected))


def declared_in_sql(sql: str) -> Declared:
    found = TEMPLATE.findall(sql)
    return Declared(refs=frozenset(name for form, name in found if form == "ref"),
                    sources=frozenset(name for form, name in found if form != "ref"),
                    filters_rejected=any(form == "valid_rows" for form, _ in found))


def compile_sql(sql: str) -> str:
    def expand(match: re.Match) -> str:
        form, name = match.groups()
        return {"ref": name, "source": f"raw.{name}", "valid_rows": valid_rows(name)}[form]

    return TEMPLATE.sub(expand, sql)


def problems_in_sql(model_file: str, sql: str, declared: Declared) -> list[ModelError]:
    """Templates that are none of the three forms, SQL DuckDB cannot parse, and tables read undeclared."""
    compiled = compile_sql(sql)
    unknown = ANY_TEMPLATE.findall(compiled)
    if unknown:
        return [ModelError(model_file, f"has a template it does not know: {' '.join(form.split())}", expected=FORMS)
                for form in unknown]
    read, parse_error = tables_read(compiled)
    if parse_error:
        return [ModelError(model_file, f"cannot be parsed: {parse_error}")]
    return [ModelError(model_file, f"reads {table} without declaring it", expected=_declaration_for(table))
            for table in sorted(read) if not declared.allows(table)]


def problems_in_names(model_file: str, declared: Declared, tables: set[str], sources: set[str]) -> list[ModelError]:
    """Declarations of tables no model, reference file or raw source makes."""
    problems = [ModelError(model_file, f"declares {{{{ ref('{name}') }}}}, but no model or reference table "
                                       f"is called {name}", expected="the name of a model file or a ref_ table")
                for name in sorted(declared.refs - tables)]
    problems += [ModelError(model_file, f"declares the raw source {name}, but etl/sources.yml has no source "
                                        f"called {name}", expected="a source name from etl/sources.yml")
                 for name in sorted(declared.sources - sources)]
    return problems


def _declaration_for(table: str) -> str:
    schema, _, name = table.rpartition(".")
    if schema == "raw":
        return f"{{{{ source('{name}') }}}} or {{{{ valid_rows('{name}') }}}} where it is read"
    return f"{{{{ ref('{name}') }}}} where it is read"


_parser = None


def tables_read(sql: str) -> tuple[set[str], str]:
    """The tables a statement reads ("name" or "schema.name"), by DuckDB's parser, with no database:
    (tables, "") or (set(), the parser's message). CTE names are not tables; a CTE that shadows a
    table's name hides it throughout the statement, which models avoid by naming CTEs for their step."""
    global _parser
    if _parser is None:
        _parser = duckdb.connect()  # an in-memory database, only for its parser
    tree = json.loads(_parser.execute("select json_serialize_sql(?)", [sql]).fetchone()[0])
    if tree.get("error"):
        return set(), tree.get("error_message", "unknown parser error")
    tables: set[tuple[str, str]] = set()
    ctes: set[str] = set()
    _walk(tree, tables, ctes)
    return {f"{schema}.{name}" if schema else name for schema, name in tables if schema or name not in ctes}, ""


def _walk(node, tables: set[tuple[str, str]], ctes: set[str]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE":
            tables.add((node["schema_name"], node["table_name"]))
        ctes.update(item["key"] for item in (node.get("cte_map") or {}).get("map", []))
        for value in node.values():
            _walk(value, tables, ctes)
    elif isinstance(node, list):
        for value in node:
            _walk(value, tables, ctes)
