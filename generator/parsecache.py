"""Parsed YAML documents reused by content hash, so an unchanged record is never parsed twice.

A catalog of thousands of records spends most of its load time composing YAML and building
values with their positions. The cache maps the sha256 of a file's bytes to the values and
positions parsed from it (only documents that parsed without a problem). Entries are kept in 64
pickle files by the first bits of their key, so an edit to one record rewrites one small file;
each build keeps the entries it used and drops the rest, so the cache tracks the catalog instead
of growing.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from pathlib import Path
from typing import Any

from generator.cache import atomic_write

log = logging.getLogger(__name__)

# Bump when what the YAML reader produces changes (generator/yamlsource.py).
PARSE_VERSION = "parsed-yaml/2"
BUCKETS = 64

Parsed = tuple[Any, dict[str, Any]]  # data, positions


def _bucket(key: str) -> int:
    return int(key[:4], 16) % BUCKETS


class ParseCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._old: list[dict[str, Parsed]] = [{} for _ in range(BUCKETS)]
        self._used: list[dict[str, Parsed]] = [{} for _ in range(BUCKETS)]
        self.hits = 0
        for number in range(BUCKETS):
            path = self._path(number)
            try:
                with path.open("rb") as handle:
                    version, entries = pickle.load(handle)
                if version == PARSE_VERSION and isinstance(entries, dict):
                    self._old[number] = entries
            except FileNotFoundError:
                continue
            except Exception as exc:  # a damaged cache file is rebuilt, never trusted
                log.debug("ignoring unreadable parse cache %s: %s", path, exc)

    def _path(self, number: int) -> Path:
        return self.folder / f"{number:02x}.pickle"

    @staticmethod
    def key(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def get(self, key: str) -> Parsed | None:
        number = _bucket(key)
        found = self._old[number].get(key) or self._used[number].get(key)
        if found is not None:
            self.hits += 1
            self._used[number][key] = found
        return found

    def put(self, key: str, parsed: Parsed) -> None:
        self._used[_bucket(key)][key] = parsed

    def save(self) -> None:
        """Rewrite (atomically) only the files whose entries changed in this build."""
        for number in range(BUCKETS):
            used = self._used[number]
            if used.keys() == self._old[number].keys():
                continue
            data = pickle.dumps((PARSE_VERSION, used), protocol=pickle.HIGHEST_PROTOCOL)
            atomic_write(self._path(number), data)
            self._old[number] = dict(used)
