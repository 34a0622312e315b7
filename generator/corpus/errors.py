"""Errors about corpus shards, each naming the file and the line (or byte offset) at fault.

They are :class:`~generator.errors.UserError` subclasses, so the command line prints them as
``error: …`` without a traceback. They must also survive pickling, because a process pool or a
Dask worker raises them far from the process that reports them.
"""

from __future__ import annotations

import logging

from generator.errors import UserError

log = logging.getLogger(__name__)


class CorpusError(UserError):
    """Base class of every problem with corpus input."""


class ShardNotFoundError(CorpusError):
    """A path is missing or a glob matched nothing."""


class ShardReadError(CorpusError):
    """A shard cannot be read: a corrupt or truncated stream, an empty file, an I/O error."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.detail = message
        super().__init__(f"{path}: {message}")

    def __reduce__(self) -> tuple[type[ShardReadError], tuple[str, str]]:
        return (type(self), (self.path, self.detail))


class BadLineError(CorpusError):
    """One line of a shard is not a Pile document."""

    def __init__(self, path: str, line: int | None, offset: int, reason: str) -> None:
        self.path = path
        self.line = line
        self.offset = offset
        self.reason = reason
        shown_line = str(line) if line is not None else "?"
        super().__init__(
            f"{path}:{shown_line}: {reason} (uncompressed byte offset {offset}); "
            "use --skip-bad-lines to count and skip such lines"
        )

    def __reduce__(self) -> tuple[type[BadLineError], tuple[str, int | None, int, str]]:
        return (type(self), (self.path, self.line, self.offset, self.reason))
