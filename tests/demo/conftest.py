"""Fixtures for the demo generator's tests: one demo area per session, read back with plain csv.

The checks here deliberately use only the standard library on the written files (never the ETL,
never the generator's internals), so they show what any reader of the raw files would see.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from functools import cached_property
from pathlib import Path

import pytest

from etl.demo import generate

# The real published files live beside the project, at ../shared/realdata (shared/README.md).
REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"


def read_dicts(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


class DemoFiles:
    """The files of one generated demo area, with the joins a catchment analysis needs."""

    def __init__(self, root: Path):
        self.root = root
        self.manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        self.quarters = self.manifest["quarters"]
        self._cache: dict[tuple[str, str], list] = {}

    def read(self, rel: str) -> list[dict[str, str]]:
        return read_dicts(self.root / rel)

    def folder(self, quarter: str) -> Path:
        return self.root / self.manifest["releases"][quarter]["folder"]

    def _release(self, quarter: str, name: str) -> list[dict[str, str]]:
        if (quarter, name) not in self._cache:  # tests only read, so sharing the rows is safe
            self._cache[(quarter, name)] = read_dicts(self.folder(quarter) / name)
        return self._cache[(quarter, name)]

    def lsoa_rows(self, quarter: str) -> list[dict[str, str]]:
        """Registration rows with the count column under one name, whatever the release called it."""
        if (quarter, "N") not in self._cache:
            rows = self._release(quarter, "gp-reg-pat-prac-lsoa-all.csv")
            count = [k for k in rows[0] if k.upper().replace(" ", "_") == "NUMBER_OF_PATIENTS"][0]
            self._cache[(quarter, "N")] = [{**r, "N": int(r[count])} for r in rows]
        return self._cache[(quarter, "N")]

    def map_rows(self, quarter: str) -> list[dict[str, str]]:
        return self._release(quarter, "gp-reg-pat-prac-map.csv")

    def quin_rows(self, quarter: str) -> list[dict[str, str]]:
        return self._release(quarter, "gp-reg-pat-prac-quin-age.csv")

    @cached_property
    def lad_of_lsoa21(self) -> dict[str, str]:
        return {r["LSOA21CD"]: r["LAD24CD"] for r in read_dicts(self.root / "ons/LSOA21_WD24_LAD24_EW_LU.csv")}

    @cached_property
    def exact_fit(self) -> list[dict[str, str]]:
        return read_dicts(self.root / "ons/LSOA11_LSOA21_LAD22_EW_LU_exact_fit.csv")

    @cached_property
    def lad_of_any_lsoa(self) -> dict[str, str]:
        """2021 codes from the 2021 lookup; 2011-only codes through the exact-fit lookup."""
        out = {r["LSOA11CD"]: r["LAD22CD"] for r in self.exact_fit}
        out.update(self.lad_of_lsoa21)
        return out

    @cached_property
    def upper_tier(self) -> dict[str, str]:
        return {r["LTLA24CD"]: r["UTLA24CD"] for r in read_dicts(self.root / "ons/LTLA24_UTLA24_EW_LU.csv")}

    @cached_property
    def onspd(self) -> dict[str, dict[str, str]]:
        return {r["pcds"]: r for r in read_dicts(self.root / "ons/ONSPD_NOV_2025_UK_extract.csv")}

    @cached_property
    def epraccur(self) -> list[list[str]]:
        return read_rows(self.root / "ods/epraccur.csv")

    @cached_property
    def practice_postcode(self) -> dict[str, str]:
        return {r[0]: r[9] for r in self.epraccur}

    def home_council(self, practice_code: str) -> str:
        return self.upper_tier[self.onspd[self.practice_postcode[practice_code]]["laua"]]

    def council_of_lsoa(self, code: str) -> str | None:
        lad = self.lad_of_any_lsoa.get(code)
        return self.upper_tier[lad] if lad else None

    def council_split(self, quarter: str) -> dict[str, tuple[int, int]]:
        """Per practice: (patients in known LSOAs under another council, patients in known LSOAs)."""
        if (quarter, "split") in self._cache:
            return self._cache[(quarter, "split")]
        other, known = defaultdict(int), defaultdict(int)
        for r in self.lsoa_rows(quarter):
            council = self.council_of_lsoa(r["LSOA_CODE"])
            if council is None:
                continue  # CLOSED, EMPTY, pseudo codes
            known[r["PRACTICE_CODE"]] += r["N"]
            if council != self.home_council(r["PRACTICE_CODE"]):
                other[r["PRACTICE_CODE"]] += r["N"]
        self._cache[(quarter, "split")] = {p: (other[p], known[p]) for p in known}
        return self._cache[(quarter, "split")]


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    generate(root, seed=42, scale="demo")
    return root


@pytest.fixture(scope="session")
def demo(demo_dir) -> DemoFiles:
    return DemoFiles(demo_dir)


@pytest.fixture(scope="session")
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip(f"real published files not found at {REALDATA} "
                    "(they live in ../shared/realdata beside the project)")
    return REALDATA
