"""One part over several threads (one decompressing, the others scanning) counts exactly what
one thread counts, and finds the same first bad line."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from generator.corpus import streams
from generator.corpus.errors import BadLineError, ShardReadError
from generator.corpus.executors import InProcessExecutor, make_executor
from generator.corpus.partials import CorpusPartial
from generator.corpus.pipeline import Pipeline
from generator.corpus.scan import ScanOptions, scan_part
from generator.corpus.shards import load_shards, plan_parts
from generator.corpus.stats import CorpusStats, compute_corpus_stats
from tests.corpus.helpers import WriteShard, comparable, encode, make_docs, reference_figures


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of a few hundred bytes, so that a small file makes many batches."""
    monkeypatch.setattr(streams, "COMPRESSED_READ_BYTES", 256)
    monkeypatch.setattr(streams, "READ_BYTES", 700)


def scan_with(path: Path, threads: int, **options: bool) -> CorpusPartial:
    (part,) = plan_parts(load_shards([path]), part_bytes=1 << 30)
    return scan_part(part, ScanOptions(**options), threads=threads)


@pytest.mark.parametrize("name", ["one.jsonl.zst", "one.jsonl.gz", "one.jsonl"])
def test_a_pipelined_part_counts_what_one_thread_counts(write_shard: WriteShard, name: str) -> None:
    docs = make_docs(600, seed=31, duplicates=0.1)
    path = write_shard(name, docs)
    one = scan_with(path, 1)
    for threads in (2, 3, 5):
        assert comparable(scan_with(path, threads)) == comparable(one), threads
    stats = CorpusStats.from_partial(scan_with(path, 3))
    expected = reference_figures(docs)
    assert (stats.total.documents, stats.total.bytes, stats.total.words) == (
        expected.documents,
        expected.bytes,
        expected.words,
    )
    assert stats.total.characters == expected.characters


def test_many_frames_and_a_long_line_pipelined(write_shard: WriteShard) -> None:
    docs = make_docs(200, seed=32)
    docs.insert(100, ("Books3", "long document " * 2000))  # spans many blocks
    path = write_shard("many.jsonl.zst", docs, frames=9)
    assert comparable(scan_with(path, 4)) == comparable(scan_with(path, 1))
    assert scan_with(path, 4).files[str(path)].lines == len(docs)


@pytest.mark.parametrize("where", [0, 1, 250, 598, 599])
def test_the_first_bad_line_is_the_one_raised(write_shard: WriteShard, where: int) -> None:
    lines = encode(make_docs(600, seed=33)).splitlines(keepends=True)
    lines[where] = b"{broken\n"
    lines[where + 1 :] = [
        b'{"text": 1}\n' if i % 97 == 5 else x for i, x in enumerate(lines[where + 1 :])
    ]
    path = write_shard("bad.jsonl.zst", b"".join(lines))
    caught = []
    for threads in (1, 2, 4):
        with pytest.raises(BadLineError) as error:
            scan_with(path, threads)
        caught.append(str(error.value))
    assert caught[0] == caught[1] == caught[2]
    assert f"bad.jsonl.zst:{where + 1}: not JSON" in caught[0]
    assert f"(uncompressed byte offset {sum(map(len, lines[:where]))})" in caught[0]


def test_skipped_lines_are_numbered_as_one_thread_numbers_them(write_shard: WriteShard) -> None:
    lines = encode(make_docs(500, seed=34)).splitlines(keepends=True)
    for i in (3, 150, 151, 320, 321, 322, 499):
        lines[i] = b"[]\n" if i % 2 else b"oops\n"
    path = write_shard("skip.jsonl.zst", b"".join(lines))
    one = scan_with(path, 1, skip_bad_lines=True).files[str(path)]
    many = scan_with(path, 3, skip_bad_lines=True).files[str(path)]
    assert (many.lines, many.documents, many.skipped_lines) == (500, 493, 7)
    assert many.skipped_examples == one.skipped_examples
    assert [n for n, _ in many.skipped_examples] == [4, 151, 152, 321, 322]


def test_a_read_error_stops_every_thread(write_shard: WriteShard) -> None:
    path = write_shard("cut.jsonl.zst", make_docs(400, seed=35))
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ShardReadError, match="truncated zstd stream"):
        scan_with(path, 3)
    assert threading.active_count() < 5  # no lane left behind


def test_a_single_part_is_pipelined_over_every_thread(write_shard: WriteShard) -> None:
    path = write_shard("one.jsonl.zst", make_docs(300, seed=36))
    parts = plan_parts(load_shards([path]))
    chosen = make_executor(workers=4, scheduler=None, parts=parts)
    assert isinstance(chosen, InProcessExecutor) and chosen.threads == 4
    threaded = compute_corpus_stats([str(path)], workers=4)
    assert threaded == compute_corpus_stats([str(path)], workers=1)


def test_fewer_parts_than_threads_share_them_out(write_shard: WriteShard) -> None:
    paths = [str(write_shard(f"{i}.jsonl.zst", make_docs(150, seed=40 + i))) for i in range(2)]
    assert compute_corpus_stats(paths, workers=5) == compute_corpus_stats(paths, workers=1)


def test_the_pipeline_drops_unwanted_batches_and_raises_lane_errors() -> None:
    seen: list[int] = []
    lock = threading.Lock()

    def scan(lane: int, batch: int) -> None:
        if batch == 13:
            raise RuntimeError("lane failed")
        with lock:
            seen.append(batch)

    Pipeline([0, 1, 2], scan, wanted=lambda batch: batch % 2 == 0).run(range(12))
    assert sorted(seen) == list(range(0, 12, 2))
    with pytest.raises(RuntimeError, match="lane failed"):
        Pipeline([0, 1], scan).run(range(100))
