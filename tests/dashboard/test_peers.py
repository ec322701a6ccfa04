"""Similar areas and similar practices as a comparator (issue 16 item 3): compare=peers on Outcomes.

The peers themselves are tested by hand in tests/stats/test_peers.py. Here, on the demo warehouse: the
trend's "similar practices" line is the peers' pooled rate (sum of numerators over sum of denominators x
the measure's multiplier, worked out again below from the marts, not through the query), the peer list is
shown with the chart, and the choice is offered only where peers exist (one practice, one council alone).
"""

from __future__ import annotations

import duckdb
import pytest

from tests.dashboard.helpers import grids


@pytest.fixture(scope="module")
def served_demo(demo_warehouse):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOINTCARE_DB", str(demo_warehouse))
        patch.setenv("JOINTCARE_QUERY_CACHE", "0")
        yield demo_warehouse


def test_the_similar_practices_line_pools_the_ten_peers(served_demo):
    from dashboard.db import run_query
    from dashboard.filters import Selection

    con = duckdb.connect(str(served_demo), read_only=True)
    practice = con.execute("select min(practice_code) from mart_practice_peers").fetchone()[0]
    peers = [code for (code,) in con.execute(
        "select peer_code from mart_practice_peers where practice_code = ? order by peer_rank", [practice]).fetchall()]
    multiplier = con.execute("select multiplier from ref_indicators where indicator_id = 'emergency_admissions'"
                             ).fetchone()[0]
    rows = con.execute("""
        select period_start, numerator, denominator from mart_outcomes_practice
        where measure_id = 'emergency_admissions' and numerator is not null and denominator is not null
          and practice_code in (select unnest(?))""", [peers]).df()
    con.close()
    expected = rows.groupby("period_start").sum()
    expected = (expected["numerator"] / expected["denominator"] * multiplier).rename("expected")

    params = {**Selection(practice=practice, period="2024-25").params(), "measure": "emergency_admissions"}
    trend = run_query("outcomes__trend", max_councils=7, compare="peers", **params)
    line = trend[trend["series_kind"] == "peers"].set_index("period_start")["rate"]
    assert len(peers) == 10 and set(trend.loc[trend["series_kind"] == "peers", "series"]) == {
        "Similar practices (10 together)"}
    assert len(line) > 12
    joined = line.to_frame("rate").join(expected.set_axis(expected.index.astype(line.index.dtype)), how="left")
    assert joined["rate"].tolist() == pytest.approx(joined["expected"].tolist(), rel=1e-12)
    # without compare=peers there is no such line
    usual = run_query("outcomes__trend", max_councils=7, compare="usual", **params)
    assert "peers" not in set(usual["series_kind"])


def _outcomes_page(search: str) -> str:
    """The Outcomes page for an address, as the JSON the browser gets (its layout function, as the router
    calls it with the address's parameters)."""
    from plotly.io.json import to_json_plotly

    from dashboard import filters
    from dashboard.pages import outcomes

    return to_json_plotly(outcomes.layout(**filters.parse_search(search)))


def test_the_outcomes_page_shows_the_peers_it_compares_with(served_demo):
    con = duckdb.connect(str(served_demo), read_only=True)
    council = con.execute("select min(council_code) from mart_council_peers").fetchone()[0]
    pcn = con.execute("select min(pcn_code) from dim_pcn").fetchone()[0]
    names = [name for (name,) in con.execute(
        "select council_name from mart_council_peers join dim_council on peer_code = dim_council.council_code "
        "where mart_council_peers.council_code = ? order by peer_rank", [council]).fetchall()]
    con.close()
    text = _outcomes_page(f"?council={council}&compare=peers")
    assert f"Similar areas ({len(names)} councils together)" in text
    assert "outcomes-peers-section" in text and all(name in text for name in names)
    assert "against similar areas" in text  # the trend's title names the comparator
    # a PCN has no peers: the choice is offered but disabled, and the address's compare=peers is ignored
    pcn_text = _outcomes_page(f"?pcn={pcn}&compare=peers")
    assert "Similar areas (choose one council or one practice)" in pcn_text and "No PCN has the code" not in pcn_text
    assert "outcomes-peers-section" not in pcn_text


def test_peers_are_offered_for_one_practice_or_one_council_alone():
    from dashboard.components.peers import compare_value, peers_kind
    from dashboard.filters import Selection

    assert peers_kind(Selection(practice="A00001")) == "practice"
    assert peers_kind(Selection(council="E06000001")) == "council"
    assert peers_kind(Selection(council="E06000001", pcn="U00001")) is None
    assert peers_kind(Selection()) is None
    assert compare_value({"compare": "peers"}, Selection(council="E06000001")) == "peers"
    assert compare_value({"compare": "peers"}, Selection(sub_icb="00X")) == "usual"
    assert compare_value({"compare": "anything"}, Selection(council="E06000001")) == "usual"


def test_the_practice_profile_and_a_councils_overview_list_their_peers_with_distances(served_demo):
    from plotly.io.json import to_json_plotly

    from dashboard.components import later
    from dashboard.pages import overview, practice

    con = duckdb.connect(str(served_demo), read_only=True)
    code = con.execute("select min(practice_code) from mart_practice_peers").fetchone()[0]
    peers = con.execute("select peer_code, distance from mart_practice_peers where practice_code = ? "
                        "order by peer_rank", [code]).fetchall()
    council = con.execute("select min(council_code) from mart_council_peers").fetchone()[0]
    con.close()
    page = later.expand(practice.layout(code=code))  # as the browser ends up showing it
    assert "The 10 practices most like" in to_json_plotly(page)
    rows = grids(page)["practice-peers"]
    assert [row["practice_code"] for row in rows] == [peer for peer, _ in peers]  # nearest first
    assert [row["distance"] for row in rows] == pytest.approx([distance for _, distance in peers], rel=1e-9)
    assert "overview-peers-section" in to_json_plotly(later.expand(overview.layout(council=council)))
    assert "overview-peers-section" not in to_json_plotly(later.expand(overview.layout()))
