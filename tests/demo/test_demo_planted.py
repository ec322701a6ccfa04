"""Every fact the manifest says was planted is true in the files, read with plain csv.

Shares are computed as a reader would: registration rows -> LSOA -> LAD (2021 lookup, or the
exact-fit lookup for 2011 codes) -> upper tier (LTLA -> UTLA), against the council of the
practice's postcode (epraccur -> postcode directory -> LAD -> upper tier).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from fractions import Fraction
from pathlib import Path
from statistics import median


def test_demo_size(demo):
    counts = demo.manifest["counts"]
    assert 75 <= counts["practices"] <= 95 and 10 <= counts["pcns"] <= 14
    assert 560 <= counts["lsoas"] <= 640 and counts["welsh_lsoas"] > 0
    assert counts["councils"] == 3 and counts["lads"] == 5
    assert (counts["icbs"], counts["sub_icbs"], counts["regions"]) == (1, 3, 1)
    tiers = sorted(c["tier"] for c in demo.manifest["councils"] if c["tier"] != "welsh_unitary")
    assert tiers == ["county", "metropolitan", "unitary"]
    county = next(c for c in demo.manifest["councils"] if c["tier"] == "county")
    assert len(county["lads"]) == 3 and all(lad.startswith("E0709") for lad in county["lads"])
    assert all(c["name"].endswith("(fictional)") for c in demo.manifest["councils"])
    # the README's description of the demo says what it writes
    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text().split())
    assert (f"{counts['practices']} practices with registered patients ({counts['practices_open_latest']} open at "
            f"the end; the directory also lists {counts['historic_closed_practices']} closed long before) in "
            f"{counts['pcns']} PCNs") in readme


def test_out_of_area_practice_is_exactly_thirty_percent(demo):
    planted = demo.manifest["planted"]["out_of_area_practice"]
    code = planted["practice_code"]
    assert planted["share_other_council"] == 0.30
    assert demo.home_council(code) == planted["home_council_code"]
    for quarter in demo.quarters:
        rows = [r for r in demo.lsoa_rows(quarter) if r["PRACTICE_CODE"] == code]
        assert rows and all(r["LSOA_CODE"].startswith("E01") for r in rows)  # no odd codes at all
        other, known = demo.council_split(quarter)[code]
        assert Fraction(other, known) == Fraction(3, 10), quarter
        assert known == planted["list_size"][quarter]


def test_boundary_practices_match_the_files(demo):
    listed = demo.manifest["planted"]["boundary_practices"]["practices"]
    assert len(listed) >= 4
    splits = {q: demo.council_split(q) for q in demo.quarters}
    for entry in listed:
        assert demo.home_council(entry["practice_code"]) == entry["home_council_code"]
        for quarter, share in entry["share_other_council"].items():
            other, known = splits[quarter][entry["practice_code"]]
            assert (other, known) == (entry["patients_other_council"][quarter], entry["patients_known_lsoas"][quarter])
            assert round(other / known, 6) == share
        assert max(entry["share_other_council"].values()) > 0.25
    # and nobody over the threshold was left out
    over = {p for q in demo.quarters for p, (o, k) in splits[q].items() if o / k > 0.25}
    assert over == {e["practice_code"] for e in listed}


def test_practices_spread_across_councils_as_real_ones_do(demo):
    # The real reference (Staffordshire and Stoke-on-Trent, Oct 2025): one practice in five has over
    # 10% of its patients under a different social care council. The brief asks for a handful over
    # 25% in the demo: the planted 30% practice, the ones placed on a boundary, and a few others.
    latest = demo.quarters[-1]
    shares = {p: other / known for p, (other, known) in demo.council_split(latest).items()}
    over_25 = sum(share > 0.25 for share in shares.values())
    over_10 = sum(share > 0.10 for share in shares.values())
    assert 4 <= over_25 <= 8, over_25
    assert 0.10 <= over_10 / len(shares) <= 0.25, over_10 / len(shares)
    assert max(shares.values()) < 0.8


def test_boundary_placed_practices(demo):
    planted = demo.manifest["planted"]
    placed = planted["boundary_practices"]["placed_on_boundary"]
    assert len(placed) == 4
    listed = {e["practice_code"] for e in planted["boundary_practices"]["practices"]}
    for entry in placed:
        home = demo.home_council(entry["practice_code"])
        assert home == entry["home_council_code"]
        # the branch surgery is in an English LSOA under another council
        assert entry["branch_lsoa21_code"].startswith("E01")
        assert demo.council_of_lsoa(entry["branch_lsoa21_code"]) == entry["branch_council_code"] != home
        assert entry["practice_code"] in listed  # so each really draws from both sides
    # the out-of-area practice is planted apart from them, so the two facts add up
    assert planted["out_of_area_practice"]["practice_code"] not in {e["practice_code"] for e in placed}


def test_straddling_pcn(demo):
    planted = demo.manifest["planted"]["straddling_pcn"]
    members = [r for r in demo.map_rows(demo.quarters[-1]) if r["PCN_CODE"] == planted["pcn_code"]]
    councils = {demo.home_council(r["PRACTICE_CODE"]) for r in members}
    assert len(councils) >= 2 and councils == set(planted["councils"])


def test_closed_practice(demo):
    closed = demo.manifest["planted"]["closed_practice"]
    code, successor = closed["practice_code"], closed["successor_code"]
    totals = {}
    for quarter in demo.quarters:
        lsoa = Counter()
        for r in demo.lsoa_rows(quarter):
            lsoa[r["PRACTICE_CODE"]] += r["N"]
        mapped = {r["PRACTICE_CODE"] for r in demo.map_rows(quarter)}
        aged = {r["ORG_CODE"] for r in demo.quin_rows(quarter)}
        present = quarter <= closed["last_release_present"]
        assert (code in lsoa) == present and (code in mapped) == present and (code in aged) == present, quarter
        totals[quarter] = lsoa
    assert closed["first_release_absent"] == "2024-07-01" and closed["close_date"] == "20240630"
    before = totals[closed["last_release_present"]]
    after = totals[closed["first_release_absent"]]
    assert before[code] == closed["patients_before"]
    assert after[successor] - before[successor] == closed["successor_gain"]
    assert 0.85 <= closed["successor_gain"] / closed["patients_before"] <= 0.95
    row = next(r for r in demo.epraccur if r[0] == code)
    assert (row[12], row[11], row[16], row[25]) == ("C", "20240630", "20240630", "4")
    assert next(r for r in demo.epraccur if r[0] == successor)[12] == "A"


def test_age_bands_add_up(demo):
    for quarter in demo.quarters:
        lsoa_total = Counter()
        for r in demo.lsoa_rows(quarter):
            lsoa_total[r["PRACTICE_CODE"]] += r["N"]
        cells = defaultdict(dict)
        for r in demo.quin_rows(quarter):
            cells[(r["ORG_CODE"], r["SEX"])][r["AGE_GROUP_5"]] = int(r["NUMBER_OF_PATIENTS"])
        practices = {p for p, _ in cells}
        assert practices == set(lsoa_total)
        for p in practices:
            for sex in ("ALL", "MALE", "FEMALE"):
                bands = cells[(p, sex)]
                assert sum(v for k, v in bands.items() if k != "ALL") == bands["ALL"]
            for band, value in cells[(p, "ALL")].items():
                assert cells[(p, "MALE")][band] + cells[(p, "FEMALE")][band] == value
            assert cells[(p, "ALL")]["ALL"] == lsoa_total[p]
            old = sum(v for k, v in cells[(p, "ALL")].items()
                      if k in {"65_69", "70_74", "75_79", "80_84", "85_89", "90_94", "95+"})
            assert 0.075 <= old / lsoa_total[p] <= 0.31


def test_lsoa_changes(demo):
    changes = demo.manifest["planted"]["lsoa_changes"]
    assert len(changes["splits"]) >= 2 and len(changes["merges"]) >= 1
    by_11 = defaultdict(list)
    for r in demo.exact_fit:
        by_11[r["LSOA11CD"]].append(r)
    all_other = {c for c in {r["LSOA21CD"] for r in demo.exact_fit if r["CHGIND"] == "U"} | set(by_11) if c[0] == "E"}
    for split in changes["splits"]:
        rows = by_11[split["lsoa11_code"]]
        assert sorted(r["LSOA21CD"] for r in rows) == split["lsoa21_codes"] and {r["CHGIND"] for r in rows} == {"S"}
        assert min(split["lsoa21_codes"]) > max(all_other)  # new codes above every other code
    for merge in changes["merges"]:
        rows = [r for r in demo.exact_fit if r["LSOA21CD"] == merge["lsoa21_code"]]
        assert sorted(r["LSOA11CD"] for r in rows) == merge["lsoa11_codes"] and {r["CHGIND"] for r in rows} == {"M"}
        assert merge["lsoa21_code"] > max(all_other)
    unchanged = [r for r in demo.exact_fit if r["CHGIND"] == "U"]
    assert all(r["LSOA11CD"] == r["LSOA21CD"] for r in unchanged) and len(unchanged) > 0.95 * len(demo.exact_fit)
    # 2023 releases use 2011 codes only, later ones 2021 codes only
    codes11, codes21 = set(by_11), set(demo.lad_of_lsoa21)
    for quarter in demo.quarters:
        codes = {r["LSOA_CODE"] for r in demo.lsoa_rows(quarter) if r["LSOA_CODE"][:3] in ("E01", "W01")}
        assert codes <= (codes11 if quarter < "2024-01-01" else codes21), quarter


def test_localities(demo):
    rows = demo.read("local/council_localities.csv")
    english = {c for c in demo.lad_of_lsoa21 if c.startswith("E01")}
    assert [r["LSOA21CD"] for r in rows] == sorted(english)  # every English LSOA once
    per_council = defaultdict(set)
    for r in rows:
        assert demo.council_of_lsoa(r["LSOA21CD"]) == r["COUNCIL_CODE"]
        assert r["LOCALITY_CODE"].startswith(f"LOC-{r['COUNCIL_CODE']}-")
        per_council[r["COUNCIL_CODE"]].add(r["LOCALITY_CODE"])
    assert all(3 <= len(v) <= 6 for v in per_council.values()) and len(per_council) == 3
    planted = demo.manifest["planted"]["localities"]
    assert sorted(planted["locality_codes"]) == sorted(set().union(*per_council.values()))
    # not coterminous with PCNs: recompute each PCN's best-matching locality share
    locality = {r["LSOA21CD"]: r["LOCALITY_CODE"] for r in rows}
    last = demo.quarters[-1]
    pcn = {r["PRACTICE_CODE"]: r["PCN_CODE"] for r in demo.map_rows(last)}
    table = defaultdict(Counter)
    for r in demo.lsoa_rows(last):
        if r["LSOA_CODE"] in locality:
            table[pcn[r["PRACTICE_CODE"]]][locality[r["LSOA_CODE"]]] += r["N"]
    best = {p: max(c.values()) / sum(c.values()) for p, c in table.items()}
    assert {p: round(v, 4) for p, v in best.items()} == planted["pcn_best_locality_share"]
    assert sum(v < 0.9 for v in best.values()) > len(best) / 2


def test_list_sizes_and_drift(demo):
    drift = demo.manifest["planted"]["list_size_drift"]["total_registered"]
    sizes = {}
    for quarter in demo.quarters:
        lists = Counter()
        for r in demo.lsoa_rows(quarter):
            lists[r["PRACTICE_CODE"]] += r["N"]
        assert sum(lists.values()) == drift[quarter]
        sizes[quarter] = lists
    assert len(set(drift.values())) == len(drift)  # lists move every quarter
    latest = list(sizes[demo.quarters[-1]].values())
    assert 7_500 <= median(latest) <= 10_000 and min(latest) >= 2_000 and max(latest) <= 26_000
    first = sizes[demo.quarters[0]]
    changes = [sizes[demo.quarters[-1]][p] / first[p] for p in first if p in sizes[demo.quarters[-1]]]
    assert min(changes) < 0.97 and max(changes) > 1.03  # some shrink, some grow
    # LSOA populations (2021 codes, January 2024)
    pop = Counter()
    for r in demo.lsoa_rows("2024-01-01"):
        if r["LSOA_CODE"].startswith("E01"):
            pop[r["LSOA_CODE"]] += r["N"]
    assert 1_100 <= min(pop.values()) and max(pop.values()) <= 2_300 and 1_200 <= median(pop.values()) <= 2_200


def test_practice_postcodes_lie_in_their_lsoa(demo):
    onspd = demo.onspd
    for r in demo.map_rows(demo.quarters[-1]):
        postcode = onspd[r["PRACTICE_POSTCODE"]]
        assert demo.lad_of_lsoa21[postcode["lsoa21"]] == postcode["laua"]
        assert postcode["sicbl"] == r["ONS_SUB_ICB_LOCATION_CODE"] and postcode["icb"] == r["ONS_ICB_CODE"]
