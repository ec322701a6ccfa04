"""The build reads the real published files in ../shared/realdata unchanged.

Expected values were read off the files by hand (FORMATS.md quotes several): e.g. A81001 is
THE DENSHAM SURGERY in STOCKTON PCN U89141, sub-ICB 16C, ICB QHM; A81003 closed on 31 Oct 2017.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.rawfiles import sniff

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def real(realdata: Path, tmp_path_factory):
    raw = tmp_path_factory.mktemp("real") / "raw"
    for folder in ("ods", "nhs", "ons"):
        shutil.copytree(realdata / folder, raw / folder)
    db = raw.parent / "warehouse.duckdb"
    lines = []
    build(raw, db, echo=lines.append)
    con = duckdb.connect(str(db), read_only=True)
    yield con, "\n".join(lines)
    con.close()


def test_every_real_file_recognised_by_its_header(realdata: Path):
    expected = {
        "ods/epraccur.csv": "epraccur",
        "nhs/gp-reg-pat-prac-map.csv": "practice_map",
        "ons/LTLA19_UTLA19_EW_LU.csv": "lad_upper_tier",
        "ons/LAD20_CTY20_EN_LU.csv": "lad_county",
        "ons/LSOA11_LSOA21_LAD22_best_fit_v2_SSOT.csv": "lsoa11_lsoa21",
    }
    for name, source in expected.items():
        raw = sniff(realdata / name, realdata)
        assert raw.source is not None and raw.source.name == source, (name, raw.why_unrecognised)
    assert sniff(realdata / "ons/LSOA11_LSOA21_LAD22_best_fit_v2_SSOT.csv", realdata).has_bom


def test_nothing_rejected_and_every_row_loaded(real):
    con, _ = real
    log = {file: (read, loaded) for file, read, loaded in con.execute(
        "select file, rows_read, rows_loaded from dq_load_log").fetchall()}
    assert log["ods/epraccur.csv"] == (14963, 14963)  # FORMATS.md: 14,963 rows
    assert log["nhs/gp-reg-pat-prac-map.csv"] == (6202, 6202)  # FORMATS.md: 6,202 practices
    assert log["ons/LSOA11_LSOA21_LAD22_best_fit_v2_SSOT.csv"] == (687, 687)  # PROVENANCE.md: 687 rows
    assert con.execute("select count(*) from dq_rejected_rows").fetchone()[0] == 0


def test_practice_from_map_and_epraccur(real):
    con, _ = real
    row = con.execute("select practice_name, postcode, pcn_code, pcn_name, sub_icb_code, icb_code, status "
                      "from dim_practice where practice_code = 'A81001'").fetchone()
    assert row == ("THE DENSHAM SURGERY", "TS18 1HU", "U89141", "STOCKTON PCN", "16C", "QHM", "active")
    status, closed = con.execute("select status, close_date from dim_practice "
                                 "where practice_code = 'A81003'").fetchone()
    assert status == "closed" and closed == dt.date(2017, 10, 31)


def test_staffordshire_icb_has_141_practices(real):
    con, _ = real
    # FORMATS.md: NHS Staffordshire and Stoke-on-Trent ICB (QNC), 141 practices in October 2025.
    assert con.execute("select count(*) from dim_practice where icb_code = 'QNC' and map_extract_date = "
                       "date '2025-10-01'").fetchone()[0] == 141


def test_stoke_and_staffordshire_councils(real):
    con, _ = real
    councils = {code: (tier, parent) for code, tier, parent in con.execute(
        "select council_code, tier, parent_upper_tier_code from dim_council").fetchall()}
    assert councils["E06000021"] == ("unitary authority", "E06000021")  # Stoke-on-Trent
    assert councils["E07000192"] == ("district", "E10000028")  # Cannock Chase in Staffordshire
    # Metropolitan counties (E11) from the district-to-county file are not social care councils.
    assert councils["E08000002"][1] == "E08000002"  # Bury is its own upper tier


def test_real_lsoas_placed_in_councils(real):
    con, _ = real
    by_council = dict(con.execute("select council_code, count(*) from dim_lsoa group by 1").fetchall())
    assert set(by_council) == {"E06000021", "E10000028"}
    # The cut holds the 9 Staffordshire and Stoke LADs; Stoke-on-Trent 021C (2011) became 035B (2021).
    assert con.execute("select lsoa11_codes from dim_lsoa where lsoa_code = 'E01014280'").fetchone()[0] == ["E01014280"]


def test_missing_sources_reported(real):
    con, output = real
    assert ("mart_catchment_practice is empty: needs Patients registered at a GP practice, by LSOA of residence"
            in output)
    note = con.execute("select note from meta_models where model = 'fct_practice_population'").fetchone()[0]
    assert note == "empty: needs Patients registered at a GP practice, by 5-year age band"
