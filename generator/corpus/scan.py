"""The engine: one part of one shard in, one :class:`CorpusPartial` out.

Chosen by measurement (``docs/corpus.md``). Decoding every line into Python strings (``orjson``)
already costs the whole one-core budget, and DuckDB slows down 2-5x once it counts words, with
sketches that do not merge. So lines are read in place by the compiled scanner in
:mod:`generator.corpus.kernel` (run from its cached machine code, see
:mod:`generator.corpus.native`), batch by batch as they are decompressed: it counts each
document straight into per-subset tables (counts, size histogram, HyperLogLog registers). A line
it does not take - an escaped key, a key twice, anything invalid - is parsed here with
``orjson``: a document is fed back to the kernel re-encoded in the Pile shape; a bad line raises
or is counted under ``--skip-bad-lines``.

A part runs in one thread, or pipelined over several (:func:`_scan_pipelined`): one thread
decompresses, the others scan batches into tables of their own. Memory is bounded by a few
blocks (a few MiB each) plus the longest line, whatever the shard.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import orjson

from generator.corpus import layout, native
from generator.corpus.errors import BadLineError, ShardReadError
from generator.corpus.partials import (
    MAX_SKIPPED_EXAMPLES,
    CorpusPartial,
    FilePartial,
)
from generator.corpus.pipeline import Pipeline
from generator.corpus.shards import Part
from generator.corpus.sketches import REGISTERS, HyperLogLog, SizeHistogram
from generator.corpus.streams import ProgressCallback, region_blocks, region_start

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScanOptions:
    skip_bad_lines: bool = False


Segment = tuple[bytes, int, int]  # whole lines: ``data[start:end]``


@dataclass
class _Batch:
    """Whole lines of a part's region, in order: the line that straddled the previous block
    (joined on its own) and the rest of one block, scanned in place."""

    index: int  # its place among the part's batches
    offset: int  # where its first segment starts in the region
    segments: list[Segment]
    stream_bytes: int  # decompressed bytes that arrived with it


def _batches(part: Part, progress: ProgressCallback | None) -> Iterator[_Batch]:
    """The part's region as batches of whole lines, one per decompressed block."""
    carry: list[bytes] = []  # the start of a line whose newline has not been read yet
    offset = index = waiting = 0
    for block in region_blocks(part, progress):
        waiting += len(block)
        first = block.find(b"\n")
        if first < 0:
            carry.append(block)
            continue
        if carry:
            head = b"".join([*carry, block[: first + 1]])
            segments = [(head, 0, len(head))]
        else:
            segments = [(block, 0, first + 1)]
        last = block.rfind(b"\n") + 1
        if last > first + 1:
            segments.append((block, first + 1, last))
        yield _Batch(index, offset, segments, waiting)
        offset += sum(end - start for _, start, end in segments)
        index += 1
        waiting = 0
        carry = [block[last:]] if last < len(block) else []
    if carry or waiting:  # a last line without its newline is still a line
        tail = b"".join(carry)
        yield _Batch(index, offset, [(tail, 0, len(tail))] if tail else [], waiting)


def scan_part(
    part: Part,
    options: ScanOptions,
    progress: ProgressCallback | None = None,
    threads: int = 1,
) -> CorpusPartial:
    """Statistics of every line in ``part``'s region (see :mod:`generator.corpus.streams`).

    With ``threads > 1`` the part is pipelined (:func:`_scan_pipelined`): one thread
    decompresses, the others scan; otherwise one thread alternates between the two.
    """
    shard = part.shard
    file = FilePartial(path=shard.display, parts=1)
    file.compressed_bytes = shard.size if part.index == 0 else 0
    if threads > 1:
        result = _scan_pipelined(part, options, progress, threads, file)
    else:
        scanner = _Scanner(file, _Tables(), _bad_line_sink(part, options, file))
        for batch in _batches(part, progress):
            file.stream_bytes += batch.stream_bytes
            for data, start, end in batch.segments:
                scanner.scan(data, start, end)
        result = scanner.tables.to_partial()
    if part.index == 0 and file.stream_bytes == 0:
        raise ShardReadError(shard.display, "no data: the stream decompresses to nothing")
    result.files[shard.display] = file
    return result


@dataclass
class _Lane:
    """One scanning thread's share of a pipelined part: its own tables and file counts, the
    lines of each batch it scanned, and the bad lines it met (batch, lines before it in the
    batch, offset in the region, reason)."""

    tables: _Tables
    file: FilePartial
    lines: dict[int, int] = field(default_factory=dict)
    bad: list[tuple[int, int, int, str]] = field(default_factory=list)


def _scan_pipelined(
    part: Part,
    options: ScanOptions,
    progress: ProgressCallback | None,
    threads: int,
    file: FilePartial,
) -> CorpusPartial:
    """``part`` with one thread decompressing and ``threads`` scanning (see
    :mod:`generator.corpus.pipeline`). Bad lines are found per batch and numbered at the end,
    from the line counts of the batches before; without ``--skip-bad-lines`` the first one in
    the stream is raised, exactly as one thread would, and no batch after it is scanned."""
    lanes = [_Lane(_Tables(), FilePartial(path=file.path)) for _ in range(threads)]
    first_bad = [-1]  # the earliest batch with a bad line, once one is found
    lock = threading.Lock()

    def scan(lane: _Lane, batch: _Batch) -> None:
        lane.file.stream_bytes += batch.stream_bytes
        kept = 0

        def on_bad(line: bytes, offset: int, before: int) -> None:
            nonlocal kept
            if options.skip_bad_lines and kept >= MAX_SKIPPED_EXAMPLES:
                return
            kept += 1
            lane.bad.append((batch.index, before, offset, diagnose_line(line)))
            if not options.skip_bad_lines:
                with lock:
                    if first_bad[0] < 0 or batch.index < first_bad[0]:
                        first_bad[0] = batch.index
                raise _StopBatch

        scanner = _Scanner(lane.file, lane.tables, on_bad, batch.offset)
        try:
            for data, start, end in batch.segments:
                scanner.scan(data, start, end)
        except _StopBatch:
            return
        lane.lines[batch.index] = scanner.line

    def wanted(batch: _Batch) -> bool:
        return first_bad[0] < 0 or batch.index < first_bad[0]

    Pipeline(lanes, scan, wanted, stopped=lambda: first_bad[0] >= 0).run(_batches(part, progress))
    result = CorpusPartial()
    lines: dict[int, int] = {}
    bad: list[tuple[int, int, int, str]] = []
    for lane in lanes:
        result.merge(lane.tables.to_partial())
        file.merge(lane.file)
        lines.update(lane.lines)
        bad.extend(lane.bad)
    if bad:
        bad.sort()
        base_offset, base_line = region_start(part)
        before = dict(
            zip(sorted(lines), itertools.accumulate(lines[i] for i in sorted(lines)), strict=True)
        )
        numbered = [
            (base_line + before.get(index - 1, 0) + line, base_offset + offset, reason)
            for index, line, offset, reason in bad
        ]
        if not options.skip_bad_lines:
            number, offset, reason = numbered[0]
            raise BadLineError(part.shard.display, number, offset, reason)
        file.skipped_examples = [(n, r) for n, _, r in numbered[:MAX_SKIPPED_EXAMPLES]]
    return result


class _StopBatch(Exception):
    """A bad line ends its batch (without ``--skip-bad-lines``)."""


@dataclass
class _Tables:
    """The scanner's per-subset tables for one part (:class:`layout.ScanTables`)."""

    rows: int = 32
    width: int = 256  # longest subset name, in bytes
    names: npt.NDArray[np.uint8] = field(init=False)
    name_lengths: npt.NDArray[np.int64] = field(init=False)
    totals: npt.NDArray[np.int64] = field(init=False)
    buckets: npt.NDArray[np.int64] = field(init=False)
    registers: npt.NDArray[np.uint8] = field(init=False)
    addresses: tuple[int, int, int, int, int] = field(init=False)

    def __post_init__(self) -> None:
        self.names = np.zeros((self.rows, self.width), dtype=np.uint8)
        self.name_lengths = np.full(self.rows, -1, dtype=np.int64)
        self.totals = np.zeros((self.rows, layout.TOTAL_COLUMNS), dtype=np.int64)
        self.buckets = np.zeros((self.rows, layout.MAX_BUCKETS), dtype=np.int64)
        self.registers = np.zeros((self.rows, REGISTERS), dtype=np.uint8)
        self.addresses = (
            self.names.ctypes.data,
            self.name_lengths.ctypes.data,
            self.totals.ctypes.data,
            self.buckets.ctypes.data,
            self.registers.ctypes.data,
        )

    def scan(self, data: bytes, position: int, size: int | None = None) -> tuple[int, int, int]:
        """Scan ``data[:size]`` from ``position``, growing the tables whenever asked for room."""
        size = len(data) if size is None else size
        scan = native.scanner()
        counted = 0
        while True:
            status, position, lines = scan(data, size, position, self)
            counted += lines
            if status != layout.NAMES_FULL:
                return status, position, counted
            self._grow()

    def _grow(self) -> None:
        """Twice the rows when every row is used, else twice the name width."""
        old = (self.names, self.name_lengths, self.totals, self.buckets, self.registers)
        used = int(np.count_nonzero(self.name_lengths >= 0))
        if used == self.rows:
            self.rows *= 2
        else:
            self.width *= 2
        self.__post_init__()
        names, lengths, totals, buckets, registers = old
        self.names[: names.shape[0], : names.shape[1]] = names
        self.name_lengths[: lengths.size] = lengths
        self.totals[: totals.shape[0]] = totals
        self.buckets[: buckets.shape[0]] = buckets
        self.registers[: registers.shape[0]] = registers

    def to_partial(self) -> CorpusPartial:
        result = CorpusPartial()
        for row in np.flatnonzero(self.name_lengths >= 0).tolist():
            name = bytes(self.names[row, : self.name_lengths[row]]).decode()
            totals = self.totals[row].tolist()
            subset = result.subset(name)
            subset.documents = totals[layout.DOCUMENTS]
            subset.bytes = totals[layout.BYTES]
            subset.characters = totals[layout.CHARACTERS]
            subset.words = totals[layout.WORDS]
            filled = np.flatnonzero(self.buckets[row])
            subset.sizes = SizeHistogram(
                counts=dict(zip(filled.tolist(), self.buckets[row, filled].tolist(), strict=True)),
                count=totals[layout.DOCUMENTS],
                total=totals[layout.BYTES],
                minimum=totals[layout.MINIMUM] if totals[layout.DOCUMENTS] else None,
                maximum=totals[layout.MAXIMUM] if totals[layout.DOCUMENTS] else None,
            )
            subset.distinct = HyperLogLog(self.registers[row].copy())
        return result


# Told of each bad line: the line, its offset and the lines before it (both counted from where
# the scanner started).
BadLineSink = Callable[[bytes, int, int], None]


class _Scanner:
    """Feeds segments of whole lines to the kernel; parses the lines it does not take."""

    def __init__(
        self, file: FilePartial, tables: _Tables, on_bad: BadLineSink, offset: int = 0
    ) -> None:
        self.file = file
        self.tables = tables
        self.on_bad = on_bad
        self.offset = offset  # where the next segment starts, relative to the part's region
        self.line = 0  # lines scanned before it

    def scan(self, data: bytes, start: int, end: int) -> None:
        """Count the lines of ``data[start:end]`` (whole lines; the last may lack its newline)."""
        self.offset -= start  # offsets below are positions in ``data``
        position = start
        while position < end:
            status, stop, lines = self.tables.scan(data, position, end)
            self.file.lines += lines
            self.file.documents += lines
            self.line += lines
            if status == layout.END:
                break
            newline = data.find(b"\n", stop, end)
            line_end = end if newline < 0 else newline
            self._other_line(data[stop:line_end], self.offset + stop)
            self.file.lines += 1
            self.line += 1
            position = line_end + 1
        self.offset += end

    def _other_line(self, line: bytes, offset: int) -> None:
        """A line not in the kernel's shape: a document in another JSON form, or a bad line."""
        try:
            doc = orjson.loads(line)
            text = doc["text"]
            name = doc["meta"]["pile_set_name"]
            if type(text) is not str or type(name) is not str:
                raise TypeError
            canonical = orjson.dumps({"text": text, "meta": {"pile_set_name": name}})
        except (orjson.JSONDecodeError, KeyError, TypeError, IndexError):
            self.file.skipped_lines += 1
            self.on_bad(line, offset, self.line)
            return
        status, _, lines = self.tables.scan(canonical, 0)
        if status != layout.END or lines != 1:  # orjson's output is always in the fast shape
            raise AssertionError(f"kernel refused orjson's encoding of {canonical[:80]!r}")
        self.file.documents += 1


def _bad_line_sink(part: Part, options: ScanOptions, file: FilePartial) -> BadLineSink:
    """For one thread reading the whole region: raise for a bad line, or keep the first few
    under ``--skip-bad-lines`` (the count is the scanner's)."""

    def bad_line(line: bytes, offset: int, before: int) -> None:
        if options.skip_bad_lines and len(file.skipped_examples) >= MAX_SKIPPED_EXAMPLES:
            return  # counted; locating it would mean rereading the stream
        reason = diagnose_line(line)
        base_offset, base_line = region_start(part)
        number = base_line + before
        if not options.skip_bad_lines:
            raise BadLineError(part.shard.display, number, base_offset + offset, reason)
        file.skipped_examples.append((number, reason))
        log.debug("%s:%d: skipped: %s", part.shard.display, number, reason)

    return bad_line


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
