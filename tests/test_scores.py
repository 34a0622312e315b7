"""UnfragileRank: hand-computed values on the fixture site, and properties."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.config import SiteConfig, load_site_config
from generator.errors import Problems
from generator.matching import CapabilityRef, Match, MatchGraph
from generator.records import Artifact, Signal
from generator.scores import compute_scores, display_score, normalise
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
    # downloads (log): alpha 1000 -> 0, beta 100000 -> 1; f1: 80 -> 0, 85 -> 1;
    # formats: alpha alone -> 0.5; documented: gamma alone -> 0.5; match graph: 1, 1, 0.
    assert alpha.dimensions["adoption"].score == 0
    assert alpha.dimensions["quality"].score == 0
    assert alpha.dimensions["ecosystem"].score == 50
    assert alpha.dimensions["match_graph"].score == 100
    assert alpha.rank == pytest.approx(0.3 * 0 + 0.3 * 0 + 0.2 * 50 + 0.2 * 100)
    assert alpha.confidence == pytest.approx(1.0)
    # beta: ecosystem unknown (formats: unknown) -> left out, not zero.
    assert beta.dimensions["ecosystem"].score is None
    assert beta.rank == pytest.approx((0.3 * 100 + 0.3 * 100 + 0.2 * 100) / 0.8)
    assert beta.confidence == pytest.approx(0.8)
    # gamma: adoption unknown, quality 50 (documented alone), ecosystem without signals.
    assert gamma.dimensions["adoption"].score is None
    assert gamma.dimensions["quality"].score == 50
    assert gamma.dimensions["match_graph"].score == 0
    assert gamma.rank == pytest.approx((0.3 * 50 + 0.2 * 0) / 0.5)
    assert gamma.confidence == pytest.approx(0.5)


def test_normalise_equal_values_and_log_scale() -> None:
    assert normalise({"a": 5, "b": 5}, log_scale=False) == {"a": 0.5, "b": 0.5}
    scaled = normalise({"a": 9, "b": 99, "c": 999}, log_scale=True)
    assert scaled == {"a": 0.0, "b": pytest.approx(0.5), "c": 1.0}


def test_display_score_rounds_half_up() -> None:
    assert display_score(37.5) == 38
    assert display_score(None) is None


def test_no_known_signal_means_no_rank() -> None:
    cfg = dataclasses.replace(
        config(), weights={"adoption": 1.0, "quality": 0.0, "ecosystem": 0.0, "match_graph": 0.0}
    )
    record = _artifact("x", {})
    scores = compute_scores([record], cfg, MatchGraph([]))
    assert scores["x"].rank is None
    assert scores["x"].confidence == 0


def _artifact(slug: str, values: dict[str, float | None], kind: str = "model") -> Artifact:
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


SIGNALS = ("downloads", "f1", "formats")
values = st.one_of(st.none(), st.floats(min_value=0, max_value=1e7, allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(
    catalog=st.lists(st.tuples(*(values for _ in SIGNALS)), min_size=1, max_size=6),
    who=st.integers(min_value=0),
    signal=st.sampled_from(SIGNALS),
    bump=st.floats(min_value=0, max_value=1e6, allow_nan=False),
)
def test_raising_a_signal_never_lowers_own_score(
    catalog: list[tuple[float | None, ...]], who: int, signal: str, bump: float
) -> None:
    cfg = config()
    records = [
        _artifact(f"a{i}", dict(zip(SIGNALS, row, strict=True))) for i, row in enumerate(catalog)
    ]
    target = records[who % len(records)]
    current = target.signals[signal].value
    if current is None:
        return  # raising an unknown value is not defined
    before = compute_scores(records, cfg, MatchGraph([]))[target.slug]
    target.signals[signal] = Signal(signal, current + bump, "src", None, None)
    after = compute_scores(records, cfg, MatchGraph([]))[target.slug]
    assert before.rank is not None and after.rank is not None
    assert after.rank >= before.rank - 1e-9
    dim = cfg.signals[signal].dimension
    before_dim, after_dim = before.dimensions[dim].score, after.dimensions[dim].score
    assert before_dim is not None and after_dim is not None
    assert after_dim >= before_dim - 1e-9


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(*(values for _ in SIGNALS)), min_size=1, max_size=6))
def test_scores_stay_in_range_and_are_deterministic(
    catalog: list[tuple[float | None, ...]],
) -> None:
    cfg = config()
    records = [
        _artifact(f"a{i}", dict(zip(SIGNALS, row, strict=True))) for i, row in enumerate(catalog)
    ]
    first = compute_scores(records, cfg, MatchGraph([]))
    assert first == compute_scores(records, cfg, MatchGraph([]))
    for score in first.values():
        assert score.rank is None or 0 <= score.rank <= 100
        assert 0 <= score.confidence <= 1


def test_binary_signals_are_not_rescaled() -> None:
    cfg = config()
    binary = dataclasses.replace(cfg.signals["formats"], scale="binary")
    cfg = dataclasses.replace(cfg, signals={**cfg.signals, "formats": binary})
    records = [_artifact("yes", {"formats": 1}), _artifact("also", {"formats": 1})]
    scores = compute_scores(records, cfg, MatchGraph([]))
    # Min-max would give 0.5 to two equal values; a yes stays a yes.
    assert scores["yes"].dimensions["ecosystem"].score == 100
