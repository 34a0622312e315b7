"""What a dataset record's ``evidence.corpus`` entry asks for, once read and checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CorpusEvidenceSpec:
    """``evidence.corpus`` of a dataset record."""

    record: str
    slug: str
    shards: tuple[str, ...]  # globs as written, relative to the content folder unless absolute
    published: Path | None  # published figures (YAML), resolved
    sample_note: str | None = None  # what the shards are, when they are not the full corpus
