"""A content-addressed cache for expensive evidence (QA runs, corpus statistics).

Keys are hashes of everything that produced a result (inputs, model file, settings, code
version), never timestamps: a second build with nothing changed finds every result here.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

log = logging.getLogger(__name__)

CacheKeyPart = str | bytes | int | float | bool | None


def hash_key(*parts: CacheKeyPart | dict[str, Any] | list[Any]) -> str:
    """A stable sha256 over heterogeneous parts (dicts are serialised with sorted keys)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else orjson.dumps(part, option=orjson.OPT_SORT_KEYS)
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it: a reader (another build,
    a crash half-way) never sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class ContentCache:
    """JSON values stored under ``root/<namespace>/<key>.json``.

    ``hits`` and ``misses`` count look-ups so tests can prove that an unchanged rebuild
    recomputes nothing.
    """

    root: Path
    hits: int = 0
    misses: int = 0
    computed: list[str] = field(default_factory=list)

    def _path(self, namespace: str, key: str) -> Path:
        return self.root / namespace / f"{key}.json"

    def get(self, namespace: str, key: str) -> Any | None:
        path = self._path(namespace, key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            log.debug("ignoring unreadable cache entry %s", path)
            return None

    def put(self, namespace: str, key: str, value: Any) -> None:
        atomic_write(self._path(namespace, key), orjson.dumps(value, option=orjson.OPT_SORT_KEYS))

    def get_or_compute(self, namespace: str, key: str, compute: Callable[[], Any]) -> Any:
        """Return the cached value for ``key`` or compute, store and return it."""
        cached = self.get(namespace, key)
        if cached is not None:
            self.hits += 1
            return cached
        self.misses += 1
        self.computed.append(f"{namespace}/{key}")
        value = compute()
        self.put(namespace, key, value)
        return value
