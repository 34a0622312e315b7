"""Writing the site so it cannot half-happen.

Every output goes into a fresh staging folder beside the output folder; only when the whole site
is there does :meth:`SiteWriter.commit` swap it into place, so a failed build leaves the previous
site exactly as it was (the replaced site is then deleted in the background). Unchanged
outputs of the previous site are hard-linked into the staging folder (copied where links are
not possible) instead of being rendered again: the swap stays atomic and the previous site is
never modified in place. Each path is written once; a second
write to the same path is a bug and raises.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from generator.plan import DuplicateOutput, UnsafeOutputPath, check_path

log = logging.getLogger(__name__)

__all__ = ["DuplicateOutput", "SiteWriter", "UnsafeOutputPath", "write_file"]


def write_file(root: Path, rel: str, data: bytes) -> tuple[str, int]:
    """Write ``data`` to ``root/rel`` (a path already checked); return its sha256 and size."""
    target = os.path.join(root, rel)
    try:
        handle = open(target, "wb")  # noqa: SIM115 - the folder usually exists already
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        handle = open(target, "wb")  # noqa: SIM115
    with handle:
        handle.write(data)
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
        self._folders: set[str] = set()  # folders made in the staging folder

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
        old = os.path.join(self.out_dir, rel)
        try:
            info = os.lstat(old)
        except OSError:
            return False
        if not stat.S_ISREG(info.st_mode) or info.st_size != size:
            return False
        self._claim(rel, origin)
        target = os.path.join(self.staging, rel)
        folder = os.path.dirname(target)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
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
            remove_later(old)
        sweep(self.out_dir, keep=old)
        log.debug("wrote %d files to %s", len(self.files), self.out_dir)

    def abort(self, background: bool = False) -> None:
        """Drop the staging folder (in the background when it holds a whole site)."""
        if background:
            remove_later(self.staging)
        else:
            shutil.rmtree(self.staging, ignore_errors=True)


def remove_later(folder: Path) -> None:
    """Delete the replaced site in a detached process: the new site is already in place, and
    deleting thousands of folders can take seconds (more on file systems that discard freed
    blocks). Where no process can be started, delete it now. ``sweep`` removes any that a
    crash left behind."""
    _reap()
    try:
        # posix_spawn, not Popen: nothing waits for this process, and it must outlive us.
        pid = os.posix_spawn(
            sys.executable,
            [sys.executable, "-c", _REMOVE, str(folder)],
            os.environ,
            setsid=True,
        )
    except (OSError, AttributeError, NotImplementedError):
        shutil.rmtree(folder, ignore_errors=True)
        return
    _removers.append(pid)


_REMOVE = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
_removers: list[int] = []  # our deleting processes not yet reaped


def _reap(block: bool = False) -> None:
    for pid in list(_removers):
        try:
            done, _ = os.waitpid(pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _removers.remove(pid)


def wait_for_removals() -> None:
    """Wait until the replaced sites this process scheduled for deletion are gone."""
    _reap(block=True)


def sweep(out_dir: Path, keep: Path | None = None) -> None:
    """Delete (in the background) replaced sites of earlier builds still beside the output
    folder: a build that crashed, or a deletion still running (a second one does no harm)."""
    for stale in out_dir.parent.glob(f".{out_dir.name}.old-*"):
        if stale != keep:
            remove_later(stale)
