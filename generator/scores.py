"""UnfragileRank: a 0–100 score per artifact from four dimensions, on absolute scales.

Every signal has a fixed mapping onto 0–100 points declared in ``site.yaml`` (linear, log with
reference points, or yes/no; see :class:`generator.config.SignalDef`). The two match-graph
signals use a fixed saturating curve, ``points = 100 · x / (x + h)``, where ``h`` is the count
that scores 50. Nothing is normalised over the catalog, so an artifact's scores depend only on
its own record and its own matches: adding, removing or editing an unrelated record never moves
them, and equal inputs give equal scores.

A dimension is defined per kind by the signals that apply to that kind (a dataset's quality is
not a model's quality); a dimension with no applicable signal is not defined for the kind.

- ``S_d`` = mean of the points of the known signals of dimension ``d``; unknown signals are left
  out, never read as zero. ``c_d`` = share of the dimension's signals that are known.
- UnfragileRank = Σ w_d·S_d / Σ w_d over the dimensions with a score.
- Confidence = Σ w_d·c_d / Σ w_d over the dimensions defined for the artifact's kind: the share
  of the dimension weights backed by known signals.

Raising a known signal never lowers its dimension or the rank (every mapping is monotone and
the set of known signals does not change); the property tests in ``tests/test_scores.py`` check
this, independence from other records, ties and ordering.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from generator.config import DIMENSION_LABELS, DIMENSIONS, SiteConfig, format_number
from generator.matching import MatchGraph
from generator.records import Artifact


@dataclass(frozen=True)
class MatchSignal:
    """A signal the build computes from the match graph, on a saturating curve."""

    id: str
    label: str
    unit: str
    unit_one: str  # the unit after a count of 1
    half: float  # the count that scores 50

    def points(self, count: float) -> float:
        return 100.0 * count / (count + self.half)

    @property
    def mapping_text(self) -> str:
        h = format_number(self.half)
        return (
            f"saturating: 100 · x / (x + {h}); 0 → 0, {h} → 50, "
            f"{format_number(3 * self.half)} → 75, approaching 100"
        )


MATCH_SIGNALS: dict[str, MatchSignal] = {
    "times_matched": MatchSignal(
        "times_matched", "Capability matches with other artifacts", "matches", "match", 8
    ),
    "matched_artifacts": MatchSignal(
        "matched_artifacts", "Distinct artifacts matched", "artifacts", "artifact", 4
    ),
}


@dataclass(frozen=True)
class SignalPart:
    id: str
    label: str
    value: float | None  # raw value, None when unknown
    points: float | None  # 0–100 on the signal's fixed scale; None when unknown
    display: str  # the value as pages print it, with its unit ("78.8%", "yes", "unknown")
    unit: str | None
    source: str | None  # None for values the build computed
    as_of: str | None
    computed: bool
    note: str | None = None


@dataclass(frozen=True)
class DimensionScore:
    dimension: str
    label: str
    score: float | None  # 0–100; None when no applicable signal is known
    confidence: float  # 0–1: share of the applicable signals that are known
    parts: tuple[SignalPart, ...]  # the signals that define it for this kind

    @property
    def known(self) -> int:
        return sum(1 for p in self.parts if p.value is not None)

    @property
    def applicable(self) -> bool:
        """False when no signal of this dimension applies to the artifact's kind."""
        return bool(self.parts)

    @property
    def signal_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.parts)

    @property
    def known_ids(self) -> frozenset[str]:
        return frozenset(p.id for p in self.parts if p.value is not None)


@dataclass(frozen=True)
class ArtifactScore:
    slug: str
    kind: str
    rank: float | None
    confidence: float  # 0–1
    dimensions: dict[str, DimensionScore]  # every dimension; see ``applicable``

    @property
    def missing(self) -> tuple[str, ...]:
        """Labels of the applicable signals whose value is unknown, in dimension order."""
        return tuple(
            p.label for dim in self.dimensions.values() for p in dim.parts if p.value is None
        )


def compute_scores(
    records: list[Artifact], config: SiteConfig, graph: MatchGraph
) -> dict[str, ArtifactScore]:
    """Scores of every record; each from its own record and its own matches only."""
    return {
        a.slug: score_artifact(a, config, graph.times_matched(a.slug), len(graph.partners(a.slug)))
        for a in records
    }


def score_artifact(
    artifact: Artifact, config: SiteConfig, times_matched: int, matched_artifacts: int
) -> ArtifactScore:
    counts = {"times_matched": times_matched, "matched_artifacts": matched_artifacts}
    dims: dict[str, DimensionScore] = {}
    for dim in DIMENSIONS:
        if dim == "match_graph":
            parts = tuple(_match_part(m, counts[sid]) for sid, m in MATCH_SIGNALS.items())
        else:
            parts = tuple(
                _part(artifact, sid, config)
                for sid, sdef in config.signals.items()
                if sdef.dimension == dim and sdef.applies_to(artifact.kind)
            )
        dims[dim] = _dimension(dim, parts)
    return _combine(artifact, dims, config.weights)


def dimension_signals(config: SiteConfig, dimension: str, kind: str) -> tuple[str, ...]:
    """The signal ids that define ``dimension`` for ``kind`` (empty: not defined)."""
    if dimension == "match_graph":
        return tuple(MATCH_SIGNALS)
    return tuple(
        sid for sid, s in config.signals.items() if s.dimension == dimension and s.applies_to(kind)
    )


def _part(artifact: Artifact, sid: str, config: SiteConfig) -> SignalPart:
    sdef = config.signals[sid]
    signal = artifact.signals.get(sid)
    value = signal.value if signal is not None else None
    return SignalPart(
        id=sid,
        label=sdef.label,
        value=value,
        points=None if value is None else sdef.points(value),
        display="unknown" if value is None else sdef.with_unit(value),
        unit=sdef.unit,
        source=signal.source if signal else None,
        as_of=signal.as_of if signal else None,
        computed=False,
        note=signal.note if signal else None,
    )


def _match_part(signal: MatchSignal, count: int) -> SignalPart:
    return SignalPart(
        id=signal.id,
        label=signal.label,
        value=float(count),
        points=signal.points(count),
        display=f"{count:,} {signal.unit_one if count == 1 else signal.unit}",
        unit=signal.unit,
        source=None,
        as_of=None,
        computed=True,
    )


def _dimension(dim: str, parts: tuple[SignalPart, ...]) -> DimensionScore:
    known = [p.points for p in parts if p.points is not None]
    score = math.fsum(known) / len(known) if known else None
    confidence = len(known) / len(parts) if parts else 0.0
    return DimensionScore(dim, DIMENSION_LABELS[dim], score, confidence, parts)


def _combine(
    artifact: Artifact, dims: dict[str, DimensionScore], weights: dict[str, float]
) -> ArtifactScore:
    scored = [(weights[d], s.score) for d, s in dims.items() if s.score is not None]
    weight_scored = math.fsum(w for w, _ in scored)
    rank = math.fsum(w * s for w, s in scored) / weight_scored if weight_scored > 0 else None
    defined = [(weights[d], s.confidence) for d, s in dims.items() if s.applicable]
    weight_defined = math.fsum(w for w, _ in defined)
    confidence = (
        math.fsum(w * c for w, c in defined) / weight_defined if weight_defined > 0 else 0.0
    )
    return ArtifactScore(artifact.slug, artifact.kind, rank, confidence, dims)


def display_score(value: float | None) -> int | None:
    """Whole points for pages; half up, so 37.5 shows as 38."""
    return None if value is None else math.floor(value + 0.5)


def points_text(value: float | None, suffix: str = "") -> str:
    """A score as pages print it: whole points, or "unknown"."""
    shown = display_score(value)
    return "unknown" if shown is None else f"{shown}{suffix}"
