"""The catchment crosswalk as a straightforward pandas pipeline, for comparison with the build.

It does what the marts do for catchment and nothing else (no validation, no contracts, no other
marts): read the registration releases, route 2011 codes through the 2011 -> 2021 lookup with the
same whole-patient split, place LSOAs in districts and upper tiers, and compute each practice's
home council and share of patients under another council. Printed as JSON for the benchmark.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from etl.rawfiles import find_files, is_data_file, sniff


def _files(raw_dir: Path) -> dict[str, list]:
    found: dict[str, list] = {}
    for path in find_files(raw_dir):
        if is_data_file(path) and path.suffix != ".geojson" and path.name != "manifest.json":
            raw = sniff(path, raw_dir)
            if raw.source is not None:
                found.setdefault(raw.source.name, []).append(raw)
    return found


def _read(raw, columns: dict[str, str]) -> pd.DataFrame:
    mapping = {raw.match.mapping[c]: c for c in columns if c in raw.match.mapping}
    frame = pd.read_csv(raw.path, dtype=str, encoding=raw.encoding, usecols=list(mapping))
    return frame.rename(columns=lambda name: mapping[name])


def crosswalk(raw_dir: Path, timings: dict[str, float]) -> pd.DataFrame:
    started = time.perf_counter()
    files = _files(raw_dir)
    registrations = pd.concat([
        _read(raw, {"extract_date": "", "practice_code": "", "lsoa_code": "", "sex": "", "number_of_patients": ""})
        .assign(file=raw.name) for raw in files["registrations"]], ignore_index=True)
    lookups = {name: [_read(raw, columns) for raw in files[name]] for name, columns in (
        ("lsoa11_lsoa21", {"lsoa11_code": "", "lsoa21_code": ""}),
        ("lsoa_lad", {"lsoa21_code": "", "lad_code": ""}),
        ("lad_upper_tier", {"lad_code": "", "upper_tier_code": ""}),
        ("postcode_directory", {"postcode": "", "lad_code": ""}),
        ("practice_map", {"practice_code": "", "practice_postcode": "", "extract_date": ""}))}
    timings["read"] = time.perf_counter() - started
    started = time.perf_counter()
    registrations = registrations[registrations["sex"] == "ALL"]
    registrations["patients"] = registrations["number_of_patients"].astype(int)
    registrations["quarter"] = pd.to_datetime(registrations["extract_date"], format="mixed", dayfirst=True).dt.to_period("M")

    bridge = pd.concat(lookups["lsoa11_lsoa21"]).drop_duplicates()
    bridge["parts"] = bridge.groupby("lsoa11_code")["lsoa21_code"].transform("count")
    only_2011 = set(bridge["lsoa11_code"]) - set(bridge["lsoa21_code"])
    vintage = registrations.groupby("file")["lsoa_code"].agg(lambda codes: 2011 if codes.isin(only_2011).any() else 2021)
    registrations["vintage"] = registrations["file"].map(vintage)

    old = registrations[registrations["vintage"] == 2011].reset_index(names="row")
    mapped = old.merge(bridge, how="left", left_on="lsoa_code", right_on="lsoa11_code")
    mapped["parts"] = mapped["parts"].fillna(1)
    mapped["lsoa_code"] = mapped["lsoa21_code"].fillna(mapped["lsoa_code"])
    exact = mapped["patients"] / mapped["parts"]
    mapped["base"] = np.floor(exact).astype(int)
    mapped["fraction"] = exact - mapped["base"]
    mapped = mapped.sort_values(["row", "fraction", "lsoa_code"], ascending=[True, False, True])
    remainder = mapped["patients"] - mapped.groupby("row")["base"].transform("sum")
    mapped["patients"] = mapped["base"] + (mapped.groupby("row").cumcount() < remainder).astype(int)
    registrations = pd.concat([registrations[registrations["vintage"] == 2021], mapped[registrations.columns]])

    lsoa_lad = pd.concat(lookups["lsoa_lad"])
    upper = pd.concat(lookups["lad_upper_tier"])
    places = lsoa_lad.merge(upper, on="lad_code", how="left").set_index("lsoa21_code")["upper_tier_code"]
    code = registrations["lsoa_code"]
    registrations["area"] = np.select(
        [code.str.startswith("E01"), code.str.startswith("W01"), code.str.startswith("S01"), code.str.startswith("N"),
         code == "L99999999", code == "M99999999"],
        [code.map(places).fillna("UNMAPPED"), "WALES", "SCOTLAND", "NORTHERN_IRELAND", "CHANNEL_ISLANDS", "ISLE_OF_MAN"],
        default=code)
    shares = registrations.groupby(["practice_code", "quarter", "area"], as_index=False)["patients"].sum()
    shares["share"] = shares["patients"] / shares.groupby(["practice_code", "quarter"])["patients"].transform("sum")

    postcodes = pd.concat(lookups["postcode_directory"])
    postcodes["key"] = postcodes["postcode"].str.replace(" ", "").str.upper()
    postcode_council = postcodes.merge(upper, on="lad_code").set_index("key")["upper_tier_code"]
    practices = pd.concat(lookups["practice_map"]).drop_duplicates("practice_code", keep="last")
    home = practices.set_index("practice_code")["practice_postcode"].str.replace(" ", "").str.upper().map(postcode_council)

    shares["home"] = shares["practice_code"].map(home)
    unknown = shares["area"].isin(["CLOSED", "EMPTY", "UNMAPPED"])
    shares["known"] = np.where(unknown, 0, shares["patients"])
    shares["elsewhere"] = np.where(~unknown & (shares["area"] != shares["home"]), shares["patients"], 0)
    catchment = shares.groupby(["practice_code", "quarter"], as_index=False)[["known", "elsewhere"]].sum()
    catchment["share_other_council"] = catchment["elsewhere"] / catchment["known"]
    timings["join"] = time.perf_counter() - started
    return catchment


if __name__ == "__main__":
    started = time.perf_counter()
    timings: dict[str, float] = {}
    result = crosswalk(Path(sys.argv[1]), timings)
    seconds = time.perf_counter() - started
    latest = result[result["quarter"] == result["quarter"].max()]
    print(json.dumps({
        "seconds": seconds,
        "read_seconds": timings["read"],
        "join_seconds": timings["join"],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rows": len(result),
        "latest_quarter": {code: share for code, share in zip(latest["practice_code"], latest["share_other_council"])},
    }))
