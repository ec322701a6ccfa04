"""The command line: exit codes and the messages users see."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from etl.cli import cli
from tests.conftest import sha256


def test_build_then_failed_build_exits_non_zero_and_keeps_warehouse(tiny_raw: Path, tmp_path: Path):
    db = tmp_path / "w.duckdb"
    runner = CliRunner()
    result = runner.invoke(cli, ["build", "--raw", str(tiny_raw), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "registrations" in result.output and "Built" in result.output
    before = sha256(db)
    (tiny_raw / "ons" / "epraccur-copy.csv").write_text("not,a,known,file\n1,2,3,4\n")
    result = runner.invoke(cli, ["build", "--raw", str(tiny_raw), "--db", str(db)])
    assert result.exit_code == 1
    assert "The build stopped; the previous warehouse was left as it was." in result.output
    assert "ons/epraccur-copy.csv, line 1: not recognised" in result.output
    assert sha256(db) == before


def test_check_reports_without_writing(tiny_raw: Path, tmp_path: Path):
    result = CliRunner().invoke(cli, ["check", "--raw", str(tiny_raw)])
    assert result.exit_code == 0 and "The raw files would build." in result.output
    (tiny_raw / "nhs" / "2023-01" / "gp-reg-pat-prac-lsoa-all.csv").write_bytes(b"")
    result = CliRunner().invoke(cli, ["check", "--raw", str(tiny_raw)])
    assert result.exit_code == 1 and "The raw files would not build:" in result.output
    assert "gp-reg-pat-prac-lsoa-all.csv: is empty" in result.output


def test_missing_raw_folder_is_a_clear_error(tmp_path: Path):
    result = CliRunner().invoke(cli, ["build", "--raw", str(tmp_path / "nowhere"), "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 1 and "no such folder of raw files" in result.output


def test_serve_without_warehouse_says_how_to_build(tmp_path: Path):
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "missing.duckdb")])
    assert result.exit_code == 1 and "jointcare build" in result.output


def test_python_dash_m_etl_works():
    result = subprocess.run([sys.executable, "-m", "etl", "--help"], capture_output=True, text=True, check=True)
    for verb in ("demo", "build", "check", "serve"):
        assert verb in result.stdout
