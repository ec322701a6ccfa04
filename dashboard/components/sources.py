"""Source lines for chart footers, from the warehouse's own record of what it loaded."""

from __future__ import annotations

import datetime as dt

from dashboard.db import reference_query


def source_title(*keys: str) -> str:
    """'Practice activity from SUS (monthly extract); ...' for the given etl/sources.yml keys."""
    sources = reference_query("common__sources").set_index("source")
    titles = [str(sources.at[key, "title"]) if key in sources.index else key for key in keys]
    return "; ".join(titles)


def is_loaded(key: str) -> bool:
    """Whether any file of the source was loaded into this warehouse."""
    sources = reference_query("common__sources").set_index("source")
    return key in sources.index and int(sources.at[key, "rows_loaded"]) > 0


def month_label(day) -> str:
    """'September 2025' for any date-like value; '' for a missing one."""
    if day is None or (hasattr(day, "__class__") and str(day) in {"NaT", "nan", "None"}):
        return ""
    return dt.date.fromisoformat(str(day)[:10]).strftime("%B %Y")
