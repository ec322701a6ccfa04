"""Numbers in words the pages share."""

from __future__ import annotations

from dashboard import formats


def plural(count: int, word: str) -> str:
    """'1 practice', '2 practices', '6,300 practices'."""
    return f"{formats.count(count)} {word}" + ("" if count == 1 else "s")
