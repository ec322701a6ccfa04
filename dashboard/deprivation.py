"""Deprivation in words: what a practice's or council's decile means, and the deprivation filter's choices.

The numbers come from the warehouse (mart_practice_deprivation, mart_council_deprivation: a patient- or
population-weighted IMD score, ranked, decile 1 the most deprived tenth); every page, the filter bar and
the downloads say them with these words, so they cannot describe a decile differently.
"""

from __future__ import annotations

import pandas as pd

from dashboard import formats

DECILES = tuple(range(1, 11))
METHOD_ANCHOR = "/data-and-methods#deprivation-method"


def meaning(decile, things: str = "practices") -> str:
    """'among the most deprived 10% of practices', 'between the 20% and 30% most deprived practices'."""
    if formats.is_missing(decile):
        return "not ranked"
    decile = int(decile)
    if decile == 1:
        return f"among the most deprived 10% of {things}"
    if decile == 10:
        return f"among the least deprived 10% of {things}"
    return f"between the {10 * (decile - 1)}% and {10 * decile}% most deprived {things}"


def decile_words(decile) -> str:
    """'Decile 3 of 10', or the words for a practice that is not ranked."""
    return "Not ranked" if formats.is_missing(decile) else f"Decile {int(decile)} of 10"


def described(row: pd.Series | dict, things: str = "practices") -> str:
    """One sentence for a ranked practice or council: its decile's meaning, its rank and score."""
    if formats.is_missing(row.get("deprivation_decile")):
        return (f"Its patients' IMD score is {formats.number(row['imd_score'])} ({row['release']}), but only the "
                "practices of the latest registrations release are ranked into deciles."
                if things == "practices" else "Not ranked.")
    ranked = row.get("practices_ranked", row.get("councils_ranked"))
    rank = formats.count(row["deprivation_rank"])
    return (f"{meaning(row['deprivation_decile'], things).capitalize()}: ranked {rank} "
            f"of {formats.count(ranked)} by IMD score ({formats.number(row['imd_score'])}, {row['release']}); "
            "1 is the most deprived.")


def filter_label(decile: int) -> str:
    """The filter bar's option for a decile: '1: most deprived 10%', '2: 10-20% most deprived'."""
    if decile == 1:
        return "1: most deprived 10%"
    if decile == 10:
        return "10: least deprived 10%"
    return f"{decile}: {10 * (decile - 1)}-{10 * decile}% most deprived"


def selection_words(decile: str) -> str:
    """The deprivation filter in a heading: 'practices in deprivation decile 1 (most deprived 10%)'."""
    return f"practices in deprivation decile {filter_label(int(decile)).replace(': ', ' (', 1)})"
