"""How problems reach users: one exception type for "this input cannot be used", carrying where.

Row-level problems never raise: they become rows of dq_rejected_rows. A `SourceError` is for a file
that cannot be used at all (unknown layout, empty, truncated, duplicate keys, unreadable); the build
collects every such error before stopping, so a user fixes them in one pass rather than one a run.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SourceError(Exception):
    file: str
    problem: str
    expected: str = ""
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        message = f"{where}: {self.problem}"
        if self.expected:
            message += f" (expected {self.expected})"
        return message


class BuildFailed(Exception):
    """The build stopped; the previous warehouse is untouched. Carries every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(self.summary())

    def summary(self) -> str:
        lines = ["The build stopped; the previous warehouse was left as it was."]
        lines += [f"* {problem}" for problem in self.problems]
        return "\n".join(lines)
