"""Where the selection sits among practices: the deciles of Outcomes and Joint working (issue 16 item 3).

The reference is OpenPrescribing's measures (ebmdatalab/openprescribing, frontend/management/commands/
measure_sql/global_deciles_practices.sql): PERCENTILE_CONT(calc_value, 0.1 ... 0.9) OVER (PARTITION BY month)
over the practices with a value, i.e. the value at rank 1 + (n - 1) x p, interpolated between ranks.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pytest


@pytest.fixture(scope="module")
def served_demo(demo_warehouse):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOINTCARE_DB", str(demo_warehouse))
        patch.setenv("JOINTCARE_QUERY_CACHE", "0")
        yield demo_warehouse


def test_deciles_interpolate_between_ranks_as_openprescribing(served_demo):
    # OpenPrescribing's global_deciles_practices.sql: PERCENTILE_CONT(calc_value, 0.1 ... 0.9) by month, i.e.
    # the value at rank 1 + (n - 1) x p, interpolated. Recomputed here from the mart with numpy's "linear"
    # method, which is that definition: for 89 practices the 10th percentile sits at rank 1 + 88 x 0.1 = 9.8.
    from dashboard.db import run_query
    from dashboard.filters import Selection

    assert np.percentile([1.0, 2.0, 4.0], 10, method="linear") == pytest.approx(1.2)  # rank 1.2: 1 + 0.2 x (2 - 1)
    con = duckdb.connect(str(served_demo), read_only=True)
    rates = con.execute("""
        select period_start, rate from mart_outcomes_practice
        where measure_id = 'emergency_admissions' and denominator > 0 and isfinite(rate)""").df()
    con.close()
    deciles = run_query("outcomes__deciles", measure="emergency_admissions",
                        **Selection(period="2024-25").params())
    assert set(deciles["scope"]) == {"all"}  # nothing selected: no ICB of its own
    last = deciles.sort_values("period_start").iloc[-1]
    month = rates[rates["period_start"] == last["period_start"]]["rate"].to_numpy()
    assert last["practices"] == len(month)
    expected = np.percentile(month, [10, 20, 30, 40, 50, 60, 70, 80, 90], method="linear")
    assert [last[f"p{10 * i}"] for i in range(1, 10)] == pytest.approx(expected.tolist(), rel=1e-12)


def test_where_a_rate_sits_among_the_deciles_in_words():
    from dashboard.components.deciles import position_words

    deciles = [10.0, 20, 30, 40, 50, 60, 70, 80, 90]
    assert position_words(5, deciles) == "below the 10th percentile"
    assert position_words(10, deciles) == "between the 10th and 20th percentiles"  # equal counts as at or above
    assert position_words(35, deciles) == "between the 30th and 40th percentiles"
    assert position_words(95, deciles) == "at or above the 90th percentile"
    assert position_words(float("nan"), deciles) == "–"


def test_joint_working_deciles_are_the_practices_indexes_deciles_each_quarter(served_demo):
    from dashboard.db import run_query
    from dashboard.filters import Selection

    con = duckdb.connect(str(served_demo), read_only=True)
    indexes = con.execute("select quarter_start, joint_working_index from mart_joint_working_index "
                          "where joint_working_index is not null").df()
    practice = con.execute("select min(practice_code) from mart_joint_working_index").fetchone()[0]
    con.close()
    deciles = run_query("outcomes__deciles", measure="joint_working_index",
                        **Selection(practice=practice, period="2025-26").params())
    for scope, rows in deciles.groupby("scope"):
        first = rows.sort_values("period_start").iloc[0]
        quarter = indexes[indexes["quarter_start"] == first["period_start"]]["joint_working_index"].to_numpy()
        expected = np.percentile(quarter, [10, 50, 90], method="linear")  # the demo has one ICB: both scopes alike
        assert [first["p10"], first["p50"], first["p90"]] == pytest.approx(expected.tolist(), rel=1e-12), scope
    assert set(deciles["scope"]) == {"all", "icb"}  # one practice chosen: its ICB is a scope of its own
