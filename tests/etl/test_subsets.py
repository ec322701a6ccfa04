"""A build from whatever subset of sources a user has: what can be built is, the rest says why not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from etl.build import build


def test_registrations_and_lookups_only(tiny_raw: Path, tmp_path: Path):
    for name in ("nhs/gp-reg-pat-prac-map.csv", "nhs/gp-reg-pat-prac-quin-age.csv", "ods/epraccur.csv",
                 "ons/postcodes_extract.csv", "local/council_localities.csv", "ons/lsoa_boundaries.geojson"):
        (tiny_raw / name).unlink()
    lines: list[str] = []
    db = tmp_path / "w.duckdb"
    build(tiny_raw, db, echo=lines.append)
    con = duckdb.connect(str(db), read_only=True)
    # Without a postcode directory every home council comes from where most patients live:
    # A00001 has 70 in Unitown against 30 in Countyshire; A00002 101 against 9.
    homes = dict(con.execute("select practice_code, home_council_code || ' by ' || home_council_rule "
                             "from dim_practice").fetchall())
    assert homes["A00001"] == "E06000901 by largest share of patients"
    assert homes["A00002"] == "E10000901 by largest share of patients"
    share = con.execute("select share_other_council from mart_catchment_practice where practice_code = 'A00001' "
                        "and quarter = ?", [dt.date(2023, 1, 1)]).fetchall()[0][0]
    assert share == pytest.approx(35 / 105)
    assert con.execute("select count(*) from dim_pcn").fetchall()[0][0] == 0
    output = "\n".join(lines)
    assert "dim_pcn is empty: needs GP practice to PCN, sub-ICB, ICB and region mapping" in output
    assert "mart_coterminosity is empty: needs GP practice to PCN, sub-ICB, ICB and region mapping" in output
    # Without boundaries there are no council outlines, but the table keeps its types for the maps' query
    assert con.execute("select count(*) from geo_council").fetchall()[0][0] == 0
    assert dict(con.execute("select column_name, data_type from information_schema.columns "
                            "where table_name = 'geo_council'").fetchall()) == {
        "council_code": "VARCHAR", "council_name": "VARCHAR", "lsoa_count": "BIGINT", "outline_geojson": "VARCHAR"}
    assert "geo_council is empty: needs LSOA (2021) boundaries" in output
    con.close()


def test_no_recognised_files_at_all(tmp_path: Path):
    (tmp_path / "raw").mkdir()
    report = build(tmp_path / "raw", tmp_path / "w.duckdb", echo=lambda _: None)
    assert report.tables["dim_practice"] == 0
    assert any(line.startswith("mart_catchment_practice is empty: needs") for line in report.empty_models)
