"""Decompressed bytes of one part, cut at line boundaries that every part agrees on.

A part is a byte range ``[start, end)`` of the file: any range of a plain file, a run of whole
frames of a zstd file (see :func:`generator.corpus.shards.zstd_frames`), or a whole gzip file.
Its *region* of the uncompressed stream is decided by one rule, so regions tile the stream with
no line read twice or missed: a part other than the first skips through the first newline of
its output, and every part but the last reads past its end through the first newline there.
"""

from __future__ import annotations

import functools
import gzip
import logging
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

import zstandard

from generator.corpus.errors import ShardReadError
from generator.corpus.shards import Part

log = logging.getLogger(__name__)

READ_BYTES = 4 << 20  # plain or gzip bytes per block
COMPRESSED_READ_BYTES = 512 << 10  # measured: 256 KiB-1 MiB chunks decompress fastest
MAX_WINDOW = 1 << 31  # the long-distance windows some corpora are written with

ProgressCallback = Callable[[int], None]  # file bytes newly consumed
RawBlocks = Iterator[tuple[bytes, bool]]  # (output, produced from inside the part's range)


def region_blocks(part: Part, progress: ProgressCallback | None = None) -> Iterator[bytes]:
    """The uncompressed bytes of ``part``'s region, in blocks of a few MiB."""
    shard = part.shard
    try:
        with shard.path.open("rb") as handle:
            yield from _cut(_raw_blocks(handle, part, progress), part)
    except FileNotFoundError:
        raise ShardReadError(shard.display, "no such file") from None
    except OSError as exc:
        raise ShardReadError(shard.display, f"cannot read: {exc.strerror or exc}") from None


@functools.lru_cache(maxsize=16)
def region_start(part: Part) -> tuple[int, int]:
    """``(uncompressed offset, line number)`` where ``part``'s region begins.

    The slow path, taken only to word an error message: it rereads the stream from the start.
    """
    if part.start == 0:
        return 0, 1
    offset = newlines = 0
    whole = Part(part.shard, 0, 0, part.start)
    for block in region_blocks(whole):  # everything before the region, ending at a newline
        offset += len(block)
        newlines += block.count(b"\n")
    return offset, newlines + 1


def _cut(raw: RawBlocks, part: Part) -> Iterator[bytes]:
    skipping = part.start > 0
    for data, inside in raw:
        if skipping:
            newline = data.find(b"\n")
            if newline < 0:
                continue
            if not inside:
                return  # one line spans the whole part: the part before reads it, this one is empty
            data = data[newline + 1 :]
            skipping = False
        if inside:
            if data:
                yield data
            continue
        newline = data.find(b"\n")
        if newline >= 0:
            yield data[: newline + 1]
            return
        yield data


def _raw_blocks(handle: BinaryIO, part: Part, progress: ProgressCallback | None) -> RawBlocks:
    fmt = part.shard.format
    if fmt == "zstd":
        return _zstd_blocks(handle, part, progress)
    if fmt == "gzip":
        return _gzip_blocks(handle, part, progress)
    return _plain_blocks(handle, part, progress)


def _zstd_blocks(handle: BinaryIO, part: Part, progress: ProgressCallback | None) -> RawBlocks:
    display = part.shard.display
    context = zstandard.ZstdDecompressor(max_window_size=MAX_WINDOW)
    decoder = context.decompressobj()
    in_frame = False
    position = part.start
    produced = 0
    handle.seek(position)
    while True:
        inside = position < part.end
        want = min(COMPRESSED_READ_BYTES, part.end - position) if inside else COMPRESSED_READ_BYTES
        chunk = handle.read(want)
        if not chunk:
            break
        data = chunk
        while data:
            in_frame = True
            try:
                out = decoder.decompress(data)
            except zstandard.ZstdError as exc:
                raise ShardReadError(
                    display,
                    f"corrupt zstd stream at compressed bytes {position}–{position + len(chunk)} "
                    f"({produced} bytes decompressed before it): {exc}",
                ) from None
            if out:
                produced += len(out)
                yield out, inside
            if decoder.eof:  # a frame ended; another may follow
                data = decoder.unused_data
                decoder = context.decompressobj()
                in_frame = False
            else:
                data = b""
        position += len(chunk)
        if progress and inside:
            progress(len(chunk))
    if in_frame:
        raise ShardReadError(
            display,
            f"truncated zstd stream: the file ends inside a frame at compressed byte {position} "
            f"({produced} bytes decompressed)",
        )


def _gzip_blocks(handle: BinaryIO, part: Part, progress: ProgressCallback | None) -> RawBlocks:
    display = part.shard.display
    produced = reported = 0
    stream = gzip.GzipFile(fileobj=handle, mode="rb")
    while True:
        try:
            out = stream.read(READ_BYTES)
        except EOFError:
            raise ShardReadError(
                display, f"truncated gzip stream ({produced} bytes decompressed)"
            ) from None
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise ShardReadError(
                display, f"corrupt gzip stream ({produced} bytes decompressed before it): {exc}"
            ) from None
        if not out:
            return
        produced += len(out)
        yield out, True
        if progress:
            position = handle.tell()
            progress(position - reported)
            reported = position


def _plain_blocks(handle: BinaryIO, part: Part, progress: ProgressCallback | None) -> RawBlocks:
    handle.seek(part.start)
    position = part.start
    while True:
        inside = position < part.end
        block = handle.read(min(READ_BYTES, part.end - position) if inside else 1 << 16)
        if not block:
            return
        position += len(block)
        if inside and progress:
            progress(len(block))
        yield block, inside
