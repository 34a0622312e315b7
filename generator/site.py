"""Everything known about the site before any evidence or rendering: the validated catalog."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from generator.config import SiteConfig, load_site_config
from generator.errors import Problems
from generator.evidence_inputs import check_evidence_inputs
from generator.matching import MatchGraph, build_match_graph, cached_match_graph
from generator.pairs import Pair, resolve_pairs
from generator.parsecache import ParseCache
from generator.records import Artifact, load_records
from generator.scores import ArtifactScore, compute_scores

log = logging.getLogger(__name__)


@dataclass
class Site:
    config: SiteConfig
    records: list[Artifact]
    graph: MatchGraph
    scores: dict[str, ArtifactScore]
    pairs: list[Pair]

    def by_slug(self, slug: str) -> Artifact:
        return self._index[slug]

    def __post_init__(self) -> None:
        self._index = {a.slug: a for a in self.records}


def load_site(
    content_dir: Path, base_url: str | None = None, cache_dir: Path | None = None
) -> Site:
    """Load and validate config and records, then resolve the match graph, scores and pairs.

    Raises :class:`generator.errors.ContentErrors` with every problem found. With a
    ``cache_dir``, parsed records are reused by content hash.
    """
    problems = Problems()
    config = load_site_config(content_dir, problems)
    if config is None:
        problems.raise_if_any()
        raise AssertionError("load_site_config returned None without a problem")
    if base_url is not None:
        config = config.with_base_url(base_url)
    parse_cache = ParseCache(cache_dir / "parsed-records") if cache_dir else None
    records = load_records(content_dir, config, problems, parse_cache)
    check_evidence_inputs(records, content_dir, problems)
    problems.raise_if_any()
    if parse_cache is not None:
        parse_cache.save()
    matching = config.matching
    if cache_dir is not None:
        graph = cached_match_graph(
            records, matching.min_similarity, matching.max_per_capability, cache_dir
        )
    else:
        graph = build_match_graph(records, matching.min_similarity, matching.max_per_capability)
    scores = compute_scores(records, config, graph)
    pairs = resolve_pairs(records, graph, config.matching.top_partners)
    log.info(
        "%d artifacts, %d capability matches, %d comparison pages",
        len(records),
        len(graph.matches),
        len(pairs),
    )
    return Site(config, records, graph, scores, pairs)
