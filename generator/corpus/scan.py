"""The engine: one part of one shard in, one :class:`CorpusPartial` out.

Chosen by measurement (``docs/corpus.md``): DuckDB's ``read_json`` is quick for documents, bytes
and characters but 2-5x slower once it must count words, and its sketches do not merge across
workers; a plain loop over ``orjson`` documents spends most of its time in ``text.split()`` and
per-document hashing. So the Python loop here does the minimum per document (parse, pick two
fields, encode) and the rest runs over 4 MiB batches at once: byte lengths and CRC-32 through
C-level ``map``, word counts as numpy comparisons over each subset's joined text, size buckets
and HyperLogLog registers as array operations.

Memory is bounded by one batch (a few MiB of lines) plus the longest line, whatever the shard.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
import orjson

from generator.corpus.errors import BadLineError, ShardReadError
from generator.corpus.partials import (
    MAX_SKIPPED_EXAMPLES,
    CorpusPartial,
    FilePartial,
    SubsetPartial,
)
from generator.corpus.shards import Part
from generator.corpus.sketches import I64Array, U64Array, mix64
from generator.corpus.streams import ProgressCallback, region_blocks, region_start

log = logging.getLogger(__name__)


BATCH_BYTES = 4 << 20  # lines are scanned in batches of at least this many bytes

# ASCII whitespace as ``bytes.split()`` sees it: space, \t, \n, \v, \f, \r.
_WHITESPACE = np.zeros(256, dtype=bool)
_WHITESPACE[[0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D]] = True


@dataclass(frozen=True)
class ScanOptions:
    skip_bad_lines: bool = False


def scan_part(
    part: Part, options: ScanOptions, progress: ProgressCallback | None = None
) -> CorpusPartial:
    """Statistics of every line in ``part``'s region (see :mod:`generator.corpus.streams`)."""
    shard = part.shard
    result = CorpusPartial()
    file = FilePartial(path=shard.display, parts=1)
    file.compressed_bytes = shard.size if part.index == 0 else 0
    result.files[shard.display] = file
    cursor = _Cursor()
    lines: list[bytes] = []
    pending = 0
    carry = b""
    for block in region_blocks(part, progress):
        file.stream_bytes += len(block)
        pieces = block.split(b"\n")  # each block split on its own: no copy of the whole batch
        pieces[0] = carry + pieces[0]
        carry = pieces.pop()
        lines += pieces
        pending += len(block)
        if pending >= BATCH_BYTES:  # big batches: numpy's per-call cost is paid rarely
            _scan_lines(lines, cursor, part, options, result)
            lines, pending = [], 0
    if carry:  # a last line without its newline is still a line
        lines.append(carry)
    if lines:
        _scan_lines(lines, cursor, part, options, result)
    if part.index == 0 and file.stream_bytes == 0:
        raise ShardReadError(shard.display, "no data: the stream decompresses to nothing")
    return result


@dataclass
class _Cursor:
    """Where the next line starts, relative to the part's region."""

    offset: int = 0
    line: int = 0  # lines before it in the region


def _scan_lines(
    lines: list[bytes],
    cursor: _Cursor,
    part: Part,
    options: ScanOptions,
    result: CorpusPartial,
) -> None:
    """Add ``lines`` to ``result`` and move ``cursor`` past them."""
    loads = orjson.loads
    groups: dict[str, tuple[list[bytes], list[int]]] = {}  # name -> (UTF-8 texts, characters)
    file = result.files[part.shard.display]
    line_offsets: list[int] | None = None  # computed once, when the first bad line needs it
    documents = 0
    for index, line in enumerate(lines):
        try:
            doc = loads(line)
            text = doc["text"]
            name = doc["meta"]["pile_set_name"]
            if type(text) is not str or type(name) is not str:
                raise TypeError
            encoded = text.encode()
        except (orjson.JSONDecodeError, KeyError, TypeError, IndexError, UnicodeEncodeError):
            if line_offsets is None:
                line_offsets = [0, *accumulate(len(x) + 1 for x in lines)]
            where = (cursor.offset + line_offsets[index], cursor.line + index)
            _bad_line(line, where, part, options, file)
            continue
        group = groups.get(name)
        if group is None:
            group = groups[name] = ([], [])
        group[0].append(encoded)
        group[1].append(len(text))
        documents += 1
    file.lines += len(lines)
    file.documents += documents
    for name, (texts, characters) in groups.items():
        _add_subset(result.subset(name), texts, characters)
    cursor.offset += sum(map(len, lines)) + len(lines)
    cursor.line += len(lines)


def count_words(texts: list[bytes]) -> int:
    """Runs of non-whitespace bytes (ASCII whitespace, as ``bytes.split()``) over all ``texts``.

    The texts are joined with single spaces, so no word spans two documents; a word starts at
    every solid byte that follows a whitespace byte. Comparisons are ~40x faster than a lookup
    table in numpy, so bytes above the space are taken as solid and only the (rare) control
    bytes are looked up.
    """
    joined = np.frombuffer(b" " + b" ".join(texts), dtype=np.uint8)
    solid = joined > 0x20
    control = np.flatnonzero(joined < 0x20)
    solid[control] = ~_WHITESPACE[joined[control]]
    return int(np.count_nonzero(solid[1:] > solid[:-1]))


def text_hashes(texts: list[bytes], sizes: I64Array) -> U64Array:
    """A 64-bit hash of each text: its CRC-32 beside its length, then mixed.

    CRC-32 is a C loop in zlib, about 4x faster here than an 8-byte BLAKE2b per document and
    the same in every process (unlike ``hash()``). Two different texts collide only when both
    the checksum and the length agree: on the full Pile (~2e8 documents) that merges a few
    thousand pairs, far below HyperLogLog's own 0.8 % error. The mixing spreads the bits.
    """
    checksums = np.fromiter(map(zlib.crc32, texts), dtype=np.uint64, count=len(texts))
    lengths = sizes.astype(np.uint64) & np.uint64(0xFFFFFFFF)
    return mix64((lengths << np.uint64(32)) | checksums)


def _add_subset(subset: SubsetPartial, texts: list[bytes], characters: list[int]) -> None:
    sizes = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    subset.documents += len(texts)
    subset.bytes += int(sizes.sum())
    subset.characters += sum(characters)
    subset.words += count_words(texts)
    subset.sizes.add_many(sizes)
    subset.distinct.add_hashes(text_hashes(texts, sizes))


def _bad_line(
    line: bytes, where: tuple[int, int], part: Part, options: ScanOptions, file: FilePartial
) -> None:
    """Raise for a bad line, or count it (and keep the first few) under ``--skip-bad-lines``."""
    file.skipped_lines += 1
    keep = len(file.skipped_examples) < MAX_SKIPPED_EXAMPLES
    if options.skip_bad_lines and not keep:
        return  # counted; locating it would mean rereading the stream
    reason = diagnose_line(line)
    base_offset, base_line = region_start(part)
    offset, number = base_offset + where[0], base_line + where[1]
    if not options.skip_bad_lines:
        raise BadLineError(part.shard.display, number, offset, reason)
    file.skipped_examples.append((number, reason))
    log.debug("%s:%d: skipped: %s", part.shard.display, number, reason)


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
