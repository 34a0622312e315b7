"""Writing the site so it cannot half-happen.

Everything is written into a fresh temporary folder beside the output folder; only when the
whole site is there does :meth:`SiteWriter.commit` swap it into place. A failed build leaves the
previous site exactly as it was. Each output path may be written once: a second write to the
same path is a bug (think ``a-vs-b`` and ``b-vs-a``) and raises.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

log = logging.getLogger(__name__)


class DuplicateOutput(RuntimeError):
    """Two pages of one build claimed the same output path."""


class UnsafeOutputPath(RuntimeError):
    """An output path would land outside the output folder."""


class SiteWriter:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir.resolve()
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(
            tempfile.mkdtemp(prefix=f".{self.out_dir.name}.tmp-", dir=self.out_dir.parent)
        )
        self.written: dict[str, str] = {}  # relative path -> what wrote it

    def _target(self, rel: str, origin: str) -> Path:
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in rel:
            raise UnsafeOutputPath(f"{rel!r} (from {origin}) is not a safe relative path")
        target = (self.staging / pure).resolve()
        if not target.is_relative_to(self.staging.resolve()):
            raise UnsafeOutputPath(f"{rel!r} (from {origin}) escapes the output folder")
        if rel in self.written:
            raise DuplicateOutput(f"{rel!r} written twice: by {self.written[rel]} and {origin}")
        self.written[rel] = origin
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write_text(self, rel: str, text: str, origin: str) -> None:
        self._target(rel, origin).write_bytes(text.encode("utf-8"))

    def write_bytes(self, rel: str, data: bytes, origin: str) -> None:
        self._target(rel, origin).write_bytes(data)

    def copy_file(self, rel: str, source: Path, origin: str) -> None:
        shutil.copyfile(source, self._target(rel, origin))

    def commit(self) -> None:
        """Swap the finished site into place (two renames; the old site is removed last)."""
        old: Path | None = None
        if self.out_dir.exists():
            old = Path(
                tempfile.mkdtemp(prefix=f".{self.out_dir.name}.old-", dir=self.out_dir.parent)
            )
            old.rmdir()
            os.replace(self.out_dir, old)
        try:
            os.replace(self.staging, self.out_dir)
        except OSError:
            if old is not None:
                os.replace(old, self.out_dir)
            raise
        os.chmod(self.out_dir, 0o755)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        log.debug("wrote %d files to %s", len(self.written), self.out_dir)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
