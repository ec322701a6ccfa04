"""Python's cycle collector waits while a build recognises and loads files (etl/build.py), and must be on
again when the build ends, however it ends: a process that serves or builds again would otherwise keep
every reference cycle it makes for good."""

from __future__ import annotations

import gc

import pytest

import etl.build
from etl.build import build
from etl.errors import BuildFailed


def test_the_cycle_collector_is_on_after_a_build_and_after_one_stopped_while_reading_files(tiny_raw, tmp_path,
                                                                                           monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    build(tiny_raw, db, echo=lambda _: None)
    assert gc.isenabled()

    def unreadable(*args, **kwargs):
        raise BuildFailed(["the disk holding the raw files went away"])

    monkeypatch.setattr(etl.build, "_sniff_all", unreadable)
    with pytest.raises(BuildFailed, match="went away"):
        build(tiny_raw, db, echo=lambda _: None)
    assert gc.isenabled()
