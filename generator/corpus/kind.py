"""The ``corpus`` evidence kind: statistics over Pile-format shards, measured at build time.

Registered with :mod:`generator.evidence`; the corpus engine is imported only by
:meth:`CorpusKind.compute` and :meth:`CorpusKind.check`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

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
from generator.options import BuildOptions
from generator.urls import beside


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
        from generator.corpus.errors import CorpusError, ShardNotFoundError
        from generator.corpus.published import load_published
        from generator.corpus.shards import expand_paths, load_shards

        figures = None
        if spec.published is not None:
            try:
                figures = load_published(spec.published)
            except ContentErrors as exc:
                problems.extend(exc.problems)
        try:
            shards = load_shards(expand_paths(spec.shards, content_dir), content_dir)
        except ShardNotFoundError as exc:
            r.problem("evidence.corpus.shards", str(exc))
            return spec
        except CorpusError as exc:  # a matched file that is not a readable shard
            r.problem("evidence.corpus.shards", str(exc))
            return spec
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
                hash_key(repr(sections)),
            )
        return KindPages(pages)


register(CorpusKind())
