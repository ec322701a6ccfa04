"""Load recognised raw files into `raw.<source>` tables, all text, one row per data line.

Every row keeps its file and physical line, so a rejection can name both. Row rules from
etl/sources.yml are checked in SQL (one scan per rule, fast even for national files), and each
violation becomes a row of dq_rejected_rows; staging models then read only rows with no rejection.
Structural faults (a line with too few or too many fields) are rejected the same way, except on
the last line, where they mean the file was cut short: that stops the build.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from etl.errors import SourceError
from etl.rawfiles import RawFile
from etl.sources import Rule, load_sources

# One date parser for every format FORMATS.md lists (04JAN2021, 01Jan2022, 01-Sep-20, 20210401 ...).
DATE_FORMATS = ["%d%b%Y", "%d-%b-%y", "%d-%b-%Y", "%Y%m%d", "%Y-%m-%d", "%d/%m/%Y"]
GEOMETRY_TOLERANCE_DEGREES = 0.0002  # about 15 m: invisible at LSOA scale, a third of the bytes


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


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
        extra = ", geometry_geojson varchar, centroid_lon double, centroid_lat double" if source.format == "geojson" else ""
        con.execute(
            f"create table raw.{source.name} (file_id integer, line bigint, _vintage integer, {columns}{extra})"
        )


@dataclass
class LoadResult:
    rows_read: int
    rows_rejected: int
    note: str = ""


def load_file(con: duckdb.DuckDBPyConnection, raw: RawFile, file_id: int) -> LoadResult:
    if raw.source.format in {"csv", "headerless_csv"}:
        return _load_csv(con, raw, file_id)
    if raw.source.format == "geojson":
        return _load_geojson(con, raw, file_id)
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
    read = (
        f"read_csv({quote_literal(raw.readable_path)}, columns={columns}, header={str(not headerless).lower()}, "
        "auto_detect=false, delim=',', quote='\"', escape='\"', store_rejects=true, "
        f"rejects_table='rejects_{file_id}', rejects_scan='rejects_scan_{file_id}')"
    )
    selected = ", ".join(
        f"c{positions[name]}" if name in positions else "null" for name in source.raw_columns
    )
    target = ", ".join(quote_ident(c) for c in source.raw_columns)
    # Lines are numbered as rows arrive (DuckDB keeps file order); a line DuckDB skipped as malformed
    # shifts the rows after it, which the update below puts right.
    con.execute(
        f"insert into raw.{source.name} (file_id, line, _vintage, {target}) "
        f"select {file_id}, row_number() over () + {header_lines}, {vintage}, {selected} from {read}"
    )
    structural = con.execute(
        # DuckDB writes one reject per missing column of a short line; the first says how many fields it had.
        f"select line, any_value(error_type), arg_min(error_message, column_idx), trim(any_value(csv_line), chr(10) || chr(13)) "
        f"from rejects_{file_id} group by line order by line"
    ).fetchall()
    con.execute(f"drop table rejects_{file_id}; drop table rejects_scan_{file_id}")

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
    rows_read = scalar(con, f"select count(*) from raw.{source.name} where file_id = {file_id}") \
        + len(structural)

    for line, error_type, message, csv_line in structural:
        _reject(con, raw, file_id, line, None, csv_line, f"malformed line: {message}")
    for column in source.columns:
        header_name = _written_name(raw, column.name)
        if column.name not in positions:
            continue
        for rule in column.rules:
            _apply_rule(con, raw, file_id, column.name, header_name, rule)
    rejected = scalar(con, "select count(distinct line) from dq_rejected_rows where file_id = ?", [file_id])
    return LoadResult(rows_read, rejected)


def _written_name(raw: RawFile, column: str) -> str:
    if raw.match and column in raw.match.mapping:
        return raw.match.mapping[column].replace("\ufeff", "").strip()
    if raw.source.positions:
        return f"field {raw.source.positions[column]} ({column})"
    return column


def rule_violation(rule: Rule, value_sql: str) -> tuple[str, str]:
    """SQL that is true when a value breaks the rule, and the user-facing reason."""
    v = value_sql
    if rule.kind == "not_empty":
        return f"coalesce(trim({v}), '') = ''", "value is empty (expected a value)"
    if rule.kind == "pattern":
        return (f"not regexp_full_match(coalesce(trim({v}), ''), {quote_literal(rule.arg)})",
                f"value does not have the expected form {rule.arg}")
    if rule.kind == "integer_min":
        return (f"try_cast(trim({v}) as bigint) is null or try_cast(trim({v}) as bigint) < {int(rule.arg)}",
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
    raise ValueError(f"unknown rule kind {rule.kind!r} in etl/sources.yml")


def _apply_rule(con, raw: RawFile, file_id: int, column: str, header_name: str, rule: Rule) -> None:
    violation, reason = rule_violation(rule, quote_ident(column))
    con.execute(
        "insert into dq_rejected_rows select ?, ?, ?, line, ?, "
        f"{quote_ident(column)}, ? from raw.{raw.source.name} where file_id = ? and ({violation})",
        [file_id, raw.name, raw.source.name, header_name, reason, file_id],
    )


def _reject(con, raw: RawFile, file_id: int, line: int | None, column: str | None, value: str | None, reason: str) -> None:
    con.execute(
        "insert into dq_rejected_rows values (?, ?, ?, ?, ?, ?, ?)",
        [file_id, raw.name, raw.source.name, line, column, value, reason],
    )


def _load_geojson(con: duckdb.DuckDBPyConnection, raw: RawFile, file_id: int) -> LoadResult:
    document, raw.document = raw.document, None  # parsed once, at recognition; freed once loaded
    features = document.get("features") or []
    if not features:
        raise SourceError(raw.name, "has no features", expected="a FeatureCollection of LSOA polygons")
    properties = [feature.get("properties") or {} for feature in features]
    geometries = []
    for number, feature in enumerate(features, start=1):
        try:
            geometries.append(shape(feature.get("geometry")))
        except (AttributeError, TypeError, ValueError, KeyError, shapely.errors.GEOSException) as error:
            geometries.append(None)
            _reject(con, raw, file_id, number, "geometry", None, f"feature {number}: unreadable geometry ({error})")
    geometries = np.array(geometries, dtype=object)
    kinds = np.array([g.geom_type if g is not None else "" for g in geometries])
    usable = np.isin(kinds, ["Polygon", "MultiPolygon"]) & ~shapely.is_empty(geometries)
    for number in np.flatnonzero(~usable & (kinds != "")) + 1:
        _reject(con, raw, file_id, int(number), "geometry", str(kinds[number - 1]),
                f"feature {number}: expected a Polygon or MultiPolygon")
    # Shapely 2 works on whole arrays: repair, simplify for display, and find a point inside each.
    shapes = geometries[usable]
    invalid = ~shapely.is_valid(shapes)
    shapes[invalid] = shapely.make_valid(shapes[invalid])
    simplified = shapely.set_precision(shapely.simplify(shapes, GEOMETRY_TOLERANCE_DEGREES, preserve_topology=True), 1e-5)
    inside = shapely.point_on_surface(shapes)
    numbers = np.flatnonzero(usable) + 1
    frame = pd.DataFrame({
        "file_id": file_id,
        "line": numbers,
        "_vintage": None,
        "lsoa21_code": [str(properties[n - 1].get("LSOA21CD") or "").strip() for n in numbers],
        "lsoa21_name": [str(properties[n - 1].get("LSOA21NM") or "").strip() for n in numbers],
        "geometry_geojson": shapely.to_geojson(simplified),
        "centroid_lon": np.round(shapely.get_x(inside), 6),
        "centroid_lat": np.round(shapely.get_y(inside), 6),
    })
    con.register("boundaries_frame", frame)
    con.execute("insert into raw.lsoa_boundaries by name select * from boundaries_frame")
    con.unregister("boundaries_frame")
    source = raw.source
    con.execute(
        "insert into dq_rejected_rows select ?, ?, ?, line, 'LSOA21CD', lsoa21_code, "
        "'feature ' || line || ': expected an LSOA code like E01012345' "
        "from raw.lsoa_boundaries where file_id = ? and not regexp_full_match(lsoa21_code, '[EW]01[0-9]{6}')",
        [file_id, raw.name, source.name, file_id],
    )
    rejected = scalar(con, "select count(distinct line) from dq_rejected_rows where file_id = ?", [file_id])
    return LoadResult(len(features), rejected, note="line = feature number")


def _load_manifest(con: duckdb.DuckDBPyConnection, raw: RawFile, file_id: int) -> LoadResult:
    manifest, raw.document = raw.document, None
    con.execute("create or replace table meta_demo_manifest as select ? as manifest_json, ? as is_fictional",
                [json.dumps(manifest, sort_keys=True), bool(manifest.get("fictional", True))])
    return LoadResult(1, 0, note="demo area: fictional data")


def source_title(name: str) -> str:
    return load_sources()[name].title


def elapsed(start: float) -> float:
    return round(time.perf_counter() - start, 3)

