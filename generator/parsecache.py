"""Parsed YAML documents reused by content hash, so an unchanged record is never parsed twice.

A catalog of thousands of records spends most of its load time composing YAML and building
values with their positions. The cache maps the sha256 of a file's bytes to the values and
positions parsed from it (only documents that parsed without a problem), in one pickle file in
the build cache. Each build keeps the entries it used and drops the rest, so the file tracks
the catalog instead of growing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Bump when what the YAML reader produces changes (generator/yamlsource.py).
PARSE_VERSION = "parsed-yaml/1"

Parsed = tuple[Any, dict[str, Any]]  # data, positions


class ParseCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._old: dict[str, Parsed] = {}
        self._used: dict[str, Parsed] = {}
        self.hits = 0
        try:
            with path.open("rb") as handle:
                version, entries = pickle.load(handle)
            if version == PARSE_VERSION and isinstance(entries, dict):
                self._old = entries
        except FileNotFoundError:
            pass
        except Exception as exc:  # a damaged cache file is rebuilt, never trusted
            log.debug("ignoring unreadable parse cache %s: %s", path, exc)

    @staticmethod
    def key(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def get(self, key: str) -> Parsed | None:
        found = self._old.get(key) or self._used.get(key)
        if found is not None:
            self.hits += 1
            self._used[key] = found
        return found

    def put(self, key: str, parsed: Parsed) -> None:
        self._used[key] = parsed

    def save(self) -> None:
        """Write the entries this build used (atomically); unchanged files are not rewritten."""
        if self._used.keys() == self._old.keys():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-parsed-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((PARSE_VERSION, self._used), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
