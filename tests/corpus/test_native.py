"""The scanner's cached machine code: same counts as numba's dispatcher, a cache that is
checked before use, loud failures, and a process that loads it without importing numba."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from generator.corpus import native
from generator.corpus.scan import ScanOptions, _Tables, scan_part
from generator.corpus.shards import load_shards, plan_parts
from tests.corpus.helpers import WriteShard, comparable, encode, make_docs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_choice() -> Iterator[None]:
    """Let a test choose the scanner again, and restore this process's choice after it."""
    saved = native._chosen
    native._chosen = None
    yield
    native._chosen = saved


@pytest.fixture
def cache_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the scanner's cache at an empty folder of its own."""
    folder = tmp_path / "cache"
    monkeypatch.setattr(native, "cache_folders", lambda: [folder])
    return folder


def _tables_after(scan: native.ScanFunction, data: bytes) -> tuple[tuple[int, int, int], _Tables]:
    """What ``_Tables.scan`` gives with this scan function; the tables start small, so the
    names table grows on the way."""
    saved, native._chosen = native._chosen, scan
    try:
        tables = _Tables(rows=2, width=4)
        return tables.scan(data, 0), tables
    finally:
        native._chosen = saved


def test_native_code_counts_exactly_what_numba_counts() -> None:
    data = encode(make_docs(400, seed=7, duplicates=0.2)) + b'{"text": "x", "meta": {}}\n'
    got, got_tables = _tables_after(native.load_native(), data)
    want, want_tables = _tables_after(native.numba_scanner(), data)
    assert got == want
    assert got[0] == 1  # stopped at the last line, which is not in the Pile shape
    assert got_tables.rows > 2  # the tables grew
    for name in ("names", "name_lengths", "totals", "buckets", "registers"):
        assert np.array_equal(getattr(got_tables, name), getattr(want_tables, name)), name


def test_a_part_scanned_either_way_gives_the_same_partial(
    write_shard: WriteShard, monkeypatch: pytest.MonkeyPatch, fresh_choice: None
) -> None:
    path = write_shard("a.jsonl.zst", make_docs(300, seed=3), frames=3)
    parts = plan_parts(load_shards([path]), part_bytes=1)
    monkeypatch.setenv(native.ENVIRONMENT, "numba")
    by_numba = [scan_part(p, ScanOptions()) for p in parts]
    native._chosen = None
    monkeypatch.delenv(native.ENVIRONMENT)
    by_native = [scan_part(p, ScanOptions()) for p in parts]
    assert isinstance(native._chosen, native.NativeScanner)
    assert [comparable(p) for p in by_native] == [comparable(p) for p in by_numba]


def test_the_cache_is_written_once_and_then_read(
    cache_in: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled: list[native.NativeObject] = []
    original = native.compile_object

    def counting() -> native.NativeObject:
        compiled.append(original())
        return compiled[-1]

    monkeypatch.setattr(native, "compile_object", counting)
    native.load_native()
    native.load_native()
    assert len(compiled) == 1
    key = native.cache_key()
    meta = json.loads((cache_in / f"scanner-{key}.json").read_text())
    assert meta["symbol"] == compiled[0].symbol
    assert native.read_cached(key) == compiled[0]
    # Everything outside the object is numba's error path, renamed to the stubs.
    assert "numba_gil_ensure" in meta["stub_functions"]
    assert all(not name.startswith(native.STUB_PREFIX) for name in meta["stub_functions"])


def test_a_damaged_cache_entry_is_ignored_and_rebuilt(
    cache_in: Path, caplog: pytest.LogCaptureFixture
) -> None:
    native.load_native()
    key = native.cache_key()
    code = cache_in / f"scanner-{key}.o"
    damaged = bytearray(code.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    code.write_bytes(bytes(damaged))
    with caplog.at_level(logging.INFO, logger="generator.corpus.native"):
        assert native.read_cached(key) is None
        scanner = native.load_native()
    assert "damaged cache entry" in caplog.text
    assert native.read_cached(key) is not None  # rewritten whole
    data = encode(make_docs(20))
    assert scanner(data, len(data), 0, _Tables())[:2] == (0, len(data))


def test_an_unwritable_cache_still_gives_a_scanner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(native, "cache_folders", lambda: [blocker / "cache"])
    scanner = native.load_native()
    data = encode(make_docs(5))
    assert scanner(data, len(data), 0, _Tables())[2] == 5


def test_a_stub_call_fails_the_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """If numba's error path ever runs inside the object, the scan raises, it does not count."""
    scanner = native.load_native()
    real = scanner._function

    def through_the_error_path(*arguments: object) -> None:
        real(*arguments)
        scanner._stub()  # what the object does when it reaches a renamed external

    monkeypatch.setattr(scanner, "_function", through_the_error_path)
    data = encode(make_docs(3))
    with pytest.raises(native.NativeScannerError, match="error path"):
        scanner(data, len(data), 0, _Tables())


def test_a_range_outside_the_buffer_is_refused() -> None:
    scanner = native.load_native()
    data = encode(make_docs(3))
    for size, position in ((len(data) + 1, 0), (len(data), len(data) + 1), (-1, 0)):
        with pytest.raises(ValueError, match="bad range"):
            scanner(data, size, position, _Tables())


def test_a_failed_load_falls_back_to_numba(
    monkeypatch: pytest.MonkeyPatch, fresh_choice: None, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> native.NativeScanner:
        raise native.NativeScannerError("no LLVM here")

    monkeypatch.setattr(native, "load_native", broken)
    with caplog.at_level(logging.WARNING, logger="generator.corpus.native"):
        scan = native.scanner()
    assert not isinstance(scan, native.NativeScanner)
    assert "no LLVM here" in caplog.text
    data = encode(make_docs(10))
    assert scan(data, len(data), 0, _Tables())[2] == 10


def test_a_process_with_a_cached_scanner_never_imports_numba() -> None:
    native.load_native()  # the package's own cache is filled
    script = (
        "import sys\n"
        "from generator.corpus.stats import compute_corpus_stats\n"
        f"stats = compute_corpus_stats([{str(ROOT / 'content/corpus/pile-sample')!r}], workers=1)\n"
        "assert stats.total.documents > 0\n"
        "print(sorted(m for m in ('numba', 'scipy') if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != native.ENVIRONMENT}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
