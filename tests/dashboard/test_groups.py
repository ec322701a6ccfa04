"""A group of practices as a selection: parsed from the address, the same totals as its practices, bad
members dropped with a note, and the Groups page that builds one.

Tiny area (tests/factory.py, tests/factory_outcomes.py): A00001 and A00002 are PCN U00001, A00003 is PCN
U00002; A00001 and A00003 are based in Unitown (E06000901), A00002 in Countyshire. A&E attendances in
2022-23: A00001 22 in December 2022 and 11 in March 2023 on a list of 110 each month, A00002 22 of 110 and
A00003 5 of 50 in March 2023 (tests/dashboard/test_overview.py).
"""

from __future__ import annotations

from dashboard import filters
from dashboard.pages import groups, overview
from tests.dashboard.helpers import by_id, text_of


def test_an_own_group_is_its_practices_and_pcns(dashboard_db):
    selection, notes = filters.parse({"group_name": "Hub", "members": "P:A00001,N:U00002"})
    assert notes == []
    assert filters.group_practice_codes(selection) == ["A00001", "A00003"]
    assert set(filters.selected_practices(selection)["practice_code"]) == {"A00001", "A00003"}


def test_the_overview_of_a_group_pools_its_practices(dashboard_db):
    text = text_of(overview.layout(group_name="Unitown pair", members="P:A00001,N:U00002", period="2022-23"))
    assert "Unitown pair, 2022-23" in text
    # A00001 and A00003 together: (22 + 11 + 5) / (110 + 110 + 50) x 1,000 = 140.7 a month; the whole area's
    # 157.9 (test_overview) and either practice alone (150.0; 5 / 50 x 1,000 = 100.0) differ
    assert "140.7" in text


def test_a_group_and_a_council_select_the_practices_in_both(dashboard_db):
    selection, _ = filters.parse({"members": "P:A00001,P:A00002", "council": "E06000901"})
    # A00002 is based in Countyshire, so Unitown leaves A00001 alone
    assert list(filters.selected_practices(selection)["practice_code"]) == ["A00001"]
    # and the overview is then A00001's: (22 + 11) / (110 + 110) x 1,000 = 150.0
    assert "150.0" in text_of(overview.layout(members="P:A00001,P:A00002", council="E06000901", period="2022-23"))


def test_the_address_round_trips(dashboard_db):
    selection, _ = filters.parse({"group_name": "North  hub\x07", "members": "p:a00001, N:U00002,P:A00001",
                                  "period": "2022-23"})
    # the name cleaned, the codes upper-cased, the repeat dropped; ':' and ',' stay readable in the address
    assert selection.query_string() == "?period=2022-23&group_name=North+hub&members=P:A00001,N:U00002"
    again, notes = filters.parse(filters.parse_search(selection.query_string()))
    assert again == selection and notes == []


def test_bad_members_are_dropped_with_a_note(dashboard_db):
    selection, notes = filters.parse({"members": "P:A00001,P:Z99999,X:A00002,N:U00009,L:LOC-NOPE"})
    assert selection.members == "P:A00001"
    assert notes == [
        "'X:A00002' is not a group member (write P:, N: or L: before a practice, PCN or locality code), so it is "
        "left out of the group.",
        "No practice has the code 'Z99999', so it is left out of the group.",
        "No PCN has the code 'U00009', so it is left out of the group.",
        "No council locality has the code 'LOC-NOPE', so it is left out of the group.",
    ]


def test_a_group_with_no_known_member_or_an_unknown_shared_code_is_not_applied(dashboard_db):
    selection, notes = filters.parse({"members": "P:Z99999", "group_name": "Nothing"})
    # the name stays (the Groups page is still making the group) but selects nothing
    assert selection == filters.Selection(group_name="Nothing") and selection.is_empty
    assert notes[-1] == "None of the group's members is known, so the group is not applied."
    assert filters.group_params(selection) == {"group_practices": None, "group_label": None}
    selection, notes = filters.parse({"group": "NOPE"})
    assert selection == filters.Selection()
    assert notes == ["No shared group of practices has the code 'NOPE', so that filter is not applied."]


def test_members_are_bounded(dashboard_db, monkeypatch):
    monkeypatch.setattr(filters, "MAX_MEMBERS", 2)  # the tiny area has three practices; the real bound is 50
    selection, notes = filters.parse({"members": "P:A00001,P:A00001,P:A00002,P:A00003"})
    assert selection.members == "P:A00001,P:A00002"  # a repeat is not a second member
    assert notes == ["A group can have at most 2 members, so the first 2 are kept."]


def test_the_groups_page_lists_members_with_their_practices_and_list_sizes(dashboard_db):
    text = text_of(groups.layout(group_name="Town", members="N:U00001,P:A00003"))
    # U00001 is A00001 and A00002; list sizes in each practice's latest release: A00001 100 (April 2024),
    # A00002 110 and A00003 50 (January 2023): 210 for the PCN, 260 for the group
    assert "TOWN PCN" in text and "210" in text and "FELL PRACTICE" in text
    assert "2 members: 3 practices in all, 260 registered patients" in text
    assert "/?group_name=Town&members=N:U00001,P:A00003" in text
    # its catchment: the Catchment page's council split for the same group
    assert by_id(groups.layout(group_name="Town", members="N:U00001,P:A00003"), "groups-catchment").href == \
        "/catchment?group_name=Town&members=N:U00001,P:A00003"


def test_pasted_codes_become_members_of_their_kind(dashboard_db):
    assert groups.pasted_members("a00001\nU00002; LOC-U-1\tN:U00001\n\n\"Z99999\"") == [
        ("practice", "A00001"), ("pcn", "U00002"), ("locality", "LOC-U-1"), ("pcn", "U00001"),
        ("practice", "Z99999"),  # no area has it: kept as a practice's, so the page's note names it
    ]


def test_a_shared_group_is_chosen_by_its_code(tiny_raw, tmp_path, monkeypatch):
    from etl.build import build
    from tests.etl.test_practice_groups import write_groups

    write_groups(tiny_raw, [["fed-1", "Town federation", "practice", "A00003"],
                            ["FED-1", "Town federation", "pcn", "U00001"]])
    db = tmp_path / "warehouse.duckdb"
    build(tiny_raw, db, echo=lambda _: None)
    monkeypatch.setenv("JOINTCARE_DB", str(db))
    selection, notes = filters.parse({"group": "fed-1"})
    assert selection == filters.Selection(group="FED-1") and notes == []
    assert filters.group_practice_codes(selection) == ["A00001", "A00002", "A00003"]
    assert filters.area_name(selection) == "Town federation"
    # and the filter bar offers it by name
    assert filters.group_options(selection) == [{"label": "Town federation (shared)", "value": "FED-1"}]
