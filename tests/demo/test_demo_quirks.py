"""The demo files carry the real layouts' quirks, checked on the raw bytes (FORMATS.md §0-3, 7)."""

from __future__ import annotations

import csv
import io
import json
import re

ONS_LOOKUPS = ("ons/LSOA21_WD24_LAD24_EW_LU.csv", "ons/LTLA24_UTLA24_EW_LU.csv",
               "ons/LSOA11_LSOA21_LAD22_EW_LU_exact_fit.csv")
MAP_HEADER = ("PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,"
              "ONS_SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ONS_ICB_CODE,ICB_CODE,"
              "ICB_NAME,ONS_COMM_REGION_CODE,COMM_REGION_CODE,COMM_REGION_NAME,SUPPLIER_NAME")


def _nhs_files(demo_dir):
    return sorted((demo_dir / "nhs").rglob("*.csv")) + [demo_dir / "ods/epraccur.csv"]


def test_ons_lookups_have_a_bom_and_lf(demo_dir):
    for name in ONS_LOOKUPS:
        raw = (demo_dir / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        assert b"\r" not in raw, name
    for name in ("ons/ONSPD_NOV_2025_UK_extract.csv", "local/council_localities.csv"):
        raw = (demo_dir / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw, name


def test_nhs_and_ods_files_are_crlf(demo_dir):
    files = _nhs_files(demo_dir)
    assert len(files) == 12 * 3 + 1
    for path in files:
        raw = path.read_bytes()
        assert raw.endswith(b"\r\n"), path
        assert raw.count(b"\n") == raw.count(b"\r\n"), path
        assert not raw.startswith(b"\xef\xbb\xbf"), path


def test_epraccur_has_no_header_and_quotes_every_field(demo_dir):
    raw = (demo_dir / "ods/epraccur.csv").read_text(encoding="utf-8")
    lines = raw.split("\r\n")[:-1]
    quoted = re.compile(r'^"[^"]*"(,"[^"]*"){26}$')
    assert all(quoted.match(line) for line in lines)
    rows = list(csv.reader(io.StringIO(raw)))
    assert all(len(r) == 27 for r in rows)
    assert re.fullmatch(r"Y9\d{4}", rows[0][0])  # data from the first line: no header
    assert any("," in field for r in rows for field in r[4:9])  # commas inside address lines
    settings = {r[25] for r in rows}
    assert {"4", "1", "2", "0"} <= settings
    assert {r[12] for r in rows} == {"A", "C"}


def test_registration_files_carry_odd_codes(demo):
    for quarter in demo.quarters:
        codes = {r["LSOA_CODE"] for r in demo.lsoa_rows(quarter)}
        assert {"CLOSED", "EMPTY", "L99999999", "M99999999"} <= codes, quarter
        assert any(c.startswith("W0199") for c in codes), quarter


def test_headers_and_dates_vary_between_releases(demo):
    headers, formats = [], set()
    for quarter in demo.quarters:
        with (demo.folder(quarter) / "gp-reg-pat-prac-lsoa-all.csv").open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            first = next(reader)
        assert header[:6] == ["PUBLICATION", "EXTRACT_DATE", "PRACTICE_CODE", "PRACTICE_NAME", "LSOA_CODE", "SEX"]
        headers.append(header[6])
        assert first[0] == "GP_PRAC_PAT_LIST" and first[5] == "ALL"
        date = first[1]
        for name, pattern in (("01JAN2023", r"\d\d[A-Z]{3}\d{4}"), ("01Apr2023", r"\d\d[A-Z][a-z]{2}\d{4}"),
                              ("01-Jul-23", r"\d\d-[A-Z][a-z]{2}-\d\d")):
            if re.fullmatch(pattern, date):
                formats.add(name)
    assert headers.count("Number of Patients") >= 2
    assert "NUMBER_OF_PATIENTS" in headers
    assert formats == {"01JAN2023", "01Apr2023", "01-Jul-23"}


def test_no_zero_rows_and_lsoa_vintage_switch(demo):
    split = demo.manifest["planted"]["lsoa_changes"]["splits"][0]
    for quarter in demo.quarters:
        rows = demo.lsoa_rows(quarter)
        assert min(r["N"] for r in rows) > 0
        codes = {r["LSOA_CODE"] for r in rows}
        if quarter < "2024-01-01":
            assert split["lsoa11_code"] in codes and not codes & set(split["lsoa21_codes"])
        else:
            assert split["lsoa11_code"] not in codes and set(split["lsoa21_codes"]) <= codes


def test_map_and_age_layouts(demo):
    for quarter in demo.quarters:
        header = (demo.folder(quarter) / "gp-reg-pat-prac-map.csv").read_bytes().split(b"\r\n")[0].decode()
        assert header == MAP_HEADER
        rows = demo.map_rows(quarter)
        assert re.fullmatch(r"\d\d[A-Z][a-z]{2}\d{4}", rows[0]["EXTRACT_DATE"])
        assert {r["SUPPLIER_NAME"] for r in rows} <= {"EMIS", "TPP"}
        assert all(r["ICB_NAME"].endswith("(fictional)") for r in rows)
        assert all(re.fullmatch(r"NHS .+ ICB - \d\d[A-Z]", r["SUB_ICB_LOCATION_NAME"]) for r in rows)
    quin = demo.quin_rows(demo.quarters[0])
    assert list(quin[0]) == ["PUBLICATION", "EXTRACT_DATE", "ORG_TYPE", "ORG_CODE", "ONS_CODE", "POSTCODE",
                             "SEX", "AGE_GROUP_5", "NUMBER_OF_PATIENTS"]
    bands = [f"{a}_{a + 4}" for a in range(0, 95, 5)] + ["95+", "ALL"]
    assert sorted({r["AGE_GROUP_5"] for r in quin}) == sorted(bands)
    assert {r["SEX"] for r in quin} == {"ALL", "MALE", "FEMALE"} and {r["ORG_TYPE"] for r in quin} == {"GP"}


def test_postcode_directory_shapes(demo):
    rows = demo.read("ons/ONSPD_NOV_2025_UK_extract.csv")
    for column in ("pcd", "pcd2", "pcds", "dointr", "doterm", "usertype", "oseast1m", "osnrth1m", "osgrdind",
                   "oa21", "cty", "ced", "laua", "ward", "ctry", "rgn", "lsoa21", "msoa21", "lat", "long", "icb",
                   "sicbl"):
        assert column in rows[0]
    for r in rows:
        outward, inward = r["pcds"].split(" ")
        assert re.fullmatch(r"Q[A-Z]\d{1,2}", outward) and re.fullmatch(r"\d[A-Z]{2}", inward)
        assert r["pcd"] == f"{outward:<4}{inward}" and len(r["pcd"]) == 7
        assert r["pcd2"] == f"{outward:<4} {inward}" and len(r["pcd2"]) == 8
    assert sum(1 for r in rows if r["doterm"]) == 1
    county = {r["UTLA24CD"] for r in demo.read("ons/LTLA24_UTLA24_EW_LU.csv") if r["UTLA24CD"].startswith("E10")}
    for r in rows:
        if r["ctry"] == "E92000001":
            expected = demo.upper_tier[r["laua"]] if demo.upper_tier[r["laua"]] in county else "E99999999"
            assert r["cty"] == expected
    assert any("QX1 " == r["pcd"][:4] for r in rows) and any(len(r["pcds"].split(" ")[0]) == 4 for r in rows)


def test_boundaries_geojson(demo):
    data = json.loads((demo.root / "ons/LSOA_2021_EW_BGC.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    codes = set()
    for feature in data["features"]:
        assert set(feature["properties"]) == {"LSOA21CD", "LSOA21NM"}
        assert feature["geometry"]["type"] == "Polygon"
        ring = feature["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1] and len(ring) >= 4
        assert all(-3.0 < lon < 0.0 and 51.5 < lat < 53.5 for lon, lat in ring)
        codes.add(feature["properties"]["LSOA21CD"])
    assert codes == set(demo.lad_of_lsoa21)
    assert any(c.startswith("W01") for c in codes)
