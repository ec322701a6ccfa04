"""One figure, every surface (issue 18, item 1): the served page, the PDF summary, the practice pack and the
workbook show it as the same string, because they all format through dashboard/formats.py.

Each surface is read as a person gets it from the real server (gunicorn over the tiny area's warehouse): the
page through the Dash Pages router callback (as test_server.render does), the PDFs with pdftotext, the
workbook with openpyxl, each number rendered by its own cell format. The expected strings are worked out by
hand from the tiny area
(tests/factory.py, tests/factory_outcomes.py; the sums are in tests/exports/test_pdf.py's docstring and
tests/dashboard/test_pooled_budget.py's):
* Unitown's Better Care Fund plan, 2023-24: 5,450 + 2,180 + 3,270 = £10,900 (a whole number of pounds).
* Unitown's residents in the January 2023 release: 70 + 9 + 30 = 109, of whom 9 at A00002, based in Dale:
  9 / 109 = 8.26%, shown as 8.3% (one place).
* Unitown residents' A&E attendances in 2022-23: 1,000 x (14 + 11.8) / (70 + 109) = 144.13, shown as 144.1.
* Unitown's permanent admissions 65+ in 2022-23: 2 + 1 + 1 = 4 in March 2023, a count of 1 to 4: hidden,
  "<5", and its rate with it.
* The financial year April 2022 to March 2023 is written 2022-23.
The pack has no Better Care Fund figures, so that one is checked on the other three surfaces.
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
import requests

from dashboard.components import later
from dashboard.warm import router_request
from tests.conftest import Server

UNITOWN = "E06000901"


@pytest.fixture(scope="module")
def served(tiny_outcomes_warehouse):
    running = Server(tiny_outcomes_warehouse)
    yield running
    running.stop()


def served_page(served, pathname: str, search: str) -> list:
    """The page's content as the browser gets it: the Pages router callback's JSON response, then the response
    of each part the page draws after it (dashboard/components/later.py), in the page's order."""
    response = requests.post(f"{served.url}/_dash-update-component", json=router_request(pathname, search), timeout=60)
    assert response.status_code == 200, response.text[:500]
    answers = [response.json()]
    for page, part, state in later.states_in_response(answers[0]):
        drawn = requests.post(f"{served.url}/_dash-update-component", json=later.request(page, part, state),
                              timeout=60)
        assert drawn.status_code == 200, drawn.text[:500]
        answers.append(drawn.json())
    return answers


def download(served, address: str) -> bytes:
    response = requests.get(served.url + address, timeout=120)
    assert response.status_code == 200, response.text[:500]
    return response.content


def strings(node) -> list[str]:
    """Every text child in a serialised component tree, in order (props other than children left out)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [text for child in node for text in strings(child)]
    if isinstance(node, dict):
        if "props" in node:
            return strings(node["props"].get("children"))
        return [text for value in node.values() for text in strings(value)]
    return []


def headlines(page: dict) -> dict[str, str]:
    """{label: value} of the page's headline figures (components/cards: a headline-label, then a headline-value)."""
    found = {}

    def visit(node):
        if isinstance(node, list):
            for child in node:
                visit(child)
        elif isinstance(node, dict):
            props = node.get("props", {})
            if "headline" in str(props.get("className", "")).split():
                parts = {}
                for child in props.get("children") or []:
                    name = str(child.get("props", {}).get("className", "")) if isinstance(child, dict) else ""
                    for role in ("headline-label", "headline-value"):
                        if role in name.split():
                            parts[role] = " ".join(strings(child)).strip()
                if "headline-label" in parts and "headline-value" in parts:
                    found[parts["headline-label"]] = parts["headline-value"]
            for value in (props if props else node).values():
                visit(value)

    visit(page)
    return found


def pdf_text(served, address: str, tmp_path: Path) -> str:
    data = download(served, address)
    assert data.startswith(b"%PDF-")
    path = tmp_path / "download.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", text)


def as_excel_shows(value, number_format: str) -> str:
    """A cell as Excel displays it, for the formats the workbook uses: '£#,##0', '#,##0', '#,##0.0', '0.0%' and
    General (text as it is). Written out here, not taken from the code, so a wrong format shows."""
    if number_format == "General" or isinstance(value, str):
        return str(value)
    percent = number_format.endswith("%")
    places = len(number_format.split(".")[1].rstrip("%")) if "." in number_format else 0
    shown = f"{value * 100 if percent else value:{',' if ',' in number_format else ''}.{places}f}"
    return ("£" if number_format.startswith("£") else "") + shown + ("%" if percent else "")


def workbook_facts(served, search: str) -> dict[str, str]:
    """{label in column A: column B as Excel shows it} on the workbook's Summary sheet."""
    sheet = openpyxl.load_workbook(io.BytesIO(download(served, f"/download/summary.xlsx?{search}")))["Summary"]
    return {str(label.value): as_excel_shows(value.value, value.number_format)
            for label, value in sheet.iter_rows(min_col=1, max_col=2) if label.value and value.value is not None}


def test_the_renderer_of_excel_formats_is_right_on_hand_examples():
    assert as_excel_shows(10900, "£#,##0") == "£10,900"
    assert as_excel_shows(9 / 109, "0.0%") == "8.3%"
    assert as_excel_shows(1000 * 25.8 / 179, "#,##0.0") == "144.1"
    assert as_excel_shows("<5", "General") == "<5"


def test_a_better_care_fund_plan_reads_the_same_on_the_page_the_pdf_and_the_workbook(served, tmp_path):
    search = f"council={UNITOWN}&period=2023-24"
    assert headlines(served_page(served, "/pooled-budget", "?" + search))["Planned"] == "£10,900"
    assert "£10,900 planned." in pdf_text(served, f"/download/summary.pdf?{search}", tmp_path)
    assert workbook_facts(served, search)["Planned spend"] == "£10,900"


def test_a_share_of_residents_elsewhere_reads_the_same_on_every_surface(served, tmp_path):
    search = f"council={UNITOWN}&period=2022-23"
    assert headlines(served_page(served, "/catchment", "?" + search))["Unitown residents"] == "8.3%"
    assert "8.3% of them (9) are registered with practices based in another council" in \
        pdf_text(served, f"/download/summary.pdf?{search}", tmp_path)
    assert "8.3% of them (9) with practices based in another council" in \
        pdf_text(served, f"/download/pack.pdf?{search}", tmp_path)
    assert workbook_facts(served, search)["Share registered elsewhere"] == "8.3%"


def test_a_rate_per_1000_a_hidden_count_and_the_year_read_the_same_on_every_surface(served, tmp_path):
    search = f"council={UNITOWN}&period=2022-23"
    page = served_page(served, "/", "?" + search)
    shown = headlines(page)
    assert shown["A&E attendances"] == "144.1"
    assert shown["Permanent admissions to residential and nursing care, 65 and over"] == "<5"
    assert "2022-23" in " ".join(strings(page))

    summary = pdf_text(served, f"/download/summary.pdf?{search}", tmp_path)
    assert "Financial year 2022-23" in summary
    assert re.search(r"A&E attendances 144\.1 ", summary)
    assert re.search(r"Permanent admissions to residential and nursing care, 65 .*? <5 ", summary)

    # the pack compares each practice with the council's residents, whose rate is the summary's
    pack = pdf_text(served, f"/download/pack.pdf?{search}", tmp_path)
    assert "Financial year 2022-23" in pack
    assert " 144.1 " in pack

    facts = workbook_facts(served, search)
    assert facts["Financial year"] == "2022-23"
    assert facts["A&E attendances"] == "144.1"
    assert facts["Permanent admissions to residential and nursing care, 65 and over"] == "<5"
