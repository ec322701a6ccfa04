"""Paging: `size` rows from `page` (1 = the first); the JSON carries the total and a `next` link.

Page numbers rather than an opaque cursor: the rows of one build and selection are a fixed list (the page's
own order), so page N is the same rows until the next build, and a person can read and edit the link. JSON
answers MAX_SIZE rows unless asked for fewer, so no one request is large; a CSV is a file for a spreadsheet,
so it is every row unless `size` or `page` is given, up to CSV_CAP (above that, ask for it in pages).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

MAX_SIZE = 1_000
CSV_CAP = 100_000


class BadPaging(ValueError):
    pass


@dataclass(frozen=True)
class Window:
    page: int
    size: int

    def rows(self, rows: list) -> list:
        start = (self.page - 1) * self.size
        return rows[start:start + self.size]

    def next_link(self, path: str, args: dict[str, str], total: int) -> str | None:
        """The address of the next page, keeping every other parameter; None on the last page."""
        if self.page * self.size >= total:
            return None
        return path + "?" + urlencode({**args, "size": str(self.size), "page": str(self.page + 1)})


def _whole(name: str, value: str | None, low: int, high: int | None) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit() or int(value) < low or (high is not None and int(value) > high):
        most = f" to {high:,}" if high is not None else " or more"
        raise BadPaging(f"{name} must be a whole number from {low}{most}, not '{value[:20]}'.")
    return int(value)


def window(args: dict[str, str], fmt: str, total: int) -> Window:
    """The rows asked for; BadPaging naming the parameter and its allowed values when one is not valid."""
    size = _whole("size", args.get("size"), 1, MAX_SIZE)
    page = _whole("page", args.get("page"), 1, None)
    if fmt == "csv" and size is None and page is None:
        if total > CSV_CAP:
            raise BadPaging(f"This table has {total:,} rows, more than the {CSV_CAP:,} a CSV holds at once: ask for it "
                            f"in pages (size=1 to {MAX_SIZE:,} and page=1, 2, ...).")
        return Window(1, max(total, 1))
    return Window(page or 1, size or MAX_SIZE)
