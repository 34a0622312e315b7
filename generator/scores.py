"""UnfragileRank: a 0–100 score per artifact from four dimensions.

For every signal, the catalog's known values are placed on a 0–1 scale by min–max over the
catalog (after ``log10(1 + x)`` for signals whose scale is ``log``); when all known values are
equal each gets 0.5. Yes/no signals (scale ``binary``) count as 0 or 1 as they are.
A dimension's score is 100 × the mean over the artifact's *known* signals
that apply to its kind; its confidence is the share of those signals that are known. Unknown
signals are never read as zero. The match graph dimension is computed by the build from the
match graph (capabilities matched, distinct artifacts matched), so it is always known.

UnfragileRank = Σ w_d·S_d / Σ w_d over the dimensions with a score; its confidence is Σ w_d·c_d.
Raising one of an artifact's signals never lowers its own score (min–max is monotone and the
set of known signals does not change), which a property test checks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from generator.config import DIMENSION_LABELS, DIMENSIONS, SiteConfig
from generator.matching import MatchGraph
from generator.records import Artifact

MATCH_SIGNALS: dict[str, str] = {
    "times_matched": "Capability matches with other artifacts",
    "matched_artifacts": "Distinct artifacts matched",
}


@dataclass(frozen=True)
class SignalPart:
    id: str
    label: str
    value: float | None  # raw value, None when unknown
    normalized: float | None  # 0–1 within the catalog
    source: str | None  # None for values the build computed
    as_of: str | None
    computed: bool
    note: str | None = None


@dataclass(frozen=True)
class DimensionScore:
    dimension: str
    label: str
    score: float | None  # 0–100; None when no applicable signal is known
    confidence: float  # 0–1
    parts: tuple[SignalPart, ...]

    @property
    def known(self) -> int:
        return sum(1 for p in self.parts if p.value is not None)


@dataclass(frozen=True)
class ArtifactScore:
    slug: str
    rank: float | None
    confidence: float
    dimensions: dict[str, DimensionScore]


def normalise(values: Mapping[str, float], log_scale: bool) -> dict[str, float]:
    """Min–max over the catalog's known values; 0.5 for everyone when they are all equal."""
    scaled = {k: math.log10(1 + v) if log_scale else v for k, v in values.items()}
    if not scaled:
        return {}
    low, high = min(scaled.values()), max(scaled.values())
    if high - low <= 1e-12:
        return dict.fromkeys(scaled, 0.5)
    return {k: (v - low) / (high - low) for k, v in scaled.items()}


def compute_scores(
    records: list[Artifact], config: SiteConfig, graph: MatchGraph
) -> dict[str, ArtifactScore]:
    # Per-signal normalisation across the whole catalog.
    normalised: dict[str, dict[str, float]] = {}
    for sid, sdef in config.signals.items():
        known = {
            a.slug: s.value
            for a in records
            if sdef.applies_to(a.kind)
            and (s := a.signals.get(sid)) is not None
            and s.value is not None
        }
        if sdef.scale == "binary":  # yes/no facts keep their meaning: no = 0, yes = 1
            normalised[sid] = dict(known)
        else:
            normalised[sid] = normalise(known, sdef.scale == "log")
    computed_raw = {
        "times_matched": {a.slug: float(graph.times_matched(a.slug)) for a in records},
        "matched_artifacts": {a.slug: float(len(graph.partners(a.slug))) for a in records},
    }
    computed_norm = {sid: normalise(values, True) for sid, values in computed_raw.items()}

    scores: dict[str, ArtifactScore] = {}
    for artifact in records:
        dims: dict[str, DimensionScore] = {}
        for dim in DIMENSIONS:
            if dim == "match_graph":
                parts = tuple(
                    SignalPart(
                        id=sid,
                        label=label,
                        value=computed_raw[sid][artifact.slug],
                        normalized=computed_norm[sid][artifact.slug],
                        source=None,
                        as_of=None,
                        computed=True,
                    )
                    for sid, label in MATCH_SIGNALS.items()
                )
            else:
                parts = tuple(
                    _part(artifact, sid, sdef.label, normalised[sid])
                    for sid, sdef in config.signals.items()
                    if sdef.dimension == dim and sdef.applies_to(artifact.kind)
                )
            dims[dim] = _dimension(dim, parts)
        scores[artifact.slug] = _combine(artifact.slug, dims, config.weights)
    return scores


def _part(artifact: Artifact, sid: str, label: str, norm: dict[str, float]) -> SignalPart:
    signal = artifact.signals.get(sid)
    known = signal is not None and signal.value is not None
    return SignalPart(
        id=sid,
        label=label,
        value=signal.value if signal else None,
        normalized=norm[artifact.slug] if known else None,
        source=signal.source if signal else None,
        as_of=signal.as_of if signal else None,
        computed=False,
        note=signal.note if signal else None,
    )


def _dimension(dim: str, parts: tuple[SignalPart, ...]) -> DimensionScore:
    known = [p.normalized for p in parts if p.normalized is not None]
    score = 100 * sum(known) / len(known) if known else None
    confidence = len(known) / len(parts) if parts else 0.0
    return DimensionScore(dim, DIMENSION_LABELS[dim], score, confidence, parts)


def _combine(
    slug: str, dims: dict[str, DimensionScore], weights: dict[str, float]
) -> ArtifactScore:
    known = [(weights[d], s.score) for d, s in dims.items() if s.score is not None]
    weight_known = sum(w for w, _ in known)
    rank = sum(w * s for w, s in known) / weight_known if weight_known > 0 else None
    confidence = sum(weights[d] * s.confidence for d, s in dims.items())
    return ArtifactScore(slug, rank, confidence, dims)


def display_score(value: float | None) -> int | None:
    """Whole points for pages; half up, so 37.5 shows as 38."""
    return None if value is None else math.floor(value + 0.5)


def points_text(value: float | None, suffix: str = "") -> str:
    """A score as pages print it: whole points, or "unknown"."""
    shown = display_score(value)
    return "unknown" if shown is None else f"{shown}{suffix}"
