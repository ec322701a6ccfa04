"""Whether two warehouses hold the same data, table by table: how a rebuild from the load cache is
proved equal to a full build (tests/etl/test_rebuild.py, bench/rebuild.py).

Every table of either file is compared as a multiset of rows (`except all` both ways), values
exactly equal: no tolerance on numbers, lists in their order. The only columns left out are the
ones that name the build itself rather than the data (BUILD_STAMPS), and the only table the history of
earlier builds (HISTORY_TABLES).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.loaders import quote_ident, scalar

# Different in any two builds of the same files: when and which build (meta_build), and how long
# each file took to read (dq_load_log.seconds; 0 for a file reused from the load cache).
BUILD_STAMPS = {"meta_build": ("built_at", "build_id"), "dq_load_log": ("seconds",)}
# Made from the warehouse a build replaced as well as from the files (what changed since it, and its history):
# two builds of the same files over different earlier warehouses rightly differ here.
HISTORY_TABLES = {"mart_changes"}
# The tables that describe every table, by the column naming it: their rows for HISTORY_TABLES are left out too.
TABLES_BY = {"meta_models": "model", "meta_tables": "table_name"}


def differences(first: Path, second: Path) -> list[str]:
    """One line per table that differs (or exists in one file only); empty when they are the same."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{first}' as first_db (read_only)")
        con.execute(f"attach '{second}' as second_db (read_only)")
        tables = {database: {row[0] for row in con.execute(
            "select table_name from duckdb_tables() where database_name = ? and schema_name = 'main'",
            [database]).fetchall()} for database in ("first_db", "second_db")}
        found = [f"{name}: only in {first.name}" for name in sorted(tables["first_db"] - tables["second_db"])]
        found += [f"{name}: only in {second.name}" for name in sorted(tables["second_db"] - tables["first_db"])]
        for name in sorted(tables["first_db"] & tables["second_db"] - HISTORY_TABLES):
            found += _table_differences(con, name)
        return found
    finally:
        con.close()


def _table_differences(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    columns = {database: [row[0] for row in con.execute(
        "select column_name from duckdb_columns() where database_name = ? and schema_name = 'main' "
        "and table_name = ? order by column_index", [database, name]).fetchall()]
        for database in ("first_db", "second_db")}
    if columns["first_db"] != columns["second_db"]:
        return [f"{name}: columns differ ({columns['first_db']} vs {columns['second_db']})"]
    kept = [column for column in columns["first_db"] if column not in BUILD_STAMPS.get(name, ())]
    selected = ", ".join(quote_ident(column) for column in kept)
    table = quote_ident(name)
    where = ""
    if name in TABLES_BY:
        history = ", ".join(f"'{table_name}'" for table_name in sorted(HISTORY_TABLES))
        where = f" where {quote_ident(TABLES_BY[name])} not in ({history})"
    only_first = scalar(con, f"select count(*) from (select {selected} from first_db.{table}{where} except all "
                             f"select {selected} from second_db.{table}{where})")
    only_second = scalar(con, f"select count(*) from (select {selected} from second_db.{table}{where} except all "
                              f"select {selected} from first_db.{table}{where})")
    if not only_first and not only_second:
        return []
    columns_differing = [column for column in kept if scalar(
        con, f"select count(*) from (select {quote_ident(column)} from first_db.{table}{where} except all "
             f"select {quote_ident(column)} from second_db.{table}{where})")]
    return [f"{name}: {only_first} rows only in the first, {only_second} only in the second "
            f"(columns whose values differ: {', '.join(columns_differing) or 'none alone'})"]
