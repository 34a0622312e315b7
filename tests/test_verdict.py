"""Sentences generated from scores: leaders only where a dimension means the same for both
sides, what the rank rests on across kinds, and when a comparison is tentative."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.scores import ArtifactScore, DimensionScore, SignalPart
from generator.site import Site, load_site
from generator.verdict import (
    Side,
    Standing,
    rank_sentence,
    standing,
    summary_sentence,
    verdict_sentence,
)
from generator.views import artifact_view, compare_view

CONTENT = Path(__file__).resolve().parent.parent / "content"
LABELS = {
    "adoption": "Adoption",
    "quality": "Quality",
    "ecosystem": "Ecosystem",
    "match_graph": "Match Graph",
}
# Signal ids and labels of each dimension, per kind, as in a small site.yaml.
SIGNALS = {
    "model": {
        "adoption": ["downloads"],
        "quality": ["f1", "glue"],
        "ecosystem": ["license", "formats"],
        "match_graph": ["matches"],
    },
    "dataset": {
        "adoption": ["downloads"],
        "quality": ["documented"],
        "ecosystem": ["license"],
        "match_graph": ["matches"],
    },
    "tool": {
        "adoption": ["stars"],
        "quality": [],
        "ecosystem": ["license"],
        "match_graph": ["matches"],
    },
}


def _part(sid: str, value: float | None) -> SignalPart:
    label = sid.capitalize()
    return SignalPart(sid, label, value, value, str(value), None, "s", None, False)


def side(
    name: str,
    kind: str,
    rank: float | None,
    confidence: float = 1.0,
    **values: dict[str, float | None],
) -> Side:
    """``values``: per dimension, the known (or None) value of each of its signals."""
    dims = {}
    for dim, ids in SIGNALS[kind].items():
        given = values.get(dim, {})
        parts = tuple(_part(sid, given.get(sid)) for sid in ids)
        known = [p.value for p in parts if p.value is not None]
        score = sum(known) / len(known) if known else None
        conf = len(known) / len(parts) if parts else 0.0
        dims[dim] = DimensionScore(dim, LABELS[dim], score, conf, parts)
    return Side(name, kind, kind + "s", ArtifactScore(name.lower(), kind, rank, confidence, dims))


def test_same_kind_leaders_ties_and_unknowns() -> None:
    a = side(
        "A",
        "model",
        62.4,
        adoption={"downloads": 10},
        quality={"f1": 80.2},
        ecosystem={"license": 100},
        match_graph={"matches": 40},
    )
    b = side(
        "B",
        "model",
        40,
        adoption={"downloads": 30},
        quality={"f1": 79.9},
        match_graph={"matches": 30},
    )
    assert rank_sentence(a, b) == "A ranks higher at 62/100 vs B at 40/100."
    assert summary_sentence(a, b, 0.5) == "A ranks higher at 62/100 vs B at 40/100."
    assert verdict_sentence(a, b) == (
        "A leads on match graph, while B is stronger on adoption. They are level on quality. "
        "Too few signals are known to compare ecosystem."
    )


def test_unknown_rank() -> None:
    a = side("A", "model", None)
    b = side("B", "model", 40, match_graph={"matches": 40})
    assert rank_sentence(a, b) == "B ranks 40/100; A's UnfragileRank is unknown."


def test_no_leader_unless_the_same_signals_are_known() -> None:
    a = side("A", "model", 80, quality={"f1": 88.5})
    b = side("B", "model", 70, quality={"glue": 60.0})
    assert standing(a.score.dimensions["quality"], b.score.dimensions["quality"]) is (
        Standing.DIFFERENT_SIGNALS
    )
    expected = (
        "On quality their scores rest on different known signals, so neither is said to lead."
    )
    assert expected in verdict_sentence(a, b)
    # One signal in common is not enough: the means are still over different signals.
    c = side("C", "model", 70, quality={"f1": 90.0, "glue": 50.0})
    assert expected in verdict_sentence(a, c)


def test_across_kinds_no_quality_leader_and_the_rank_basis_is_stated() -> None:
    model = side(
        "M",
        "model",
        70,
        quality={"f1": 80},
        ecosystem={"license": 100},
        match_graph={"matches": 60},
    )
    data = side("D", "dataset", 90, quality={"documented": 100}, match_graph={"matches": 60})
    summary = summary_sentence(data, model, 0.5)
    assert summary == (
        "D ranks higher at 90/100 vs M at 70/100. Their ranks rest partly on different signals: "
        "quality and ecosystem are measured differently for datasets and models; adoption and "
        "match graph are measured the same way."
    )
    verdict = verdict_sentence(data, model)
    assert verdict == (
        "Neither leads on any dimension they can be compared on. They are level on match graph. "
        "Quality and ecosystem are measured differently for datasets and models, so neither is "
        "said to lead there. Too few signals are known to compare adoption."
    )
    assert "stronger on quality" not in verdict and "leads on quality" not in verdict


def test_a_dimension_a_kind_lacks_is_named_not_scored() -> None:
    tool = side("T", "tool", 50, ecosystem={"license": 100}, match_graph={"matches": 20})
    model = side("M", "model", 70, quality={"f1": 80}, match_graph={"matches": 60})
    assert "quality counts only for models" in summary_sentence(tool, model, 0.5)
    verdict = verdict_sentence(tool, model)
    assert "Quality is not measured for tools." in verdict
    assert "M leads on match graph." in verdict


def test_tentative_when_either_confidence_is_below_the_threshold() -> None:
    a = side("A", "model", 80, 0.375, quality={"f1": 80}, match_graph={"matches": 50})
    b = side("B", "model", 70, 0.9, quality={"f1": 70, "glue": 70}, match_graph={"matches": 50})
    assert summary_sentence(a, b, 0.5) == (
        "A ranks higher at 80/100 vs B at 70/100. This comparison is tentative: only 38% of A's "
        "score weight is backed by known signals (unknown for A: Downloads, Glue, License, "
        "Formats)."
    )
    assert "tentative" not in summary_sentence(a, b, 0.3)
    low_b = side("B", "model", 70, 0.2)
    assert "only 38% of A's and 20% of B's score weight are backed" in summary_sentence(
        a, low_b, 0.5
    )


@pytest.fixture(scope="module")
def default_site() -> Site:
    return load_site(CONTENT)


def test_default_site_reads_sensibly(default_site: Site) -> None:
    """No cross-kind quality claims; models with a higher F1 on the same benchmark score
    higher on quality."""
    site = default_site
    views = {a.slug: artifact_view(site, a) for a in site.records}
    for pair in site.pairs:
        view = compare_view(site, pair, views)
        if view.a.kind.slug != view.b.kind.slug:
            assert not re.search(r"(leads|stronger) on [a-z ,]*quality", view.verdict), view.verdict
            row = next(r for r in view.rows if r.feature == "Quality")
            assert row.leader is None
        assert "0 of 0" not in view.verdict and "unknown/100" not in view.summary
    quality = {slug: s.dimensions["quality"].score or -1.0 for slug, s in site.scores.items()}
    # SQuAD 2.0 F1 82.91 > 81.92 > 78.8; SQuAD 1.1 F1 88.5 > 86.9.
    order = ["roberta-base-squad2", "tinyroberta-squad2", "mobilebert-uncased-squad-v2"]
    assert [quality[s] for s in order] == sorted((quality[s] for s in order), reverse=True)
    assert quality["bert-base-uncased"] > quality["distilbert-base-uncased-distilled-squad"]
