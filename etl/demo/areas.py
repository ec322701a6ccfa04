"""The administrative and NHS hierarchy of the fictional area, built on the LSOA points.

LSOA -> MSOA / ward -> LAD -> upper-tier council, and LAD -> sub-ICB -> ICB -> NHS region, plus the
councils' own localities and the 2011 -> 2021 LSOA changes.

Trade-offs:
* Two stages. First the upper tier: a power diagram with target sizes splits the LSOA centroids
  into blocks seeded on the settlement plan (the capital, each conurbation, each unitary town,
  and countryside seeds for counties and rural unitaries). Then each block is split evenly into
  its LADs (32 London-shaped boroughs, metropolitan boroughs, a county's districts). A county is
  the union of several power cells, so it can wrap round a town as real counties do: with one
  convex cell per council the demo's single county cut its conurbation and its town in two, and
  the metropolitan borough held more countryside than city. Any detached piece of a council or
  LAD is then given to its neighbour (mend), so every council and LAD is contiguous.
* Counties, ICBs, sub-ICBs, regions and localities are groups of whole lower areas, so every
  level nests exactly, as the real lookups assume (real ICBs do occasionally split a LAD; the ETL
  must cope with that from real data, but the demo keeps it clean).
* 2011 codes: an unchanged LSOA keeps its code; a split 2011 LSOA's two children and a merge's
  result get new codes above every other code, as ONS did in 2021.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from etl.demo import fictional as fx
from etl.demo.geography import Settlement, balanced_partition, group_points, kmeans_pp, knn
from etl.demo.scales import ScaleSpec

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Power cells per county. 6 keeps 83-99% of the demo conurbation's LSOAs in its metropolitan
# borough and 94-100% of the town's in its unitary (demo seeds 42-49; 4-86% and 0-100% with 1).
COUNTY_CELLS = 6


@dataclass
class Lad:
    code: str
    name: str
    tier: str  # unitary | district | metropolitan | london | welsh_unitary
    council: int = -1
    sub_icb: int = -1
    name_welsh: str = ""


@dataclass
class Council:
    code: str
    name: str  # as ONS writes it (UTLA24NM)
    display_name: str  # the council's own name, marked fictional
    tier: str  # county | unitary | metropolitan | london | welsh_unitary
    lads: list[int] = field(default_factory=list)
    icb: int = -1


@dataclass
class NhsArea:
    ods: str
    ons: str
    name: str
    parent: int = -1


@dataclass
class Locality:
    code: str
    name: str
    council: int


@dataclass
class Areas:
    xy: np.ndarray
    is_welsh: np.ndarray
    lad_of: np.ndarray
    lads: list[Lad]
    councils: list[Council]
    msoa_of: np.ndarray
    msoa_codes: list[str]
    msoa_numbers: np.ndarray  # per MSOA, its 3-digit number inside the LAD
    ward_of: np.ndarray
    ward_codes: list[str]
    ward_names: list[str]
    ced_of_ward: list[str]
    code21: np.ndarray  # object array of str, per LSOA point
    name21: np.ndarray
    change: np.ndarray  # per LSOA: U, S (child of a split) or M (result of a merge)
    code11_of: list[tuple[str, ...]]  # per LSOA: its 2011 code(s)
    name11: dict[str, str]
    merge_share: np.ndarray  # for an M LSOA: share of its residents counted under its first 2011 code
    exact_fit: list[tuple[str, str, str, str, str, int]]  # (11cd, 11nm, 21cd, 21nm, chgind, lad)
    oa_codes: np.ndarray  # per LSOA, two output area codes
    localities: list[Locality]
    locality_of: np.ndarray  # per LSOA (-1 for Welsh)
    regions: list[NhsArea]
    icbs: list[NhsArea]  # parent = region
    sub_icbs: list[NhsArea]  # parent = ICB
    ons_regions: list[str]  # ONS region (rgn) code per NHS region: the fiction keeps them equal
    icb_area_names: list[str]
    splits: list[dict]
    merges: list[dict]

    @property
    def council_of(self) -> np.ndarray:
        return np.array([lad.council for lad in self.lads])[self.lad_of]

    @property
    def english(self) -> np.ndarray:
        return ~self.is_welsh


def centroids(xy, labels, k, weights=None):
    w = np.ones(len(xy)) if weights is None else weights
    m = np.bincount(labels, weights=w, minlength=k)
    return np.column_stack([np.bincount(labels, w * xy[:, 0], k) / m, np.bincount(labels, w * xy[:, 1], k) / m])


def north_first(centres: np.ndarray) -> np.ndarray:
    """Order of areas for numbering: north to south, then west to east (ONS numbers MSOAs so)."""
    return np.lexsort((centres[:, 0], -np.round(centres[:, 1], 6)))


def apportion(total: int, weights, lo, hi) -> np.ndarray:
    """Integers summing to total, proportional to weights, each within [lo, hi] (largest remainder)."""
    weights = np.asarray(weights, float)
    lo, hi = np.broadcast_to(lo, weights.shape).astype(int), np.broadcast_to(hi, weights.shape).astype(int)
    out = lo.copy()
    for _ in range(100):
        free = out < hi
        left = total - out.sum()
        if left <= 0 or not free.any():
            break
        share = np.where(free, weights, 0.0)
        raw = left * share / share.sum()
        add = np.minimum(np.floor(raw).astype(int), hi - out)
        if add.sum() == 0:
            order = np.argsort(-(raw - np.floor(raw)) - free * 1.0, kind="stable")
            for i in order[:left]:
                if out[i] < hi[i]:
                    out[i] += 1
            continue
        out += add
    return out


def build_areas(rng: np.random.Generator, spec: ScaleSpec, xy, origin, plan: list[Settlement], adj) -> Areas:
    n = len(xy)
    # Wales: the westernmost countryside points, so it is one strip along the western edge.
    rural = np.flatnonzero(origin < 0)
    is_welsh = np.zeros(n, bool)
    is_welsh[rural[np.argsort(xy[rural, 0], kind="stable")[: spec.n_welsh]]] = True
    eng = np.flatnonzero(~is_welsh)
    exy = xy[eng]
    eorigin = origin[eng]

    # ---- stage 1: upper-tier blocks, a power diagram with target sizes (so each is convex) ----------
    blocks = []  # (kind, seed, target LSOAs)
    in_urban_core = np.zeros(len(eng), bool)
    towns = sorted((i for i, p in enumerate(plan) if p.kind == "town"), key=lambda i: -plan[i].size)
    towns = towns[: spec.n_unitary - spec.n_rural_unitary]
    for i, p in enumerate(plan):
        if p.kind in ("capital", "conurbation") or i in towns:
            kind = {"capital": "capital", "conurbation": "conurbation"}.get(p.kind, "unitary")
            blocks.append((kind, np.array(p.centre), p.size * (1.0 if kind != "unitary" else 1.4)))
            in_urban_core[eorigin == i] = True
    rest = np.flatnonzero(~in_urban_core)
    n_rest = spec.n_county + spec.n_rural_unitary
    rest_kinds = np.array(["county"] * spec.n_county + ["unitary"] * spec.n_rural_unitary)[rng.permutation(n_rest)]
    rest_seeds = exy[rest][kmeans_pp(rng, exy[rest], n_rest)]
    urban_target = sum(t for _, _, t in blocks)
    rural_unitary_target = 150.0
    county_target = (len(eng) - urban_target - rural_unitary_target * spec.n_rural_unitary) / spec.n_county
    for kind, seed in zip(rest_kinds, rest_seeds):
        blocks.append((str(kind), seed, county_target if kind == "county" else rural_unitary_target))
    # A county is the union of COUNTY_CELLS power cells (its seed, and more seeds in the countryside
    # nearest it), so it can wrap round a town instead of meeting it along one straight line.
    seeds = [b[1] for b in blocks]
    owner = list(range(len(blocks)))
    counties = [b for b in range(len(blocks)) if blocks[b][0] == "county"]
    extra = exy[rest][kmeans_pp(rng, exy[rest], (COUNTY_CELLS - 1) * len(counties))]
    nearest = np.array(counties)[knn(extra, np.array([blocks[b][1] for b in counties]), 1)[1][:, 0]]
    seeds += list(extra)
    owner += nearest.tolist()
    owner = np.array(owner)
    cells_per = np.bincount(owner, minlength=len(blocks))
    targets = np.array([blocks[b][2] / cells_per[b] for b in owner])
    block_of = owner[balanced_partition(exy, np.array(seeds), targets)]
    pos = np.full(n, -1)
    pos[eng] = np.arange(len(eng))
    edges = pos[np.asarray(adj)]
    edges = edges[(edges >= 0).all(axis=1)]  # LSOA adjacency between English LSOAs
    block_of = mend(block_of, edges)

    # ---- stage 2: blocks into LADs --------------------------------------------------------------------
    block_sizes = np.bincount(block_of, minlength=len(blocks))
    county_blocks = [b for b in range(len(blocks)) if blocks[b][0] == "county"]
    districts_per = apportion(spec.n_district, block_sizes[county_blocks], 2, 14)
    labels = np.empty(len(eng), dtype=np.int64)
    kinds, county_of_lad = [], []
    for b, (kind, _, _) in enumerate(blocks):
        members = np.flatnonzero(block_of == b)
        if kind == "capital":
            k, lad_kind = spec.n_london, "london"
        elif kind == "conurbation":
            k, lad_kind = spec.mets_per_conurbation, "metropolitan"
        elif kind == "county":
            k, lad_kind = int(districts_per[county_blocks.index(b)]), "district"
        else:
            k, lad_kind = 1, "unitary"
        sub = even_split(rng, exy[members], k)
        labels[members] = len(kinds) + sub
        kinds += [lad_kind] * k
        county_of_lad += [county_blocks.index(b) if kind == "county" else -1] * k
    kinds = np.array(kinds)
    labels = mend(labels, edges[block_of[edges[:, 0]] == block_of[edges[:, 1]]])  # a county wraps round towns
    sizes = np.bincount(labels, minlength=len(kinds))
    centres = centroids(exy, labels, len(kinds))
    if (sizes < 8).any():
        raise RuntimeError(f"a LAD came out with only {sizes.min()} LSOAs; change the settlement plan")
    district_ids = np.flatnonzero(kinds == "district")
    county_of_district = np.array(county_of_lad)[district_ids]
    county_centres = centroids(centres[district_ids], county_of_district, spec.n_county, sizes[district_ids])

    # ---- names and codes ---------------------------------------------------------------------------
    n_lad = len(kinds)
    names = fx.place_names(rng, n_lad + spec.n_county + 1 + 64, exclude={fx.DEMO_UNITARY_NAME})
    lad_names = names[:n_lad]
    first_unitary = next(i for i, k in enumerate(kinds) if k == "unitary")
    lad_names[first_unitary] = fx.DEMO_UNITARY_NAME  # the brief's example name
    spare = names[n_lad:]
    county_names = []
    for place in spare:
        shire = fx.shire_name(place)
        if shire not in county_names and shire not in lad_names:
            county_names.append(shire)
        if len(county_names) == spec.n_county:
            break

    block = {"unitary": "unitary", "district": "district", "metropolitan": "metropolitan", "london": "london"}
    lad_code = np.empty(n_lad, dtype=object)
    for kind, blk in block.items():
        ids = np.flatnonzero(kinds == kind)
        for j, i in enumerate(ids[north_first(centres[ids])]):
            lad_code[i] = fx.ons_code(blk, j + 1)
    county_order = north_first(county_centres)
    county_code = {int(c): fx.ons_code("county", j + 1) for j, c in enumerate(county_order)}

    lads = [Lad(str(lad_code[i]), lad_names[i], str(kinds[i])) for i in range(n_lad)]
    welsh_name, welsh_name_w = fx.WELSH_LAD_NAME
    lads.append(Lad(fx.ons_code("welsh_unitary", 1), welsh_name, "welsh_unitary", name_welsh=welsh_name_w))
    lad_of = np.empty(n, dtype=np.int64)
    lad_of[eng] = labels
    lad_of[is_welsh] = n_lad

    councils: list[Council] = []
    for c in county_order:
        name = county_names[int(c)]
        councils.append(Council(county_code[int(c)], name, fx.council_display_name(name, "county"), "county",
                                sorted(int(district_ids[j]) for j in np.flatnonzero(county_of_district == c))))
    for i, lad in enumerate(lads):
        if lad.tier != "district":
            tier = lad.tier
            councils.append(Council(lad.code, lad.name, fx.council_display_name(lad.name, tier), tier, [i]))
    councils.sort(key=lambda c: c.code)
    for ci, council in enumerate(councils):
        council.lads.sort(key=lambda i: lads[i].code)
        for i in council.lads:
            lads[i].council = ci

    # ---- MSOAs and wards, per LAD ------------------------------------------------------------------
    msoa_of = np.empty(n, dtype=np.int64)
    ward_of = np.empty(n, dtype=np.int64)
    msoa_codes, msoa_numbers, ward_codes, ward_names, ced_of_ward = [], [], [], [], []
    ced_count = 0
    msoa_count = {"E": 0, "W": 0}
    ward_count = {"E": 0, "W": 0}
    lad_order = sorted(range(len(lads)), key=lambda i: lads[i].code)
    for i in lad_order:
        members = np.flatnonzero(lad_of == i)
        welsh = lads[i].tier == "welsh_unitary"
        m_lab = group_points(rng, xy[members], max(1, round(len(members) / 5)), min_size=3, max_size=9)
        m_cent = centroids(xy[members], m_lab, m_lab.max() + 1)
        for num, g in enumerate(north_first(m_cent), start=1):
            msoa_of[members[m_lab == g]] = len(msoa_codes)
            country = "W" if welsh else "E"
            msoa_codes.append(fx.ons_code("msoa_wales" if welsh else "msoa_england", msoa_count[country],
                                          start=None if welsh else _lsoa_start(spec)))
            msoa_count[country] += 1
            msoa_numbers.append(num)
        w_lab = group_points(rng, xy[members], max(1, round(len(members) / 4.5)), min_size=2, max_size=10)
        w_cent = centroids(xy[members], w_lab, w_lab.max() + 1)
        pool = fx.place_names(rng, w_lab.max() + 1)
        in_county = councils[lads[i].council].tier == "county"
        for j, g in enumerate(north_first(w_cent)):
            ward_of[members[w_lab == g]] = len(ward_codes)
            country = "W" if welsh else "E"
            ward_count[country] += 1
            ward_codes.append(fx.ons_code("ward_wales" if welsh else "ward_england", ward_count[country]))
            ward_names.append(pool[j])
            if in_county:
                ced_count += 1
                ced_of_ward.append(fx.ons_code("ced", ced_count))
            else:
                ced_of_ward.append(fx.PSEUDO_WALES if welsh else fx.PSEUDO_ENGLAND)
    msoa_numbers = np.array(msoa_numbers)

    # ---- LSOA codes, names and the 2011 -> 2021 changes -----------------------------------------------
    vint = _vintages(rng, spec, xy, is_welsh, lad_of, msoa_of, msoa_numbers, lads, adj)

    oa_codes = np.empty((n, 2), dtype=object)
    e_rank = np.cumsum(~is_welsh) - 1
    w_rank = np.cumsum(is_welsh) - 1
    for i in range(n):
        if is_welsh[i]:
            oa_codes[i] = [fx.ons_code("oa_wales", 2 * w_rank[i] + k) for k in (0, 1)]
        else:
            oa_codes[i] = [fx.ons_code("oa_england", 2 * e_rank[i] + k) for k in (0, 1)]

    # ---- council localities (English councils only) --------------------------------------------------
    localities, locality_of = _localities(rng, xy, lad_of, lads, councils)

    # ---- NHS geography ---------------------------------------------------------------------------------
    nhs = _nhs_geography(rng, spec, xy, lad_of, lads, councils)

    return Areas(
        xy=xy, is_welsh=is_welsh, lad_of=lad_of, lads=lads, councils=councils,
        msoa_of=msoa_of, msoa_codes=msoa_codes, msoa_numbers=msoa_numbers,
        ward_of=ward_of, ward_codes=ward_codes, ward_names=ward_names, ced_of_ward=ced_of_ward,
        oa_codes=oa_codes, localities=localities, locality_of=locality_of, **vint, **nhs,
    )


def mend(labels: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Make every region contiguous: each detached piece joins the region it shares most edges with
    (only edges given count, so a piece can be kept inside its council). The largest piece of a
    region keeps its label; a region never disappears."""
    labels = labels.copy()
    a, b = np.concatenate([edges[:, 0], edges[:, 1]]), np.concatenate([edges[:, 1], edges[:, 0]])
    for _ in range(20):
        same = labels[a] == labels[b]
        piece = np.arange(len(labels))  # connected pieces: propagate the smallest index, pointer-jump
        while True:
            low = np.minimum(piece[a[same]], piece[b[same]])
            before = piece.copy()
            np.minimum.at(piece, a[same], low)
            np.minimum.at(piece, b[same], low)
            piece = piece[piece]
            if (piece == before).all():
                break
        size = np.bincount(piece, minlength=len(labels))
        order = np.lexsort((np.arange(len(labels)), -size[piece], labels))  # biggest piece first per label
        first = np.ones(len(labels), bool)
        first[1:] = labels[order][1:] != labels[order][:-1]
        main = np.zeros(len(labels), bool)
        main[piece[order[first]]] = True
        stray = ~main[piece]
        if not stray.any():
            return labels
        cross = ~same & stray[a]
        key = np.unique(np.column_stack([piece[a[cross]], labels[b[cross]]]), axis=0, return_counts=True)
        pairs, counts = key
        best = {}
        for (p, lab), c in zip(pairs.tolist(), counts.tolist()):
            if p not in best or c > best[p][0]:
                best[p] = (c, lab)
        for p, (_, lab) in best.items():
            labels[piece == p] = lab
    return labels


def even_split(rng, xy: np.ndarray, k: int) -> np.ndarray:
    """k contiguous (convex) groups of roughly equal size, labelled 0..k-1."""
    if k <= 1:
        return np.zeros(len(xy), np.int64)
    seeds = xy[kmeans_pp(rng, xy, k)]
    labels = balanced_partition(xy, seeds, np.full(k, len(xy) / k), iters=80)
    if len(np.unique(labels)) < k:  # a region emptied (few points): plain k-means with repairs
        labels = group_points(rng, xy, k, min_size=max(1, min(2, len(xy) // k)))
    return labels


def _lsoa_start(spec: ScaleSpec) -> int:
    return fx.DEMO_LSOA_START if spec.name == "demo" else fx.ENGLAND_LSOA_START


def _vintages(rng, spec, xy, is_welsh, lad_of, msoa_of, msoa_numbers, lads, adj) -> dict:
    n = len(xy)
    # splits: pairs of neighbouring English LSOAs in one MSOA; merges: single English LSOAs
    a, b = adj[:, 0], adj[:, 1]
    ok = (msoa_of[a] == msoa_of[b]) & ~is_welsh[a] & ~is_welsh[b]
    pairs = adj[ok][rng.permutation(int(ok.sum()))]
    used = np.zeros(n, bool)
    split_pairs = []
    for p, q in pairs:
        if not used[p] and not used[q] and not any(lad_of[p] == lad_of[s] for s, _ in split_pairs[-1:]):
            split_pairs.append((int(min(p, q)), int(max(p, q))))
            used[[p, q]] = True
        if len(split_pairs) == spec.n_split:
            break
    merge_ids = [int(i) for i in rng.permutation(np.flatnonzero(~used & ~is_welsh))[: spec.n_merge]]
    used[merge_ids] = True
    change = np.full(n, "U", dtype=object)
    for p, q in split_pairs:
        change[[p, q]] = "S"
    change[merge_ids] = "M"
    sibling = {}
    for p, q in split_pairs:
        sibling[p], sibling[q] = q, p

    # Walk MSOAs in LAD-code order; inside an MSOA, north to south.
    code21 = np.empty(n, dtype=object)
    name21 = np.empty(n, dtype=object)
    code11_of: list[tuple[str, ...]] = [()] * n
    name11: dict[str, str] = {}
    counters = {"E": 0, "W": 0}
    start = {"E": _lsoa_start(spec), "W": None}

    def next_code(country):
        block = "lsoa_wales" if country == "W" else "lsoa_england"
        code = fx.ons_code(block, counters[country], start=start[country])
        counters[country] += 1
        return code

    lad_rank = {i: r for r, i in enumerate(sorted(range(len(lads)), key=lambda i: lads[i].code))}
    msoa_lad = np.zeros(msoa_of.max() + 1, dtype=np.int64)
    msoa_lad[msoa_of] = lad_of
    msoa_order = sorted(range(len(msoa_numbers)), key=lambda m: (lad_rank[int(msoa_lad[m])], msoa_numbers[m]))
    members_of = {}
    order = np.lexsort((xy[:, 0], -np.round(xy[:, 1], 6)))
    for i in order:
        members_of.setdefault(int(msoa_of[i]), []).append(int(i))
    pending_new: list[int] = []  # 2021-only LSOAs, coded after every other LSOA
    for m in msoa_order:
        lad = lads[int(msoa_lad[m])]
        country = "W" if lad.tier == "welsh_unitary" else "E"
        prefix = f"{lad.name} {msoa_numbers[m]:03d}"
        letters = iter(LETTERS)
        new_here = []
        done_parent = set()
        for i in members_of[m]:
            if change[i] == "U":
                code = next_code(country)
                code21[i], name21[i] = code, f"{prefix}{next(letters)}"
                code11_of[i] = (code,)
                name11[code] = name21[i]
            elif change[i] == "S":
                if i not in done_parent:
                    parent = next_code(country)
                    name11[parent] = f"{prefix}{next(letters)}"
                    code11_of[i] = code11_of[sibling[i]] = (parent,)
                    done_parent.update((i, sibling[i]))
                new_here.append(i)
            else:  # merge: two 2011 parents
                parents = (next_code(country), next_code(country))
                for p in parents:
                    name11[p] = f"{prefix}{next(letters)}"
                code11_of[i] = parents
                new_here.append(i)
        for i in new_here:
            name21[i] = f"{prefix}{next(letters)}"
        pending_new += new_here
    for i in pending_new:
        code21[i] = next_code("E")

    merge_share = np.zeros(n)
    merge_share[merge_ids] = rng.uniform(0.4, 0.6, size=len(merge_ids))
    exact_fit = []
    for i in range(n):
        for c11 in code11_of[i]:
            exact_fit.append((c11, name11[c11], str(code21[i]), str(name21[i]), str(change[i]), int(lad_of[i])))
    exact_fit.sort(key=lambda r: (r[0], r[2]))
    splits = [{"lsoa11_code": code11_of[p][0], "lsoa11_name": name11[code11_of[p][0]],
               "lsoa21_codes": sorted([str(code21[p]), str(code21[q])]), "lad_code": lads[int(lad_of[p])].code}
              for p, q in split_pairs]
    merges = [{"lsoa11_codes": list(code11_of[i]), "lsoa21_code": str(code21[i]),
               "lsoa21_name": str(name21[i]), "lad_code": lads[int(lad_of[i])].code} for i in merge_ids]
    return dict(code21=code21, name21=name21, change=change, code11_of=code11_of, name11=name11,
                merge_share=merge_share, exact_fit=exact_fit,
                splits=sorted(splits, key=lambda s: s["lsoa11_code"]),
                merges=sorted(merges, key=lambda s: s["lsoa21_code"]))


def _localities(rng, xy, lad_of, lads, councils):
    locality_of = np.full(len(xy), -1, dtype=np.int64)
    localities: list[Locality] = []
    council_of = np.array([lad.council for lad in lads])[lad_of]
    for ci, council in enumerate(councils):
        if council.tier == "welsh_unitary":
            continue
        members = np.flatnonzero(council_of == ci)
        k = int(np.clip(round(len(members) / 55), 3, 6))
        lab = even_split(rng, xy[members], k)
        cent = centroids(xy[members], lab, k)
        middle = xy[members].mean(axis=0)
        radius = np.sqrt(((xy[members] - middle) ** 2).sum(axis=1).mean())
        used = {}
        for j, g in enumerate(north_first(cent), start=1):
            locality_of[members[lab == g]] = len(localities)
            dx, dy = cent[g] - middle
            if np.hypot(dx, dy) < 0.3 * radius:
                where = "Central"
            else:
                where = fx.COMPASS[int(((90 - np.degrees(np.arctan2(dy, dx))) % 360 + 22.5) // 45) % 8]
            used[where] = used.get(where, 0) + 1
            label = where if used[where] == 1 else f"{where} {used[where]}"
            localities.append(Locality(f"LOC-{council.code}-{j:02d}", f"{council.name} {label}", ci))
    return localities, locality_of


def _nhs_geography(rng, spec, xy, lad_of, lads, councils):
    council_of_lsoa = np.array([lad.council for lad in lads])[lad_of]
    english = [ci for ci, c in enumerate(councils) if c.tier != "welsh_unitary"]
    c_size = np.bincount(council_of_lsoa, minlength=len(councils)).astype(float)
    c_cent = centroids(xy, council_of_lsoa, len(councils))
    icb_of = group_points(rng, c_cent[english], spec.n_icb, weights=c_size[english])
    for j, ci in enumerate(english):
        councils[ci].icb = int(icb_of[j])
    icb_size = np.bincount(icb_of, weights=c_size[english], minlength=spec.n_icb)
    icb_cent = centroids(c_cent[english], icb_of, spec.n_icb, c_size[english])

    # regions: the capital's ICBs form one region; the rest are grouped spatially
    london_share = np.zeros(spec.n_icb)
    for j, ci in enumerate(english):
        if councils[ci].tier == "london":
            london_share[icb_of[j]] += c_size[ci]
    london_share /= icb_size
    region_of_icb = np.zeros(spec.n_icb, dtype=np.int64)
    if spec.n_region > 1:
        capital = london_share > 0.5
        others = np.flatnonzero(~capital)
        k = spec.n_region - int(capital.any())
        region_of_icb[others] = group_points(rng, icb_cent[others], k, weights=icb_size[others], min_size=2)
        region_of_icb[capital] = k
    r_cent = centroids(icb_cent, region_of_icb, spec.n_region, icb_size)
    r_order = list(north_first(r_cent))
    regions = []
    for j, r in enumerate(r_order):
        is_capital = spec.n_region > 1 and london_share[region_of_icb == r].mean() > 0.5
        name = "Capital March" if is_capital else [x for x in fx.REGION_NAMES if x != "Capital March"][j]
        regions.append(NhsArea(fx.REGION_ODS_CODES[j], fx.ons_code("nhs_region", j + 1), name))
    region_rank = {int(r): j for j, r in enumerate(r_order)}

    icb_order = sorted(range(spec.n_icb),
                       key=lambda g: (region_rank[int(region_of_icb[g])], -icb_cent[g, 1], icb_cent[g, 0]))
    icb_rank = {g: j for j, g in enumerate(icb_order)}
    words = iter(fx.place_names(rng, spec.n_icb))
    icbs, icb_area_names = [], []
    for j, g in enumerate(icb_order):
        area = fx.DEMO_ICB_AREA_NAME if j == 0 else f"{next(words)} {fx.ICB_AREA_WORDS[j % len(fx.ICB_AREA_WORDS)]}"
        icb_area_names.append(area)
        icbs.append(NhsArea(fx.ICB_ODS_CODES[j], fx.ons_code("icb", j + 1), fx.icb_name(area),
                            region_rank[int(region_of_icb[g])]))
    for council in councils:
        if council.icb >= 0:
            council.icb = icb_rank[council.icb]

    # sub-ICBs: groups of LADs inside an ICB, as many as the ICB's population warrants
    lad_size = np.bincount(lad_of, minlength=len(lads)).astype(float)
    lad_cent = centroids(xy, lad_of, len(lads))
    lads_in = [[i for i, lad in enumerate(lads) if lad.council >= 0 and councils[lad.council].icb == j]
               for j in range(spec.n_icb)]
    per_icb = apportion(spec.n_sub_icb, [lad_size[ids].sum() for ids in lads_in], 1, [len(ids) for ids in lads_in])
    sub_icbs = []
    for j in range(spec.n_icb):
        ids = np.array(sorted(lads_in[j], key=lambda i: lads[i].code))
        lab = group_points(rng, lad_cent[ids], int(per_icb[j]), weights=lad_size[ids])
        cent = centroids(lad_cent[ids], lab, lab.max() + 1, lad_size[ids])
        for g in north_first(cent):
            k = len(sub_icbs)
            ods = fx.SUB_ICB_ODS_CODES[k]
            sub_icbs.append(NhsArea(ods, fx.ons_code("sub_icb", k + 1), fx.sub_icb_name(icb_area_names[j], ods), j))
            for i in ids[lab == g]:
                lads[int(i)].sub_icb = k
    ons_regions = [fx.ons_code("ons_region", j + 1) for j in range(len(regions))]
    return dict(regions=regions, icbs=icbs, sub_icbs=sub_icbs, ons_regions=ons_regions, icb_area_names=icb_area_names)
