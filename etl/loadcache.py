"""Reuse what loading and checking unchanged raw files produced, so that adding a month's files to
a national folder rebuilds in seconds rather than minutes.

What one raw file contributes before any step that looks across files depends only on its bytes,
its name (some sources take values from the file name) and the code that reads it: how it was
recognised (source, header mapping, encoding, line count), its rows in raw.<source>, the rows its
structure or the row rules rejected, and its line in dq_load_log. Each file's share is kept in a
DuckDB file beside the warehouse, keyed by the file's name and SHA-256; the whole cache is stamped
with a fingerprint of the reading code (CODE_FILES and the libraries that parse), so changed code
finds an empty cache rather than entries it would have made differently.

Per file, reused: recognition (parsing workbooks and GeoJSON), loading, structural and character
rejections, row rules and cross-column checks. Global, always run, because each depends on every
file: mapping 2011 boundaries to 2021, duplicate keys, references between sources, the rejected
counts, every model, every contract and the metadata. Not cached: the demo manifest (small, and it
makes a table of its own) and 2011 boundaries (their rows go to a table made on demand); both are
read every time.

Trust: a build's new entries are written in one transaction, so a killed build leaves the cache as
it was; DuckDB checksums every block, so a damaged file fails to open and is replaced; an entry
whose stored row counts disagree with the rows present is ignored (and replaced by this build).
DuckDB locks the file, so a second build running at the same time goes without the cache.
A fingerprint is global rather than per source: recognising a file compares its header with every
source's, so any source's definition can change which source a file belongs to.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import duckdb
import pandas as pd

from etl import __version__
from etl.loaders import LoadResult, quote_ident, quote_literal
from etl.rawfiles import RawFile
from etl.sources import HeaderMatch, load_sources

ETL = Path(__file__).resolve().parent
# The code whose output is cached: recognition, loading, row rules (and the macros and reference
# lists they call), build.py that runs them per file, and this module's own layout. A change to any
# byte of these empties the cache: build.py changes more often than the per-file steps, but a cache
# that outlives a change to what it holds would be trusted blindly.
CODE_FILES = ("loadcache.py", "build.py", "rawfiles.py", "loaders.py", "boundaries.py", "workbooks.py",
              "archives.py", "sources.py", "sources.yml", "models/macros.sql")
CODE_FOLDERS = ("reference",)
LIBRARIES = ("duckdb", "pandas", "shapely", "python-calamine")  # they parse the bytes
ALIAS = "load_cache"
NOT_CACHED_FORMATS = {"manifest"}
# The recognition a later step reads from a RawFile (everything but paths and parsed documents).
RECOGNITION_FIELDS = ("size", "encoding", "has_bom", "line_ending", "lines", "ends_with_newline", "header",
                      "sheet", "has_undefined_bytes", "has_nul", "header_row")


def cache_path(db_path: Path) -> Path:
    """Where the cache of a warehouse lives: beside it, named after it."""
    return db_path.with_name(db_path.stem + ".load-cache.duckdb")


def code_fingerprint() -> str:
    digest = hashlib.sha256(f"jointcare {__version__}\n".encode())
    paths = [ETL / name for name in CODE_FILES]
    paths += sorted(path for folder in CODE_FOLDERS for path in (ETL / folder).rglob("*") if path.is_file())
    for path in paths:
        digest.update(f"{path.relative_to(ETL).as_posix()}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for library in LIBRARIES:
        digest.update(f"{library} {version(library)}\n".encode())
    return digest.hexdigest()


def cacheable(raw: RawFile) -> bool:
    return raw.source is not None and raw.source.format not in NOT_CACHED_FORMATS and not (
        raw.source.name == "lsoa_boundaries" and raw.match is not None and raw.match.vintage == 2011)


@dataclass
class Entry:
    entry: int
    name: str
    sha256: str
    source: str
    recognition: dict
    rows_read: int
    rows_rejected: int
    note: str


@dataclass
class LoadCache:
    """The cache attached to one build's connection as `load_cache`."""

    path: Path
    fingerprint: str
    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)
    recalled: dict[tuple[str, str], Entry] = field(default_factory=dict)

    @classmethod
    def attach(cls, con: duckdb.DuckDBPyConnection, path: Path, *, fresh: bool) -> LoadCache | None:
        """Attach the cache (a new one when `fresh`, or when the old one is damaged or made by other
        code); None when another build holds it."""
        fingerprint = code_fingerprint()
        if fresh:
            _remove(path)
        try:
            con.execute(f"attach {quote_literal(str(path))} as {ALIAS}")
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                return None  # another build is using it: this one loads every file
            _replace(con, path)
        except duckdb.Error:
            _replace(con, path)  # not a DuckDB file, or a damaged one
        cache = cls(path, fingerprint)
        if _stamp(con) != fingerprint:
            con.execute(f"detach {ALIAS}")
            _replace(con, path)
            _create(con, fingerprint)
        cache.entries = cache._read_entries(con)
        return cache

    # --- recognition -------------------------------------------------------------------------
    def recall(self, raw: RawFile) -> bool:
        """Fill in how this file was recognised last time (skipping the parse of a workbook or a
        GeoJSON file), if it was, by this code, under this name, with these bytes."""
        entry = self.entries.get((raw.name, raw.sha256))
        if entry is None:
            return False
        sources = load_sources()
        for name in RECOGNITION_FIELDS:
            setattr(raw, name, entry.recognition[name])
        raw.source = sources[entry.source]
        match = entry.recognition["match"]
        raw.match = (HeaderMatch(raw.source, match["mapping"], match["vintage"], match["missing"])
                     if match is not None else None)
        self.recalled[(raw.name, raw.sha256)] = entry
        return True

    def reused(self, raw: RawFile) -> Entry | None:
        return self.recalled.get((raw.name, raw.sha256))

    # --- rows --------------------------------------------------------------------------------
    def restore(self, con: duckdb.DuckDBPyConnection, files: list[tuple[int, RawFile]]) -> None:
        """Put the reused files' raw rows and rejected rows back under this build's file ids."""
        if not files:
            return
        ids = pd.DataFrame({"file_id": [file_id for file_id, _ in files],
                            "entry": [self.recalled[(raw.name, raw.sha256)].entry for _, raw in files]})
        con.register("cache_ids", ids)
        try:
            # In the cache's order, not sorted by file and line (a sort of 12 million rows took 8 s of a
            # national rebuild): the rows of the files read afresh are in the raw tables before these anyway,
            # and no model depends on the order of raw rows (sums of fractions are exact, lists say their
            # order); tests/etl/test_rebuild.py and bench/rebuild.py prove the warehouse the same.
            for source in sorted({raw.source.name for _, raw in files}):
                con.execute(f"insert into raw.{source} by name select ids.file_id, cached.* exclude (entry) "
                            f"from {ALIAS}.{_rows_table(source)} as cached inner join cache_ids as ids using (entry)")
            con.execute(f"insert into dq_rejected_rows by name select ids.file_id, cached.* exclude (entry) "
                        f"from {ALIAS}.rejected as cached inner join cache_ids as ids using (entry)")
        finally:
            con.unregister("cache_ids")

    def store(self, con: duckdb.DuckDBPyConnection, files: list[tuple[int, RawFile, LoadResult]],
              keep: set[tuple[str, str]]) -> None:
        """Keep the newly loaded files' share, and drop entries of files no longer in the folder,
        all in one transaction. Called after the row rules and before any cross-file check."""
        stored = {row[0] for row in con.execute(f"select entry from {ALIAS}.entries").fetchall()}
        next_entry = 1 + max(stored, default=0)
        new = [(file_id, raw, result, next_entry + index) for index, (file_id, raw, result) in enumerate(files)]
        # Entries of files gone from the folder, and any this build did not trust (_read_entries).
        gone = sorted(stored - {entry.entry for key, entry in self.entries.items() if key in keep})
        con.execute("begin transaction")
        try:
            if gone:
                self._delete(con, gone)
            if new:
                self._insert(con, new)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise

    def detach(self, con: duckdb.DuckDBPyConnection) -> None:
        """Let go of the cache once stored: the rest of the build sees only its own tables."""
        con.execute(f"detach {ALIAS}")

    def _insert(self, con, new: list[tuple[int, RawFile, LoadResult, int]]) -> None:
        files = pd.DataFrame(
            [[file_id, entry, raw.name, raw.sha256, raw.source.name, json.dumps(_recognition(raw)), result.rows_read,
              result.rows_rejected, result.note] for file_id, raw, result, entry in new],
            columns=["file_id", "entry", "name", "sha256", "source", "recognition", "rows_read", "rows_rejected",
                     "note"])
        con.register("cache_files", files)
        try:
            for source in sorted({raw.source.name for _, raw, _, _ in new}):
                table = f"{ALIAS}.{_rows_table(source)}"
                con.execute(f"create table if not exists {table} as "
                            f"select 0::integer as entry, * exclude (file_id) from raw.{source} limit 0")
                con.execute(f"insert into {table} by name select files.entry, rows.* exclude (file_id) "
                            f"from raw.{source} as rows inner join cache_files as files using (file_id)")
            con.execute(f"insert into {ALIAS}.rejected by name select files.entry, rejected.* exclude (file_id) "
                        "from dq_rejected_rows as rejected inner join cache_files as files using (file_id)")
            # Each entry carries the counts of the file's rows in this build, which prove it whole when
            # it is next read (_read_entries). They are counted on the build's side: at England scale,
            # counting the cache's own rows inside this transaction found none for the five largest
            # sources (DuckDB reading its own large uncommitted inserts into an attached file; the
            # cause is not pinned down), which left those entries unused at the next build.
            counted = " union all ".join(
                [f"select file_id, count(*) as raw_count, 0 as rejected_count from raw.{source} "
                 "semi join cache_files using (file_id) group by file_id"
                 for source in sorted({raw.source.name for _, raw, _, _ in new})]
                + ["select file_id, 0, count(*) from dq_rejected_rows semi join cache_files using (file_id) "
                   "group by file_id"])
            con.execute(f"insert into {ALIAS}.entries select files.entry, name, sha256, source, recognition, "
                        "rows_read, rows_rejected, note, coalesce(counted.raw_rows, 0), "
                        "coalesce(counted.rejected_rows, 0) from cache_files as files left join "
                        "(select file_id, sum(raw_count) as raw_rows, sum(rejected_count) as rejected_rows "
                        f"from ({counted}) group by file_id) as counted using (file_id)")
        finally:
            con.unregister("cache_files")

    def _delete(self, con, entries: list[int]) -> None:
        listed = ", ".join(str(entry) for entry in entries)
        for table in _rows_tables(con) + ["rejected", "entries"]:
            con.execute(f"delete from {ALIAS}.{table} where entry in ({listed})")

    def _read_entries(self, con) -> dict[tuple[str, str], Entry]:
        """Entries whose rows are all present, as their counts say; any other is left unused, and
        the next store replaces or removes it."""
        rows = con.execute(
            f"select entries.entry, name, sha256, source, recognition, rows_read, rows_rejected, note "
            f"from {ALIAS}.entries as entries left join ({_counts_sql(con)}) as counted using (entry) "
            "where entries.raw_rows = coalesce(counted.raw_rows, 0) "
            "and entries.rejected_rows = coalesce(counted.rejected_rows, 0)").fetchall()
        sources = load_sources()
        entries = {}
        for entry, name, sha256, source, recognition, rows_read, rows_rejected, note in rows:
            if source in sources:
                entries[(name, sha256)] = Entry(entry, name, sha256, source, json.loads(recognition),
                                                rows_read, rows_rejected, note)
        return entries


def _stamp(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        return con.execute(f"select fingerprint from {ALIAS}.cache_info").fetchall()[0][0]
    except (duckdb.Error, IndexError):
        return None


def _recognition(raw: RawFile) -> dict:
    recognised = {name: getattr(raw, name) for name in RECOGNITION_FIELDS}
    recognised["match"] = ({"mapping": raw.match.mapping, "vintage": raw.match.vintage, "missing": raw.match.missing}
                           if raw.match is not None else None)
    return recognised


def _rows_table(source: str) -> str:
    return quote_ident(f"raw_{source}")


def _rows_tables(con) -> list[str]:
    return [quote_ident(row[0]) for row in con.execute(
        "select table_name from duckdb_tables() where database_name = ? and table_name like 'raw\\_%' escape '\\' "
        "order by table_name", [ALIAS]).fetchall()]


def _counts_sql(con) -> str:
    parts = [f"select entry, count(*) as raw_count, 0 as rejected_count from {ALIAS}.{table} group by entry"
             for table in _rows_tables(con)]
    parts.append(f"select entry, 0 as raw_count, count(*) as rejected_count from {ALIAS}.rejected group by entry")
    return ("select entry, sum(raw_count) as raw_rows, sum(rejected_count) as rejected_rows from ("
            + " union all ".join(parts) + ") group by entry")


def _remove(path: Path) -> None:
    """The cache file and its write-ahead log: a log left beside a new file would be replayed into it."""
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)


def _replace(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    _remove(path)
    con.execute(f"attach {quote_literal(str(path))} as {ALIAS}")


def _create(con: duckdb.DuckDBPyConnection, fingerprint: str) -> None:
    con.execute(f"""
        create table {ALIAS}.cache_info (fingerprint varchar);
        insert into {ALIAS}.cache_info values ({quote_literal(fingerprint)});
        create table {ALIAS}.entries (
            entry integer primary key, name varchar, sha256 varchar, source varchar, recognition varchar,
            rows_read bigint, rows_rejected bigint, note varchar, raw_rows bigint, rejected_rows bigint
        );
        create table {ALIAS}.rejected as select 0::integer as entry, * exclude (file_id) from dq_rejected_rows limit 0;
    """)
