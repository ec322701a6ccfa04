"""compare=peers in the downloads (issue 16 item 3): the summary's "What stands out against similar areas"
compares a council with its similar areas (mart_council_peers) when the address asks, pooled as the sum of
their numerators over the sum of their denominators, worked out again below from the marts."""

from __future__ import annotations

import csv
import io

import duckdb
import pytest


class Downloads:
    """The download route itself, called with a request's address (not through Flask's test client: Dash's
    before-request check refuses every request once another test module has imported a page module under
    its package name, which page tests do)."""

    def __init__(self, server):
        self.server = server

    def get(self, address: str):
        with self.server.test_request_context(address):
            response = self.server.view_functions["download_table_csv"](name=address.split("/")[-1].split(".")[0])
            return self.server.make_response(response)


@pytest.fixture(scope="module")
def client(demo_warehouse):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOINTCARE_DB", str(demo_warehouse))
        patch.setenv("JOINTCARE_QUERY_CACHE", "0")
        from dashboard.app import app

        yield Downloads(app.server), demo_warehouse


def _rows(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_the_comparison_pools_the_similar_areas_when_asked(client):
    test_client, warehouse = client
    con = duckdb.connect(str(warehouse), read_only=True)
    council = con.execute("select min(council_code) from mart_council_peers").fetchone()[0]
    peers = [code for (code,) in con.execute("select peer_code from mart_council_peers where council_code = ?",
                                             [council]).fetchall()]
    expected = con.execute("""
        select 1000 * sum(numerator) / sum(denominator) from mart_outcomes_council
        where measure_id = 'emergency_admissions' and period_type = 'month'
          and period_start between date '2024-04-01' and date '2025-03-31'
          and council_code in (select unnest(?))""", [peers]).fetchone()[0]
    con.close()
    usual = _rows(test_client.get(f"/download/comparison.csv?council={council}&period=2024-25"))
    similar = _rows(test_client.get(f"/download/comparison.csv?council={council}&period=2024-25&compare=peers"))
    assert {row["comparator"] for row in usual} == {"All councils"}
    assert {row["comparator"] for row in similar} == {f"Similar areas ({len(peers)} councils)"}
    row = next(row for row in similar if row["measure_id"] == "emergency_admissions")
    assert float(row["comparator_rate"]) == pytest.approx(expected, rel=1e-9)


def test_an_unknown_comparison_is_refused(client):
    test_client, _ = client
    response = test_client.get("/download/comparison.csv?compare=neighbours")
    assert response.status_code == 400 and "compare can be 'peers'" in response.get_data(as_text=True)
