"""Which comparison pages exist: explicit ``compare_with`` pairs plus the strongest match-graph
partners of each artifact (at most ``matching.top_partners`` each)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.matching import MatchGraph
from generator.records import Artifact


@dataclass(frozen=True, order=True)
class Pair:
    """Two artifact slugs in sorted order; the page lives at ``/compare/<a>-vs-<b>/``."""

    a: str
    b: str
    explicit: bool = False

    @property
    def slug(self) -> str:
        return f"{self.a}-vs-{self.b}"

    @property
    def reversed_slug(self) -> str:
        return f"{self.b}-vs-{self.a}"


def resolve_pairs(records: list[Artifact], graph: MatchGraph, top_partners: int) -> list[Pair]:
    explicit: set[tuple[str, str]] = set()
    known = {a.slug for a in records}
    for artifact in records:
        for other in artifact.compare_with:
            if other in known and other != artifact.slug:
                explicit.add(_ordered(artifact.slug, other))
    matched: set[tuple[str, str]] = set()
    for artifact in records:
        partners = graph.partners(artifact.slug)
        best = sorted(partners.items(), key=lambda item: (-item[1], item[0]))[:top_partners]
        for other, _ in best:
            matched.add(_ordered(artifact.slug, other))
    pairs = [Pair(a, b, (a, b) in explicit) for a, b in explicit | matched]
    return sorted(pairs)


def _ordered(one: str, other: str) -> tuple[str, str]:
    return (one, other) if one < other else (other, one)
