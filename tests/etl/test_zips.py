"""Zips in the raw folder are read as published: each member recognised like a loose file and named
archive.zip!member.csv wherever the user sees it; a damaged archive or member is a located error."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import duckdb
import pytest

from etl import archives
from etl.build import build
from etl.errors import BuildFailed
from etl.rawfiles import is_data_file
from tests.factory import REGISTRATIONS_Q1, registrations

REG_Q1 = Path("nhs/2023-01/gp-reg-pat-prac-lsoa-all.csv")
ZIP = "nhs/gp-reg-pat-prac-lsoa-male-female-Jan-23.zip"
MEMBER = "Jan-23/data/gp-reg-pat-prac-lsoa-all.csv"


def zip_registrations(raw: Path, text: str | None = None, extra: dict[str, bytes] | None = None) -> Path:
    """Move the January registrations file into a zip, in a nested folder, as NHS England publish it."""
    loose = raw / REG_Q1
    path = raw / ZIP
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MEMBER, text if text is not None else loose.read_bytes())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    loose.unlink()
    return path


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_zip_members_are_loaded_and_named_archive_bang_member(tiny_raw, tmp_path):
    rows = list(REGISTRATIONS_Q1)
    rows[1] = ("A00001", "E01000002", -10)
    zip_registrations(tiny_raw, registrations("01JAN2023", rows),
                      extra={"Jan-23/readme.pdf": b"%PDF-1.4", "__MACOSX/._x.csv": b"junk", "old/2022.zip": b"PK"})
    db = tmp_path / "warehouse.duckdb"
    report = build(tiny_raw, db, echo=lambda _: None)
    name = f"{ZIP}!{MEMBER}"
    assert query(db, f"select status, rows_read, rows_loaded, rows_rejected, line_endings from dq_load_log "
                     f"where file = '{name}'") == [("loaded", 11, 10, 1, "CRLF")]
    assert query(db, 'select file, line, "column", value from dq_rejected_rows') == [
        (name, 3, "NUMBER_OF_PATIENTS", "-10")]
    # the good rows of the zipped quarter are in the marts, as if the file had been loose
    assert query(db, "select patients_total from mart_catchment_practice where practice_code = 'A00002' "
                     "and quarter = date '2023-01-01'")[0][0] == 110
    assert dict(report.unrecognised) == {
        f"{ZIP}!Jan-23/readme.pdf": "not a data file (.pdf); ignored",
        f"{ZIP}!old/2022.zip": "a zip inside a zip is not opened (unzip it into the raw folder)"}
    # the copies taken out of the zip went with the work folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw", "warehouse.duckdb"]


def test_corrupt_zip_is_a_located_error(tiny_raw, tmp_path):
    path = zip_registrations(tiny_raw)
    path.write_bytes(path.read_bytes()[:200])  # cut short while downloading: no central directory
    with pytest.raises(BuildFailed) as failure:
        build(tiny_raw, tmp_path / "warehouse.duckdb", echo=lambda _: None)
    assert (f"* {ZIP}: cannot be opened as a zip archive (File is not a zip file) (expected a complete zip "
            "archive as published") in str(failure.value)


def test_damaged_zip_member_is_a_located_error(tiny_raw, tmp_path):
    path = zip_registrations(tiny_raw, extra={"other.csv": "a,b\n1,2\n" * 50})
    data = bytearray(path.read_bytes())
    start = data.index(b"PK\x03\x04") + 30 + len(MEMBER)  # the first member's compressed bytes
    data[start + 10: start + 40] = b"\x00" * 30
    path.write_bytes(bytes(data))
    with pytest.raises(BuildFailed) as failure:
        build(tiny_raw, tmp_path / "warehouse.duckdb", allow_unknown=True, echo=lambda _: None)
    message = str(failure.value)
    assert f"* {ZIP}!{MEMBER}: cannot be read from the archive (" in message
    assert "(expected an undamaged archive (download it again))" in message
    assert "Traceback" not in message


def test_encrypted_zip_member_is_a_located_error(tiny_raw, tmp_path):
    path = zip_registrations(tiny_raw)
    data = bytearray(path.read_bytes())
    # Python's zipfile cannot write encrypted members: set the "encrypted" flag in both headers.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.index(signature) + offset] |= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(BuildFailed) as failure:
        build(tiny_raw, tmp_path / "warehouse.duckdb", echo=lambda _: None)
    assert (f"* {ZIP}!{MEMBER}: cannot be read from the archive (it is encrypted: a password is "
            "needed) (expected an archive without a password, or the file unzipped into the raw folder)"
            ) in str(failure.value)


def test_zip_with_nothing_recognisable_is_listed_like_an_unrecognised_file(tiny_raw, tmp_path):
    with zipfile.ZipFile(tiny_raw / "epcn.zip", "w") as archive:
        archive.writestr("ePCN.xlsx Specification.pdf", b"%PDF-1.4")
    with zipfile.ZipFile(tiny_raw / "other.zip", "w") as archive:
        archive.writestr("folder/notes.csv", "a,b\n1,2\n")
    db = tmp_path / "warehouse.duckdb"
    with pytest.raises(BuildFailed) as failure:
        build(tiny_raw, db, echo=lambda _: None)
    message = str(failure.value)
    assert ("* epcn.zip: not recognised: zip archive with no data file in it (it holds ePCN.xlsx "
            "Specification.pdf)") in message
    assert "* other.zip!folder/notes.csv, line 1: not recognised: header matches no known source" in message
    report = build(tiny_raw, db, allow_unknown=True, echo=lambda _: None)
    assert dict(report.unrecognised)["epcn.zip"].startswith("zip archive with no data file in it")
    assert dict(report.unrecognised)["other.zip!folder/notes.csv"] == "header matches no known source"


def test_members_are_copied_out_in_pieces_not_read_into_memory(tmp_path):
    path = tmp_path / "big.zip"
    line = b"GP_PRAC_PAT_LIST,01JAN2023,A00001,UNITOWN SURGERY,E01000001,ALL,1\r\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("big.csv", "w") as member:
        for _ in range(40):
            member.write(line * 8_000)  # 40 x 0.5 MB = about 21 MB
    tracemalloc.start()
    try:
        expanded = archives.expand(path, "big.zip", tmp_path / "work", is_data_file)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    (copy, name), = expanded.members
    assert name == "big.zip!big.csv" and copy.stat().st_size == 40 * 8_000 * len(line)
    assert peak < 5 * 1024 * 1024, f"expanding a 21 MB member took {peak / 1e6:.1f} MB of memory"
