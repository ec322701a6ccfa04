"""The practice-side sources (issue 3 §A, B, C, G) have exactly the agreed layouts, on the raw bytes.

Expected values come from the agreed layouts (issue 3) or are recomputed from other files and
columns; the manifest is only trusted where the test checks it against the files.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter, defaultdict
from fractions import Fraction

import pytest

SUS_HEADER = "Activity Month,GP Practice Code,Measure,Count"
MEASURES = {"Emergency admissions", "A&E attendances", "Emergency bed days", "ACSC emergency admissions",
            "Falls admissions 65+"}
FINGERTIPS_HEADER = ["Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name",
                     "Area Type", "Sex", "Age", "Category Type", "Category", "Time period", "Value",
                     "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit",
                     "Count", "Denominator", "Value note", "Recent Trend", "Compared to England value or percentiles",
                     None, "Time period Sortable", "New data", "Compared to goal", "Time period range"]
COLUMN_23 = {"Compared to PCNs (v. 27/10/23) value or percentiles", "Column not used"}
SUPPRESSED = "Value suppressed for disclosure control due to small count"
SC_HEADER = "Council Code,Council Name,Month,GP Practice Code,Event,Clients"
EVENTS = {"Permanent admission - residential", "Permanent admission - nursing", "Reablement start",
          "At home 91 days after reablement"}
JW_HEADER = "Quarter,Practice Code,Indicator Code,Numerator,Denominator,Value,Notes"
INDICATORS = [f"JW{k:02d}" for k in range(1, 11)]
FY_QUARTER_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}


def fy_months(fy: str) -> list[str]:
    start = int(fy[:4])
    return [f"{start}-{m:02d}" for m in range(4, 13)] + [f"{start + 1}-{m:02d}" for m in range(1, 4)]


def window_months() -> list[str]:
    out = []
    year, month = 2020, 10
    while (year, month) <= (2025, 9):
        out.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def quarter_start(label: str) -> str:
    """'2022-23 Q2' -> '2022-07' (financial-year quarters, Q1 = April - June)."""
    fy, q = label.split(" Q")
    year = int(fy[:4]) + (1 if q == "4" else 0)
    return f"{year}-{FY_QUARTER_MONTH[int(q)]:02d}"


def raw_rows(raw: bytes, encoding: str = "utf-8") -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode(encoding), newline="")))


def assert_line_endings(raw: bytes, crlf: bool, name) -> None:
    assert raw.endswith(b"\r\n" if crlf else b"\n"), name
    if crlf:
        assert raw.count(b"\n") == raw.count(b"\r\n"), name
    else:
        assert b"\r" not in raw, name


def all_practices(demo) -> set[str]:
    return {r["PRACTICE_CODE"] for q in demo.quarters for r in demo.map_rows(q)}


# ---- A. SUS ---------------------------------------------------------------------------------------------
def sus_rows(demo) -> list[dict[str, str]]:
    rows = []
    for path in sorted((demo.root / "activity").glob("*.csv")):
        rows += demo.read(path.relative_to(demo.root).as_posix())
    return rows


def test_sus_files_and_bytes(demo):
    names = sorted(p.name for p in (demo.root / "activity").iterdir())
    assert names == [f"sus_practice_activity_{y}-{(y + 1) % 100:02d}.csv" for y in range(2020, 2026)]
    for name in names:
        raw = (demo.root / "activity" / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert_line_endings(raw, crlf=True, name=name)
        rows = raw_rows(raw)
        assert ",".join(rows[0]) == SUS_HEADER
        months = [r[0] for r in rows[1:]]
        fy = name.removeprefix("sus_practice_activity_").removesuffix(".csv")
        expected = [m for m in fy_months(fy) if "2020-10" <= m <= "2025-09"]
        assert sorted(set(months)) == expected, name
        keys = [(r[0], r[1], r[2]) for r in rows[1:]]
        assert keys == sorted(keys), name  # rows sorted
        assert {r[2] for r in rows[1:]} == MEASURES
        assert all(re.fullmatch(r"\d+", r[3]) for r in rows[1:])
        assert demo.manifest["files"][f"activity/{name}"] == "sus_activity"


def test_sus_one_row_per_open_practice_month_and_measure(demo):
    rows = sus_rows(demo)
    per = Counter((r["Activity Month"], r["GP Practice Code"]) for r in rows)
    assert set(per.values()) == {5}
    assert min(int(r["Count"]) for r in rows) == 0  # zeros are written
    closed = demo.manifest["planted"]["closed_practice"]["practice_code"]
    months = {m for m, p in per if p == closed}
    assert max(months) == "2024-06" and min(months) == "2020-10"  # closed 30 June 2024
    practices = all_practices(demo)
    for month in window_months():
        open_here = {p for (m, p) in per if m == month}
        assert open_here == (practices if month <= "2024-06" else practices - {closed}), month
    assert len(rows) == demo.manifest["planted"]["sus_activity"]["rows"]


def test_sus_winter_is_busier_than_summer(demo):
    rows = sus_rows(demo)
    total = defaultdict(int)
    for r in rows:
        total[(r["Measure"], r["Activity Month"])] += int(r["Count"])
    for measure in MEASURES:
        for start in range(2021, 2025):  # winter and summer of the same financial year
            summer = sum(total[(measure, f"{start}-{m:02d}")] for m in (6, 7, 8))
            winter = sum(total[(measure, m)] for m in (f"{start}-12", f"{start + 1}-01", f"{start + 1}-02"))
            assert winter > 1.12 * summer, (measure, start)  # spec: about +15% vs about -8%


def test_sus_secular_trends_match_the_manifest(demo):
    # bed days fall and admissions rise, on the same lists: their ratio moves by the two trends alone
    planted = demo.manifest["planted"]
    trend = planted["sus_activity"]["secular_trend_pct_per_year"]
    assert trend == {"A&E attendances": 2.0, "Emergency bed days": -1.0, "Emergency admissions": 1.0,
                     "ACSC emergency admissions": 1.0, "Falls admissions 65+": 1.0}
    adopters = {a["practice_code"] for a in planted["joint_working"]["adopters"]}
    sums = defaultdict(int)
    for r in sus_rows(demo):
        if r["GP Practice Code"] not in adopters:
            sums[(r["Measure"], r["Activity Month"][:4])] += int(r["Count"])
    ratio = {y: sums[("Emergency bed days", y)] / sums[("Emergency admissions", y)] for y in ("2021", "2024")}
    expected = ((1 - 0.01) / (1 + 0.01)) ** 3
    assert ratio["2024"] / ratio["2021"] == pytest.approx(expected, abs=0.012)


# ---- B. Fingertips ----------------------------------------------------------------------------------------
def fingertips(demo, indicator: str) -> tuple[bytes, list[list[str]]]:
    raw = (demo.root / f"fingertips/fingertips_{indicator}_gp.csv").read_bytes()
    return raw, raw_rows(raw, "utf-8-sig")


def test_fingertips_bytes_and_header(demo):
    seen_23 = set()
    for indicator in ("93930", "93553"):
        raw, rows = fingertips(demo, indicator)
        assert raw.startswith(b"\xef\xbb\xbf")
        assert_line_endings(raw, crlf=True, name=indicator)
        header = rows[0]
        assert len(header) == 27 and all(len(r) == 27 for r in rows)
        assert [h for h, want in zip(header, FINGERTIPS_HEADER) if want is not None] == \
               [w for w in FINGERTIPS_HEADER if w is not None]
        seen_23.add(header[22])
        assert {r[0] for r in rows[1:]} == {indicator}
        assert {r[26] for r in rows[1:]} == {"1y"} and {r[7] for r in rows[1:]} == {"Persons"}
    assert seen_23 == COLUMN_23  # the 23rd column's name differs between the two files
    assert any(b'"' in fingertips(demo, i)[0] for i in ("93930", "93553"))  # a name with a comma, quoted


def _by_type(rows):
    out = defaultdict(list)
    for r in rows[1:]:
        out[r[6]].append(r)
    return out


def test_fingertips_ae_rows(demo):
    _, rows = fingertips(demo, "93930")
    assert {r[1] for r in rows[1:]} == {"A&E attendances (0 to 4 years)"} and {r[8] for r in rows[1:]} == {"0-4 yrs"}
    periods = sorted({(r[11], r[23]) for r in rows[1:]})
    assert periods == [(f"{y}/{(y + 1) % 100:02d}", f"{y}0000") for y in range(2019, 2024)]
    kinds = _by_type(rows)
    assert set(kinds) == {"England", "PCNs (v. 27/10/23)", "GPs"}
    practices = all_practices(demo)
    pcn_of = {r["PRACTICE_CODE"]: r["PCN_CODE"] for q in demo.quarters for r in demo.map_rows(q)}
    sub_icbs_of_pcn = defaultdict(set)
    for q in demo.quarters:
        for r in demo.map_rows(q):
            sub_icbs_of_pcn[r["PCN_CODE"]].add(r["SUB_ICB_LOCATION_CODE"])
    for period, _ in periods:
        england = [r for r in kinds["England"] if r[11] == period]
        assert sorted((r[9], r[10]) for r in england) == [
            ("", ""), ("GP deprivation deciles (IMD2019)", "Most deprived decile (IMD2019)")]
        assert all(r[4] == "E92000001" and r[2] == r[3] == "" for r in england)
        gps = [r for r in kinds["GPs"] if r[11] == period]
        assert {r[4] for r in gps} == practices  # the closed practice closed after 2023/24
        assert all(r[2] == pcn_of[r[4]] for r in gps)
        overall = next(r for r in england if r[9] == "")
        assert int(overall[18]) == sum(int(r[18]) for r in gps)
        pcns = [r for r in kinds["PCNs (v. 27/10/23)"] if r[11] == period]
        for pcn in pcns:
            assert pcn[2] in sub_icbs_of_pcn[pcn[4]]
            assert int(pcn[18]) == sum(int(r[18]) for r in gps if r[2] == pcn[4])
    suppressed = [r for r in kinds["GPs"] if r[19]]
    assert suppressed and all(r[19] == SUPPRESSED for r in suppressed)
    assert all(r[12:18] == [""] * 6 and r[18] for r in suppressed)
    assert sorted((r[11], r[4]) for r in suppressed) == sorted(
        (s["period"], s["practice_code"]) for s in demo.manifest["planted"]["fingertips"]["suppressed_gp_rows"])
    for r in rows[1:]:
        if r[19]:
            continue
        value, lo95, hi95, lo998, hi998 = map(float, r[12:17])
        assert value == pytest.approx(1000 * int(r[17]) / int(r[18]), abs=1e-6)
        assert lo998 < lo95 < value < hi95 < hi998


def test_fingertips_deprivation_rows(demo):
    _, rows = fingertips(demo, "93553")
    assert {r[1] for r in rows[1:]} == {"Deprivation score (IMD 2019)"} and {r[8] for r in rows[1:]} == {"All ages"}
    assert {(r[11], r[23]) for r in rows[1:]} == {("2019", "20190000")}
    assert all(r[13:19] == [""] * 6 and r[12] for r in rows[1:])  # no CI, Count or Denominator
    kinds = _by_type(rows)
    assert len(kinds["England"]) == 2
    gps = {r[4]: float(r[12]) for r in kinds["GPs"]}
    assert set(gps) == all_practices(demo)
    named = demo.manifest["planted"]["fingertips"]
    top = sorted(gps, key=lambda p: -gps[p])[: len(named["most_deprived_decile_practices"])]
    assert sorted(top) == named["most_deprived_decile_practices"]
    assert math.ceil(len(gps) / 10) == len(top)
    commas = sorted(r[4] for r in kinds["GPs"] if "," in r[5])
    assert commas and commas == named["comma_names"]


def test_fingertips_decile_row_sums_the_most_deprived_practices(demo):
    deciles = set(demo.manifest["planted"]["fingertips"]["most_deprived_decile_practices"])
    _, rows = fingertips(demo, "93930")
    for period in {r[11] for r in rows[1:]}:
        decile = next(r for r in rows[1:] if r[6] == "England" and r[9] and r[11] == period)
        gps = [r for r in rows[1:] if r[6] == "GPs" and r[11] == period and r[4] in deciles]
        assert int(decile[18]) == sum(int(r[18]) for r in gps)


# ---- C. Council social care extracts ------------------------------------------------------------------------
def english_councils(demo) -> list[dict]:
    return sorted((c for c in demo.manifest["councils"] if c["tier"] != "welsh_unitary"), key=lambda c: c["code"])


def social_care_files(demo) -> dict[str, tuple[bytes, list[list[str]], str]]:
    """council code -> (raw bytes, rows, encoding that decodes it)"""
    out = {}
    for path in sorted((demo.root / "social_care").glob("*_client_events_by_gp.csv")):
        raw = path.read_bytes()
        try:
            text, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = raw.decode("cp1252"), "cp1252"
        rows = list(csv.reader(io.StringIO(text, newline="")))
        out[rows[1][0]] = (raw, rows, encoding)
    return out


def test_social_care_one_file_per_english_council_with_its_quirks(demo):
    files = social_care_files(demo)
    councils = english_councils(demo)
    assert sorted(files) == [c["code"] for c in councils]
    assert all(re.fullmatch(r"E(06|08|09|10)\d{6}", code) for code in files)
    first = councils[0]["code"]
    raw, rows, encoding = files[first]
    assert encoding == "cp1252" and "\u2013" in rows[1][1]  # the en dash, byte 0x96
    assert_line_endings(raw, crlf=True, name=first)
    day_first = []
    for code, (raw, rows, encoding) in files.items():
        assert ",".join(rows[0]) == SC_HEADER
        assert {r[0] for r in rows[1:]} == {code} and len({r[1] for r in rows[1:]}) == 1
        if code != first:
            assert encoding == "utf-8"
            assert_line_endings(raw, crlf=False, name=code)
        months = {r[2] for r in rows[1:]}
        if all(re.fullmatch(r"01/\d\d/\d{4}", m) for m in months):
            day_first.append(code)
        else:
            assert all(re.fullmatch(r"\d{4}-\d\d", m) for m in months), code
    assert len(day_first) == 1 and day_first[0] != first


def _month(value: str) -> str:
    return f"{value[6:]}-{value[3:5]}" if "/" in value else value


def social_care_rows(demo) -> list[tuple[str, str, str, str, int]]:
    """(council, month YYYY-MM, practice, event, clients) from every file."""
    return [(r[0], _month(r[2]), r[3], r[4], int(r[5])) for _, rows, _ in social_care_files(demo).values()
            for r in rows[1:]]


def test_social_care_rows(demo):
    rows = social_care_rows(demo)
    assert {r[3] for r in rows} == EVENTS
    assert min(r[4] for r in rows) > 0  # zeros are not written
    assert {r[1] for r in rows} <= set(window_months())
    keys = [r[:4] for r in rows]
    assert len(keys) == len(set(keys))
    for _, file_rows, _ in social_care_files(demo).values():
        keys = [(_month(r[2]), r[3], r[4]) for r in file_rows[1:]]
        assert keys == sorted(keys)
    practices = all_practices(demo)
    assert {r[2] for r in rows} <= practices | {""}
    clients = Counter()
    for r in rows:
        clients[r[2] == ""] += r[4]
    assert 0.003 < clients[True] / (clients[True] + clients[False]) < 0.03  # about 1% with no known practice
    cells = defaultdict(dict)
    for council, month, practice, event, n in rows:
        cells[(council, month, practice)][event] = n
    for events in cells.values():
        assert events.get("At home 91 days after reablement", 0) <= events.get("Reablement start", 0)
    # practices appear in every council their patients live in
    councils_of = defaultdict(set)
    for council, _, practice, _, _ in rows:
        councils_of[practice].add(council)
    assert sum(len(c) > 1 for p, c in councils_of.items() if p) >= 5
    out_of_area = demo.manifest["planted"]["out_of_area_practice"]
    assert len(councils_of[out_of_area["practice_code"]]) >= 2  # 30% of its list under another council


def test_social_care_event_mix(demo):
    # before any effect: clients at home 91 days are ~80% of starts; starts : residential : nursing
    # as the spec's rates per 100,000 (1,400 : 420 : 190)
    totals = Counter()
    for _, _, practice, event, n in social_care_rows(demo):
        totals[event] += n
    assert totals["At home 91 days after reablement"] / totals["Reablement start"] == pytest.approx(0.8, abs=0.03)
    care = totals["Permanent admission - residential"] + totals["Permanent admission - nursing"]
    # the effect removes 15-20% of adopters' admissions after adoption: a few % of all admissions
    assert totals["Reablement start"] / care == pytest.approx(1400 / 610, rel=0.15)
    assert totals["Permanent admission - residential"] / totals["Permanent admission - nursing"] == \
           pytest.approx(420 / 190, rel=0.15)


# ---- G. Joint-working return ---------------------------------------------------------------------------------
def jw_files(demo) -> dict[str, list[list[str]]]:
    out = {}
    for path in sorted((demo.root / "joint_working").glob("*.csv")):
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert_line_endings(raw, crlf=False, name=path.name)
        out[path.name] = raw_rows(raw)
    return out


def jw_quarters() -> list[str]:
    labels = []
    for fy in range(2020, 2026):
        for q in range(1, 5):
            label = f"{fy}-{(fy + 1) % 100:02d} Q{q}"
            if "2020-10" <= quarter_start(label) <= "2025-07":
                labels.append(label)
    return labels


def test_jw_files_and_rows(demo):
    files = jw_files(demo)
    assert sorted(files) == sorted(f"jw_return_{q.replace(' ', '_')}.csv" for q in jw_quarters())
    assert len(files) == 20
    practices = all_practices(demo)
    closed = demo.manifest["planted"]["closed_practice"]["practice_code"]
    missing = 0
    planted = demo.manifest["planted"]["joint_working_return"]["not_submitted"]
    for quarter in jw_quarters():
        rows = files[f"jw_return_{quarter.replace(' ', '_')}.csv"]
        assert ",".join(rows[0]) == JW_HEADER
        assert {r[0] for r in rows[1:]} == {quarter}
        by_practice = defaultdict(list)
        for r in rows[1:]:
            by_practice[r[1]].append(r[2])
        assert all(codes == INDICATORS for codes in by_practice.values())
        assert [r[1:3] for r in rows[1:]] == sorted(r[1:3] for r in rows[1:])
        open_now = practices if quarter_start(quarter) <= "2024-04" else practices - {closed}
        assert set(by_practice) <= open_now
        assert sorted(open_now - set(by_practice)) == planted.get(quarter, [])
        missing += len(open_now - set(by_practice))
    assert 0.01 < missing / (len(practices) * 20) < 0.06  # about 3% of practice-quarters


def _half_up(value: Fraction, digits: int) -> Fraction:
    scale = 10 ** digits
    return Fraction(math.floor(value * scale + Fraction(1, 2)), scale)


def _decimal(text: str, digits: int) -> Fraction:
    assert re.fullmatch(rf"\d+\.\d{{{digits}}}", text), text
    return Fraction(text)


def test_jw_number_conventions(demo):
    notes = []
    seen = Counter()
    for rows in jw_files(demo).values():
        for _, _, code, num, den, value, note in rows[1:]:
            seen[code] += 1
            if note:
                notes.append((code, note))
            if code in ("JW01", "JW07", "JW08"):
                assert num in ("0", "1") and den == "" and value == num
            elif code in ("JW02", "JW03", "JW09"):
                assert re.fullmatch(r"\d+", num) and den == "" and value == num
            elif code in ("JW04", "JW05", "JW10"):
                n, d = int(num), int(den)
                assert 0 <= n
                if code == "JW10" and d == 0:
                    assert n == 0 and value == "" and note == "no invitations this quarter"
                    continue
                factor = 1000 if code == "JW05" else 100
                if code != "JW05":
                    assert n <= d
                assert _decimal(value, 1) == _half_up(Fraction(factor * n, d), 1), (code, num, den, value)
            else:  # JW06: WTE to 2 dp per 10,000 patients
                wte = _decimal(num, 2)
                assert _decimal(value, 2) == _half_up(10_000 * wte / int(den), 2), (num, den, value)
    assert set(seen) == set(INDICATORS)
    assert any(code == "JW10" and note.startswith("no invitations") for code, note in notes)
    free = [note for code, note in notes if not note.startswith("no invitations")]
    assert free and any("," in note for note in free)
    assert len(free) == demo.manifest["planted"]["joint_working_return"]["free_text_notes"]
    raw = b"".join((demo.root / "joint_working").joinpath(n).read_bytes() for n in jw_files(demo))
    assert b',"' in raw  # the note with a comma is quoted


def test_jw_indicators_drift_upwards(demo):
    files = jw_files(demo)
    quarters = jw_quarters()

    def mean_value(code, labels):
        values = [float(r[5]) for q in labels for r in files[f"jw_return_{q.replace(' ', '_')}.csv"][1:]
                  if r[2] == code and r[5]]
        return sum(values) / len(values)

    for code in ("JW03", "JW05", "JW06", "JW08"):
        assert mean_value(code, quarters[-4:]) > mean_value(code, quarters[:4]), code


def test_new_files_in_the_manifest_under_their_source_names(demo):
    kinds = Counter(demo.manifest["files"].values())
    assert kinds["sus_activity"] == 6 and kinds["fingertips"] == 2 and kinds["joint_working_return"] == 20
    assert kinds["social_care_events"] == len(english_councils(demo))
    for rel, kind in demo.manifest["files"].items():
        folder = rel.split("/")[0]
        expected = {"activity": "sus_activity", "fingertips": "fingertips", "social_care": "social_care_events",
                    "joint_working": "joint_working_return"}.get(folder)
        if expected:
            assert kind == expected, rel
