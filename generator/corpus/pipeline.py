"""One part on several cores: this thread decompresses, the others scan.

A single-frame zstd shard (what a streaming compressor such as lm_dataformat's writes, so every
Pile shard) cannot be cut into parts, and decompressing it is a serial stream. But
``zstandard`` and the compiled scanner both release the GIL, so the stream can be pipelined:
this thread iterates the batches (which runs the decompression) and puts each on a bounded
queue, and the other threads ("lanes") take batches and scan them into tables of their own,
merged at the end like any partials. When the queue is full, this thread scans a batch itself
instead of waiting, so a core is never idle while the scanners lag behind the decompressor.

Memory stays bounded: the queue holds at most ``2 * lanes`` batches (a decompressed block, a
few MiB, each), plus one being scanned per lane.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Batch = TypeVar("Batch")
Lane = TypeVar("Lane")


class Pipeline(Generic[Batch, Lane]):
    """Share ``batches`` out among ``lanes``; lane 0 belongs to the calling thread.

    ``scan(lane, batch)`` runs in the lane's thread. ``wanted(batch)`` is asked before each
    scan: a batch no longer wanted (after a bad line, say) is dropped, and once ``stopped()``
    is true no more batches are read.
    """

    def __init__(
        self,
        lanes: Sequence[Lane],
        scan: Callable[[Lane, Batch], None],
        wanted: Callable[[Batch], bool] = lambda batch: True,
        stopped: Callable[[], bool] = lambda: False,
    ) -> None:
        self.lanes = lanes
        self.scan = scan
        self.wanted = wanted
        self.stopped = stopped
        self._queue: queue.Queue[Batch | None] = queue.Queue(maxsize=2 * len(lanes))
        self._errors: list[BaseException] = []

    def run(self, batches: Iterable[Batch]) -> None:
        """Scan every batch; raise the first error of any lane (or of reading) once all lanes
        have stopped."""
        helpers = [
            threading.Thread(target=self._serve, args=(lane,), name=f"corpus-lane-{i}", daemon=True)
            for i, lane in enumerate(self.lanes[1:], start=1)
        ]
        for helper in helpers:
            helper.start()
        mine = self.lanes[0]
        try:
            for batch in batches:
                if self._errors or self.stopped():
                    break
                try:
                    self._queue.put_nowait(batch)
                except queue.Full:  # the lanes are behind: help them rather than wait
                    if self.wanted(batch):
                        self.scan(mine, batch)
        finally:
            for _ in helpers:
                self._queue.put(None)
            for helper in helpers:
                helper.join()
        if self._errors:
            raise self._errors[0]

    def _serve(self, lane: Lane) -> None:
        while (batch := self._queue.get()) is not None:
            if self._errors or not self.wanted(batch):
                continue  # drain, so that the reading thread never blocks
            try:
                self.scan(lane, batch)
            except BaseException as exc:  # raised again in the calling thread
                self._errors.append(exc)
