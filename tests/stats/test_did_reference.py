"""The fast imputation estimator (etl/stats/did.py) against a straightforward one written out here.

etl/stats/did.py fits all bootstrap replicates at once, in reused buffers, dropping each replicate from
the work as it converges, takes chord steps where the practices outnumber the months, and counts the
resampled practices with one bincount; the reference below fits one replicate at a time with plain
alternating updates and a fresh array at every step, and counts each replicate's draws separately.
Both stop a fit when no month effect moves by 1e-10 on the log scale, so they can differ by about that
much, never more: a faster path that changed a replicate's weights, its warm start or the cells it
counts would move the interval by far more than 1e-9.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import t as student_t

from etl.stats import did
from etl.stats.did import NEVER, Panel, fit_untreated, impute, placebo

TOLERANCE = 1e-10
CONVERGED = 1e-9  # relative: what two fits stopped by TOLERANCE may differ by

# Ten practices over eight months, with noise so the interval has width. P0-P3 never join; P4 and P5
# join at month 3, P6 and P7 at month 5 (P7 with a missing month); P8 joins at month 0 (no months before
# joining: left out); P9 has no events before joining at month 4 (no level: left out).
EVENTS = [
    [12, 15, 11, 14, 13, 16, 12, 15],
    [30, 28, 33, 31, 29, 35, 32, 30],
    [7, 9, 6, 8, 10, 7, 9, 8],
    [21, 19, 24, 22, 20, 23, 25, 21],
    [18, 20, 17, 13, 14, 12, 15, 13],
    [9, 11, 10, 8, 7, 9, 8, 7],
    [25, 27, 24, 26, 28, 20, 21, 19],
    [14, 13, np.nan, 15, 16, 12, 11, 12],
    [5, 6, 4, 5, 6, 5, 4, 6],
    [0, 0, 0, 0, 3, 2, 4, 3],
]
EXPOSURE = [[1000 + 100 * practice] * 8 for practice in range(10)]
ADOPTION = [NEVER, NEVER, NEVER, NEVER, 3, 3, 5, 5, 0, 4]


def _panel() -> Panel:
    return Panel(np.array(EVENTS, dtype=float), np.array(EXPOSURE, dtype=float), np.array(ADOPTION))


def _fit_one(y, n, w, start):
    """One Poisson two-way fit on the untreated cells (y, n zero elsewhere) with practice weights w:
    (levels, months), NaN for a practice or month with no untreated exposure."""
    practice_events = y.sum(axis=1)
    identified = w @ n > 0
    month = np.where(identified, start, 0.0)
    for _ in range(20_000):
        new = _one_round(y, n, w, month)
        moved = np.abs(new - month).max()
        month = new
        if moved < TOLERANCE:
            break
    expected_by_practice = n @ month
    level = np.full(len(w), np.nan)
    has = expected_by_practice > 0
    level[has] = practice_events[has] / expected_by_practice[has]
    return level, np.where(identified, month, np.nan)


def _one_round(y, n, w, month):
    """One round of the plain updates with practice weights w: months to the next months, the first
    month with events scaled to 1."""
    expected_by_practice = n @ month
    level = np.zeros(len(w))
    has = expected_by_practice > 0
    level[has] = y.sum(axis=1)[has] / expected_by_practice[has]
    expected_by_month = (w * level) @ n
    new = np.zeros(len(month))
    has = expected_by_month > 0
    new[has] = (w @ y)[has] / expected_by_month[has]
    first = new[np.argmax(new > 0)]
    return new / first if first > 0 else new


def _reference_impute(panel: Panel, reps: int, seed: int) -> tuple[float, float, float]:
    events, exposure, adoption = panel.events, panel.exposure, panel.adoption
    observed = ~np.isnan(events) & ~np.isnan(exposure) & (np.nan_to_num(exposure) > 0)
    months = np.arange(events.shape[1])
    treated = observed & (adoption >= 0)[:, None] & (months[None, :] >= adoption[:, None])
    untreated = observed & ~treated
    events = np.where(observed, events, 0.0)
    exposure = np.where(observed, exposure, 0.0)
    y, n = np.where(untreated, events, 0.0), np.where(untreated, exposure, 0.0)

    level, month = _fit_one(y, n, np.ones(len(adoption)), np.ones(len(months)))
    fitted = exposure * level[:, None] * month[None, :]
    used = treated & np.isfinite(fitted) & (np.nan_to_num(fitted) > 0)
    ratio = events[used].sum() / fitted[used].sum()

    adopters = used.any(axis=1)
    never = adoption < 0
    rng = np.random.default_rng(seed)
    weights = np.ones((reps, len(adoption)))
    for stratum in (adopters, never & ~adopters):
        members = np.flatnonzero(stratum)
        draws = rng.integers(0, members.size, size=(reps, members.size))
        for replicate in range(reps):
            weights[replicate, members] = np.bincount(draws[replicate], minlength=members.size)
    start = np.where(month > 0, month, 1.0)  # as the fast path: a month with no events starts at 1
    logs = []
    for w in weights:
        level_r, month_r = _fit_one(y, n, w, start)
        month_ok = np.isfinite(month_r) & (np.nan_to_num(month_r) > 0)
        level_r = np.where(np.isfinite(level_r), level_r, 0.0)
        cell = np.where(used & month_ok[None, :], 1.0, 0.0)
        expected = (w[:, None] * level_r[:, None] * exposure * np.nan_to_num(month_r)[None, :] * cell).sum()
        observed_events = (w[:, None] * events * cell).sum()
        if expected > 0 and observed_events > 0:
            logs.append(np.log(observed_events / expected))
    comparators = (never & untreated.any(axis=1) & (events.sum(axis=1) > 0)).sum()
    clusters = min(adopters.sum(), comparators)
    half = student_t.ppf(0.975, clusters - 1) * np.std(logs, ddof=1)
    return ratio, ratio * np.exp(-half), ratio * np.exp(half)


def test_the_fast_estimate_and_interval_match_the_straightforward_one():
    fast = impute(_panel(), reps=199, seed=7)
    ratio, low, high = _reference_impute(_panel(), reps=199, seed=7)
    # The hand-made panel's design: P4-P7 used; P8 and P9 left out; the interval has width.
    assert (fast.adopters, fast.comparators) == (4, 4)
    assert low < ratio < high
    assert fast.ratio == pytest.approx(ratio, rel=CONVERGED)
    assert fast.ci_low == pytest.approx(low, rel=CONVERGED)
    assert fast.ci_high == pytest.approx(high, rel=CONVERGED)


def test_the_fast_placebo_matches_the_straightforward_one():
    # The placebo is the same estimator on pre-adoption data with every adoption 2 months earlier:
    # P4, P5 from month 1 and P6, P7 from month 3 (months 3-4 and 5-7 of the real treatment removed).
    panel = _panel()
    events = np.array(EVENTS, dtype=float)
    for practice, joined in enumerate(ADOPTION):
        if joined >= 0:
            events[practice, joined:] = np.nan
    early = [NEVER, NEVER, NEVER, NEVER, 1, 1, 3, 3, NEVER, 2]  # P8 has no earlier month: stays untreated
    fast = placebo(panel, lead=2, reps=199, seed=11)
    ratio, low, high = _reference_impute(Panel(events, panel.exposure, np.array(early)), reps=199, seed=11)
    assert low < ratio < high
    assert (fast.ratio, fast.ci_low, fast.ci_high) == pytest.approx((ratio, low, high), rel=CONVERGED)


def _replicates(reps: int, seed: int):
    """The hand-made panel's untreated cells, and `reps` random practice weights (0 to 3)."""
    panel = _panel()
    observed = ~np.isnan(panel.events)
    untreated = observed & ~panel.treated
    events, exposure = np.where(observed, panel.events, 0.0), np.where(observed, panel.exposure, 0.0)
    weights = np.random.default_rng(seed).integers(0, 4, size=(reps, len(ADOPTION))).astype(float)
    return events, exposure, untreated, weights


def _reference_months(events, exposure, untreated, weights):
    y, n = np.where(untreated, events, 0.0), np.where(untreated, exposure, 0.0)
    return np.array([_fit_one(y, n, w, np.ones(y.shape[1]))[1] for w in weights])


def test_chord_steps_reach_the_months_plain_updates_reach(monkeypatch):
    events, exposure, untreated, weights = _replicates(reps=40, seed=3)
    _, point = fit_untreated(events, exposure, untreated)
    chord_steps = []
    step = did._chord_step
    monkeypatch.setattr(did, "_chord_step", lambda *args: chord_steps.append(1) or step(*args))
    _, months = fit_untreated(events, exposure, untreated, weights, start=np.repeat(point, len(weights), axis=0))
    assert chord_steps  # ten practices over eight months: the chord is used
    np.testing.assert_allclose(np.exp(months), _reference_months(events, exposure, untreated, weights),
                               rtol=CONVERGED)


def test_a_chord_that_does_not_shrink_the_steps_is_dropped_for_plain_updates(monkeypatch):
    # Tripled steps overshoot: each would leave a replicate about twice as far from its answer. The
    # fit must notice, go on with plain updates and still reach the same months.
    events, exposure, untreated, weights = _replicates(reps=40, seed=5)
    _, point = fit_untreated(events, exposure, untreated)
    monkeypatch.setattr(did, "_chord", lambda *args: 3 * np.eye(events.shape[1]))
    _, months = fit_untreated(events, exposure, untreated, weights, start=np.repeat(point, len(weights), axis=0))
    np.testing.assert_allclose(np.exp(months), _reference_months(events, exposure, untreated, weights),
                               rtol=CONVERGED)


def test_the_chord_is_made_from_the_jacobian_of_one_round_of_updates():
    # (I - J)^-1 transposed, J checked against central differences of one round at the point fit.
    events, exposure, untreated, _ = _replicates(reps=1, seed=0)
    y, n = np.where(untreated, events, 0.0), np.where(untreated, exposure, 0.0)
    _, point = fit_untreated(events, exposure, untreated)
    months = np.exp(point[0])
    jacobian = np.eye(len(months)) - np.linalg.inv(did._chord(y.sum(axis=1), point[0], n).T)
    step = 1e-6
    ones = np.ones(y.shape[0])

    def moved(unit):
        return _one_round(y, n, ones, months + step * unit) - _one_round(y, n, ones, months - step * unit)

    differences = np.array([moved(unit) / (2 * step) for unit in np.eye(len(months))]).T
    assert np.abs(differences).max() > 1e-3  # the months do respond: a zero matrix would not pass
    np.testing.assert_allclose(jacobian, differences, atol=1e-7)


def _plain_impute(monkeypatch, panel: Panel, reps: int, seed: int):
    with monkeypatch.context() as patched:
        patched.setattr(did, "_chord", lambda *args: None)
        return impute(panel, reps=reps, seed=seed)


def test_months_no_practice_ties_together_are_fitted_with_plain_updates(monkeypatch):
    # Months 0 and 2 share no practice with events: the model has many fits, and plain updates keep the
    # start's scale between them where a chord step would move it (the interval came out as 1e-56 to 1e56).
    nan = np.nan
    events = np.array([[24, nan, 28], [16, 14, 15], [22, 18, nan], [39, 26, nan], [nan, nan, 24]])
    exposure = np.array([[1137, 770, 541], [517, 1313, 1413], [1107, 1229, 1044], [1435, 1316, 503],
                         [1357, 534, 1230]], dtype=float)
    panel = Panel(events, exposure, np.array([1, 2, NEVER, 2, NEVER]))
    fitted, plain = impute(panel, reps=199, seed=1), _plain_impute(monkeypatch, panel, reps=199, seed=1)
    assert (fitted.ratio, fitted.ci_low, fitted.ci_high) == (plain.ratio, plain.ci_low, plain.ci_high)


def test_replicates_that_leave_out_the_practice_tying_the_months_take_plain_updates(monkeypatch):
    # Only P3 (never adopting) has untreated events in every month: a replicate that does not draw it
    # has months tied by nothing, and a chord step moved such a replicate's fit (the interval's lower
    # end 0.001004 against 0.000983).
    nan = np.nan
    events = np.array([[nan, nan, 28], [nan, 25, nan], [40, 16, 19], [15, 2, 9], [21, 25, 26]])
    panel = Panel(events, np.full(events.shape, 1000.0), np.array([NEVER, NEVER, 2, NEVER, 1]))
    fitted, plain = impute(panel, reps=199, seed=60), _plain_impute(monkeypatch, panel, reps=199, seed=60)
    assert (fitted.ratio, fitted.ci_low, fitted.ci_high) == pytest.approx(
        (plain.ratio, plain.ci_low, plain.ci_high), rel=CONVERGED)
