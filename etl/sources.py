"""Source specifications (etl/sources.yml) and recognition of a file by its header signature.

Recognition never guesses: a header either resolves every required column of exactly one source,
or the file is reported as unrecognised with the nearest source and the columns it lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

SOURCES_FILE = Path(__file__).with_name("sources.yml")


def normalise_header(name: str) -> str:
    """'\\ufeffNumber of  Patients ' -> 'NUMBER_OF_PATIENTS' (FORMATS.md §0: case and spacing vary)."""
    name = name.replace("\ufeff", "").strip().upper()
    return re.sub(r"[^A-Z0-9+]+", "_", name).strip("_")


@dataclass(frozen=True)
class Rule:
    kind: str
    arg: object = None


@dataclass(frozen=True)
class Column:
    name: str
    patterns: tuple[str, ...] = ()
    required: bool = False
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class CoverField:
    """A value above a spreadsheet's table: the cell right of a label cell, or a regex group in any cell."""

    name: str
    label: str = ""  # regex over the normalised label cell; the value is the next filled cell on its right
    pattern: str = ""  # regex searched in every cover cell's text; group 1 is the value
    required: bool = True
    expected: str = ""


@dataclass(frozen=True)
class NameField:
    """A value only the file name carries (the ASCOF files have no year column)."""

    name: str
    pattern: str  # regex over the file name; groups joined by "-" are the value
    kind: str = ""  # financial_year: two consecutive two-digit years, written 2019-20
    expected: str = ""


@dataclass(frozen=True)
class RowCheck:
    column: str  # the column the message names
    violation: str  # SQL, true when the row is wrong
    reason: str


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    publisher: str
    url: str
    schedule: str
    file_pattern: str
    notes: str
    format: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    positions: dict = field(default_factory=dict)
    field_count: int = 0
    references: dict = field(default_factory=dict)
    # Values that sit outside the table: cells above a spreadsheet's header row (`cover`) and
    # parts of the file name (`from_file_name`). Each becomes a constant raw column.
    cover: tuple[CoverField, ...] = ()
    from_file_name: tuple[NameField, ...] = ()
    checks: tuple[RowCheck, ...] = ()  # rules across columns, as SQL over the raw (text) columns

    @property
    def constant_columns(self) -> list[str]:
        return [f.name for f in self.cover] + [f.name for f in self.from_file_name]

    @property
    def raw_columns(self) -> list[str]:
        """Canonical column names of the raw table, in declaration order."""
        if self.positions:
            return list(self.positions)
        return [column.name for column in self.columns] + self.constant_columns

    def column(self, name: str) -> Column | None:
        return next((column for column in self.columns if column.name == name), None)


def _rules(raw: list) -> tuple[Rule, ...]:
    rules = []
    for item in raw or []:
        if isinstance(item, str):
            rules.append(Rule(item))
        else:
            (kind, arg), = item.items()
            rules.append(Rule(kind, tuple(arg) if isinstance(arg, list) else arg))
    return tuple(rules)


@cache
def load_sources() -> dict[str, Source]:
    spec = yaml.safe_load(SOURCES_FILE.read_text())["sources"]
    sources = {}
    for name, body in spec.items():
        columns = tuple(
            Column(
                name=column_name,
                patterns=tuple(column.get("patterns", ())),
                required=bool(column.get("required", False)),
                rules=_rules(column.get("rules")),
            )
            for column_name, column in (body.get("columns") or {}).items()
        )
        sources[name] = Source(
            name=name,
            title=body["title"],
            publisher=body["publisher"],
            url=body.get("url", ""),
            schedule=body.get("schedule", ""),
            file_pattern=body.get("file_pattern", ""),
            notes=(body.get("notes") or "").strip(),
            format=body["format"],
            columns=columns,
            keys=tuple(body.get("keys") or ()),
            forbidden=tuple(body.get("forbidden") or ()),
            positions=dict(body.get("positions") or {}),
            field_count=int(body.get("field_count") or 0),
            references=dict(body.get("references") or {}),
            cover=tuple(CoverField(name=n, **spec) for n, spec in (body.get("cover") or {}).items()),
            from_file_name=tuple(NameField(name=n, **spec) for n, spec in (body.get("from_file_name") or {}).items()),
            checks=tuple(RowCheck(**check) for check in body.get("checks") or []),
        )
    return sources


@dataclass
class HeaderMatch:
    source: Source
    mapping: dict[str, str]  # canonical column -> header as written in the file
    vintage: int | None  # two-digit year of versioned ONS columns (LTLA19CD -> 2019)
    missing: list[str]  # required canonical columns not found


def match_header(source: Source, header: list[str]) -> HeaderMatch:
    normalised = [normalise_header(name) for name in header]
    mapping: dict[str, str] = {}
    taken: set[int] = set()
    vintage = None
    for column in source.columns:
        for pattern in column.patterns:
            # A header serves one column: the BCF 2023-25 plan has two "Expenditure for 20yy-yy" columns.
            hit = next((i for i, name in enumerate(normalised) if i not in taken and re.fullmatch(pattern, name)), None)
            if hit is not None:
                taken.add(hit)
                mapping[column.name] = header[hit]
                year = re.search(r"([0-9]{2})(CD|NM)$", normalised[hit])
                if year and column.required and vintage is None:
                    vintage = 2000 + int(year.group(1))
                break
    missing = [column.name for column in source.columns if column.required and column.name not in mapping]
    return HeaderMatch(source, mapping, vintage, missing)


def recognise_header(header: list[str]) -> tuple[HeaderMatch | None, str]:
    """The one source whose signature this header carries, else None and why."""
    normalised = [normalise_header(name) for name in header]
    candidates = []
    nearest: HeaderMatch | None = None
    for source in load_sources().values():
        if source.format != "table":
            continue
        match = match_header(source, header)
        forbidden = any(re.fullmatch(p, name) for p in source.forbidden for name in normalised)
        if not match.missing and not forbidden:
            candidates.append(match)
        elif not forbidden and (nearest is None or len(match.missing) < len(nearest.missing)):
            nearest = match
    if len(candidates) == 1:
        return candidates[0], ""
    if len(candidates) > 1:
        names = ", ".join(c.source.name for c in candidates)
        return None, f"header fits more than one source ({names}); not guessing"
    if nearest is not None:
        required = [c.name for c in nearest.source.columns if c.required]
        if len(nearest.missing) < len(required):
            return None, (
                f"header looks like {nearest.source.title!r} but lacks "
                + ", ".join(_describe(nearest.source, name) for name in nearest.missing)
            )
    return None, "header matches no known source"


def _describe(source: Source, column_name: str) -> str:
    column = source.column(column_name)
    shown = column.patterns[0].strip("^$") if column and column.patterns else column_name
    return shown.replace("[0-9]{2}", "yy")
