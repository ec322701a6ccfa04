"""The suppression rule on hand-made groups, each worked through in its comment."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import suppression
from dashboard.suppression import SECONDARY as C
from dashboard.suppression import SUPPRESSED as LT5
from dashboard.suppression import suppress_group


def test_one_small_cell_hides_the_next_smallest_and_keeps_a_total_that_pins_nothing():
    # 3, 10, 12 with total 25: 3 -> "<5". With only it hidden, 25 - 10 - 12 would give 3 back, so the next
    # smallest, 10, is hidden too ("[c]", not "<5": it is not under 5). The reader sees "<5", "[c]", 12, 25:
    # the hidden two sum to 13, the "<5" is 1-4, so the "[c]" is 9-12: neither is pinned, 25 stays.
    result = suppress_group([3, 10, 12], total=25)
    assert result.cells == [LT5, C, 12] and result.total == 25


def test_two_small_cells_at_their_extremes_hide_the_total():
    # 4, 4, 20 with total 28: both 4s -> "<5", so no secondary cell is needed; but 28 - 20 = 8 and two
    # cells of 1-4 summing to 8 must be 4 and 4, so the total gives them away and is hidden ("[c]").
    result = suppress_group([4, 4, 20], total=28)
    assert result.cells == [LT5, LT5, 20] and result.total == C


def test_two_small_cells_that_are_not_pinned_keep_the_total():
    # 2, 3, 20 with total 25: hidden sum 5 could be 1+4, 2+3, 3+2 or 4+1: the total stays.
    result = suppress_group([2, 3, 20], total=25)
    assert result.cells == [LT5, LT5, 20] and result.total == 25


def test_a_count_of_three_alone_is_hidden_with_its_total():
    # a single cell of 3 whose total is shown: the total is 3 too, and is itself a small count
    assert suppress_group([3], total=3) == suppression.Group([LT5], LT5)


def test_a_zero_can_be_the_secondary_cell_and_the_total_of_a_small_count_is_hidden():
    # 0, 3, 0 with total 3: 3 -> "<5"; the next smallest other cell is a 0 -> "[c]" (a reader can no longer
    # tell which cell holds the count); the total, 3, is a count of 1-4 -> "<5".
    result = suppress_group([0, 3, 0], total=3)
    assert result.cells == [C, LT5, 0] and result.total == LT5


def test_the_secondary_cell_is_a_count_of_five_or_more_not_a_zero():
    # 1, 0, 30 with total 31: 1 -> "<5". Hiding the 0 would protect nothing (31 - 30 = 1 gives the count
    # back), so the smallest count of 5 or more, 30, is hidden ("[c]"). The reader sees "<5", 0, "[c]", 31:
    # the hidden two sum to 31, the "<5" is 1-4 and the "[c]" 27-30: neither is pinned, 31 stays.
    result = suppress_group([1, 0, 30], total=31)
    assert result.cells == [LT5, 0, C] and result.total == 31


def test_a_secondary_cell_just_above_the_threshold_still_pins_and_hides_the_total():
    # 1, 5, 30 with total 36: 1 -> "<5", 5 -> "[c]". The hidden two sum to 36 - 30 = 6; a "[c]" is never
    # 1-4, so it is 5 or 6, and the "<5" (1-4) must be 1 and the "[c]" 5: the total is hidden ("[c]").
    result = suppress_group([1, 5, 30], total=36)
    assert result.cells == [LT5, C, 30] and result.total == C


def test_beside_a_pooled_rate_more_cells_are_hidden_instead_of_the_total():
    # A pooled rate printed beside the denominators gives the total (here 1 + 5 + 30 + 40 = 76) back, and
    # it stays on the page, so cells are hidden until it pins nothing: 1 -> "<5"; alone it is pinned, so 5
    # -> "[c]"; the hidden two sum to 6, which pins them (as above), so 30 -> "[c]" too. Now the hidden
    # three sum to 36: the "<5" 1-4, each "[c]" 5-30: nothing is pinned.
    result = suppression.suppress_beside_a_shown_total([1, 5, 30, 40])
    assert result.cells == [LT5, C, C, 40] and result.total == 76


def test_one_small_count_alone_beside_its_pooled_rate_cannot_be_protected():
    # one practice with 3 events: the pooled rate is its own rate; nothing else can be hidden with it
    assert suppression.suppress_beside_a_shown_total([3]).total == C


def test_without_a_shown_total_only_small_counts_are_hidden_and_zero_is_shown():
    result = suppress_group([1, 2, 0, 50, 5])
    assert result.cells == [LT5, LT5, 0, 50, 5] and result.total is None


def test_fractional_counts_below_five_are_hidden():
    # a council's apportioned counts: 0.4 and 4.9 are people counted in fractions, 5.0 is not small
    assert suppress_group([0.4, 4.9, 5.0, 0.0]).cells == [LT5, LT5, 5.0, 0.0]


def test_groups_in_a_column_and_derived_columns_follow_their_count():
    frame = pd.DataFrame({"council": ["a", "a", "a", "b", "b"], "people": [3, 10, 12, 40, 50],
                          "share": [0.12, 0.4, 0.48, 0.44, 0.56]})
    hidden, totals = suppression.suppress_column(frame, "people", group_by="council", totals={"a": 25, "b": 90})
    hidden = suppression.follow(hidden, ["share"], "people")
    assert list(hidden["people"]) == [LT5, C, 12, 40, 50]
    assert list(hidden["share"]) == [LT5, C, 0.48, 0.44, 0.56]
    assert totals == {"a": 25, "b": 90}


def test_numeric_turns_markers_into_gaps():
    values = suppression.numeric(pd.Series([LT5, 7.0, C, 0.0], dtype=object))
    assert values.isna().tolist() == [True, False, True, False] and values[1] == 7.0


def test_the_rule_is_one_sentence_set_every_file_repeats():
    assert '"<5"' in suppression.RULE and '"[c]"' in suppression.RULE and "1 to 4" in suppression.RULE


@pytest.mark.parametrize("value, small", [(0, False), (1, True), (4, True), (4.4, True), (5, False), (None, False)])
def test_is_small(value, small):
    assert suppression.is_small(value) is small


def test_a_percentage_leaving_one_to_four_by_difference_is_hidden_and_protected_like_a_small_count():
    # 97 of 100 at home leaves 3 who were not: 97 -> "[c]". With a total shown (97 + 20 + 30 = 147) it alone
    # would be given back by 147 - 20 - 30, so the smallest other count of 5 or more, 20, is hidden too; the
    # two hidden sum to 117 and each is 5 or more: nothing is pinned.
    result = suppress_group([97, 20, 30], total=147, complement_of=[100, 40, 50])
    assert result.cells == [C, C, 30] and result.total == 147


def test_beside_a_pooled_rate_a_count_hidden_by_its_complement_is_protected_too():
    # A funnel of percentages: 97 of 100 leaves 3 by difference -> "[c]". The pooled rate beside the
    # denominators gives 97 + 20 + 30 = 147 back, which with only 97 hidden pins it, so 20 -> "[c]" as well
    # (before this was checked, 97 alone was hidden and could be worked out).
    frame = pd.DataFrame({"n": [97.0, 20.0, 30.0], "d": [100.0, 40.0, 50.0], "pct": [97.0, 50.0, 60.0]})
    out, total_reveals = suppression.suppress_rates(frame, count="n", denominator="d", derived=["pct"],
                                                    total_shown=True, complement=True)
    assert list(out["n"]) == [C, C, 30.0] and list(out["pct"]) == [C, C, 60.0] and not total_reveals
