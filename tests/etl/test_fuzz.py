"""Fuzzing the build with mutated raw files (issue 14, part 4): hypothesis writes random mutations of the
tiny area's files and runs `jointcare build` on them as a user would.

Whatever the mutation, the build never shows a traceback, exits 0 or 1, and every rejected row says
where it was. A mutation that changes only how a file is written (line endings, byte-order mark or
encoding, quoting, column order, an extra column) must change nothing in the warehouse: Python's csv
module, the straightforward reference parser, reads the same rows from it, so the same rows must land.
A mutation that damages a file (a cut, a NUL byte, a huge field, deep nesting) may reject rows or stop
the build, but nothing is lost silently: the rows the csv module reads are loaded or rejected.

Bounded for `make test`: a fixed number of examples, derandomised so CI runs the same ones, each a
build of the tiny area with its outcomes (one to two seconds); about 45 s in all.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.cli import cli
from tests.factory import write_tiny_area
from tests.factory_outcomes import write_tiny_outcomes

REGISTRATIONS = Path("nhs") / "2023-01" / "gp-reg-pat-prac-lsoa-all.csv"
EPRACCUR = Path("ods") / "epraccur.csv"  # published without a header: its columns are known by position
# every CSV source of the tiny area and its outcomes (the BCF and ASCOF workbooks are not CSV: their
# faults are tested case by case in test_bad_input_outcomes.py)
CSV_FILES = (REGISTRATIONS, Path("nhs") / "gp-reg-pat-prac-map.csv", EPRACCUR,
             Path("ons") / "LSOA21_LAD22_EW_LU.csv", Path("local") / "council_localities.csv",
             Path("fingertips") / "indicators-GP.data.csv", Path("activity") / "sus_practice_activity.csv",
             Path("social_care") / "unitown_events.csv", Path("ascof") / "meas-from-asc-of-eng-2223-open-data-csv.csv",
             Path("joint_working") / "jw_return_2023-24_Q1.csv")
BY_POSITION = ("column order", "extra column")  # harmless only where a header names the columns
BOUNDARIES = Path("ons") / "lsoa_boundaries.geojson"
csv.field_size_limit(sys.maxsize)  # the reference parser reads a field of any size the CSV standard allows
HARMLESS = ("line endings", "byte-order mark", "windows-1252", "quote every field", "column order",
            "extra column")
DAMAGING = ("cut", "NUL byte", "huge field", "deep nesting")
FUZZ = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> tuple[Path, dict]:
    """The tiny area's raw files, and what a build of them loads."""
    base = tmp_path_factory.mktemp("fuzz-original")
    raw = write_tiny_outcomes(write_tiny_area(base / "raw"))
    result = _build(raw, base / "warehouse.duckdb")
    assert result.exit_code == 0, result.output
    return raw, _loaded(base / "warehouse.duckdb")


def _build(raw: Path, db: Path):
    return CliRunner().invoke(cli, ["build", "--raw", str(raw), "--db", str(db)], catch_exceptions=True)


def _loaded(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        files = {file: (loaded, rejected) for file, loaded, rejected in con.execute(
            "select file, rows_loaded, rows_rejected from dq_load_log").fetchall()}
        patients = con.execute("select sum(patients) from fct_registrations").fetchone()[0]
        rejected = con.execute('select file, line, sheet, "column", reason from dq_rejected_rows').fetchall()
        return {"files": files, "patients": patients, "rejected": rejected}
    finally:
        con.close()


def _rewrite(text: str, mutate_rows) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(mutate_rows(rows))
    return out.getvalue()


def mutate(path: Path, kind: str, rng: random.Random) -> None:
    """Rewrite the file at path with one mutation, chosen by kind, its details by rng."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:  # the councils' extracts and ASCOF come in Windows-1252
        text = data.decode("cp1252")
    if kind == "line endings":
        lines = text.splitlines()
        data = "".join(line + rng.choice(["\r\n", "\n"]) for line in lines).encode()
    elif kind == "byte-order mark":
        data = "\ufeff".encode() + text.encode()
    elif kind == "windows-1252":
        try:
            data = text.encode("cp1252")
        except UnicodeEncodeError:  # text Windows-1252 cannot hold stays UTF-8: the mutation is a no-op
            data = text.encode()
    elif kind == "quote every field":
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(csv.reader(io.StringIO(text)))
        data = out.getvalue().encode()
    elif kind == "column order":
        order = list(range(len(next(csv.reader(io.StringIO(text))))))
        rng.shuffle(order)
        data = _rewrite(text, lambda rows: [[row[i] for i in order] for row in rows]).encode()
    elif kind == "extra column":
        data = _rewrite(text, lambda rows: [rows[0] + ["NOTES_ADDED_BY_HAND"]]
                        + [row + [rng.choice(["", "checked", "=1+1", "a, b"])] for row in rows[1:]]).encode()
    elif kind == "cut":
        data = data[:rng.randrange(1, len(data))]
    elif kind == "NUL byte":
        at = rng.randrange(len(data))
        data = data[:at] + b"\x00" + data[at:]
    elif kind == "huge field":
        def huge(rows):
            row = rows[rng.randrange(1, len(rows))]
            column = rng.randrange(len(row))
            row[column] = row[column] + " " + "x, \"quoted\"\n" * rng.choice([10, 5_000, 100_000])
            return rows
        data = _rewrite(text, huge).encode()
    path.write_bytes(data)


def nest(path: Path, depth: int) -> None:
    """One boundary's coordinates wrapped in depth more lists (written as text: Python's own json module
    cannot write 5,000 levels either)."""
    text = path.read_text()
    start = text.index('"coordinates": ') + len('"coordinates": ')
    end = text.index("}", start)
    path.write_text(text[:start] + "[" * depth + text[start:end] + "]" * depth + text[end:])


def csv_rows(path: Path) -> int:
    """Data rows Python's csv module reads from the file (the reference parser)."""
    text = path.read_bytes().replace(b"\x00", b"").decode("utf-8-sig", errors="replace")
    return max(len(list(csv.reader(io.StringIO(text, newline="")))) - 1, 0)


def _run(original, tmp_path, work: str) -> tuple[Path, Path]:
    raw = tmp_path / work / "raw"
    if raw.parent.exists():
        shutil.rmtree(raw.parent)
    shutil.copytree(original[0], raw)
    return raw, tmp_path / work / "warehouse.duckdb"


def _never_a_traceback(result) -> None:
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def _every_rejection_located(db: Path) -> dict:
    loaded = _loaded(db)
    for file, line, sheet, column, reason in loaded["rejected"]:
        assert file and reason and (line is not None or sheet), (file, line, sheet, column, reason)
    return loaded


@FUZZ
@given(file=st.sampled_from(CSV_FILES), kind=st.sampled_from(HARMLESS), seed=st.integers(0, 10**6))
def test_how_a_file_is_written_changes_nothing(original, tmp_path, file, kind, seed):
    if file == EPRACCUR and kind in BY_POSITION:
        kind = "quote every field"
    raw, db = _run(original, tmp_path, "harmless")
    mutate(raw / file, kind, random.Random(seed))
    result = _build(raw, db)
    _never_a_traceback(result)
    assert result.exit_code == 0, f"{kind} of {file}: {result.output[-800:]}"
    loaded = _every_rejection_located(db)
    want = original[1]
    assert loaded["patients"] == want["patients"], f"{kind} of {file}"
    assert len(loaded["rejected"]) == len(want["rejected"]), f"{kind} of {file}: {loaded['rejected'][:3]}"
    name = file.as_posix()
    assert loaded["files"][name] == want["files"][name], f"{kind} of {file}: rows loaded and rejected differ"


@FUZZ
@given(file=st.sampled_from(CSV_FILES), kind=st.sampled_from(DAMAGING), seed=st.integers(0, 10**6))
def test_a_damaged_file_loses_nothing_silently(original, tmp_path, file, kind, seed):
    raw, db = _run(original, tmp_path, "damaging")
    if kind == "deep nesting":
        file = BOUNDARIES
        nest(raw / file, random.Random(seed).choice([3, 50, 5_000]))
    else:
        mutate(raw / file, kind, random.Random(seed))
    result = _build(raw, db)
    _never_a_traceback(result)
    if result.exit_code == 1:
        # one message naming the file that stopped it
        assert file.name in result.output or "jointcare" in result.output, result.output[-800:]
        return
    loaded = _every_rejection_located(db)
    name = file.as_posix()
    if file.suffix == ".csv" and name in loaded["files"]:
        rows_loaded, rows_rejected = loaded["files"][name]
        # every row the reference parser reads is loaded or rejected, never dropped without a word
        assert rows_loaded + rows_rejected >= csv_rows(raw / file) - 1, f"{kind} of {file}"
