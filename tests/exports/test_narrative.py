"""The narrative's rules (dashboard/exports/narrative.py docstring) on hand-made frames."""

from __future__ import annotations

import pandas as pd

from dashboard.exports import narrative


def headlines(*rows) -> pd.DataFrame:
    """rows: (measure_id, name, polarity, rate, previous_rate, spc_variation[, change_significance])."""
    rows = [row if len(row) == 7 else (*row, None) for row in rows]
    return pd.DataFrame(rows, columns=["measure_id", "name", "polarity", "rate", "previous_rate", "spc_variation",
                                       "change_significance"], dtype=object)


def comparison(*rows) -> pd.DataFrame:
    """rows: (measure_id, name, significance[, rate, comparator_rate])."""
    rows = [row if len(row) == 5 else (*row, None, None) for row in rows]
    frame = pd.DataFrame(rows, columns=["measure_id", "name", "significance", "rate", "comparator_rate"],
                         dtype=object)
    return frame.assign(comparator="All councils", unit="per 1,000 patients")


QUIET = ("ae", "A&E attendances", "lower_is_better", 25.0, 25.2, "common_cause")


def test_an_spc_signal_of_improvement_is_named_first():
    frame = headlines(("em", "Emergency admissions", "lower_is_better", 8.0, 8.1, "improvement_low"), QUIET)
    assert narrative.improving(frame).startswith("Emergency admissions is improving")
    assert narrative.worsening(frame) == ("No headline measure is getting worse beyond its usual month-to-month "
                                          "variation.")


def test_two_signals_are_joined_with_a_plural_verb():
    frame = headlines(("em", "Emergency admissions", "lower_is_better", 8.0, 8.1, "concern_high"),
                      ("bd", "Emergency bed days", "lower_is_better", 40, 41, "concern_high"), QUIET)
    assert narrative.worsening(frame).startswith("Emergency admissions and emergency bed days are getting worse")


def test_without_a_signal_only_a_change_beyond_chance_on_the_year_is_mentioned():
    # 8.0 against 8.7 is 8.0% lower (0.7 / 8.7 = 0.0805): better for a lower-is-better measure, and the
    # year test found it beyond chance. Reablement 70% against 75% is 6.7% lower: worse, as higher is better,
    # also beyond chance. Bed days 30 against 36 is 16.7% lower but within chance (a small practice): never
    # called improving, however large.
    frame = headlines(("em", "Emergency admissions", "lower_is_better", 8.0, 8.7, "common_cause", "below 95%"),
                      QUIET,
                      ("re", "At home 91 days after reablement", "higher_is_better", 70.0, 75.0, "common_cause",
                       "below 99.8%"),
                      ("bd", "Emergency bed days", "lower_is_better", 30.0, 36.0, "common_cause", "within"))
    improving = narrative.improving(frame)
    assert "the rate of emergency admissions was 8.0% lower" in improving and "beyond chance" in improving
    assert "A&E" not in improving and "bed days" not in improving
    assert "the rate of at home 91 days after reablement was 6.7% lower" in narrative.worsening(frame)


def test_a_suppressed_rate_is_never_quoted():
    frame = headlines(("ch", "Care home admissions", "lower_is_better", "<5", 9.0, "common_cause"),
                      ("em", "Emergency admissions", "lower_is_better", 8.0, "[c]", "concern_low"))
    text = " ".join(narrative.sentences(frame))
    assert "Care home" not in text  # no year change can be worked out without its rate
    assert "Emergency admissions is getting worse" in text  # the SPC status gives no count away
    assert "%" not in text


def test_no_better_direction_is_neither_improving_nor_worse():
    frame = headlines(("st", "Reablement starts", "neutral", 50.0, 80.0, "neutral_low"))
    assert "No headline measure is improving" in narrative.improving(frame)
    assert "No headline measure is getting worse" in narrative.worsening(frame)


def test_what_stands_out_puts_the_strongest_first_and_says_better_or_worse():
    polarities = {"em": "lower_is_better", "ae": "lower_is_better", "re": "higher_is_better"}
    # A&E 33.0 against 30.0: 10.0% higher, no size word; emergency admissions 6.0 against 8.0: 25.0% lower,
    # "much" (at least comparison_large_difference, 20%).
    frame = comparison(("ae", "A&E attendances", "above 95%", 33.0, 30.0),
                       ("em", "Emergency admissions", "below 99.8%", 6.0, 8.0),
                       ("re", "At home 91 days after reablement", "within", 70.0, 71.0))
    sentence = narrative.standing_out(frame, polarities, "all councils", "2024-25")
    assert sentence == ("Against all councils in 2024-25, beyond what chance would give: emergency admissions is "
                        "much below the average (6.0 against 8.0, 25.0% lower), which is better; A&E attendances "
                        "is above the average (33.0 against 30.0, 10.0% higher), which is worse.")


def test_a_slight_difference_beyond_the_99_8_limits_is_never_well_below():
    # Wyvernford's emergency bed days (issue 12): 43.1 against 43.7 is 1.4% lower (0.6 / 43.7 = 0.0137),
    # outside the 99.8% limits with a large population. The size is slight, so "slightly", never "well".
    frame = comparison(("bd", "Emergency bed days", "below 99.8%", 43.1, 43.7))
    sentence = narrative.standing_out(frame, {"bd": "lower_is_better"}, "all councils", "2024-25")
    assert "well" not in sentence and "much" not in sentence
    assert "emergency bed days is slightly below the average (43.1 against 43.7, 1.4% lower), which is better" \
        in sentence


def test_nothing_standing_out_and_suppressed_significance():
    polarities = {"em": "lower_is_better", "ch": "lower_is_better"}
    frame = comparison(("em", "Emergency admissions", "within"), ("ch", "Care home admissions", "<5"))
    assert "no headline measure stands out" in narrative.standing_out(frame, polarities, "all councils")


def test_never_more_than_five_sentences_and_at_most_three_names():
    names = [f"Measure {letter}" for letter in "ABCDE"]
    frame = headlines(*[(name, name, "lower_is_better", 10.0, 8.0, "concern_high") for name in names])
    compared = comparison(*[(name, name, "above 99.8%") for name in names])
    bcf = pd.DataFrame({"planned_gbp": [1_000_000.0], "actual_gbp": [900_000.0]})
    found = narrative.sentences(frame, compared, comparator="all councils", bcf=bcf, period="2024-25",
                                catchment={"share_elsewhere": 0.08, "practices_serving": 42})
    assert len(found) == 5
    assert found[1].startswith("Measure A, measure B, measure C and 2 more are getting worse")
    assert "(2 more in the comparison table)" in found[2]
    # 900,000 / 1,000,000 = 90.0%, money in the house style (formats.py)
    assert found[3] == "90.0% of the £1 million Better Care Fund planned for 2024-25 was spent (£900,000)."
    assert found[4] == ("8.0% of residents registered with a GP are with practices based in another council, "
                        "and 42 practices serve its residents.")


def test_bcf_sentence_only_when_every_actual_is_in():
    # Unitown 2023-24 (tests/factory_outcomes.py): the urgent community response line has no year-end figure
    bcf = pd.DataFrame({"planned_gbp": [7630.0, 3270.0], "actual_gbp": [7180.0, None]}, dtype=object)
    assert narrative.bcf_sentence(bcf, "2023-24") == ""
    bcf.loc[1, "actual_gbp"] = 3000.0  # (7,180 + 3,000) / (7,630 + 3,270) = 10,180 / 10,900 = 93.39%
    assert narrative.bcf_sentence(bcf, "2023-24") == ("93.4% of the £10,900 Better Care Fund planned for 2023-24 "
                                                      "was spent (£10,180).")


def test_catchment_sentence_handles_none_one_and_hidden():
    assert narrative.catchment_sentence({"share_elsewhere": 0.0}).startswith("None of the residents")
    assert narrative.catchment_sentence({"share_elsewhere": 0.5, "practices_serving": 1}).endswith(
        "and 1 practice serves its residents.")
    assert narrative.catchment_sentence({"share_elsewhere": "<5"}) == ""


def test_impact_sentences():
    impact = pd.DataFrame([
        {"outcome_name": "A&E attendances", "effect_pct": -29.5, "ci_low_pct": -31.4, "ci_high_pct": -26.9,
         "annual_activity_change": -9577.2, "annual_cost_change_gbp": -1_200_000.0, "note": None},
        {"outcome_name": "Emergency bed days", "effect_pct": -3.0, "ci_low_pct": -9.0, "ci_high_pct": 2.0,
         "annual_activity_change": -100.0, "annual_cost_change_gbp": 0.0, "note": None},
    ])
    first, second = narrative.impact_sentences(impact)
    assert first == ("A&E attendances went down 30% after practices gained an attached social worker, against "
                     "comparable practices (95% confidence interval -31% to -27%), about 9,600 fewer a year "
                     "(saving about £1.2 million).")  # 9,577.2 to two significant figures, as the impact panel
    assert second.startswith("Emergency bed days: no clear change")  # the interval spans zero
    note_only = pd.DataFrame([{"outcome_name": "A&E attendances", "effect_pct": None,
                               "note": "Not estimated: 1 adopting practice."}])
    assert narrative.impact_sentences(note_only) == [
        "The impact of joint working could not be measured here (not estimated: 1 adopting practice)."]
    assert narrative.impact_sentences(None) == []
