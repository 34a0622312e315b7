"""Finding shards, naming their format and cutting them into parts for the workers.

A *part* is the unit of work: a whole compressed shard (zstd and gzip streams cannot be entered
in the middle), or a byte range of a plain ``.jsonl`` file (cut at ``part_bytes`` and realigned
to line starts by the reader, so every line belongs to exactly one part).
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.corpus.errors import ShardNotFoundError, ShardReadError

log = logging.getLogger(__name__)

FORMATS = {".zst": "zstd", ".zstd": "zstd", ".gz": "gzip", ".jsonl": "plain", ".json": "plain"}
DEFAULT_PART_BYTES = 256 << 20


@dataclass(frozen=True)
class Shard:
    path: Path
    display: str  # the path as shown in messages and tables
    format: str  # "zstd", "gzip" or "plain"
    size: int  # bytes on disk


@dataclass(frozen=True)
class Part:
    shard: Shard
    index: int  # 0 for the first part of a shard
    start: int  # byte range of a plain file; (0, size) for compressed streams
    end: int

    @property
    def is_whole(self) -> bool:
        return self.start == 0 and self.end >= self.shard.size


def shard_format(path: Path) -> str | None:
    return FORMATS.get(path.suffix.lower())


def expand_paths(patterns: Iterable[str], base: Path | None = None) -> list[Path]:
    """Each pattern as a file, a folder (its shards) or a glob; one that names nothing is an error.

    Relative patterns are taken from ``base`` when given. The result is sorted and free of
    repeats, so the same inputs always give the same order.
    """
    found: dict[Path, None] = {}
    for pattern in patterns:
        full = Path(pattern) if base is None or Path(pattern).is_absolute() else base / pattern
        if glob.has_magic(str(full)):
            matches = [Path(m) for m in sorted(glob.glob(str(full), recursive=True))]
            matches = [m for m in matches if m.is_file()]
            if not matches:
                raise ShardNotFoundError(f"{pattern}: the glob matched no files")
        elif full.is_dir():
            matches = sorted(p for p in full.rglob("*") if p.is_file() and shard_format(p))
            if not matches:
                raise ShardNotFoundError(f"{pattern}: the folder holds no .jsonl/.jsonl.zst/.jsonl.gz")
        elif full.exists():
            matches = [full]
        else:
            raise ShardNotFoundError(f"{pattern}: no such file")
        for match in matches:
            found.setdefault(match, None)
    return sorted(found)


def load_shards(paths: Iterable[Path], display_base: Path | None = None) -> list[Shard]:
    shards = []
    for path in paths:
        fmt = shard_format(path)
        display = _display(path, display_base)
        if fmt is None:
            raise ShardReadError(
                display, "unknown format (expected .jsonl, .jsonl.zst or .jsonl.gz)"
            )
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise ShardNotFoundError(f"{display}: no such file") from None
        if size == 0:
            raise ShardReadError(display, "empty file (0 bytes)")
        shards.append(Shard(path=path, display=display, format=fmt, size=size))
    return shards


def plan_parts(shards: Iterable[Shard], part_bytes: int = DEFAULT_PART_BYTES) -> list[Part]:
    parts: list[Part] = []
    for shard in shards:
        if shard.format != "plain" or shard.size <= part_bytes:
            parts.append(Part(shard, 0, 0, shard.size))
            continue
        for index, start in enumerate(range(0, shard.size, part_bytes)):
            parts.append(Part(shard, index, start, min(start + part_bytes, shard.size)))
    return parts


def split_evenly(shard: Shard, pieces: int) -> list[Part]:
    """``pieces`` byte ranges of a plain shard (tests use it to check the merge)."""
    if shard.format != "plain":
        raise ValueError("only plain .jsonl shards can be split by byte range")
    step = -(-shard.size // pieces)
    starts = range(0, shard.size, step)
    return [Part(shard, i, s, min(s + step, shard.size)) for i, s in enumerate(starts)]


FULL_HASH_LIMIT = 256 << 20
SAMPLED_BLOCKS = 64
SAMPLED_BLOCK_BYTES = 1 << 20


def fingerprint(shard: Shard) -> str:
    """A content hash of the shard: what the evidence cache is keyed by.

    Files up to 256 MiB are hashed whole. A full Pile shard is ~14 GiB, and hashing 825 GiB
    on every build would cost more than the cache saves, so larger files are keyed by their
    size plus 64 evenly spaced 1 MiB blocks (first and last included): any change of length
    or of a sampled block is seen; an edit confined to an unsampled block of a huge file is not.
    """
    digest = hashlib.sha256()
    digest.update(shard.size.to_bytes(8, "little"))
    with shard.path.open("rb") as handle:
        if shard.size <= FULL_HASH_LIMIT:
            while block := handle.read(1 << 20):
                digest.update(block)
        else:
            last = shard.size - SAMPLED_BLOCK_BYTES
            for i in range(SAMPLED_BLOCKS):
                handle.seek(last * i // (SAMPLED_BLOCKS - 1))
                digest.update(handle.read(SAMPLED_BLOCK_BYTES))
    return digest.hexdigest()


def _display(path: Path, base: Path | None) -> str:
    for root in (base, Path.cwd()):
        if root is None:
            continue
        try:
            return os.fspath(path.resolve().relative_to(root.resolve()))
        except ValueError:
            continue
    return os.fspath(path)
