"""Practice and council deprivation, worked out by hand on three LSOAs and two practices.

The method (mart_practice_deprivation, mart_council_deprivation):
  * a practice's score is the mean IMD score of the LSOAs its patients live in, weighted by its
    patients in each: Fingertips' GP profile indicator 93553, "Deprivation score (IMD 2019)";
  * its decile ranks the practices, rank r of n (1 the highest score): floor(10 (r - 1) / n) + 1, as
    fingertipsR's deprivation_decile bins those scores with dplyr's ntile, reversed so 1 is the most deprived;
  * a council's score is the mean of its LSOAs' scores weighted by the IoD population denominators,
    MHCLG's upper-tier "IMD - Average score" (IoD2019 File 11).

The area is tests/factory.py's (councils Unitown E06000901 and Countyshire E10000901), with one
registrations release (April 2024, 2021 LSOAs) of two practices over three LSOAs:

    LSOA        council      IoD2025 score  population    A00001  A00002
    E01000001   Unitown      40.0           1,000         60      20
    E01000002   Unitown      10.0           3,000         30      50
    E01000005   Countyshire  20.0           2,000         10      30
    CLOSED      -            -              -             -        5

    A00001: (60 x 40 + 30 x 10 + 10 x 20) / 100 = 2,900 / 100 = 29.0
    A00002: (20 x 40 + 50 x 10 + 30 x 20) / 100 = 1,900 / 100 = 19.0 (the 5 CLOSED patients are not
            scored: 100 of 105, share 100 / 105)
    deciles, n = 2: A00001 rank 1: floor(0) + 1 = 1; A00002 rank 2: floor(10 x 1 / 2) + 1 = 6
    Unitown: (1,000 x 40 + 3,000 x 10) / 4,000 = 17.5 (an unweighted mean would be 25)
    Countyshire: its one scored LSOA, 20.0; so Countyshire ranks 1 (decile 1), Unitown 2 (decile 6).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.errors import BuildFailed
from tests.factory import _write, registrations, write_tiny_area

IOD2025_HEADER = ("LSOA code (2021),LSOA name (2021),Local Authority District code (2024),"
                  "Local Authority District name (2024),Index of Multiple Deprivation (IMD) Score,"
                  "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
                  "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs),"
                  "Total population: mid 2022")
IOD2019_HEADER = ("\ufeffLSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
                  "Local Authority District name (2019),Index of Multiple Deprivation (IMD) Score,"
                  "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
                  "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs),"
                  "Total population: mid 2015 (excluding prisoners)")
IOD2025_ROWS = ["E01000001,Unitown 001A,E06000901,Unitown,40.0,1,1,1000",
                "E01000002,Unitown 001B,E06000901,Unitown,10.0,3,8,3000",
                "E01000005,Fell 001B,E07000902,Fell,20.0,2,4,2000"]
# IoD2019 on 2011 LSOAs: E01000099 was split into E01000005 and E01000006 (tests/factory.py)
IOD2019_ROWS = ["E01000001,Unitown 001A,E06000901,Unitown,40.0,1,1,1000",
                "E01000002,Unitown 001B,E06000901,Unitown,10.0,3,8,3000",
                "E01000099,Fell 001B,E07000902,Fell,20.0,2,4,2000"]
REGISTRATIONS = [("A00001", "E01000001", 60), ("A00001", "E01000002", 30), ("A00001", "E01000005", 10),
                 ("A00002", "E01000001", 20), ("A00002", "E01000002", 50), ("A00002", "E01000005", 30),
                 ("A00002", "CLOSED", 5)]
IOD2025_FILE = Path("mhclg/File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv")
IOD2019_FILE = Path("mhclg/File_7_-_All_IoD2019_Scores__Ranks__Deciles_and_Population_Denominators_3.csv")


def area(base: Path, *, iod2025: list[str] | None = None, iod2019: list[str] | None = None) -> Path:
    raw = write_tiny_area(base / "raw")
    for release in raw.glob("nhs/20*/gp-reg-pat-prac-lsoa-all.csv"):
        release.unlink()
    _write(raw / "nhs" / "2024-04" / "gp-reg-pat-prac-lsoa-all.csv", registrations("01-Apr-24", REGISTRATIONS))
    if iod2025 is not None:
        _write(raw / IOD2025_FILE, "\n".join([IOD2025_HEADER, *iod2025]) + "\n")
    if iod2019 is not None:
        _write(raw / IOD2019_FILE, "\r\n".join([IOD2019_HEADER, *iod2019]) + "\r\n")
    return raw


def built(base: Path, **files) -> duckdb.DuckDBPyConnection:
    db = base / "warehouse.duckdb"
    build(area(base, **files), db, echo=lambda _: None)
    return duckdb.connect(str(db), read_only=True)


def practices(con) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in con.execute(
        "select practice_code, imd_score, deprivation_decile, patients_scored, patients_total, share_scored, release "
        "from mart_practice_deprivation").fetchall()}


def councils(con) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in con.execute(
        "select council_code, imd_score, deprivation_rank, deprivation_decile from mart_council_deprivation"
    ).fetchall()}


@pytest.fixture(scope="module")
def iod2025(tmp_path_factory):
    con = built(tmp_path_factory.mktemp("iod2025"), iod2025=IOD2025_ROWS)
    yield con
    con.close()


def test_practice_score_is_weighted_by_its_patients(iod2025):
    found = practices(iod2025)
    assert found["A00001"][0] == pytest.approx(29.0)
    assert found["A00002"][0] == pytest.approx(19.0)
    assert found["A00002"][2:5] == (100, 105, pytest.approx(100 / 105))
    assert {code: row[5] for code, row in found.items()} == {"A00001": "IoD2025", "A00002": "IoD2025"}


def test_practice_deciles_by_rank(iod2025):
    assert {code: row[1] for code, row in practices(iod2025).items()} == {"A00001": 1, "A00002": 6}


def test_council_score_is_population_weighted(iod2025):
    assert councils(iod2025) == {"E06000901": (pytest.approx(17.5), 2, 6), "E10000901": (pytest.approx(20.0), 1, 1)}


def test_iod2019_reaches_2021_lsoas_through_the_lookup(tmp_path):
    # The split 2011 LSOA E01000099 (score 20) gives both its 2021 parts its score, so the practices'
    # scores are those of the IoD2025 case; Countyshire's two parts both score 20.
    con = built(tmp_path, iod2019=IOD2019_ROWS)
    try:
        found = practices(con)
        assert (found["A00001"][0], found["A00002"][0]) == (pytest.approx(29.0), pytest.approx(19.0))
        assert found["A00001"][5] == "IoD2019"
        parts = dict(con.execute("select lsoa_code, population from int_lsoa__deprivation "
                                 "where lsoa_code in ('E01000005', 'E01000006')").fetchall())
        assert parts == {"E01000005": 1000, "E01000006": 1000}  # 2,000 shared equally, as its patients are
        assert councils(con)["E10000901"][0] == pytest.approx(20.0)
    finally:
        con.close()


def test_iod2025_is_preferred_and_never_mixed_with_iod2019(tmp_path):
    # IoD2019 also scores E01000006, which IoD2025 (loaded) leaves out: it stays unscored.
    con = built(tmp_path, iod2025=IOD2025_ROWS, iod2019=[row.replace(",40.0,", ",90.0,") for row in IOD2019_ROWS])
    try:
        assert practices(con)["A00001"][0] == pytest.approx(29.0)
        releases = con.execute("select distinct release from int_lsoa__deprivation").fetchall()
        assert releases == [("IoD2025",)]
        unscored = "select count(*) from int_lsoa__deprivation where lsoa_code = 'E01000006'"
        assert con.execute(unscored).fetchone() == (0,)
    finally:
        con.close()


def test_bad_score_rejects_its_row_with_file_line_and_column(tmp_path):
    rows = [IOD2025_ROWS[0], IOD2025_ROWS[1].replace(",10.0,", ",n/a,"), IOD2025_ROWS[2]]
    con = built(tmp_path, iod2025=rows)
    try:
        rejected = con.execute('select file, line, "column", value, reason from dq_rejected_rows').fetchall()
        assert rejected == [(IOD2025_FILE.as_posix(), 3, "Index of Multiple Deprivation (IMD) Score", "n/a",
                             "expected a number")]
        # E01000002 is unscored, so A00001 is (60 x 40 + 10 x 20) / 70 = 2,600 / 70
        assert practices(con)["A00001"][0] == pytest.approx(2600 / 70)
    finally:
        con.close()


def test_file_without_a_score_column_stops_the_build(tmp_path):
    header = IOD2025_HEADER.replace("Index of Multiple Deprivation (IMD) Score,", "")
    rows = [",".join(row.split(",")[:4] + row.split(",")[5:]) for row in IOD2025_ROWS]
    raw = area(tmp_path)
    _write(raw / IOD2025_FILE, "\n".join([header, *rows]) + "\n")
    with pytest.raises(BuildFailed) as failure:
        build(raw, tmp_path / "warehouse.duckdb", echo=lambda _: None)
    message = str(failure.value)
    assert f"{IOD2025_FILE.as_posix()}, line 1: not recognised" in message
    assert "lacks INDEX_OF_MULTIPLE_DEPRIVATION_IMD_SCORE" in message


def test_iod2019_read_from_a_workbook_without_population(tmp_path):
    # The same scores as an xlsx worksheet, below a notes sheet and two title rows, with no population
    # column: practices score as before (29.0 and 19.0); a council's LSOAs then weigh the same, so
    # Unitown is (40 + 10) / 2 = 25.0 rather than the population-weighted 17.5.
    import xlsxwriter

    raw = area(tmp_path)
    path = raw / "mhclg" / "File_5_-_IoD2019_Scores.xlsx"
    path.parent.mkdir(parents=True)
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Notes").write(0, 0, "English Indices of Deprivation 2019")
    sheet = workbook.add_worksheet("IoD2019 Scores")
    sheet.write(0, 0, "English Indices of Deprivation 2019: scores")
    header = IOD2019_HEADER.lstrip("\ufeff").split(",")[:5]
    for row_number, row in enumerate([header, *[line.split(",")[:5] for line in IOD2019_ROWS]], start=2):
        for column_number, value in enumerate(row):
            number = row_number > 2 and column_number == 4
            sheet.write(row_number, column_number, float(value) if number else value)
    workbook.close()
    db = tmp_path / "warehouse.duckdb"
    build(raw, db, echo=lambda _: None)
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = practices(con)
        assert (found["A00001"][0], found["A00002"][0]) == (pytest.approx(29.0), pytest.approx(19.0))
        assert councils(con)["E06000901"][0] == pytest.approx(25.0)
    finally:
        con.close()


def test_merged_lsoa_takes_the_population_weighted_mean_of_its_parts(tmp_path):
    # 2011 LSOAs E01000097 (score 30, population 1,000) and E01000098 (60, 500) merged (CHGIND M) into
    # 2021 LSOA E01000007: (1,000 x 30 + 500 x 60) / 1,500 = 60,000 / 1,500 = 40.0, population 1,500.
    raw = area(tmp_path, iod2019=[*IOD2019_ROWS, "E01000097,Fell 002A,E07000902,Fell,30.0,5,2,1000",
                                  "E01000098,Fell 002B,E07000902,Fell,60.0,4,1,500"])
    lookup = raw / "ons" / "LSOA11_LSOA21_LAD22_EW_LU.csv"
    lookup.write_bytes(lookup.read_bytes() + b"E01000097,Fell 002A,E01000007,Fell 002A,M,E07000902,Fell,,8\n"
                                              b"E01000098,Fell 002B,E01000007,Fell 002A,M,E07000902,Fell,,9\n")
    db = tmp_path / "warehouse.duckdb"
    build(raw, db, echo=lambda _: None)
    con = duckdb.connect(str(db), read_only=True)
    try:
        merged = con.execute("select imd_score, population, lsoa11_parts from int_lsoa__deprivation "
                             "where lsoa_code = 'E01000007'").fetchall()
        assert merged == [(pytest.approx(40.0), pytest.approx(1500.0), 2)]
    finally:
        con.close()
