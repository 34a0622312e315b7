"""The match graph and the pairs it chooses (sentences: tests/test_verdict.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.matching import build_match_graph
from generator.pairs import Pair, resolve_pairs
from generator.site import load_site
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


def test_tfidf_equals_scikit_learn() -> None:
    import numpy as np
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    from generator.matching import stop_words, tfidf

    assert stop_words() == ENGLISH_STOP_WORDS
    texts = [
        "Extractive question answering over a passage. Question answering!",
        "The the the and of",  # only stop words: an empty row
        "Crawl-filtered web corpus, deduplicated; 2,000 shards of web text",
        "Naïve café QA with ÜMLAUTS and x y z 42 4242",
        "question question question passage",
    ]
    ours = tfidf(texts)
    theirs = TfidfVectorizer(
        stop_words="english", sublinear_tf=True, lowercase=True, dtype=np.float64
    ).fit_transform(texts)
    assert ours.shape == theirs.shape
    assert np.array_equal(ours.indptr, theirs.indptr)  # the same terms in each row
    assert np.allclose(ours.toarray(), theirs.toarray(), rtol=0, atol=1e-15)


@pytest.mark.parametrize("min_similarity", [0.0, 0.05, 0.3])
def test_match_graph_equals_a_dense_reference(min_similarity: float) -> None:
    """The block-sorted sparse selection picks what a plain dense, row-by-row one picks."""
    import random

    import numpy as np

    from generator.matching import build_match_graph, capability_text, tfidf
    from generator.records import Artifact, Capability

    rng = random.Random(3)
    words = [f"w{i}" for i in range(30)]
    records = []
    for n in range(12):
        caps = [
            Capability(
                f"c{k}", " ".join(rng.sample(words, 3)), " ".join(rng.sample(words, 5)), "", ""
            )
            for k in range(3)
        ]
        records.append(
            Artifact(
                slug=f"a{n:02d}",
                path=Path("x"),
                display="x",
                name=f"A{n}",
                kind="model",
                summary="",
                homepage=None,
                hub=None,
                paper=None,
                license=None,
                pricing=None,
                facts=[],
                signals={},
                capabilities=caps,
                compare_with=[],
            )
        )
    refs = [(a.slug, c.id) for a in records for c in a.capabilities]
    texts = [
        capability_text(c.title, c.description, c.unique) for a in records for c in a.capabilities
    ]
    dense = (tfidf(texts) @ tfidf(texts).T).toarray()
    owners = np.array([int(slug[1:]) for slug, _ in refs])
    expected: dict[tuple[int, int], float] = {}
    for i, row in enumerate(dense):
        row = row.copy()
        row[owners == owners[i]] = -1.0
        candidates = np.nonzero(row >= min_similarity)[0]
        order = np.lexsort((candidates, -row[candidates]))[:4]
        for j in candidates[order]:
            expected[(min(i, int(j)), max(i, int(j)))] = round(float(row[j]), 6)
    graph = build_match_graph(records, min_similarity, max_per_capability=4)
    got = {
        (
            refs.index((m.a.slug, m.a.capability)),
            refs.index((m.b.slug, m.b.capability)),
        ): m.similarity
        for m in graph.matches
    }
    assert got.keys() == expected.keys()
    assert all(abs(got[k] - expected[k]) < 1e-9 for k in got)
