"""Staggered difference-in-differences for counts: the imputation estimator with a Poisson model.

Practices join joint working at different times. Comparing every adopter after adoption with every
practice not (yet) adopted, in one two-way fixed-effects regression, is biased when the effect varies
by cohort or grows with time (Goodman-Bacon 2021): already-treated practices end up as controls. The
imputation estimator (Borusyak, Jaravel and Spiess 2024) avoids that:

1. Fit the untreated outcome model on untreated cells only: every month of the never-adopters and
   the months of adopters before they adopted (the not-yet adopters):
       events[i, t] ~ Poisson(exposure[i, t] * exp(a[i] + g[t]))
   a practice effect a (its own level) and a period effect g (seasons, trends, shocks shared by all).
   The Poisson maximum likelihood with only these two sets of effects has closed-form updates for
   each set given the other, so it is fitted by alternating them to convergence (iterative
   proportional fitting), with no optimiser and no matrix inversion, vectorised over practices.
2. Impute each treated cell's counterfactual: expected[i, t] = exposure * exp(a[i] + g[t]).
3. The effect is the ratio of all treated events to their counterfactual, minus one: a percentage
   change, which is an exposure-weighted average of every treated cell's effect. An adopter needs
   untreated months (to know its own level) and a month needs untreated practices (to know the
   month's effect); treated cells without both are left out, and counted.

Uncertainty: a cluster bootstrap over practices (resampling whole practices with replacement, within
adopters and within never-adopters, so each replicate keeps the design), refitting step 1 in each
replicate. Resampling whole practices keeps each practice's months together, so the interval allows
for correlation within a practice over time (the reason standard errors are clustered by practice),
for the Poisson noise and for the between-practice spread. The interval is log(ratio) ± t × the
bootstrap standard error of log(ratio), with t from Student's t on G - 1 degrees of freedom, G the
smaller of the adopting and never-adopting practice counts: the usual few-clusters correction
(Cameron and Miller 2015). In simulations of demo-sized panels (36 adopters, 54 never-adopters) the
plain percentile interval covered the true effect 93-94.5% of the time, this one 94-96%
(tests/stats/test_did.py checks the coverage).

Assumptions (stated on the dashboard): parallel trends (without joint working, adopters' rates would
have moved like the comparators'), no anticipation (no change before the adoption quarter), adoption
is absorbing (a practice stays treated once it has joined), no spill-over to comparators. The placebo
check moves every adoption date earlier by `lead` periods and estimates the "effect" in those
untreated periods, using only pre-adoption data: parallel pre-trends predict a placebo near zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import t as student_t
from threadpoolctl import ThreadpoolController

METHOD = ("Staggered difference-in-differences (imputation estimator, Borusyak, Jaravel and Spiess 2024) with a "
          "Poisson model of monthly counts: practice and month effects fitted on never-adopters and not-yet "
          "adopters, adopters' counterfactual imputed; 95% CI from a cluster bootstrap over practices")
NEVER = -1
_TOLERANCE = 1e-10  # on the log scale: ratios are exact to about 1e-9
_MAX_ITERATIONS = 20_000
_WORST_CONDITION = 1e8  # of I - J for a chord step (_chord): steps stretched beyond this are rounding noise
# The bootstrap's matrix products are many and mid-sized (replicates x practices x months, for ~600
# panels at England scale). With BLAS's default of one thread per core they were slower, not faster,
# on a machine whose cores are busy elsewhere (DuckDB in the same build, other processes): the threads
# wait on each other at every product, and one outcome's ICB and council panels took 54 s against 9 s
# with one thread. One thread also makes the numbers the same on any number of cores: OpenBLAS picks
# its kernels by thread count, and at England scale 4 interval ends (of 3 of the 579 areas) moved in
# the last bit (at most 2.2e-16 relative on the ratio) between two threads and one.
BLAS = ThreadpoolController()


@dataclass(frozen=True)
class Panel:
    """Counts per practice (rows) and period (columns), NaN where a practice has no data that period.

    adoption: per practice, the index of its first treated period, or NEVER; an adoption after the last
    period means not yet adopted within the panel, which is the same as never here.
    """

    events: np.ndarray
    exposure: np.ndarray
    adoption: np.ndarray

    def __post_init__(self):
        if self.events.shape != self.exposure.shape or self.events.ndim != 2:
            raise ValueError("events and exposure must be (practices, periods) arrays of the same shape")
        if self.adoption.shape != (self.events.shape[0],):
            raise ValueError("adoption needs one entry per practice")

    @property
    def observed(self) -> np.ndarray:
        return ~np.isnan(self.events) & ~np.isnan(self.exposure) & (np.nan_to_num(self.exposure) > 0)

    @property
    def treated(self) -> np.ndarray:
        periods = np.arange(self.events.shape[1])[None, :]
        adopter = (self.adoption >= 0)[:, None]
        return self.observed & adopter & (periods >= self.adoption[:, None])

    @property
    def adopters(self) -> np.ndarray:
        return self.treated.any(axis=1)


@dataclass(frozen=True)
class Estimate:
    ratio: float  # treated events / their counterfactual; NaN when nothing is identified
    ci_low: float
    ci_high: float
    observed: float  # treated events used
    expected: float  # their counterfactual
    adopters: int  # adopting practices contributing treated cells
    comparators: int  # never-adopters contributing untreated cells
    treated_cells: int
    dropped_cells: int  # treated cells without a counterfactual (no untreated months, or none that month)
    fitted: np.ndarray  # per cell: the untreated model's fit before adoption, the counterfactual after
    used: np.ndarray  # the treated cells in the estimate
    reps: int

    @property
    def effect_pct(self) -> float:
        return 100.0 * (self.ratio - 1.0)

    @property
    def ci_pct(self) -> tuple[float, float]:
        return 100.0 * (self.ci_low - 1.0), 100.0 * (self.ci_high - 1.0)


def fit_untreated(events, exposure, untreated, weights=None, start=None):
    """Poisson two-way fixed effects on the untreated cells, by alternating closed-form updates.

    events, exposure: (P, T), zero where not untreated. weights: (B, P) practice weights for B fits
    at once (bootstrap replicates); None for one fit with weight 1. Returns (a, g) as (B, P) and
    (B, T) log-effects; a is -inf for a practice with no untreated events, g is NaN for a period with
    no untreated exposure and -inf for one with exposure but no events.

    The updates run on the multiplicative scale (level = exp(a), month = exp(g)), where each is one
    matrix product and one division: with a thousand bootstrap replicates at once, the element-wise
    work on (replicates x months) arrays is what costs, so it is kept to a few operations a round.

    Untreated cells with events must have exposure (Panel.observed makes them so).

    Replicates started from the point estimate's months (`start`, with weights) take chord steps
    (_chord): each update's step is stretched by how the point fit's updates respond to the months,
    which the replicates share nearly. Only a replicate whose months are all tied together by one
    practice takes them: a practice it drew, with events, untreated in every month. Its updates then
    have one fixed point, and each fit still stops only when a plain update moves no month by the
    tolerance, keeping that update's months, so a chord step only gets there in fewer rounds (an
    England-scale panel's replicates took about 4 rounds rather than 10). Months not tied together
    have many fixed points, and plain updates keep the start's scale between the groups where a chord
    step would move it: such a replicate (or a panel with no such practice) takes plain updates only.
    """
    y = np.where(untreated, events, 0.0)
    n = np.where(untreated, exposure, 0.0)
    w = np.ones((1, y.shape[0])) if weights is None else np.asarray(weights, dtype=float)
    practice_events = y.sum(axis=1)  # a practice's weight cancels in its own level
    period_events = w @ y  # (B, T)
    period_exposure = w @ n
    identified = period_exposure > 0  # a period with no untreated exposure has no effect to estimate
    month = np.ones_like(period_events) if start is None else np.exp(np.where(np.isfinite(start), start, 0.0))
    month = np.where(identified, month, 0.0)
    # Where months outnumber practices a chord step costs more than a round's matrix products and
    # saves fewer rounds than it costs (a council's panel): those fits take plain updates only.
    chord = ties = None
    if start is not None and weights is not None and n.shape[0] > n.shape[1]:
        ties = (practice_events > 0) & (n > 0)[:, n.sum(axis=0) > 0].all(axis=1)  # practices tying every month
        chord = _chord(practice_events, start[0], n) if ties.any() else None
    # Replicates converge at different speeds: only those still moving are updated each round. Their
    # rows of the weights are kept packed together, copied only when some replicate has converged, and
    # the (replicates x practices) work of a round is done in one buffer allocated once: at England
    # scale that array is 50 MB, and allocating it afresh each round cost more than the arithmetic.
    active = np.arange(w.shape[0])
    active_weights, active_period_events = w, period_events
    # Each fit's first period with events: the update finds events there in every round (a practice with
    # events that period has a level), so it is found once rather than searched for in every round.
    active_first = np.argmax(period_events > 0, axis=1)
    current = month.copy()  # the still-moving replicates' month effects, packed like their weights
    scratch = np.empty((w.shape[0], y.shape[0]))
    # A replicate takes chord steps while each one at least halves its largest step, and plain updates
    # for good after one that does not: a chord step need not converge where a plain one does.
    chording = (w @ ties > 0) if chord is not None else np.zeros(w.shape[0], dtype=bool)  # drew one
    last_change = np.full(w.shape[0], np.inf)
    for _ in range(_MAX_ITERATIONS):
        weighted_level = _levels_into(scratch[:active.size], practice_events, current, n)
        np.multiply(active_weights, weighted_level, out=weighted_level)
        new = weighted_level @ n  # each period's expected events at month effect 1
        # in place: where nothing is expected the division leaves the 0 that is there, as the update wants
        np.divide(active_period_events, new, out=new, where=new > 0)
        # Only level x month is identified: scale each fit so its first period with events is 1, so
        # the two sets of effects cannot drift apart by a constant factor from one round to the next.
        reference = new[np.arange(len(active)), active_first]
        new /= np.where(reference > 0, reference, 1.0)[:, None]
        step = new - current
        change = np.abs(step).max(axis=1)  # months near 1 after scaling: about the log change
        moving = change >= _TOLERANCE
        if not moving.all():
            month[active[~moving]] = new[~moving]  # converged: their months are final
            if not moving.any():
                break
            active, new, step, current = active[moving], new[moving], step[moving], current[moving]
            active_weights, active_period_events = active_weights[moving], active_period_events[moving]
            active_first, change = active_first[moving], change[moving]
            chording, last_change = chording[moving], last_change[moving]
        if chord is not None:
            chording &= change <= last_change / 2
            last_change = change
            if chording.any():
                _chord_step(new, current, step, chord, chording)
        current = new
    else:
        raise RuntimeError("the untreated model did not converge")
    with np.errstate(divide="ignore"):
        g = np.where(identified, np.log(month), np.nan)
        a = np.log(_levels(practice_events, month, n, unknown=np.nan))
    return a, g


def _chord(practice_events, start, n):
    """The matrix that turns an update's step into a chord step, from the point fit's months `start`
    (log scale, as fit_untreated returns them); None where it cannot be formed.

    One round of updates maps months m to G(m): G_t = F_t / F_r with F_t = E_t / N_t, N_t = sum_i
    level_i n_it, level_i = e_i / X_i, X_i = sum_s m_s n_is, r the first month with events. At the
    point fit, dG_t/dm_s = G_t (K_ts / N_t - K_rs / N_r) with K = n' diag(e / X^2) n. Newton's step for
    G(m) = m is (I - J)^-1 (G(m) - m); with J from the point fit for every replicate (a chord method),
    a row of steps times the transpose of (I - J)^-1 is each replicate's stretched step.
    """
    month = np.exp(np.where(np.isfinite(start), start, -np.inf))  # no exposure or no events: 0
    if not (month > 0).any():
        return None
    expected = n @ month  # (P,) each practice's expected events at level 1
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.where(expected > 0, practice_events / expected, 0.0)
        curvature = np.where(expected > 0, level / expected, 0.0)
    period = level @ n  # N
    response = n.T @ (n * curvature[:, None])  # K
    first = int(np.argmax(month > 0))
    shown = (month > 0) & (period > 0)
    jacobian = np.zeros((month.size, month.size))
    relative = month / month[first]
    jacobian[shown] = relative[shown, None] * (response[shown] / period[shown, None] - response[first] / period[first])
    settled = np.eye(month.size) - jacobian
    if not np.isfinite(settled).all() or np.linalg.cond(settled) > _WORST_CONDITION:
        return None  # months not tied together: I - J is (near) singular, and its inverse is noise
    return np.linalg.inv(settled).T


def _chord_step(new, current, step, chord, chording) -> None:
    """Replace, in `new`, the plain update of each chording replicate with its chord step. A month the
    update finds no events in stays 0; a replicate whose step would make any month negative keeps the
    plain update this round."""
    rows = np.flatnonzero(chording)
    proposal = current[rows] + step[rows] @ chord
    proposal[new[rows] <= 0] = 0.0
    usable = ~(proposal < 0).any(axis=1)
    new[rows[usable]] = proposal[usable]


def _levels(practice_events, month, n, unknown: float = 0.0):
    """Each practice's level given the month effects: its events over its expected events at level 1
    (`unknown` for a practice with no untreated exposure)."""
    expected = month @ n.T  # (B, P)
    return np.divide(practice_events[None, :], expected, out=np.full_like(expected, unknown), where=expected > 0)


def _levels_into(out, practice_events, month, n):
    """_levels with `unknown` 0, computed in `out`, a (B, P) buffer, through the expected events and
    without another array of that size: the cells the division leaves alone hold expected events of
    exactly 0 (exposures and month effects are never negative), the level `unknown` gives them."""
    expected = np.matmul(month, n.T, out=out)
    return np.divide(practice_events[None, :], expected, out=expected, where=expected > 0)


@BLAS.wrap(limits=1, user_api="blas")
def impute(panel: Panel, reps: int = 999, seed: int = 0, confidence: float = 0.95) -> Estimate:
    """The imputation estimate of the treated events' ratio to their counterfactual, with a bootstrap CI."""
    observed, treated = panel.observed, panel.treated
    untreated = observed & ~treated
    events = np.where(observed, panel.events, 0.0)
    exposure = np.where(observed, panel.exposure, 0.0)
    a, g = fit_untreated(events, exposure, untreated)
    with np.errstate(invalid="ignore", over="ignore"):
        fitted = np.where(observed, exposure * np.exp(a[0][:, None] + g[0][None, :]), np.nan)
    fitted = np.where(np.isfinite(fitted), fitted, np.nan)
    # A practice whose untreated months hold no events has an estimated rate of zero: its treated
    # events would have no counterfactual to be compared with, so its cells are left out too.
    used = treated & np.isfinite(fitted) & (np.nan_to_num(fitted) > 0)
    adopters = used.any(axis=1)
    never = panel.adoption < 0
    comparators = int((never & untreated.any(axis=1) & (events.sum(axis=1) > 0)).sum())
    obs_total, exp_total = float(events[used].sum()), float(fitted[used].sum())
    ratio = obs_total / exp_total if exp_total > 0 else np.nan
    low = high = np.nan
    if np.isfinite(ratio) and reps > 0:
        weights = _cluster_weights(np.random.default_rng(seed), adopters, never & ~adopters, reps)
        ratios = _replicate_ratios(events, exposure, untreated, used, weights, start=np.repeat(g, reps, axis=0))
        low, high = _interval(ratio, ratios, clusters=min(int(adopters.sum()), comparators), confidence=confidence)
    return Estimate(ratio=ratio, ci_low=low, ci_high=high, observed=obs_total, expected=exp_total,
                    adopters=int(adopters.sum()), comparators=comparators, treated_cells=int(used.sum()),
                    dropped_cells=int((treated & ~used).sum()), fitted=fitted, used=used, reps=reps)


def _interval(ratio: float, replicates: np.ndarray, clusters: int, confidence: float) -> tuple[float, float]:
    """exp(log ratio ± t(clusters - 1) × the replicates' standard deviation of log ratio)."""
    logs = np.log(replicates[np.isfinite(replicates) & (replicates > 0)])
    if logs.size < 2 or clusters < 2:
        return np.nan, np.nan
    half = student_t.ppf(1 - (1 - confidence) / 2, clusters - 1) * logs.std(ddof=1)
    return float(ratio * np.exp(-half)), float(ratio * np.exp(half))


def _replicate_ratios(events, exposure, untreated, used, weights, start) -> np.ndarray:
    """Each bootstrap replicate's ratio, without a (replicates, practices, periods) array: the
    counterfactual sum factorises as sum_i w_i exp(a_i) sum_t used_it n_it exp(g_t)."""
    a, g = fit_untreated(events, exposure, untreated, weights, start=start)
    # A replicate can leave a month with no untreated practice: its cells count in neither sum.
    month_ok = np.isfinite(g)  # as in the point estimate, a month with no untreated events imputes nothing
    finite = np.isfinite(a)
    level = np.exp(a, out=a)  # (B, P), in place: a is not needed again
    level[~finite] = 0.0
    treated_exposure = np.where(used, exposure, 0.0)
    treated_events = np.where(used, events, 0.0)
    month_effect = np.exp(np.where(month_ok, g, -np.inf))  # (B, T)
    cell_expected = month_effect @ treated_exposure.T  # (B, P)
    np.multiply(weights, level, out=level)
    expected = np.multiply(level, cell_expected, out=cell_expected).sum(axis=1)
    observed = ((weights @ treated_events) * month_ok).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return observed / expected


def _cluster_weights(rng, adopters: np.ndarray, never: np.ndarray, reps: int) -> np.ndarray:
    """(reps, P) practice weights: how often each practice is drawn when adopters are resampled from
    adopters and never-adopters from never-adopters, with replacement. Adopters whose treated cells
    could not be used still inform the month effects through their early months: resampled with the
    never-adopters' stratum would change the design, so they keep weight 1 in every replicate."""
    weights = np.zeros((reps, adopters.size))
    for stratum in (adopters, never):
        members = np.flatnonzero(stratum)
        if members.size:
            draws = rng.integers(0, members.size, size=(reps, members.size))
            # One count over all replicates at once: replicate r's draws are shifted into its own
            # block of members.size bins, so the counts come out as a (reps, members) table.
            shifted = draws + members.size * np.arange(reps)[:, None]
            counts = np.bincount(shifted.ravel(), minlength=reps * members.size)
            weights[:, members] = counts.reshape(reps, members.size)
    fixed = ~(adopters | never)
    weights[:, fixed] = 1.0
    return weights


def placebo(panel: Panel, lead: int, reps: int = 999, seed: int = 0, confidence: float = 0.95) -> Estimate:
    """The estimate with every adoption `lead` periods earlier, on pre-adoption data only.

    The true treated cells are removed, so the placebo "effect" is measured in periods when no
    practice had joined: parallel pre-trends (and no anticipation) predict a ratio near 1.
    """
    keep = ~panel.treated
    events = np.where(keep, panel.events, np.nan)
    early = np.where(panel.adoption >= 0, np.maximum(panel.adoption - lead, 0), NEVER)
    # An adopter with no months before its placebo date cannot show a placebo effect: it stays untreated.
    early = np.where((panel.adoption >= 0) & (panel.adoption - lead <= 0), NEVER, early)
    return impute(Panel(events, panel.exposure, early), reps=reps, seed=seed, confidence=confidence)


def event_time(panel: Panel, expected: np.ndarray, periods_per_bin: int, bins: range):
    """Observed and counterfactual events and exposure of adopters by time from adoption.

    Returns a dict of arrays over `bins` (bin k holds periods k*periods_per_bin .. from adoption, so
    k = -1 is the last bin before adoption): observed events, counterfactual events (NaN before adoption,
    where there is none), exposure and adopting practices. Before adoption the fitted untreated model
    gives `expected` from the same practice and period effects, which is what a pre-trend check reads.
    """
    periods = np.arange(panel.events.shape[1])[None, :]
    adopter = panel.adoption >= 0
    relative = np.where(adopter[:, None], periods - panel.adoption[:, None], np.iinfo(np.int64).min)
    k = np.floor_divide(relative, periods_per_bin)
    out = {name: np.full(len(bins), np.nan) for name in ("observed", "expected", "exposure", "practices")}
    obs = panel.observed
    for j, b in enumerate(bins):
        cells = obs & adopter[:, None] & (k == b) & np.isfinite(expected)
        if cells.any():
            out["observed"][j] = np.nansum(panel.events[cells])
            out["expected"][j] = np.nansum(expected[cells])
            out["exposure"][j] = np.nansum(panel.exposure[cells])
            out["practices"][j] = cells.any(axis=1).sum()
    return out
