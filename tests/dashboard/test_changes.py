"""The What changed page, its Atom feed and `jointcare changes` on two releases of the tiny area.

Release 2 plants three changes on release 1 (tests/etl/test_changes.py says which and works the numbers):
A00003 moves from FELL PCN (U00002) to TOWN PCN (U00001); A00002 (home council Countyshire) closes on
30 September 2024; A00001 (home council Unitown) becomes a boundary practice, 20 of 120 patients (16.7%)
living under Countyshire. Unitown's practices are A00001 and A00003 (most of A00003's patients live there),
so Unitown sees the boundary change and the PCN move but not Countyshire's closure.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import pytest
import requests
from click.testing import CliRunner

from etl.build import build
from etl.cli import cli
from tests.conftest import Server
from tests.etl.test_changes import plant_release_two
from tests.factory import write_tiny_area

UNITOWN, COUNTYSHIRE = "E06000901", "E10000901"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("two-releases")
    raw = write_tiny_area(base / "raw")
    db = base / "warehouse.duckdb"
    build(raw, db, echo=lambda _: None)
    plant_release_two(raw)
    build(raw, db, echo=lambda _: None)
    return db


@pytest.fixture
def changes_db(two_releases, monkeypatch) -> Path:
    monkeypatch.setenv("JOINTCARE_DB", str(two_releases))
    return two_releases


def _texts(component) -> list[str]:
    """Every string in a Dash component tree, in order."""
    if isinstance(component, str):
        return [component]
    children = getattr(component, "children", None)
    if children is None:
        return []
    if not isinstance(children, (list, tuple)):
        children = [children]
    return [text for child in children for text in _texts(child)]


def test_a_council_sees_its_practices_changes_in_words_and_not_another_councils(changes_db):
    from dashboard import changes, filters

    found = changes.entries(filters.Selection(council=UNITOWN))
    assert sorted(found["kind"]) == ["boundary_practice", "practice_pcn"]
    words = dict(zip(found["kind"], found["words"]))
    assert words["boundary_practice"] == (
        "UNITOWN SURGERY (A00001) became a boundary practice in the April 2024 registrations release: 16.7% of "
        "its patients with a known residence live under a council other than its home council, against 0.0% "
        "living under another council (April 2024).")
    assert words["practice_pcn"] == ("FELL PRACTICE (A00003) moved from FELL PCN (U00002) to TOWN PCN (U00001) "
                                     "in the practice map of 1 April 2024.")
    links = dict(zip(found["kind"], found["link"]))
    assert links == {"boundary_practice": "/catchment?practice=A00001", "practice_pcn": "/practice/A00003"}

    county = changes.entries(filters.Selection(council=COUNTYSHIRE))
    assert list(county["kind"]) == ["practice_closed"]
    assert county["words"].iloc[0] == "DALE MEDICAL CENTRE (A00002) closed on 30 September 2024."


def test_a_pcn_sees_a_practice_that_joined_it(changes_db):
    from dashboard import changes, filters

    assert list(changes.entries(filters.Selection(pcn="U00001"))["area_code"].sort_values()) == [
        "A00001", "A00002", "A00003"]  # every change here concerns one of TOWN PCN's practices now


def test_a_group_sees_the_changes_of_its_own_practices(changes_db):
    from dashboard import changes, filters

    # Unitown's two practices as a user's own group: Unitown's two changes; DALE alone: only its closure
    own, notes = filters.parse({"group_name": "Town hub", "members": "P:A00001,P:A00003"})
    assert not notes
    assert sorted(changes.entries(own)["kind"]) == ["boundary_practice", "practice_pcn"]
    dale, notes = filters.parse({"group_name": "Dale", "members": "P:A00002"})
    assert not notes
    assert list(changes.entries(dale)["kind"]) == ["practice_closed"]


def test_since_leaves_out_builds_before_the_day(changes_db):
    from dashboard import changes, filters

    built = duckdb.connect(str(changes_db), read_only=True).execute(
        "select max(built_at) from mart_changes").fetchall()[0][0]
    later = (built + __import__("datetime").timedelta(days=1)).date()
    assert changes.entries(filters.Selection(), later).empty
    assert len(changes.entries(filters.Selection(), built.date())) == 3


def test_the_page_lists_the_entries_with_links_the_table_and_the_feed(changes_db):
    from dashboard.pages import changes as page

    layout = page.layout(council=UNITOWN)
    text = " ".join(_texts(layout))
    assert "What changed: Unitown" in text
    assert "UNITOWN SURGERY (A00001) became a boundary practice" in text
    assert "See it on Catchment" in text and "See it on the practice profile" in text
    feed = [c for c in layout.children[2].children if getattr(c, "id", None) == "changes-feed"]
    assert feed[0].href == f"/changes.atom?council={UNITOWN}"
    assert "Every change, as a table" in text


def test_the_page_says_why_it_is_empty_after_a_first_build(tmp_path, monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    build(write_tiny_area(tmp_path / "raw"), db, echo=lambda _: None)
    monkeypatch.setenv("JOINTCARE_DB", str(db))
    from dashboard.pages import changes as page

    text = " ".join(_texts(page.layout()))
    assert "Nothing to compare yet: this warehouse, built " in text
    assert "is the first release here" in text


@pytest.fixture(scope="module")
def feed_server(two_releases, tmp_path_factory):
    db = tmp_path_factory.mktemp("feed") / "warehouse.duckdb"
    shutil.copy(two_releases, db)
    running = Server(db)
    yield running
    running.stop()


def test_the_feed_is_atom_with_the_required_elements_and_the_entries_ids(feed_server, two_releases):
    answer = requests.get(f"{feed_server.url}/changes.atom?council={UNITOWN}", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    assert feed.find(f"{ATOM}id").text == f"urn:jointcare:changes:council={UNITOWN}"
    entries = feed.findall(f"{ATOM}entry")
    stored = dict(duckdb.connect(str(two_releases), read_only=True).execute(
        "select area_code, entry_id from mart_changes where kind <> 'release'").fetchall())
    assert sorted(entry.find(f"{ATOM}id").text for entry in entries) == sorted([stored["A00001"], stored["A00003"]])
    for entry in entries:
        for required in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        assert entry.find(f"{ATOM}link").get("href").startswith(feed_server.url + "/")
        assert entry.find(f"{ATOM}updated").text.endswith("Z")


def test_the_feed_answers_304_to_its_etag_and_400_to_an_unknown_council(feed_server):
    first = requests.get(f"{feed_server.url}/changes.atom?pcn=U00001", timeout=30)
    again = requests.get(f"{feed_server.url}/changes.atom?pcn=U00001", timeout=30,
                         headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert first.headers["Last-Modified"].endswith(" GMT")
    other = requests.get(f"{feed_server.url}/changes.atom?council={UNITOWN}", timeout=30,
                         headers={"If-None-Match": first.headers["ETag"]})
    assert other.status_code == 200  # another selection, another tag
    bad = requests.get(f"{feed_server.url}/changes.atom?council=E99999999", timeout=30)
    assert bad.status_code == 400
    assert "E99999999" in bad.text


def test_the_page_names_its_feed_in_its_head(feed_server):
    page = requests.get(f"{feed_server.url}/changes?council={UNITOWN}", timeout=30).text
    assert (f'<link rel="alternate" type="application/atom+xml" title="What changed (Atom feed)" '
            f'href="/changes.atom?council={UNITOWN}"></head>') in page


def test_the_command_prints_the_same_entries(two_releases, monkeypatch):
    monkeypatch.setenv("JOINTCARE_DB", str(two_releases))  # the command sets it: put it back afterwards
    result = CliRunner().invoke(cli, ["changes", "--since", "2000-01-01", "--db", str(two_releases),
                                      "--council", COUNTYSHIRE])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1
    assert lines[0].endswith("Practice closed: DALE MEDICAL CENTRE (A00002) closed on 30 September 2024. "
                             "(/practice/A00002)")
    as_csv = CliRunner().invoke(cli, ["changes", "--since", "2000-01-01", "--db", str(two_releases), "--format",
                                      "csv"])
    assert as_csv.exit_code == 0
    assert as_csv.output.splitlines()[0] == "release,kind_title,area_name,words,before,after,link"
    assert len(as_csv.output.splitlines()) == 4


def test_the_command_refuses_a_bad_date_and_an_unknown_code(two_releases, monkeypatch):
    monkeypatch.setenv("JOINTCARE_DB", str(two_releases))
    bad_date = CliRunner().invoke(cli, ["changes", "--since", "1 March", "--db", str(two_releases)])
    assert bad_date.exit_code == 2
    assert "'1 March' does not match the format '%Y-%m-%d'" in bad_date.output
    unknown = CliRunner().invoke(cli, ["changes", "--since", "2024-01-01", "--db", str(two_releases),
                                       "--council", "E99999999"])
    assert unknown.exit_code == 1
    assert "E99999999" in unknown.output
