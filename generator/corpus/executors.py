"""Where parts are scanned: in this process (one thread or several), in a local process pool,
or on a Dask cluster.

Several threads of this process are the default on one machine: the compiled scanner and zstd
release the GIL, so threads scale like processes without starting an interpreter, importing the
engine and holding its memory in each (measured in ``docs/benchmarks.md``). Lines the scanner
does not take are parsed by ``orjson`` under the GIL, so for corpora that are not in the Pile's
exact line shape the process pool (``processes=True``) scales better.

:class:`ByteProgress` is the progress bar (bytes of shards read out of the total): it writes to
stderr only when asked and only on a terminal, so builds, tests and pipes stay quiet.

Each executor takes the planned parts and returns their merged :class:`CorpusPartial`. Merging
is exactly commutative (see :mod:`generator.corpus.partials`), so partials are folded in as they
finish: memory stays at one partial per worker, and the result does not depend on the order in
which workers happen to finish.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from generator.corpus.partials import CorpusPartial
from generator.corpus.scan import ScanOptions, scan_part
from generator.corpus.shards import Part

if TYPE_CHECKING:  # imported when used: a plain run starts without them
    import multiprocessing.context

    from tqdm import tqdm

log = logging.getLogger(__name__)

# Below this much input a pool costs more to start (workers import numpy) than it saves.
IN_PROCESS_BELOW_BYTES = 32 << 20


def usable_cores() -> int:
    """Cores this process may run on: its CPU affinity where the OS has one (a container or
    ``taskset`` limits it), else the machine's count."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class ByteProgress:
    """``advance(n)`` as bytes are read; safe to call from several threads."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = total
        self.done = 0
        self._lock = threading.Lock()
        self._bar: tqdm[Any] | None = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc="corpus",
                disable=None,  # only on a terminal
                leave=False,
            )

    def advance(self, count: int) -> None:
        with self._lock:
            self.done += count
            if self._bar is not None:
                self._bar.update(count)

    def __enter__(self) -> ByteProgress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.close()


class Executor(Protocol):
    def run(
        self, parts: Sequence[Part], options: ScanOptions, progress: ByteProgress
    ) -> CorpusPartial:
        """Scan every part and return the merged partial."""
        ...

    def describe(self) -> str: ...


class InProcessExecutor:
    """Scan parts one after another here, each pipelined over ``threads`` threads when there
    are several (:mod:`generator.corpus.pipeline`); progress moves with every block read."""

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads

    def run(
        self, parts: Sequence[Part], options: ScanOptions, progress: ByteProgress
    ) -> CorpusPartial:
        total = CorpusPartial()
        for part in parts:
            total.merge(scan_part(part, options, progress.advance, self.threads))
        return total

    def describe(self) -> str:
        if self.threads == 1:
            return "in this process"
        return f"in this process, {self.threads} threads per part (one decompressing)"


def _largest_first(parts: Sequence[Part]) -> list[Part]:
    """Largest parts first, so one big shard does not start last and run alone."""
    return sorted(parts, key=lambda p: p.end - p.start, reverse=True)


def _merge_as_done(
    pending: set[Future[CorpusPartial]],
    tick: Callable[[], None] | None = None,
    timeout: float | None = None,
) -> CorpusPartial:
    """Merge partials as they finish (``tick`` after every wait); on an error, cancel the rest
    and raise it."""
    total = CorpusPartial()
    try:
        while pending:
            done, pending = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED)
            if tick is not None:
                tick()
            for future in done:
                total.merge(future.result())
    except BaseException:
        for future in pending:
            future.cancel()
        raise
    return total


class LocalThreadsExecutor:
    """``workers`` threads in this process; progress moves with every block read."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def run(
        self, parts: Sequence[Part], options: ScanOptions, progress: ByteProgress
    ) -> CorpusPartial:
        """A thread per part while there are more parts than threads; with fewer parts (a few
        single-frame shards), the threads are shared out and each part is pipelined."""
        ordered = _largest_first(parts)
        if len(ordered) >= self.workers:
            shares = [1] * len(ordered)
        else:
            each, extra = divmod(self.workers, len(ordered))
            shares = [each + (i < extra) for i in range(len(ordered))]
        with ThreadPoolExecutor(min(self.workers, len(ordered)), "corpus") as pool:
            pending = {
                pool.submit(scan_part, part, options, progress.advance, threads)
                for part, threads in zip(ordered, shares, strict=True)
            }
            return _merge_as_done(pending)

    def describe(self) -> str:
        return f"{self.workers} threads"


def _pool_context() -> multiprocessing.context.BaseContext:
    """Fork workers from a server that has imported the engine once (measured here: two ready
    workers in 0.17 s against 0.37 s spawned); plain spawn where there is no fork server. Never
    a bare fork of this process, which may hold threads (progress bar, a Dask client)."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["generator.corpus.scan"])
        return context
    return multiprocessing.get_context("spawn")


class LocalPoolExecutor:
    """A pool of ``workers`` processes on this machine; progress moves with every block read."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def run(
        self, parts: Sequence[Part], options: ScanOptions, progress: ByteProgress
    ) -> CorpusPartial:
        from concurrent.futures import ProcessPoolExecutor

        context = _pool_context()
        reports: Any = context.Queue()  # bytes read, posted by the workers
        with ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(reports,),
        ) as pool:
            pending = {
                pool.submit(_scan_reporting, part, options) for part in _largest_first(parts)
            }
            total = _merge_as_done(pending, tick=lambda: _drain(reports, progress), timeout=0.25)
        _drain(reports, progress)  # the workers have exited: everything they posted is here
        reports.close()
        return total

    def describe(self) -> str:
        return f"{self.workers} local worker processes"


_reports: Any = None  # in a pool worker: the queue its progress goes to


def _start_worker(reports: Any) -> None:
    global _reports
    _reports = reports


def _scan_reporting(part: Part, options: ScanOptions) -> CorpusPartial:
    reports = _reports
    return scan_part(part, options, None if reports is None else reports.put)


def _drain(reports: Any, progress: ByteProgress) -> None:
    while True:
        try:
            progress.advance(reports.get_nowait())
        except queue.Empty:
            return


class DaskExecutor:
    """Parts as tasks on a ``dask.distributed`` cluster; every worker must see the shard paths."""

    def __init__(self, scheduler: str | Any) -> None:
        self.scheduler = scheduler  # an address, or a ``distributed.Client`` (tests)

    def run(
        self, parts: Sequence[Part], options: ScanOptions, progress: ByteProgress
    ) -> CorpusPartial:
        from distributed import Client, as_completed

        own_client = isinstance(self.scheduler, str)
        client: Any = Client(self.scheduler) if own_client else self.scheduler  # type: ignore[no-untyped-call]
        try:
            futures = [client.submit(scan_part, part, options, pure=False) for part in parts]
            size_of = {f.key: p.end - p.start for f, p in zip(futures, parts, strict=True)}
            total = CorpusPartial()
            for future in as_completed(futures):  # type: ignore[no-untyped-call]
                total.merge(future.result())  # re-raises a worker's CorpusError here
                progress.advance(size_of[future.key])
            return total
        finally:
            if own_client:
                client.close()

    def describe(self) -> str:
        shown = self.scheduler if isinstance(self.scheduler, str) else "a Dask client"
        return f"Dask scheduler {shown}"


def make_executor(
    *,
    workers: int | None,
    scheduler: str | Any | None,
    parts: Sequence[Part],
    processes: bool = False,
) -> Executor:
    """The executor for these options; small inputs run in this process, in one thread.

    ``workers`` threads of this process, or worker processes when ``processes`` is set (and
    there is more than one part: a lone part is pipelined over threads instead)."""
    if scheduler is not None:
        return DaskExecutor(scheduler)
    if workers is None:
        size = sum(p.end - p.start for p in parts)
        workers = 1 if size < IN_PROCESS_BELOW_BYTES else usable_cores()
    if workers <= 1:
        return InProcessExecutor()
    if processes and len(parts) > 1:
        return LocalPoolExecutor(min(workers, len(parts)))
    if len(parts) == 1:  # one part (a single-frame shard): pipelined over every thread
        return InProcessExecutor(threads=workers)
    return LocalThreadsExecutor(workers)
