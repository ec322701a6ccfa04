"""Bad input: a clear message naming file, line or column and what was expected; rows rejected
with their reasons; and a failed build never touches the warehouse users are reading."""

from __future__ import annotations

import errno
import gc
import os
from pathlib import Path

import duckdb
import pytest

from etl.build import build, check
from etl.errors import BuildFailed
from tests.conftest import sha256
from tests.factory import NAMES, REGISTRATIONS_Q1, registrations

REG_Q1 = Path("nhs/2023-01/gp-reg-pat-prac-lsoa-all.csv")


@pytest.fixture
def built(tiny_raw: Path, tmp_path: Path):
    """A good warehouse, and its checksum, before each bad input is tried."""
    db = tmp_path / "warehouse.duckdb"
    build(tiny_raw, db, echo=lambda _: None)
    return tiny_raw, db, sha256(db)


def fails(raw: Path, db: Path, before: str) -> str:
    with pytest.raises(BuildFailed) as failure:
        build(raw, db, echo=lambda _: None)
    assert sha256(db) == before, "a failed build changed the warehouse"
    assert not list(db.parent.glob(".jointcare-build-*")), "a failed build left its work folder behind"
    assert gc.isenabled(), "a failed build left Python's cycle collector off (it is paused while files are read)"
    return str(failure.value)


def rejected(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute('select file, line, "column", value, reason from dq_rejected_rows '
                           'order by file, line').fetchall()
    finally:
        con.close()


def test_wrong_header_stops_the_build(built):
    raw, db, before = built
    path = raw / REG_Q1
    path.write_text(path.read_text().replace("LSOA_CODE", "LSOA"))
    message = fails(raw, db, before)
    assert f"{REG_Q1.as_posix()}, line 1: not recognised" in message
    assert "lacks LSOA_CODE" in message  # says what was expected, without guessing


def test_unrecognised_file_can_be_listed_and_skipped(built, tmp_path):
    raw, db, before = built
    (raw / "notes.csv").write_text("a,b\n1,2\n")
    (raw / "spec.pdf").write_bytes(b"%PDF-1.4")
    assert "notes.csv, line 1: not recognised: header matches no known source" in fails(raw, db, before)
    report = build(raw, db, allow_unknown=True, echo=lambda _: None)
    assert dict(report.unrecognised)["notes.csv"] == "header matches no known source"
    assert "spec.pdf" in dict(report.unrecognised)


def test_truncated_file_stops_the_build(built):
    raw, db, before = built
    path = raw / REG_Q1
    text = path.read_bytes()
    path.write_bytes(text[: text.rindex(b",E01000004,")] + b",E0100")  # cut off mid-line while downloading
    message = fails(raw, db, before)
    assert f"{REG_Q1.as_posix()}, line 11: is truncated" in message  # 1 header + 10 complete rows
    assert "expected 7 fields on every line" in message


def test_empty_file_stops_the_build(built):
    raw, db, before = built
    (raw / REG_Q1).write_bytes(b"")
    assert f"{REG_Q1.as_posix()}: is empty" in fails(raw, db, before)


def test_header_only_file_stops_the_build(built):
    raw, db, before = built
    path = raw / REG_Q1
    path.write_text(path.read_text().splitlines()[0] + "\r\n")
    assert f"{REG_Q1.as_posix()}: has no data rows" in fails(raw, db, before)


def test_duplicate_keys_stop_the_build(built):
    raw, db, before = built
    path = raw / REG_Q1
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines + [lines[3]]))  # line 4 repeated as line 13
    message = fails(raw, db, before)
    assert f"{REG_Q1.as_posix()}, line 13: duplicate key" in message
    assert "line 13 repeats line 4" in message
    assert "expected one row per practice_code, lsoa_code, sex, extract_date" in message


def test_same_release_twice_is_a_duplicate_across_files(built):
    raw, db, before = built
    copy = raw / "nhs" / "copy" / "gp-reg-pat-prac-lsoa-all.csv"
    copy.parent.mkdir()
    # The same release with its date written another way (01-Jan-23) is still the same release.
    copy.write_text((raw / REG_Q1).read_text().replace("01JAN2023", "01-Jan-23"))
    assert "duplicate key" in fails(raw, db, before)


def test_negative_and_non_numeric_counts_rejected_with_line_and_column(built):
    raw, db, _ = built
    rows = list(REGISTRATIONS_Q1)
    rows[1] = ("A00001", "E01000002", -10)
    rows[4] = ("A00001", "W01000001", "five")
    (raw / REG_Q1).write_text(registrations("01JAN2023", rows), newline="")
    build(raw, db, echo=lambda _: None)
    reasons = [r for r in rejected(db) if r[0] == REG_Q1.as_posix()]
    assert reasons == [
        (REG_Q1.as_posix(), 3, "NUMBER_OF_PATIENTS", "-10", "expected a whole number of at least 0"),
        (REG_Q1.as_posix(), 6, "NUMBER_OF_PATIENTS", "five", "expected a whole number of at least 0"),
    ]
    con = duckdb.connect(str(db), read_only=True)
    read, loaded, rejected_count = con.execute(
        "select rows_read, rows_loaded, rows_rejected from dq_load_log where file = ?", [REG_Q1.as_posix()]).fetchone()
    assert (read, loaded, rejected_count) == (11, 9, 2)
    # The rest of the file still counts: A00001 keeps 60 + 30 + 5 = 95 patients.
    assert con.execute("select patients_total from mart_catchment_practice where practice_code = 'A00001' "
                       "and quarter = date '2023-01-01'").fetchone()[0] == 95
    con.close()


def test_unknown_practice_code_rejected(built):
    raw, db, _ = built
    rows = list(REGISTRATIONS_Q1) + [("Z99999", "E01000001", 7)]
    (raw / REG_Q1).write_text(registrations("01JAN2023", rows), newline="")
    build(raw, db, echo=lambda _: None)
    file, line, column, value, reason = [r for r in rejected(db) if r[3] == "Z99999"][0]
    assert (file, line, column) == (REG_Q1.as_posix(), 13, "PRACTICE_CODE")
    assert reason == ("code Z99999 is in neither the GP practice to PCN, sub-ICB, ICB and region mapping "
                      "nor the GP practices (epraccur)")


def test_bad_value_after_malformed_line_reports_its_physical_line(built):
    raw, db, _ = built
    rows = list(REGISTRATIONS_Q1)
    rows[8] = ("A00002", "E01000001", -9)  # data row 9 = line 10 before the insertion
    text = registrations("01JAN2023", rows).splitlines(keepends=True)
    text.insert(2, "GP_PRAC_PAT_LIST,01JAN2023\r\n")  # line 3; the negative count moves to line 11
    (raw / REG_Q1).write_text("".join(text), newline="")
    build(raw, db, echo=lambda _: None)
    found = [(line, column, value, reason) for file, line, column, value, reason in rejected(db)
             if file == REG_Q1.as_posix()]
    assert found == [
        (3, None, "GP_PRAC_PAT_LIST,01JAN2023", "malformed line: Expected Number of Columns: 7 Found: 2"),
        (11, "NUMBER_OF_PATIENTS", "-9", "expected a whole number of at least 0"),
    ]


def test_cp1252_file_read_and_transcoded(built):
    raw, db, _ = built
    rows = [list(r) for r in REGISTRATIONS_Q1]
    text = registrations("01JAN2023", [tuple(r) for r in rows]).replace(NAMES["A00003"], "FELL PRACTICE – CAFÉ ROW")
    (raw / REG_Q1).write_bytes(text.encode("cp1252"))  # 0x96 en dash, 0xC9 E acute
    # Without the map and epraccur, the practice's name can only come from the registration file.
    (raw / "nhs" / "gp-reg-pat-prac-map.csv").unlink()
    (raw / "ods" / "epraccur.csv").unlink()
    build(raw, db, echo=lambda _: None)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select encoding from dq_load_log where file = ?", [REG_Q1.as_posix()]).fetchone()[0] == "cp1252"
    assert con.execute("select practice_name from dim_practice where practice_code = 'A00003'").fetchone()[0] == \
        "FELL PRACTICE – CAFÉ ROW"
    con.close()


def test_bom_on_nhs_file_still_recognised(built):
    raw, db, _ = built
    path = raw / REG_Q1
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    build(raw, db, echo=lambda _: None)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select encoding, rows_loaded from dq_load_log where file = ?",
                       [REG_Q1.as_posix()]).fetchone() == ("utf-8-sig (with BOM)", 11)
    con.close()


def test_every_problem_reported_at_once(built):
    raw, db, before = built
    (raw / REG_Q1).write_bytes(b"")
    (raw / "ons" / "LTLA22_UTLA22_EW_LU.csv").write_text("FID,LTLA22CD,UTLA22CD\n"
                                                         "1,E06000901,E06000901\n1,E06000901,E06000901\n")
    message = fails(raw, db, before)
    assert "is empty" in message and "LTLA22_UTLA22_EW_LU.csv, line 3: duplicate key" in message


def test_check_validates_without_writing(built, tmp_path):
    raw, db, before = built
    report = check(raw, echo=lambda _: None)
    assert report.tables["mart_catchment_practice"] == 4
    (raw / REG_Q1).write_bytes(b"")
    with pytest.raises(BuildFailed):
        check(raw, echo=lambda _: None)
    assert sha256(db) == before


@pytest.mark.parametrize("bom, pattern", [
    (b"", "one LF"),        # one line ends LF in an otherwise CRLF file (a hand edit in a text editor)
    (b"", "alternating"),   # CRLF, LF, CRLF, LF ... (files concatenated from two systems)
    (b"\xef\xbb\xbf", "alternating"),
])
def test_mixed_line_endings_are_read(built, bom, pattern):
    raw, db, _ = built
    rows = list(REGISTRATIONS_Q1)
    rows[6] = ("A00002", "E01000004", -50)  # data row 7 = line 8, so the line numbers can be checked
    lines = registrations("01JAN2023", rows).split("\r\n")[:-1]  # 12 lines: header + 11 rows
    if pattern == "one LF":
        endings = ["\r\n"] * 12
        endings[4] = "\n"  # line 5
    else:
        endings = ["\r\n", "\n"] * 6
    (raw / REG_Q1).write_bytes(bom + "".join(line + end for line, end in zip(lines, endings)).encode())
    build(raw, db, echo=lambda _: None)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select line_endings, rows_read, rows_loaded from dq_load_log where file = ?",
                       [REG_Q1.as_posix()]).fetchone() == ("mixed", 11, 10)
    con.close()
    assert [r for r in rejected(db) if r[0] == REG_Q1.as_posix()] == [
        (REG_Q1.as_posix(), 8, "NUMBER_OF_PATIENTS", "-50", "expected a whole number of at least 0")]


def test_counts_must_be_whole_numbers(built):
    raw, db, _ = built
    rows = list(REGISTRATIONS_Q1)
    rows[1] = ("A00001", "E01000002", "12.5")  # line 3: not a count of patients, and not to be rounded to 13
    # Line 4: accepted as 30. Our choice: a whole number written with zero decimals is that whole
    # number, because spreadsheets and pandas export integer columns as 30.0; nothing is rounded.
    rows[2] = ("A00001", "E01000003", "30.0")
    rows[4] = ("A00001", "W01000001", "1e1")  # line 6: DuckDB would read 10; a count is written in digits
    (raw / REG_Q1).write_text(registrations("01JAN2023", rows), newline="")
    build(raw, db, echo=lambda _: None)
    assert [r for r in rejected(db) if r[0] == REG_Q1.as_posix()] == [
        (REG_Q1.as_posix(), 3, "NUMBER_OF_PATIENTS", "12.5", "expected a whole number of at least 0"),
        (REG_Q1.as_posix(), 6, "NUMBER_OF_PATIENTS", "1e1", "expected a whole number of at least 0"),
    ]
    con = duckdb.connect(str(db), read_only=True)
    # A00001 keeps 60 (E01000001) + 30 (E01000003, written 30.0) + 5 (CLOSED) = 95 patients.
    assert con.execute("select patients_total from mart_catchment_practice where practice_code = 'A00001' "
                       "and quarter = date '2023-01-01'").fetchone()[0] == 95
    con.close()


def test_bytes_undefined_in_windows_1252_reject_their_rows(built):
    raw, db, _ = built
    lines = registrations("01JAN2023", REGISTRATIONS_Q1).encode("cp1252").split(b"\r\n")
    planted = {2: b"\x81", 7: b"\x8d", 8: b"\x8f", 11: b"\x90", 12: b"\x9d"}  # line: the byte after the name
    for line, byte in planted.items():
        code = lines[line - 1].split(b",")[2].decode()
        lines[line - 1] = lines[line - 1].replace(NAMES[code].encode(), NAMES[code].encode() + byte)
    lines[2] = lines[2].replace(b"UNITOWN SURGERY", b"UNITOWN SURGERY \x96 EAST")  # en dash: defined, kept
    (raw / REG_Q1).write_bytes(b"\r\n".join(lines))
    build(raw, db, echo=lambda _: None)
    reason = ("holds a byte that Windows-1252 leaves undefined (the file is not UTF-8, so it is read as "
              "Windows-1252); expected text saved as UTF-8 or Windows-1252")
    assert [r for r in rejected(db) if r[0] == REG_Q1.as_posix()] == [
        (REG_Q1.as_posix(), 2, "PRACTICE_NAME", "UNITOWN SURGERY<0x81>", reason),
        (REG_Q1.as_posix(), 7, "PRACTICE_NAME", "DALE MEDICAL CENTRE<0x8D>", reason),
        (REG_Q1.as_posix(), 8, "PRACTICE_NAME", "DALE MEDICAL CENTRE<0x8F>", reason),
        (REG_Q1.as_posix(), 11, "PRACTICE_NAME", "FELL PRACTICE<0x90>", reason),
        (REG_Q1.as_posix(), 12, "PRACTICE_NAME", "FELL PRACTICE<0x9D>", reason),
    ]
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select encoding, rows_read, rows_loaded from dq_load_log where file = ?",
                       [REG_Q1.as_posix()]).fetchone() == ("cp1252", 11, 6)
    # A00001 keeps lines 3-6: 10 + 30 + 5 (CLOSED) + 5 (W01000001) = 50 patients.
    assert con.execute("select patients_total from mart_catchment_practice where practice_code = 'A00001' "
                       "and quarter = date '2023-01-01'").fetchone()[0] == 50
    con.close()


def test_json_nested_too_deeply_is_located(built):
    raw, db, before = built
    depth = 100_000
    (raw / "deep.json").write_text('{"a": ' + "[" * depth + "]" * depth + "}")
    boundaries = raw / "ons" / "lsoa_boundaries.geojson"
    # A property nested as deeply inside the boundaries: on line 2, since the features start there.
    boundaries.write_text(boundaries.read_text().replace('"features": [', '\n"features": [', 1)
                          .replace('"LSOA21NM": "Area 2"', '"LSOA21NM": "Area 2", "x": ' + "[" * depth + "]" * depth))
    message = fails(raw, db, before)
    # '{' is level 1; '{"a": ' is 6 characters, so the first '[' is column 7 and the last (level
    # 100,001) column 7 + 99,999 = 100,006.
    assert ("deep.json, line 1: not recognised: JSON nested 100,001 levels deep (deepest at column 100,006), "
            "deeper than Python's reader goes") in message
    assert "ons/lsoa_boundaries.geojson, line 2: not recognised: JSON nested 100,004 levels deep" in message
    assert "Traceback" not in message and "RecursionError" not in message


def test_geometry_nested_too_deeply_rejects_its_feature(built):
    raw, db, _ = built
    boundaries = raw / "ons" / "lsoa_boundaries.geojson"
    # Feature 3 (E01000003): coordinates nested 600 levels, which JSON reads but shapely cannot walk.
    nested = "[" * 600 + "]" * 600
    boundaries.write_text(boundaries.read_text().replace('"coordinates": [[[-1.48,',
                                                         f'"coordinates": {nested}, "was": [[[-1.48,'))
    build(raw, db, echo=lambda _: None)
    assert [r for r in rejected(db) if r[0].endswith(".geojson")] == [
        ("ons/lsoa_boundaries.geojson", 3, "geometry", None,
         "feature 3 (E01000003): unreadable geometry (coordinates nested too deeply; expected a Polygon's 3 levels "
         "or a MultiPolygon's 4)")]


def test_nul_byte_rejects_only_its_row(built):
    raw, db, _ = built
    path = raw / "ons" / "postcodes_extract.csv"
    lines = path.read_text().splitlines()
    lines += [f"AB{i} 1AA,AB{i}  1AA,AB{i} 1AA,199801,,E00000003,E10000901,E07000901,E92000001,E01000003"
              for i in range(3, 30)]  # 30 lines: the header, the 2 postcodes of the tiny area and 27 more
    lines[20] = lines[20].replace("AB20  1AA,AB20 1AA", "AB20  1AA,AB20 \x001AA")  # line 21, within the first 64 kB
    path.write_text("\n".join(lines) + "\n")
    build(raw, db, echo=lambda _: None)
    assert rejected(db) == [
        ("ons/postcodes_extract.csv", 21, "pcds", "AB20 <0x00>1AA",
         "holds a NUL byte, which text never contains (the file is damaged here, or binary data was pasted in); "
         "expected text")]
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select rows_read, rows_loaded from dq_load_log where file = 'ons/postcodes_extract.csv'"
                       ).fetchone() == (29, 28)
    con.close()


def test_nul_in_the_header_line_is_a_binary_file(built):
    raw, db, before = built
    (raw / "export.csv").write_bytes("PRACTICE_CODE,NAME\r\nA00001,X\r\n".encode("utf-16"))
    (raw / "sheet.csv").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00")  # an old .xls renamed
    message = fails(raw, db, before)
    assert "export.csv, line 1: not recognised: UTF-16 text (save it as UTF-8)" in message
    assert "sheet.csv, line 1: not recognised: binary file, not text" in message


def run_cli(*args: str):
    from click.testing import CliRunner

    from etl.cli import cli

    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("where, error", [
    # the disk fills while a file is copied into the work folder ...
    ("make_readable", OSError(errno.ENOSPC, "No space left on device")),
    # ... or while DuckDB writes the new warehouse, which it reports as fatal
    ("apply_rules", duckdb.FatalException('FATAL Error: Failed to create checkpoint because of error: Could not '
                                          'write file "warehouse.duckdb": No space left on device')),
])
def test_full_disk_is_one_located_line(built, monkeypatch, where, error):
    raw, db, before = built

    def full(*args, **kwargs):
        raise error

    monkeypatch.setattr(f"etl.build.{where}", full)
    if where == "make_readable":  # the tiny area has no file to copy: make one
        path = raw / REG_Q1
        path.write_bytes(path.read_bytes().replace(b"FELL PRACTICE", b"FELL PRACTICE \x96 EAST"))
    message = fails(raw, db, before)
    assert message.splitlines()[1] == (
        f"* {db.parent}: no space left on the disk (expected room for a new warehouse beside the old one, "
        "about the size of the old one plus the raw files)")
    result = run_cli("build", "--raw", str(raw), "--db", str(db))
    assert result.exit_code == 1 and "no space left on the disk" in result.output
    assert "Traceback" not in result.output


def test_folder_that_cannot_be_written_is_one_located_line(built, monkeypatch, tmp_path):
    raw, db, before = built
    # Running as root, chmod cannot make a folder read-only, so the refusal is the one the system gives.
    def refuse(*args, dir=None, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(dir))

    monkeypatch.setattr("etl.build.tempfile.mkdtemp", refuse)
    message = fails(raw, db, before)
    assert message.splitlines()[1] == (
        f"* {db.parent}: cannot write here (Permission denied; expected a folder this user can write to, for --db)")
    # A --db whose folder is a file:
    result = run_cli("build", "--raw", str(raw), "--db", str(raw / REG_Q1 / "warehouse.duckdb"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{raw / REG_Q1}: is a file, not a folder" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_read_only_folder_is_one_located_line(tiny_raw, tmp_path):
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(BuildFailed, match="readonly: cannot write here"):
            build(tiny_raw, folder / "warehouse.duckdb", echo=lambda _: None)
    finally:
        folder.chmod(0o755)


def test_stale_work_folders_of_killed_builds_are_removed(built):
    import subprocess
    import sys

    from etl.build import HOST, WORK_PREFIX

    raw, db, _ = built
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()  # a process that has ended
    killed = db.parent / f"{WORK_PREFIX}{HOST}-{gone}-abc123"           # kill -9: its process is gone
    running = db.parent / f"{WORK_PREFIX}{HOST}-1-def456"               # pid 1 is always running
    elsewhere = db.parent / f"{WORK_PREFIX}otherhost-{gone}-ghi789"     # another machine sharing the folder
    legacy = db.parent / f"{WORK_PREFIX}jkl012"                          # named before builds named their process
    for folder in (killed, running, elsewhere, legacy):
        (folder / "spill").mkdir(parents=True)
        (folder / "warehouse.duckdb").write_bytes(b"half-written")
    os.utime(legacy, (0, 0))  # older than this process
    build(raw, db, echo=lambda _: None)
    assert sorted(p.name for p in db.parent.glob(f"{WORK_PREFIX}*")) == sorted([running.name, elsewhere.name])


def test_internal_error_says_so_before_its_traceback(built, monkeypatch):
    raw, db, before = built

    def bug(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("etl.build._build_into", bug)
    result = run_cli("build", "--raw", str(raw), "--db", str(db))
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: jointcare hit an internal error (a bug in jointcare, not a problem with your files). "
        "The build stopped; the previous warehouse was left as it was. Please report it with the details below.\n"
        "Traceback")
    assert sha256(db) == before and not list(db.parent.glob(".jointcare-build-*"))
