"""The engine against an independent count, and the merge against one pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.corpus.partials import CorpusPartial
from generator.corpus.scan import ScanOptions, scan_part
from generator.corpus.shards import load_shards, plan_parts, split_evenly, zstd_frame_starts
from generator.corpus.stats import CorpusStats, compute_corpus_stats
from tests.corpus.helpers import (
    NAMES,
    WriteShard,
    comparable,
    encode,
    make_docs,
    reference_figures,
)


def scan_whole(path: Path) -> CorpusPartial:
    (shard,) = load_shards([path])
    return CorpusPartial.merge_all(scan_part(p, ScanOptions()) for p in plan_parts([shard]))


@pytest.mark.parametrize("name", ["docs.jsonl", "docs.jsonl.zst", "docs.jsonl.gz"])
def test_exact_counts_match_an_independent_count(write_shard: WriteShard, name: str) -> None:
    docs = make_docs(400, seed=7)
    stats = CorpusStats.from_partial(scan_whole(write_shard(name, docs)))
    for subset in [None, *NAMES]:
        expected = reference_figures(docs, subset)
        got = stats.total if subset is None else stats.subsets[subset]
        assert (got.documents, got.bytes, got.characters, got.words) == (
            expected.documents,
            expected.bytes,
            expected.characters,
            expected.words,
        ), subset
        assert got.max_bytes == expected.maximum
        assert got.mean_bytes == pytest.approx(expected.bytes / expected.documents)


def test_quantiles_are_within_one_bucket_of_the_exact_ones(write_shard: WriteShard) -> None:
    docs = make_docs(3000, seed=3)
    stats = CorpusStats.from_partial(scan_whole(write_shard("d.jsonl", docs)))
    expected = reference_figures(docs)
    assert stats.total.median_bytes == pytest.approx(expected.median, rel=0.022)
    assert stats.total.p90_bytes == pytest.approx(expected.p90, rel=0.022)


def test_file_figures_count_stored_bytes_and_lines(write_shard: WriteShard) -> None:
    docs = make_docs(50, seed=2)
    path = write_shard("d.jsonl.zst", docs)
    stats = CorpusStats.from_partial(scan_whole(path))
    (file,) = stats.files
    assert file.compressed_bytes == path.stat().st_size
    assert file.uncompressed_bytes == len(encode(docs))
    assert file.lines == file.documents == 50
    assert file.compression_ratio == pytest.approx(len(encode(docs)) / path.stat().st_size)


def test_a_last_line_without_newline_is_counted(write_shard: WriteShard) -> None:
    docs = make_docs(5, seed=4)
    path = write_shard("d.jsonl", encode(docs).rstrip(b"\n"))
    assert CorpusStats.from_partial(scan_whole(path)).total.documents == 5


def test_words_are_runs_of_non_whitespace(write_shard: WriteShard) -> None:
    texts = [
        "",
        "  ",
        "one",
        " two  words ",
        "a\tb\nc\rd\x0be\x0cf",
        "nbsp\u00a0is\u2003solid",
        "x\x01y",
    ]
    path = write_shard("w.jsonl", [("Pile-CC", t) for t in texts])
    stats = CorpusStats.from_partial(scan_whole(path))
    assert stats.total.words == sum(len(t.encode().split()) for t in texts) == 11


@pytest.mark.parametrize("pieces", [2, 3, 7, 40])
def test_splitting_a_plain_file_and_merging_equals_one_pass(
    write_shard: WriteShard, pieces: int
) -> None:
    docs = make_docs(600, seed=pieces, duplicates=0.1)
    path = write_shard("d.jsonl", docs)
    (shard,) = load_shards([path])
    parts = split_evenly(shard, pieces)
    assert len(parts) == pieces
    merged = CorpusPartial.merge_all(scan_part(p, ScanOptions()) for p in reversed(parts))
    one_pass = scan_whole(path)
    # Identical partials: exact counts, histograms and HyperLogLog registers alike.
    assert merged.files[shard.display].parts == pieces
    merged.files[shard.display].parts = 1
    assert comparable(merged) == comparable(one_pass)


@pytest.mark.parametrize("name, frames", [("long.jsonl", 1), ("long.jsonl.zst", 40)])
def test_a_line_longer_than_several_parts_is_read_once(
    write_shard: WriteShard, name: str, frames: int
) -> None:
    docs = make_docs(30, seed=12)
    docs.insert(15, ("Books3", "long document " * 3000))  # ~42 KB: spans many parts
    path = write_shard(name, docs, frames=frames)
    (shard,) = load_shards([path])
    parts = plan_parts([shard], part_bytes=1 if frames > 1 else shard.size // 40)  # zstd: per frame
    assert len(parts) > 20
    merged = CorpusStats.from_partial(
        CorpusPartial.merge_all(scan_part(p, ScanOptions()) for p in parts)
    )
    expected = reference_figures(docs)
    assert (merged.total.documents, merged.total.bytes, merged.total.words) == (
        expected.documents,
        expected.bytes,
        expected.words,
    )
    assert merged.files[0].lines == len(docs)


def test_a_multi_frame_zstd_file_splits_at_frames(write_shard: WriteShard) -> None:
    docs = make_docs(500, seed=11)
    path = write_shard("d.jsonl.zst", docs, frames=6)
    starts = zstd_frame_starts(path)
    assert starts is not None and len(starts) == 6
    (shard,) = load_shards([path])
    parts = plan_parts([shard], part_bytes=1)  # one part per frame
    assert [p.start for p in parts] == starts
    merged = CorpusPartial.merge_all(scan_part(p, ScanOptions()) for p in parts)
    merged.files[shard.display].parts = 1
    assert comparable(merged) == comparable(scan_whole(write_shard("one.jsonl", docs)))


def test_the_distinct_estimate_sees_duplicates(write_shard: WriteShard) -> None:
    docs = make_docs(2000, seed=5, duplicates=0.25)
    stats = CorpusStats.from_partial(scan_whole(write_shard("d.jsonl", docs)))
    expected = reference_figures(docs).distinct
    assert stats.total.distinct_estimate == pytest.approx(expected, rel=0.02)
    assert stats.total.duplicate_rate == pytest.approx(1 - expected / len(docs), abs=0.02)


def test_compute_corpus_stats_takes_folders_and_globs(write_shard: WriteShard) -> None:
    a = make_docs(30, seed=1)
    b = make_docs(20, seed=2)
    first = write_shard("a.jsonl.zst", a)
    write_shard("b.jsonl.gz", b)
    by_folder = compute_corpus_stats([str(first.parent)], workers=1)
    by_glob = compute_corpus_stats([str(first.parent / "*.jsonl.*")], workers=1)
    assert by_folder == by_glob
    assert by_folder.total.documents == 50
    assert by_folder.total.bytes == reference_figures(a + b).bytes
