"""The shared groups file's checks that look across rows and across sources.

A row of the groups file can be wrong in ways no single-row rule sees: its member code may be in no
directory of its member type, it may repeat a member already listed, or it may give its group code a
second name. Each such row is rejected into dq_rejected_rows with its file, line, the column as the file
writes it, and what was expected; the other rows are built. Unlike the national sources, whose duplicate
keys stop the build (which of two rows is right cannot be known), a repeated member means the same thing
twice, and a group someone typed by hand should not stop a whole build.

These run in the build's cross-file step (after the key and reference checks), never per file: whether a
member code is known depends on the other sources loaded, so the load cache must not keep the answer.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from etl.loaders import quote_ident, scalar, valid_rows
from etl.rawfiles import RawFile
from etl.sources import load_sources

SOURCE = "practice_groups"

# What each member type is resolved against: the raw sources (and their columns) that know its codes.
MEMBER_DIRECTORIES = {
    "practice": ("practice_map.practice_code", "epraccur.practice_code"),
    "pcn": ("practice_map.pcn_code",),
    "locality": ("council_localities.locality_code",),
}
MEMBER_WORDS = {"practice": "practice", "pcn": "PCN", "locality": "council locality"}


def reject_bad_members(con: duckdb.DuckDBPyConnection, recognised: list[RawFile]) -> None:
    """Reject unknown member codes, then repeated members, then second names, in that order (so a row is
    rejected for its first fault only, and a rejected row never counts as the first of a repeat)."""
    files = [(file_id, raw) for file_id, raw in enumerate(recognised, start=1) if raw.source.name == SOURCE]
    if not files:
        return
    headers = pd.DataFrame({
        "file_id": [file_id for file_id, _ in files],
        "file": [raw.name for _, raw in files],
        "group_code_header": [_written(raw, "group_code") for _, raw in files],
        "group_name_header": [_written(raw, "group_name") for _, raw in files],
        "member_code_header": [_written(raw, "member_code") for _, raw in files],
    })
    con.register("group_headers", headers)
    try:
        _reject_unknown_members(con)
        _reject_repeated_members(con)
        _reject_second_names(con)
    finally:
        con.unregister("group_headers")


def _written(raw: RawFile, column: str) -> str:
    return (raw.match.mapping.get(column, column) if raw.match else column).replace("\ufeff", "").strip()


def _insert(con: duckdb.DuckDBPyConnection, select: str, params: list | None = None) -> None:
    con.execute("insert into dq_rejected_rows (file_id, file, source, line, \"column\", value, reason) " + select,
                params or [])


def _reject_unknown_members(con: duckdb.DuckDBPyConnection) -> None:
    titles = {name: source.title for name, source in load_sources().items()}
    for member_type, directories in MEMBER_DIRECTORIES.items():
        known = " union ".join(
            f"select upper(trim({quote_ident(ref.split('.')[1])})) as code from {valid_rows(ref.split('.')[0])}"
            for ref in directories)
        named = " nor the ".join(titles[ref.split(".")[0]] for ref in directories)
        if scalar(con, f"select exists ({known})"):
            reason = f"'code ' || upper(trim(rows.member_code)) || ' is no {MEMBER_WORDS[member_type]} in the ' || ?"
        else:  # nothing to resolve it against: it would select no practice, so say so rather than keep it
            reason = f"'a {MEMBER_WORDS[member_type]} cannot be resolved to practices without the ' || ?"
        _insert(con, f"""
            select rows.file_id, headers.file, '{SOURCE}', rows.line, headers.member_code_header,
                rows.member_code, {reason}
            from {valid_rows(SOURCE)} as rows
            inner join group_headers as headers using (file_id)
            anti join ({known}) as known on upper(trim(rows.member_code)) = known.code
            where label_key(rows.member_type) = '{member_type}'
        """, [named])


def _reject_repeated_members(con: duckdb.DuckDBPyConnection) -> None:
    _insert(con, f"""
        with numbered as (
            select
                rows.*,
                first_value(rows.line) over same_member as first_line,
                first_value(rows.file_id) over same_member as first_file_id,
                row_number() over same_member as occurrence
            from {valid_rows(SOURCE)} as rows
            window same_member as (
                partition by upper(trim(rows.group_code)), label_key(rows.member_type), upper(trim(rows.member_code))
                order by rows.file_id, rows.line
            )
        )
        select numbered.file_id, headers.file, '{SOURCE}', numbered.line, headers.member_code_header,
            numbered.member_code,
            'repeats line ' || numbered.first_line
            || case when numbered.first_file_id <> numbered.file_id then ' of ' || first_headers.file else '' end
            || ' (expected each member once in a group)'
        from numbered
        inner join group_headers as headers using (file_id)
        inner join group_headers as first_headers on numbered.first_file_id = first_headers.file_id
        where numbered.occurrence > 1
    """)


def _reject_second_names(con: duckdb.DuckDBPyConnection) -> None:
    # The name on a group code's first line is its name; a row that names it otherwise is the one rejected.
    _insert(con, f"""
        with named as (
            select
                rows.*,
                first_value(trim(rows.group_name)) over same_group as first_name,
                first_value(rows.line) over same_group as first_line
            from {valid_rows(SOURCE)} as rows
            window same_group as (partition by upper(trim(rows.group_code)) order by rows.file_id, rows.line)
        )
        select named.file_id, headers.file, '{SOURCE}', named.line, headers.group_name_header, named.group_name,
            'group ' || upper(trim(named.group_code)) || ' is named ''' || named.first_name || ''' on line '
            || named.first_line || ' (expected one name for each group code)'
        from named
        inner join group_headers as headers using (file_id)
        where trim(named.group_name) <> named.first_name
    """)
