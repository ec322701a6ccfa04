"""The PDF summary and practice pack, read back the way a person gets them: pdfinfo, pdftotext, pdftoppm.

Figures asserted are worked out by hand from the tiny area (tests/factory.py, tests/factory_outcomes.py,
tests/etl/test_outcome_marts.py):
* Unitown's residents in the January 2023 release: 70 at A00001, 9 at A00002 (based in Dale, so in
  Countyshire) and 30 at A00003: 109, of whom 9 (8.3%) are with a practice based in another council.
* Unitown residents' A&E attendances in 2022-23: December 2022, only A00001 had activity (22 attendances,
  70 of its 110 patients in Unitown: 22 x 70/110 = 14 over 70 residents); March 2023, 11.8 over 109 (as in
  test_outcome_marts). 1,000 x (14 + 11.8) / (70 + 109) = 144.1 per 1,000.
* A00001's own A&E attendances in 2022-23: (22 + 11) / (110 + 110) x 1,000 = 150.0 per 1,000.
* Unitown's Better Care Fund 2023-24, scheme 1 (home-based intermediate care): planned 5,450 + 2,180 =
  £7,630, actual 5,000 + 2,180 = £7,180; urgent community response planned £3,270 with no year-end figure.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from dashboard import filters
from dashboard.exports import pack, pack_pdf, summary_pdf
from dashboard.exports.gather import build_summary
from dashboard.exports.summary import Column, Table
from tests.exports.conftest import HOSTILE_NAME

UNITOWN = "E06000901"


def summary_for(**query):
    selection, notes = filters.parse(query)
    assert not notes
    return build_summary(selection)


def write(tmp_path: Path, data: bytes, name: str = "out.pdf") -> Path:
    assert data.startswith(b"%PDF-")
    path = tmp_path / name
    path.write_bytes(data)
    return path


def info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def pages(path: Path) -> int:
    return int(info(path)["Pages"])


def text(path: Path, page: int | None = None, raw: bool = False) -> str:
    command = (["pdftotext", *([] if raw else ["-layout"])] + (["-f", str(page), "-l", str(page)] if page else [])
               + [str(path), "-"])
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def one_line(path: Path, page: int | None = None, raw: bool = False) -> str:
    """The text with runs of spaces and line breaks as one space (layout spreads phrases out)."""
    return re.sub(r"\s+", " ", text(path, page, raw))


def links(path: Path) -> list[str]:
    """The URLs of the PDF's link annotations (pdfinfo -url)."""
    out = subprocess.run(["pdfinfo", "-url", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split()[-1] for line in out.splitlines()[1:] if line.strip()]


def pngs(path: Path, out: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(out / "page")], check=True)
    return sorted(out.glob("page-*.png"))


# ---------------------------------------------------------------- the summary

def test_summary_is_one_a4_page_with_the_hand_worked_figures(dashboard_db, tmp_path):
    path = write(tmp_path, summary_pdf.summary_pdf(summary_for(council=UNITOWN, period="2022-23")))
    details = info(path)
    assert int(details["Pages"]) == 1
    assert details["Page size"].strip().endswith("(A4)")
    words = one_line(path)
    assert "Unitown" in words and "Financial year 2022-23" in words
    assert "144.1" in words  # Unitown residents' A&E attendances per 1,000 (module docstring)
    assert "109 residents registered with a GP" in words
    assert "8.3% of them (9) are registered with practices based in another council" in words
    assert "FICTIONAL" not in words  # the tiny area is not the demo
    assert "Page 1 of 1" in words
    assert "A count of people from 1 to 4 is shown as \"<5\"" in words  # the rule, in the footer


def test_summary_renders_to_images_with_ink_on_them(dashboard_db, tmp_path):
    import numpy as np
    from PIL import Image

    path = write(tmp_path, summary_pdf.summary_pdf(summary_for(council=UNITOWN, period="2022-23")))
    images = pngs(path, tmp_path)
    assert len(images) == 1
    with Image.open(images[0]) as image:
        assert abs(image.width / image.height - 210 / 297) < 0.01
        pixels = np.asarray(image.convert("RGB")).astype(int)
    assert (pixels.mean(axis=2) < 128).sum() > 2000  # text and charts, not a blank page
    # the heading colour (NHS dark blue #003087) is there
    assert (np.abs(pixels - [0x00, 0x30, 0x87]).max(axis=2) < 30).any()


def test_summary_bcf_planned_and_actual(dashboard_db, tmp_path):
    words = one_line(write(tmp_path, summary_pdf.summary_pdf(summary_for(council=UNITOWN, period="2023-24"))))
    assert "£7,630" in words and "£7,180" in words and "£3,270" in words
    assert "not reported" in words  # no year-end figure for urgent community response


def test_small_counts_show_as_less_than_five(hostile_db, tmp_path):
    # conftest: A00002's Unitown residents are 3, so Unitown has 103 residents, 3 of them registered elsewhere
    words = one_line(write(tmp_path, summary_pdf.summary_pdf(summary_for(council=UNITOWN, period="2022-23"))))
    assert "103 residents registered with a GP" in words
    assert "<5 of them (<5) are registered with practices based in another council" in words
    assert "(3)" not in words and "2.9%" not in words  # neither the count nor its share (3/103)


def test_fictional_data_is_marked(dashboard_db, tmp_path):
    summary = dataclasses.replace(summary_for(council=UNITOWN, period="2022-23"), fictional=True)
    words = one_line(write(tmp_path, summary_pdf.summary_pdf(summary)))
    assert "FICTIONAL DEMO DATA" in words
    assert words.count("FICTIONAL DEMO DATA") >= 2  # the band, and the footer of every page


def test_a_long_summary_still_fits_two_pages(dashboard_db, tmp_path):
    summary = summary_for(council=UNITOWN, period="2023-24")
    many = pd.DataFrame({"scheme_type_group": "Group", "scheme_type": [f"Scheme type number {i} with a long name "
                                                                      "that wraps" for i in range(40)],
                         "scheme_lines": 1, "planned_gbp": [1000.0 * (i + 1) for i in range(40)],
                         "actual_gbp": [900.0 * (i + 1) for i in range(40)], "actual_vs_plan_pct": 90.0})
    bcf = Table(summary.bcf.name, summary.bcf.title, summary.bcf.columns, many, summary.bcf.note)
    path = write(tmp_path, summary_pdf.summary_pdf(dataclasses.replace(summary, bcf=bcf)))
    assert pages(path) <= 2
    assert "Other scheme types (35)" in one_line(path)  # five drawn one by one, the rest added up


# ---------------------------------------------------------------- the practice pack

def test_pack_has_a_contents_page_and_one_page_per_serving_practice(dashboard_db, tmp_path):
    path = write(tmp_path, pack_pdf.practice_pack_pdf(UNITOWN, "2022-23"))
    assert pages(path) == 1 + 3  # A00001, A00003 and A00002 all serve Unitown (etl/method.yml: 50+ or 1%+)
    contents = one_line(path, 1)
    # most of Unitown's residents first: 70, 30, 9
    assert [contents.index(name) for name in ("UNITOWN SURGERY", "FELL PRACTICE", "DALE MEDICAL CENTRE")] == sorted(
        contents.index(name) for name in ("UNITOWN SURGERY", "FELL PRACTICE", "DALE MEDICAL CENTRE"))
    first = one_line(path, 2)
    assert "UNITOWN SURGERY A00001" in first and "PRACTICE 1 OF 3" in first  # the kicker is in capitals
    assert "110 patients on its list" in first
    assert "70 (63.6%) of them live in Unitown" in first
    assert "150.0" in first  # A00001's A&E attendances per 1,000 (module docstring)
    assert "144.1" in first  # Unitown residents' rate beside it
    # and the practice against them, size and significance apart (components/comparison.py): 1,000 x (14 +
    # 11.8) / 179 = 144.13, so 150.0 - 144.13 = 5.87 higher, 5.87 / 144.13 = 4.1%: "slightly" (under 5%).
    # 33 events: Byar's 95% interval is about 22.7 to 46.3 events, 103 to 211 per 1,000 over 220, which
    # holds 144.1: within chance, so neither better nor worse.
    raw = one_line(path, 2, raw=True)
    assert "Slightly higher, by 5.9 (4.1%); within what chance would give" in raw
    last = one_line(path, 4)
    assert "DALE MEDICAL CENTRE A00002" in last and "Based in Countyshire (another council)" in last


def test_pack_pages_render_to_images(dashboard_db, tmp_path):
    images = pngs(write(tmp_path, pack_pdf.practice_pack_pdf(UNITOWN, "2022-23")), tmp_path)
    assert len(images) == 4


def test_pack_suppresses_and_keeps_hostile_names_inert(hostile_db, tmp_path):
    path = write(tmp_path, pack_pdf.practice_pack_pdf(UNITOWN, "2022-23"))
    words = one_line(path)
    assert HOSTILE_NAME in words  # printed as the text it is
    assert links(path) == []  # no link annotation made from it (the contents' links are internal)
    # A00002: Unitown 3 -> "<5"; its only other area (Countyshire, 101) hidden too so that its list size (104)
    # can't give the 3 away; the share of its list follows the count.
    by_code = {code: one_line(path, page) for page in range(2, pages(path) + 1)
               for code in ("A00001", "A00002", "A00003") if f" {code} " in one_line(path, page)}
    assert "104 patients on its list" in by_code["A00002"]
    assert "<5 of them live in Unitown" in by_code["A00002"]
    assert "[c]" in by_code["A00002"] and "101" not in by_code["A00002"]
    # The contents page prints Unitown's 103 residents (70 + 3 + 30), so the column is a group too: with the
    # 3 hidden, the next smallest (A00003's 30) is hidden, and then A00003's other area (20) so that its list
    # size (50) can't give the 30 back. A00001 (70, 30, 5, 5) has nothing hidden.
    contents = one_line(path, 1)
    assert "103 residents registered with a GP" in contents
    assert "<5 of them (<5) with practices based in another council" in contents
    assert "[c]" in by_code["A00003"] and " 30 " not in by_code["A00003"] and " 20 " not in by_code["A00003"]
    assert "50 patients on its list" in by_code["A00003"]
    assert "70 (63.6%) of them live in Unitown" in by_code["A00001"]


def test_suppression_runs_both_ways_until_nothing_changes():
    # Practices P and Q by areas X and Y, every row and column total printed:
    #        X   Y  | total
    #   P    3  10  | 13      P-X is 1-4: hidden. Row P then has one hidden cell: P-Y (10) hidden.
    #   Q   12  20  | 32      Column X has one hidden cell: Q-X (12) hidden; column Y likewise: Q-Y (20).
    #      15  30             Row Q now has two. Totals: each row and column keeps at least two hidden cells
    #                         whose sum leaves each a range of possible values, so every total is shown.
    values = {("P", "X"): 3, ("P", "Y"): 10, ("Q", "X"): 12, ("Q", "Y"): 20}
    groups = [([("P", "X"), ("P", "Y")], 13), ([("Q", "X"), ("Q", "Y")], 32),
              ([("P", "X"), ("Q", "X")], 15), ([("P", "Y"), ("Q", "Y")], 30)]
    hidden, totals = pack.suppress_crosswise(values, groups)
    assert hidden == {("P", "X"): "<5", ("P", "Y"): "[c]", ("Q", "X"): "[c]", ("Q", "Y"): "[c]"}
    assert totals == [13, 32, 15, 30]
    # a group of one small cell: its total is the cell, so it is hidden as well
    assert pack.suppress_crosswise({("P", "X"): 3}, [([("P", "X")], 3)]) == ({("P", "X"): "<5"}, ["<5"])


def test_pack_of_an_unknown_council_says_so(dashboard_db):
    with pytest.raises(pack.UnknownCouncil, match="E06999999"):
        pack_pdf.practice_pack_pdf("E06999999", "2022-23")


def test_resources_named_in_the_data_are_never_fetched(dashboard_db, tmp_path):
    summary = summary_for(council=UNITOWN, period="2022-23")
    frame = summary.sources.frame.copy()
    frame["title"] = '<img src="http://127.0.0.1:9/x.png"> file:///etc/passwd'
    sources = Table(summary.sources.name, summary.sources.title, summary.sources.columns, frame)
    words = one_line(write(tmp_path, summary_pdf.summary_pdf(dataclasses.replace(summary, sources=sources))))
    assert '<img src="http://127.0.0.1:9/x.png">' in words  # shown as text, escaped by the template


def test_columns_of_the_contract_are_what_the_pdf_reads(dashboard_db):
    summary = summary_for(council=UNITOWN, period="2022-23")
    needed = {"measure_id", "name", "unit", "polarity", "rate", "previous_rate", "ci_low", "ci_high",
              "spc_variation"}
    assert needed <= {column.field for column in summary.headlines.columns}
    assert {"measure_id", "month", "rate", "mean", "lower", "upper", "point_type"} <= set(summary.monthly.frame)
    assert isinstance(summary.headlines.columns[0], Column)


def test_summary_says_size_and_significance_apart(dashboard_db, tmp_path):
    # Issue 12's Wyvernford row (emergency bed days there; Unitown's A&E attendances here, a measure with
    # headline figures in the tiny area): 43.1 against 43.7 (0.6 lower, 0.6 / 43.7 = 1.4%), outside the
    # 99.8% limits. It was printed "Much lower: better" and "well below the average"; the size is slight
    # (under comparison_small_difference, 5%), so it is "slightly", and beyond chance is said apart.
    from dashboard.exports import gather

    summary = summary_for(council=UNITOWN, period="2022-23")
    row = {"measure_id": "ae_attendances", "name": "A&E attendances", "unit": "per 1,000 patients",
           "polarity": "lower_is_better", "rate": 43.1, "comparator": "All councils", "comparator_rate": 43.7,
           "significance": "below 99.8%"}
    frame = pd.DataFrame([{**row, "reading": gather._reading(row, row["significance"])}])
    compared = Table(summary.comparison.name, summary.comparison.title, summary.comparison.columns, frame,
                     summary.comparison.note)
    words = one_line(write(tmp_path, summary_pdf.summary_pdf(dataclasses.replace(summary, comparison=compared))),
                     raw=True)
    assert "How it compares: against all councils, 2022-23" in words
    # the cell wraps after "by 0.6", and pdftotext reads the next column's 43.7 in between
    assert "Slightly lower, by 0.6" in words and "(1.4%); beyond chance (99.8% limits), better" in words
    assert ("Against all councils in 2022-23, beyond what chance would give: A&E attendances is slightly below the "
            "average (43.1 against 43.7, 1.4% lower), which is better" in words)
    assert "Much lower" not in words and "well below" not in words
    assert '"Much" higher or lower means at least 20% apart' in words
