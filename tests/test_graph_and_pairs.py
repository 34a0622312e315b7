"""The match graph, the pairs it chooses, and the sentences generated from scores."""

from __future__ import annotations

from generator.matching import build_match_graph
from generator.pairs import Pair, resolve_pairs
from generator.scores import ArtifactScore, DimensionScore
from generator.site import load_site
from generator.verdict import summary_sentence, verdict_sentence
from tests.conftest import BASIC


def test_related_capabilities_match_and_others_do_not() -> None:
    site = load_site(BASIC)
    graph = build_match_graph(site.records, 0.2)
    edges = {(m.a.slug, m.a.capability, m.b.slug, m.b.capability) for m in graph.matches}
    assert ("alpha-qa", "span-extraction", "beta-qa", "span-extraction") in edges
    # Capabilities of the same artifact are never matched with each other.
    assert all(m.a.slug != m.b.slug for m in graph.matches)
    # Unrelated text (batching vs curated corpora) does not match.
    assert not any(
        "batching" in (m.a.capability, m.b.capability)
        and "curated-subsets" in (m.a.capability, m.b.capability)
        for m in graph.matches
    )
    assert graph.times_matched("alpha-qa") >= 1
    assert graph.between("beta-qa", "alpha-qa")[0].similarity >= 0.2


def test_threshold_one_gives_no_matches() -> None:
    site = load_site(BASIC)
    assert build_match_graph(site.records, 1.0).matches == []


def test_pairs_explicit_plus_top_partners_sorted() -> None:
    site = load_site(BASIC)
    graph = build_match_graph(site.records, 0.2)
    pairs = resolve_pairs(site.records, graph, top_partners=1)
    assert Pair("alpha-qa", "gamma-corpus", explicit=True) in pairs
    assert Pair("alpha-qa", "beta-qa", explicit=False) in pairs
    assert all(p.a < p.b for p in pairs)
    assert resolve_pairs(site.records, graph, top_partners=0) == [
        Pair("alpha-qa", "gamma-corpus", explicit=True)
    ]
    assert Pair("a", "b").slug == "a-vs-b" and Pair("a", "b").reversed_slug == "b-vs-a"


def _score(rank: float | None, **dims: float | None) -> ArtifactScore:
    dimensions = {
        d: DimensionScore(d, d, dims.get(d), 1.0, ())
        for d in ("adoption", "quality", "ecosystem", "match_graph")
    }
    return ArtifactScore("x", rank, 1.0, dimensions)


def test_seed_style_sentences() -> None:
    mobile = _score(38.2, adoption=0, quality=10, ecosystem=80, match_graph=20)
    pile = _score(59.4, adoption=90, quality=70, ecosystem=10, match_graph=20)
    assert summary_sentence("mobilebert", mobile, "The Pile", pile) == (
        "The Pile ranks higher at 59/100 vs mobilebert at 38/100."
    )
    assert verdict_sentence("mobilebert", mobile, "The Pile", pile) == (
        "mobilebert leads on ecosystem, while The Pile is stronger on adoption and quality. "
        "They are level on match graph."
    )


def test_sentences_with_unknowns_and_ties() -> None:
    a = _score(None, adoption=None, quality=50.2, ecosystem=None, match_graph=40)
    b = _score(40, adoption=10, quality=49.9, ecosystem=None, match_graph=30)
    assert summary_sentence("A", a, "B", b) == "B ranks 40/100; A's UnfragileRank is unknown."
    assert verdict_sentence("A", a, "B", b) == (
        "A leads on match graph. They are level on quality. "
        "Too few signals are known to compare adoption and ecosystem."
    )


def test_matches_per_capability_are_bounded() -> None:
    site = load_site(BASIC)
    unbounded = build_match_graph(site.records, 0.0, max_per_capability=100)
    bounded = build_match_graph(site.records, 0.0, max_per_capability=1)
    assert len(bounded.matches) < len(unbounded.matches)
    # Each capability keeps at least its own strongest match.
    for m in unbounded.matches:
        strongest = max((x.similarity for x in unbounded.matches if m.a in (x.a, x.b)), default=0.0)
        if m.similarity == strongest:
            assert any(m.a in (x.a, x.b) for x in bounded.matches)
