"""The practice pack read as a person reads it: the comparison's words stay in their column, the pack says
what its words mean, and a yes/no indicator reads as a sentence. Each renders the tiny area's pack
(tests/exports/test_pdf.py's module docstring has its figures) and reads the PDF back with pdftotext.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import yaml

from dashboard.components import comparison
from dashboard.exports import pack_pdf, pdf_text, summary_pdf
from tests.exports.test_pdf import UNITOWN, one_line, pages, write

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- 1. the outcomes table's columns

def words(path: Path, page: int) -> list[dict]:
    """Every word of a page with its box (pdftotext -bbox-layout), in reading order."""
    out = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    # -bbox-layout writes XHTML with an unescaped title and no entity definitions: read only the <page>
    body = re.search(r"<page .*</page>", out, re.S).group(0)
    return [{"text": html.unescape(word.text or ""),
             **{k: float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")}}
            for word in ElementTree.fromstring(body).iter() if word.tag.endswith("word")]


def run_of(page_words: list[dict], phrase: str) -> list[dict]:
    """The words of the first run of consecutive words that reads `phrase`."""
    wanted = phrase.split()
    texts = [w["text"] for w in page_words]
    for start in range(len(texts) - len(wanted) + 1):
        if texts[start:start + len(wanted)] == wanted:
            return page_words[start:start + len(wanted)]
    raise AssertionError(f"{phrase!r} is not on the page: {' '.join(texts)[:2000]}")


def overlap(a: dict, b: dict) -> bool:
    return a["xMin"] < b["xMax"] and b["xMin"] < a["xMax"] and a["yMin"] < b["yMax"] and b["yMin"] < a["yMax"]


def test_the_comparison_wraps_inside_its_column_and_overlaps_nothing(dashboard_db, tmp_path):
    # A00001 against Unitown's residents (test_pdf: 150.0 against 144.1): a cell as long as the demo's that
    # spilled under the SPC status column (issue: pages 14 and 25 of the Wyvernford pack).
    path = write(tmp_path, pack_pdf.practice_pack_pdf(UNITOWN, "2022-23"))
    page = words(path, 2)
    reading = [w for w in page if w["yMin"] > run_of(page, "SPC status:")[0]["yMin"]]
    cell = run_of(reading, "Slightly higher, by 5.9 (4.1%); within what chance would give")
    status_left = run_of(page, "SPC status:")[0]["xMin"]  # the status column's header starts at its left edge
    interval = run_of(reading, "(Byar)")[0]  # the interval column, to the comparison's left
    assert all(interval["xMax"] < w["xMin"] and w["xMax"] < status_left for w in cell), cell
    assert len({round(w["yMin"]) for w in cell}) > 1  # it wraps rather than run on
    # and nothing on the page is drawn over anything else
    clashes = [(a["text"], b["text"]) for i, a in enumerate(page) for b in page[i + 1:] if overlap(a, b)]
    assert clashes == []


# ---------------------------------------------------------------- 2. how to read the pack

def method_yml() -> dict:
    return yaml.safe_load((ROOT / "etl" / "method.yml").read_text())["comparison_words"]


def test_the_contents_page_says_how_to_read_the_pack_with_the_method_s_thresholds(dashboard_db, tmp_path):
    large = method_yml()["comparison_large_difference"]["value"]
    small = method_yml()["comparison_small_difference"]["value"]
    path = write(tmp_path, pack_pdf.practice_pack_pdf(UNITOWN, "2022-23"))
    first = one_line(path, 1, raw=True)
    assert "How to read this pack" in first  # on page 1, as each practice page's pointer says
    assert f'"Much" higher or lower means at least {large:.0%} apart; "slightly" means less than {small:.0%}' in first
    assert comparison.method_words() in first  # the rule as components/comparison.py says it, not a copy
    assert ('"Within what chance would give" means the practice\'s rate lies inside the 95% funnel limits around '
            "the council's rate") in first
    assert "the interval allows only for chance in the practice's own counts" in first
    assert "widened to allow for that (Spiegelhalter's method for overdispersion)" in first
    # three practices are too few to estimate overdispersion (funnels.MIN_UNITS_FOR_OVERDISPERSION)
    assert "Limits: PHE's." in first
    for page in range(2, pages(path) + 1):
        practice = one_line(path, page, raw=True)
        assert (f'"Much": {large:.0%} or more apart; "slightly": under {small:.0%}.' in practice
                and '"How to read this pack", page 1.' in practice)


def test_the_note_follows_the_thresholds_where_they_are_set(dashboard_db, tmp_path, monkeypatch):
    monkeypatch.setattr(comparison, "LARGE", 0.3)
    monkeypatch.setattr(comparison, "SMALL", 0.1)
    path = write(tmp_path, pack_pdf.practice_pack_pdf(UNITOWN, "2022-23"))
    assert ('"Much" higher or lower means at least 30% apart; "slightly" means less than 10%'
            in one_line(path, 1, raw=True))
    assert '"Much": 30% or more apart; "slightly": under 10%.' in one_line(path, 2, raw=True)


def test_the_note_names_the_measures_judged_against_widened_limits():
    outcomes = pd.DataFrame({"measure_id": ["ae", "ae", "adm"],
                             "name": ["A&E attendances"] * 2 + ["Emergency admissions"],
                             "council_limits": ["Widened for overdispersion (Spiegelhalter; 34 units, overdispersion "
                                                "factor 6.1)"] * 2 + ["PHE's (the spread is within what chance would "
                                                                      "give)"]})
    note = pack_pdf._how_to_read(outcomes)[-1]
    assert note.endswith(" Limits: widened for overdispersion for A&E attendances; PHE's for emergency admissions.")


# ---------------------------------------------------------------- 3. a yes/no indicator as a sentence

def test_the_social_worker_fact_reads_as_a_sentence(dashboard_db, tmp_path):
    # 2023-24 Q1 (tests/factory_outcomes.py): A00001 answered JW01 yes, A00002 no; A00003 made no return.
    name = yaml.safe_load((ROOT / "etl" / "indicators" / "JW01.yml").read_text())["name"]
    noun = name[0].lower() + name[1:]  # "named or attached social worker"
    path = write(tmp_path, pack_pdf.practice_pack_pdf(UNITOWN, "2023-24"))
    by_code = {code: one_line(path, page) for page in range(2, pages(path) + 1)
               for code in ("A00001", "A00002", "A00003") if f" {code} " in one_line(path, page)}
    assert f"Has a {noun}" in by_code["A00001"]
    assert f"Has no {noun}" in by_code["A00002"]
    assert "No joint-working return from this practice" in by_code["A00003"]
    assert "Has no a" not in one_line(path) and "has or has no" not in one_line(path)


def test_yes_no_words():
    assert pdf_text.has_words(True, "attached social worker") == ("Has", "an attached social worker")
    assert pdf_text.has_words(False, "attached social worker") == ("Has no", "attached social worker")
    assert pdf_text.has_words(None, "named social worker") == ("Not known", "whether it has a named social worker")
    assert pdf_text.has_words(pd.NA, "named social worker")[0] == "Not known"


def test_the_summary_names_the_indicator_as_its_definition_file_does():
    facts = summary_pdf._joint_facts({"practices_returning": 2, "share": 0.5, "with_attached_social_worker": 1,
                              "practices": 3})
    assert facts[0][0] == ("of the 2 practices making a return (of 3 selected) "
                           "has a named or attached social worker (50.0%)")
