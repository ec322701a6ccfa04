"""The published file layouts, quirks included (FORMATS.md §1a, 1b, 1c, 2a, 3 and 7).

Each writer takes plain rows and owns only the layout: column order, quoting, line endings, BOM,
date formats and the header spellings that changed between releases. The release-by-release
quirks are one table (RELEASE_QUIRKS) so the manifest can state exactly what was planted.

Trade-offs:
* The big NHS files are built as strings with f-strings and written in one go (no csv module):
  ten times faster at a million rows. That is only safe because no fictional name contains a
  comma or a quote, which ``_plain`` asserts.
* The practice-side files (millions of rows at england scale) are built column-wise with no
  Python loop over rows (join_fields), as numpy StringDType arrays: five to seven times faster
  than fixed-width 'U' arrays at two million rows. Free-text columns go through quote_fields.
* Dates are formatted from our own month table, never strftime, whose %b depends on the locale.
* Output is byte-stable: sorted rows, fixed float formats, no timestamps.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import numpy as np
import shapely

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
BOM = "\ufeff"


def format_date(when: date, style: str) -> str:
    mon = MONTHS[when.month - 1]
    if style == "upper":  # 01JAN2023
        return f"{when.day:02d}{mon.upper()}{when.year}"
    if style == "title":  # 01Apr2024
        return f"{when.day:02d}{mon}{when.year}"
    if style == "dash":  # 01-Jul-23
        return f"{when.day:02d}-{mon}-{when.year % 100:02d}"
    raise ValueError(style)


# Per release: (EXTRACT_DATE style, spelling of the count column in the LSOA file). The real files
# changed both between releases (FORMATS §0, §1a); April 2024 was the first PDS-based release.
RELEASE_QUIRKS = {
    date(2023, 1, 1): ("upper", "NUMBER_OF_PATIENTS"),
    date(2023, 4, 1): ("upper", "NUMBER_OF_PATIENTS"),
    date(2023, 7, 1): ("dash", "Number of Patients"),
    date(2023, 10, 1): ("dash", "Number of Patients"),
    date(2024, 1, 1): ("title", "Number of patients"),
}
DEFAULT_QUIRK = ("title", "NUMBER_OF_PATIENTS")


def release_quirk(when: date) -> tuple[str, str]:
    return RELEASE_QUIRKS.get(when, DEFAULT_QUIRK)


def release_folder(when: date) -> str:
    return f"nhs/{when.year}-{when.month:02d}"


def _plain(*values: str) -> None:
    for v in values:
        if "," in v or '"' in v or "\n" in v:
            raise ValueError(f"unquoted CSV field would break: {v!r}")


def _write_text(path: Path, text: str, bom: bool = False, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        if bom:
            handle.write(BOM)
        handle.write(text)


def _csv_text(header, rows, terminator="\n", quoting=csv.QUOTE_MINIMAL) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=terminator, quoting=quoting)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


# ---- vectorised CSV building ----------------------------------------------------------------------
STR = np.dtypes.StringDType()


def text(values) -> np.ndarray:
    """Any array (or list) as an array of Python-formatted strings."""
    return np.asarray(values).astype(STR)


def join_fields(*columns, sep: str = ",") -> np.ndarray:
    """Field-wise concatenation of broadcastable string arrays (or plain strings) into CSV lines."""
    out = np.asarray(columns[0], dtype=STR)
    for column in columns[1:]:
        out = np.strings.add(np.strings.add(out, sep), np.asarray(column, dtype=STR))
    return out


def quote_fields(column) -> np.ndarray:
    """CSV minimal quoting, vectorised: quote the fields holding a comma, quote or line break."""
    column = np.asarray(column, dtype=STR)
    needs = np.zeros(column.shape, bool)
    for special in (",", '"', "\n", "\r"):
        needs |= np.strings.find(column, special) >= 0
    quoted = np.strings.add(np.strings.add('"', np.strings.replace(column, '"', '""')), '"')
    return np.where(needs, quoted, column)


def write_csv(path: Path, header, rows, newline: str = "\n", encoding: str = "utf-8", bom: bool = False) -> None:
    """Small files through the csv module (minimal quoting), for layouts with free-text fields."""
    _write_text(path, _csv_text(header, rows, terminator=newline), bom=bom, encoding=encoding)


def write_lines(path: Path, header: str, lines, newline: str = "\n", encoding: str = "utf-8",
                bom: bool = False) -> None:
    """A header and ready-made CSV lines, each ended by ``newline``."""
    body = newline.join([header, *np.asarray(lines, dtype=STR).tolist()])
    _write_text(path, body + newline, bom=bom, encoding=encoding)


# ---- NHS England: registrations by LSOA (§1a) -------------------------------------------------------
LSOA_COLUMNS = ("PUBLICATION", "EXTRACT_DATE", "PRACTICE_CODE", "PRACTICE_NAME", "LSOA_CODE", "SEX")


def write_lsoa_file(path: Path, when: date, codes, names, code_table, practice, place, count) -> None:
    style, count_header = release_quirk(when)
    extract = format_date(when, style)
    prefix = []
    for c, n in zip(codes, names):
        _plain(c, n)
        prefix.append(f"GP_PRAC_PAT_LIST,{extract},{c},{n},")
    header = ",".join(LSOA_COLUMNS + (count_header,))
    lines = [header]
    lines += [f"{prefix[p]}{code_table[c]},ALL,{n}"
              for p, c, n in zip(practice.tolist(), place.tolist(), count.tolist())]
    _write_text(path, "\r\n".join(lines) + "\r\n")


# ---- NHS England: practice map (§1c, the Oct-2025 17-column layout) ---------------------------------
MAP_COLUMNS = (
    "PUBLICATION", "EXTRACT_DATE", "PRACTICE_CODE", "PRACTICE_NAME", "PRACTICE_POSTCODE", "PCN_CODE",
    "PCN_NAME", "ONS_SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_NAME",
    "ONS_ICB_CODE", "ICB_CODE", "ICB_NAME", "ONS_COMM_REGION_CODE", "COMM_REGION_CODE",
    "COMM_REGION_NAME", "SUPPLIER_NAME",
)


def write_map_file(path: Path, when: date, rows: list[tuple[str, ...]]) -> None:
    """rows: the 15 fields after PUBLICATION and EXTRACT_DATE, one tuple per open practice."""
    extract = format_date(when, "title")  # 01Oct2025, as the real Oct-2025 file
    lines = [",".join(MAP_COLUMNS)]
    for row in rows:
        _plain(*row)
        lines.append(",".join(("GP_PRAC_PAT_LIST", extract) + tuple(row)))
    _write_text(path, "\r\n".join(lines) + "\r\n")


# ---- NHS England: practice age bands (§1b) --------------------------------------------------------
QUIN_COLUMNS = ("PUBLICATION", "EXTRACT_DATE", "ORG_TYPE", "ORG_CODE", "ONS_CODE", "POSTCODE", "SEX",
                "AGE_GROUP_5", "NUMBER_OF_PATIENTS")


def write_quin_age_file(path: Path, when: date, practices, ages: np.ndarray, bands) -> None:
    """practices: (index, code, ons sub-ICB code, postcode) of open practices; ages: (P, 2, 20)."""
    extract = format_date(when, release_quirk(when)[0])
    lines = [",".join(QUIN_COLUMNS)]
    for i, code, ons, postcode in practices:
        _plain(code, ons, postcode)
        pre = f"GP_PRAC_PAT_LIST,{extract},GP,{code},{ons},{postcode},"
        male, female = ages[i, 0].tolist(), ages[i, 1].tolist()
        both = [m + f for m, f in zip(male, female)]
        for sex, values in (("ALL", both), ("MALE", male), ("FEMALE", female)):
            lines += [f"{pre}{sex},{band},{v}" for band, v in zip(bands, values)]
            lines.append(f"{pre}{sex},ALL,{sum(values)}")
    _write_text(path, "\r\n".join(lines) + "\r\n")


# ---- ODS epraccur (§2a): no header, every field quoted, CRLF ------------------------------------------
def write_epraccur(path: Path, rows: list[tuple[str, ...]]) -> None:
    for row in rows:
        if len(row) != 27:
            raise ValueError("epraccur rows have 27 fields")
    _write_text(path, _csv_text(None, rows, terminator="\r\n", quoting=csv.QUOTE_ALL))


# ---- ONS lookups (§3): UTF-8 with BOM, LF -------------------------------------------------------------
def write_ons_lookup(path: Path, header, rows) -> None:
    _write_text(path, _csv_text(header, rows), bom=True)


def write_onspd(path: Path, header, rows) -> None:
    """Postcode directory extract: lower-case headers, no BOM, LF (as an ONSPD extract)."""
    _write_text(path, _csv_text(header, rows))


def write_local_csv(path: Path, header, rows) -> None:
    _write_text(path, _csv_text(header, rows))


# ---- LSOA boundaries (§7): GeoJSON in WGS84, 6 dp, one feature per line ---------------------------------
def write_geojson(path: Path, codes, names, polygons, to_lonlat) -> None:
    """polygons: shapely Polygons in km (the generator's plane); to_lonlat converts (n, 2) arrays."""
    order = np.argsort(np.array(codes, dtype=object).astype(str), kind="stable")
    rings = shapely.get_exterior_ring(np.asarray(polygons)[order])
    coords, index = shapely.get_coordinates(rings, return_index=True)
    lonlat = to_lonlat(coords)
    text = np.char.add(np.char.add("[", np.char.mod("%.6f", lonlat[:, 0])),
                       np.char.add(",", np.char.mod("%.6f", lonlat[:, 1])))
    text = np.char.add(text, "]")
    bounds = np.r_[0, np.flatnonzero(np.diff(index)) + 1, len(index)]
    lines = []
    for k, i in enumerate(order):
        ring = text[bounds[k]:bounds[k + 1]].tolist()
        ring = [c for j, c in enumerate(ring) if j == 0 or c != ring[j - 1]]  # rounding can repeat a vertex
        props = json.dumps({"LSOA21CD": str(codes[i]), "LSOA21NM": str(names[i])},
                           ensure_ascii=False, separators=(",", ":"))
        lines.append(f'{{"type":"Feature","properties":{props},'
                     f'"geometry":{{"type":"Polygon","coordinates":[[{",".join(ring)}]]}}}}')
    head = ('{"type":"FeatureCollection","name":"LSOA_2021_EW_BGC",'
            '"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[\n')
    _write_text(path, head + ",\n".join(lines) + "\n]}\n")


def write_manifest(path: Path, manifest: dict) -> None:
    _write_text(path, json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
