"""Council extracts: adult social care events by the client's GP practice (issue 3 §C).

Each English upper-tier council sends one file: clients aged 65+ by month, registered practice
and event, zeros left out. A council's clients are the residents 65+ of its LSOAs, from the
registrations crosswalk, so a practice appears in every council where its patients live.

Trade-offs:
* Residents 65+ of practice p in council c in a month = p's list aged 65+ that month x the share
  of p's list living in c at the release at or before the month (months.py explains the lists).
* Clients with no known registered practice are about 1% of each council's clients: a pseudo
  practice (empty code) holding 1/99 of the council's residents 65+, drawn like the others.
* A council effect (lognormal, sd 0.10 per event type) makes councils differ, as real ones do;
  no practice effect: these counts are a few a month per practice, Poisson noise dominates.
* "At home 91 days after reablement" is a binomial share of the same cell's reablement starts
  (counted in the month reablement began), so it never exceeds the starts.
* The quirks are fixed by position in code order, so the manifest can name them: the first
  council's file is cp1252 with CRLF and an en dash in its name, the last one writes months as
  01/MM/YYYY.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from etl.demo import fictional as fx
from etl.demo import months as mo
from etl.demo import writers
from etl.demo.adoption import Adoption, thin
from etl.demo.areas import Areas
from etl.demo.practices import Practices
from etl.demo.registrations import Registrations

EVENTS = ("At home 91 days after reablement", "Permanent admission - nursing", "Permanent admission - residential",
          "Reablement start")  # sorted, so rows are in order within a month and practice
AT_HOME, NURSING, RESIDENTIAL, STARTS = range(4)
RATE_PER_100K = {RESIDENTIAL: 420.0, NURSING: 190.0, STARTS: 1400.0}  # residents 65+, a year
AT_HOME_SHARE = 0.8
UNKNOWN_SHARE = 0.01
COUNCIL_SD = 0.10
HEADER = "Council Code,Council Name,Month,GP Practice Code,Event,Clients"
EN_DASH = "\u2013"
NEWLINES = {"CRLF": "\r\n", "LF": "\n"}


@dataclass
class SocialCare:
    councils: np.ndarray  # English upper-tier council indices, in code order
    pair_practice: np.ndarray  # per (practice, council) pair: practice index, -1 for no known practice
    pair_council: np.ndarray
    counts: np.ndarray  # (months of mo.WINDOW, pairs, events), after the effect
    residents65: np.ndarray  # (months, pairs)
    treated_before: int
    treated_after: int


def _pairs(areas: Areas, pr: Practices, reg: Registrations, english: np.ndarray):
    """Per release, the share of each practice's list living in each English council."""
    n_council = len(areas.councils)
    council = areas.council_of
    keys, shares = [], []
    for (lsoa, practice, count), rel in zip(reg.core, reg.releases):
        keep = english[council[lsoa]]
        key = practice[keep] * n_council + council[lsoa[keep]]
        uniq, inv = np.unique(key, return_inverse=True)
        summed = np.bincount(inv, weights=count[keep])
        keys.append(uniq)
        shares.append(summed / np.maximum(rel.totals[uniq // n_council], 1))
    every = np.unique(np.concatenate(keys))
    table = np.zeros((len(reg.releases), len(every)))
    for k, (uniq, share) in enumerate(zip(keys, shares)):
        table[k, np.searchsorted(every, uniq)] = share
    return every // n_council, every % n_council, table


def build_social_care(rng, areas: Areas, pr: Practices, reg: Registrations, lists: mo.MonthlyLists,
                      ad: Adoption) -> SocialCare:
    english = np.array([c.tier != "welsh_unitary" for c in areas.councils])
    councils = np.array(sorted(np.flatnonzero(english), key=lambda c: areas.councils[c].code))
    practice, council, share = _pairs(areas, pr, reg, english)
    pos = lists.at(mo.WINDOW)
    residents = lists.over65[pos][:, practice] * share[lists.release[pos]]  # (months, pairs)
    # clients with no known practice: one pseudo pair per council
    per_council = np.zeros((len(pos), len(areas.councils)))
    np.add.at(per_council.T, council, residents.T)
    unknown = per_council[:, councils] * UNKNOWN_SHARE / (1 - UNKNOWN_SHARE)
    practice = np.concatenate([practice, np.full(len(councils), -1)])
    council = np.concatenate([council, councils])
    residents = np.hstack([residents, unknown])

    council_effect = np.exp(rng.normal(-COUNCIL_SD ** 2 / 2, COUNCIL_SD, (len(areas.councils), len(EVENTS))))
    counts = np.zeros(residents.shape + (len(EVENTS),), dtype=np.int64)
    for event, rate in RATE_PER_100K.items():
        expected = residents * rate / 100_000 / 12 * council_effect[council, event]
        counts[:, :, event] = rng.poisson(expected)
    counts[:, :, AT_HOME] = rng.binomial(counts[:, :, STARTS], AT_HOME_SHARE)

    adopted = np.zeros(residents.shape, bool)
    known = practice >= 0
    adopted[:, known] = ad.adopted(mo.WINDOW)[:, practice[known]]
    treated = adopted[:, :, None] & np.isin(np.arange(len(EVENTS)), [RESIDENTIAL, NURSING])
    after = thin(rng, counts, treated, ad.e_care)
    return SocialCare(councils, practice, council, after, residents,
                      int(counts[treated].sum()), int(after[treated].sum()))


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _quirks(areas: Areas, sc: SocialCare) -> list[dict]:
    """Per council in code order: file name, council name as written, encoding, line ending, month style."""
    out = []
    last = len(sc.councils) - 1
    for k, c in enumerate(sc.councils):
        council = areas.councils[c]
        name = council.display_name
        if k == 0:  # the council's own system export: its department in the name, Windows defaults
            name = name.replace(f" {fx.FICTIONAL}", f" {EN_DASH} Adult Social Care {fx.FICTIONAL}")
        out.append({
            "council_code": council.code,
            "file": f"social_care/{slug(council.name)}_client_events_by_gp.csv",
            "council_name": name,
            "encoding": "cp1252" if k == 0 else "utf-8",
            "line_ending": "CRLF" if k == 0 else "LF",
            "month_format": "01/MM/YYYY" if (k == last and k > 0) else "YYYY-MM",
        })
    if len({q["file"] for q in out}) != len(out):
        raise RuntimeError("two councils share a social care file name")
    return out


def _month_labels(style: str) -> np.ndarray:
    if style == "01/MM/YYYY":
        labels = [f"01/{m % 12 + 1:02d}/{m // 12}" for m in mo.WINDOW.tolist()]
    else:
        labels = [mo.label(m) for m in mo.WINDOW.tolist()]
    return np.array(labels, dtype=writers.STR)


def write_social_care(out, areas: Areas, pr: Practices, sc: SocialCare) -> list[dict]:
    codes = np.array(pr.code + [""], dtype=object)  # index -1: no known practice
    quirks = _quirks(areas, sc)
    for c, quirk in zip(sc.councils, quirks):
        if "," in quirk["council_name"]:
            raise ValueError(f"unquoted council name would break the CSV: {quirk['council_name']!r}")
        cols = np.flatnonzero(sc.pair_council == c)
        cols = cols[np.argsort(codes[sc.pair_practice[cols]].astype(str), kind="stable")]
        pcodes = np.array(codes[sc.pair_practice[cols]].tolist(), dtype=writers.STR)
        counts = sc.counts[:, cols, :]
        month, pair, event = np.nonzero(counts)  # zeros are not written; C order keeps the rows sorted
        events = np.array(EVENTS, dtype=writers.STR)
        lines = writers.join_fields(quirk["council_code"], quirk["council_name"],
                                    _month_labels(quirk["month_format"])[month], pcodes[pair], events[event],
                                    writers.text(counts[month, pair, event]))
        writers.write_lines(out(quirk["file"], "social_care_events"), HEADER, lines,
                            newline=NEWLINES[quirk["line_ending"]], encoding=quirk["encoding"])
        quirk["rows"] = len(lines)
    return quirks


def manifest(sc: SocialCare, quirks: list[dict]) -> dict:
    totals = sc.counts.sum(axis=(0, 1))
    unknown = sc.counts[:, sc.pair_practice < 0].sum(axis=(0, 1))
    return {
        "files": quirks,
        "events": list(EVENTS),
        "rate_per_100k_65_plus_a_year": {EVENTS[e]: r for e, r in RATE_PER_100K.items()},
        "at_home_share_of_starts": AT_HOME_SHARE,
        "no_known_practice_share": UNKNOWN_SHARE,
        "council_effect_sd_log": COUNCIL_SD,
        "clients_by_event": {EVENTS[e]: int(totals[e]) for e in range(len(EVENTS))},
        "clients_no_known_practice_by_event": {EVENTS[e]: int(unknown[e]) for e in range(len(EVENTS))},
        "affected_by_joint_working": [EVENTS[RESIDENTIAL], EVENTS[NURSING]],
        "adopters_affected_clients_without_effect": sc.treated_before,
        "adopters_affected_clients_with_effect": sc.treated_after,
        "rows": int(sum(q["rows"] for q in quirks)),
    }
