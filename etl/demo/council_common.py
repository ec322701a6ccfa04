"""What the council-side writers (ascof, bcf) share: council populations by financial year, file-name
slugs, exact rounding and byte-stable workbooks.

Trade-offs:
* Populations are the registered residents of each English upper-tier council (the registrations
  crosswalk), not ONS estimates: the demo has no other population, and the ETL's per-head figures
  then agree with the NHS side. Age shares are each practice's (quinary age file) applied to its
  residents in the council, as a reader of the published files would have to do.
* A financial year's population is the July release of its first calendar year (mid-year, as ONS
  estimates are); years before the first release scale January 2023 back by POP_BACK_TREND a year.
* Workbooks are written with xlsxwriter in plain in-memory mode (the sheets are small) with a fixed
  creation date: the zip entries carry no clock time, so the bytes depend on the content only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import numpy as np
import xlsxwriter

from etl.demo.areas import Areas
from etl.demo.registrations import QUARTERS, Registrations

POP_BACK_TREND = 0.007  # growth a year before 2023: registered populations grew ~0.7% a year
FIRST_OLD_BAND = 13  # AGE_BANDS[13] is 65_69
WORKBOOK_CREATED = datetime(2025, 11, 1, 9, 0, 0)


@dataclass
class CouncilPopulation:
    """Per financial year ('2023-24') and English upper-tier council (in ``index`` order), residents."""

    index: list[int]  # indices into areas.councils
    all_ages: dict[str, np.ndarray]  # integers (registered residents)
    age_18_64: dict[str, np.ndarray]  # floats, from practice age shares
    male_65: dict[str, np.ndarray]
    female_65: dict[str, np.ndarray]


def english_councils(areas: Areas) -> list[int]:
    return [i for i, c in enumerate(areas.councils) if c.tier != "welsh_unitary"]


def fy(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def _release_shares(rel) -> dict[str, np.ndarray]:
    """Per practice, the share of its list in each age group (0 for a practice with no list)."""
    total = np.maximum(rel.totals, 1).astype(float)
    ages = rel.ages
    adults = ages[:, :, 3].sum(axis=1) * 2 / 5 + ages[:, :, 4:FIRST_OLD_BAND].sum(axis=(1, 2))  # 18-19 of 15-19
    return {"age_18_64": adults / total, "male_65": ages[:, 0, FIRST_OLD_BAND:].sum(axis=1) / total,
            "female_65": ages[:, 1, FIRST_OLD_BAND:].sum(axis=1) / total}


def _residents(areas: Areas, reg: Registrations, k: int, n_councils: int) -> dict[str, np.ndarray]:
    lsoa, practice, count = reg.core[k]
    council = areas.council_of[lsoa]
    out = {"all_ages": np.bincount(council, weights=count, minlength=n_councils)}
    for name, share in _release_shares(reg.releases[k]).items():
        out[name] = np.bincount(council, weights=count * share[practice], minlength=n_councils)
    return out


def council_population(areas: Areas, reg: Registrations, years) -> CouncilPopulation:
    index = english_councils(areas)
    n = len(areas.councils)
    cache: dict[int, dict[str, np.ndarray]] = {}
    pop = CouncilPopulation(index, {}, {}, {}, {})
    for year in years:
        start = int(year[:4])
        july = date(start, 7, 1)
        k = QUARTERS.index(july) if july in QUARTERS else 0
        factor = 1.0 if july in QUARTERS else (1 - POP_BACK_TREND) ** (QUARTERS[0].year - (start + 0.5))
        if k not in cache:
            cache[k] = _residents(areas, reg, k, n)
        got = cache[k]
        pop.all_ages[year] = np.rint(got["all_ages"][index] * factor).astype(np.int64)
        pop.age_18_64[year] = got["age_18_64"][index] * factor
        pop.male_65[year] = got["male_65"][index] * factor
        pop.female_65[year] = got["female_65"][index] * factor
    return pop


def slug(name: str) -> str:
    """A council name fit for a file name: words joined by underscores, case kept."""
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")


def rate_1dp(numerator: int, denominator: int, multiplier: int) -> Fraction:
    """numerator / denominator x multiplier, rounded half up to one decimal place, exactly."""
    tenths = Fraction(numerator * multiplier * 10, denominator) + Fraction(1, 2)
    return Fraction(tenths.numerator // tenths.denominator, 10)


def format_1dp(value: Fraction) -> str:
    tenths = int(value * 10)
    return f"{tenths // 10}.{tenths % 10}"


def pounds(pence: int) -> int | float:
    """An amount for a cell: an integer when it is whole pounds, else pounds and pence."""
    return pence // 100 if pence % 100 == 0 else pence / 100


def new_workbook(path: Path, title: str) -> xlsxwriter.Workbook:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    book.set_properties({"title": title, "author": "jointcare demo (fictional)", "created": WORKBOOK_CREATED})
    return book
