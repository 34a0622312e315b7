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

FORMATS = {".zst": "zstd", ".zstd": "zstd", ".gz": "gzip", ".jsonl": "plain"}
MAX_PART_BYTES = 64 << 20  # on disk; about a second of one worker's time
MIN_PART_BYTES = 8 << 20


def auto_part_bytes(total: int, workers: int) -> int:
    """Parts small enough for ~4 per worker (load balance), within 8-64 MiB (overhead, memory)."""
    return max(MIN_PART_BYTES, min(MAX_PART_BYTES, total // max(1, 4 * workers)))


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
                raise ShardNotFoundError(
                    f"{pattern}: the folder holds no .jsonl/.jsonl.zst/.jsonl.gz"
                )
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


def plan_parts(shards: Iterable[Shard], part_bytes: int = MAX_PART_BYTES) -> list[Part]:
    """Cut each shard into parts of about ``part_bytes`` bytes on disk.

    Plain files are cut anywhere (the reader realigns to lines); zstd files only between
    frames, so a single-frame shard (the usual ``zstd`` output) stays one part, while a
    multi-frame one (``pzstd``, or our benchmark's writer) spreads over the workers.
    """
    parts: list[Part] = []
    for shard in shards:
        if shard.size <= part_bytes or shard.format == "gzip":
            parts.append(Part(shard, 0, 0, shard.size))
        elif shard.format == "plain":
            starts = range(0, shard.size, part_bytes)
            parts.extend(
                Part(shard, i, s, min(s + part_bytes, shard.size)) for i, s in enumerate(starts)
            )
        else:
            cuts = _group(zstd_frame_starts(shard.path) or [0], part_bytes)
            bounds = [*cuts, shard.size]
            parts.extend(Part(shard, i, bounds[i], bounds[i + 1]) for i in range(len(cuts)))
    return parts


def _group(frame_starts: list[int], part_bytes: int) -> list[int]:
    """The frame starts at which a new part begins (the first frame always does)."""
    cuts = [frame_starts[0]]
    for start in frame_starts[1:]:
        if start - cuts[-1] >= part_bytes:
            cuts.append(start)
    return cuts


def split_evenly(shard: Shard, pieces: int) -> list[Part]:
    """About ``pieces`` parts of a shard, cut as :func:`plan_parts` would (tests use it)."""
    return plan_parts([shard], part_bytes=max(1, -(-shard.size // pieces)))


_ZSTD_MAGIC = 0xFD2FB528
_SKIPPABLE_MAGIC = 0x184D2A50  # the low four bits are free


def zstd_frame_starts(path: Path) -> list[int] | None:
    """Offsets of the zstd frames in ``path``, read from frame and block headers only.

    Returns ``None`` when the headers do not parse (the decoder will then say what is wrong).
    Skippable frames are kept with the frame before them.
    """
    starts: list[int] = []
    size = path.stat().st_size
    with path.open("rb") as handle:
        position = 0
        while position < size:
            handle.seek(position)
            head = handle.read(18)
            if len(head) < 8:
                return None
            magic = int.from_bytes(head[:4], "little")
            if magic & 0xFFFFFFF0 == _SKIPPABLE_MAGIC:
                position += 8 + int.from_bytes(head[4:8], "little")
                continue
            if magic != _ZSTD_MAGIC:
                return None
            starts.append(position)
            descriptor = head[4]
            single_segment = (descriptor >> 5) & 1
            content_size_bytes = (1 if single_segment else 0, 2, 4, 8)[descriptor >> 6]
            dictionary_bytes = (0, 1, 2, 4)[descriptor & 3]
            position += 5 + (1 - single_segment) + dictionary_bytes + content_size_bytes
            while True:  # blocks: 3-byte header (last flag, type, size)
                handle.seek(position)
                block = handle.read(3)
                if len(block) < 3:
                    return None
                value = int.from_bytes(block, "little")
                kind, length = (value >> 1) & 3, value >> 3
                position += 3 + (1 if kind == 1 else length)  # an RLE block stores one byte
                if value & 1:
                    break
            if (descriptor >> 2) & 1:
                position += 4  # content checksum
    return starts if starts else None


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
