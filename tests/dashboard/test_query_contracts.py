"""A named query's contract (dashboard/queries/<query>.yml) against what its SQL returns.

The catalogue takes a grid's or a download's words from the contract, so a column the SQL renames or
drops would leave words for nothing, and a new one would have none. Every query that has a contract is
run on the demo warehouse, and the contract's columns must be exactly the SQL's, but for those marked
`computed_in` (worked out in Python from the query's rows, so not the SQL's to return).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl.contracts import Contract

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "dashboard" / "queries"
CONTRACTS = sorted(QUERIES.glob("*.yml"))


@pytest.fixture(scope="module")
def served_demo(demo_warehouse):
    """The dashboard reads the demo warehouse this module builds (not whatever data/warehouse.duckdb a
    checkout happens to hold: a fresh clone has none)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOINTCARE_DB", str(demo_warehouse))
        yield demo_warehouse


@pytest.fixture(scope="module")
def sample_params(served_demo) -> dict:
    """One value for every $parameter a query may take, read from the demo warehouse: the whole area
    (no filter), the latest year and quarter, one practice and one measure."""
    demo_warehouse = served_demo
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    try:
        practice = con.execute("select min(practice_code) from dim_practice").fetchone()[0]
        lsoa = con.execute("select min(lsoa_code) from dim_lsoa").fetchone()[0]
        quarter = con.execute("select max(quarter_start) from mart_joint_working_index").fetchone()[0]
        measure = con.execute("select min(measure_id) from mart_outcomes_practice").fetchone()[0]
    finally:
        con.close()
    from dashboard import filters

    return {**filters.Selection().params(), "code": practice, "codes": (lsoa,), "quarter": str(quarter),
            "measure": measure, "residents": False, "area_type": "all", "max_councils": 5, "compare": "peers",
            "scheme_group": None, "text": "WYVERNFORD", "max_rows": 10, "postcode_key": None, "outward_code": "QX1",
            "practices_only": False, "since": None,
            "member_practices": practice, "member_pcns": None, "member_localities": None}


def _returned_columns(query: str, params: dict) -> list[str]:
    from dashboard.db import run_query

    return list(run_query(query, **params).columns)


def column_differences(contract: Contract, returned: list[str]) -> list[str]:
    """What a contract says that its query's SQL does not do, and the reverse, naming file and column."""
    where = f"dashboard/queries/{contract.path.name}"
    from_sql = {name for name, spec in contract.columns.items() if "computed_in" not in spec}
    problems = [f"{where}: column {name} is not returned by {contract.model}.sql (mark it computed_in if "
                "Python adds it)" for name in sorted(from_sql - set(returned))]
    problems += [f"{where}: {contract.model}.sql returns {name}, which the contract does not describe"
                 for name in returned if name not in contract.columns]
    problems += [f"{where}: column {name} is marked computed_in but {contract.model}.sql returns it"
                 for name, spec in contract.columns.items() if "computed_in" in spec and name in returned]
    return problems


@pytest.mark.parametrize("path", CONTRACTS, ids=[path.stem for path in CONTRACTS])
def test_a_query_contract_names_exactly_the_columns_its_sql_returns(path, demo_warehouse, sample_params,
                                                                     monkeypatch):
    monkeypatch.setenv("JOINTCARE_DB", str(demo_warehouse))
    contract = Contract.load(path)
    assert column_differences(contract, _returned_columns(contract.model, sample_params)) == []


def test_a_difference_names_the_contract_file_and_the_column(tmp_path):
    path = tmp_path / "example__query.yml"
    path.write_text("query: example__query\ncolumns:\n  kept: {label: Kept, unit: text, description: Kept.}\n"
                    "  gone: {label: Gone, unit: text, description: Dropped from the SQL.}\n"
                    "  added: {label: Added, unit: count, description: By Python., computed_in: x.py}\n")
    problems = column_differences(Contract.load(path), ["kept", "renamed", "added"])
    assert problems == [
        "dashboard/queries/example__query.yml: column gone is not returned by example__query.sql "
        "(mark it computed_in if Python adds it)",
        "dashboard/queries/example__query.yml: example__query.sql returns renamed, which the contract does "
        "not describe",
        "dashboard/queries/example__query.yml: column added is marked computed_in but example__query.sql "
        "returns it",
    ]
