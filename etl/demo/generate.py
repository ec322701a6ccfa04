"""Generate the fictional area: raw files in the real published layouts, plus manifest.json.

Orchestration only: geography -> areas -> practices -> registrations -> files, then the
practice-side sources (adoption -> SUS activity, Fingertips, council social care extracts, the
joint-working return). Each stage draws from its own child of one SeedSequence (STREAMS), so a
change inside one stage does not reshuffle the others. The manifest's planted facts are
recomputed from the rows that were written (in the generator's 2021-LSOA space, which the 2011
re-coding preserves council by council) and checked before returning, so a manifest can never
promise something the files do not contain.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from etl.demo import (
    activity,
    adoption,
    ascof,
    bcf,
    deprivation,
    fingertips,
    geography,
    joint_working,
    social_care,
    writers,
)
from etl.demo import fictional as fx
from etl.demo import months as mo
from etl.demo.areas import Areas, build_areas
from etl.demo.postcodes import assign_postcodes, pcd7, pcd8
from etl.demo.practices import CLOSE_DATE, JOIN_DATE, Practices, build_practices
from etl.demo.registrations import (
    AGE_BANDS,
    CLOSE_QUARTER,
    FIRST_2021_QUARTER,
    OUT_OF_AREA_SHARE,
    QUARTERS,
    Registrations,
    build_registrations,
)
from etl.demo.scales import ScaleSpec, get_scale

BOUNDARY_THRESHOLD = 0.25
TERMINATED_ON = "202306"  # doterm of the one terminated postcode (ONSPD: YYYYMM)
ONSPD_COLUMNS = ("pcd", "pcd2", "pcds", "dointr", "doterm", "usertype", "oseast1m", "osnrth1m", "osgrdind",
                 "oa21", "cty", "ced", "laua", "ward", "nhser", "ctry", "rgn", "lsoa21", "msoa21", "lat", "long",
                 "icb", "sicbl")

# One SeedSequence child per stage, in this order. A new stage appends its name: never reorder or
# insert, so that the files of the earlier stages keep their bytes.
STREAMS = ("geography", "areas", "practices", "registrations", "postcodes",
           "adoption", "activity", "fingertips", "social_care", "joint_working", "ascof", "bcf", "deprivation")
LISTS_FROM = mo.month_number(2019, 4)  # Fingertips' first financial year, 2019/20

# manifest["files"] kinds are the ETL's source names (etl/sources.yml); kinds not listed here are
# source names already
FILES = {
    "lsoa": "registrations", "map": "practice_map", "quin": "practice_age", "epraccur": "epraccur",
    "lsoa_lad": "lsoa_lad", "ltla_utla": "lad_upper_tier", "onspd": "postcode_directory",
    "exact_fit": "lsoa11_lsoa21", "localities": "council_localities", "geojson": "lsoa_boundaries",
}
PATHS = {
    "epraccur": "ods/epraccur.csv",
    "lsoa_lad": "ons/LSOA21_WD24_LAD24_EW_LU.csv",
    "ltla_utla": "ons/LTLA24_UTLA24_EW_LU.csv",
    "onspd": "ons/ONSPD_NOV_2025_UK_extract.csv",
    "exact_fit": "ons/LSOA11_LSOA21_LAD22_EW_LU_exact_fit.csv",
    "localities": "local/council_localities.csv",
    "geojson": "ons/LSOA_2021_EW_BGC.geojson",
}


@dataclass
class Base:
    """The area, its practices and their registrations: what every source is written from."""

    spec: ScaleSpec
    rngs: dict[str, np.random.Generator]
    outline: object
    cells: np.ndarray
    areas: Areas
    practices: Practices
    registrations: Registrations


def build_base(seed: int = 42, scale: str = "demo") -> Base:
    """One random stream per stage (STREAMS), so tests can rebuild the base exactly as generate() does."""
    spec = get_scale(scale)
    seeds = np.random.SeedSequence(seed).spawn(len(STREAMS))
    rngs = {name: np.random.default_rng(s) for name, s in zip(STREAMS, seeds)}
    outline = geography.make_outline(rngs["geography"], spec)
    plan = geography.plan_settlements(rngs["geography"], spec, outline)
    xy, origin = geography.sample_points(rngs["geography"], spec, outline, plan)
    cells = geography.voronoi_cells(xy, outline)
    adj = geography.adjacency(cells)
    areas = build_areas(rngs["areas"], spec, xy, origin, plan, adj)
    pr = build_practices(rngs["practices"], spec, areas, cells, adj)
    reg = build_registrations(rngs["registrations"], spec, areas, pr)
    return Base(spec, rngs, outline, cells, areas, pr, reg)


def generate(out_dir: Path, seed: int = 42, scale: str = "demo", effect: bool = True) -> dict:
    """Write the raw files and manifest.json into out_dir (created if missing); return the manifest.

    effect=False writes the same area and the same joint-working adoption with no planted effect."""
    out_dir = Path(out_dir)
    base = build_base(seed, scale)
    spec, rngs, outline, cells = base.spec, base.rngs, base.outline, base.cells
    areas, pr, reg = base.areas, base.practices, base.registrations
    postcode_rows, practice_postcode = _postcodes(rngs["postcodes"], spec, areas, pr, cells, outline)

    files: dict[str, str] = {}

    def out(rel: str, kind: str) -> Path:
        files[rel] = FILES.get(kind, kind)
        return out_dir / rel

    _write_nhs(out, areas, pr, reg, practice_postcode)
    writers.write_epraccur(out(PATHS["epraccur"], "epraccur"), _epraccur_rows(areas, pr))
    _write_ons(out, areas, postcode_rows, cells)
    practice_side = _practice_sources(out, rngs, areas, pr, reg, effect)
    council_side = {"ascof": ascof.write_ascof(out, rngs["ascof"], areas, pr, reg),
                    "bcf": bcf.write_bcf(out, rngs["bcf"], areas, pr, reg),
                    "deprivation": deprivation.write_iod(out, rngs["deprivation"], areas)}

    planted = _planted(spec, areas, pr, reg)
    planted.update(practice_side.planted)
    planted.update(council_side)
    manifest = {
        "generator": "jointcare demo",
        "fictional": True,
        "note": "Every code, name, postcode and number in these files is invented. Do not edit: regenerate "
                "with `jointcare demo`.",
        "seed": seed,
        "scale": spec.name,
        "quarters": [q.isoformat() for q in QUARTERS],
        "files": dict(sorted(files.items())),
        "file_sha256": {rel: _sha256(out_dir / rel) for rel in sorted(files)},
        "counts": _counts(spec, areas, pr, reg, postcode_rows),
        "councils": [
            {"code": c.code, "name": c.display_name, "ons_name": c.name, "tier": c.tier,
             "lads": [areas.lads[i].code for i in c.lads],
             "icb_code": areas.icbs[c.icb].ods if c.icb >= 0 else None}
            for c in areas.councils
        ],
        "nhs": _nhs_summary(areas, pr),
        "releases": {
            q.isoformat(): {
                "folder": writers.release_folder(q),
                "extract_date": writers.format_date(q, writers.release_quirk(q)[0]),
                "count_header": writers.release_quirk(q)[1],
                "lsoa_vintage": 2011 if k < FIRST_2021_QUARTER else 2021,
                "rows": int(len(reg.releases[k].count)),
                "practices": int(reg.releases[k].open.sum()),
            }
            for k, q in enumerate(QUARTERS)
        },
        "planted": planted,
    }
    writers.write_manifest(out_dir / "manifest.json", manifest)
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


# ---- postcodes ----------------------------------------------------------------------------------------
def _jitter_inside(rng, centre_xy, cells, lsoa, nn):
    angle = rng.uniform(0, 2 * np.pi, len(lsoa))
    r = 0.35 * nn * np.sqrt(rng.uniform(0, 1, len(lsoa)))
    pts = centre_xy + np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    inside = shapely.contains_xy(cells[lsoa], pts[:, 0], pts[:, 1])
    pts[~inside] = centre_xy[~inside]
    return pts


def _postcodes(rng, spec, areas: Areas, pr: Practices, cells, outline):
    """ONSPD rows: every organisation's postcode, some residential ones, one terminated one."""
    n = len(areas.xy)
    org_xy = np.array([o.xy for o in pr.orgs])
    org_lsoa = np.array([o.lsoa for o in pr.orgs])
    res_lsoa = np.repeat(np.arange(n), spec.residential_postcodes_per_lsoa)
    nn = geography.nearest_distance(areas.xy)
    res_xy = _jitter_inside(rng, areas.xy[res_lsoa], cells, res_lsoa, nn[res_lsoa])
    term_lsoa = np.array([int(rng.choice(np.flatnonzero(areas.english)))])
    term_xy = _jitter_inside(rng, areas.xy[term_lsoa], cells, term_lsoa, nn[term_lsoa])
    all_xy = np.vstack([org_xy, res_xy, term_xy])
    all_lsoa = np.concatenate([org_lsoa, res_lsoa, term_lsoa])
    codes = assign_postcodes(rng, all_xy, outline.bounds, spec.postcode_cell_km)
    for org, code in zip(pr.orgs, codes):
        org.postcode = code
    practice_postcode = [""] * pr.n
    for org in pr.orgs:
        if org.practice >= 0:
            practice_postcode[org.practice] = org.postcode

    osgb = geography.to_osgb(all_xy)
    lonlat = geography.to_lonlat(all_xy)
    n_org = len(pr.orgs)
    usertype = (rng.uniform(size=len(all_xy)) < 0.04).astype(int)
    usertype[:n_org] = (rng.uniform(size=n_org) < 0.3).astype(int)  # many practices are large users
    oa_pick = rng.integers(0, 2, len(all_xy))
    dointr = [f"{int(y)}{int(m):02d}"
              for y, m in zip(rng.integers(1980, 2015, len(all_xy)), rng.integers(1, 13, len(all_xy)))]
    rows = []
    for k, (code, i) in enumerate(zip(codes, all_lsoa.tolist())):
        lad = areas.lads[areas.lad_of[i]]
        council = areas.councils[lad.council]
        welsh = lad.tier == "welsh_unitary"
        ward = areas.ward_of[i]
        if welsh:
            cty, nhser, rgn, icb, sicbl, ctry = (fx.PSEUDO_WALES,) * 5 + (fx.COUNTRY_WALES,)
        else:
            sub = areas.sub_icbs[lad.sub_icb]
            icb_area = areas.icbs[sub.parent]
            cty = council.code if council.tier == "county" else fx.PSEUDO_ENGLAND
            nhser, rgn = areas.regions[icb_area.parent].ons, areas.ons_regions[icb_area.parent]
            icb, sicbl, ctry = icb_area.ons, sub.ons, fx.COUNTRY_ENGLAND
        rows.append((
            pcd7(code), pcd8(code), code, dointr[k], TERMINATED_ON if k == len(codes) - 1 else "",
            str(usertype[k]), str(osgb[k, 0]), str(osgb[k, 1]), "1", areas.oa_codes[i][oa_pick[k]], cty,
            areas.ced_of_ward[ward], lad.code, areas.ward_codes[ward], nhser, ctry, rgn, str(areas.code21[i]),
            areas.msoa_codes[areas.msoa_of[i]], f"{lonlat[k, 1]:.6f}", f"{lonlat[k, 0]:.6f}", icb, sicbl,
        ))
    rows.sort(key=lambda r: r[0])
    return rows, practice_postcode


# ---- NHS files ----------------------------------------------------------------------------------------
def _write_nhs(out, areas: Areas, pr: Practices, reg: Registrations, postcode) -> None:
    map_fields = []
    for i in range(pr.n):
        sub = areas.sub_icbs[pr.sub_icb[i]]
        icb = areas.icbs[sub.parent]
        region = areas.regions[icb.parent]
        map_fields.append((pr.code[i], pr.name[i], postcode[i], pr.pcn_codes[pr.pcn[i]], pr.pcn_names[pr.pcn[i]],
                           sub.ons, sub.ods, sub.name, icb.ons, icb.ods, icb.name, region.ons, region.ods,
                           region.name, pr.supplier[i]))
    for rel in reg.releases:
        folder = writers.release_folder(rel.when)
        writers.write_lsoa_file(out(f"{folder}/gp-reg-pat-prac-lsoa-all.csv", "lsoa"), rel.when, pr.code, pr.name,
                                reg.code_table, rel.practice, rel.place, rel.count)
        writers.write_map_file(out(f"{folder}/gp-reg-pat-prac-map.csv", "map"), rel.when,
                               [map_fields[i] for i in range(pr.n) if rel.open[i]])
        open_practices = [(i, pr.code[i], areas.sub_icbs[pr.sub_icb[i]].ons, postcode[i])
                          for i in range(pr.n) if rel.open[i]]
        writers.write_quin_age_file(out(f"{folder}/gp-reg-pat-prac-quin-age.csv", "quin"), rel.when, open_practices,
                                    rel.ages, AGE_BANDS)


def _epraccur_rows(areas: Areas, pr: Practices) -> list[tuple[str, ...]]:
    rows = []
    for org in pr.orgs:
        sub = areas.sub_icbs[org.sub_icb]
        icb = areas.icbs[sub.parent]
        region = areas.regions[icb.parent]
        left = org.close_date if org.status == "C" else ""
        join = JOIN_DATE if org.status == "A" or org.close_date >= JOIN_DATE else "20130401"
        rows.append((
            org.code, org.name, region.ods, icb.ods, *org.address, org.postcode, org.open_date, org.close_date,
            org.status, "B", sub.ods, join, left, org.phone, "", "", "", org.amended, "", sub.ods, "",
            org.setting, "",
        ))
    rows.sort(key=lambda r: r[0])
    return rows


# ---- ONS and local files ------------------------------------------------------------------------------
def _write_ons(out, areas: Areas, postcode_rows, cells) -> None:
    n = len(areas.xy)
    order = sorted(range(n), key=lambda i: areas.code21[i])
    writers.write_ons_lookup(
        out(PATHS["lsoa_lad"], "lsoa_lad"),
        ("LSOA21CD", "LSOA21NM", "WD24CD", "WD24NM", "LAD24CD", "LAD24NM", "ObjectId"),
        [(areas.code21[i], areas.name21[i], areas.ward_codes[areas.ward_of[i]], areas.ward_names[areas.ward_of[i]],
          areas.lads[areas.lad_of[i]].code, areas.lads[areas.lad_of[i]].name, str(k + 1)) for k, i in enumerate(order)],
    )
    lad_rows = []
    for lad in sorted(areas.lads, key=lambda x: x.code):
        council = areas.councils[lad.council]
        lad_rows.append((lad.code, lad.name, council.code, council.name))
    writers.write_ons_lookup(out(PATHS["ltla_utla"], "ltla_utla"),
                             ("LTLA24CD", "LTLA24NM", "UTLA24CD", "UTLA24NM", "ObjectId"),
                             [r + (str(k + 1),) for k, r in enumerate(lad_rows)])
    writers.write_onspd(out(PATHS["onspd"], "onspd"), ONSPD_COLUMNS, postcode_rows)
    writers.write_ons_lookup(
        out(PATHS["exact_fit"], "exact_fit"),
        ("LSOA11CD", "LSOA11NM", "LSOA21CD", "LSOA21NM", "CHGIND", "LAD22CD", "LAD22NM", "LAD22NMW", "ObjectId"),
        [(c11, n11, c21, n21, chg, areas.lads[lad].code, areas.lads[lad].name, areas.lads[lad].name_welsh, str(k + 1))
         for k, (c11, n11, c21, n21, chg, lad) in enumerate(areas.exact_fit)],
    )
    loc_rows = []
    for i in order:
        if areas.is_welsh[i]:
            continue
        loc = areas.localities[areas.locality_of[i]]
        council = areas.councils[loc.council]
        loc_rows.append((areas.code21[i], loc.code, loc.name, council.code, council.display_name))
    writers.write_local_csv(out(PATHS["localities"], "localities"),
                            ("LSOA21CD", "LOCALITY_CODE", "LOCALITY_NAME", "COUNCIL_CODE", "COUNCIL_NAME"), loc_rows)
    writers.write_geojson(out(PATHS["geojson"], "geojson"), areas.code21, areas.name21, cells, geography.to_lonlat)


# ---- practice-side sources (issue 3 §A, B, C, G, H) ------------------------------------------------------
@dataclass
class PracticeSources:
    lists: mo.MonthlyLists  # April 2019 .. September 2025
    adoption: adoption.Adoption
    activity: activity.Activity
    fingertips: fingertips.Fingertips
    social_care: social_care.SocialCare
    joint_working: joint_working.JointWorking
    planted: dict  # manifest["planted"] entries, by source name, plus "joint_working" (the effect)


def _practice_sources(out, rngs, areas: Areas, pr: Practices, reg: Registrations, effect: bool) -> PracticeSources:
    """One family at a time, each from its own stream; adoption first, as three families carry it."""
    lists = mo.monthly_lists(reg, pr, np.arange(LISTS_FROM, mo.WINDOW[-1] + 1))
    ad = adoption.draw_adoption(rngs["adoption"], pr, lists, effect)
    planted = {}

    act = activity.build_activity(rngs["activity"], pr, lists, ad)
    planted["sus_activity"] = activity.manifest(act, activity.write_sus(out, pr, act))

    ft = fingertips.build_fingertips(rngs["fingertips"], areas, pr, lists,
                                     act.practice_effect[:, activity.MEASURES.index("A&E attendances")])
    planted["fingertips"] = fingertips.manifest(pr, ft, fingertips.write_fingertips(out, areas, pr, ft))

    sc = social_care.build_social_care(rngs["social_care"], areas, pr, reg, lists, ad)
    planted["social_care_events"] = social_care.manifest(sc, social_care.write_social_care(out, areas, pr, sc))

    jw = joint_working.build_joint_working(rngs["joint_working"], pr, lists, ad)
    planted["joint_working_return"] = joint_working.manifest(pr, jw, joint_working.write_joint_working(out, pr, jw))

    planted["joint_working"] = _effect_planted(pr, ad, act, sc)
    _check_practice_sources(pr, ad, act, sc, jw)
    return PracticeSources(lists, ad, act, ft, sc, jw, planted)


def _ratio(before: int, after: int) -> float | None:
    return round(after / before, 4) if before else None


def _effect_planted(pr: Practices, ad: adoption.Adoption, act: activity.Activity, sc: social_care.SocialCare) -> dict:
    out = adoption.manifest(pr, ad)
    out.update({
        "secular_trend_pct_per_year": dict(zip(activity.MEASURES, activity.TREND_PCT.tolist())),
        "seasonality": {f"{m:02d}": float(v) for m, v in zip(range(1, 13), activity.SEASON)},
        "seasonality_note": "multiplier of the expected SUS counts by calendar month, shared by every practice",
        "realised": {
            "ae_bed_days_kept": _ratio(act.treated_before, act.treated_after),
            "residential_nursing_kept": _ratio(sc.treated_before, sc.treated_after),
            "note": "share of the adopters' affected events (after adoption) kept by the thinning: expected "
                    "1 - pct / 100, exactly 1 with no effect",
        },
    })
    return out


def _check_practice_sources(pr: Practices, ad, act, sc, jw) -> None:
    """The promises the manifest makes about these sources, checked on the arrays written."""
    share = len(ad.adopters) / max(int(ad.eligible.sum()), 1)
    if not 0.35 <= share <= 0.45:
        raise RuntimeError(f"{share:.0%} of practices adopt joint working, not about 40%")
    adopted = ad.adopted(mo.QUARTER_STARTS)
    jw01 = jw.numerator[..., joint_working.INDICATORS.index("JW01")]
    if not np.array_equal(jw01[jw.submitted], adopted[jw.submitted]):
        raise RuntimeError("JW01 does not follow the adoption")
    if act.counts[~act.open].any():
        raise RuntimeError("SUS activity for a closed practice")
    at_home, starts = sc.counts[..., social_care.AT_HOME], sc.counts[..., social_care.STARTS]
    if (at_home > starts).any():
        raise RuntimeError("more clients at home 91 days after reablement than reablement starts")
    for before, after, e in ((act.treated_before, act.treated_after, ad.e_hosp),
                             (sc.treated_before, sc.treated_after, ad.e_care)):
        if not ad.effect and before != after:
            raise RuntimeError("an effect was applied with effect=False")
        if ad.effect and before >= 1_000 and abs(after / before - (1 - e)) > 0.05:
            raise RuntimeError(f"the planted effect {e} came out as {1 - after / before:.3f}")


# ---- manifest -----------------------------------------------------------------------------------------
def _shares(areas: Areas, pr: Practices, reg: Registrations):
    """Per release and practice: patients in known LSOAs and those under another council."""
    council = areas.council_of
    known, other = [], []
    for lsoa, practice, count in reg.core:
        known.append(np.bincount(practice, weights=count, minlength=pr.n).astype(np.int64))
        away = council[lsoa] != pr.council[practice]
        other.append(np.bincount(practice, weights=count * away, minlength=pr.n).astype(np.int64))
    return np.array(known), np.array(other)  # (quarters, practices)


def _planted(spec, areas: Areas, pr: Practices, reg: Registrations) -> dict:
    qs = [q.isoformat() for q in QUARTERS]
    known, other = _shares(areas, pr, reg)
    is_open = np.array([rel.open for rel in reg.releases])
    share = np.where(known > 0, other / np.maximum(known, 1), 0.0)
    council_code = [areas.councils[c].code for c in pr.council]

    boundary = []
    for i in np.flatnonzero(((share > BOUNDARY_THRESHOLD) & is_open).any(axis=0)):
        open_q = np.flatnonzero(is_open[:, i])
        boundary.append({
            "practice_code": pr.code[i],
            "home_council_code": council_code[i],
            "share_other_council": {qs[q]: round(float(share[q, i]), 6) for q in open_q},
            "patients_other_council": {qs[q]: int(other[q, i]) for q in open_q},
            "patients_known_lsoas": {qs[q]: int(known[q, i]) for q in open_q},
        })
    if len(boundary) < 4:
        raise RuntimeError(f"only {len(boundary)} boundary practices over {BOUNDARY_THRESHOLD:.0%}")
    placed = [{"practice_code": pr.code[i], "home_council_code": council_code[i],
               "branch_lsoa21_code": str(areas.code21[pr.branch[i]]),
               "branch_council_code": areas.councils[areas.council_of[pr.branch[i]]].code}
              for i in np.flatnonzero(pr.boundary_placed)]

    p = reg.planted
    num, den = OUT_OF_AREA_SHARE
    for q in range(len(QUARTERS)):
        if other[q, p] * den != known[q, p] * num:
            raise RuntimeError(f"planted out-of-area share is not exact in {qs[q]}")
        if reg.releases[q].totals[p] != known[q, p]:
            raise RuntimeError("the planted practice has rows outside known LSOAs")

    c, s = pr.closed, pr.successor
    before = int(reg.releases[CLOSE_QUARTER - 1].totals[c])
    gain = int(reg.releases[CLOSE_QUARTER].totals[s] - reg.releases[CLOSE_QUARTER - 1].totals[s])
    if gain != reg.moved_to_successor or not 0.85 <= gain / before <= 0.95:
        raise RuntimeError("the planted closure did not move 85-95% of patients to the successor")

    # coterminosity of PCNs with council localities, in the latest release
    lsoa, practice, count = reg.core[-1]
    eng = ~areas.is_welsh[lsoa]
    pcn, loc = pr.pcn[practice[eng]], areas.locality_of[lsoa[eng]]
    n_loc = len(areas.localities)
    table = np.bincount(pcn * n_loc + loc, weights=count[eng], minlength=len(pr.pcn_codes) * n_loc).reshape(-1, n_loc)
    best = table.max(axis=1) / np.maximum(table.sum(axis=1), 1)
    best_loc = table.argmax(axis=1)

    trend = reg.trend
    totals = [int(rel.totals.sum()) for rel in reg.releases]
    specials = {}
    for q, rel in zip(qs, reg.releases):
        codes = np.array(reg.code_table, dtype=object)[rel.place]
        specials[q] = {
            "CLOSED": int((codes == "CLOSED").sum()), "EMPTY": int((codes == "EMPTY").sum()),
            "L99999999": int((codes == "L99999999").sum()), "M99999999": int((codes == "M99999999").sum()),
            "welsh_rows": int(np.char.startswith(codes.astype(str), "W01").sum()),
        }
    last = reg.releases[-1]
    return {
        "boundary_practices": {
            "definition": "share of a practice's patients resident in known English or Welsh LSOAs who live "
                          "under an upper-tier council other than the council of the practice's postcode; "
                          f"practices listed when the share exceeds {BOUNDARY_THRESHOLD} in any release",
            "practices": boundary,
            "placed_on_boundary": placed,
            "placed_note": "practices deliberately put in an LSOA on a council boundary, with a branch surgery "
                           "in the neighbouring LSOA across it; the others over the threshold got there by "
                           "geography alone, and the out-of-area practice is never one of the placed ones",
        },
        "out_of_area_practice": {
            "practice_code": pr.code[p],
            "practice_name": pr.name[p],
            "home_council_code": council_code[p],
            "share_other_council": num / den,
            "list_size": {qs[q]: int(known[q, p]) for q in range(len(QUARTERS))},
            "patients_other_council": {qs[q]: int(other[q, p]) for q in range(len(QUARTERS))},
            "note": "no CLOSED, EMPTY, pseudo, Welsh, split or merged LSOA rows, so the share is exact in "
                    "every release and in either LSOA vintage",
        },
        "straddling_pcn": pr.straddling,
        "localities": {
            "intent": "council localities are groups of contiguous LSOAs drawn independently of PCNs, so they "
                      "are not coterminous with PCNs",
            "locality_codes": [loc.code for loc in areas.localities],
            "pcn_best_locality_share": {pr.pcn_codes[g]: round(float(best[g]), 4)
                                        for g in range(len(pr.pcn_codes))},
            "pcn_best_locality": {pr.pcn_codes[g]: areas.localities[best_loc[g]].code
                                  for g in range(len(pr.pcn_codes))},
            "share_of_pcns_below_0_9": round(float((best < 0.9).mean()), 4),
            "release": qs[-1],
        },
        "closed_practice": {
            "practice_code": pr.code[c],
            "practice_name": pr.name[c],
            "close_date": CLOSE_DATE,
            "last_release_present": qs[CLOSE_QUARTER - 1],
            "first_release_absent": qs[CLOSE_QUARTER],
            "successor_code": pr.code[s],
            "patients_before": before,
            "successor_gain": gain,
            "successor_list_before": int(reg.releases[CLOSE_QUARTER - 1].totals[s]),
            "successor_list_after": int(reg.releases[CLOSE_QUARTER].totals[s]),
        },
        "lsoa_changes": {"splits": areas.splits, "merges": areas.merges,
                         "note": "2023 releases use the 2011 codes; from January 2024 the 2021 codes"},
        "list_size_drift": {
            "total_registered": dict(zip(qs, totals)),
            "practice_trend_pct_per_year": {"p10": round(float(np.percentile(trend, 10)), 2),
                                            "median": round(float(np.median(trend)), 2),
                                            "p90": round(float(np.percentile(trend, 90)), 2)},
        },
        "list_sizes_latest": _summary(last.totals[last.open]),
        "lsoa_registered_population_first_release": _summary(
            np.bincount(reg.core[0][0], weights=reg.core[0][2], minlength=len(areas.xy))[areas.english]),
        "special_rows": specials,
        "share_65_plus": _summary(
            (last.ages[last.open][:, :, 13:].sum(axis=(1, 2)) / np.maximum(last.totals[last.open], 1)).round(4), 4),
    }


def _summary(values, digits: int = 0) -> dict:
    values = np.asarray(values, float)
    fmt = (lambda v: int(round(v))) if digits == 0 else (lambda v: round(float(v), digits))
    return {"min": fmt(values.min()), "p10": fmt(np.percentile(values, 10)), "median": fmt(np.median(values)),
            "p90": fmt(np.percentile(values, 90)), "max": fmt(values.max())}


def _counts(spec, areas: Areas, pr: Practices, reg: Registrations, postcode_rows) -> dict:
    tiers = [c.tier for c in areas.councils]
    lad_tiers = [lad.tier for lad in areas.lads]
    english = int(areas.english.sum())
    return {
        "practices": pr.n,
        "practices_open_latest": int(reg.releases[-1].open.sum()),
        "pcns": len(pr.pcn_codes),
        "lsoas": english,
        "lsoas_2011": english - 2 * len(areas.splits) + len(areas.splits) - len(areas.merges) + 2 * len(areas.merges),
        "welsh_lsoas": int(areas.is_welsh.sum()),
        "msoas": int(sum(1 for c in areas.msoa_codes if c.startswith("E"))),
        "wards": int(sum(1 for c in areas.ward_codes if c.startswith("E"))),
        "lads": int(sum(t != "welsh_unitary" for t in lad_tiers)),
        "districts": lad_tiers.count("district"),
        "councils": int(sum(t != "welsh_unitary" for t in tiers)),
        "counties": tiers.count("county"),
        "unitaries": tiers.count("unitary"),
        "metropolitan_boroughs": tiers.count("metropolitan"),
        "london_boroughs": tiers.count("london"),
        "welsh_councils": tiers.count("welsh_unitary"),
        "localities": len(areas.localities),
        "sub_icbs": len(areas.sub_icbs),
        "icbs": len(areas.icbs),
        "regions": len(areas.regions),
        "quarters": len(QUARTERS),
        "registration_rows": {q.isoformat(): int(len(rel.count)) for q, rel in zip(QUARTERS, reg.releases)},
        "postcodes": len(postcode_rows),
        "epraccur_rows": len(pr.orgs),
        "non_practice_organisations": int(sum(o.setting != "4" for o in pr.orgs)),
        "historic_closed_practices": int(sum(o.setting == "4" and o.practice < 0 for o in pr.orgs)),
    }


def _nhs_summary(areas: Areas, pr: Practices) -> dict:
    return {
        "regions": [{"ods": r.ods, "ons": r.ons, "name": r.name} for r in areas.regions],
        "icbs": [{"ods": i.ods, "ons": i.ons, "name": i.name, "region_ods": areas.regions[i.parent].ods}
                 for i in areas.icbs],
        "sub_icbs": [{"ods": s.ods, "ons": s.ons, "name": s.name, "icb_ods": areas.icbs[s.parent].ods,
                      "lads": sorted(lad.code for lad in areas.lads if lad.sub_icb == k)}
                     for k, s in enumerate(areas.sub_icbs)],
    }
