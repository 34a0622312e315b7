"""Local threads, a local process pool and a Dask cluster give exactly what one thread gives."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.corpus.errors import BadLineError
from generator.corpus.executors import (
    DaskExecutor,
    InProcessExecutor,
    LocalPoolExecutor,
    LocalThreadsExecutor,
    make_executor,
    usable_cores,
)
from generator.corpus.stats import compute_corpus_stats
from tests.corpus.helpers import WriteShard, encode, make_docs, reference_figures


@pytest.fixture(scope="module")
def dask_client() -> Iterator[object]:
    distributed = pytest.importorskip("distributed")
    # Threads, not processes: starts in well under a second and leaves nothing behind.
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _shards(write_shard: WriteShard) -> list[str]:
    return [
        str(write_shard("a.jsonl.zst", make_docs(300, seed=1), frames=4)),
        str(write_shard("b.jsonl", make_docs(200, seed=2, duplicates=0.2))),
        str(write_shard("c.jsonl.gz", make_docs(100, seed=3))),
    ]


def test_threads_pool_and_in_process_agree(write_shard: WriteShard) -> None:
    paths = _shards(write_shard)
    one = compute_corpus_stats(paths, workers=1, part_bytes=8 << 10)
    threads = compute_corpus_stats(paths, workers=3, part_bytes=8 << 10)
    pool = compute_corpus_stats(paths, workers=2, part_bytes=8 << 10, processes=True)
    assert one == threads == pool
    assert one.total.documents == 600


def test_dask_agrees_with_in_process(write_shard: WriteShard, dask_client: object) -> None:
    paths = _shards(write_shard)
    one = compute_corpus_stats(paths, workers=1, part_bytes=8 << 10)
    on_dask = compute_corpus_stats(paths, scheduler=dask_client, part_bytes=8 << 10)
    assert on_dask == one
    everything = (
        make_docs(300, seed=1) + make_docs(200, seed=2, duplicates=0.2) + make_docs(100, seed=3)
    )
    assert on_dask.total.bytes == reference_figures(everything).bytes


def test_a_worker_error_reaches_the_caller_intact(
    write_shard: WriteShard, dask_client: object
) -> None:
    lines = encode(make_docs(50, seed=4)).splitlines(keepends=True)
    lines[41] = b"{broken\n"
    path = str(write_shard("bad.jsonl", b"".join(lines)))
    for executor in (
        {"workers": 2},
        {"workers": 2, "processes": True},
        {"scheduler": dask_client},
    ):
        with pytest.raises(BadLineError) as caught:
            compute_corpus_stats([path], part_bytes=1 << 10, **executor)
        assert (caught.value.path, caught.value.line) == (path, 42)


def test_small_inputs_run_in_this_process(write_shard: WriteShard) -> None:
    from generator.corpus.shards import load_shards, plan_parts

    parts = plan_parts(load_shards([write_shard("a.jsonl", make_docs(10))]))
    assert isinstance(make_executor(workers=None, scheduler=None, parts=parts), InProcessExecutor)
    assert isinstance(
        make_executor(workers=4, scheduler=None, parts=parts * 3), LocalThreadsExecutor
    )
    assert isinstance(
        make_executor(workers=4, scheduler=None, parts=parts * 3, processes=True),
        LocalPoolExecutor,
    )
    assert isinstance(
        make_executor(workers=None, scheduler="tcp://h:8786", parts=parts), DaskExecutor
    )


def test_default_workers_follow_the_cpu_affinity(
    write_shard: WriteShard, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A container or ``taskset`` limits the cores: the default uses those, not the machine's."""
    from generator.corpus import executors
    from generator.corpus.shards import load_shards, plan_parts

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3, 5, 7}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert usable_cores() == 3
    monkeypatch.setattr(executors, "IN_PROCESS_BELOW_BYTES", 0)
    parts = plan_parts(load_shards([write_shard("a.jsonl", make_docs(10))])) * 8
    chosen = make_executor(workers=None, scheduler=None, parts=parts)
    assert isinstance(chosen, LocalThreadsExecutor) and chosen.workers == 3
    monkeypatch.delattr(os, "sched_getaffinity")
    assert usable_cores() == 64


def test_progress_counts_every_byte_once(write_shard: WriteShard) -> None:
    from generator.corpus.executors import ByteProgress
    from generator.corpus.scan import ScanOptions
    from generator.corpus.shards import load_shards, plan_parts

    shards = load_shards([Path(p) for p in _shards(write_shard)])
    parts = plan_parts(shards, part_bytes=8 << 10)
    total = sum(s.size for s in shards)
    for executor in (InProcessExecutor(), LocalThreadsExecutor(2), LocalPoolExecutor(2)):
        progress = ByteProgress(total, enabled=False)
        executor.run(parts, ScanOptions(), progress)
        assert progress.done == total, executor
