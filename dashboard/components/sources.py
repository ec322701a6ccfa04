"""Source lines for chart footers, from the warehouse's own record of what it loaded."""

from __future__ import annotations

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

