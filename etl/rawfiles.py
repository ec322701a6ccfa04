"""Find raw files, sniff their encoding and line endings, and recognise each one's source.

One pass over each file's bytes gives its checksum, its line count, whether it is valid UTF-8 and
whether its last line is complete, so that loading never has to re-read a file to explain itself.
Windows-1252 files are transcoded to UTF-8 in the build's work folder, because DuckDB's CSV reader
only knows UTF-8 and Latin-1 without an extension (and cp1252 is not Latin-1: 0x96 is an en dash);
files with both CRLF and LF line endings are copied with one ending, which DuckDB's parser needs.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from etl import boundaries, workbooks
from etl.errors import SourceError
from etl.sources import HeaderMatch, Source, load_sources, recognise_header

DATA_SUFFIXES = {".csv", ".txt", ".geojson", ".json", ".xlsx", ".geojsonl", ".ndjson", ".jsonl"}
CHUNK = 16 * 1024 * 1024
# Windows-1252 leaves five bytes undefined. Python's codec refuses them; Windows maps each to the C1
# control of the same number (0x81 -> U+0081), and so does this error handler, so the copy is made
# and every row holding one is found afterwards and rejected with its line (loaders._load_csv).
CP1252_UNDEFINED = "\x81\x8d\x8f\x90\x9d"
UNDEFINED_AS_C1 = "jointcare-cp1252-undefined-as-c1"
codecs.register_error(UNDEFINED_AS_C1, lambda error: (chr(error.object[error.start]), error.start + 1))


@dataclass
class RawFile:
    path: Path
    name: str  # path relative to the raw folder, as users see it in messages
    size: int = 0
    sha256: str = ""
    encoding: str = "utf-8"
    has_bom: bool = False
    line_ending: str = "LF"
    lines: int = 0  # physical lines, counting a final line without a newline
    ends_with_newline: bool = True
    header: list[str] = field(default_factory=list)
    source: Source | None = None
    match: HeaderMatch | None = None
    why_unrecognised: str = ""
    why_line: int | None = 1  # where the reason applies: the header line, or where a JSON file went wrong
    readable_path: Path | None = None  # UTF-8 copy for cp1252 files, else the file itself
    document: object = None  # a JSON file's parsed content, kept from recognition until it is loaded
    sheet: str = ""  # the worksheet holding the table, for xlsx files
    has_undefined_bytes: bool = False  # a cp1252 file with bytes Windows-1252 leaves undefined
    has_nul: bool = False  # a NUL byte somewhere: its rows are rejected (loaders._load_csv)
    header_row: int = 0  # 1-based worksheet row of the header, for xlsx files
    from_archive: bool = False  # path is a member copied out of a zip into the work folder


def find_files(raw_dir: Path) -> list[Path]:
    return sorted(p for p in raw_dir.rglob("*") if p.is_file() and not p.name.startswith("."))


def sniff(path: Path, raw_dir: Path, name: str = "", recall: Callable[[RawFile], bool] | None = None) -> RawFile:
    """`name` is given for a zip member (archive.zip!member.csv), whose path is a copy in the work folder.
    `recall`, given the checksummed file, may fill in how an earlier build recognised these bytes
    (etl/loadcache.py), which spares parsing a workbook or a GeoJSON file again."""
    raw = RawFile(path=path, name=name or path.relative_to(raw_dir).as_posix(), from_archive=bool(name))
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    newlines = crlf = 0
    first = b""
    last_byte = b""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                if not first:
                    first = chunk[:65536]
                digest.update(chunk)
                found_newlines, found_crlf = _line_ends(chunk, last_byte)
                newlines, crlf = newlines + found_newlines, crlf + found_crlf
                raw.has_nul = raw.has_nul or b"\x00" in chunk
                last_byte = chunk[-1:]
                raw.size += len(chunk)
                if utf8 and not (chunk.isascii() and decoder.getstate()[0] == b""):
                    # ASCII is UTF-8 (unless the last chunk ended inside a character): decoding is for the rest
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        utf8 = False
    except OSError as error:
        raise SourceError(raw.name, f"cannot be read ({error.strerror})") from None
    raw.sha256 = digest.hexdigest()
    raw.has_bom = first.startswith(codecs.BOM_UTF8)
    raw.encoding = ("utf-8-sig" if raw.has_bom else "utf-8") if utf8 else "cp1252"
    raw.line_ending = "CRLF" if crlf and crlf == newlines else ("LF" if not crlf else "mixed")
    raw.ends_with_newline = last_byte == b"\n"
    raw.lines = newlines + (0 if raw.ends_with_newline or not raw.size else 1)
    raw.readable_path = path
    if recall is not None and recall(raw):
        return raw
    if path.suffix.lower() == ".xlsx":
        recognise_workbook(raw)
        return raw
    # A NUL in the header line means binary (or UTF-16); one further down is a damaged row, which
    # loading rejects with its line like any other, so the rest of the file still counts.
    if b"\x00" in first.split(b"\n", 1)[0]:
        utf16 = first[:2] in {codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE}
        raw.why_unrecognised = "UTF-16 text (save it as UTF-8)" if utf16 else "binary file, not text"
        return raw
    text = first.decode("utf-8-sig" if utf8 else "cp1252", errors="replace")
    _recognise(raw, text)
    return raw


CRLF_WORD = int.from_bytes(b"\r\n", "little")


def _line_ends(chunk: bytes, before: bytes) -> tuple[int, int]:
    """Line feeds in chunk, and those a carriage return precedes (`before`: the previous chunk's last byte).
    Counted with numpy, which lets go of the GIL, so the build's two recognising threads count side by side
    (bytes.count holds it, and took most of the time recognising a national folder)."""
    data = np.frombuffer(chunk, dtype=np.uint8)
    line_feeds = data == ord("\n")
    newlines = int(np.count_nonzero(line_feeds))
    across = int(before == b"\r" and chunk[:1] == b"\n")  # a CRLF split between two chunks
    if b"\r" not in chunk:
        return newlines, across
    # CRLFs as 16-bit words, "\r\n" read little-endian: those starting at even offsets, then at odd ones.
    # Two comparisons of half-length arrays, against three full-length ones and an and: a national
    # registrations file (85 MB, CRLF) took 15 ms rather than 80.
    pairs = sum(int(np.count_nonzero(np.frombuffer(chunk, dtype="<u2", count=(len(chunk) - start) // 2,
                                                   offset=start) == CRLF_WORD)) for start in (0, 1))
    return newlines, across + pairs


def recognise_workbook(raw: RawFile) -> None:
    """Find the table on some sheet; keep the sheet's rows for loading (workbooks are small)."""
    raw.encoding, raw.line_ending, raw.ends_with_newline = "xlsx", "n/a", True
    sheets = workbooks.read_sheets(raw.path, raw.name)
    sheet, header_index, match = workbooks.find_table(sheets)
    if sheet is None:
        raw.why_unrecognised = match
        return
    raw.source, raw.match = match.source, match
    raw.sheet, raw.header_row = sheet.name, header_index + 1
    raw.header = sheet.rows[header_index]
    raw.lines = len(sheet.rows)
    raw.document = sheet


def _recognise(raw: RawFile, text: str) -> None:
    sources = load_sources()
    stripped = text.lstrip()
    if raw.path.suffix.lower() in {".geojson", ".json", *boundaries.LINE_DELIMITED} or stripped.startswith("{"):
        _recognise_json(raw, sources)
        return
    first_line = text.splitlines()[0] if text.strip() else ""
    if not first_line:
        raw.why_unrecognised = "file is empty"
        return
    raw.header = next(csv.reader(io.StringIO(first_line)))
    match, why = recognise_header(raw.header)
    if match:
        raw.source, raw.match = match.source, match
        return
    epraccur = sources["epraccur"]
    if _looks_like_epraccur(first_line, raw.header, epraccur):
        raw.source = epraccur
        raw.header = []
        return
    raw.why_unrecognised = why


def _looks_like_epraccur(first_line: str, fields: list[str], spec: Source) -> bool:
    """epraccur has no header: recognise it by shape (27 quoted fields, dates and a status code)."""
    return (
        len(fields) == spec.field_count
        and first_line.startswith('"')
        and re.fullmatch(r"[0-9]{8}", fields[10] or "") is not None
        and fields[12] in {"A", "C", "D", "P"}
    )


def _recognise_json(raw: RawFile, sources: dict[str, Source]) -> None:
    # GeoJSON files are tens of MB at most; peeking needs the whole document anyway.
    try:
        text = raw.path.read_text(encoding=raw.encoding)
        if raw.path.suffix.lower() in boundaries.LINE_DELIMITED:
            document = boundaries.read_lines(text)
        else:
            document = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data" and _first_line_is_feature(text):
            document = boundaries.read_lines(text)  # line-delimited features saved as .geojson
        else:
            raw.why_unrecognised, raw.why_line = f"not valid JSON ({error.msg}, column {error.colno})", error.lineno
            return
    except (ValueError, UnicodeDecodeError) as error:
        raw.why_unrecognised, raw.why_line = f"not valid JSON ({error})", None
        return
    except RecursionError:
        depth, line, column = _deepest(text)
        raw.why_unrecognised = (f"JSON nested {depth:,} levels deep (deepest at column {column:,}), deeper than "
                                "Python's reader goes (expected LSOA boundaries, whose polygons nest 4 levels, "
                                "or a jointcare demo manifest)")
        raw.why_line = line
        return
    raw.document = document
    if isinstance(document, dict) and document.get("generator") == "jointcare demo":
        raw.source = sources["demo_manifest"]
        return
    if boundaries.feature_list(document) is not None:
        match, why = boundaries.recognise(document, sources["lsoa_boundaries"])
        if match:
            raw.source, raw.match = match.source, match
            return
        raw.why_unrecognised = why
        raw.document = None
        return
    raw.why_unrecognised = "JSON that is neither LSOA boundaries nor a jointcare demo manifest"
    raw.document = None


def _first_line_is_feature(text: str) -> bool:
    try:
        first = json.loads(text.split("\n", 1)[0])
    except (ValueError, RecursionError):
        return False
    return isinstance(first, dict) and first.get("type") == "Feature"


def _deepest(text: str) -> tuple[int, int, int]:
    """How deep a JSON text nests, and the line and column where it first gets that deep. Only run
    when the parser gave up, so a scan in Python is fine; strings are skipped whole by the regex."""
    depth = deepest = at = 0
    for token in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[{\]}]', text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > deepest:
                deepest, at = depth, token.start()
        elif bracket in "]}":
            depth -= 1
    line = text.count("\n", 0, at) + 1
    return deepest, line, at - (text.rfind("\n", 0, at) + 1) + 1


def make_readable(raw: RawFile, work_dir: Path) -> None:
    """Give DuckDB a UTF-8, one-line-ending copy of a cp1252 file or of a file whose lines end in
    both CRLF and LF; other files (UTF-8, BOM or not, all CRLF or all LF) are read in place.

    DuckDB's strict CSV parser takes the first line's ending as the file's and stops at the first
    other one ("state machine reached an invalid state"); its lenient mode would read them but also
    silently drop extra fields. So a mixed file is copied with every CRLF made LF, which keeps every
    line where it was (a CRLF inside a quoted value becomes LF too: the same line break).
    """
    mixed = raw.line_ending == "mixed"
    if raw.encoding != "cp1252" and not mixed:
        return
    target = work_dir / (re.sub(r"[^A-Za-z0-9._-]+", "_", raw.name) + ".utf8.csv")
    errors = UNDEFINED_AS_C1 if raw.encoding == "cp1252" else "strict"
    undefined = re.compile(f"[{CP1252_UNDEFINED}]")
    with raw.path.open("r", encoding=raw.encoding, errors=errors, newline="") as source, \
            target.open("w", encoding="utf-8", newline="") as out:
        carry = ""  # a CR that ends a chunk may be the first half of a CRLF
        while chunk := source.read(CHUNK):
            chunk, carry = carry + chunk, ""
            if mixed:
                if chunk.endswith("\r"):
                    chunk, carry = chunk[:-1], "\r"
                chunk = chunk.replace("\r\n", "\n")
            if errors != "strict" and not raw.has_undefined_bytes and undefined.search(chunk):
                raw.has_undefined_bytes = True
            out.write(chunk)
        out.write(carry)
    raw.readable_path = target


def is_data_file(path: Path) -> bool:
    return path.suffix.lower() in DATA_SUFFIXES
