"""UnfragileRank: hand-computed values on the fixture site, and properties (hypothesis)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.config import SiteConfig, load_site_config
from generator.errors import Problems
from generator.matching import CapabilityRef, Match, MatchGraph
from generator.records import Artifact, Signal
from generator.scores import (
    MATCH_SIGNALS,
    compute_scores,
    display_score,
    score_artifact,
)
from generator.site import load_site
from tests.conftest import BASIC


def config() -> SiteConfig:
    problems = Problems()
    loaded = load_site_config(BASIC, problems)
    assert loaded is not None and not problems
    return loaded


def one_match() -> MatchGraph:
    return MatchGraph(
        [
            Match(
                CapabilityRef("alpha-qa", "span-extraction"),
                CapabilityRef("beta-qa", "span-extraction"),
                0.5,
            )
        ]
    )


def test_hand_computed_scores() -> None:
    site = load_site(BASIC)
    scores = compute_scores(site.records, site.config, one_match())
    alpha, beta, gamma = scores["alpha-qa"], scores["beta-qa"], scores["gamma-corpus"]
    # downloads: log, 10 -> 0, 1,000,000 -> 100: 1000 is 2 of 5 orders of magnitude -> 40,
    # 100,000 -> 80. f1: linear 0-100, as is. formats: linear, 0 -> 0, 4 -> 100: 3 -> 75.
    # Match graph: 1 match -> 100 * 1 / (1 + 8); 1 partner -> 100 * 1 / (1 + 4).
    match_graph = (100 / 9 + 100 / 5) / 2
    assert alpha.dimensions["adoption"].score == pytest.approx(40)
    assert alpha.dimensions["quality"].score == 80
    assert alpha.dimensions["ecosystem"].score == 75
    assert alpha.dimensions["match_graph"].score == pytest.approx(match_graph)
    assert alpha.rank == pytest.approx(0.3 * 40 + 0.3 * 80 + 0.2 * 75 + 0.2 * match_graph)
    assert alpha.confidence == pytest.approx(1.0)
    # beta: formats unknown -> ecosystem left out of the rank, not read as zero.
    assert beta.dimensions["ecosystem"].score is None
    assert beta.rank == pytest.approx((0.3 * 80 + 0.3 * 85 + 0.2 * match_graph) / 0.8)
    assert beta.confidence == pytest.approx(0.8)
    # gamma (dataset): documented yes -> 100; downloads and formats unknown; no matches.
    assert gamma.dimensions["adoption"].score is None
    assert gamma.dimensions["quality"].score == 100
    assert [p.id for p in gamma.dimensions["quality"].parts] == ["documented"]
    assert gamma.dimensions["match_graph"].score == 0
    assert gamma.rank == pytest.approx((0.3 * 100 + 0.2 * 0) / 0.5)
    assert gamma.confidence == pytest.approx(0.5)


def test_match_graph_curve_saturates() -> None:
    matches = MATCH_SIGNALS["times_matched"]
    assert [matches.points(x) for x in (0, 8, 24)] == [0, 50, 75]
    assert matches.points(1000) < 100
    assert "100 · x / (x + 8)" in matches.mapping_text


def test_display_score_rounds_half_up() -> None:
    assert display_score(37.5) == 38
    assert display_score(None) is None


def test_no_known_signal_means_no_rank() -> None:
    cfg = dataclasses.replace(
        config(), weights={"adoption": 1.0, "quality": 0.0, "ecosystem": 0.0, "match_graph": 0.0}
    )
    scores = compute_scores([_artifact("x", {})], cfg, MatchGraph([]))
    assert scores["x"].rank is None
    assert scores["x"].confidence == 0


def test_dimension_without_signals_for_a_kind_is_not_defined() -> None:
    cfg = config()
    cfg = dataclasses.replace(cfg, kinds={**cfg.kinds, "tool": cfg.kinds["model"]})
    tool = score_artifact(_artifact("t", {"formats": 2}, kind="tool"), cfg, 0, 0)
    quality = tool.dimensions["quality"]  # f1 is for models, documented for datasets
    assert not quality.applicable and quality.score is None
    # Confidence counts the dimensions defined for tools only: adoption (0 of 1 known),
    # ecosystem (1 of 1) and match graph (always known).
    assert tool.confidence == pytest.approx((0.2 + 0.2) / (0.3 + 0.2 + 0.2))
    assert "F1" not in tool.missing and tool.missing == ("Downloads",)


def _artifact(slug: str, values: Mapping[str, float | None], kind: str = "model") -> Artifact:
    return Artifact(
        slug=slug,
        path=Path(f"{slug}.yaml"),
        display=f"{slug}.yaml",
        name=slug,
        kind=kind,
        summary="s",
        homepage=None,
        hub=None,
        paper=None,
        license=None,
        pricing=None,
        facts=[],
        signals={
            k: Signal(k, v, "src" if v is not None else None, None, None) for k, v in values.items()
        },
        capabilities=[],
        compare_with=[],
    )


# Values inside each fixture signal's valid range; None is unknown.
VALUES = {
    "downloads": st.one_of(st.none(), st.floats(min_value=0, max_value=1e9)),
    "f1": st.one_of(st.none(), st.floats(min_value=0, max_value=100)),
    "formats": st.one_of(st.none(), st.integers(min_value=0, max_value=20).map(float)),
}
rows = st.fixed_dictionaries(VALUES)
counts = st.integers(min_value=0, max_value=500)


def _graph(edges: list[tuple[int, int]], slugs: list[str]) -> MatchGraph:
    matches = [
        Match(CapabilityRef(slugs[i], f"c{n}"), CapabilityRef(slugs[j], f"c{n}"), 0.5)
        for n, (i, j) in enumerate(edges)
        if i != j
    ]
    return MatchGraph(matches)


@settings(max_examples=150, deadline=None)
@given(
    target=rows,
    others=st.lists(rows, max_size=5),
    extra=st.lists(rows, min_size=1, max_size=5),
    edges=st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10)), max_size=12),
)
def test_scores_are_independent_of_unrelated_records(
    target: dict[str, float | None],
    others: list[dict[str, float | None]],
    extra: list[dict[str, float | None]],
    edges: list[tuple[int, int]],
) -> None:
    cfg = config()
    base = [_artifact("target", target)] + [_artifact(f"o{i}", r) for i, r in enumerate(others)]
    more = base + [_artifact(f"x{i}", r) for i, r in enumerate(extra)]
    # Edges among the first records only: the extra records match nobody.
    slugs = [a.slug for a in base]
    graph = _graph([(i % len(slugs), j % len(slugs)) for i, j in edges], slugs)
    before = compute_scores(base, cfg, graph)
    after = compute_scores(more, cfg, graph)
    for slug, score in before.items():
        assert after[slug] == score


@settings(max_examples=100, deadline=None)
@given(row=rows, kind=st.sampled_from(["model", "dataset"]), matched=counts, partners=counts)
def test_equal_inputs_give_equal_scores(
    row: dict[str, float | None], kind: str, matched: int, partners: int
) -> None:
    cfg = config()
    one = score_artifact(_artifact("one", row, kind), cfg, matched, partners)
    two = score_artifact(_artifact("two", dict(row), kind), cfg, matched, partners)
    assert dataclasses.replace(two, slug="one") == one


@settings(max_examples=200, deadline=None)
@given(
    row=rows,
    signal=st.sampled_from(sorted(VALUES)),
    bump=st.floats(min_value=0, max_value=1e9),
    matched=counts,
    partners=counts,
    more_matches=st.integers(min_value=0, max_value=50),
)
def test_raising_a_signal_never_lowers_its_dimension_or_the_rank(
    row: dict[str, float | None],
    signal: str,
    bump: float,
    matched: int,
    partners: int,
    more_matches: int,
) -> None:
    cfg = config()
    current = row[signal]
    if current is None:
        return  # raising an unknown value is not defined
    sdef = cfg.signals[signal]
    raised = min(current + bump, sdef.high)  # stay inside the valid range
    before = score_artifact(_artifact("a", row), cfg, matched, partners)
    after = score_artifact(
        _artifact("a", {**row, signal: raised}), cfg, matched + more_matches, partners
    )
    assert before.rank is not None and after.rank is not None
    assert after.rank >= before.rank - 1e-9
    for dim in (sdef.dimension, "match_graph"):
        b, a = before.dimensions[dim].score, after.dimensions[dim].score
        assert b is not None and a is not None and a >= b - 1e-9


@settings(max_examples=200, deadline=None)
@given(row=rows, cuts=st.fixed_dictionaries({k: st.floats(0, 1) for k in VALUES}), n=counts)
def test_ordering_of_dimensions_and_rank(
    row: dict[str, float | None], cuts: dict[str, float], n: int
) -> None:
    """B is A lowered on each known signal (same signals known): B never scores above A."""
    cfg = config()
    lowered = {k: None if v is None else v * (1 - cuts[k]) for k, v in row.items()}
    a = score_artifact(_artifact("a", row), cfg, n, n)
    b = score_artifact(_artifact("b", lowered), cfg, n, n)
    for dim, da in a.dimensions.items():
        db = b.dimensions[dim]
        assert (da.score is None) == (db.score is None)
        assert da.score is None or db.score is None or da.score >= db.score - 1e-9
    assert a.rank is not None and b.rank is not None and a.rank >= b.rank - 1e-9


@settings(max_examples=200, deadline=None)
@given(
    a=st.lists(st.floats(0, 100), min_size=1, max_size=4),
    gaps=st.lists(st.floats(0, 100), min_size=4, max_size=4),
    known=st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_ordering_with_several_signals_of_a_dimension(
    a: list[float], gaps: list[float], known: list[bool]
) -> None:
    """Four linear quality signals; B is A lowered on each, on the same known signals."""
    cfg = config()
    f1 = cfg.signals["f1"]
    ids = [f"q{i}" for i in range(4)]
    cfg = dataclasses.replace(
        cfg, signals={**cfg.signals, **{i: dataclasses.replace(f1, id=i) for i in ids}}
    )
    values_a = {i: v for i, v, k in zip(ids, a, known, strict=False) if k}
    values_b = {i: max(0.0, v - g) for (i, v), g in zip(values_a.items(), gaps, strict=False)}
    sa = score_artifact(_artifact("a", values_a), cfg, 0, 0).dimensions["quality"].score
    sb = score_artifact(_artifact("b", values_b), cfg, 0, 0).dimensions["quality"].score
    if not values_a:
        assert sa is None and sb is None
    else:
        assert sa is not None and sb is not None and sa >= sb - 1e-9


@settings(max_examples=50, deadline=None)
@given(row=rows, kind=st.sampled_from(["model", "dataset"]), matched=counts, partners=counts)
def test_scores_stay_in_range_and_are_deterministic(
    row: dict[str, float | None], kind: str, matched: int, partners: int
) -> None:
    cfg = config()
    first = score_artifact(_artifact("a", row, kind), cfg, matched, partners)
    assert first == score_artifact(_artifact("a", row, kind), cfg, matched, partners)
    assert first.rank is None or 0 <= first.rank <= 100
    assert 0 <= first.confidence <= 1
    for dim in first.dimensions.values():
        assert dim.score is None or 0 <= dim.score <= 100


def test_binary_signals_score_no_or_yes() -> None:
    cfg = config()
    binary = dataclasses.replace(cfg.signals["formats"], scale="binary", high=1, full_at=1)
    cfg = dataclasses.replace(cfg, signals={**cfg.signals, "formats": binary})
    scores = compute_scores(
        [_artifact("yes", {"formats": 1}), _artifact("no", {"formats": 0})], cfg, MatchGraph([])
    )
    assert scores["yes"].dimensions["ecosystem"].score == 100
    assert scores["no"].dimensions["ecosystem"].score == 0
