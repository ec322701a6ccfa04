"""The staggered difference-in-differences (etl/stats/did.py) on cases worked by hand, and its calibration.

The hand cases have no noise: counts are exactly exposure x practice level x month effect x (1 - effect
after adoption), so the untreated model fits exactly and every number below is arithmetic on the table.
"""

from __future__ import annotations

import numpy as np
import pytest

from etl.stats.did import NEVER, Panel, fit_untreated, impute, placebo

MONTH = np.array([10.0, 20.0, 30.0, 40.0, 50.0, 60.0])  # the month effect, shared by every practice


def _panel(rows, adoption, exposure=None):
    events = np.array(rows, dtype=float)
    return Panel(events, np.ones_like(events) if exposure is None else np.array(exposure, float), np.array(adoption))


def test_one_adopter_one_comparator_recovers_the_effect_exactly():
    # Never-adopter: 10, 20, 30, 40. Adopter at half the level, joins in month 3 (index 2) and keeps 80%:
    # 5, 10, then 15 x 0.8 = 12 and 20 x 0.8 = 16. Counterfactual 15 + 20 = 35, observed 28: ratio 0.8.
    estimate = impute(_panel([[10, 20, 30, 40], [5, 10, 12, 16]], [NEVER, 2]), reps=50)
    assert estimate.ratio == pytest.approx(0.8, abs=1e-9)
    assert estimate.effect_pct == pytest.approx(-20.0, abs=1e-7)
    assert (estimate.observed, estimate.expected) == (28.0, pytest.approx(35.0, abs=1e-7))
    assert (estimate.adopters, estimate.comparators, estimate.treated_cells) == (1, 1, 2)
    # One practice in a group is one cluster: no interval can be given.
    assert np.isnan(estimate.ci_low) and np.isnan(estimate.ci_high)


def test_without_noise_the_interval_has_no_width():
    # Two comparators and two adopters (levels 1, 3 and 0.5, 2), every adopter keeping 80% from index 2:
    # every bootstrap replicate gives the same ratio, 0.8.
    keep = np.where(np.arange(6) >= 2, 0.8, 1.0)
    rows = [MONTH, 3 * MONTH, 0.5 * MONTH * keep, 2 * MONTH * keep]
    estimate = impute(_panel(rows, [NEVER, NEVER, 2, 2]), reps=99)
    assert estimate.ci_low == pytest.approx(0.8, abs=1e-7) and estimate.ci_high == pytest.approx(0.8, abs=1e-7)


def test_staggered_cohorts_with_different_effects_average_over_treated_events():
    # N never joins (level 1). A (level 2) joins at index 2 and halves; B (level 1) joins at index 4, keeps 90%.
    # Untreated cells fit exactly, so A's counterfactual is 2 x (30, 40, 50, 60) = 360 with 180 observed, and
    # B's is 50 + 60 = 110 with 99 observed: ratio (180 + 99) / (360 + 110) = 279 / 470 = 0.593617...
    # A two-way fixed-effects regression would also use A's halved months as B's controls; this must not.
    never = MONTH
    a = np.where(np.arange(6) >= 2, 0.5, 1.0) * 2 * MONTH
    b = np.where(np.arange(6) >= 4, 0.9, 1.0) * MONTH
    estimate = impute(_panel([never, a, b], [NEVER, 2, 4]), reps=0)
    assert estimate.ratio == pytest.approx(279 / 470, abs=1e-9)
    assert estimate.adopters == 2 and estimate.treated_cells == 6


def test_exposure_scales_the_counterfactual():
    # The comparator has 1,000 patients and 5 events a month (a rate of 0.005); the adopter has 2,000 patients
    # and the same rate before joining (10 a month), then 7 a month: counterfactual 10, ratio 0.7.
    estimate = impute(_panel([[5, 5, 5, 5], [10, 10, 7, 7]], [NEVER, 2],
                             exposure=[[1000] * 4, [2000] * 4]), reps=0)
    assert estimate.ratio == pytest.approx(0.7, abs=1e-9)


def test_cells_without_a_counterfactual_are_left_out_and_counted():
    # C is treated from the first month: no months before joining, so no level to compare with (3 cells out).
    # D has no events before joining: its rate would be estimated as 0, so its 2 treated cells are out too.
    rows = [[10, 20, 30], [10, 20, 24], [9, 9, 9], [0, 0, 5]]
    estimate = impute(_panel(rows, [NEVER, 2, 0, 1]), reps=0)
    # only B's last month: counterfactual 30, observed 24
    assert estimate.ratio == pytest.approx(0.8, abs=1e-9)
    assert (estimate.treated_cells, estimate.dropped_cells, estimate.adopters) == (1, 5, 1)


def test_missing_months_are_ignored_not_read_as_zero():
    # The comparator's second month is missing (NaN) and the adopter has joined by then: no untreated practice
    # has data that month, so its treated cell cannot be imputed (not read as a zero). The third and fourth
    # months are imputed from the comparator: (24 + 32) / (30 + 40).
    rows = [[10, np.nan, 30, 40], [10, 20, 24, 32]]
    estimate = impute(_panel(rows, [NEVER, 1]), reps=0)
    assert estimate.ratio == pytest.approx((24 + 32) / (30 + 40), abs=1e-9)
    assert estimate.dropped_cells == 1


def test_two_way_fit_matches_the_closed_form_on_a_table_that_fits_exactly():
    levels = np.array([1.0, 2.0, 0.5])
    events = levels[:, None] * MONTH[None, :]
    a, g = fit_untreated(events, np.ones_like(events), np.ones_like(events, dtype=bool))
    fitted = np.exp(a[0][:, None] + g[0][None, :])
    np.testing.assert_allclose(fitted, events, rtol=1e-9)


def test_placebo_is_zero_under_parallel_trends_and_not_under_a_pre_trend():
    months = np.arange(24)
    trend = 100 * 1.01 ** months
    adoption = [NEVER, NEVER, 18, 18]
    parallel = [trend, 2 * trend, 3 * trend * np.where(months >= 18, 0.8, 1), trend * np.where(months >= 18, 0.8, 1)]
    assert placebo(_panel(parallel, adoption), lead=6, reps=0).ratio == pytest.approx(1.0, abs=1e-9)
    # The adopters' rate climbs 3% a month faster in the 6 months before joining: the placebo must see it.
    climb = np.where((months >= 12) & (months < 18), 1.03 ** (months - 11), 1.0)
    diverging = [trend, 2 * trend, 3 * trend * climb, trend * climb]
    assert placebo(_panel(diverging, adoption), lead=6, reps=0).ratio > 1.05


def test_the_interval_covers_the_true_effect_about_95_percent_of_the_time():
    """Calibration: 200 simulated demo-sized panels (90 practices, 60 months, 36 staggered adopters, care-home
    sized counts with a 15% fall). A 95% interval should miss about 10 times; fewer than 4 or more than 20
    misses (outside about 3 standard errors of 10) would mean the interval is too wide or too narrow."""
    rng = np.random.default_rng(20261124)
    practices, months, adopting, keep = 90, 60, 36, 0.85
    misses = 0
    for replicate in range(200):
        level = np.exp(rng.normal(0.0, 0.1, practices))
        exposure = np.full((practices, months), 1600.0)
        adoption = np.full(practices, NEVER)
        chosen = rng.choice(practices, adopting, replace=False)
        adoption[chosen] = 12 + 3 * rng.integers(0, 11, adopting)
        treated = (adoption[:, None] >= 0) & (np.arange(months)[None, :] >= adoption[:, None])
        expected = exposure * 600 / 100_000 / 12 * level[:, None] * np.where(treated, keep, 1.0)
        estimate = impute(Panel(rng.poisson(expected).astype(float), exposure, adoption), reps=199, seed=replicate)
        misses += not estimate.ci_low <= keep <= estimate.ci_high
    assert 4 <= misses <= 20
