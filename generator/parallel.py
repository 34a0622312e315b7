"""Rendering planned outputs, across processes when there are many.

Workers are forked after the plan is made, so each inherits the site context (records, scores,
evidence, templates) without pickling it; a task is a batch of plan positions, and a worker
writes the bytes it renders straight into the staging folder and returns their hashes. Every
output's bytes depend only on its plan entry, never on which process or in which order it was
rendered, so a parallel build is byte-identical to a build in one process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from generator.plan import Output

log = logging.getLogger(__name__)

Render = Callable[[Output], bytes]
Written = tuple[str, str, int]  # path, sha256, size

MIN_PARALLEL = 400  # fewer outputs than this render in-process: forking costs more
BATCH = 64

# Set in the parent just before forking; each worker reads its own inherited copy.
_job: tuple[Render, Sequence[Output], Path] | None = None


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _render_batch(bounds: tuple[int, int]) -> list[Written]:
    from generator.write import write_file

    if _job is None:
        raise RuntimeError("render worker started without a job")
    render, outputs, root = _job
    done: list[Written] = []
    for output in outputs[bounds[0] : bounds[1]]:
        sha, size = write_file(root, output.path, render(output))
        done.append((output.path, sha, size))
    return done


def _batches(total: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, BATCH):
        yield start, min(total, start + BATCH)


def render_all(
    render: Render,
    outputs: Sequence[Output],
    root: Path,
    jobs: int | None = None,
    progress: bool = False,
) -> list[Written]:
    """Render ``outputs`` into ``root`` with up to ``jobs`` processes; return what was written."""
    global _job
    jobs = usable_cores() if jobs is None else max(1, jobs)
    parallel = (
        jobs > 1
        and len(outputs) >= MIN_PARALLEL
        and "fork" in multiprocessing.get_all_start_methods()
    )
    bar = _progress(len(outputs), progress)
    written: list[Written] = []
    _job = (render, outputs, root)
    try:
        if not parallel:
            for bounds in _batches(len(outputs)):
                batch = _render_batch(bounds)
                written += batch
                bar(len(batch))
        else:
            log.debug("rendering %d outputs in %d processes", len(outputs), jobs)
            context = multiprocessing.get_context("fork")
            with context.Pool(jobs) as pool:
                for batch in pool.imap_unordered(_render_batch, _batches(len(outputs))):
                    written += batch
                    bar(len(batch))
    finally:
        _job = None
        bar(0, close=True)
    return written


class _Bar:
    def __init__(self, total: int) -> None:
        from tqdm import tqdm

        self.tqdm = tqdm(total=total, unit="file", desc="render", leave=False, file=sys.stderr)

    def __call__(self, n: int, close: bool = False) -> None:
        self.tqdm.update(n)
        if close:
            self.tqdm.close()


def _progress(total: int, wanted: bool) -> Callable[..., None]:
    """A progress bar on a terminal for a long render; nothing otherwise (or with ``-q``)."""
    quiet = logging.getLogger("generator").getEffectiveLevel() > logging.INFO
    if not wanted or quiet or total < MIN_PARALLEL or not sys.stderr.isatty():
        return lambda n, close=False: None
    return _Bar(total)
