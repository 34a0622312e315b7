"""Writing the site so it cannot half-happen.

Every output goes into a fresh staging folder beside the output folder; only when the whole site
is there does :meth:`SiteWriter.commit` swap it into place, so a failed build leaves the previous
site exactly as it was. Unchanged outputs of the previous site are hard-linked into the staging
folder (copied where links are not possible) instead of being rendered again: the swap stays
atomic and the previous site is never modified in place. Each path is written once; a second
write to the same path is a bug and raises.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

from generator.plan import DuplicateOutput, UnsafeOutputPath, check_path

log = logging.getLogger(__name__)

__all__ = ["DuplicateOutput", "SiteWriter", "UnsafeOutputPath", "write_file"]


def write_file(root: Path, rel: str, data: bytes) -> tuple[str, int]:
    """Write ``data`` to ``root/rel`` (a path already checked); return its sha256 and size."""
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return hashlib.sha256(data).hexdigest(), len(data)


class SiteWriter:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir.resolve()
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(
            tempfile.mkdtemp(prefix=f".{self.out_dir.name}.tmp-", dir=self.out_dir.parent)
        )
        self.files: dict[str, tuple[str, int]] = {}  # relative path -> (sha256, size)
        self.origins: dict[str, str] = {}  # relative path -> what wrote it
        self.carried = 0

    @property
    def written(self) -> dict[str, str]:
        return self.origins

    def _claim(self, rel: str, origin: str) -> None:
        # A checked relative path cannot leave the staging folder: the folder is new, so no
        # link inside it can point elsewhere.
        check_path(rel, origin)
        if rel in self.origins:
            raise DuplicateOutput(f"{rel!r} written twice: by {self.origins[rel]} and {origin}")
        self.origins[rel] = origin

    def write_bytes(self, rel: str, data: bytes, origin: str) -> None:
        self._claim(rel, origin)
        self.files[rel] = write_file(self.staging, rel, data)

    def write_text(self, rel: str, text: str, origin: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"), origin)

    def copy_file(self, rel: str, source: Path, origin: str) -> None:
        self.write_bytes(rel, source.read_bytes(), origin)

    def record(self, rel: str, sha256: str, size: int, origin: str) -> None:
        """Account for a file a render worker wrote into the staging folder itself."""
        self._claim(rel, origin)
        self.files[rel] = (sha256, size)

    def carry(self, rel: str, sha256: str, size: int, origin: str) -> bool:
        """Bring ``rel`` over unchanged from the current site; False when it is not there intact.

        The size is checked (a cheap guard against a file edited by hand in the output folder);
        the content is trusted to be what the manifest says.
        """
        old = self.out_dir / rel
        try:
            if old.is_symlink() or old.stat().st_size != size:
                return False
        except OSError:
            return False
        self._claim(rel, origin)
        target = self.staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(old, target)
        except OSError:
            shutil.copyfile(old, target)
        self.files[rel] = (sha256, size)
        self.carried += 1
        return True

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
        log.debug("wrote %d files to %s", len(self.files), self.out_dir)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
