"""The build manifest, kept with the output: what each output path was made from and holds.

``.unfragile-manifest.json`` in the output folder maps each output path to its fingerprint, the
sha256 and size of its bytes and its page kind and URL. The next build carries a file over when
it plans the same fingerprint for it; the pull-request report reads it to tell pages added,
removed and changed. ``sources`` records the size and modification time of every file the
build read, so a build with nothing changed can stop before loading anything.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

log = logging.getLogger(__name__)

MANIFEST_NAME = ".unfragile-manifest.json"
MANIFEST_VERSION = 1


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
    # What the build read: a key over its options and code, and per source file (size, mtime).
    stamp: str = ""
    sources: dict[str, tuple[int, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # replayed when nothing changed

    def to_bytes(self) -> bytes:
        data: dict[str, Any] = {
            "version": MANIFEST_VERSION,
            "stamp": self.stamp,
            "warnings": self.warnings,
            "sources": {k: list(v) for k, v in sorted(self.sources.items())},
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
        data = orjson.loads((out_dir / MANIFEST_NAME).read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, orjson.JSONDecodeError) as exc:
        log.debug("ignoring unreadable manifest in %s: %s", out_dir, exc)
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
        sources = {str(k): (int(v[0]), int(v[1])) for k, v in data["sources"].items()}
        warnings = [str(w) for w in data["warnings"]]
        return Manifest(entries, str(data["stamp"]), sources, warnings)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        log.debug("ignoring malformed manifest in %s: %s", out_dir, exc)
        return None
