"""What a dataset record's ``evidence.corpus`` entry asks for, once read and checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.corpus.published import PublishedFigures
    from generator.corpus.shards import Shard


@dataclass(frozen=True)
class CorpusEvidenceSpec:
    """``evidence.corpus`` of a dataset record."""

    record: str
    slug: str
    shards: tuple[str, ...]  # globs as written, relative to the content folder unless absolute
    published: Path | None  # published figures (YAML), resolved
    sample_note: str | None = None  # what the shards are, when they are not the full corpus
    # Resolved once by the kind's check (generator/corpus/kind.py): the shard files the globs
    # matched and the published figures, read; empty/None before it.
    shard_files: tuple[Shard, ...] = ()
    figures: PublishedFigures | None = None
