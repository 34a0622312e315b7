"""The engine: one part of one shard in, one :class:`CorpusPartial` out.

Why this engine (measured, see ``docs/corpus.md``): ``orjson`` parses a Pile line at roughly the
speed ``zstd`` decompresses it, so the Python loop is kept to the minimum per document (parse,
pick two fields, encode) and everything else runs over a whole decompressed block at once in
numpy: byte lengths, word counts (a table lookup over the joined UTF-8 text), size buckets and
HyperLogLog registers. DuckDB was faster for documents, bytes and characters alone, but counting
whitespace-separated words in SQL made it slower than this loop, and its sketches cannot be
merged across workers.

Memory is bounded by the read block (a few MiB of decompressed text) plus the longest line.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import BinaryIO

import numpy as np
import orjson
import zstandard

from generator.corpus.errors import BadLineError, ShardReadError
from generator.corpus.partials import MAX_SKIPPED_EXAMPLES, CorpusPartial, FilePartial
from generator.corpus.shards import Part
from generator.corpus.sketches import mix64

log = logging.getLogger(__name__)

READ_BYTES = 4 << 20  # decompressed (or plain) bytes per block
COMPRESSED_READ_BYTES = 1 << 20
MAX_WINDOW = 1 << 31  # the long-distance windows some corpora are written with

# ASCII whitespace as ``bytes.split()`` sees it: space, \t, \n, \v, \f, \r.
_WHITESPACE = np.zeros(256, dtype=bool)
_WHITESPACE[[0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D]] = True

ProgressCallback = Callable[[int], None]  # compressed bytes newly consumed


@dataclass(frozen=True)
class ScanOptions:
    skip_bad_lines: bool = False


def text_hash(encoded: bytes) -> int:
    """The 64-bit hash the distinct estimate is built on (stable across processes and runs)."""
    return int.from_bytes(hashlib.blake2b(encoded, digest_size=8).digest(), "little")


def scan_part(
    part: Part, options: ScanOptions, progress: ProgressCallback | None = None
) -> CorpusPartial:
    """Statistics of every line that starts inside ``part``."""
    shard = part.shard
    result = CorpusPartial()
    file = FilePartial(path=shard.display, parts=1)
    file.compressed_bytes = shard.size if part.index == 0 else 0
    result.files[shard.display] = file
    line_number = 1 if part.start == 0 else None  # found again only if an error needs it
    offset = 0
    carry = b""
    for block, start_offset in _blocks(part, progress):
        if not carry:
            offset = start_offset
        file.stream_bytes += len(block)
        lines = (carry + block).split(b"\n") if carry else block.split(b"\n")
        carry = lines.pop()
        offset, line_number = _scan_lines(lines, offset, line_number, part, options, result)
    if carry:  # a last line without its newline is still a line
        _scan_lines([carry], offset, line_number, part, options, result)
    if file.stream_bytes == 0:
        raise ShardReadError(shard.display, "no data (the stream decompresses to nothing)")
    return result


def _scan_lines(
    lines: list[bytes],
    offset: int,
    line_number: int | None,
    part: Part,
    options: ScanOptions,
    result: CorpusPartial,
) -> tuple[int, int | None]:
    """Add ``lines`` to ``result``; return the offset and number of the line after them."""
    loads = orjson.loads
    names: list[str] = []
    texts: list[bytes] = []
    characters: list[int] = []
    file = result.files[part.shard.display]
    line_offsets: list[int] | None = None  # computed once, when the first bad line needs it
    for index, line in enumerate(lines):
        try:
            doc = loads(line)
            text = doc["text"]
            name = doc["meta"]["pile_set_name"]
            if type(text) is not str or type(name) is not str:
                raise TypeError
            texts.append(text.encode())
        except (orjson.JSONDecodeError, KeyError, TypeError, IndexError, UnicodeEncodeError):
            if line_offsets is None:
                line_offsets = [0, *accumulate(len(x) + 1 for x in lines)]
            at = offset + line_offsets[index]
            number = None if line_number is None else line_number + index
            _bad_line(line, at, number, part, options, file)
            continue
        names.append(name)
        characters.append(len(text))
    file.lines += len(lines)
    file.documents += len(texts)
    if texts:
        _add_documents(names, texts, characters, result)
    next_offset = offset + sum(len(x) for x in lines) + len(lines)
    return next_offset, None if line_number is None else line_number + len(lines)


def _add_documents(
    names: list[str], texts: list[bytes], characters: list[int], result: CorpusPartial
) -> None:
    count = len(texts)
    sizes = np.fromiter(map(len, texts), dtype=np.int64, count=count)
    # Words: join the texts with single spaces (so no word spans two documents) and count the
    # bytes that start a run of non-whitespace, summed per document with reduceat.
    joined = np.frombuffer(b" " + b" ".join(texts) + b" ", dtype=np.uint8)
    solid = ~_WHITESPACE[joined]
    starts = np.zeros(joined.shape, dtype=np.uint8)
    np.greater(solid[1:], solid[:-1], out=starts[1:].view(bool))
    bounds = np.empty(count, dtype=np.int64)
    bounds[0] = 1
    np.cumsum(sizes[:-1] + 1, out=bounds[1:])
    bounds[1:] += 1
    words = np.add.reduceat(starts, bounds, dtype=np.int64)
    hashes = mix64(np.fromiter(map(text_hash, texts), dtype=np.uint64, count=count))
    chars = np.array(characters, dtype=np.int64)
    codes_of: dict[str, int] = {}
    codes = np.fromiter(
        (codes_of.setdefault(n, len(codes_of)) for n in names), dtype=np.int64, count=count
    )
    for name, code in codes_of.items():
        mask = codes == code
        subset = result.subset(name)
        subset_sizes = sizes[mask]
        subset.documents += int(subset_sizes.size)
        subset.bytes += int(subset_sizes.sum())
        subset.characters += int(chars[mask].sum())
        subset.words += int(words[mask].sum())
        subset.sizes.add_many(subset_sizes)
        subset.distinct.add_hashes(hashes[mask])


def _bad_line(
    line: bytes,
    offset: int,
    number: int | None,
    part: Part,
    options: ScanOptions,
    file: FilePartial,
) -> None:
    reason = diagnose_line(line)
    if number is None:
        number = _line_number_at(part, offset)
    if not options.skip_bad_lines:
        raise BadLineError(part.shard.display, number, offset, reason)
    file.skipped_lines += 1
    if len(file.skipped_examples) < MAX_SKIPPED_EXAMPLES:
        file.skipped_examples.append(f"line {number}: {reason}")
    log.debug("%s:%s: skipped: %s", part.shard.display, number, reason)


def diagnose_line(line: bytes) -> str:
    """Why ``line`` is not a Pile document, in words (the slow path, for bad lines only)."""
    if not line.strip():
        return "empty line"
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"invalid UTF-8 at byte {exc.start} of the line"
    try:
        doc = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return f"not JSON: {exc.msg} at column {exc.colno}"
    if not isinstance(doc, dict):
        return f"not a JSON object (a {type(doc).__name__})"
    if "text" not in doc:
        return 'no "text" field'
    if not isinstance(doc["text"], str):
        return '"text" is not a string'
    meta = doc.get("meta")
    if not isinstance(meta, dict) or "pile_set_name" not in meta:
        return 'no "meta.pile_set_name" field'
    if not isinstance(meta["pile_set_name"], str):
        return '"meta.pile_set_name" is not a string'
    try:
        doc["text"].encode()
    except UnicodeEncodeError:
        return '"text" holds a lone surrogate (not valid UTF-8)'
    return "not a Pile document"


def _line_number_at(part: Part, offset: int) -> int:
    """The 1-based number of the line at uncompressed ``offset`` (plain files only reach here)."""
    newlines = 0
    with part.shard.path.open("rb") as handle:
        remaining = offset
        while remaining > 0:
            block = handle.read(min(READ_BYTES, remaining))
            if not block:
                break
            newlines += block.count(b"\n")
            remaining -= len(block)
    return newlines + 1


def _blocks(part: Part, progress: ProgressCallback | None) -> Iterator[tuple[bytes, int]]:
    """Decompressed blocks of ``part`` with the uncompressed offset each one starts at."""
    shard = part.shard
    try:
        with shard.path.open("rb") as handle:
            if shard.format == "zstd":
                yield from _zstd_blocks(handle, shard.display, progress)
            elif shard.format == "gzip":
                yield from _gzip_blocks(handle, shard.display, progress)
            else:
                yield from _plain_blocks(handle, part, progress)
    except FileNotFoundError:
        raise ShardReadError(shard.display, "no such file") from None
    except OSError as exc:
        raise ShardReadError(shard.display, f"cannot read: {exc.strerror or exc}") from None


def _zstd_blocks(
    handle: BinaryIO, display: str, progress: ProgressCallback | None
) -> Iterator[tuple[bytes, int]]:
    context = zstandard.ZstdDecompressor(max_window_size=MAX_WINDOW)
    decoder = context.decompressobj()
    in_frame = False
    consumed = produced = 0
    while chunk := handle.read(COMPRESSED_READ_BYTES):
        data = chunk
        while data:
            in_frame = True
            try:
                out = decoder.decompress(data)
            except zstandard.ZstdError as exc:
                raise ShardReadError(
                    display,
                    f"corrupt zstd stream in the compressed bytes {consumed}–"
                    f"{consumed + len(chunk)} (after {produced} uncompressed bytes): {exc}",
                ) from None
            if out:
                yield out, produced
                produced += len(out)
            if decoder.eof:  # a frame ended; another may follow in the same file
                data = decoder.unused_data
                decoder = context.decompressobj()
                in_frame = False
            else:
                data = b""
        consumed += len(chunk)
        if progress:
            progress(len(chunk))
    if in_frame:
        raise ShardReadError(
            display,
            f"truncated zstd stream: it ends inside a frame after {consumed} compressed bytes "
            f"({produced} uncompressed bytes read)",
        )


def _gzip_blocks(
    handle: BinaryIO, display: str, progress: ProgressCallback | None
) -> Iterator[tuple[bytes, int]]:
    produced = reported = 0
    stream = gzip.GzipFile(fileobj=handle, mode="rb")
    while True:
        try:
            out = stream.read(READ_BYTES)
        except EOFError:
            raise ShardReadError(
                display, f"truncated gzip stream after {produced} uncompressed bytes"
            ) from None
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise ShardReadError(
                display, f"corrupt gzip stream after {produced} uncompressed bytes: {exc}"
            ) from None
        if not out:
            break
        yield out, produced
        produced += len(out)
        if progress:
            position = handle.tell()
            progress(position - reported)
            reported = position


def _plain_blocks(
    handle: BinaryIO, part: Part, progress: ProgressCallback | None
) -> Iterator[tuple[bytes, int]]:
    start = _line_start(handle, part.start)
    end = _line_start(handle, part.end) if part.end < part.shard.size else part.shard.size
    handle.seek(start)
    position = start
    while position < end:
        block = handle.read(min(READ_BYTES, end - position))
        if not block:
            break
        yield block, position
        position += len(block)
        if progress:
            progress(len(block))


def _line_start(handle: BinaryIO, position: int) -> int:
    """The first line start at or after ``position``."""
    if position == 0:
        return 0
    handle.seek(position - 1)
    if handle.read(1) == b"\n":
        return position
    handle.readline()
    return handle.tell()
