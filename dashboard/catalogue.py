"""The column catalogue: what every column the pages and downloads show is called, in what unit, and
what it means, written once.

Entries are named "<table>.<column>". A table is a model (its contract beside its SQL in etl/models)
or a named query (a contract in the same shape beside its SQL in dashboard/queries). A query's column
that is a model's column unchanged, or a sum of it, says `same_as: <model>.<column>` and takes its
words from there, so they are written once. Columns the pages or exports work out in Python from a
query's rows (a rate's interval, an SPC reading) are in that query's contract too, marked
`computed_in: <module>`: the reader of a query finds every column built from it in one file.

Why beside the query rather than one file of derived columns: a query's columns are named by its
SQL, and the next person to change the SQL sees the contract beside it (as the models' contracts);
a later API serving a named query can serve its contract with it.

No Dash here: the grids (components/tables.py), the downloads (exports/gather.py) and their data
dictionaries all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl.contracts import UNITS, Contract
from etl.models import MODELS_DIR

QUERIES_DIR = Path(__file__).with_name("queries")


@dataclass(frozen=True)
class Entry:
    key: str  # "<table>.<column>"
    label: str  # "Planned"
    unit: str  # one of etl.contracts.UNITS
    description: str

    @property
    def header(self) -> str:
        return with_unit(self.label, self.unit)


def with_unit(label: str, unit: str) -> str:
    """The header rule: the label with its unit where the number alone is ambiguous, "Planned (£)". A label
    that already says what it is a percentage of ("Actual as % of plan") or already ends in its unit is not
    told twice; one that only mentions a percentage ("95% CI lower") is.

    The grids' CSV export reads a share's header through it too (a share is written there in per cent:
    components/tables.py), so a page, its CSV and the downloads cannot name a unit differently."""
    suffix = UNITS[unit]
    if not suffix or f"{suffix.strip(' ()')} of " in label or label.endswith(suffix):
        return label
    return label + suffix


# The grid and download kinds (components/tables.py FORMATS, exports/summary.py Column) that show a number
# of each unit as it is: a share (0.25) formatted as a percentage reads 25%, a percentage (25) formatted so
# would read 2500%, pounds formatted as a count lose their £.
KINDS_BY_UNIT = {
    "£": {"gbp", "pence"},
    "%": {"number"},
    "share": {"percent"},
    "0-100": {"index", "number"},
    "count": {"count", "number"},
    "rate": {"rate", "number"},
    "number": {"number"},
    "text": {"text"},
    "date": {"date", "text"},
}


class CatalogueError(LookupError):
    pass


def _contract_files() -> list[Path]:
    return sorted(MODELS_DIR.glob("*/*.yml")) + sorted(QUERIES_DIR.glob("*.yml"))


@cache
def _specs() -> dict[str, dict]:
    """Every contract column's spec by key, with its table's contract problems raised together."""
    specs, problems = {}, []
    for path in _contract_files():
        contract = Contract.load(path)
        problems += contract.problems()
        for column, spec in contract.columns.items():
            specs[f"{contract.model}.{column}"] = spec
    if problems:
        raise CatalogueError("Contract problems:\n* " + "\n* ".join(problems))
    return specs


def _resolved(key: str, seen: tuple[str, ...] = ()) -> dict:
    """A column's spec with what it leaves out taken from the column it is `same_as`."""
    specs = _specs()
    if key not in specs:
        where = f" (same_as of {seen[-1]})" if seen else ""
        raise CatalogueError(f"No catalogue entry for {key!r}{where}: add it to the contract of its model "
                             "(etl/models) or query (dashboard/queries).")
    spec = specs[key]
    if "same_as" not in spec:
        return spec
    if key in seen:
        raise CatalogueError(f"same_as goes round in a circle: {' -> '.join((*seen, key))}")
    return {**_resolved(spec["same_as"], (*seen, key)), **{k: v for k, v in spec.items() if k != "same_as"}}


@cache
def entry(key: str) -> Entry:
    """The catalogue's entry for "<table>.<column>"; CatalogueError when it has no label, unit or
    description (a column shown anywhere must have all three)."""
    spec = _resolved(key)
    missing = [name for name in ("label", "unit", "description") if not spec.get(name)]
    if missing:
        raise CatalogueError(f"The catalogue entry {key!r} has no {', '.join(missing)}.")
    return Entry(key, spec["label"], spec["unit"], " ".join(str(spec["description"]).split()))


def label(key: str) -> str:
    return entry(key).label


def unit(key: str) -> str:
    return entry(key).unit


def description(key: str) -> str:
    return entry(key).description


class Header(str):
    """A header's text that remembers the catalogue entry it was written from (`.key`), so a grid built from
    it can say which entry its column means (components/tables.py column) and the API can serve the
    column's meaning and unit with its rows (dashboard/api) without every page naming the key twice."""

    key: str

    def __new__(cls, text: str, key: str) -> "Header":
        made = super().__new__(cls, text)
        made.key = key
        return made

    def __getnewargs__(self) -> tuple[str, str]:
        # copy.deepcopy and pickle make a str subclass again from these (plotly deep-copies a figure's titles)
        return str(self), self.key


def header(key: str, detail: str | None = None) -> Header:
    """What a grid's column header and a download's header say: "Planned (£)". `detail` is what only the
    page knows and the header adds in brackets in place of the unit: the measure's unit of a rate that
    is in the row's unit ("Rate (per 1,000 patients)"), or the method of an interval."""
    found = entry(key)
    return Header(f"{found.label} ({detail})" if detail else found.header, key)


def check_kind(key: str, kind: str) -> None:
    """CatalogueError naming the column when `kind` would show its unit wrongly (KINDS_BY_UNIT)."""
    unit = entry(key).unit
    if kind not in KINDS_BY_UNIT[unit]:
        raise CatalogueError(f"The column {key!r} is shown as {kind!r}, but its unit is {unit!r}: show it as "
                             f"{' or '.join(sorted(KINDS_BY_UNIT[unit]))}, or correct the unit in its contract.")


def keys() -> list[str]:
    """Every column any contract names (shown or not)."""
    return list(_specs())
