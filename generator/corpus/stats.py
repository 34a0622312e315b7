"""Final corpus figures, derived once from the fully merged partial, and the entry point.

``compute_corpus_stats`` is the narrow seam the CLI and the build both use: paths in, a
:class:`CorpusStats` out. Its JSON (``to_json``) is the shape the CLI prints and the build
writes beside the page::

    {"total": {...}, "subsets": {"<pile_set_name>": {...}}, "files": [{...}, ...]}
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from generator.corpus.errors import ShardNotFoundError
from generator.corpus.executors import ByteProgress, make_executor, usable_cores
from generator.corpus.partials import CorpusPartial, FilePartial, SubsetPartial
from generator.corpus.scan import ScanOptions
from generator.corpus.shards import auto_part_bytes, expand_paths, load_shards, plan_parts
from generator.corpus.sketches import HyperLogLog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubsetStats:
    """Figures for one subset, or for the whole corpus (``total``)."""

    documents: int
    bytes: int  # UTF-8 bytes of ``text``
    characters: int
    words: int  # runs of non-whitespace (ASCII whitespace)
    share: float  # of the total UTF-8 bytes
    mean_bytes: float | None
    median_bytes: float | None  # from the log-scale histogram (within ~2 %)
    p90_bytes: float | None
    max_bytes: int | None
    distinct_estimate: int  # HyperLogLog over a 64-bit hash of the text
    duplicate_rate: float  # 1 - distinct / documents (exact duplicates, estimated)

    @classmethod
    def from_partial(
        cls, part: SubsetPartial, total_bytes: int, distinct: HyperLogLog | None = None
    ) -> SubsetStats:
        sizes = part.sizes
        estimate = min(round((distinct or part.distinct).estimate()), part.documents)
        return cls(
            documents=part.documents,
            bytes=part.bytes,
            characters=part.characters,
            words=part.words,
            share=part.bytes / total_bytes if total_bytes else 0.0,
            mean_bytes=sizes.mean(),
            median_bytes=sizes.quantile(0.5),
            p90_bytes=sizes.quantile(0.9),
            max_bytes=sizes.maximum,
            distinct_estimate=estimate,
            duplicate_rate=1 - estimate / part.documents if part.documents else 0.0,
        )


@dataclass(frozen=True)
class FileStats:
    path: str
    compressed_bytes: int  # on disk
    uncompressed_bytes: int  # JSON lines as stored, newlines included
    compression_ratio: float  # uncompressed / compressed
    lines: int
    documents: int
    skipped_lines: int
    skipped_examples: tuple[str, ...]  # "line 7: not JSON: …", the first few

    @classmethod
    def from_partial(cls, part: FilePartial) -> FileStats:
        return cls(
            path=part.path,
            compressed_bytes=part.compressed_bytes,
            uncompressed_bytes=part.stream_bytes,
            compression_ratio=part.stream_bytes / part.compressed_bytes
            if part.compressed_bytes
            else 0.0,
            lines=part.lines,
            documents=part.documents,
            skipped_lines=part.skipped_lines,
            skipped_examples=tuple(f"line {n}: {r}" for n, r in part.skipped_examples),
        )


@dataclass(frozen=True)
class CorpusStats:
    total: SubsetStats
    subsets: dict[str, SubsetStats]  # sorted by name
    files: tuple[FileStats, ...]  # sorted by path

    @classmethod
    def from_partial(cls, partial: CorpusPartial) -> CorpusStats:
        whole = SubsetPartial()
        for subset in partial.subsets.values():
            whole.merge(subset)
        total = SubsetStats.from_partial(whole, whole.bytes)
        return cls(
            total=total,
            subsets={
                name: SubsetStats.from_partial(partial.subsets[name], whole.bytes)
                for name in sorted(partial.subsets)
            },
            files=tuple(FileStats.from_partial(partial.files[p]) for p in sorted(partial.files)),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "total": asdict(self.total),
            "subsets": {name: asdict(s) for name, s in self.subsets.items()},
            "files": [
                {**asdict(f), "skipped_examples": list(f.skipped_examples)} for f in self.files
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CorpusStats:
        return cls(
            total=SubsetStats(**data["total"]),
            subsets={name: SubsetStats(**s) for name, s in data["subsets"].items()},
            files=tuple(
                FileStats(**{**f, "skipped_examples": tuple(f["skipped_examples"])})
                for f in data["files"]
            ),
        )


def compute_corpus_stats(
    paths: Sequence[str],
    *,
    base: Path | None = None,
    workers: int | None = None,
    scheduler: str | Any | None = None,
    skip_bad_lines: bool = False,
    show_progress: bool = False,
    part_bytes: int | None = None,
    processes: bool = False,
) -> CorpusStats:
    """Statistics of every Pile-format shard that ``paths`` (files, folders, globs) name.

    ``workers``: threads on this machine (default: all cores, or one for inputs under 32 MiB);
    worker processes instead when ``processes`` is set. ``scheduler``: a ``dask.distributed``
    scheduler address (or a ``Client``); its workers must see the same paths. Nothing is written
    anywhere: the result is returned whole or an error is raised. ``part_bytes``: how to cut
    large shards (default: about four parts per core, 8-64 MiB each).
    """
    shards = load_shards(expand_paths(paths, base), display_base=base)
    if not shards:
        raise ShardNotFoundError("no shards given")
    if part_bytes is None:
        total = sum(s.size for s in shards)
        part_bytes = auto_part_bytes(total, workers or usable_cores())
    parts = plan_parts(shards, part_bytes)
    executor = make_executor(workers=workers, scheduler=scheduler, parts=parts, processes=processes)
    log.info(
        "corpus: %d shard(s), %d part(s), %d bytes, %s",
        len(shards),
        len(parts),
        sum(s.size for s in shards),
        executor.describe(),
    )
    with ByteProgress(sum(s.size for s in shards), enabled=show_progress) as progress:
        partial = executor.run(parts, ScanOptions(skip_bad_lines=skip_bad_lines), progress)
    return CorpusStats.from_partial(partial)
