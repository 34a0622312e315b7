"""Partial statistics: what one shard (or one byte range of a shard) yields, and how they merge.

Every field is an integer count, an integer sketch or a sorted, capped list, so
:meth:`CorpusPartial.merge` is exactly associative and commutative; the final figures (means,
quantiles, shares, estimates) are derived only once, from the fully merged partial, in
:mod:`generator.corpus.stats`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.corpus.sketches import HyperLogLog, SizeHistogram

log = logging.getLogger(__name__)

MAX_SKIPPED_EXAMPLES = 5


@dataclass
class SubsetPartial:
    """Counts and sketches for one ``pile_set_name``."""

    documents: int = 0
    bytes: int = 0  # UTF-8 bytes of ``text``
    characters: int = 0
    words: int = 0
    sizes: SizeHistogram = field(default_factory=SizeHistogram)
    distinct: HyperLogLog = field(default_factory=HyperLogLog)

    def merge(self, other: SubsetPartial) -> None:
        self.documents += other.documents
        self.bytes += other.bytes
        self.characters += other.characters
        self.words += other.words
        self.sizes.merge(other.sizes)
        self.distinct.merge(other.distinct)


@dataclass
class FilePartial:
    """What was read from one file (summed over its parts)."""

    path: str  # as shown to people
    compressed_bytes: int = 0  # on disk; counted by the file's first part only
    stream_bytes: int = 0  # uncompressed JSON lines, newlines included
    lines: int = 0
    documents: int = 0
    skipped_lines: int = 0
    skipped_examples: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    parts: int = 0

    def merge(self, other: FilePartial) -> None:
        self.compressed_bytes += other.compressed_bytes
        self.stream_bytes += other.stream_bytes
        self.lines += other.lines
        self.documents += other.documents
        self.skipped_lines += other.skipped_lines
        # The first few by line number, whatever order the parts arrive in.
        examples = sorted(self.skipped_examples + other.skipped_examples)
        self.skipped_examples = examples[:MAX_SKIPPED_EXAMPLES]
        self.parts += other.parts


@dataclass
class CorpusPartial:
    """The partial result of any set of parts; an empty one is the merge identity."""

    subsets: dict[str, SubsetPartial] = field(default_factory=dict)
    files: dict[str, FilePartial] = field(default_factory=dict)

    def subset(self, name: str) -> SubsetPartial:
        found = self.subsets.get(name)
        if found is None:
            found = self.subsets[name] = SubsetPartial()
        return found

    def merge(self, other: CorpusPartial) -> CorpusPartial:
        """Fold ``other`` into ``self`` (in place) and return ``self``."""
        for name, subset in other.subsets.items():
            self.subset(name).merge(subset)
        for path, file in other.files.items():
            mine = self.files.get(path)
            if mine is None:
                self.files[path] = mine = FilePartial(path=path)
            mine.merge(file)
        return self

    @classmethod
    def merge_all(cls, partials: Iterable[CorpusPartial]) -> CorpusPartial:
        total = cls()
        for partial in partials:
            total.merge(partial)
        return total
