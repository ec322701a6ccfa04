"""Fictional postcodes in the real shape: area, district, sector, unit ("QX4 7AB").

The district is the grid cell a point falls in, so nearby points share a district as real ones do.
Areas start with Q, which no real UK postcode area does (fictional.POSTCODE_AREAS).
"""

from __future__ import annotations

import numpy as np

from etl.demo import fictional as fx

UNITS_PER_DISTRICT = 10 * len(fx.INWARD_LETTERS) ** 2


def assign_postcodes(rng: np.random.Generator, xy: np.ndarray, bounds, cell_km: float) -> list[str]:
    """One distinct postcode (pcds form) per point."""
    minx, _, _, maxy = bounds
    col = np.floor((xy[:, 0] - minx) / cell_km).astype(np.int64)
    row = np.floor((maxy - xy[:, 1]) / cell_km).astype(np.int64)
    cell = row * 100_000 + col
    cells, district = np.unique(cell, return_inverse=True)  # numbered north-west first
    if len(cells) > 99 * len(fx.POSTCODE_AREAS):
        raise ValueError("too many postcode districts for the fictional postcode areas")
    out = [""] * len(xy)
    for d in range(len(cells)):
        members = np.flatnonzero(district == d)
        if len(members) > UNITS_PER_DISTRICT:
            raise ValueError("too many postcodes in one district")
        outward = f"{fx.POSTCODE_AREAS[d // 99]}{d % 99 + 1}"
        units = rng.permutation(UNITS_PER_DISTRICT)[: len(members)]
        for i, u in zip(members, units):
            sector, rest = divmod(int(u), len(fx.INWARD_LETTERS) ** 2)
            a, b = divmod(rest, len(fx.INWARD_LETTERS))
            out[i] = f"{outward} {sector}{fx.INWARD_LETTERS[a]}{fx.INWARD_LETTERS[b]}"
    return out


def pcd7(pcds: str) -> str:
    """ONSPD 'pcd': outward code left-aligned in 4 characters, then the inward code ("QX1 2AB", "QX122AB")."""
    outward, inward = pcds.split(" ")
    return f"{outward:<4}{inward}"


def pcd8(pcds: str) -> str:
    """ONSPD 'pcd2': outward code left-aligned in 4 characters, a space, the inward code ("QX1  2AB")."""
    outward, inward = pcds.split(" ")
    return f"{outward:<4} {inward}"
