"""The joint-working return (our own template, issue 3 §G): ten indicators per practice a quarter.

Trade-offs:
* Adoption (adoption.py) shows as JW01 = 1 from the adoption quarter, monthly MDTs (JW02 about 3)
  and reviewed care plans rising from about 40% to about 80% (JW04); co-located social care staff
  (JW07) become more likely. Everything else drifts upwards for everyone, as such schemes spread.
* Yes/no indicators are sticky: a practice has a fixed threshold and says yes once a rising
  probability passes it, so a flag does not flicker from quarter to quarter.
* Values are computed from the integers written (Numerator, and WTE in hundredths), rounded half
  up with integer arithmetic, so a reader can recompute every Value exactly from its row.
* About 3% of practice-quarters are missing entirely (no return sent), independent of adoption.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.demo import months as mo
from etl.demo import writers
from etl.demo.adoption import Adoption
from etl.demo.practices import Practices

INDICATORS = tuple(f"JW{k:02d}" for k in range(1, 11))
YES_NO, COUNT = ("JW01", "JW07", "JW08"), ("JW02", "JW03", "JW09")
HEADER = "Quarter,Practice Code,Indicator Code,Numerator,Denominator,Value,Notes"
MISSING_SHARE = 0.03
NO_INVITATIONS = "no invitations this quarter"
NOTES = (  # (indicator, free text); the first, with its comma, is always used
    ("JW06", "Link worker post vacant, recruitment under way"),
    ("JW02", "MDT moved online this quarter"),
    ("JW04", "Figures from a practice system search"),
    ("JW03", "Social worker on leave for part of the quarter"),
    ("JW05", "Estimated: clinical system migration"),
)
NOTE_SHARE = 0.002
MIN_NOTES = 3
MEANING = {
    "JW01": "named/attached social worker (yes 1, no 0)",
    "JW02": "MDT meetings with social care present in the quarter",
    "JW03": "joint home visits by practice clinician and social worker in the quarter",
    "JW04": "complex-needs patients with a care and support plan reviewed in the last 12 months (%)",
    "JW05": "social prescribing referrals per 1,000 patients in the quarter",
    "JW06": "social prescribing link workers / care navigators, WTE per 10,000 patients",
    "JW07": "social care staff co-located or visiting weekly (yes 1, no 0)",
    "JW08": "shared care record in use with the council (yes 1, no 0)",
    "JW09": "joint training sessions in the quarter",
    "JW10": "GP reports submitted to safeguarding case conferences (% of invitations)",
}


@dataclass
class JointWorking:
    open: np.ndarray  # (quarters, practices): open at the start of the quarter
    submitted: np.ndarray  # open and sent a return
    numerator: np.ndarray  # (quarters, practices, indicators); JW06 in hundredths of a WTE
    denominator: np.ndarray  # -1 where the template leaves it empty
    notes: dict[tuple[int, int, int], str]  # (quarter, practice, indicator) -> free text


def build_joint_working(rng, pr: Practices, lists: mo.MonthlyLists, ad: Adoption) -> JointWorking:
    n_q = len(mo.QUARTER_STARTS)
    t = np.arange(n_q)[:, None].astype(float)
    size = np.rint(lists.total[lists.at(mo.QUARTER_STARTS + 1)]).astype(np.int64)  # mid-quarter list
    is_open = lists.open[lists.at(mo.QUARTER_STARTS)]
    submitted = is_open & (rng.uniform(size=size.shape) >= MISSING_SHARE)
    adopted = ad.adopted(mo.QUARTER_STARTS)
    shape = size.shape
    num = np.zeros(shape + (len(INDICATORS),), dtype=np.int64)
    den = np.full(num.shape, -1, dtype=np.int64)
    col = {code: k for k, code in enumerate(INDICATORS)}

    def flag(start, slope, boost=0.0):
        threshold = rng.uniform(size=pr.n)
        return (threshold < start + slope * t + boost * adopted).astype(np.int64)

    num[..., col["JW01"]] = adopted
    num[..., col["JW02"]] = np.where(adopted, rng.choice([2, 3, 3, 3, 4], size=shape), rng.binomial(1, 0.25, shape))
    num[..., col["JW03"]] = rng.poisson(0.4 + 0.06 * t + 1.2 * adopted)
    complex_share = rng.uniform(0.015, 0.025, pr.n)
    den[..., col["JW04"]] = np.maximum(5, rng.binomial(size, complex_share))
    reviewed = np.minimum(np.where(adopted, 0.80, 0.40) + 0.005 * t, 0.97)
    num[..., col["JW04"]] = rng.binomial(den[..., col["JW04"]], reviewed)
    referral_rate = (5.0 + 0.3 * t) * np.exp(rng.normal(0, 0.25, pr.n))  # per 1,000 a quarter
    num[..., col["JW05"]] = rng.poisson(size / 1000.0 * referral_rate)
    den[..., col["JW05"]] = size
    wte_level = (0.3 + 0.07 * t) * np.exp(rng.normal(0, 0.3, pr.n))  # WTE per 10,000 patients
    num[..., col["JW06"]] = 10 * np.rint(size / 10_000 * wte_level * 10).astype(np.int64)  # to 0.1 WTE
    den[..., col["JW06"]] = size
    num[..., col["JW07"]] = flag(0.15, 0.01, 0.45)
    num[..., col["JW08"]] = flag(0.05, 0.03)
    num[..., col["JW09"]] = rng.poisson(0.3 + 0.04 * t, shape)
    invitations = rng.poisson(size / 8000.0)
    den[..., col["JW10"]] = invitations
    num[..., col["JW10"]] = rng.binomial(invitations, np.minimum(0.55 + 0.015 * t, 0.95))
    return JointWorking(is_open, submitted, num, den, _notes(rng, submitted))


def _notes(rng, submitted) -> dict[tuple[int, int, int], str]:
    """A few free-text notes on submitted returns, the first always the one with a comma."""
    cells = np.argwhere(submitted)
    n = min(len(cells), max(MIN_NOTES, int(round(NOTE_SHARE * len(cells) * len(INDICATORS)))))
    chosen = cells[np.sort(rng.choice(len(cells), n, replace=False))]
    which = np.concatenate([[0], rng.integers(0, len(NOTES), n - 1)])
    return {(int(q), int(p), INDICATORS.index(NOTES[k][0])): NOTES[k][1] for (q, p), k in zip(chosen, which)}


def _decimal(units: np.ndarray, digits: int) -> np.ndarray:
    scale = 10 ** digits
    return writers.join_fields(writers.text(units // scale), np.strings.zfill(writers.text(units % scale), digits),
                               sep=".")


def _half_up(num: np.ndarray, den: np.ndarray, factor: int) -> np.ndarray:
    """round(factor * num / den) half up, in integers; den must be positive."""
    return (2 * factor * num + den) // (2 * den)


def value_texts(jw: JointWorking) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Numerator, Denominator, Value and Notes as text, (quarters, practices, indicators)."""
    num, den = jw.numerator, jw.denominator
    col = {code: k for k, code in enumerate(INDICATORS)}
    n_text = writers.text(num)
    d_text = np.where(den >= 0, writers.text(den), np.asarray("", dtype=writers.STR))
    v_text = n_text.copy()
    safe = np.maximum(den, 1)
    for code, factor in (("JW04", 1000), ("JW10", 1000), ("JW05", 10_000)):  # to 1 dp: tenths
        k = col[code]
        v_text[..., k] = _decimal(_half_up(num[..., k], safe[..., k], factor), 1)
    k = col["JW06"]
    n_text[..., k] = _decimal(num[..., k], 2)
    v_text[..., k] = _decimal(_half_up(num[..., k], safe[..., k], 10_000), 2)  # 10,000 x (N/100) / D in hundredths
    notes = np.full(num.shape, "", dtype=writers.STR)
    k = col["JW10"]
    none = den[..., k] == 0
    v_text[..., k][none] = ""
    notes[..., k][none] = NO_INVITATIONS
    for (q, p, i), note in jw.notes.items():
        notes[q, p, i] = note
    return n_text, d_text, v_text, writers.quote_fields(notes)


def write_joint_working(out, pr: Practices, jw: JointWorking) -> list[str]:
    n_text, d_text, v_text, notes = value_texts(jw)
    order = np.argsort(np.array(pr.code))
    codes = np.array(pr.code, dtype=writers.STR)[order]
    indicators = np.array(INDICATORS, dtype=writers.STR)
    written = []
    for q, start in enumerate(mo.QUARTER_STARTS.tolist()):
        quarter = mo.quarter_label(start)
        lines = writers.join_fields(quarter, codes[:, None], indicators[None, :], n_text[q][order], d_text[q][order],
                                    v_text[q][order], notes[q][order])
        keep = jw.submitted[q][order]
        rel = f"joint_working/jw_return_{quarter.replace(' ', '_')}.csv"
        writers.write_lines(out(rel, "joint_working_return"), HEADER, lines[keep].ravel())
        written.append(rel)
    return written


def manifest(pr: Practices, jw: JointWorking, files: list[str]) -> dict:
    quarters = [mo.quarter_label(m) for m in mo.QUARTER_STARTS.tolist()]
    missing = {}
    for q, p in np.argwhere(jw.open & ~jw.submitted):
        missing.setdefault(quarters[q], []).append(pr.code[p])
    return {
        "files": files,
        "quarters": quarters,
        "indicators": MEANING,
        "yes_no": list(YES_NO),
        "counts": list(COUNT),
        "rounding": "Value = 100 x N / D (JW04, JW10) or 1000 x N / D (JW05) to 1 dp, 10000 x N / D (JW06, N in "
                    "WTE to 2 dp) to 2 dp, all rounded half up; JW10 with D = 0: Value empty, Notes "
                    f"'{NO_INVITATIONS}'",
        "not_submitted": {q: sorted(codes) for q, codes in sorted(missing.items())},
        "not_submitted_note": "practice-quarters with no return although the practice was open (closed practices "
                              "are absent after closure and not listed here)",
        "free_text_notes": len(jw.notes),
        "rows": int(jw.submitted.sum()) * len(INDICATORS),
        "adoption_signature": {"JW01": "1 from the adoption quarter, else 0",
                               "JW02": "2-4 (about 3) when adopted, else 0 or 1",
                               "JW04": "about 40% reviewed before adoption, about 80% after (plus 0.5 points a "
                                       "quarter for everyone)"},
    }
