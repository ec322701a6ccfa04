"""Points, outline and Voronoi cells of the fictional area, plus the small spatial tools the rest uses.

Trade-offs:
* Work in kilometres on a flat local plane and convert to lon/lat (and to an approximate British
  National Grid) only when writing. An equirectangular projection around lat 52.5 is wrong by a
  few per cent at the edges of the england-scale area, which nothing downstream can notice.
* LSOA boundaries are Voronoi cells of the LSOA centroids clipped to the area outline, so every
  higher area (ward, LAD, council) is an exact union of LSOA cells, as the real hierarchy is.
* No scipy: the nearest-neighbour work is done with chunked brute force in numpy (and shapely's
  STRtree for 1-nearest), which is fast enough for 34k x 6k and keeps the dependency list short.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from etl.demo.scales import ScaleSpec

LON0, LAT0 = -1.5, 52.5  # centre of the fictional area: the English Midlands
KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON = 111.320 * np.cos(np.radians(LAT0))


def to_lonlat(xy: np.ndarray) -> np.ndarray:
    return np.column_stack([LON0 + xy[:, 0] / KM_PER_DEG_LON, LAT0 + xy[:, 1] / KM_PER_DEG_LAT])


def to_osgb(xy: np.ndarray) -> np.ndarray:
    """Approximate OS grid (metres): true origin 2W 49N, false origin (400000, -100000)."""
    ll = to_lonlat(xy)
    east = 400_000 + (ll[:, 0] + 2.0) * 111_320.0 * np.cos(np.radians(ll[:, 1]))
    north = -100_000 + (ll[:, 1] - 49.0) * 111_133.0
    return np.rint(np.column_stack([east, north])).astype(np.int64)


def make_outline(rng: np.random.Generator, spec: ScaleSpec, vertices: int = 240) -> shapely.Polygon:
    """A wobbly ellipse: low harmonics only, so the shape stays star-shaped (no islands)."""
    theta = np.linspace(0.0, 2 * np.pi, vertices, endpoint=False)
    radius = np.ones_like(theta)
    for k in range(2, 6):
        radius += rng.uniform(0.015, 0.05) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    x = spec.half_width_km * radius * np.cos(theta)
    y = spec.half_height_km * radius * np.sin(theta)
    return shapely.Polygon(np.column_stack([np.round(x, 4), np.round(y, 4)]))


@dataclass
class Settlement:
    kind: str  # capital | conurbation | town | small_town
    centre: tuple[float, float]
    size: int
    sigma: float


def _sample_inside(rng, outline, n, shrink=0.85):
    """Uniform points inside the outline shrunk towards the centre (rejection sampling)."""
    minx, miny, maxx, maxy = outline.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        cand = rng.uniform([minx, miny], [maxx, maxy], size=(max(64, 2 * n), 2))
        inside = shapely.contains_xy(outline, cand[:, 0] / shrink, cand[:, 1] / shrink)
        out = np.vstack([out, cand[inside]])
    return out[:n]


def plan_settlements(rng: np.random.Generator, spec: ScaleSpec, outline) -> list[Settlement]:
    """Place the capital, conurbations and towns apart from each other."""
    s = spec.settlements
    plan: list[Settlement] = []
    scale = min(spec.half_width_km, spec.half_height_km)

    def place(kind, size, sigma, min_gap):
        for _ in range(2000):
            c = _sample_inside(rng, outline, 1, shrink=0.75 if kind != "small_town" else 0.9)[0]
            if all(np.hypot(*(c - np.array(p.centre))) >= min_gap + 2 * max(sigma, p.sigma) for p in plan):
                plan.append(Settlement(kind, (float(c[0]), float(c[1])), size, sigma))
                return
        plan.append(Settlement(kind, (float(c[0]), float(c[1])), size, sigma))  # crowded: accept

    if s.capital:
        place("capital", s.capital, s.capital_sigma, scale * 0.3)
    for size in s.conurbations:
        place("conurbation", size, s.conurbation_sigma, scale * 0.2)
    for _ in range(s.towns):
        place("town", int(rng.integers(s.town_size[0], s.town_size[1] + 1)),
              float(rng.uniform(*s.town_sigma)), scale * 0.05)
    for _ in range(s.small_towns):
        place("small_town", int(rng.integers(s.small_town_size[0], s.small_town_size[1] + 1)),
              s.small_town_sigma, 1.0)
    return plan


def sample_points(rng, spec: ScaleSpec, outline, plan: list[Settlement]):
    """LSOA centroids: Gaussian clusters per settlement plus uniform countryside.

    Returns (xy, origin) where origin is the settlement index of each point or -1 for countryside.
    Points closer than ``spec.min_spacing_km`` are redrawn, so no Voronoi cell is a sliver.
    """
    total = spec.n_lsoa + spec.n_welsh
    sizes = [p.size for p in plan]
    rural = total - sum(sizes)
    if rural < spec.n_welsh + 10:
        raise ValueError("settlement plan leaves too little countryside")
    origin = np.concatenate([np.full(n, i) for i, n in enumerate(sizes)] + [np.full(rural, -1)]).astype(np.int64)
    centre = np.zeros((total, 2))
    sigma = np.zeros(total)
    urban_all = origin >= 0
    centre[urban_all] = np.array([plan[i].centre for i in origin[urban_all]]).reshape(-1, 2)
    sigma[urban_all] = [plan[i].sigma for i in origin[urban_all]]
    inner = outline.buffer(-0.05)
    xy = np.empty((total, 2))
    todo = np.arange(total)
    for _ in range(200):
        urban = todo[urban_all[todo]]
        rural_todo = todo[~urban_all[todo]]
        xy[urban] = centre[urban] + rng.normal(size=(len(urban), 2)) * sigma[urban, None]
        xy[rural_todo] = _sample_inside(rng, outline, len(rural_todo), shrink=0.995)
        inside = shapely.contains_xy(inner, xy[:, 0], xy[:, 1])
        j = _nearest_index(xy)
        near = np.hypot(*(xy - xy[j]).T) < spec.min_spacing_km
        # of each too-close pair, redraw only one (the later index) so the loop converges
        bad = ~inside | (near & (np.arange(total) > j))
        todo = np.flatnonzero(bad)
        if not len(todo):
            break
    else:
        raise RuntimeError("could not place LSOA centroids")
    return xy, origin


def _points(xy):
    return shapely.points(xy[:, 0], xy[:, 1])


def _nearest_index(xy: np.ndarray) -> np.ndarray:
    pts = _points(xy)
    tree = shapely.STRtree(pts)
    src, dst = tree.query_nearest(pts, exclusive=True, all_matches=False)
    out = np.empty(len(xy), dtype=np.int64)
    out[src] = dst
    return out


def nearest_distance(xy: np.ndarray) -> np.ndarray:
    """Distance from each point to its nearest other point."""
    j = _nearest_index(xy)
    return np.hypot(*(xy - xy[j]).T)


def knn(query: np.ndarray, ref: np.ndarray, k: int, chunk: int = 2048):
    """The k nearest ``ref`` points of each ``query`` point, sorted by distance (brute force)."""
    k = min(k, len(ref))
    dist = np.empty((len(query), k))
    idx = np.empty((len(query), k), dtype=np.int64)
    rx, ry = ref[:, 0], ref[:, 1]
    for start in range(0, len(query), chunk):
        q = query[start:start + chunk]
        d2 = (q[:, 0, None] - rx[None, :]) ** 2 + (q[:, 1, None] - ry[None, :]) ** 2
        part = np.argpartition(d2, k - 1, axis=1)[:, :k] if k < len(ref) else np.tile(np.arange(len(ref)), (len(q), 1))
        pd = np.take_along_axis(d2, part, axis=1)
        order = np.lexsort((part, pd), axis=1)  # ties broken by index: stable across platforms
        idx[start:start + chunk] = np.take_along_axis(part, order, axis=1)
        dist[start:start + chunk] = np.sqrt(np.take_along_axis(pd, order, axis=1))
    return dist, idx


def nearest_centre(xy: np.ndarray, centres: np.ndarray, offset: np.ndarray | None = None,
                   chunk: int = 4096) -> np.ndarray:
    """Index of the nearest centre (lowest index on ties); ``offset`` makes it a power diagram."""
    out = np.empty(len(xy), dtype=np.int64)
    for start in range(0, len(xy), chunk):
        q = xy[start:start + chunk]
        d2 = (q[:, 0, None] - centres[None, :, 0]) ** 2 + (q[:, 1, None] - centres[None, :, 1]) ** 2
        if offset is not None:
            d2 -= offset[None, :]
        out[start:start + chunk] = np.argmin(d2, axis=1)
    return out


def balanced_partition(xy: np.ndarray, seeds: np.ndarray, targets: np.ndarray, iters: int = 120) -> np.ndarray:
    """Split points into convex regions (a power diagram) of roughly the target counts.

    Each region's weight grows while it is short of its target and shrinks while over it, and its
    centre follows its points (capacity-constrained Lloyd). Regions stay convex, so contiguous.
    """
    centres = seeds.astype(float).copy()
    k = len(centres)
    weight = np.zeros(k)
    targets = np.asarray(targets, float)
    spread = ((xy - xy.mean(axis=0)) ** 2).sum(axis=1).mean() / k
    for it in range(iters):
        labels = nearest_centre(xy, centres, weight)
        counts = np.bincount(labels, minlength=k)
        gap = np.clip((targets - counts) / targets, -1.0, 1.0)
        weight += 0.3 * spread * gap
        if it % 4 == 3 and it < iters - 10:
            ok = counts > 0
            cx = np.bincount(labels, xy[:, 0], k)
            cy = np.bincount(labels, xy[:, 1], k)
            centres[ok] = np.column_stack([cx[ok] / counts[ok], cy[ok] / counts[ok]])
    return nearest_centre(xy, centres, weight)


def kmeans_pp(rng, xy: np.ndarray, k: int, weights: np.ndarray | None = None) -> np.ndarray:
    """k-means++ seeds (indices into xy)."""
    w = np.ones(len(xy)) if weights is None else weights.astype(float)
    first = int(rng.choice(len(xy), p=w / w.sum()))
    chosen = [first]
    d2 = ((xy - xy[first]) ** 2).sum(axis=1)
    for _ in range(1, k):
        p = d2 * w
        nxt = int(rng.choice(len(xy), p=p / p.sum())) if p.sum() > 0 else int(rng.integers(len(xy)))
        chosen.append(nxt)
        d2 = np.minimum(d2, ((xy - xy[nxt]) ** 2).sum(axis=1))
    return np.array(chosen)


def kmeans(xy: np.ndarray, centres: np.ndarray, iters: int = 30, weights: np.ndarray | None = None):
    """Lloyd's algorithm from given centres; an empty cluster keeps its old centre."""
    centres = centres.astype(float).copy()
    w = np.ones(len(xy)) if weights is None else weights.astype(float)
    k = len(centres)
    labels = nearest_centre(xy, centres)
    for _ in range(iters):
        mass = np.bincount(labels, weights=w, minlength=k)
        sx = np.bincount(labels, weights=w * xy[:, 0], minlength=k)
        sy = np.bincount(labels, weights=w * xy[:, 1], minlength=k)
        ok = mass > 0
        new = centres.copy()
        new[ok] = np.column_stack([sx[ok] / mass[ok], sy[ok] / mass[ok]])
        new_labels = nearest_centre(xy, new)
        centres = new
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    return labels, centres


def group_points(rng, xy: np.ndarray, k: int, weights=None, min_size: int = 1,
                 max_size: int | None = None) -> np.ndarray:
    """Partition points into exactly k spatial groups of at least min_size points.

    k-means, then: a group below min_size is dissolved into its nearest groups and the biggest
    group is split in two, until the counts are right. Labels are renumbered 0..k-1.
    With max_size, groups bigger than that are then split in two (so there may be more than k).
    """
    n = len(xy)
    if k >= n:
        return np.arange(n)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    labels, centres = kmeans(xy, xy[kmeans_pp(rng, xy, k, w)], weights=w)
    for _ in range(4 * k):
        labels = np.unique(labels, return_inverse=True)[1]
        counts = np.bincount(labels)
        small = np.flatnonzero(counts < min_size)
        if len(counts) == k and not len(small):
            break
        if len(small) and len(counts) > 1:
            g = small[0]
            keep = np.flatnonzero(labels != g)
            members = np.flatnonzero(labels == g)
            labels[members] = labels[keep][knn(xy[members], xy[keep], 1)[1][:, 0]]
            continue
        if len(counts) < k:  # split the biggest group in two
            g = int(np.argmax(counts))
            members = np.flatnonzero(labels == g)
            sub, _ = kmeans(xy[members], xy[members][kmeans_pp(rng, xy[members], 2, w[members])], weights=w[members])
            labels[members[sub == 1]] = labels.max() + 1
        elif len(counts) > k:  # merge the smallest into its nearest
            g = int(np.argmin(counts))
            keep = np.flatnonzero(labels != g)
            members = np.flatnonzero(labels == g)
            labels[members] = labels[keep][knn(xy[members], xy[keep], 1)[1][:, 0]]
    labels = np.unique(labels, return_inverse=True)[1]
    while max_size is not None:
        counts = np.bincount(labels)
        g = int(np.argmax(counts))
        if counts[g] <= max_size:
            break
        members = np.flatnonzero(labels == g)
        sub, _ = kmeans(xy[members], xy[members][kmeans_pp(rng, xy[members], 2, w[members])], weights=w[members])
        if sub.min() == sub.max():  # coincident points: split by index
            sub = np.arange(len(members)) % 2
        labels[members[sub == 1]] = labels.max() + 1
    return labels


def voronoi_cells(xy: np.ndarray, outline) -> np.ndarray:
    """One polygon per point: its Voronoi cell clipped to the outline (the piece holding the point)."""
    pts = _points(xy)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=outline.envelope, ordered=True))
    if len(cells) != len(xy):
        raise RuntimeError("Voronoi diagram lost points (duplicates?)")
    clipped = shapely.intersection(cells, outline)
    multi = np.flatnonzero(shapely.get_type_id(clipped) != 3)
    for i in multi:  # keep the piece that contains the centroid
        parts = shapely.get_parts(clipped[i])
        parts = parts[shapely.get_type_id(parts) == 3]
        clipped[i] = parts[np.argmax(shapely.contains(parts, pts[i]) * 1e9 + shapely.area(parts))]
    return shapely.orient_polygons(clipped, exterior_cw=False)  # RFC 7946: exterior anticlockwise


def adjacency(cells: np.ndarray) -> np.ndarray:
    """Pairs (i, j), i < j, of cells sharing a boundary of positive length."""
    tree = shapely.STRtree(cells)
    a, b = tree.query(cells, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    shared = shapely.length(shapely.intersection(shapely.boundary(cells[a]), shapely.boundary(cells[b])))
    keep = shared > 1e-6
    return np.column_stack([a[keep], b[keep]])
