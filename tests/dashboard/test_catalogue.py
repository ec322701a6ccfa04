"""The column catalogue (dashboard/catalogue.py): one set of words for a column on every surface.

The headers below are written out by hand from the contracts' labels and units, not read back from
the code, so a change to the header rule or to a label shows here.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pandas as pd
import pytest

from dashboard import catalogue
from dashboard.catalogue import Entry
from dashboard.components import tables
from dashboard.exports import gather
from dashboard.exports.summary import Column
from etl.contracts import Contract
from tests.dashboard.helpers import walk

ROOT = Path(__file__).resolve().parents[2]
UNITOWN = "E06000901"
DOWNLOAD_TABLES = {"headline_measures": gather.HEADLINE_COLUMNS, "monthly_measures": gather.MONTHLY_COLUMNS,
                   "serving_practices": gather.SERVING_COLUMNS, "bcf_scheme_types": gather.BCF_COLUMNS,
                   "joint_working_practices": gather.JW_COLUMNS, "comparison": gather.COMPARISON_COLUMNS,
                   "joint_working_impact": gather.IMPACT_COLUMNS, "sources": gather.SOURCE_COLUMNS,
                   "definitions": gather.DEFINITION_COLUMNS}
# Page and component modules (under dashboard/) whose grid headers all come from the catalogue: every one
# that shows a grid.
CATALOGUED_PAGES = ("pages/downloads", "pages/pooled_budget", "pages/overview", "pages/joint_working",
                    "pages/practice", "pages/outcomes", "pages/catchment", "pages/data_and_methods",
                    "components/funnel", "components/impact", "components/spc")


@pytest.mark.parametrize(("label", "unit", "expected"), [
    ("Planned", "£", "Planned (£)"),
    ("Effect", "%", "Effect (%)"),
    ("95% CI lower", "%", "95% CI lower (%)"),  # mentions a percentage, is not one of something
    ("Actual as % of plan", "%", "Actual as % of plan"),  # already says it: not told twice
    ("Share with a social worker (%)", "%", "Share with a social worker (%)"),  # ends in its unit: not twice
    ("Share of the list", "share", "Share of the list"),  # shown as 25%; the grid's CSV adds "(%)"
    ("Joint-working index", "0-100", "Joint-working index"),
    ("Patients", "count", "Patients"),
])
def test_header_names_the_unit_where_the_number_alone_is_ambiguous(label, unit, expected):
    assert Entry("t.c", label, unit, "d").header == expected


def test_a_query_column_takes_its_words_from_the_model_column_it_is():
    planned = catalogue.entry("downloads__bcf.planned_gbp")
    assert (planned.label, planned.unit, planned.header) == ("Planned", "£", "Planned (£)")
    assert planned.description == catalogue.description("mart_bcf_summary.planned_gbp")
    # a query may say more about its own column and keep the label
    assert catalogue.description("pooled_budget__scheme_types.actual_gbp") == (
        "Actual spend from the year-end return, pounds (empty: no return).")
    assert catalogue.header("pooled_budget__scheme_types.actual_gbp") == "Actual (£)"


def test_an_unknown_column_says_where_to_add_it():
    with pytest.raises(catalogue.CatalogueError, match="dashboard/queries"):
        catalogue.entry("downloads__bcf.no_such_column")


def test_every_query_contract_column_has_label_unit_and_description():
    for path in sorted((ROOT / "dashboard" / "queries").glob("*.yml")):
        contract = Contract.load(path)
        assert (ROOT / "dashboard" / "queries" / f"{contract.model}.sql").exists(), path.name
        for column in contract.columns:
            entry = catalogue.entry(f"{contract.model}.{column}")
            assert entry.label and entry.unit and entry.description, (path.name, column)


def test_every_download_column_is_the_catalogues():
    for table, columns in DOWNLOAD_TABLES.items():
        for column in columns:
            assert column.header and column.description, (table, column.field)
    # spot checks against the contracts' words
    headers = {column.field: column.header for column in gather.BCF_COLUMNS}
    assert headers["planned_gbp"] == "Planned (£)" and headers["actual_vs_plan_pct"] == "Actual as % of plan"
    impact = {column.field: column.header for column in gather.IMPACT_COLUMNS}
    assert impact["ci_low_pct"] == "95% CI lower (%)"
    assert impact["annual_cost_change_gbp"] == "Change in cost a year (£)"


def _literal_headers(path: Path) -> list[str]:
    """column(...) calls in a module whose header is written there as text, not looked up."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "column" and len(node.args) >= 2
                and isinstance(node.args[1], (ast.Constant, ast.JoinedStr))):
            found.append(f"{path.name}:{node.lineno}")
    return found


@pytest.mark.parametrize("module", CATALOGUED_PAGES)
def test_catalogued_pages_write_no_header_by_hand(module):
    assert _literal_headers(ROOT / "dashboard" / f"{module}.py") == []


def _grid_headers(layout) -> dict[str, dict[str, str]]:
    """{grid name: {field: header}} of every data grid in a page."""
    found = {}
    for node in walk(layout):
        if getattr(node, "_type", None) == "AgGrid":
            found[node.id["grid"]] = {column["field"]: column["headerName"] for column in node.columnDefs}
    return found


def test_a_column_reads_the_same_on_a_page_grid_and_in_its_download(dashboard_db):
    from dashboard.pages import downloads, pooled_budget

    on_downloads = _grid_headers(downloads.layout(council=UNITOWN, period="2023-24"))
    jw_download = {column.field: column.header for column in gather.JW_COLUMNS}
    jw_grid = on_downloads["downloads-joint-working"]
    assert set(jw_grid) <= set(jw_download)
    assert {field: jw_download[field] for field in jw_grid} == jw_grid
    assert jw_grid["joint_working_index"] == "Joint-working index"
    assert jw_grid["practice_code"] == "Practice code"

    on_pooled_budget = _grid_headers(pooled_budget.layout(council=UNITOWN, period="2023-24"))
    bcf_grid = on_pooled_budget["pooled-budget-scheme-types"]
    bcf_download = {column.field: column.header for column in gather.BCF_COLUMNS}
    shared = set(bcf_grid) & set(bcf_download)
    assert shared == {"scheme_type_group", "scheme_type", "scheme_lines", "planned_gbp", "actual_gbp"}
    assert {field: bcf_grid[field] for field in shared} == {field: bcf_download[field] for field in shared}
    # the Downloads page's BCF summary and the Pooled budget page read pounds alike
    assert on_downloads["downloads-bcf"]["planned_gbp"] == bcf_grid["planned_gbp"] == "Planned (£)"


def test_a_bad_unit_is_an_error_naming_the_file_and_column(tmp_path):
    path = tmp_path / "mart_example.yml"
    path.write_text("model: mart_example\ncolumns:\n  cost: {label: Cost, unit: pounds, description: Money.}\n"
                    "  name: {description: A name, cut at its comma.}\n")
    problems = Contract.load(path).problems()
    assert problems[0].startswith("mart_example.yml: column cost: unknown unit 'pounds'")
    # YAML's flow style ends a description at a comma: the rest becomes a key nobody reads
    assert problems[1].startswith("mart_example.yml: column name: unknown keys")


def test_the_models_and_queries_contracts_have_no_problems():
    paths = sorted((ROOT / "etl" / "models").glob("*/*.yml")) + sorted((ROOT / "dashboard" / "queries").glob("*.yml"))
    assert [problem for path in paths for problem in Contract.load(path).problems()] == []


@pytest.mark.parametrize(("key", "kind", "unit"), [
    ("pooled_budget__scheme_types.planned_gbp", "count", "'£'"),  # pounds shown without their £
    ("exports__serving_practices.share", "number", "'share'"),  # 0.25 shown as 0.3, not 25%
    ("exports__impact.effect_pct", "percent", "'%'"),  # 12.5 (per cent) shown as 1250%
])
def test_a_download_kind_that_shows_the_unit_wrongly_is_an_error_naming_the_column(key, kind, unit):
    with pytest.raises(catalogue.CatalogueError, match=rf"{key}.* shown as '{kind}', but its unit is {unit}"):
        Column.of(key, kind)


def test_a_share_is_written_in_per_cent_in_a_grids_csv_under_the_catalogues_header():
    columns = [tables.column("share", "Share of the list", "percent"),
               tables.column("vs", "Actual as % of plan", "percent"), tables.column("patients", "Patients", "count"),
               tables.column("name", "Practice")]
    # only the percentages are named, each by the header rule: a unit is added once, never twice
    assert json.loads(tables.csv_headers(columns)) == {"share": "Share of the list (%)", "vs": "Actual as % of plan"}
    grid = next(node for node in walk(tables.data_grid("g", pd.DataFrame({"share": [0.25], "vs": [0.5], "patients": [8],
                                                                   "name": ["A"]}), columns, caption="c"))
                if getattr(node, "_type", None) == "AgGrid")
    callback = grid.csvExportParams["processHeaderCallback"]["function"]
    assert callback == f"csvHeader(params, {json.dumps(tables.csv_headers(columns))})"


def test_a_funnel_table_reads_its_words_from_the_contract_of_the_query_it_draws():
    from dashboard.components import funnel

    outcomes = {column["field"]: column["headerName"] for column in funnel.table_columns(
        "rate", query="outcomes__funnel", value_unit="per 1,000 patients")}
    # the rate's unit is the page's to add; the interval's method the component's
    assert outcomes["value"] == "Rate (per 1,000 patients)"
    assert outcomes["low"] == "95% CI lower (Byar; exact Poisson below 10 events)"
    assert outcomes["code"] == "Practice code" and outcomes["num"] == "Count in the year"
    care_plans = {column["field"]: column["headerName"] for column in funnel.table_columns(
        "proportion", query="joint_working__funnel", widened=True)}
    assert care_plans["value"] == "Care plans reviewed (%)" and care_plans["num"] == "Plans reviewed"
    assert care_plans["high"] == "95% CI upper (Wilson score)"
    assert care_plans["significance_words"] == "Against the limits shown (widened for overdispersion)"
    assert care_plans["plain_significance_words"] == "Against PHE's plain limits"


def test_an_xmr_table_reads_its_words_from_the_contract_of_the_query_it_charts():
    from dashboard.components import spc

    frame = pd.DataFrame({"period": ["2024-25 Q1"], "value": [50.0], "mean": [50.0], "lower": [40.0],
                          "upper": [60.0], "point_words": ["Common cause"], "why": [""]})

    def headers(**where) -> list[str]:
        table = spc.xmr_table("t", frame, caption="c", dates=False, **where)
        grid = next(node for node in walk(table) if getattr(node, "_type", None) == "AgGrid")
        return [definition["headerName"] for definition in grid.columnDefs]

    # the SPC columns read as they do in the downloads' monthly measures
    spc_words = ["SPC mean", "SPC lower limit", "SPC upper limit", "Point type", "Why it is special cause"]
    assert headers(query="joint_working__adoption", period="quarter_label", value="mean_index") == [
        "Quarter", "Mean joint-working index", *spc_words]
    assert headers(query="outcomes__trend", period="financial_year", value="rate", value_unit="%") == [
        "Financial year", "Rate (%)", *spc_words]
    frame = frame.assign(period=[pd.Timestamp("2024-04-01")], raw=[55.0])  # a seasonally adjusted month
    table = spc.xmr_table("t", frame, caption="c", query="practice__outcome_trends", period="period_start",
                          value="rate", value_unit="per 1,000 patients")
    grid = next(node for node in walk(table) if getattr(node, "_type", None) == "AgGrid")
    assert [definition["headerName"] for definition in grid.columnDefs][:3] == [
        "Month", "Rate (per 1,000 patients)", "Rate (per 1,000 patients), seasonally adjusted"]
