"""Fixtures for corpus tests."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import zstandard

from tests.corpus.helpers import Doc, WriteShard, encode


@pytest.fixture
def write_shard(tmp_path: Path) -> WriteShard:
    """``write_shard(name, docs_or_bytes, frames=1)``: a .jsonl, .jsonl.zst or .jsonl.gz file."""

    def write(name: str, content: list[Doc] | bytes, frames: int = 1) -> Path:
        data = content if isinstance(content, bytes) else encode(content)
        path = tmp_path / name
        if name.endswith(".zst"):
            step = max(1, -(-len(data) // frames))
            compressor = zstandard.ZstdCompressor(level=3)
            pieces = [data[i : i + step] for i in range(0, len(data), step)] or [b""]
            path.write_bytes(b"".join(compressor.compress(p) for p in pieces))
        elif name.endswith(".gz"):
            path.write_bytes(gzip.compress(data, mtime=0))
        else:
            path.write_bytes(data)
        return path

    return write
