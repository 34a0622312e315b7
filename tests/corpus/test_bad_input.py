"""Every kind of bad input stops with a message naming the file and the line or offset."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from generator.cli import main
from generator.corpus.errors import BadLineError, ShardNotFoundError, ShardReadError
from generator.corpus.stats import compute_corpus_stats
from tests.corpus.helpers import WriteShard, encode, make_docs, reference_figures

GOOD = encode(make_docs(3, seed=9))
GOOD_LINES = GOOD.splitlines(keepends=True)
BAD_LINES = {
    "not json": (b"{not json}\n", "not JSON: "),
    "no text": (b'{"meta": {"pile_set_name": "Github"}}\n', 'no "text" field'),
    "no set name": (b'{"text": "x", "meta": {}}\n', 'no "meta.pile_set_name" field'),
    "no meta": (b'{"text": "x"}\n', 'no "meta.pile_set_name" field'),
    "not an object": (b"[1, 2]\n", "not a JSON object (a list)"),
    "text not a string": (
        b'{"text": 5, "meta": {"pile_set_name": "A"}}\n',
        '"text" is not a string',
    ),
    "invalid utf-8": (
        b'{"text": "caf\xe9", "meta": {"pile_set_name": "A"}}\n',
        "invalid UTF-8 at byte 13",
    ),
    "lone surrogate": (b'{"text": "\\ud800", "meta": {"pile_set_name": "A"}}\n', "surrogate"),
    "empty line": (b"\n", "empty line"),
}


def stats_of(path: Path, **options: bool) -> object:
    return compute_corpus_stats([str(path)], workers=1, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", sorted(BAD_LINES))
@pytest.mark.parametrize("name", ["bad.jsonl", "bad.jsonl.zst", "bad.jsonl.gz"])
def test_a_bad_line_names_file_line_and_offset(
    write_shard: WriteShard, kind: str, name: str
) -> None:
    bad, reason = BAD_LINES[kind]
    path = write_shard(name, GOOD_LINES[0] + GOOD_LINES[1] + bad + GOOD_LINES[2])
    with pytest.raises(BadLineError) as caught:
        stats_of(path)
    offset = len(GOOD_LINES[0]) + len(GOOD_LINES[1])
    assert caught.value.line == 3
    assert caught.value.offset == offset
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{path}:3: {caught.value.reason} ")
    assert f"(uncompressed byte offset {offset})" in str(caught.value)


def test_the_message_text_is_pinned(write_shard: WriteShard) -> None:
    path = write_shard("bad.jsonl", GOOD_LINES[0] + BAD_LINES["no text"][0])
    with pytest.raises(BadLineError) as caught:
        stats_of(path)
    assert str(caught.value) == (
        f'{path}:2: no "text" field (uncompressed byte offset {len(GOOD_LINES[0])}); '
        "use --skip-bad-lines to count and skip such lines"
    )


@pytest.mark.parametrize("name, frames", [("big.jsonl", 1), ("big.jsonl.zst", 8)])
def test_a_bad_line_in_a_later_part_has_its_absolute_number(
    write_shard: WriteShard, name: str, frames: int
) -> None:
    lines = encode(make_docs(2000, seed=1)).splitlines(keepends=True)
    lines[1733] = b"oops\n"
    path = write_shard(name, b"".join(lines), frames=frames)
    with pytest.raises(BadLineError) as caught:
        compute_corpus_stats([str(path)], workers=1, part_bytes=path.stat().st_size // 7)
    assert caught.value.line == 1734
    assert caught.value.offset == sum(map(len, lines[:1733]))


def test_a_truncated_zstd_stream(write_shard: WriteShard) -> None:
    path = write_shard("t.jsonl.zst", make_docs(300, seed=2))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(
        ShardReadError, match=r"truncated zstd stream: the file ends inside a frame"
    ):
        stats_of(path)


def test_a_corrupt_zstd_stream(write_shard: WriteShard) -> None:
    path = write_shard("c.jsonl.zst", make_docs(300, seed=2))
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 2, len(data) // 2 + 64):
        data[i] ^= 0xA5
    path.write_bytes(bytes(data))
    with pytest.raises(ShardReadError) as caught:
        stats_of(path)
    assert str(caught.value).startswith(f"{path}: corrupt zstd stream at compressed bytes ")


def test_not_zstd_at_all(write_shard: WriteShard) -> None:
    path = write_shard("n.jsonl.zst", make_docs(3))
    path.write_bytes(b"this is not zstd data\n")
    with pytest.raises(ShardReadError, match="corrupt zstd stream"):
        stats_of(path)


def test_a_truncated_gzip_stream(write_shard: WriteShard) -> None:
    path = write_shard("t.jsonl.gz", make_docs(300, seed=2))
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(ShardReadError, match=r"truncated gzip stream"):
        stats_of(path)


def test_an_empty_file(write_shard: WriteShard) -> None:
    path = write_shard("e.jsonl", b"")
    with pytest.raises(ShardReadError, match=r"e\.jsonl: empty file \(0 bytes\)"):
        stats_of(path)


def test_a_stream_of_nothing(write_shard: WriteShard) -> None:
    path = write_shard("e.jsonl.zst", b"")
    assert path.stat().st_size > 0
    with pytest.raises(ShardReadError, match="no data: the stream decompresses to nothing"):
        stats_of(path)


def test_a_missing_file_and_an_empty_glob(tmp_path: Path) -> None:
    with pytest.raises(ShardNotFoundError, match=r"missing\.jsonl\.zst: no such file"):
        stats_of(tmp_path / "missing.jsonl.zst")
    with pytest.raises(ShardNotFoundError, match=r"\*\.jsonl\.zst: the glob matched no files"):
        compute_corpus_stats([str(tmp_path / "*.jsonl.zst")], workers=1)


def test_no_shards_at_all_is_an_error() -> None:
    with pytest.raises(ShardNotFoundError, match="no shards given"):
        compute_corpus_stats([], workers=1)


def test_skip_bad_lines_counts_and_reports_them(write_shard: WriteShard) -> None:
    docs = make_docs(40, seed=3)
    lines = encode(docs).splitlines(keepends=True)
    bad_at = [4, 9, 10, 20, 30, 35, 38]  # 0-based positions replaced by bad lines
    for i in bad_at:
        lines[i] = BAD_LINES["not json"][0]
    path = write_shard("s.jsonl.zst", b"".join(lines))
    stats = compute_corpus_stats([str(path)], workers=1, skip_bad_lines=True)
    (file,) = stats.files
    kept = [d for i, d in enumerate(docs) if i not in bad_at]
    assert file.skipped_lines == len(bad_at)
    assert file.lines == 40 and file.documents == 40 - len(bad_at)
    assert stats.total.documents == len(kept)
    assert stats.total.bytes == reference_figures(kept).bytes
    assert [e.split(":")[0] for e in file.skipped_examples] == [f"line {i + 1}" for i in bad_at[:5]]
    assert stats.to_json()["files"][0]["skipped_lines"] == len(bad_at)


def test_cli_prints_a_clean_error_and_nothing_else(
    write_shard: WriteShard, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_shard("bad.jsonl.zst", GOOD_LINES[0] + BAD_LINES["no text"][0])
    assert main(["corpus-stats", str(path), "--format", "json", "--workers", "1"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[-1].startswith(f'error: {path}:2: no "text" field')
    assert "Traceback" not in err


def test_cli_skip_bad_lines_reports_counts_in_json_and_table(
    write_shard: WriteShard, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_shard("bad.jsonl", GOOD + BAD_LINES["not json"][0] + BAD_LINES["no meta"][0])
    args = ["corpus-stats", str(path), "--skip-bad-lines", "--workers", "1"]
    assert main([*args, "--format", "json"]) == 0
    data = orjson.loads(capsys.readouterr().out)
    assert data["files"][0]["skipped_lines"] == 2
    assert data["total"]["documents"] == 3
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert f"{path}: skipped 2 bad line(s), first ones:" in out
    assert '  line 5: no "meta.pile_set_name" field' in out
    assert "skipped 2 bad line(s)" in err  # and a warning, so --strict builds notice


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--workers", "0"], "error: --workers must be at least 1, got 0"),
        (["--workers", "2", "--scheduler", "tcp://x:1"], "error: --workers and --scheduler"),
        (["--processes", "--scheduler", "tcp://x:1"], "error: --processes and --scheduler"),
    ],
)
def test_cli_rejects_bad_options(
    write_shard: WriteShard, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    path = write_shard("ok.jsonl", GOOD)
    assert main(["corpus-stats", str(path), *extra]) == 1
    assert capsys.readouterr().err.startswith(message)


def test_cli_json_matches_the_reference(
    write_shard: WriteShard, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = make_docs(120, seed=8)
    path = write_shard("ok.jsonl.zst", docs)
    assert main(["corpus-stats", str(path), "--format", "json", "--workers", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = reference_figures(docs)
    assert set(data) == {"total", "subsets", "files"}
    assert data["total"]["documents"] == expected.documents
    assert data["total"]["bytes"] == expected.bytes
    assert sum(s["documents"] for s in data["subsets"].values()) == expected.documents


@pytest.mark.parametrize("name", ["big.jsonl", "big.jsonl.zst"])
def test_a_bad_line_after_a_line_that_spans_blocks_is_located_exactly(
    write_shard: WriteShard, name: str
) -> None:
    huge = encode([("Pile-CC", "word " * (1 << 20))])  # 5 MiB: longer than any read block
    lines = [GOOD_LINES[0], huge, b"{broken\n", GOOD_LINES[1]]
    path = write_shard(name, b"".join(lines))
    with pytest.raises(BadLineError) as caught:
        stats_of(path)
    assert (caught.value.line, caught.value.offset) == (3, len(lines[0]) + len(lines[1]))
    counted = compute_corpus_stats([str(path)], workers=1, skip_bad_lines=True)
    assert counted.total.documents == 3
    assert counted.total.words == reference_figures([("Pile-CC", "word " * (1 << 20))]).words + sum(
        reference_figures([d]).words for d in make_docs(3, seed=9)[:2]
    )
