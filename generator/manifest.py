"""The build manifest, kept with the output: what each output path was made from and holds.

``.unfragile-manifest.json`` in the output folder maps each output path to its fingerprint, the
sha256 and size of its bytes and its page kind and URL. The next build carries a file over when
it plans the same fingerprint for it; the pull-request report reads it to tell pages added,
removed and changed.

:class:`BuildState`, kept in the build cache rather than with the site (it names this machine's
files and times), records the size and modification time of every file the build read and the
warnings it logged, so a build with nothing changed can stop before loading anything.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from generator.cache import atomic_write

log = logging.getLogger(__name__)

MANIFEST_NAME = ".unfragile-manifest.json"
MANIFEST_VERSION = 2


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    sha256: str
    size: int
    kind: str
    url: str | None


@dataclass
class Manifest:
    entries: dict[str, Entry] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        data: dict[str, Any] = {
            "version": MANIFEST_VERSION,
            "outputs": {
                path: {
                    "fingerprint": e.fingerprint,
                    "sha256": e.sha256,
                    "size": e.size,
                    "kind": e.kind,
                    "url": e.url,
                }
                for path, e in sorted(self.entries.items())
            },
        }
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"


def read_manifest(out_dir: Path) -> Manifest | None:
    """The manifest of the site in ``out_dir``, or None (no site, an old or unreadable one)."""
    try:
        return parse_manifest((out_dir / MANIFEST_NAME).read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.debug("ignoring unreadable manifest in %s: %s", out_dir, exc)
        return None


def parse_manifest(raw: bytes) -> Manifest | None:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return None
    try:
        entries = {
            str(path): Entry(
                str(e["fingerprint"]),
                str(e["sha256"]),
                int(e["size"]),
                str(e["kind"]),
                None if e["url"] is None else str(e["url"]),
            )
            for path, e in data["outputs"].items()
        }
        return Manifest(entries)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        log.debug("ignoring malformed manifest: %s", exc)
        return None


@dataclass
class BuildState:
    """What the last build into one output folder read (kept in the build cache)."""

    stamp: str  # a key over the options and code that shape the output
    manifest_sha256: str  # of the manifest that build wrote: the site is still that one
    files: int  # outputs of that site
    sources: dict[str, tuple[int, int]]  # file -> (size, mtime_ns); (-1, -1) for missing
    warnings: list[str]  # replayed when nothing changed, so --strict still sees them

    def to_bytes(self) -> bytes:
        data = {
            "version": MANIFEST_VERSION,
            "stamp": self.stamp,
            "manifest_sha256": self.manifest_sha256,
            "files": self.files,
            "sources": {k: list(v) for k, v in sorted(self.sources.items())},
            "warnings": self.warnings,
        }
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def state_path(cache_dir: Path, out_dir: Path) -> Path:
    return cache_dir / "builds" / f"{hashlib.sha256(str(out_dir).encode()).hexdigest()[:24]}.json"


def read_state(path: Path) -> BuildState | None:
    try:
        data = orjson.loads(path.read_bytes())
        if data.get("version") != MANIFEST_VERSION:
            return None
        return BuildState(
            str(data["stamp"]),
            str(data["manifest_sha256"]),
            int(data["files"]),
            {str(k): (int(v[0]), int(v[1])) for k, v in data["sources"].items()},
            [str(w) for w in data["warnings"]],
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        log.debug("ignoring unreadable build state %s: %s", path, exc)
        return None


def write_state(path: Path, state: BuildState) -> None:
    atomic_write(path, state.to_bytes())
