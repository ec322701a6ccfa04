"""Recognition and parsing rules from FORMATS.md, one published quirk at a time."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from etl.models import load_macros
from etl.sources import load_sources, normalise_header, recognise_header


@pytest.mark.parametrize("published, expected", [
    ("04JAN2021", dt.date(2021, 1, 4)),  # registrations, January 2021
    ("01Jan2022", dt.date(2022, 1, 1)),
    ("01-Sep-20", dt.date(2020, 9, 1)),
    ("01Oct2025", dt.date(2025, 10, 1)),  # practice map, October 2025
    ("19740401", dt.date(1974, 4, 1)),  # epraccur open date
    (" 01JAN2021 ", dt.date(2021, 1, 1)),
    ("2021/22", None),  # a Fingertips period is not a date
])
def test_every_published_date_format(published, expected):
    con = duckdb.connect()
    load_macros(con)
    assert con.execute("select parse_any_date(?)", [published]).fetchall()[0][0] == expected


def test_header_normalisation():
    assert normalise_header("\ufeffNumber of  Patients ") == "NUMBER_OF_PATIENTS"
    assert normalise_header("Practice CCG and PCN\nCCG Match ") == "PRACTICE_CCG_AND_PCN_CCG_MATCH"


@pytest.mark.parametrize("header, source, mapped", [
    # registrations with the count column spelled as some releases spell it
    ("PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,Number of patients",
     "registrations", {"number_of_patients": "Number of patients"}),
    # practice map, CCG era (Sep 2020, Jan 2022): CCG and STP columns stand for sub-ICB and ICB
    ("PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,ONS_CCG_CODE,"
     "CCG_CODE,CCG_NAME,ONS_STP_CODE,STP_CODE,STP_NAME,ONS_COMM_REGION_CODE,COMM_REGION_CODE,COMM_REGION_NAME",
     "practice_map", {"sub_icb_code": "CCG_CODE", "icb_code": "STP_CODE"}),
    # ONS lookup with its ObjectId last and a BOM on the first name
    ("\ufeffLSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND,LAD22CD,LAD22NM,LAD22NMW,ObjectId",
     "lsoa11_lsoa21", {"change_indicator": "CHGIND"}),
    ("FID,LTLA19CD,LTLA19NM,UTLA19CD,UTLA19NM", "lad_upper_tier", {"upper_tier_code": "UTLA19CD"}),
    ("pcd,pcd2,pcds,dointr,doterm,laua,lsoa21", "postcode_directory", {"postcode": "pcds", "lad_code": "laua"}),
])
def test_sources_recognised_by_header(header, source, mapped):
    match, why = recognise_header(header.split(","))
    assert match is not None, why
    assert match.source.name == source
    for column, written in mapped.items():
        assert match.mapping[column] == written


def test_vintage_read_from_versioned_columns():
    match, _ = recognise_header("FID,LTLA19CD,LTLA19NM,UTLA19CD,UTLA19NM".split(","))
    assert match.vintage == 2019


def test_near_miss_names_what_is_missing():
    match, why = recognise_header("PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,LSOA,NUMBER_OF_PATIENTS".split(","))
    assert match is None
    assert why == "header looks like 'Patients registered at a GP practice, by LSOA of residence' but lacks LSOA_CODE"


def test_every_source_declares_its_provenance():
    for source in load_sources().values():
        assert source.title and source.publisher and source.schedule, source.name
