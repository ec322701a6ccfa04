"""The English Indices of Deprivation as MHCLG publishes them (File 7): IoD2025 on the 2021 LSOAs and
IoD2019 on the 2011 LSOAs of the fictional area, with the published column names (etl/sources.yml).

The scores are invented: a smooth field over the area (a few deprived cores that fade with distance)
times a little noise, scaled to the real range (about 1 to 90, median near 17). IoD2019 is drawn from
the same field as IoD2025 with its own noise, on the 2011 LSOAs: a split 2011 LSOA takes the mean of its
2021 parts, a merged 2021 LSOA's 2011 parts each get a score near the merged one. Ranks and deciles are
among the fictional LSOAs (the real ones are among England's 32,844 or 33,755).
"""

from __future__ import annotations

import numpy as np

from etl.demo import writers
from etl.demo.areas import Areas

PATHS = {
    "iod2025": "mhclg/File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv",
    "iod2019": "mhclg/File_7_-_All_IoD2019_Scores__Ranks__Deciles_and_Population_Denominators_3.csv",
}
RANK = "Rank (where 1 is most deprived)"
DECILE = "Decile (where 1 is most deprived 10% of LSOAs)"
DOMAINS = ("Index of Multiple Deprivation (IMD) Score", f"Index of Multiple Deprivation (IMD) {RANK}",
           f"Index of Multiple Deprivation (IMD) {DECILE}", "Income Score (rate)", f"Income {RANK}",
           f"Income {DECILE}", "Employment Score (rate)", f"Employment {RANK}", f"Employment {DECILE}")
HEADERS = {
    "iod2025": ("LSOA code (2021)", "LSOA name (2021)", "Local Authority District code (2024)",
                "Local Authority District name (2024)", *DOMAINS, "Total population: mid 2022",
                "Dependent Children aged 0-15: mid 2022", "Older population aged 60 and over: mid 2022",
                "Working age population 18-66 (for use with Employment Deprivation Domain): mid 2022"),
    "iod2019": ("LSOA code (2011)", "LSOA name (2011)", "Local Authority District code (2019)",
                "Local Authority District name (2019)", *DOMAINS,
                "Total population: mid 2015 (excluding prisoners)",
                "Dependent Children aged 0-15: mid 2015 (excluding prisoners)",
                "Population aged 16-59: mid 2015 (excluding prisoners)",
                "Older population aged 60 and over: mid 2015 (excluding prisoners)",
                "Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners)"),
}


def _field(rng: np.random.Generator, xy: np.ndarray) -> np.ndarray:
    """0..1 per point: deprived cores (at random points) fading with distance."""
    span = float(np.ptp(xy, axis=0).max()) or 1.0
    cores = xy[rng.choice(len(xy), size=min(len(xy), max(3, len(xy) // 150)), replace=False)]
    reach = span * rng.uniform(0.04, 0.12, len(cores))
    distance = np.sqrt(((xy[:, None, :] - cores[None, :, :]) ** 2).sum(axis=2)) if len(xy) <= 2_000 \
        else _nearest_distances(xy, cores)
    return np.clip(np.exp(-((distance / reach) ** 2)).max(axis=1), 0, 1)


def _nearest_distances(xy: np.ndarray, cores: np.ndarray) -> np.ndarray:
    """Distances to every core in chunks, so England's 33,000 points by 220 cores stay small."""
    out = np.empty((len(xy), len(cores)))
    for start in range(0, len(xy), 4_096):
        part = xy[start:start + 4_096]
        out[start:start + 4_096] = np.sqrt(((part[:, None, :] - cores[None, :, :]) ** 2).sum(axis=2))
    return out


def _scores(rng: np.random.Generator, field: np.ndarray) -> np.ndarray:
    return np.round(np.clip((6 + 55 * field) * rng.lognormal(0, 0.45, len(field)), 0.5, 92.0), 3)


def _ranked(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank (1 the highest score) and decile (1 the most deprived tenth) as MHCLG assigns them."""
    order = np.argsort(-scores, kind="stable")
    rank = np.empty(len(scores), dtype=int)
    rank[order] = np.arange(1, len(scores) + 1)
    return rank, np.ceil(10 * rank / len(scores)).astype(int)


def _domain_columns(rng: np.random.Generator, imd: np.ndarray) -> list[np.ndarray]:
    income = np.round(np.clip(imd / 190 + rng.normal(0, 0.02, len(imd)), 0.005, 0.6), 3)
    employment = np.round(np.clip(imd / 240 + rng.normal(0, 0.02, len(imd)), 0.005, 0.5), 3)
    columns = [imd, *_ranked(imd)]
    for score in (income, employment):
        columns += [score, *_ranked(score)]
    return columns


def _population_columns(rng: np.random.Generator, total: np.ndarray, bands: int) -> list[np.ndarray]:
    children = np.round(total * rng.uniform(0.15, 0.24, len(total))).astype(int)
    older = np.round(total * rng.uniform(0.14, 0.30, len(total))).astype(int)
    middle = total - children - older
    working = np.round(middle * rng.uniform(0.9, 1.05, len(total))).astype(int)
    return [total, children, middle, older, working] if bands == 5 else [total, children, older, working]


def write_iod(out, rng: np.random.Generator, areas: Areas) -> dict:
    """Write both File 7s; return the manifest's planted summary (LSOAs and score range per release)."""
    english = np.flatnonzero(areas.english)
    field = _field(rng, areas.xy[english])
    score21 = _scores(rng, field)
    population21 = rng.integers(1_100, 2_900, len(english))
    lad = [areas.lads[areas.lad_of[i]] for i in english]
    order = np.argsort(areas.code21[english].astype(str), kind="stable")

    columns = _domain_columns(rng, score21) + _population_columns(rng, population21, 4)
    rows = [(str(areas.code21[english[k]]), str(areas.name21[english[k]]), lad[k].code, lad[k].name,
             *(str(column[k]) for column in columns)) for k in order]
    writers.write_csv(out(PATHS["iod2025"], "iod2025"), HEADERS["iod2025"], rows)

    # IoD2019 on 2011 LSOAs: each 2011 code with the 2021 LSOAs it covers (one for U, M; several for S)
    parts: dict[str, list[int]] = {}
    for k, i in enumerate(english):
        codes = areas.code11_of[i]
        for code in codes:
            parts.setdefault(code, []).append(k)
    codes11 = sorted(parts)
    field11 = np.array([field[parts[c]].mean() for c in codes11])
    score11 = _scores(rng, field11)
    population11 = np.array([
        sum(population21[k] / len(areas.code11_of[english[k]]) for k in parts[c]) for c in codes11
    ]).round().astype(int)
    columns = _domain_columns(rng, score11) + _population_columns(rng, population11, 5)
    rows = [(c, areas.name11[c], lad[parts[c][0]].code, lad[parts[c][0]].name, *(str(column[k]) for column in columns))
            for k, c in enumerate(codes11)]
    # MHCLG's CSV starts with a byte-order mark (FORMATS.md §6d); CRLF as Windows-made CSVs have it
    writers.write_csv(out(PATHS["iod2019"], "iod2019"), HEADERS["iod2019"], rows, newline="\r\n", bom=True)
    return {
        "iod2025": {"lsoas": len(english), "score_min": float(score21.min()), "score_max": float(score21.max())},
        "iod2019": {"lsoas": len(codes11), "score_min": float(score11.min()), "score_max": float(score11.max())},
        "note": "invented scores; ranks and deciles among the fictional LSOAs only",
    }
