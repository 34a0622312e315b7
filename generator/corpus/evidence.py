"""The build's entry point: ``compute_corpus_evidence(spec, env)`` for a dataset record.

Statistics are cached in ``env.cache`` under a key made of every shard's content fingerprint,
the options and :data:`CODE_VERSION`; an unchanged rebuild reads them back and scans nothing.
Where the work runs (workers, Dask) is not part of the key: every executor gives the same
figures. ``UNFRAGILE_CORPUS_WORKERS`` / ``UNFRAGILE_CORPUS_SCHEDULER`` choose it for real shards.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any

from generator.cache import hash_key
from generator.corpus.errors import CorpusError, ShardNotFoundError
from generator.corpus.published import PublishedFigures, load_published
from generator.corpus.shards import expand_paths, fingerprint, load_shards
from generator.corpus.spec import CorpusEvidenceSpec
from generator.corpus.stats import CorpusStats, compute_corpus_stats
from generator.corpus.view import (
    CompositionChart,
    FileRow,
    MeasuredCells,
    PublishedCells,
    SubsetRow,
    composition_chart,
    subset_rows,
)
from generator.evidence import EvidenceEnv

log = logging.getLogger(__name__)

# Bump when any figure's meaning or computation changes: old cache entries then stop matching.
CODE_VERSION = "corpus-stats/2"  # 2: the compiled kernel and its text hash
CACHE_NAMESPACE = "corpus"


@dataclass(frozen=True)
class CorpusEvidenceResult:
    """Measured statistics, the published figures and what the page needs to show both."""

    record: str
    stats: CorpusStats
    published: PublishedFigures | None
    sample_note: str | None
    rows: list[SubsetRow] = field(init=False)
    chart: CompositionChart = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", subset_rows(self.stats, self.published))
        object.__setattr__(self, "chart", composition_chart(self.stats, self.published))

    @property
    def is_sample(self) -> bool:
        return self.sample_note is not None

    @property
    def total(self) -> MeasuredCells:
        return MeasuredCells.of(self.stats.total)

    @property
    def published_total(self) -> PublishedCells | None:
        return None if self.published is None else PublishedCells.total(self.published)

    @property
    def files(self) -> list[FileRow]:
        return [FileRow.of(f) for f in self.stats.files]

    @property
    def skipped_lines(self) -> int:
        return sum(f.skipped_lines for f in self.stats.files)

    def to_json(self) -> dict[str, Any]:
        """The JSON twin written beside the page: the CLI's shape plus the published figures."""
        return {
            **self.stats.to_json(),
            "published": None if self.published is None else self.published.to_json(),
            "sample_note": self.sample_note,
        }


def compute_corpus_evidence(spec: CorpusEvidenceSpec, env: EvidenceEnv) -> CorpusEvidenceResult:
    """Statistics of ``spec.shards`` (cached by content) with ``spec.published`` beside them."""
    published = spec.figures
    if published is None and spec.published is not None:
        published = load_published(spec.published)
    try:
        data = _cached_stats(spec, env)
    except ShardNotFoundError as exc:
        raise CorpusError(f"{spec.record}: evidence.corpus.shards: {exc}") from None
    except CorpusError as exc:
        raise CorpusError(f"{spec.record}: evidence.corpus: {exc}") from None
    return CorpusEvidenceResult(
        record=spec.record,
        stats=CorpusStats.from_json(data),
        published=published,
        sample_note=spec.sample_note,
    )


def _cached_stats(spec: CorpusEvidenceSpec, env: EvidenceEnv) -> dict[str, Any]:
    shards = list(spec.shard_files) or load_shards(
        expand_paths(spec.shards, base=env.content_dir), env.content_dir
    )
    key = hash_key(
        CODE_VERSION,
        [[shard.display, shard.size, fingerprint(shard)] for shard in shards],
        {"skip_bad_lines": False},
    )

    def compute() -> dict[str, Any]:
        log.info("corpus: measuring %d shard(s) for %s", len(shards), spec.record)
        stats = compute_corpus_stats(
            [os.fspath(s.path.resolve()) for s in shards],
            base=env.content_dir,
            workers=_env_int("UNFRAGILE_CORPUS_WORKERS"),
            scheduler=os.environ.get("UNFRAGILE_CORPUS_SCHEDULER") or None,
        )
        return stats.to_json()

    result: dict[str, Any] = env.cache.get_or_compute(CACHE_NAMESPACE, key, compute)
    return result


def _env_int(name: str) -> int | None:
    value = os.environ.get(name)
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise CorpusError(f"{name} must be a whole number, got {value!r}") from None
