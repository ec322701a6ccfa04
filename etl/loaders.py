"""Load recognised raw files into `raw.<source>` tables, all text, one row per data line.

Every row keeps its file and physical line, so a rejection can name both. Row rules from
etl/sources.yml are checked in SQL (one scan per rule, fast even for national files), and each
violation becomes a row of dq_rejected_rows; staging models then read only rows with no rejection.
Structural faults (a line with too few or too many fields) are rejected the same way, except on
the last line, where they mean the file was cut short: that stops the build.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass

import duckdb
import pandas as pd

from etl import boundaries, workbooks
from etl.errors import SourceError
from etl.rawfiles import CP1252_UNDEFINED, RawFile
from etl.sources import Rule, load_sources

# One date parser for every format FORMATS.md lists (04JAN2021, 01Jan2022, 01-Sep-20, 20210401 ...).
DATE_FORMATS = ["%d%b%Y", "%d-%b-%y", "%d-%b-%Y", "%Y%m%d", "%Y-%m-%d", "%d/%m/%Y"]
DUCKDB_MAX_LINE_BYTES = 2_000_000  # DuckDB's default max_line_size: longer records get a second read


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def valid_rows(source_name: str) -> str:
    """The rows of raw.<source> that no rule rejected, as a subquery: the one statement of what
    "valid" means, read by the key and reference checks and by every staging model."""
    return (f"(select raw_rows.* from raw.{source_name} as raw_rows anti join "
            f"(select file_id, line from dq_rejected_rows where source = {quote_literal(source_name)}) "
            f"using (file_id, line))")


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    """The single value of a query, with the result fully read (DuckDB 2 keeps a half-read result
    open and refuses other work on the connection until it is finished)."""
    return con.execute(sql, params or []).fetchall()[0][0]


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    for source in load_sources().values():
        if source.format == "manifest":
            continue
        columns = ", ".join(f"{quote_ident(c)} varchar" for c in source.raw_columns)
        geojson = source.format == "geojson"
        extra = ", geometry_geojson varchar, centroid_lon double, centroid_lat double" if geojson else ""
        con.execute(
            f"create table raw.{source.name} (file_id integer, line bigint, _vintage integer, {columns}{extra})"
        )


@dataclass
class LoadResult:
    rows_read: int
    rows_rejected: int
    note: str = ""


def reads_in_duckdb(raw: RawFile) -> bool:
    """A CSV: DuckDB reads it with no Python in the way, so several can be read at once."""
    return raw.source.format in {"table", "headerless_csv"} and not raw.sheet


def load_file(con: duckdb.DuckDBPyConnection, raw: RawFile, file_id: int, sheets: SheetRows | None) -> LoadResult:
    """Put one file's rows in its raw table. Row rules run afterwards, once per source (apply_rules).
    Worksheet rows wait in `sheets` (None only for files that reads_in_duckdb)."""
    if reads_in_duckdb(raw):
        return _load_csv(con, raw, file_id)
    if raw.source.format == "table":  # a worksheet's table
        return _load_sheet(con, raw, file_id, sheets)
    if raw.source.format == "geojson":
        loaded = boundaries.load(con, raw, file_id)
        rejected = scalar(con, "select count(distinct line) from dq_rejected_rows where file_id = ?", [file_id])
        return LoadResult(loaded.rows_read, rejected, note=loaded.note)
    if raw.source.format == "manifest":
        return _load_manifest(con, raw, file_id)
    raise AssertionError(f"no loader for format {raw.source.format}")


def _load_csv(con: duckdb.DuckDBPyConnection, raw: RawFile, file_id: int) -> LoadResult:
    source = raw.source
    headerless = source.format == "headerless_csv"
    header_lines = 0 if headerless else 1
    if raw.lines <= header_lines:
        raise SourceError(raw.name, "has no data rows" if raw.lines else "is empty",
                          expected="a header line and at least one data row" if header_lines else "at least one row")
    width = source.field_count if headerless else len(raw.header)
    if headerless:
        positions = {name: pos - 1 for name, pos in source.positions.items()}
    else:
        positions = {name: raw.header.index(written) for name, written in raw.match.mapping.items()}
    vintage = raw.match.vintage if raw.match and raw.match.vintage else "null"

    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"

    def read(max_line_size: int) -> str:
        return (
            f"read_csv({quote_literal(raw.readable_path)}, columns={columns}, header={str(not headerless).lower()}, "
            "auto_detect=false, delim=',', quote='\"', escape='\"', store_rejects=true, "
            f"max_line_size={max_line_size}, "
            f"rejects_table='rejects_{file_id}', rejects_scan='rejects_scan_{file_id}')"
        )
    if any(field.required for field in source.cover):
        raise SourceError(raw.name, "is a CSV, but this source states values above its table",
                          expected="the xlsx workbook as published")
    constants = workbooks.name_values(source, raw.name)
    selected = ", ".join(
        f"c{positions[name]}" if name in positions
        else quote_literal(constants[name]) if name in constants else "null"
        for name in source.raw_columns
    )
    target = ", ".join(quote_ident(c) for c in source.raw_columns)
    # Lines are numbered as rows arrive (DuckDB keeps file order); a line DuckDB skipped as malformed
    # shifts the rows after it, which the update below puts right.
    max_line_size = DUCKDB_MAX_LINE_BYTES
    while True:
        inserted = scalar(  # an insert answers with its count of rows
            con, f"insert into raw.{source.name} (file_id, line, _vintage, {target}) "
            f"select {file_id}, row_number() over () + {header_lines}, {vintage}, {selected} from {read(max_line_size)}"
        )
        structural = con.execute(
            # DuckDB writes one reject per missing column of a short line; the first says how many fields it had.
            "select line, any_value(error_type), arg_min(error_message, column_idx), "
            "trim(any_value(csv_line), chr(10) || chr(13)) "
            f"from rejects_{file_id} group by line order by line"
        ).fetchall()
        con.execute(f"drop table rejects_{file_id}; drop table rejects_scan_{file_id}")
        longest = max((_actual_line_bytes(message, raw.size) for _, error_type, message, _ in structural
                       if error_type == "LINE SIZE OVER MAXIMUM"), default=0)
        if not longest or max_line_size > DUCKDB_MAX_LINE_BYTES:
            break
        # A record longer than DuckDB's default limit is valid CSV (a long quoted Notes value, say):
        # read the file again with room for its longest record. Only such files pay for a second read
        # and for the larger buffers.
        con.execute(f"delete from raw.{source.name} where file_id = {file_id}")
        max_line_size = longest + 1024

    if structural and structural[-1][0] >= raw.lines and not raw.ends_with_newline:
        line, _, message, _ = structural[-1]
        con.execute(f"delete from raw.{source.name} where file_id = {file_id}")
        raise SourceError(raw.name, f"is truncated: its last line is incomplete ({message})", line=line,
                          expected=f"{width} fields on every line")
    if structural:
        # The k-th skipped line (in order) sits before every accepted row whose row number exceeds
        # (its line - k - header lines).
        thresholds = ", ".join(str(line - k - header_lines) for k, (line, *_rest) in enumerate(structural, start=1))
        con.execute(
            f"update raw.{source.name} set line = line + (select count(*) from unnest([{thresholds}]) as t(threshold) "
            f"where threshold < line - {header_lines}) where file_id = {file_id}"
        )
    rows_read = inserted + len(structural)

    for line, error_type, message, csv_line in structural:
        _reject(con, raw, file_id, line, None, csv_line, f"malformed line: {message}")
    if raw.has_nul:
        _reject_characters(con, raw, file_id, positions, "\x00",
                           "holds a NUL byte, which text never contains (the file is damaged here, or binary "
                           "data was pasted in); expected text")
    if raw.has_undefined_bytes:
        _reject_characters(con, raw, file_id, positions, CP1252_UNDEFINED,
                           "holds a byte that Windows-1252 leaves undefined (the file is not UTF-8, so it is read "
                           "as Windows-1252); expected text saved as UTF-8 or Windows-1252")
    return LoadResult(rows_read, len(structural))


def _reject_characters(con: duckdb.DuckDBPyConnection, raw: RawFile, file_id: int, positions: dict,
                       characters: str, reason: str) -> None:
    """Reject the rows of one file whose values hold any of these characters: NUL bytes, or the bytes
    Windows-1252 leaves undefined (read as the C1 controls of the same number). Each such character
    is shown as <0x81> in the value. One scan per column, and only for files that have them."""
    shown = "{}"
    for character in characters:
        shown = f"replace({shown}, chr({ord(character)}), '<0x{ord(character):02X}>')"
    # chr(0) cannot sit in an SQL literal, so the class is built in SQL from code points.
    pattern = "'[' || " + " || ".join(f"chr({ord(c)})" for c in characters) + " || ']'"
    for column in positions:
        value = quote_ident(column)
        con.execute(
            "insert into dq_rejected_rows (file_id, file, source, line, \"column\", value, reason) "
            f"select file_id, ?, ?, line, ?, {shown.format(value)}, ? from raw.{raw.source.name} "
            f"where file_id = ? and regexp_matches({value}, {pattern})",
            [raw.name, raw.source.name, _written_name(raw, column), reason, file_id],
        )


def _actual_line_bytes(message: str, file_size: int) -> int:
    """The record length DuckDB reports ("... Actual Size:3000030 bytes."), or the whole file's."""
    found = re.search(r"Actual Size:\s*([0-9]+)", message or "")
    return int(found.group(1)) if found else file_size


class SheetRows:
    """Worksheet rows waiting to be inserted: one insert per source, not one per workbook (the BCF
    alone is 1,800 small workbooks at national scale). Rows are kept as plain lists until then:
    a DataFrame per workbook cost more than parsing the workbook."""

    def __init__(self) -> None:
        self.columns: dict[str, dict[str, list]] = {}

    def add(self, source: str, columns: dict[str, list]) -> None:
        held = self.columns.setdefault(source, {name: [] for name in columns})
        for name, values in columns.items():
            held[name].extend(values)

    def flush(self, con: duckdb.DuckDBPyConnection) -> None:
        for source, columns in self.columns.items():
            numbers = {name: columns.pop(name) for name in ("file_id", "line")}
            # object, not pandas' own text type: values go to DuckDB exactly as read (None stays NULL)
            frame = pd.DataFrame(columns, dtype=object)
            for position, (name, values) in enumerate(numbers.items()):
                frame.insert(position, name, pd.array(values, dtype="int64"))
            con.register("sheet_rows", frame)
            con.execute(f"insert into raw.{source} by name select * from sheet_rows")
            con.unregister("sheet_rows")
        self.columns.clear()


def apply_rules(con: duckdb.DuckDBPyConnection, files: list[tuple[int, RawFile]]) -> None:
    """Every row rule and cross-column check, one statement per rule over all files of a source.

    Messages name each file's own spelling of the column (headers differ between releases), which a
    small table of (file, column, header as written) supplies to the one statement."""
    by_source: dict[str, list[tuple[int, RawFile]]] = {}
    for file_id, raw in files:
        if raw.source.format in {"table", "headerless_csv"}:
            by_source.setdefault(raw.source.name, []).append((file_id, raw))
    for source_name, group in by_source.items():
        source = group[0][1].source
        headers = pd.DataFrame(
            [(file_id, raw.name, column, _written_name(raw, column))
             for file_id, raw in group for column in _present(raw)],
            columns=["rule_file_id", "rule_file", "rule_column", "rule_written"],
        )
        con.register("rule_headers", headers)
        try:
            for column in source.columns:
                for rule in column.rules:
                    violation, reason = rule_violation(rule, quote_ident(column.name))
                    _insert_violations(con, source_name, column.name, violation, reason)
            for check in source.checks:
                _insert_violations(con, source_name, check.column, check.violation, check.reason)
        finally:
            con.unregister("rule_headers")


def _present(raw: RawFile) -> list[str]:
    if raw.match:
        return list(raw.match.mapping)
    return list(raw.source.positions)


def _insert_violations(con, source_name: str, column: str, violation: str, reason: str) -> None:
    con.execute(
        "insert into dq_rejected_rows (file_id, file, source, line, \"column\", value, reason) "
        f"select file_id, rule_file, ?, line, rule_written, {quote_ident(column)}, ? from raw.{source_name} "
        "inner join rule_headers on file_id = rule_file_id and rule_column = ? "
        f"where ({violation})",
        [source_name, reason, column],
    )


def _load_sheet(con: duckdb.DuckDBPyConnection, raw: RawFile, file_id: int, sheets: SheetRows) -> LoadResult:
    """A worksheet table: rows below the header; `line` is the worksheet row users see in Excel."""
    source, sheet, raw.document = raw.source, raw.document, None
    header_index = raw.header_row - 1
    constants = {**workbooks.cover_values(source, sheet, header_index, raw.name),
                 **workbooks.name_values(source, raw.name)}
    positions = {name: raw.header.index(written) for name, written in raw.match.mapping.items()}
    body = [(number, row) for number, row in enumerate(sheet.rows[header_index + 1:], start=raw.header_row + 1)
            if any(cell.strip() for cell in row)]  # blank formatted rows below a table are not data
    if not body:
        raise SourceError(raw.name, f"sheet {sheet.name!r} has a header at row {raw.header_row} but no rows below it",
                          expected="one row per record below the header")
    columns: dict[str, list] = {"file_id": [file_id] * len(body), "line": [number for number, _ in body],
                                "_vintage": [None] * len(body)}
    for name in source.raw_columns:
        if name in positions:
            at = positions[name]
            columns[name] = [row[at] if at < len(row) else "" for _, row in body]
        else:
            columns[name] = [constants.get(name)] * len(body)
    sheets.add(source.name, columns)

    lines = {number for number, _ in body}
    for first_row, first_col, last_row, last_col in sheet.merged:
        # A merged block inside the table hides which column (or row) its value belongs to.
        span = f"{workbooks.column_letter(first_col)}{first_row + 1}:{workbooks.column_letter(last_col)}{last_row + 1}"
        for number in range(max(first_row + 1, raw.header_row + 1), last_row + 2):
            if number in lines:
                value = sheet.rows[first_row][first_col] if first_col < len(sheet.rows[first_row]) else ""
                _reject(con, raw, file_id, number, f"column {workbooks.column_letter(first_col)}", value,
                        f"merged cells {span}: a table cell must not be merged (unmerge and fill each cell)")
    return LoadResult(len(body), 0,
                      note=f"sheet {sheet.name!r}, header at row {raw.header_row}; line = worksheet row")


def _written_name(raw: RawFile, column: str) -> str:
    if raw.match and column in raw.match.mapping:
        written = raw.match.mapping[column].replace("\ufeff", "").strip()
        if raw.sheet:
            return f"{written} (column {workbooks.column_letter(raw.header.index(raw.match.mapping[column]))})"
        return written
    if raw.source.positions:
        return f"field {raw.source.positions[column]} ({column})"
    return column


def normal_label(text: str) -> str:
    """The Python twin of the label_key SQL macro: case and runs of spaces do not matter."""
    return " ".join(text.split()).lower()


def rule_violation(rule: Rule, value_sql: str) -> tuple[str, str]:
    """SQL that is true when a value breaks the rule, and the user-facing reason."""
    v = value_sql
    if rule.kind == "not_empty":
        return f"coalesce(trim({v}), '') = ''", "value is empty (expected a value)"
    if rule.kind == "pattern":
        return (f"not regexp_full_match(coalesce(trim({v}), ''), {quote_literal(rule.arg)})",
                f"value does not have the expected form {rule.arg}")
    if rule.kind == "integer_min":
        # DuckDB's cast rounds ('12.5' becomes 13) and reads '1e3': the form is checked first. A whole
        # number written with zero decimals ('12.0', as spreadsheets and pandas export counts) is 12.
        return (f"not regexp_full_match(coalesce(trim({v}), ''), '[+-]?[0-9]+(\\.0+)?') "
                f"or try_cast(trim({v}) as bigint) is null or try_cast(trim({v}) as bigint) < {int(rule.arg)}",
                f"expected a whole number of at least {rule.arg}")
    if rule.kind == "date":
        return f"parse_any_date({v}) is null", "expected a date (e.g. 01OCT2025, 01-Oct-25 or 20251001)"
    if rule.kind == "date_or_empty":
        return (f"coalesce(trim({v}), '') <> '' and parse_any_date({v}) is null",
                "expected a date (e.g. 20251001) or nothing")
    if rule.kind == "one_of":
        allowed = ", ".join(quote_literal(a) for a in rule.arg)
        shown = ", ".join(a if a else "(empty)" for a in rule.arg)
        return f"coalesce(trim({v}), '') not in ({allowed})", f"expected one of {shown}"
    if rule.kind == "one_of_any_case":
        allowed = ", ".join(quote_literal(normal_label(a)) for a in rule.arg)
        return f"label_key({v}) not in ({allowed})", "expected one of " + ", ".join(rule.arg)
    if rule.kind == "month":
        return f"parse_month({v}) is null", "expected a month (e.g. 2025-09, 01/09/2025 or Sep-25)"
    if rule.kind == "number":
        return f"parse_number({v}) is null", "expected a number"
    if rule.kind == "number_or_empty":
        return f"coalesce(trim({v}), '') <> '' and parse_number({v}) is null", "expected a number or nothing"
    if rule.kind == "money":
        return (f"parse_money({v}) is null",
                "expected an amount in pounds (a number; text such as TBC cannot be added up)")
    if rule.kind == "money_or_empty":
        return (f"coalesce(trim({v}), '') <> '' and parse_money({v}) is null",
                "expected an amount in pounds or nothing (text such as TBC cannot be added up)")
    if rule.kind == "listed":
        table, column = rule.arg.split(".")
        return (f"coalesce(trim({v}), '') <> '' "
                f"and label_key({v}) not in (select label_key({column}) from ref_{table})",
                f"not in the published list (etl/reference/{table}.csv)")
    raise ValueError(f"unknown rule kind {rule.kind!r} in etl/sources.yml")


def _reject(con, raw: RawFile, file_id: int, line: int | None, column: str | None, value: str | None,
            reason: str) -> None:
    con.execute(
        "insert into dq_rejected_rows (file_id, file, source, line, \"column\", value, reason) "
        "values (?, ?, ?, ?, ?, ?, ?)",
        [file_id, raw.name, raw.source.name, line, column, value, reason],
    )


def _load_manifest(con: duckdb.DuckDBPyConnection, raw: RawFile, file_id: int) -> LoadResult:
    manifest, raw.document = raw.document, None
    con.execute("create or replace table meta_demo_manifest as select ? as manifest_json, ? as is_fictional",
                [json.dumps(manifest, sort_keys=True), bool(manifest.get("fictional", True))])
    return LoadResult(1, 0, note="demo area: fictional data")


def source_title(name: str) -> str:
    return load_sources()[name].title


def elapsed(start: float) -> float:
    return round(time.perf_counter() - start, 3)

