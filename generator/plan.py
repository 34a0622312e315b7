"""The page plan: every output of a build, known before anything renders.

Each :class:`Output` names its path in the output folder, the page kind that makes it, the key
that kind needs (a slug, a pair slug, a page number), and a fingerprint: a hash of everything
its bytes are made from (record contents, the scores and matches it shows, the templates it
uses, site config, code version). Two builds that plan the same fingerprint for a path write
the same bytes there, so the incremental build carries such files over instead of rendering
them (Lektor's ``check_artifact_is_current``, with the inputs hashed up front the way mkdocs
knows its ``Files`` before rendering).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.cache import hash_key


class DuplicateOutput(RuntimeError):
    """Two outputs of one build claimed the same path (think ``a-vs-b`` and ``b-vs-a``)."""


class UnsafeOutputPath(RuntimeError):
    """An output path would land outside the output folder."""


@dataclass(frozen=True)
class Output:
    path: str  # relative to the output folder, POSIX
    kind: str  # the page kind that makes it (generator.pages)
    key: str  # what that kind needs to make it: a slug, a pair slug, a page number, a path
    fingerprint: str  # hash of every input of its bytes
    url: str | None = None  # site path when the output is a page listed in the sitemap
    source: Path | None = None  # a file copied as is (static assets, model files)


def check_path(rel: str, origin: str) -> None:
    """Refuse absolute paths, ``..`` and backslashes: no output may leave the output folder."""
    # Plain string checks (this runs for every output of every build): no empty, "." or ".."
    # segment (which also refuses a leading "/" and "//"), no backslash, no NUL.
    if "\\" in rel or "\x00" in rel or any(p in ("", ".", "..") for p in rel.split("/")):
        raise UnsafeOutputPath(f"{rel!r} (from {origin}) is not a safe relative path")


class PagePlan:
    """Outputs by path, in the order they were planned (which is deterministic)."""

    def __init__(self, common: str = "") -> None:
        self.common = common  # fingerprint part shared by every output (code version, options)
        self._outputs: dict[str, Output] = {}

    def add(
        self,
        path: str,
        kind: str,
        key: str,
        inputs: tuple[object, ...],
        *,
        url: str | None = None,
        source: Path | None = None,
    ) -> Output:
        """Plan ``path``; ``inputs`` are hashed (with the page kind) into its fingerprint."""
        check_path(path, kind)
        if path in self._outputs:
            other = self._outputs[path]
            raise DuplicateOutput(
                f"{path!r} planned twice: by {other.kind} {other.key!r} and {kind} {key!r}"
            )
        fingerprint = hash_key(self.common, kind, key, repr(inputs))
        output = Output(path, kind, key, fingerprint, url, source)
        self._outputs[path] = output
        return output

    def __iter__(self) -> Iterator[Output]:
        return iter(self._outputs.values())

    def __len__(self) -> int:
        return len(self._outputs)

    def __contains__(self, path: object) -> bool:
        return path in self._outputs

    def get(self, path: str) -> Output | None:
        return self._outputs.get(path)

    def kind_of(self, path: str) -> str:
        return self._outputs[path].kind

    def urls(self) -> list[str]:
        return [o.url for o in self._outputs.values() if o.url is not None]
