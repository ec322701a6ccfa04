"""What every download of one selection is written from: a `Summary`, a few facts and a list of `Table`s.

This module only declares the shapes. gather.build_summary(selection) fills a Summary from the warehouse
through named queries, and the documents (summary_pdf.py, workbook.py, csv_files.py) read it; keeping the
shapes apart from the reading lets both sides import them without importing each other.

Every table is ALREADY SUPPRESSED (suppression.RULE): a count of people from 1 to 4 is the string "<5"; a
cell hidden only so that a "<5" cannot be worked out from a total (secondary suppression) is the string
"[c]" (it is usually 5 or more, so "<5" there would be untrue); a rate or share worked out from a hidden
count carries its marker. Test for a hidden cell with suppression.is_suppressed(value); get numbers with
suppression.numeric(column). The PDF, the workbook and the CSV files are all written from this one
object, so they cannot disagree or forget to suppress.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from dashboard import catalogue, filters


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    kind: str  # as dashboard.components.tables.column: text/count/number/rate/percent/gbp/index/date
    description: str  # for the data dictionary and the Definitions sheet
    people_count: bool = False  # a count of people: suppressed (see suppression.py)
    # Added by EXPORTS-DATA: the count column this one is worked out from, so it is hidden with it.
    hidden_with: str = ""

    @classmethod
    def of(cls, key: str, kind: str, *, field: str | None = None, people_count: bool = False) -> "Column":
        """The column whose header and description are the catalogue's entry `key` ("<table>.<column>"),
        so a download reads as the page grids do; `field` when the table names it otherwise."""
        entry = catalogue.entry(key)
        catalogue.check_kind(key, kind)
        return cls(field or key.rsplit(".", 1)[1], entry.header, kind, entry.description, people_count)


@dataclass
class Table:
    name: str  # file-safe stem, e.g. "headline_measures" -> /download/headline_measures.csv
    title: str  # "Headline measures"
    columns: list[Column]
    frame: pd.DataFrame  # ALREADY SUPPRESSED: hidden cells are the strings "<5" or "[c]" (object dtype columns)
    note: str = ""  # what a reader must know (method, suppression applied, CI method named)

    def column(self, field_name: str) -> Column:
        return next(column for column in self.columns if column.field == field_name)

    @property
    def empty(self) -> bool:
        return self.frame.empty


@dataclass
class Summary:
    selection: filters.Selection
    area: str  # filters.describe(selection), e.g. "Wyvernford, 2024-25"
    area_name: str  # "Wyvernford" (council/practice/PCN name, or "All areas")
    period: str  # "2024-25"
    fictional: bool  # built from the demo generator (meta_demo_manifest exists) -> marked FICTIONAL
    generated: str  # ISO timestamp
    headlines: Table
    monthly: Table
    catchment: dict  # residents, residents_elsewhere, share_elsewhere, practices_serving
    serving_practices: Table
    bcf: Table
    joint_working: dict  # practices, with_attached_social_worker, share, mean_index, quarter
    joint_working_practices: Table
    comparison: Table
    impact: Table | None
    sources: Table
    definitions: Table
    # Added by EXPORTS-DATA (not in the brief's list, safe to ignore):
    residents_view: bool = False  # True: a council alone, read as its residents; False: the practices' patients
    suppression_rule: str = ""  # suppression.RULE, repeated in every file
    extra: dict = field(default_factory=dict)
    # Added by issue 16: the spine chart's table (a council alone or one practice; None for other selections)
    spine: Table | None = None

    def tables(self) -> list[Table]:
        """Every table, in order, for the workbook and the CSV files."""
        ordered = [self.headlines, self.monthly, self.serving_practices, self.bcf, self.joint_working_practices,
                   self.comparison]
        if self.spine is not None:
            ordered.append(self.spine)
        if self.impact is not None:
            ordered.append(self.impact)
        return [*ordered, self.sources, self.definitions]

    def table(self, name: str) -> Table | None:
        return next((table for table in self.tables() if table.name == name), None)

