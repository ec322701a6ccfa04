"""How problems reach users: one exception type for "this input cannot be used", carrying where.

Row-level problems never raise: they become rows of dq_rejected_rows. A `SourceError` is for a file
that cannot be used at all (unknown layout, empty, truncated, duplicate keys, unreadable); the build
collects every such error before stopping, so a user fixes them in one pass rather than one a run.
A `ModelError` is the same for a model file (etl/models). Both reach users as lines of `BuildFailed`.
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


@dataclass
class ModelError(Exception):
    """A model file the build cannot run: it reads a table it does not declare, declares one that does
    not exist, or cannot be parsed. The code's fault, not the data's, so it names the model's file;
    the build collects every one and stops before reading any raw file."""
    model_file: str
    problem: str
    expected: str = ""

    def __str__(self) -> str:
        return f"{self.model_file}: {self.problem}" + (f" (expected {self.expected})" if self.expected else "")


class BuildFailed(Exception):
    """The build stopped; the previous warehouse is untouched. Carries every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(self.summary())

    def summary(self) -> str:
        lines = ["The build stopped; the previous warehouse was left as it was."]
        lines += [f"* {problem}" for problem in self.problems]
        return "\n".join(lines)
