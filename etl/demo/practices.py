"""GP practices, PCNs and the other ODS organisations of the fictional area.

Trade-offs:
* A practice sits in an LSOA drawn uniformly from the English LSOAs (LSOAs hold similar numbers
  of people, so this is population-weighted), plus a deliberate few in LSOAs on a council boundary,
  which is where the catchment-mismatch story lives: where the housing carries on across the line
  (not facing open country), each with a branch surgery in the neighbouring LSOA across it, so it
  reliably draws from both councils (as the real practice that splits 53/47 does).
* List sizes are lognormal targets (median ~8.5k, clipped to 2k-25k) that the gravity model in
  registrations.py then fits; the target is a size, not a promise about catchments.
* PCNs are spatial groups of practices inside a sub-ICB (most real PCNs are), and one PCN is made
  to straddle two councils if none does so by itself (the real ABC PCN example in FORMATS.md §2b).
* Identity fields (codes, names, addresses, phone numbers) come from fictional.py only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from etl.demo import fictional as fx
from etl.demo.areas import Areas, centroids, even_split, north_first
from etl.demo.geography import knn, nearest_distance
from etl.demo.scales import ScaleSpec

CLOSE_DATE = "20240630"
JOIN_DATE = "20220701"  # sub-ICB locations came into being with ICBs on 1 July 2022
# A boundary practice's LSOA has between 35% and 65% of its neighbours under another council: the
# line runs through housing. With the branch, 39 of the 40 placed at england scale end up with over
# 25% of their list under another council, and all 4 in 83 demo seeds of 100 (half did before).
BOUNDARY_MIX = 0.15


@dataclass
class Org:
    """One row of epraccur: a practice or another prescribing organisation."""

    code: str
    name: str
    lsoa: int
    xy: tuple[float, float]
    sub_icb: int
    setting: str  # epraccur col 26: "4" practice, "1" walk-in, "2" out of hours, "0" other
    status: str = "A"
    open_date: str = "19740401"
    close_date: str = ""
    address: tuple[str, str, str, str, str] = ("", "", "", "", "")
    phone: str = ""
    amended: str = "0"
    postcode: str = ""
    practice: int = -1  # index into Practices for a registering practice, else -1


@dataclass
class Practices:
    n: int
    lsoa: np.ndarray
    xy: np.ndarray
    council: np.ndarray
    sub_icb: np.ndarray
    pcn: np.ndarray
    target: np.ndarray  # lognormal list-size draw; registrations.gravity blends it with the catchment
    share65: np.ndarray  # share of the list aged 65+
    supplier: list[str]
    code: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    pcn_codes: list[str] = field(default_factory=list)
    pcn_names: list[str] = field(default_factory=list)
    orgs: list[Org] = field(default_factory=list)  # epraccur rows, practices first by index
    boundary_placed: np.ndarray | None = None
    branch: np.ndarray | None = None  # LSOA of a boundary practice's branch surgery across the line, else -1
    closed: int = -1
    successor: int = -1
    straddling: dict = field(default_factory=dict)


def _boundary_pairs(areas: Areas, adj: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """English LSOAs on a boundary between English councils where the housing carries on across
    the line (a share of their neighbours within BOUNDARY_MIX of a half lies across it, rather than
    a boundary facing open country), each with its nearest neighbour across: the branch surgery."""
    council = areas.council_of
    a, b = np.concatenate([adj[:, 0], adj[:, 1]]), np.concatenate([adj[:, 1], adj[:, 0]])
    english = ~areas.is_welsh[a] & ~areas.is_welsh[b]
    a, b = a[english], b[english]
    cross = council[a] != council[b]
    degree = np.maximum(np.bincount(a, minlength=len(council)), 1)
    other = np.bincount(a, weights=cross, minlength=len(council)) / degree  # share of neighbours across
    a, b = a[cross], b[cross]
    dist = np.hypot(*(areas.xy[a] - areas.xy[b]).T)
    order = np.lexsort((b, dist, a))  # per LSOA, its nearest neighbour across first
    a, b = a[order], b[order]
    first = np.ones(len(a), bool)
    first[1:] = a[1:] != a[:-1]
    a, b = a[first], b[first]
    even = np.abs(other[a] - 0.5)
    keep = np.flatnonzero(even <= BOUNDARY_MIX)
    if len(keep) < n:  # too few: the most evenly split ones
        keep = np.argsort(even, kind="stable")[:n]
    return a[keep], b[keep]


def build_practices(rng: np.random.Generator, spec: ScaleSpec, areas: Areas, cells, adj) -> Practices:
    eng = np.flatnonzero(areas.english)
    boundary, across = _boundary_pairs(areas, adj, spec.n_boundary_practices)
    pick = rng.choice(len(boundary), size=min(spec.n_boundary_practices, len(boundary)), replace=False)
    first = boundary[pick]
    others = np.setdiff1d(eng, first)
    rest = rng.choice(others, size=spec.n_practices - len(first), replace=False)
    lsoa = np.concatenate([first, rest])
    boundary_placed = np.zeros(spec.n_practices, bool)
    boundary_placed[: len(first)] = True
    branch = np.full(spec.n_practices, -1, dtype=np.int64)
    branch[: len(first)] = across[pick]

    # a practice stands near its LSOA's centroid, inside the LSOA's cell
    nn = nearest_distance(areas.xy)[lsoa]
    angle = rng.uniform(0, 2 * np.pi, len(lsoa))
    r = 0.3 * nn * np.sqrt(rng.uniform(0, 1, len(lsoa)))
    xy = areas.xy[lsoa] + np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    inside = shapely.contains_xy(cells[lsoa], xy[:, 0], xy[:, 1])
    xy[~inside] = areas.xy[lsoa[~inside]]

    lad_sub = np.array([lad.sub_icb for lad in areas.lads])
    sub_icb = lad_sub[areas.lad_of[lsoa]]
    council = areas.council_of[lsoa]

    # list-size targets: lognormal, scaled so they add up to the registered population (set later)
    target = np.exp(rng.normal(np.log(spec.list_median), spec.list_sigma, len(lsoa)))
    target = np.clip(target, 2_000, 25_000)

    # older lists in the countryside: rank of the LSOA's spacing (a proxy for rurality)
    spacing = nearest_distance(areas.xy)[eng]
    rurality = np.searchsorted(np.sort(spacing), nearest_distance(areas.xy)[lsoa]) / len(spacing)
    share65 = np.clip(0.085 + 0.19 * rurality + rng.normal(0, 0.02, len(lsoa)), 0.08, 0.30)

    emis_p = rng.choice([0.15, 0.5, 0.85], size=len(areas.sub_icbs))
    supplier = np.where(rng.uniform(size=len(lsoa)) < emis_p[sub_icb], "EMIS", "TPP")

    pr = Practices(
        n=len(lsoa), lsoa=lsoa, xy=xy, council=council, sub_icb=sub_icb, pcn=np.zeros(len(lsoa), np.int64),
        target=target, share65=share65, supplier=[str(s) for s in supplier], boundary_placed=boundary_placed,
        branch=branch,
    )
    _order_and_code(rng, spec, areas, pr)
    _pcns(rng, spec, areas, pr)
    return pr


def _order_and_code(rng, spec, areas: Areas, pr: Practices) -> None:
    """Re-order practices by sub-ICB then north to south, add the non-registering organisations,
    and give everything ODS codes with small gaps (real codes are not contiguous)."""
    order = np.lexsort((pr.xy[:, 0], -np.round(pr.xy[:, 1], 6), pr.sub_icb))
    for name in ("lsoa", "xy", "council", "sub_icb", "target", "share65", "boundary_placed", "branch"):
        setattr(pr, name, getattr(pr, name)[order])
    pr.supplier = [pr.supplier[i] for i in order]

    eng = np.flatnonzero(areas.english)
    n_extra = spec.historic_closed + spec.non_practices
    extra_lsoa = rng.choice(eng, size=n_extra, replace=False)
    lad_sub = np.array([lad.sub_icb for lad in areas.lads])
    kinds = ["historic"] * spec.historic_closed + ["other"] * spec.non_practices
    # interleave the extra organisations among the practices, as in the real register
    slots = np.sort(rng.integers(0, pr.n + 1, size=n_extra))
    sequence: list[tuple[str, int]] = []
    j = 0
    for i in range(pr.n + 1):
        while j < n_extra and slots[j] == i:
            sequence.append(("extra", j))
            j += 1
        if i < pr.n:
            sequence.append(("practice", i))
    room = (fx.PRACTICE_CODE_RANGE[1] - fx.PRACTICE_CODE_RANGE[0]) / len(sequence)
    max_gap = 3 if room >= 3 else (2 if room >= 1.6 else 1)  # mean gap (1 + max_gap) / 2 must fit
    numbers = fx.PRACTICE_CODE_RANGE[0] + np.cumsum(rng.integers(1, max_gap + 1, size=len(sequence)))

    names_used: set[str] = set()
    pr.code = [""] * pr.n
    pr.name = [""] * pr.n
    orgs: list[Org] = []
    extra_orgs: dict[int, Org] = {}
    for (kind, i), number in zip(sequence, numbers):
        code = fx.practice_code(int(number))
        if kind == "practice":
            lsoa = int(pr.lsoa[i])
            name = _practice_name(rng, areas, lsoa, names_used)
            pr.code[i], pr.name[i] = code, name
            org = Org(code, name, lsoa, tuple(pr.xy[i]), int(pr.sub_icb[i]), "4", practice=i,
                      open_date=_open_date(rng))
        else:
            lsoa = int(extra_lsoa[i])
            place = areas.ward_names[areas.ward_of[lsoa]].upper()
            if kinds[i] == "historic":
                name = _practice_name(rng, areas, lsoa, names_used)
                org = Org(code, name, lsoa, tuple(areas.xy[lsoa]), int(lad_sub[areas.lad_of[lsoa]]), "4",
                          status="C", open_date=_open_date(rng),
                          close_date=(f"{int(rng.integers(2015, 2023))}"
                                      f"{int(rng.integers(1, 13)):02d}{int(rng.integers(1, 29)):02d}"))
            else:
                setting, template = fx.NON_PRACTICE_KINDS[i % len(fx.NON_PRACTICE_KINDS)]
                org = Org(code, template.format(place=place), lsoa, tuple(areas.xy[lsoa]),
                          int(lad_sub[areas.lad_of[lsoa]]), setting, open_date=_open_date(rng))
            extra_orgs[i] = org
        org.address = _address(rng, areas, org.lsoa)
        org.phone = fx.phone_number(len(orgs))
        org.amended = "1" if rng.uniform() < 0.1 else "0"
        orgs.append(org)
    pr.orgs = orgs


def _open_date(rng) -> str:
    if rng.uniform() < 0.55:
        return "19740401"  # the register's start: most long-standing practices carry this date
    return f"{int(rng.integers(1975, 2016))}{int(rng.integers(1, 13)):02d}{int(rng.integers(1, 29)):02d}"


def _practice_name(rng, areas: Areas, lsoa: int, used: set[str]) -> str:
    ward = areas.ward_names[areas.ward_of[lsoa]].upper()
    town = areas.lads[areas.lad_of[lsoa]].name.upper()
    for attempt in range(40):
        roll = rng.uniform()
        suffix = fx.PRACTICE_SUFFIXES[int(rng.integers(len(fx.PRACTICE_SUFFIXES)))]
        if roll < 0.55 or attempt > 30:
            name = f"{ward} {suffix}"
        elif roll < 0.7:
            name = (f"THE {fx.TREES[int(rng.integers(len(fx.TREES)))]} "
                    f"{'SURGERY' if rng.uniform() < 0.6 else 'MEDICAL PRACTICE'}")
        elif roll < 0.85:
            name = f"{fx.STREETS[int(rng.integers(len(fx.STREETS)))]} SURGERY"
        elif roll < 0.95:
            name = f"{town} {suffix}"
        else:
            name = f"{ward} & {town} {suffix}"
        if attempt > 35:
            name = f"{name} {attempt - 35}"
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError("could not name a practice")


def _address(rng, areas: Areas, lsoa: int) -> tuple[str, str, str, str, str]:
    """Upper-case ODS-style address lines; some carry commas inside a line, as the real file does."""
    ward = areas.ward_names[areas.ward_of[lsoa]].upper()
    lad = areas.lads[areas.lad_of[lsoa]]
    council = areas.councils[lad.council]
    town = lad.name.upper()
    county = council.name.upper() if council.tier == "county" else ""
    street = fx.STREETS[int(rng.integers(len(fx.STREETS)))]
    building = fx.BUILDINGS[int(rng.integers(len(fx.BUILDINGS)))]
    number = int(rng.integers(1, 240))
    roll = rng.uniform()
    if roll < 0.4:
        lines = [building, f"{number} {street}", ward, town, county]
    elif roll < 0.7:
        lines = [f"{number} {street}, {ward}", town, county, "", ""]
    elif roll < 0.85:
        lines = [f"UNIT {number % 20 + 1}, {building}", street, town, county, ""]
    else:
        lines = [building, street, ward, town, ""]
    lines = [x for x in lines if x] + [""] * 5  # no gaps between filled lines
    return tuple(lines[:5])


def _pcns(rng, spec: ScaleSpec, areas: Areas, pr: Practices) -> None:
    labels = np.full(pr.n, -1, dtype=np.int64)
    n_pcn = 0
    for s in range(len(areas.sub_icbs)):
        ids = np.flatnonzero(pr.sub_icb == s)
        if not len(ids):
            continue
        k = max(1, round(len(ids) / spec.mean_pcn_size))
        lab = even_split(rng, pr.xy[ids], k)  # neighbouring practices, in groups of similar size
        cent = centroids(pr.xy[ids], lab, lab.max() + 1)
        for g in north_first(cent):
            labels[ids[lab == g]] = n_pcn
            n_pcn += 1
    pr.pcn = labels

    # one PCN straddles two councils: find one, or move a boundary practice across (FORMATS §2b)
    def straddlers():
        return [g for g in range(n_pcn) if len(set(pr.council[pr.pcn == g])) > 1]

    if not straddlers():
        sizes = np.bincount(pr.pcn, minlength=n_pcn)
        best = None
        for i in np.flatnonzero(pr.boundary_placed):
            other = np.flatnonzero((pr.council != pr.council[i]) & (sizes[pr.pcn] >= 2))
            if sizes[pr.pcn[i]] < 3 or not len(other):
                continue
            d, j = knn(pr.xy[i:i + 1], pr.xy[other], 1)
            if best is None or d[0, 0] < best[0]:
                best = (d[0, 0], i, other[j[0, 0]])
        if best is None:
            raise RuntimeError("no practice can be moved to make a PCN straddle two councils")
        pr.pcn[best[1]] = pr.pcn[best[2]]
    pr.pcn_codes = fx.pcn_codes(n_pcn)
    used: set[str] = set()
    pr.pcn_names = []
    for g in range(n_pcn):
        members = np.flatnonzero(pr.pcn == g)
        biggest = members[np.argmax(pr.target[members])]
        base = areas.ward_names[areas.ward_of[pr.lsoa[biggest]]].upper()
        name = f"{base} PCN"
        if name in used:
            town = areas.lads[areas.lad_of[pr.lsoa[biggest]]].name.upper()
            name = f"{base} AND {town} PCN"
        k = 2
        while name in used:
            name = f"{base} {k} PCN"
            k += 1
        used.add(name)
        pr.pcn_names.append(name)
    found = straddlers()
    g = max(found, key=lambda g: (min(np.bincount(pr.council[pr.pcn == g])[np.bincount(pr.council[pr.pcn == g]) > 0]),
                                  -g))
    members = np.flatnonzero(pr.pcn == g)
    pr.straddling = {
        "pcn_code": pr.pcn_codes[g],
        "pcn_name": pr.pcn_names[g],
        "councils": sorted({areas.councils[c].code for c in pr.council[members]}),
        "practices": [{"practice_code": pr.code[i], "council_code": areas.councils[pr.council[i]].code}
                      for i in members],
        "all_straddling_pcns": [pr.pcn_codes[x] for x in found],
    }


def choose_closure(rng, pr: Practices, list_size: np.ndarray) -> None:
    """Pick a smallish practice to close on 30 June 2024 and its successor: the nearest practice,
    in the same council, big enough to take the list on. Marks the closure in epraccur."""
    sizes = np.bincount(pr.pcn)
    d, j = knn(pr.xy, pr.xy, 2)
    nearest, dist = j[:, 1], d[:, 1]
    ok = (
        ~pr.boundary_placed
        & (sizes[pr.pcn] >= 3)
        & (pr.council[nearest] == pr.council)
        & (list_size > 3_000) & (list_size < 7_000)
        & (list_size[nearest] > 6_000) & (list_size[nearest] < 15_000)
        & (dist < np.percentile(dist, 50))
    )
    candidates = np.flatnonzero(ok)
    if not len(candidates):
        raise RuntimeError("no practice fits the planted closure")
    pr.closed = int(rng.choice(candidates))
    pr.successor = int(nearest[pr.closed])
    org = pr.orgs[[o.practice for o in pr.orgs].index(pr.closed)]
    org.status, org.close_date = "C", CLOSE_DATE
