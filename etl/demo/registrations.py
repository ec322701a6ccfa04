"""Who is registered where: practice x LSOA counts for 12 quarterly releases, and age bands.

Model and trade-offs:
* Gravity model: 96% of an LSOA's residents choose among its K nearest surgeries with probability
  proportional to attractiveness x exp(-distance / s) x (BOUNDARY_FRICTION if the surgery is
  under another council). s is the LSOA's own distance to its second-nearest surgery, so town and
  country behave alike. The other 4% (ScaleSpec.tail_share) are spread evenly over the same K
  practices: people who moved and kept their GP, the long run of 1-5 patient rows the real
  national file has. A boundary practice has a second surgery (a branch) just across the line,
  so it is local on both sides. Attractiveness is fitted (iterative proportional fitting) to
  list-size targets that are lognormal (median ~8.5k) but correlated with each practice's natural
  catchment: fitting purely random targets gave far-flung catchments. Counts are one multinomial
  draw per LSOA.
* Council boundaries: the generator's are straight lines that cut through continuous housing;
  real ones mostly follow rivers, roads, green belts and the gaps between settlements, which also
  bound where people go to the doctor. Without the friction nearly a third of practices had over
  10% of their list under another council; the real figure (Staffordshire and Stoke-on-Trent,
  Oct 2025) is one in five. The practices that do straddle a line are the boundary practices.
* Time: each release rescales the previous one per practice (a trend of a few % a year plus
  noise) with stochastic rounding, so a cell keeps its size from quarter to quarter as real lists
  do, instead of being redrawn.
* Planted facts are imposed, not hoped for: the closure moves whole patients, and the
  out-of-area practice is rebalanced to exactly 30% in every release. Everything the manifest
  states is recomputed from the final rows, never from the intentions.
* 2023 releases are re-coded to 2011 LSOAs (split children summed into their parent, a merged
  LSOA's patients shared between its two parents), as the real files were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from etl.demo.areas import Areas
from etl.demo.geography import knn
from etl.demo.practices import Practices, choose_closure
from etl.demo.scales import ScaleSpec

QUARTERS = tuple(date(y, m, 1) for y in (2023, 2024, 2025) for m in (1, 4, 7, 10))
CLOSE_QUARTER = QUARTERS.index(date(2024, 7, 1))  # first release after the 30 June 2024 closure
FIRST_2021_QUARTER = QUARTERS.index(date(2024, 1, 1))
SPECIAL_CODES = ("CLOSED", "EMPTY", "L99999999", "M99999999")
OUT_OF_AREA_SHARE = (3, 10)  # exactly 30%, kept as a fraction so no float ever enters
SUCCESSOR_SHARE = 0.9  # of the closed practice's patients, the share who move to the successor

WELSH_CANDIDATES = 4
DISTANCE_FACTOR = 0.3  # distance decay scale, as a share of the distance to the 2nd-nearest practice
# Pull of a surgery across a council boundary, relative to one on the residents' own side. 0.2
# gives 16% of practices over 10% of their list under another council and 4.6% over 25% at
# england scale (seed 42; 29% and 12% with no friction), and 13% and 5 practices in the demo.
BOUNDARY_FRICTION = 0.2
NATURAL_WEIGHT = 0.8  # list size target: natural catchment ** w x lognormal target ** (1 - w)

AGE_BANDS = tuple(f"{a}_{a + 4}" for a in range(0, 95, 5)) + ("95+",)
# England's registered population by 5-year band (per cent, rounded; 0_4 ... 95+).
_BASE_PYRAMID = np.array([5.4, 5.9, 6.0, 5.7, 6.0, 6.6, 7.0, 6.8, 6.4, 6.3, 6.9, 6.7, 5.8, 4.9, 5.0, 3.6, 2.6, 1.6,
                          0.7, 0.2])
_MALE_SHARE = np.array([0.512, 0.512, 0.512, 0.513, 0.51, 0.5, 0.5, 0.5, 0.5, 0.495, 0.495, 0.49, 0.49,
                        0.48, 0.47, 0.46, 0.44, 0.40, 0.34, 0.27])
_AGE_MID = np.arange(20) * 5 + 2.5


@dataclass
class Release:
    when: date
    practice: np.ndarray  # practice index, rows sorted by practice then LSOA code
    place: np.ndarray  # index into Registrations.code_table
    count: np.ndarray
    totals: np.ndarray  # per practice, every row (0 when closed)
    open: np.ndarray  # per practice
    ages: np.ndarray  # (practices, 2 sexes, 20 bands)


@dataclass
class Registrations:
    code_table: list[str]
    n_lsoa: int  # code_table[:n_lsoa] are the 2021 LSOAs (English and Welsh), in point order
    releases: list[Release]
    pop: np.ndarray
    planted: int
    trend: np.ndarray  # per practice, % a year
    moved_to_successor: int
    # per release, in 2021 space (before 2011 re-coding): rows for share calculations
    core: list[tuple[np.ndarray, np.ndarray, np.ndarray]]


def lsoa_population(rng, spec: ScaleSpec, areas: Areas) -> np.ndarray:
    pop = np.rint(np.clip(rng.normal(spec.lsoa_pop_mean, spec.lsoa_pop_sd, len(areas.xy)), 1_200, 2_200))
    pop[areas.is_welsh] = np.rint(pop[areas.is_welsh] * spec.welsh_pop_share)  # most register in Wales
    return pop.astype(np.int64)


def gravity(spec: ScaleSpec, areas: Areas, pr: Practices, pop: np.ndarray):
    # every surgery is a site: each practice's own, and a boundary practice's branch across the line
    has_branch = np.flatnonzero(pr.branch >= 0)
    site_xy = np.vstack([pr.xy, areas.xy[pr.branch[has_branch]]])
    site_practice = np.concatenate([np.arange(pr.n), has_branch])
    site_council = np.concatenate([pr.council, areas.council_of[pr.branch[has_branch]]])
    d, site = knn(areas.xy, site_xy, spec.candidates)
    idx = site_practice[site]
    s = np.maximum(0.3, DISTANCE_FACTOR * d[:, 1])
    # choosing a practice: distance decay, damped when the surgery is across a council boundary
    cross = areas.council_of[:, None] != site_council[site]
    pull = np.exp(-d / s[:, None]) * np.where(cross, BOUNDARY_FRICTION, 1.0)
    # keeping a practice after moving: the tail, the same for every candidate
    tail = np.ones_like(d)
    # a practice within reach at both its surgeries counts once, at the nearer
    twice = np.zeros(d.shape, bool)
    for k in range(1, d.shape[1]):
        twice[:, k] = (idx[:, :k] == idx[:, k:k + 1]).any(axis=1)
    pull[twice] = 0.0
    tail[twice] = 0.0
    # the few Welsh residents registered in England use the nearest English practices only
    far = np.ix_(areas.is_welsh, np.arange(d.shape[1]) >= WELSH_CANDIDATES)
    pull[far] = 0.0
    tail[far] = 0.0
    tail = spec.tail_share * tail / tail.sum(axis=1, keepdims=True)

    def chances(attract):
        w = attract[idx] * pull
        return (1 - spec.tail_share) * w / w.sum(axis=1, keepdims=True) + tail

    natural = np.bincount(idx.ravel(), (pop[:, None] * chances(np.ones(pr.n))).ravel(), minlength=pr.n)
    # A list's size mostly follows its natural catchment (big lists where the people are); the
    # rest is the practice's own pull. Fitting pure random targets made far-flung catchments.
    # Blend on the log scale as z-scores, then restore the lognormal spread of the targets.
    def z(v):
        v = np.log(np.maximum(v, 1.0))
        return (v - v.mean()) / v.std()

    mix = NATURAL_WEIGHT * z(natural) + (1 - NATURAL_WEIGHT) * z(pr.target)
    target = np.exp(np.log(spec.list_median) + spec.list_sigma * mix / mix.std())
    target *= pop.sum() / target.sum()
    target = np.clip(target, 2_000, 19_000)  # leaves room for three years of growth to ~25k
    attract = np.ones(pr.n)
    for _ in range(60):
        got = np.bincount(idx.ravel(), (pop[:, None] * chances(attract)).ravel(), minlength=pr.n)
        attract *= (target / np.maximum(got, 1.0)) ** 0.7
        attract /= np.exp(np.log(attract).mean())
        attract = np.clip(attract, 1e-3, 1e3)
    return idx, chances(attract)


def _aggregate(lsoa, practice, count, n_practice):
    """Sum duplicate (lsoa, practice) cells and drop empty ones; rows come out LSOA-major."""
    key = lsoa.astype(np.int64) * n_practice + practice
    uniq, inv = np.unique(key, return_inverse=True)
    total = np.bincount(inv, weights=count, minlength=len(uniq)).astype(np.int64)
    keep = total > 0
    return uniq[keep] // n_practice, uniq[keep] % n_practice, total[keep]


def _largest_remainder(values: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to values summing to total; ties go to the earlier value."""
    if total == 0 or values.sum() == 0:
        return np.zeros(len(values), dtype=np.int64)
    exact = values * (total / values.sum())
    out = np.floor(exact).astype(np.int64)
    short = total - out.sum()
    order = np.lexsort((np.arange(len(values)), -(exact - out)))
    out[order[:short]] += 1
    return out


def _choose_planted(areas: Areas, pr: Practices, lsoa, practice, count) -> int:
    council = areas.council_of
    home = pr.council[practice]
    known = np.bincount(practice, weights=count, minlength=pr.n)
    other = np.bincount(practice, weights=count * (council[lsoa] != home), minlength=pr.n)
    share = other / np.maximum(known, 1)
    has_home = np.bincount(practice, weights=(council[lsoa] == home) & (areas.change[lsoa] == "U"), minlength=pr.n) > 0
    has_other = np.bincount(practice,
                            weights=(council[lsoa] != home) & (areas.change[lsoa] == "U") & ~areas.is_welsh[lsoa],
                            minlength=pr.n) > 0
    eligible = has_home & has_other & (known >= 3_000) & (known <= 15_000)
    eligible[[pr.closed, pr.successor]] = False
    eligible &= ~pr.boundary_placed  # kept apart, so the planted and the boundary practices add up
    eligible &= np.array([areas.councils[c].tier != "welsh_unitary" for c in pr.council])
    if not eligible.any():
        raise RuntimeError("no practice can carry the planted out-of-area share")
    score = np.where(eligible, np.abs(share - 0.30), np.inf)
    return int(np.argmin(score))


def _plant_share(areas: Areas, pr: Practices, planted: int, lsoa, practice, count):
    """Make exactly 30% of the planted practice's patients live under another council."""
    mine = practice == planted
    cl, cc = lsoa[mine], count[mine]
    n10 = max(10, int(round(cc.sum() / 10.0)) * 10)  # list size a multiple of 10: 30% is whole
    clean = (areas.change[cl] == "U") & ~areas.is_welsh[cl]  # no split/merged or Welsh rows
    cl, cc = cl[clean], cc[clean]
    away = areas.council_of[cl] != pr.council[planted]
    n_away = n10 * OUT_OF_AREA_SHARE[0] // OUT_OF_AREA_SHARE[1]
    new = np.empty_like(cc)
    new[away] = _largest_remainder(cc[away].astype(float), n_away)
    new[~away] = _largest_remainder(cc[~away].astype(float), n10 - n_away)
    keep = new > 0
    return (np.concatenate([lsoa[~mine], cl[keep]]), np.concatenate([practice[~mine], np.full(keep.sum(), planted)]),
            np.concatenate([count[~mine], new[keep]]))


def _age_profiles(pr: Practices) -> np.ndarray:
    """Per practice, the probabilities of the 40 (sex, band) cells, tilted to its 65+ share."""
    tilt_x = (_AGE_MID - 40.0) / 20.0
    old = _AGE_MID >= 65
    lo, hi = np.full(pr.n, -3.0), np.full(pr.n, 3.0)
    for _ in range(50):  # bisection on the tilt, vectorised over practices
        mid = (lo + hi) / 2
        w = _BASE_PYRAMID * np.exp(mid[:, None] * tilt_x)
        share = w[:, old].sum(axis=1) / w.sum(axis=1)
        too_old = share > pr.share65
        hi = np.where(too_old, mid, hi)
        lo = np.where(too_old, lo, mid)
    w = _BASE_PYRAMID * np.exp(((lo + hi) / 2)[:, None] * tilt_x)
    w /= w.sum(axis=1, keepdims=True)
    return np.stack([w * _MALE_SHARE, w * (1 - _MALE_SHARE)], axis=1)  # (practices, 2, 20)


def _allocate_ages(profile: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Largest-remainder allocation of each practice's total over its 40 cells (exact sums)."""
    flat = profile.reshape(len(totals), -1)
    exact = flat * totals[:, None]
    out = np.floor(exact).astype(np.int64)
    short = totals - out.sum(axis=1)
    frac = exact - out
    order = np.argsort(-frac, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(flat.shape[1])[None, :].repeat(len(totals), 0), axis=1)
    out += rank < short[:, None]
    return out.reshape(profile.shape)


def build_registrations(rng, spec: ScaleSpec, areas: Areas, pr: Practices) -> Registrations:
    n_lsoa, n_prac = len(areas.xy), pr.n
    pop = lsoa_population(rng, spec, areas)
    cand, prob = gravity(spec, areas, pr, pop)
    base = rng.multinomial(pop, prob)
    r, k = np.nonzero(base)
    lsoa, practice, count = r.astype(np.int64), cand[r, k], base[r, k].astype(np.int64)
    lsoa, practice, count = _aggregate(lsoa, practice, count, n_prac)

    choose_closure(rng, pr, np.bincount(practice, weights=count, minlength=n_prac))
    planted = _choose_planted(areas, pr, lsoa, practice, count)
    trend = rng.normal(1.2, 2.5, n_prac)  # % a year
    noise = rng.normal(0.0, 0.4, (n_prac, len(QUARTERS)))  # % a quarter
    ratio = np.exp((trend[:, None] / 4 + noise) / 100.0)
    ratio[pr.successor, CLOSE_QUARTER] = 1.0  # so the successor's gain is exactly the movers

    # 2011-only codes and the special codes follow the 2021 LSOAs in the code table
    codes11 = sorted({c for i in range(n_lsoa) if areas.change[i] != "U" for c in areas.code11_of[i]})
    code_table = [str(c) for c in areas.code21] + codes11 + list(SPECIAL_CODES)
    code_index = {c: i for i, c in enumerate(code_table)}
    special_at = {c: code_index[c] for c in SPECIAL_CODES}
    rank = np.empty(len(code_table), dtype=np.int64)
    rank[np.argsort(np.array(code_table))] = np.arange(len(code_table))
    profile = _age_profiles(pr)

    releases, core = [], []
    moved_total = 0
    open_now = np.ones(n_prac, bool)
    for q, when in enumerate(QUARTERS):
        if q:
            count = np.floor(count * ratio[practice, q] + rng.uniform(size=len(count))).astype(np.int64)
        if q == CLOSE_QUARTER:
            lsoa, practice, count, moved_total = _close(rng, pr, planted, cand, prob, lsoa, practice, count)
            open_now[pr.closed] = False
        lsoa, practice, count = _plant_share(areas, pr, planted, lsoa, practice, count)
        lsoa, practice, count = _aggregate(lsoa, practice, count, n_prac)
        core.append((lsoa.copy(), practice.copy(), count.copy()))

        # special rows: a few practices per release (never the planted, closed or successor ones)
        eligible = np.flatnonzero(open_now)
        eligible = eligible[~np.isin(eligible, [planted, pr.closed, pr.successor])]
        chosen = rng.choice(eligible, size=spec.special_practices, replace=False)
        sp_p, sp_c, sp_n = [], [], []
        n_pseudo = max(1, spec.special_practices // 12)  # Channel Islands / Isle of Man: rarer still
        for j, p in enumerate(chosen):
            wants = {"CLOSED": j == 0 or rng.uniform() < 0.6, "EMPTY": j in (0, 1) or rng.uniform() < 0.6,
                     "L99999999": 1 <= j <= n_pseudo, "M99999999": n_pseudo < j <= 2 * n_pseudo}
            for code, yes in wants.items():
                if yes:
                    sp_p.append(p)
                    sp_c.append(special_at[code])
                    sp_n.append(int(rng.integers(1, 3 if code[0] in "LM" else 7)))
        place, prac, cnt = lsoa.copy(), practice.copy(), count.copy()
        if q < FIRST_2021_QUARTER:
            place, prac, cnt = _recode_2011(rng, areas, code_index, place, prac, cnt, n_prac)
        place = np.concatenate([place, sp_c]).astype(np.int64)
        prac = np.concatenate([prac, sp_p]).astype(np.int64)
        cnt = np.concatenate([cnt, sp_n]).astype(np.int64)
        order = np.lexsort((rank[place], prac))
        place, prac, cnt = place[order], prac[order], cnt[order]
        totals = np.bincount(prac, weights=cnt, minlength=n_prac).astype(np.int64)
        releases.append(Release(when, prac, place, cnt, totals, open_now.copy(), _allocate_ages(profile, totals)))
    return Registrations(code_table, n_lsoa, releases, pop, planted, trend, moved_total, core)


def _close(rng, pr: Practices, planted, cand, prob, lsoa, practice, count):
    """The closed practice's patients: most move to the successor, the rest to other nearby practices."""
    gone = practice == pr.closed
    g_lsoa, g_count = lsoa[gone], count[gone]
    moved = rng.binomial(g_count, SUCCESSOR_SHARE)
    rest = g_count - moved
    p = prob[g_lsoa].copy()
    p[np.isin(cand[g_lsoa], [pr.closed, pr.successor, planted])] = 0.0
    p /= p.sum(axis=1, keepdims=True)
    spread = rng.multinomial(rest, p)
    r, k = np.nonzero(spread)
    lsoa = np.concatenate([lsoa[~gone], g_lsoa, g_lsoa[r]])
    practice = np.concatenate([practice[~gone], np.full(len(g_lsoa), pr.successor), cand[g_lsoa[r], k]])
    count = np.concatenate([count[~gone], moved, spread[r, k]])
    return lsoa, practice, count, int(moved.sum())


def _recode_2011(rng, areas: Areas, code_index, place, practice, count, n_prac):
    """2021 LSOA rows -> 2011 codes: split children add up under their parent; a merged LSOA's
    patients are shared between its two 2011 parents (binomially, in whole patients)."""
    change = areas.change[place]
    keep = change == "U"
    out_place, out_prac, out_count = [place[keep]], [practice[keep]], [count[keep]]
    s = np.flatnonzero(change == "S")
    out_place.append(np.array([code_index[areas.code11_of[i][0]] for i in place[s]], dtype=np.int64))
    out_prac.append(practice[s])
    out_count.append(count[s])
    m = np.flatnonzero(change == "M")
    first = rng.binomial(count[m], areas.merge_share[place[m]])
    for which, part in ((0, first), (1, count[m] - first)):
        out_place.append(np.array([code_index[areas.code11_of[i][which]] for i in place[m]], dtype=np.int64))
        out_prac.append(practice[m])
        out_count.append(part)
    return _aggregate(np.concatenate(out_place), np.concatenate(out_prac), np.concatenate(out_count), n_prac)
