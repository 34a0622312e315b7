"""Errors people can act on.

Content errors are collected, never raised one at a time: the loader gathers every problem it
finds and the build stops once, printing them all as ``path:line:col: field: message``. User
errors never show a traceback; tracebacks are reserved for our own bugs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True, order=True)
class Problem:
    """One content problem, located as precisely as we can."""

    path: str
    line: int
    col: int
    field: str
    message: str

    def format(self, style: str = "text") -> str:
        if style == "github":
            # GitHub workflow commands escape %, CR and LF in the message.
            text = f"{self.field}: {self.message}" if self.field else self.message
            text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            return f"::error file={self.path},line={self.line},col={self.col}::{text}"
        where = f"{self.path}:{self.line}:{self.col}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass
class Problems:
    """An accumulator of problems shared by every loader of one build."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str | Path, line: int, col: int, field: str, message: str) -> None:
        self.items.append(Problem(str(path), line, col, field, message))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(sorted(set(self.items)))

    def raise_if_any(self) -> None:
        if self.items:
            raise ContentErrors(list(self))


class UserError(Exception):
    """An error caused by input the user gave; printed without a traceback."""


class ContentErrors(UserError):
    """Every content problem found in one pass."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} content {noun}")

    def format(self, style: str = "text") -> str:
        return "\n".join(p.format(style) for p in self.problems)


class StrictFailure(UserError):
    """``--strict`` and at least one warning was logged."""


# The logger every module of this project logs under (``generator.*``). ``--strict`` counts
# warnings here only: a third-party library's warning does not fail a build (mkdocs counts on
# its own logger for the same reason).
PROJECT_LOGGER = "generator"


class CountingHandler(logging.Handler):
    """Counts records at WARNING and above so ``--strict`` can fail the build after the fact.

    Attach it to :data:`PROJECT_LOGGER`, never to the root logger.
    """

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        self.messages.append(record.getMessage())
