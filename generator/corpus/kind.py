"""The ``corpus`` evidence kind: statistics over Pile-format shards, measured at build time.

Registered with :mod:`generator.evidence`; the corpus engine is imported only by
:meth:`CorpusKind.compute` and :meth:`CorpusKind.check`.
"""

from __future__ import annotations

import dataclasses
import stat
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from generator.cache import hash_key
from generator.contentfiles import content_files
from generator.corpus.spec import CorpusEvidenceSpec
from generator.errors import ContentErrors, Problems
from generator.evidence import (
    EvidenceEnv,
    KindPages,
    PageEvidence,
    RecordRef,
    Section,
    register,
)
from generator.fields import Reader
from generator.limits import quote
from generator.options import BuildOptions
from generator.urls import beside
from generator.yamlsource import outside

if TYPE_CHECKING:
    from generator.corpus.shards import Shard


class CorpusKind:
    name = "corpus"
    template_dir = None  # templates/partials/corpus_evidence.html

    def read(
        self, r: Reader, raw: Any, record: RecordRef, content_dir: Path
    ) -> CorpusEvidenceSpec | None:
        corpus = r.mapping("evidence.corpus", raw)
        if corpus is None:
            return None
        r.keys("evidence.corpus", corpus, ("shards",), ("published", "sample_note"))
        shards = r.string_list("evidence.corpus", corpus, "shards")
        published = content_files(r, "evidence.corpus", corpus, "published", content_dir)
        if not shards:
            return None
        return CorpusEvidenceSpec(
            record=record.display,
            slug=record.slug,
            shards=tuple(shards),
            published=published[0] if published else None,
            sample_note=r.text("evidence.corpus", corpus, "sample_note"),
        )

    def check(
        self, spec: CorpusEvidenceSpec, content_dir: Path, problems: Problems, r: Reader
    ) -> CorpusEvidenceSpec:
        """Everything ``build`` will read, checked without computing: the published figures
        parse, and each shard pattern matches shard files (a supported kind, not empty, that
        start as their format says) inside the content folder unless the pattern is absolute.
        Each problem is located at the pattern that causes it."""
        from generator.corpus.errors import CorpusError
        from generator.corpus.published import load_published
        from generator.corpus.shards import expand_paths, load_shards

        figures = None
        if spec.published is not None:
            try:
                figures = load_published(spec.published)
            except ContentErrors as exc:
                problems.extend(exc.problems)
        matched: dict[Path, None] = {}
        failed = False
        for i, pattern in enumerate(spec.shards):
            where = f"evidence.corpus.shards[{i}]"
            if where not in r.doc.positions:  # one pattern written as text, not a list
                where = "evidence.corpus.shards"
            try:
                paths = expand_paths([pattern], content_dir)
                escaped = [] if Path(pattern).is_absolute() else _outside(paths, content_dir)
                if escaped:
                    r.problem(
                        where,
                        f"{quote(pattern)} matches {len(escaped)} file(s) outside the content "
                        "folder (a symbolic link or '..'); a relative pattern must stay inside "
                        "it (write an absolute path for shards kept elsewhere)",
                    )
                    failed = True
                    continue
                for shard in load_shards(paths, content_dir):
                    _check_stream_start(shard)
            except CorpusError as exc:  # nothing matched, or a match that is not a shard
                r.problem(where, str(exc))
                failed = True
                continue
            matched.update(dict.fromkeys(paths))
        if failed:
            return spec
        shards = load_shards(sorted(matched), content_dir)
        return replace(spec, shard_files=tuple(shards), figures=figures)

    def input_files(self, spec: CorpusEvidenceSpec) -> list[Path]:
        # Shards outside the content folder: the files and their folders (a new shard that a
        # glob would match changes its folder's modification time).
        found: list[Path] = []
        for pattern in spec.shards:
            path = Path(pattern)
            if path.is_absolute():
                folder = path.parent
                while not folder.exists() and folder != folder.parent:
                    folder = folder.parent
                found.append(folder)
                found += sorted(folder.glob(path.name)) if "*" in path.name else [path]
        return [p for p in found if p.exists()]

    def compute(self, spec: CorpusEvidenceSpec, env: EvidenceEnv) -> Any:
        from generator.corpus.evidence import compute_corpus_evidence

        return compute_corpus_evidence(spec, env)

    def pages(
        self, results: Mapping[str, Any], page_urls: Mapping[str, str], options: BuildOptions
    ) -> KindPages:
        pages: dict[str, PageEvidence] = {}
        for slug, corpus in sorted(results.items()):
            data = orjson.dumps(corpus.to_json(), option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
            sections = (Section("partials/corpus_evidence.html", {"corpus": corpus}),)
            pages[slug] = PageEvidence(
                sections,
                {beside(page_urls[slug], "corpus.json"): data + b"\n"},
                # The record's path (as messages show it, relative to the working directory)
                # is not on the page: left out, the fingerprint is the same from any folder.
                hash_key(repr(_without_record(corpus))),
            )
        return KindPages(pages)


def _outside(paths: list[Path], content_dir: Path) -> list[Path]:
    return [path for path in paths if outside(path, content_dir)]


_ZSTD_MAGIC = 0xFD2FB528
_ZSTD_SKIPPABLE = 0x184D2A50  # the low four bits are free


def _check_stream_start(shard: Shard) -> None:
    """A compressed shard starts with its format's magic number; any shard can be opened."""
    from generator.corpus.errors import ShardReadError

    try:
        if not stat.S_ISREG(shard.path.stat().st_mode):
            raise ShardReadError(shard.display, "not a regular file")
        with shard.path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise ShardReadError(shard.display, f"cannot read: {exc.strerror}") from None
    magic = int.from_bytes(head.ljust(4, b"\0"), "little")
    if shard.format == "zstd" and magic != _ZSTD_MAGIC and magic & ~0xF != _ZSTD_SKIPPABLE:
        raise ShardReadError(shard.display, "not a zstandard stream (no zstd magic number)")
    if shard.format == "gzip" and head[:2] != b"\x1f\x8b":
        raise ShardReadError(shard.display, "not a gzip stream (no gzip magic number)")


def _without_record(result: Any) -> Any:
    is_result = dataclasses.is_dataclass(result) and not isinstance(result, type)
    if is_result and any(f.name == "record" for f in dataclasses.fields(result)):
        return dataclasses.replace(result, record="")
    return result


register(CorpusKind())
