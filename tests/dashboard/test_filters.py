"""The global filters: parsed from the URL, checked against the warehouse, kept in step with the URL.

Tiny area (tests/factory.py): councils Unitown E06000901 and Countyshire E10000901; practices A00001 and
A00002 in PCN U00001, A00003 in PCN U00002, all in sub-ICB 00A; A00001 and A00003 are based in Unitown,
A00002 in Countyshire (its postcode is in Dale).
"""

from __future__ import annotations

from dashboard import filters


def test_known_codes_are_kept_and_upper_cased(dashboard_db):
    selection, notes = filters.parse({"council": "e06000901", "period": "2022-23", "pcn": "U00001"})
    assert selection == filters.Selection(period="2022-23", council="E06000901", pcn="U00001")
    assert notes == []


def test_unknown_and_malformed_values_are_dropped_with_a_plain_note(dashboard_db):
    selection, notes = filters.parse({"council": "E99999999", "period": "2024", "practice": "<script>"})
    assert selection == filters.Selection()
    assert "'2024' is not a financial year (write it like 2024-25)" in notes[0]
    assert "No council has the code 'E99999999'" in notes[1]
    assert "No practice has the code '<script>'" in notes[2]


def test_a_year_with_no_data_falls_back_to_the_default(dashboard_db):
    selection, notes = filters.parse({"period": "2030-31"})
    assert selection.period is None
    assert notes == [f"There are no data for 2030-31, so {filters.default_period()} is shown."]


def test_filters_that_match_no_practice_say_so(dashboard_db):
    # A00002 is based in Countyshire, so "Unitown and A00002" selects nobody.
    selection, notes = filters.parse({"council": "E06000901", "practice": "A00002"})
    assert selection.practice == "A00002"
    assert any("No practice matches every filter" in note for note in notes)


def test_options_narrow_to_the_other_filters(dashboard_db):
    options = filters.cascade(filters.Selection(pcn="U00002"))
    assert [option["value"] for option in options["practice"]] == ["A00003"]
    unitown = filters.cascade(filters.Selection(council="E06000901"))
    assert sorted(option["value"] for option in unitown["practice"]) == ["A00001", "A00003"]
    assert sorted(option["value"] for option in unitown["pcn"]) == ["U00001", "U00002"]


def test_a_locality_narrows_the_options_to_the_practices_most_of_whose_patients_live_there(dashboard_db):
    # Patients by locality in the January 2023 release (tests/factory.py):
    #   A00001: LOC-U-1 60 + 10 = 70, LOC-C-1 30 (and 100 in LOC-U-1 in April 2024)  -> LOC-U-1
    #   A00002: LOC-C-1 40, LOC-C-2 50 + 11 = 61, LOC-U-1 9                           -> LOC-C-2
    #   A00003: LOC-C-2 20, LOC-U-1 30                                                -> LOC-U-1
    unitown = filters.cascade(filters.Selection(locality="LOC-U-1"))
    # by name: FELL PRACTICE (A00003) before UNITOWN SURGERY (A00001); their PCNs U00002 and U00001
    assert [option["value"] for option in unitown["practice"]] == ["A00003", "A00001"]
    assert sorted(option["value"] for option in unitown["pcn"]) == ["U00001", "U00002"]
    fell = filters.cascade(filters.Selection(locality="LOC-C-2"))
    assert [option["value"] for option in fell["practice"]] == ["A00002"]
    assert [option["value"] for option in fell["pcn"]] == ["U00001"]
    # Fell's one practice, A00002, is based in Countyshire, not Unitown
    _, notes = filters.parse({"council": "E06000901", "locality": "LOC-C-2"})
    assert any("No practice matches every filter" in note for note in notes)


def test_query_string_round_trip_keeps_page_keys():
    selection = filters.Selection(period="2023-24", practice="A00001")
    assert selection.query_string(measure="ae_attendances") == "?period=2023-24&practice=A00001&measure=ae_attendances"
    assert filters.parse_search("?practice=A00001&practice=A00002&measure=x") == {"practice": "A00001", "measure": "x"}


def test_the_filter_bar_follows_a_pasted_url_and_rewrites_bad_values(dashboard_db):
    from dashboard.app import NAV, filter_state

    keys = filters.FILTER_KEYS
    output = filter_state("?council=E06000901&practice=nope&measure=ae_attendances", dict.fromkeys(keys), "url")
    n = len(keys)  # the callback's outputs: the search, each filter's value, each one's options, notes, summary, links
    search, values, notes, summary, hrefs = output[0], output[1:1 + n], output[1 + 2 * n], output[2 + 2 * n], \
        output[3 + 2 * n:]
    assert search == "?council=E06000901&measure=ae_attendances"  # the bad practice is dropped from the URL
    assert dict(zip(keys, values)) == {**dict.fromkeys(keys, "any"), "council": "E06000901"}
    assert "No practice has the code 'nope'" in notes[0].children
    # the folded filter bar's button says what is chosen: the council's name and the default year
    assert summary == f"{filters.options().councils.set_index('council_code').at['E06000901', 'council_name']}, " \
                      f"{filters.default_period()}"
    assert output[1 + n][0]["label"] == f"{filters.default_period()} (latest)"
    assert dict(zip((path for _, path in NAV), hrefs))["/outcomes"] == "/outcomes?council=E06000901"


def test_choosing_a_council_clears_a_practice_outside_it(dashboard_db):
    from dashboard.app import filter_state

    values = {**dict.fromkeys(filters.FILTER_KEYS), "council": "E10000901", "practice": "A00001"}
    output = filter_state("?practice=A00001", values, "filter-council")
    assert output[0] == "?council=E10000901"
    practice_options = output[1 + len(filters.FILTER_KEYS) + filters.FILTER_KEYS.index("practice")]
    assert [option["value"] for option in practice_options] == ["any", "A00002"]  # "any": all practices


def test_each_page_opens_on_the_latest_year_with_what_it_shows_and_says_so(dashboard_db):
    # The tiny area (tests/factory.py, factory_outcomes.py): one joint-working return (2023-24 Q1); BCF plans
    # for 2023-24 and 2024-25; ASCOF for 2018-19, 2022-23 and 2023-24; registrations released January 2023
    # and April 2024 (2022-23 and 2024-25)
    selection, note = filters.for_page({}, ("joint working",))
    assert selection.period == "2023-24"
    assert note == ("Showing 2023-24, the latest financial year with joint-working returns. Choose another year "
                    "in the filters.")
    assert filters.for_page({}, ("Better Care Fund",))[0].period == "2024-25"
    assert filters.for_page({}, ("council outcomes",))[0].period == "2023-24"
    assert filters.for_page({}, ("registrations",))[0].period == "2024-25"
    # a year asked for is kept and nothing is said; a kind no year has falls back to the shell's default
    assert filters.for_page({"period": "2022-23"}, ("joint working",)) == (filters.Selection(period="2022-23"), None)
    fallback, words = filters.for_page({}, ("no such data",))
    assert fallback.period == filters.default_period() and "the latest financial year with data" in words


def test_the_download_links_and_the_year_select_follow_the_page_s_year(dashboard_db):
    from dashboard.app import download_links, filter_state

    pdf, *_ = download_links("?council=E06000901", "/joint-working")
    assert pdf == "/download/summary.pdf?period=2023-24&council=E06000901"
    output = filter_state("", dict.fromkeys(filters.FILTER_KEYS), "url", "/pooled-budget")
    n = len(filters.FILTER_KEYS)
    assert output[1 + n][0]["label"] == "2024-25 (latest)" and output[2 + 2 * n] == "the whole area, 2024-25"


def test_a_list_longer_than_the_limit_asks_for_a_narrower_filter_and_keeps_the_choice(dashboard_db, monkeypatch):
    # With a limit of 2, the whole area's 3 practices are too many to list; PCN U00001's 2 are not.
    monkeypatch.setattr(filters, "OPTIONS_LIMIT", 2)
    whole = filters.cascade(filters.Selection())
    assert whole["practice"] == [{"label": "3 practices: find one below, or choose a sub-ICB, PCN, council or "
                                           "locality to list them", "value": "narrow-practice", "disabled": True}]
    assert sorted(option["value"] for option in whole["pcn"]) == ["U00001", "U00002"]  # 2 PCNs: within the limit
    chosen = filters.cascade(filters.Selection(practice="A00002"))
    assert [option["value"] for option in chosen["practice"]] == ["A00002", "narrow-practice"]
    assert sorted(option["value"] for option in filters.cascade(filters.Selection(pcn="U00001"))["practice"]) \
        == ["A00001", "A00002"]
