"""The build's joins as a straightforward pandas pipeline, for comparison with the build.

It does what the marts do and nothing else (no validation, no contracts, no other marts), in two parts
timed apart, each with a read phase and a join phase:

- the catchment crosswalk (issue 2): read the registration releases, route 2011 codes through the
  2011 -> 2021 lookup with the same whole-patient split, place LSOAs in districts and upper tiers, and
  compute each practice's home council and share of patients under another council;
- the outcome joins (issue 3, bench/pandas_outcomes.py): SUS activity rates with the latest release at
  or before each month, activity apportioned to councils, ASCOF apportioned to practices, the BCF
  summary, the joint-working index and council event rates. A source family whose files are absent is
  skipped with a note.

Prints one line of JSON for the benchmark. With a second argument (a DuckDB file), also writes the
answers there, after timing, for bench/catchment.py to compare with the warehouse.
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


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def find_sources(raw_dir: Path) -> tuple[dict[str, list], list[Path]]:
    """Text files by source (recognised by header, as the build does) and the xlsx workbooks, which
    bench/pandas_outcomes.py opens itself with calamine."""
    found: dict[str, list] = {}
    workbooks: list[Path] = []
    for path in find_files(raw_dir):
        if path.suffix.lower() == ".xlsx":
            workbooks.append(path)
        elif is_data_file(path) and path.suffix != ".geojson" and path.name != "manifest.json":
            raw = sniff(path, raw_dir)
            if raw.source is not None:
                found.setdefault(raw.source.name, []).append(raw)
    return found, workbooks


def read_table(raw, columns: list[str]) -> pd.DataFrame:
    """One recognised CSV, as text, with the build's canonical column names."""
    mapping = {raw.match.mapping[c]: c for c in columns if c in raw.match.mapping}
    frame = pd.read_csv(raw.path, dtype=str, encoding=raw.encoding, usecols=list(mapping), keep_default_na=False,
                        na_values=[""])
    return frame.rename(columns=lambda name: mapping[name])


def read_all(files: dict[str, list], source: str, columns: list[str], tag_file: bool = False) -> pd.DataFrame:
    frames = [read_table(raw, columns).assign(file=raw.name) if tag_file else read_table(raw, columns)
              for raw in files.get(source, [])]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


# ---- the catchment crosswalk ----------------------------------------------------------------------------
def read_crosswalk(files: dict[str, list]) -> dict[str, pd.DataFrame]:
    return {
        "registrations": read_all(files, "registrations",
                                  ["extract_date", "practice_code", "lsoa_code", "sex", "number_of_patients"], True),
        "bridge": read_all(files, "lsoa11_lsoa21", ["lsoa11_code", "lsoa21_code"]),
        "lsoa_lad": read_all(files, "lsoa_lad", ["lsoa21_code", "lad_code"]),
        "upper": read_all(files, "lad_upper_tier", ["lad_code", "upper_tier_code", "upper_tier_name"]),
        "postcodes": read_all(files, "postcode_directory", ["postcode", "lad_code"]),
        "practices": read_all(files, "practice_map", ["practice_code", "practice_postcode", "extract_date"]),
    }


def all_persons(registrations: pd.DataFrame) -> pd.DataFrame:
    registrations = registrations[registrations["sex"] == "ALL"].copy()
    registrations["patients"] = registrations["number_of_patients"].astype(int)
    registrations["quarter"] = pd.to_datetime(registrations["extract_date"], format="mixed",
                                              dayfirst=True).dt.to_period("M")
    return registrations


def route_2011_codes(registrations: pd.DataFrame, bridge: pd.DataFrame) -> pd.DataFrame:
    """Files of 2011 codes go through the bridge; a split LSOA's patients are shared in whole patients."""
    bridge = bridge.drop_duplicates().copy()
    bridge["parts"] = bridge.groupby("lsoa11_code")["lsoa21_code"].transform("count")
    only_2011 = set(bridge["lsoa11_code"]) - set(bridge["lsoa21_code"])
    vintage = registrations.groupby("file")["lsoa_code"].agg(
        lambda codes: 2011 if codes.isin(only_2011).any() else 2021)
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
    return pd.concat([registrations[registrations["vintage"] == 2021], mapped[registrations.columns]])


def place_residents(registrations: pd.DataFrame, lsoa_lad: pd.DataFrame, upper: pd.DataFrame) -> pd.DataFrame:
    """Each row's area: its English upper-tier council, or a bucket (outside England, unknown)."""
    places = lsoa_lad.merge(upper, on="lad_code", how="left").set_index("lsoa21_code")["upper_tier_code"]
    code = registrations["lsoa_code"]
    registrations["area"] = np.select(
        [code.str.startswith("E01"), code.str.startswith("W01"), code.str.startswith("S01"), code.str.startswith("N"),
         code == "L99999999", code == "M99999999"],
        [code.map(places).fillna("UNMAPPED"), "WALES", "SCOTLAND", "NORTHERN_IRELAND", "CHANNEL_ISLANDS",
         "ISLE_OF_MAN"],
        default=code)
    return registrations


def practice_area_shares(registrations: pd.DataFrame) -> pd.DataFrame:
    shares = registrations.groupby(["practice_code", "quarter", "area"], as_index=False)["patients"].sum()
    shares["share"] = shares["patients"] / shares.groupby(["practice_code", "quarter"])["patients"].transform("sum")
    return shares


def home_councils(postcodes: pd.DataFrame, upper: pd.DataFrame, practices: pd.DataFrame) -> pd.Series:
    postcodes = postcodes.assign(key=postcodes["postcode"].str.replace(" ", "").str.upper())
    postcode_council = postcodes.merge(upper, on="lad_code").set_index("key")["upper_tier_code"]
    practices = practices.drop_duplicates("practice_code", keep="last")
    return (practices.set_index("practice_code")["practice_postcode"]
            .str.replace(" ", "").str.upper().map(postcode_council))


def catchment(shares: pd.DataFrame, home: pd.Series) -> pd.DataFrame:
    shares = shares.assign(home=shares["practice_code"].map(home))
    unknown = shares["area"].isin(["CLOSED", "EMPTY", "UNMAPPED"])
    shares["known"] = np.where(unknown, 0, shares["patients"])
    shares["elsewhere"] = np.where(~unknown & (shares["area"] != shares["home"]), shares["patients"], 0)
    result = shares.groupby(["practice_code", "quarter"], as_index=False)[["known", "elsewhere"]].sum()
    result["share_other_council"] = result["elsewhere"] / result["known"]
    return result


def crosswalk(files: dict[str, list], timings: dict[str, float]) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The catchment per practice and quarter, and the frames the outcome joins reuse."""
    started = time.perf_counter()
    raw = read_crosswalk(files)
    timings["read"] = time.perf_counter() - started
    started = time.perf_counter()
    registrations = all_persons(raw["registrations"])
    registrations = route_2011_codes(registrations, raw["bridge"])
    registrations = place_residents(registrations, raw["lsoa_lad"], raw["upper"])
    shares = practice_area_shares(registrations)
    result = catchment(shares, home_councils(raw["postcodes"], raw["upper"], raw["practices"]))
    timings["join"] = time.perf_counter() - started
    return result, {"shares": shares, "upper": raw["upper"]}


def write_answers(path: Path, frames: dict[str, pd.DataFrame]) -> None:
    import duckdb

    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    for name, frame in frames.items():
        con.register("frame", frame)
        con.execute(f"create table {name} as select * from frame")
        con.unregister("frame")
    con.close()


def main(raw_dir: Path, answers: Path | None) -> None:
    from bench import pandas_outcomes

    started = time.perf_counter()
    timings: dict[str, float] = {}
    found = time.perf_counter()
    files, workbooks = find_sources(raw_dir)
    timings["find"] = time.perf_counter() - found
    result, context = crosswalk(files, timings)
    crosswalk_peak = peak_mb()
    outcomes = pandas_outcomes.run(files, workbooks, context)
    seconds = time.perf_counter() - started
    for note in outcomes["notes"]:
        print(f"pandas pipeline: {note}", file=sys.stderr)
    latest = result[result["quarter"] == result["quarter"].max()]
    print(json.dumps({
        "seconds": seconds,
        "find_seconds": timings["find"],  # recognising files by header (checksums included, as in the build)
        "read_seconds": timings["read"],  # the crosswalk's reading
        "join_seconds": timings["join"],  # the crosswalk's joins
        "outcome_read_seconds": outcomes["read_seconds"],
        "outcome_join_seconds": outcomes["join_seconds"],
        "outcome_parts": outcomes["parts"],
        "outcome_rows": outcomes["rows"],
        "notes": outcomes["notes"],
        "crosswalk_peak_rss_mb": crosswalk_peak,
        "peak_rss_mb": peak_mb(),
        "rows": len(result),
        "latest_quarter": {code: share for code, share in zip(latest["practice_code"], latest["share_other_council"])},
    }))
    if answers is not None:
        write_answers(answers, outcomes["answers"])


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
