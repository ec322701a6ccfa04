"""Every fictional name and code range the demo generator uses, defined in one place.

The demo area must look real to the ETL (same code *shapes* as the published files) and must never
be mistaken for a real place, so each code family sits in a block that real data does not use:

* ONS codes keep their real 3-character entity prefix (E01 LSOA, E06 unitary ...) followed by
  ``09`` or ``9``: real English codes stop far below (LSOAs near E01035xxx, LADs near E0x0002xx).
* ODS codes were checked against the real ``gp-reg-pat-prac-map.csv`` (Oct 2025, 6,202 practices)
  and ``epraccur.csv`` (Nov 2021, 14,963 organisations) in ../shared/realdata: no practice code
  starts ``Y9``; no 3-character code ends in ``Z`` or ``U``; no ICB code starts ``QZ`` or ``QQ``;
  regions stop at Y63 (plus Y99); and the two PCN blocks below are the two widest gaps between the
  real PCN codes. tests/demo/test_demo_fictional_codes.py re-checks all of this when realdata exists.
* Postcodes use areas starting with ``Q``, which no real UK postcode area does.
* Telephone numbers come from Ofcom's ranges reserved for drama (e.g. 01632 960xxx).

Place names are built from syllables, which keeps them pronounceable and (almost always)
non-existent; names a user sees as an organisation say "(fictional)" where the brief asks for it.
"""

from __future__ import annotations

import numpy as np

# --- ONS codes: (prefix, first number, last number); the code is prefix + zero-padded number ----
# 9-character codes: 3-character entity prefix + 6 digits.
ONS_BLOCKS = {
    "lsoa_england": ("E01", 900_000, 999_999),   # E019xxxxx; the demo starts at E01990000
    "lsoa_wales": ("W01", 990_000, 999_999),     # W0199xxxx
    "msoa_england": ("E02", 900_000, 999_999),   # E029xxxxx
    "msoa_wales": ("W02", 990_000, 999_999),
    "oa_england": ("E00", 900_000, 999_999),     # output areas, for the postcode directory
    "oa_wales": ("W00", 990_000, 999_999),
    "unitary": ("E06", 90_000, 99_999),          # E0609xxxx
    "district": ("E07", 90_000, 99_999),
    "metropolitan": ("E08", 90_000, 99_999),
    "london": ("E09", 90_000, 99_999),
    "county": ("E10", 90_000, 99_999),
    "welsh_unitary": ("W06", 90_000, 99_999),
    "ward_england": ("E05", 90_000, 99_999),     # E0509xxxx: at most 10,000 wards
    "ward_wales": ("W05", 90_000, 99_999),
    "ced": ("E58", 90_000, 99_999),              # county electoral divisions
    "sub_icb": ("E38", 90_000, 99_999),
    "icb": ("E54", 90_000, 99_999),
    "nhs_region": ("E40", 90_000, 99_999),
    "ons_region": ("E12", 90_000, 99_999),
}
# The demo's first codes sit at the top of each block so that demo and england never share codes.
DEMO_LSOA_START = 990_000
ENGLAND_LSOA_START = 900_000

# Real national codes that a fictional area legitimately uses (they name countries, not places).
COUNTRY_ENGLAND = "E92000001"
COUNTRY_WALES = "W92000004"
PSEUDO_ENGLAND = "E99999999"  # ONSPD: "not applicable" in England (e.g. cty for unitary areas)
PSEUDO_WALES = "W99999999"


def ons_code(block: str, index: int, start: int | None = None) -> str:
    """The ``index``-th code of a block (0-based), optionally from a later ``start`` number."""
    prefix, first, last = ONS_BLOCKS[block]
    number = (first if start is None else start) + index
    if not first <= number <= last:
        raise ValueError(f"fictional {block} code block exhausted at index {index}")
    return f"{prefix}{number:06d}"


def ons_codes(block: str, count: int, start: int | None = None) -> list[str]:
    return [ons_code(block, i, start) for i in range(count)]


# --- ODS codes ------------------------------------------------------------------------------------
PRACTICE_CODE_RANGE = (90_000, 99_999)  # "Y9" + 4 digits: Y90000-Y99999, absent from real files


def practice_code(number: int) -> str:
    if not PRACTICE_CODE_RANGE[0] <= number <= PRACTICE_CODE_RANGE[1]:
        raise ValueError("fictional practice code range exhausted")
    return f"Y{number:05d}"


# Widest gaps between real PCN codes (real U22506 .. U23362 and U41041 .. U41523 exist).
PCN_CODE_RANGES = ((22_507, 23_361), (41_042, 41_522))


def pcn_codes(count: int) -> list[str]:
    numbers = [n for lo, hi in PCN_CODE_RANGES for n in range(lo, hi + 1)]
    if count > len(numbers):
        raise ValueError(f"only {len(numbers)} fictional PCN codes are available")
    return [f"U{n:05d}" for n in numbers[:count]]


# Sub-ICB (old CCG) codes in the real "\d\d[A-Z]" shape; real third letters never include Z or U.
SUB_ICB_ODS_CODES = tuple(f"{n:02d}Z" for n in range(100)) + tuple(f"{n:02d}U" for n in range(100))
_ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O, as ODS avoids them
ICB_ODS_CODES = tuple("QZ" + c for c in _ALNUM) + tuple("QQ" + c for c in _ALNUM)
REGION_ODS_CODES = tuple(f"Y{n}" for n in range(90, 99))  # real: Y54-Y63 and Y99

# --- postcodes -------------------------------------------------------------------------------------
# No real UK postcode area starts with Q. The demo uses QX only; the england scale needs more.
POSTCODE_AREAS = ("QX", "QY", "QZ", "QW", "QV", "QU", "QT", "QS")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters real inward codes use (no C I K M O V)

# --- telephone numbers: Ofcom's drama ranges (1,000 numbers each) ----------------------------------
DRAMA_PHONE_PREFIXES = (
    "01632 960", "0113 496 0", "0114 496 0", "0115 496 0", "0116 496 0", "0117 496 0",
    "0118 496 0", "0121 496 0", "0131 496 0", "0141 496 0", "0151 496 0", "0161 496 0",
    "0191 498 0", "020 7946 0", "029 2018 0",
)


def phone_number(index: int) -> str:
    prefix = DRAMA_PHONE_PREFIXES[(index // 1000) % len(DRAMA_PHONE_PREFIXES)]
    return f"{prefix}{index % 1000:03d}"


# --- names -----------------------------------------------------------------------------------------
_PREFIXES = (
    "Wyv", "Quen", "Brisk", "Carn", "Dorv", "Elsk", "Frax", "Gild", "Harr", "Isk", "Jorr", "Kell",
    "Lorv", "Mard", "Nesh", "Orl", "Pell", "Quar", "Rusk", "Sarn", "Tosk", "Ulm", "Varr", "Wenn",
    "Yarl", "Zenn", "Ambr", "Brack", "Drey", "Fenn", "Hask", "Merr", "Thrim", "Vesk",
)
_MIDDLES = ("er", "en", "an", "in", "el", "ow", "ar", "is", "ern")
_SUFFIXES = (
    "ford", "ley", "ton", "bury", "by", "wick", "ham", "stow", "field", "worth", "mere", "combe",
    "thorpe", "bridge", "dale", "holme", "hurst", "well", "cote", "minster",
)
PLACE_NAME_COUNT = len(_PREFIXES) * len(_MIDDLES) * len(_SUFFIXES)

# The brief's own examples name the demo's unitary town and its ICB.
DEMO_UNITARY_NAME = "Wyvernford"
DEMO_ICB_AREA_NAME = "Wyvern Vale"

ICB_AREA_WORDS = ("Vale", "Marches", "Downs", "Valley", "Forest", "Wolds", "Moors", "Fens", "Coast", "Dales")
REGION_NAMES = (
    "Middle Marches", "Northmarch", "Eastmarch", "Westmarch", "Southmarch", "Capital March", "Highmarch",
    "Lowmarch", "Farmarch",
)
WELSH_LAD_NAME = ("Llanwyvern", "Sir Llanwyfern")  # English name, Welsh name (LAD22NMW)
COMPASS = ("North", "North East", "East", "South East", "South", "South West", "West", "North West")
FICTIONAL = "(fictional)"

STREETS = (
    "HIGH STREET", "CHURCH ROAD", "STATION ROAD", "MILL LANE", "PARK ROAD", "MARKET PLACE",
    "VICTORIA ROAD", "QUEEN STREET", "NEW ROAD", "GREEN LANE", "ALBERT ROAD", "BRIDGE STREET",
    "SCHOOL LANE", "MANOR ROAD", "KINGS ROAD", "WELL LANE",
)
BUILDINGS = (
    "THE HEALTH CENTRE", "THE SURGERY", "THE MEDICAL CENTRE", "PRIMARY CARE CENTRE",
    "THE OLD VICARAGE", "RIVERSIDE HOUSE", "ORCHARD COURT", "THE HEALTH VILLAGE",
)
PRACTICE_SUFFIXES = (
    "MEDICAL CENTRE", "SURGERY", "HEALTH CENTRE", "MEDICAL PRACTICE", "FAMILY PRACTICE",
    "GROUP PRACTICE", "PARTNERSHIP",
)
TREES = ("ELMS", "LIMES", "OAKS", "BEECHES", "WILLOWS", "CEDARS", "LAURELS", "HOLLIES", "MAPLES", "ROWANS")
NON_PRACTICE_KINDS = (  # (prescribing setting, name template)
    ("1", "{place} WALK-IN CENTRE"),
    ("2", "{place} OUT OF HOURS SERVICE"),
    ("0", "{place} COMMUNITY DENTAL SERVICE"),
    ("0", "{place} SEXUAL HEALTH CLINIC"),
    ("1", "{place} URGENT TREATMENT WALK-IN"),
)


def place_names(rng: np.random.Generator, count: int, exclude: set[str] = frozenset()) -> list[str]:
    """``count`` distinct syllable-built place names, in a seed-determined order."""
    pool = PLACE_NAME_COUNT
    if count + len(exclude) > pool:
        raise ValueError("not enough fictional place names")
    n_mid, n_suf = len(_MIDDLES), len(_SUFFIXES)
    out: list[str] = []
    seen = set(exclude)
    for idx in rng.permutation(pool):
        p, rest = divmod(int(idx), n_mid * n_suf)
        m, s = divmod(rest, n_suf)
        name = _PREFIXES[p] + _MIDDLES[m] + _SUFFIXES[s]
        if name in seen:
            continue
        seen.add(name)
        out.append(name)
        if len(out) == count:
            break
    return out


def shire_name(place: str) -> str:
    """A county name from a place name: strip the place suffix, add 'shire' (Wyvernford -> Wyvernshire)."""
    for suffix in sorted(_SUFFIXES, key=len, reverse=True):
        if place.endswith(suffix) and len(place) > len(suffix) + 2:
            return place[: -len(suffix)] + "shire"
    return place + "shire"


def council_display_name(name: str, tier: str) -> str:
    """The council's own name, marked fictional (shown by the dashboard)."""
    label = {
        "county": f"{name} County Council",
        "unitary": f"{name} Council",
        "metropolitan": f"{name} Metropolitan Borough Council",
        "london": f"London Borough of {name}",
        "welsh_unitary": f"{name} County Council",
    }[tier]
    return f"{label} {FICTIONAL}"


def icb_name(area: str) -> str:
    return f"NHS {area} Integrated Care Board {FICTIONAL}"


def sub_icb_name(area: str, ods_code: str) -> str:
    return f"NHS {area} ICB - {ods_code}"
