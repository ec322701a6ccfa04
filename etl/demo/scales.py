"""The two sizes of fictional area, as plain numbers.

Everything size-dependent lives here so the other modules read as one algorithm. The demo is small
enough for tests (a few seconds); the england scale matches the national file sizes (about 6,300
practices, 33,800 LSOAs and 1.0-1.2 million practice x LSOA rows per quarter) so that the ETL and
the dashboard can be timed against a realistic load. Both scales share every planted fact.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settlements:
    """Where LSOA centroids cluster. Counts are LSOAs; sigmas are km (Gaussian spread)."""

    capital: int  # one big city, carved into London-borough-shaped E09 LADs
    capital_sigma: float
    conurbations: tuple[int, ...]  # each carved into metropolitan E08 LADs
    conurbation_sigma: float
    towns: int  # towns that become unitary authorities
    town_size: tuple[int, int]
    town_sigma: tuple[float, float]
    small_towns: int  # market towns inside counties
    small_town_size: tuple[int, int]
    small_town_sigma: float


@dataclass(frozen=True)
class ScaleSpec:
    name: str
    half_width_km: float  # outline of the area (a wobbly ellipse)
    half_height_km: float
    n_lsoa: int  # English 2021 LSOAs
    n_welsh: int  # Welsh 2021 LSOAs along the western edge
    min_spacing_km: float
    settlements: Settlements
    # councils: LADs per kind; counties each get several districts
    n_london: int
    mets_per_conurbation: int
    n_unitary: int
    n_rural_unitary: int  # unitaries seeded in the countryside rather than on a town
    n_county: int
    n_district: int
    n_region: int
    n_icb: int
    n_sub_icb: int
    n_practices: int
    mean_pcn_size: float
    n_boundary_practices: int  # practices put on a council boundary, with a branch surgery across it
    n_split: int  # 2011 LSOAs split into two 2021 LSOAs
    n_merge: int  # pairs of 2011 LSOAs merged into one 2021 LSOA
    lsoa_pop_mean: float
    lsoa_pop_sd: float
    welsh_pop_share: float  # share of a Welsh LSOA's residents registered in England
    list_median: float  # practice list size target (lognormal)
    list_sigma: float
    candidates: int  # nearest practices an LSOA's residents can register with
    # gravity model: share of each LSOA's residents spread evenly over the candidates. 4% is about
    # 2 patients per tail cell, so most cells still hold someone: 1.09M rows a quarter at england
    # scale, as the real file (840k in 2021, 1.18M in 2025)
    tail_share: float
    special_practices: int  # practices per release with CLOSED / EMPTY / pseudo-code rows
    residential_postcodes_per_lsoa: int
    historic_closed: int  # practices closed before 2023 (only in epraccur)
    non_practices: int  # walk-in centres, out-of-hours services ... (only in epraccur)
    postcode_cell_km: float  # size of a postcode district


DEMO = ScaleSpec(
    name="demo",
    half_width_km=20.0,
    half_height_km=15.0,
    n_lsoa=590,
    n_welsh=8,
    min_spacing_km=0.18,
    settlements=Settlements(
        capital=0, capital_sigma=0.0,
        conurbations=(190,), conurbation_sigma=2.6,
        towns=1, town_size=(95, 95), town_sigma=(1.7, 1.7),
        small_towns=5, small_town_size=(14, 22), small_town_sigma=0.7,
    ),
    n_london=0,
    mets_per_conurbation=1,
    n_unitary=1,
    n_rural_unitary=0,
    n_county=1,
    n_district=3,
    n_region=1,
    n_icb=1,
    n_sub_icb=3,
    n_practices=90,
    mean_pcn_size=7.0,
    n_boundary_practices=4,  # with the planted 30% practice, the demo's "handful" over 25%
    n_split=3,
    n_merge=1,
    lsoa_pop_mean=1360.0,
    lsoa_pop_sd=140.0,
    welsh_pop_share=0.08,
    list_median=8600.0,
    list_sigma=0.4,
    candidates=30,
    tail_share=0.04,
    special_practices=4,
    residential_postcodes_per_lsoa=2,
    historic_closed=2,
    non_practices=5,
    postcode_cell_km=5.0,
)

ENGLAND = ScaleSpec(
    name="england",
    half_width_km=175.0,
    half_height_km=235.0,
    n_lsoa=33_800,
    n_welsh=40,
    min_spacing_km=0.12,
    settlements=Settlements(
        capital=4_900, capital_sigma=10.0,
        conurbations=(1_350, 1_250, 1_150, 1_100, 1_050, 1_000), conurbation_sigma=5.5,
        towns=53, town_size=(60, 200), town_sigma=(1.8, 3.2),
        small_towns=420, small_town_size=(8, 30), small_town_sigma=0.8,
    ),
    n_london=32,
    mets_per_conurbation=6,
    n_unitary=61,
    n_rural_unitary=8,
    n_county=21,
    n_district=164,
    n_region=7,
    n_icb=42,
    n_sub_icb=106,
    n_practices=6_300,
    mean_pcn_size=5.04,
    n_boundary_practices=40,  # 0.6% of practices; with the natural ones, 4.6% over 25%
    n_split=24,
    n_merge=6,
    lsoa_pop_mean=1700.0,
    lsoa_pop_sd=210.0,
    welsh_pop_share=0.06,
    list_median=8300.0,
    list_sigma=0.45,
    candidates=36,
    tail_share=0.04,
    special_practices=120,
    residential_postcodes_per_lsoa=1,
    historic_closed=25,
    non_practices=150,
    postcode_cell_km=15.0,
)

SCALES = {spec.name: spec for spec in (DEMO, ENGLAND)}


def get_scale(name: str) -> ScaleSpec:
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown scale {name!r}: choose one of {', '.join(SCALES)}") from None
