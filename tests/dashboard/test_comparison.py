"""How a comparison is said (dashboard/components/comparison.py): size and significance apart, table-driven.

Sizes are worked by hand from the rule in etl/method.yml (comparison_small_difference 5%,
comparison_large_difference 20%). The year-before tests are exact tests worked by hand from their
definitions, as R computes them: poisson.test(c(x1, x2), c(n1, n2)) is binom.test(x1, x1 + x2,
n1 / (n1 + n2)), whose two-sided p sums the outcomes no more likely than the one seen; fisher.test of a
2x2 table with margins fixed (hypergeometric). Cases from issue 12: Wyvernford's emergency bed days, 43.1
against 43.7 (1.4% lower) outside the 99.8% limits; Church Road's A&E, 4% lower than a year before.
"""

from __future__ import annotations

import pytest

from dashboard.components import comparison

SMALL, LARGE = comparison.SMALL, comparison.LARGE


def test_the_thresholds_are_the_ones_declared_in_method_yml():
    import yaml

    from tests.conftest import ROOT

    declared = yaml.safe_load((ROOT / "etl" / "method.yml").read_text())["comparison_words"]
    assert SMALL == declared["comparison_small_difference"]["value"] == 0.05
    assert LARGE == declared["comparison_large_difference"]["value"] == 0.20


@pytest.mark.parametrize("value, reference, unit, words", [
    # 0.6 / 43.7 = 1.37%: under 5%, slight
    (43.1, 43.7, "per 1,000 patients", "slightly lower, by 0.6 (1.4%)"),
    # 0.5 / 10 = 5% exactly: no longer slight, not yet large
    (10.5, 10.0, "per 1,000 patients", "higher, by 0.5 (5.0%)"),
    (9.0, 8.0, "per 1,000 patients", "higher, by 1.0 (12.5%)"),
    # 2 / 10 = 20% exactly: large
    (12.0, 10.0, "per 1,000 patients", "much higher, by 2.0 (20.0%)"),
    (6.0, 8.0, "per 1,000 patients", "much lower, by 2.0 (25.0%)"),
    # a percentage: the difference in percentage points, and the relative change 5 / 75 = 6.7%
    (70.0, 75.0, "%", "lower, by 5.0 percentage points (6.7%)"),
    (8.0, 8.0, "per 1,000 patients", "the same"),
])
def test_size_words(value, reference, unit, words):
    assert comparison.size_words(comparison.size_of(value, reference), unit) == words


@pytest.mark.parametrize("label, polarity, against, words", [
    ("within", "lower_is_better", "limits", "within what chance would give"),
    ("below 99.8%", "lower_is_better", "limits", "beyond chance (99.8% limits), better"),
    ("below 95%", "higher_is_better", "limits", "beyond chance (95% limits), worse"),
    ("above 95%", "lower_is_better", "limits", "beyond chance (95% limits), worse"),
    ("above 99.8%", "higher_is_better", "test", "beyond chance (99.8% test), better"),
    # no better direction: beyond chance, but neither better nor worse
    ("above 95%", "neutral", "limits", "beyond chance (95% limits)"),
    (None, "lower_is_better", "limits", "not tested"),
    ("<5", "lower_is_better", "limits", "not tested"),
])
def test_significance_words(label, polarity, against, words):
    assert comparison.significance_words(label, polarity, against=against) == words


@pytest.mark.parametrize("value, reference, label, polarity, against, cell", [
    # Wyvernford, issue 12: real (outside 99.8%) but slight. Was "Much lower: better".
    (43.1, 43.7, "below 99.8%", "lower_is_better", "limits",
     "Slightly lower, by 0.6 (1.4%); beyond chance (99.8% limits), better"),
    # Church Road, issue 12: 4% lower than a year before, within chance: never "better"
    (24.0, 25.0, "within", "lower_is_better", "test", "Slightly lower, by 1.0 (4.0%); within what chance would give"),
    # large but within chance (a small practice): "much", but not better or worse
    (10.0, 8.0, "within", "lower_is_better", "limits", "Much higher, by 2.0 (25.0%); within what chance would give"),
    # moderate and beyond chance
    (9.0, 8.0, "above 95%", "lower_is_better", "limits", "Higher, by 1.0 (12.5%); beyond chance (95% limits), worse"),
    # large and beyond chance
    (6.0, 8.0, "below 99.8%", "lower_is_better", "test",
     "Much lower, by 2.0 (25.0%); beyond chance (99.8% test), better"),
    (8.0, None, "within", "lower_is_better", "limits", "Not compared"),
])
def test_said_combines_size_and_significance_apart(value, reference, label, polarity, against, cell):
    assert comparison.said(value, reference, label=label, polarity=polarity, unit="per 1,000 patients",
                           against=against) == cell


@pytest.mark.parametrize("x1, n1, x2, n2, proportion, label", [
    # Rates, equal denominators: 10 against 2 of 12 events, p = 0.5. P(X >= 10) = (C(12,10) + C(12,11) +
    # C(12,12)) / 2^12 = (66 + 12 + 1) / 4096 = 0.01929; two-sided, by symmetry, 0.0386: beyond 95%, not 99.8%.
    (10, 1000, 2, 1000, False, "above 95%"),
    (2, 1000, 10, 1000, False, "below 95%"),
    # 20 against 2: (C(22,20) + C(22,21) + 1) / 2^22 = 254 / 4,194,304 = 6.06e-5, two-sided 1.2e-4 < 0.002
    (20, 1000, 2, 1000, False, "above 99.8%"),
    (6, 1000, 6, 1000, False, "within"),
    # equal rates with unequal denominators (10 in 2,000, 5 in 1,000): 10 of 15 is the most likely outcome
    # at p = 2/3, so p = 1
    (10, 2000, 5, 1000, False, "within"),
    # Proportions, Fisher: 3 of 3 against 0 of 3, p = 2 / C(6,3) = 0.1: within
    (3, 3, 0, 3, True, "within"),
    # 5 of 5 against 0 of 5: 2 / C(10,5) = 2 / 252 = 0.0079: beyond 95%
    (5, 5, 0, 5, True, "above 95%"),
    # 8 of 8 against 0 of 8: 2 / C(16,8) = 2 / 12,870 = 1.6e-4: beyond 99.8%
    (8, 8, 0, 8, True, "above 99.8%"),
    (0, 8, 8, 8, True, "below 99.8%"),
])
def test_year_significance_by_exact_tests(x1, n1, x2, n2, proportion, label):
    assert comparison.year_significance(x1, n1, x2, n2, proportion=proportion) == label


@pytest.mark.parametrize("args", [(None, 10, 1, 10), ("<5", 10, 1, 10), (1, 0, 1, 10), (1, 10, 1, float("nan"))])
def test_year_significance_is_not_tested_without_counts(args):
    assert comparison.year_significance(*args, proportion=False) is None


def test_a_difference_too_small_for_one_decimal_keeps_two_significant_figures():
    # 8.884 against 8.866: 0.018 apart, 0.2%: "0.0" would say no difference at all
    size = comparison.size_of(8.884, 8.866)
    assert comparison.amount(size, "per 1,000 patients") == "0.018 (0.2%)"
