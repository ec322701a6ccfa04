"""The demo's codes have real shapes but can never be mistaken for real ones.

The ODS blocks in etl/demo/fictional.py were chosen against the real files in ../shared/realdata;
these tests check them again there (skipping when those files are absent), and always check that
what the generator wrote stays inside the declared blocks.
"""

from __future__ import annotations

import csv
import re

import pytest

from etl.demo import fictional as fx


def _fictional_ods_codes() -> dict[str, set[str]]:
    lo, hi = fx.PRACTICE_CODE_RANGE
    return {
        "practice": {f"Y{n:05d}" for n in range(lo, hi + 1)},
        "pcn": {f"U{n:05d}" for a, b in fx.PCN_CODE_RANGES for n in range(a, b + 1)},
        "sub_icb": set(fx.SUB_ICB_ODS_CODES),
        "icb": set(fx.ICB_ODS_CODES),
        "region": set(fx.REGION_ODS_CODES),
    }


def _in_ons_block(code: str) -> bool:
    for prefix, first, last in fx.ONS_BLOCKS.values():
        if code.startswith(prefix) and code[3:].isdigit() and first <= int(code[3:]) <= last:
            return True
    return False


@pytest.mark.realdata
def test_ods_codes_are_not_real(realdata):
    with (realdata / "nhs/gp-reg-pat-prac-map.csv").open(encoding="utf-8-sig", newline="") as handle:
        practice_map = list(csv.DictReader(handle))
    with (realdata / "ods/epraccur.csv").open(encoding="utf-8-sig", newline="") as handle:
        epraccur = list(csv.reader(handle))
    real = set()
    for row in practice_map:
        real |= {row["PRACTICE_CODE"], row["PCN_CODE"], row["SUB_ICB_LOCATION_CODE"], row["ICB_CODE"],
                 row["COMM_REGION_CODE"]}
    for row in epraccur:
        real |= {row[0], row[2], row[3], row[14], row[23]}
    for kind, codes in _fictional_ods_codes().items():
        assert not codes & real, f"fictional {kind} codes collide with real ones: {sorted(codes & real)[:5]}"
    postcodes = {r["PRACTICE_POSTCODE"] for r in practice_map} | {r[9] for r in epraccur}
    assert not any(p.startswith("Q") for p in postcodes)


@pytest.mark.realdata
def test_ons_codes_are_not_real(realdata):
    real = set()
    for path in sorted((realdata / "ons").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                real |= {v for v in row if re.fullmatch(r"[EW]\d{8}", v)}
    with (realdata / "nhs/gp-reg-pat-prac-map.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            real |= {v for v in row if re.fullmatch(r"[EW]\d{8}", v)}
    assert len(real) > 1000
    assert not [c for c in real if _in_ons_block(c)]


def test_written_codes_stay_in_the_fictional_blocks(demo):
    ods = _fictional_ods_codes()
    for row in demo.map_rows(demo.quarters[-1]):
        assert row["PRACTICE_CODE"] in ods["practice"] and row["PCN_CODE"] in ods["pcn"]
        assert row["SUB_ICB_LOCATION_CODE"] in ods["sub_icb"] and row["ICB_CODE"] in ods["icb"]
        assert row["COMM_REGION_CODE"] in ods["region"]
        for column in ("ONS_SUB_ICB_LOCATION_CODE", "ONS_ICB_CODE", "ONS_COMM_REGION_CODE"):
            assert _in_ons_block(row[column])
        assert row["PRACTICE_POSTCODE"].startswith("QX")
    assert all(row[0] in ods["practice"] for row in demo.epraccur)
    for row in demo.read("ons/LSOA21_WD24_LAD24_EW_LU.csv"):
        assert all(_in_ons_block(row[c]) for c in ("LSOA21CD", "WD24CD", "LAD24CD"))
    for row in demo.read("ons/LTLA24_UTLA24_EW_LU.csv"):
        assert _in_ons_block(row["LTLA24CD"]) and _in_ons_block(row["UTLA24CD"])
    national = {fx.COUNTRY_ENGLAND, fx.COUNTRY_WALES, fx.PSEUDO_ENGLAND, fx.PSEUDO_WALES}
    for row in demo.read("ons/ONSPD_NOV_2025_UK_extract.csv"):
        for column in ("oa21", "cty", "ced", "laua", "ward", "nhser", "ctry", "rgn", "lsoa21", "msoa21", "icb",
                       "sicbl"):
            assert row[column] in national or _in_ons_block(row[column]), (column, row[column])
    assert demo.read("ons/LSOA21_WD24_LAD24_EW_LU.csv")[0]["LSOA21CD"] == "E01990000"
