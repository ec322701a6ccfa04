"""Build the warehouse from a folder of raw files, atomically.

The build writes a new DuckDB file beside the target and moves it into place (os.replace, atomic
on one filesystem) only after every file loaded, every key proved unique, every model ran and
every contract held. Any failure leaves the previous warehouse byte-for-byte as it was, and the
user gets every problem at once. `check` runs the same steps into a throwaway file.

The raw layer (all-text copies of the files) exists only during the build: the warehouse keeps
the intermediate models, the marts and the data-quality tables, not a second copy of the input.
"""

from __future__ import annotations

import datetime as dt
import errno
import gc
import json
import os
import re
import resource
import shutil
import socket
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from etl import __version__, archives, boundaries, practice_groups, settings
from etl.contracts import Contract, contract_path
from etl.contracts import check as check_contract
from etl.errors import BuildFailed, SourceError
from etl.loadcache import LoadCache, cacheable
from etl.loaders import (
    LoadResult,
    SheetRows,
    apply_rules,
    create_raw_tables,
    load_file,
    quote_ident,
    reads_in_duckdb,
    scalar,
    valid_rows,
)
from etl.models import Model, build_order, discover, load_macros, load_reference, run
from etl.rawfiles import RawFile, find_files, is_data_file, make_readable, sniff
from etl.sources import load_sources

METHOD_FILE = Path(__file__).with_name("method.yml")

DQ_TABLES = """
create table dq_load_log (
    file_id integer, file varchar, source varchar, source_title varchar, status varchar,
    checksum_sha256 varchar, size_bytes bigint, encoding varchar, line_endings varchar,
    rows_read bigint, rows_loaded bigint, rows_rejected bigint, seconds double, note varchar, sheet varchar
);
create table dq_rejected_rows (
    file_id integer, file varchar, source varchar, line bigint, "column" varchar, value varchar, reason varchar,
    sheet varchar  -- the worksheet, for xlsx files (line is then the worksheet row)
);
create table meta_demo_manifest (manifest_json varchar, is_fictional boolean);
"""


@dataclass
class StepTiming:
    step: str
    seconds: float
    rows: int = 0
    peak_rss_mb: float = 0.0


@dataclass
class BuildReport:
    files: list[dict] = field(default_factory=list)
    unrecognised: list[tuple[str, str]] = field(default_factory=list)
    empty_models: list[str] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    steps: list[StepTiming] = field(default_factory=list)
    is_demo: bool = False
    reused_files: int = 0  # files whose load and row checks came from the load cache


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def method_constants() -> dict[str, dict]:
    constants = {}
    for group, items in yaml.safe_load(METHOD_FILE.read_text()).items():
        for name, spec in items.items():
            constants[name] = {"group": group, "value": spec["value"], "unit": spec.get("unit", "number"),
                               "meaning": " ".join(spec["meaning"].split())}
    return constants


WORK_PREFIX = ".jointcare-build-"
HOST = re.sub(r"[^A-Za-z0-9.]+", "_", socket.gethostname()) or "host"
STARTED_AT = time.time()  # about when this process started: older work folders are not its own


def build(raw_dir: Path, db_path: Path, *, allow_unknown: bool = False,
          echo: Callable[[str], None] = print, load_cache: Path | None = None, full: bool = False) -> BuildReport:
    """`load_cache`: a file (loadcache.cache_path of the warehouse, say) keeping what loading and
    checking each raw file produced, so that unchanged files are not read again; `full` reloads every
    file and starts that cache afresh. Either way the warehouse is the same."""
    raw_dir, db_path = Path(raw_dir), Path(db_path)
    if not raw_dir.is_dir():
        raise BuildFailed([f"{raw_dir}: no such folder of raw files"])
    folder = db_path.parent
    work_dir = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale_work_folders(folder)
        # The work folder names its host and process, so a later build can tell a killed build's
        # folder (process gone) from a build still running beside it.
        work_dir = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{HOST}-{os.getpid()}-", dir=folder))
        new_db = work_dir / "warehouse.duckdb"
        report = _build_into(raw_dir, new_db, work_dir, allow_unknown=allow_unknown, echo=echo,
                             load_cache=load_cache, full=full, previous=db_path if db_path.is_file() else None)
        os.replace(new_db, db_path)
        return report
    except (OSError, duckdb.IOException) as error:
        raise BuildFailed([_cannot_write(folder, error)]) from None
    except duckdb.FatalException as error:  # DuckDB gives up on a write it cannot finish (disk full)
        if not _is_io(error):
            raise
        raise BuildFailed([_cannot_write(folder, error)]) from None
    finally:
        if work_dir is not None:
            shutil.rmtree(work_dir, ignore_errors=True)


def _is_io(error: Exception) -> bool:
    return any(words in str(error) for words in ("No space left on device", "Could not write", "Permission denied",
                                                  "Read-only file system", "Disk quota exceeded"))


def _cannot_write(folder: Path, error: Exception) -> str:
    """The machine's state, said in one line: which folder, and what the system said."""
    text = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    if isinstance(error, OSError) and error.errno in {errno.ENOSPC, errno.EDQUOT} \
            or "No space left on device" in text or "Disk quota exceeded" in text:
        return (f"{folder}: no space left on the disk (expected room for a new warehouse beside the old one, "
                "about the size of the old one plus the raw files)")
    filename = getattr(error, "filename", None)
    elsewhere = filename is not None and not str(filename).startswith(str(folder))  # a raw file, say
    if (isinstance(error, OSError) and error.errno in {errno.EACCES, errno.EPERM, errno.EROFS}
            or "Permission denied" in text or "Read-only file system" in text) and not elsewhere:
        return f"{folder}: cannot write here ({text}; expected a folder this user can write to, for --db)"
    if folder.exists() and not folder.is_dir():
        return f"{folder}: is a file, not a folder (expected a folder to hold the warehouse, --db)"
    return f"{filename if elsewhere else folder}: cannot be written or read ({' '.join(text.split())})"


def remove_stale_work_folders(folder: Path) -> list[Path]:
    """Remove work folders that builds killed mid-way (kill -9, power cut) left beside the warehouse:
    this host's whose process is gone, and old-style ones (no process in the name) older than this
    process. A folder of a build still running, or of another host sharing the folder, is kept."""
    removed = []
    for path in folder.glob(f"{WORK_PREFIX}*"):
        named = re.fullmatch(re.escape(WORK_PREFIX) + r"(?P<host>.+)-(?P<pid>[0-9]+)-[^-]+", path.name)
        if named:
            stale = named["host"] == HOST and not _running(int(named["pid"]))
        else:
            try:
                stale = path.stat().st_mtime < STARTED_AT
            except OSError:
                continue
        if stale and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to another user
        return True
    return True


def check(raw_dir: Path, *, allow_unknown: bool = False, echo: Callable[[str], None] = print) -> BuildReport:
    """Validate a raw folder exactly as a build would, writing nothing the user keeps."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise BuildFailed([f"{raw_dir}: no such folder of raw files"])
    try:
        with tempfile.TemporaryDirectory(prefix="jointcare-check-") as scratch:
            return _build_into(raw_dir, Path(scratch) / "check.duckdb", Path(scratch),
                               allow_unknown=allow_unknown, echo=echo)
    except (OSError, duckdb.IOException) as error:
        raise BuildFailed([_cannot_write(Path(tempfile.gettempdir()), error)]) from None
    except duckdb.FatalException as error:
        if not _is_io(error):
            raise
        raise BuildFailed([_cannot_write(Path(tempfile.gettempdir()), error)]) from None


def _connect(path: Path, work_dir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute(f"set memory_limit = '{settings.get('JOINTCARE_BUILD_MEMORY')}'")
    con.execute(f"set threads = {settings.get_int('JOINTCARE_THREADS')}")
    con.execute(f"set temp_directory = '{work_dir / 'spill'}'")
    con.execute("set enable_progress_bar = false")  # the build prints its own summary
    return con


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Recognising and loading make half a million objects that live until loading ends (every workbook's
    rows), and Python's cycle collector walked them all seven times a national build: 0.9 s, holding the
    GIL the two reading threads share. So the collector waits till loading ends. Nothing is kept for
    longer: objects are still freed by their reference counts, and any cycle made meanwhile is found
    by the collector's next pass once it is back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _timed(report: BuildReport, step: str, started: float, rows: int = 0) -> None:
    report.steps.append(StepTiming(step, round(time.perf_counter() - started, 3), rows, round(peak_rss_mb(), 1)))


def _build_into(raw_dir: Path, db_path: Path, work_dir: Path, *, allow_unknown: bool,
                echo: Callable[[str], None], load_cache: Path | None = None, full: bool = False,
                previous: Path | None = None) -> BuildReport:
    """previous: the warehouse this build will replace, which mart_changes compares the new tables with."""
    report = BuildReport()
    problems: list[str] = []
    # A model that reads a table it does not declare is the code's fault: say so before reading any
    # raw file, rather than after minutes of loading (discover raises BuildFailed).
    models = discover()
    con = _connect(db_path, work_dir)
    try:
        con.execute(DQ_TABLES)
        create_raw_tables(con)
        load_macros(con)
        load_reference(con)
        constants = method_constants()
        for name, spec in constants.items():
            con.execute(f"set variable {name} = {spec['value']}")
        _name_build(con)

        cache = LoadCache.attach(con, load_cache, fresh=full) if load_cache is not None else None
        if load_cache is not None and cache is None:
            echo(f"The load cache {load_cache.name} is in use by another build: loading every file.")

        with _cycle_collector_paused():
            started = time.perf_counter()
            recognised = _sniff_all(raw_dir, work_dir, report, problems, allow_unknown,
                                    recall=cache.recall if cache is not None else None)
            _timed(report, "recognise files", started)

            sheets = SheetRows()
            log = LoadLog()
            reused: list[tuple[int, RawFile]] = []
            fresh: list[tuple[int, RawFile, LoadResult]] = []
            by_source: dict[str, list[tuple[int, RawFile]]] = {}  # CSVs, which DuckDB reads
            in_python: list[tuple[int, RawFile]] = []  # workbooks and GeoJSON, parsed here
            for file_id, raw in enumerate(recognised, start=1):
                entry = cache.reused(raw) if cache is not None else None
                if entry is not None:
                    # Its rows come back in one insert per source below; seconds 0: it was not read.
                    reused.append((file_id, raw))
                    log.add(file_id, raw, "loaded", entry.rows_read, entry.rows_rejected, 0.0, entry.note)
                elif reads_in_duckdb(raw):
                    by_source.setdefault(raw.source.name, []).append((file_id, raw))
                else:
                    in_python.append((file_id, raw))
            # One DuckDB read keeps about one core busy, so sources are read side by side, each on a cursor
            # of its own, largest first, while workbooks and GeoJSON are parsed here. A source's files are
            # read one after another in file order, so its raw table holds its rows in the same order as
            # when every file was read in turn: sums over them add up in the same order, to the last bit.
            lanes = sorted(by_source.values(), key=lambda files: -sum(raw.size for _, raw in files))
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=settings.get_int("JOINTCARE_THREADS")) as pool:
                read = [pool.submit(_load_in_turn, con, files, work_dir) for files in lanes]
                outcomes = [(file_id, raw, *_load_one(con, raw, file_id, work_dir, sheets))
                            for file_id, raw in in_python]
                outcomes += [outcome for lane in read for outcome in lane.result()]
            _timed(report, "load files", started, sum(result.rows_read for *_, result, _ in outcomes
                                                      if isinstance(result, LoadResult)))
        for file_id, raw, result, seconds in sorted(outcomes, key=lambda outcome: outcome[0]):
            if isinstance(result, SourceError):
                problems.append(str(result))
                log.add(file_id, raw, "failed", 0, 0, seconds, str(result))
                continue
            log.add(file_id, raw, "loaded", result.rows_read, result.rows_rejected, seconds, result.note)
            # each file's own time: files are read side by side, so these add up to more than "load files"
            report.steps.append(StepTiming(f"file {raw.name}", round(seconds, 3), result.rows_read,
                                           round(peak_rss_mb(), 1)))
            if cache is not None and cacheable(raw):
                fresh.append((file_id, raw, result))
        log.flush(con)

        started = time.perf_counter()
        sheets.flush(con)
        reused_ids = {file_id for file_id, _ in reused}
        apply_rules(con, [(file_id, raw) for file_id, raw in enumerate(recognised, start=1)
                          if raw.source and file_id not in reused_ids])
        _timed(report, "check row rules", started)

        if cache is not None:
            # Every step so far was per file; from here on, steps look across files and always run.
            started = time.perf_counter()
            cache.restore(con, reused)
            _timed(report, f"reuse {len(reused)} unchanged files from the load cache", started)
            started = time.perf_counter()
            cache.store(con, fresh, keep={(raw.name, raw.sha256) for raw in recognised})
            cache.detach(con)
            _timed(report, f"keep {len(fresh)} new files in the load cache", started)
            report.reused_files = len(reused)

        started = time.perf_counter()
        # 2011 boundaries wait for the lookup (any file, any order) and its checked rows.
        loaded = _loaded_ids(con)
        report.unrecognised += boundaries.map_2011(
            con, [(file_id, raw) for file_id, raw in enumerate(recognised, start=1)
                  if raw.source.name == "lsoa_boundaries" and raw.match.vintage == 2011 and file_id in loaded],
            valid_rows("lsoa11_lsoa21"))
        _timed(report, "map 2011 boundaries to 2021", started)

        started = time.perf_counter()
        problems += _check_keys(con, recognised)
        _check_references(con, recognised)
        practice_groups.reject_bad_members(con, recognised)
        _refresh_counts(con)
        _timed(report, "check keys and references", started)
        if problems:
            raise BuildFailed(problems)

        loaded = con.execute("select distinct source from dq_load_log where status = 'loaded'").fetchall()
        present = {row[0] for row in loaded}
        model_errors = []
        ordered = sorted(build_order(models), key=lambda model: model.kept)  # staging first, dependencies kept
        _attach_previous(con, previous, echo)
        for index, model in enumerate(ordered):
            started = time.perf_counter()
            try:
                run(con, model)
            except (duckdb.IOException, duckdb.FatalException):
                raise  # the disk (or DuckDB itself), not the model: build() says which
            except (duckdb.Error, ValueError, ArithmeticError, KeyError) as error:
                # a Python model's data errors arrive as Python exceptions, not DuckDB's
                model_errors.append(f"model {model.name} ({model.path.name}) failed: {error!r}")
                break
            _timed(report, f"model {model.name}", started, scalar(con, f"select count(*) from {model.name}"))
            if not model.kept and ordered[index + 1].kept:
                # Staging holds typed copies of every valid raw row: the all-text raw layer can go,
                # freeing memory for the marts.
                con.execute("drop schema raw cascade")
        if model_errors:
            raise BuildFailed(model_errors)
        if previous is not None:
            con.execute("detach database if exists previous")

        started = time.perf_counter()
        # Two models' tests at a time, each on a cursor of its own: most are small queries that keep
        # one core busy at most.
        with ThreadPoolExecutor(max_workers=settings.get_int("JOINTCARE_THREADS")) as pool:
            failures = [failure for found in pool.map(partial(_contract_failures, con), models.values())
                        for failure in found]
        _timed(report, "contracts", started)
        if failures:
            raise BuildFailed(failures)

        started = time.perf_counter()
        _write_meta(con, models, present, constants, raw_dir, report)
        _drop_build_only(con, models)
        _timed(report, "metadata", started)
        started = time.perf_counter()
        con.execute("checkpoint")
        _timed(report, "write the warehouse to disk (checkpoint)", started)
        report.files = [dict(zip(("file", "source", "status", "rows_read", "rows_loaded", "rows_rejected"), row))
                        for row in con.execute("select file, source, status, rows_read, rows_loaded, rows_rejected "
                                               "from dq_load_log order by file").fetchall()]
        report.tables = _table_counts(con)
        con.execute("create table meta_tables (table_name varchar, row_count bigint)")
        con.executemany("insert into meta_tables values (?, ?)", [[k, v] for k, v in report.tables.items()])
        _echo_summary(con, report, echo)
        return report
    finally:
        con.close()


def _sniff_all(raw_dir: Path, work_dir: Path, report: BuildReport, problems: list[str],
               allow_unknown: bool, recall: Callable[[RawFile], bool] | None = None) -> list[RawFile]:
    paths = find_files(raw_dir)
    data_paths: list[tuple[Path, str]] = [(path, "") for path in paths if is_data_file(path)]
    for path in paths:
        name = path.relative_to(raw_dir).as_posix()
        if archives.is_zip(path):
            # Members are recognised like loose files, under the name archive.zip!member.csv.
            expanded = archives.expand(path, name, work_dir, is_data_file)
            data_paths += expanded.members
            report.unrecognised += expanded.ignored
            problems += [str(error) for error in expanded.errors]
            if expanded.nothing_usable:
                _unrecognised(report, problems, allow_unknown, name, expanded.nothing_usable, None)
        elif not is_data_file(path):
            report.unrecognised.append((name, f"not a data file ({path.suffix or 'no extension'}); ignored"))

    def safe_sniff(item: tuple[Path, str]) -> RawFile | SourceError:
        try:
            return sniff(item[0], raw_dir, item[1], recall)
        except SourceError as error:
            return error

    # Checksums and UTF-8 checks read every byte; hashing releases the GIL, so two threads help.
    with ThreadPoolExecutor(max_workers=settings.get_int("JOINTCARE_THREADS")) as pool:
        sniffed = list(pool.map(safe_sniff, data_paths))
    recognised = []
    for raw in sniffed:
        if isinstance(raw, SourceError):
            problems.append(str(raw))
            continue
        if raw.source is None:
            if raw.why_unrecognised == "file is empty":
                report.unrecognised.append((raw.name, raw.why_unrecognised))
                problems.append(str(SourceError(raw.name, "is empty", expected="a header line and data rows")))
            else:
                _unrecognised(report, problems, allow_unknown, raw.name, raw.why_unrecognised, raw.why_line)
            _discard_copy(raw)
            continue
        recognised.append(raw)
    return recognised


def _unrecognised(report: BuildReport, problems: list[str], allow_unknown: bool, name: str, why: str,
                  line: int | None) -> None:
    report.unrecognised.append((name, why))
    if not allow_unknown:
        problems.append(str(SourceError(
            name, f"not recognised: {why}",
            expected="the header of one of the sources in etl/sources.yml; "
                     "pass --allow-unknown to build without it", line=line)))


def _discard_copy(raw: RawFile) -> None:
    """A zip member's copy (and any UTF-8 copy) in the work folder is removed once it is loaded (or
    found unusable), so the disk holds the members not yet loaded rather than every one to the end."""
    if raw.from_archive:
        raw.path.unlink(missing_ok=True)
    if raw.readable_path is not None and raw.readable_path != raw.path:
        raw.readable_path.unlink(missing_ok=True)


def _loaded_ids(con) -> set[int]:
    return {row[0] for row in con.execute("select file_id from dq_load_log where status = 'loaded'").fetchall()}


def _load_one(con, raw: RawFile, file_id: int, work_dir: Path,
              sheets: SheetRows | None) -> tuple[LoadResult | SourceError, float]:
    """One file's rows into its raw table: what loading gave (or the problem with the file) and how long it took."""
    started = time.perf_counter()
    try:
        make_readable(raw, work_dir)
        result = load_file(con, raw, file_id, sheets)
    except SourceError as error:
        result = error
    finally:
        _discard_copy(raw)
    return result, time.perf_counter() - started


def _load_in_turn(con, files: list[tuple[int, RawFile]], work_dir: Path) -> list[tuple]:
    """Files of one source, one after another on a cursor of their own (another thread's connection to
    the same database): (file_id, raw, what loading gave, seconds) for each."""
    with con.cursor() as cursor:
        return [(file_id, raw, *_load_one(cursor, raw, file_id, work_dir, None)) for file_id, raw in files]


def _contract_failures(con, model: Model) -> list[str]:
    path = contract_path(model.path)
    if not path.exists():
        return [f"{model.name}: no contract (expected {path.relative_to(path.parents[2])})"]
    contract = Contract.load(path)
    with con.cursor() as cursor:
        return contract.problems() + check_contract(cursor, contract)


class LoadLog:
    """dq_load_log's rows, written in one insert once every file is loaded (an insert a file cost
    2 ms each, 4 s for a national folder)."""

    COLUMNS = ("file_id", "file", "source", "source_title", "status", "checksum_sha256", "size_bytes", "encoding",
               "line_endings", "rows_read", "rows_loaded", "rows_rejected", "seconds", "note", "sheet")

    def __init__(self) -> None:
        self.rows: list[tuple] = []

    def add(self, file_id: int, raw: RawFile, status: str, rows_read: int, rows_rejected: int,
            seconds: float, note: str) -> None:
        self.rows.append((
            file_id, raw.name, raw.source.name, raw.source.title, status, raw.sha256, raw.size,
            raw.encoding + (" (with BOM)" if raw.has_bom and raw.encoding == "utf-8-sig" else ""), raw.line_ending,
            rows_read, rows_read - rows_rejected, rows_rejected, round(seconds, 3), note, raw.sheet or None))

    def flush(self, con) -> None:
        if self.rows:
            con.register("load_log_rows", pd.DataFrame(self.rows, columns=list(self.COLUMNS), dtype=object))
            con.execute(f"insert into dq_load_log ({', '.join(self.COLUMNS)}) "
                        f"select {', '.join(self.COLUMNS)} from load_log_rows order by file_id")
            con.unregister("load_log_rows")
        self.rows.clear()


def _key_expressions(source) -> tuple[list[str], str]:
    """SQL for each key column as compared, and the join that parses dates once per spelling."""
    expressions, joins = [], ""
    for key in source.keys:
        spec = source.column(key)
        if key == "_vintage":
            expressions.append("_vintage")
        elif spec and any(rule.kind in {"date", "month"} for rule in spec.rules):
            # 01JAN2023 and 01-Jan-23 are the same release (2025-09 and Sep-25 the same month):
            # compare parsed dates, parsing each distinct spelling once
            parse = "parse_month" if any(rule.kind == "month" for rule in spec.rules) else "parse_any_date"
            alias = f"dates_{len(expressions)}"
            expressions.append(f"{alias}.parsed")
            joins += (f" left join (select published, {parse}(published) as parsed from "
                      f"(select distinct {quote_ident(key)} as published from raw.{source.name})) as {alias} "
                      f"on rows.{quote_ident(key)} = {alias}.published")
        else:
            expressions.append(f"upper(trim(coalesce(rows.{quote_ident(key)}, '')))")
    return expressions, joins


def _check_keys(con, recognised: list[RawFile]) -> list[str]:
    """Duplicate keys make a file unusable: which row is right cannot be known. Stop and say where."""
    problems = []
    names = {file_id: raw.name for file_id, raw in enumerate(recognised, start=1)}
    present = {raw.source.name for raw in recognised}
    for source in load_sources().values():
        if not source.keys or source.name not in present:
            continue
        keys, joins = _key_expressions(source)
        # Count first (cheap); line numbers are gathered only for the few keys that repeat.
        named = ", ".join(f"{expression} as key_{i}" for i, expression in enumerate(keys))
        key_columns = ", ".join(f"key_{i}" for i in range(len(keys)))
        rows = con.execute(
            f"with keyed as (select rows.file_id, rows.line, {named} from {valid_rows(source.name)} as rows{joins}), "
            f"repeated as (select {key_columns} from keyed group by all having count(*) > 1 order by all limit 3) "
            f"select {key_columns}, list(file_id order by file_id, line)[:2], "
            "list(line order by file_id, line)[:2], count(*) "
            f"from keyed semi join repeated using ({key_columns}) group by all order by all"
        ).fetchall()
        for row in rows:
            values = dict(zip(source.keys, row[: len(keys)]))
            shown = ", ".join(f"{k}={v}" for k, v in values.items() if k != "_vintage")
            (first_file, second_file), (first_line, second_line) = row[-3], row[-2]
            where = (f"line {second_line} repeats line {first_line}" if first_file == second_file
                     else f"line {second_line} repeats line {first_line} of {names[first_file]}")
            problems.append(str(SourceError(
                names[second_file], f"duplicate key ({shown}): {where}", line=second_line,
                expected=f"one row per {', '.join(k for k in source.keys if k != '_vintage')}")))
    return problems


def _check_references(con, recognised: list[RawFile]) -> None:
    """Reject rows whose code is in none of the reference sources, when any of them is present."""
    sources = load_sources()
    by_source: dict[str, list[tuple[int, RawFile]]] = {}
    for file_id, raw in enumerate(recognised, start=1):
        by_source.setdefault(raw.source.name, []).append((file_id, raw))
    for source_name, files in by_source.items():
        for column, references in sources[source_name].references.items():
            known = " union ".join(
                f"select upper(trim({quote_ident(ref.split('.')[1])})) as code from {valid_rows(ref.split('.')[0])}"
                for ref in references)
            if not scalar(con, f"select exists ({known})"):
                continue
            titles = " nor the ".join(sources[ref.split(".")[0]].title for ref in references)
            headers = pd.DataFrame({
                "file_id": [file_id for file_id, _ in files],
                "file": [raw.name for _, raw in files],
                "header": [(raw.match.mapping.get(column, column) if raw.match else column)
                           .replace("\ufeff", "").strip()
                           for _, raw in files],
            })
            con.register("reference_headers", headers)
            con.execute(
                "insert into dq_rejected_rows (file_id, file, source, line, \"column\", value, reason) "
                f"select rows.file_id, headers.file, '{source_name}', rows.line, "
                f"headers.header, rows.{quote_ident(column)}, "
                f"'code ' || upper(trim(rows.{quote_ident(column)})) || ' is in neither the ' || ? "
                f"from {valid_rows(source_name)} as rows "
                f"inner join reference_headers as headers using (file_id) "
                f"anti join ({known}) as known on upper(trim(rows.{quote_ident(column)})) = known.code "
                # an empty code is a rule's business (some sources allow it: a client with no known GP)
                f"where coalesce(trim(rows.{quote_ident(column)}), '') <> ''",
                [titles],
            )
            con.unregister("reference_headers")


def _refresh_counts(con) -> None:
    con.execute("update dq_rejected_rows set sheet = log.sheet from dq_load_log as log "
                "where dq_rejected_rows.file_id = log.file_id and log.sheet is not null")
    con.execute("""
        update dq_load_log set
            rows_rejected = counted.rejected,
            rows_loaded = dq_load_log.rows_read - counted.rejected
        from (
            select log.file_id, count(distinct rejected.line) as rejected
            from dq_load_log as log
            left join dq_rejected_rows as rejected using (file_id)
            group by log.file_id
        ) as counted
        where dq_load_log.file_id = counted.file_id and dq_load_log.status = 'loaded'
    """)


def _name_build(con) -> None:
    """This build's id and time, as variables: meta_build records them, and mart_changes stamps its entries."""
    con.execute("set variable build_id = ?", [uuid.uuid4().hex])
    con.execute("set variable built_at = ?", [dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)])


def _attach_previous(con, previous: Path | None, echo: Callable[[str], None]) -> None:
    """The warehouse being replaced, read-only as `previous`, for mart_changes. One that cannot be read (a
    damaged file, one still being written) costs the comparison, not the build: the note says why."""
    if previous is None:
        return
    try:
        con.execute(f"attach '{_quoted_path(previous)}' as previous (read_only)")
    except duckdb.Error as error:
        note = (f"The previous warehouse could not be read ({' '.join(str(error).split())[:200]}), so this build "
                "records no changes; the next build compares with this one.")
        con.execute("set variable changes_previous_problem = ?", [note])
        echo(note)


def _quoted_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _write_meta(con, models: dict[str, Model], present: set[str], constants: dict, raw_dir: Path,
                report: BuildReport) -> None:
    sources = load_sources()
    con.execute("create table meta_method (name varchar, method_group varchar, value double, unit varchar, "
                "meaning varchar)")
    con.executemany("insert into meta_method values (?, ?, ?, ?, ?)",
                    [[name, spec["group"], spec["value"], spec["unit"], spec["meaning"]]
                     for name, spec in constants.items()])
    con.execute("create table meta_sources (source varchar, title varchar, publisher varchar, url varchar, "
                "schedule varchar, file_pattern varchar, notes varchar, present boolean)")
    con.executemany("insert into meta_sources values (?, ?, ?, ?, ?, ?, ?, ?)",
                    [[s.name, s.title, s.publisher, s.url, s.schedule, s.file_pattern, s.notes, s.name in present]
                     for s in sources.values()])
    rows = []
    for model in build_order(models):
        if not model.kept:
            continue
        count = scalar(con, f"select count(*) from {model.name}")
        contract = Contract.load(contract_path(model.path))
        missing = [" or ".join(sources[name].title for name in names)
                   for names in contract.missing_requirements(present)]
        note = ""
        if count == 0:
            note = ("empty: needs " + "; ".join(missing)) if missing else "empty although its sources are present"
            if model.layer == "marts":
                report.empty_models.append(f"{model.name} is {note}")
        rows.append([model.name, model.layer, contract.grain, contract.description, count, missing, note])
    con.execute("create table meta_models (model varchar, layer varchar, grain varchar, description varchar, "
                "row_count bigint, missing_sources varchar[], note varchar)")
    con.executemany("insert into meta_models values (?, ?, ?, ?, ?, ?, ?)", rows)
    report.is_demo = bool(scalar(con, "select count(*) from meta_demo_manifest"))
    # build_id names this build alone (built_at has one-second resolution and repeats across machines):
    # the dashboard's shared cache keys every answer by it, so a swapped warehouse is never served stale.
    con.execute("create table meta_build (built_at timestamp, jointcare_version varchar, raw_folder varchar, "
                "is_demo boolean, unrecognised_files varchar, build_id varchar)")
    con.execute("insert into meta_build select getvariable('built_at'), ?, ?, ?, ?, getvariable('build_id')",
                [__version__, raw_dir.name, report.is_demo, json.dumps(report.unrecognised)])


def _drop_build_only(con, models: dict[str, Model]) -> None:
    for model in models.values():
        if not model.kept:
            con.execute(f"drop table {model.name}")


def _table_counts(con) -> dict[str, int]:
    names = [row[0] for row in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'main' order by table_name").fetchall()]
    return {name: scalar(con, f"select count(*) from {quote_ident(name)}") for name in names}


def _echo_summary(con, report: BuildReport, echo: Callable[[str], None]) -> None:
    echo(f"{'source':<22} {'files':>5} {'read':>11} {'loaded':>11} {'rejected':>9}")
    for source, files, read, loaded, rejected in con.execute(
        "select source, count(*), sum(rows_read), sum(rows_loaded), sum(rows_rejected) from dq_load_log "
        "group by source order by source"
    ).fetchall():
        echo(f"{source:<22} {files:>5} {read:>11,} {loaded:>11,} {rejected:>9,}")
    missing = [row[0] for row in con.execute("select title from meta_sources where not present "
                                             "and source <> 'demo_manifest' order by source").fetchall()]
    if missing:
        echo("Sources not in the raw folder: " + "; ".join(missing))
    for name, why in report.unrecognised:
        echo(f"Not used: {name}: {why}")
    for line in report.empty_models:
        echo(line)
    rejected = scalar(con, "select count(*) from dq_rejected_rows")
    if rejected:
        echo(f"{rejected:,} rejected row reasons are in dq_rejected_rows (file, line, column, value, reason).")
