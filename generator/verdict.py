"""Sentences generated from scores: the comparison summary and the verdict.

A dimension is compared only where its scores mean the same for both sides: defined by the
same signals (not so for a dataset's and a model's quality) and averaged over the same known
signals (a mean of SQuAD 1.1 F1 is not a mean of SQuAD 2.0 F1). Across kinds the overall rank
is still compared, and the summary says what it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from generator.config import DIMENSIONS
from generator.scores import ArtifactScore, DimensionScore, display_score

# Dimension scores closer than this (in points) count as a tie.
TIE_POINTS = 1


@dataclass(frozen=True)
class Side:
    """One artifact of a comparison, as the sentences name it."""

    name: str
    kind: str  # kind label in lower case, e.g. "model"
    kinds: str  # plural, e.g. "models"
    score: ArtifactScore


class Standing(Enum):
    """How two artifacts stand on one dimension."""

    A_LEADS = "a"
    B_LEADS = "b"
    LEVEL = "level"
    UNKNOWN = "unknown"  # a score is unknown on either side
    DIFFERENT_SIGNALS = "different signals"  # both known, but not from the same signals
    MEASURED_DIFFERENTLY = "measured differently"  # defined by different signals (kinds)
    A_ONLY = "a only"  # not defined for b's kind
    B_ONLY = "b only"
    NEITHER = "neither"  # defined for neither kind


def leader(a: float | None, b: float | None) -> int | None:
    """-1 when ``a`` leads, 1 when ``b`` leads, 0 for a tie, None when either is unknown."""
    if a is None or b is None:
        return None
    da, db = display_score(a), display_score(b)
    assert da is not None and db is not None
    if abs(da - db) < TIE_POINTS:
        return 0
    return -1 if da > db else 1


def standing(a: DimensionScore, b: DimensionScore) -> Standing:
    if not a.applicable or not b.applicable:
        if a.applicable:
            return Standing.A_ONLY
        return Standing.B_ONLY if b.applicable else Standing.NEITHER
    if a.signal_ids != b.signal_ids:
        return Standing.MEASURED_DIFFERENTLY
    who = leader(a.score, b.score)
    if who is None:
        return Standing.UNKNOWN
    if a.known_ids != b.known_ids:
        return Standing.DIFFERENT_SIGNALS
    return {-1: Standing.A_LEADS, 0: Standing.LEVEL, 1: Standing.B_LEADS}[who]


def _rank_text(score: float | None) -> str:
    shown = display_score(score)
    return "unknown" if shown is None else f"{shown}/100"


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _be(words: list[str]) -> str:
    return "are" if len(words) > 1 else "is"


def _labels(dims: list[str], a: Side) -> list[str]:
    return [a.score.dimensions[d].label.lower() for d in dims]


def rank_sentence(a: Side, b: Side, verb: str = "ranks") -> str:
    who = leader(a.score.rank, b.score.rank)
    if who is None:
        known = [s for s in (a, b) if s.score.rank is not None]
        if not known:
            return f"Neither {a.name} nor {b.name} has enough known signals for an UnfragileRank."
        one = known[0]
        other = b if one is a else a
        return (
            f"{one.name} {verb} {_rank_text(one.score.rank)}; "
            f"{other.name}'s UnfragileRank is unknown."
        )
    if who == 0:
        return f"{a.name} and {b.name} are level at {_rank_text(a.score.rank)}."
    hi, lo = (a, b) if who == -1 else (b, a)
    return (
        f"{hi.name} {verb} higher at {_rank_text(hi.score.rank)} "
        f"vs {lo.name} at {_rank_text(lo.score.rank)}."
    )


def basis_sentence(a: Side, b: Side) -> str:
    """What the ranks rest on when the two sides' dimensions are not all defined alike."""
    by: dict[Standing, list[str]] = {}
    for dim in DIMENSIONS:
        by.setdefault(standing(a.score.dimensions[dim], b.score.dimensions[dim]), []).append(dim)
    differ = by.get(Standing.MEASURED_DIFFERENTLY, [])
    a_only, b_only = by.get(Standing.A_ONLY, []), by.get(Standing.B_ONLY, [])
    if not (differ or a_only or b_only):
        return ""
    kinds = f"{a.kinds} and {b.kinds}" if a.kinds != b.kinds else a.kinds
    parts: list[str] = []
    if differ:
        labels = _labels(differ, a)
        parts.append(f"{_join(labels)} {_be(labels)} measured differently for {kinds}")
    for only, side in ((a_only, a), (b_only, b)):
        if only:
            labels = _labels(only, side)
            parts.append(
                f"{_join(labels)} {'count' if len(labels) > 1 else 'counts'} only for {side.kinds}"
            )
    same = [
        d
        for d in DIMENSIONS
        if d not in differ
        and d not in a_only
        and d not in b_only
        and standing(a.score.dimensions[d], b.score.dimensions[d]) is not Standing.NEITHER
    ]
    if same:
        labels = _labels(same, a)
        parts.append(f"{_join(labels)} {_be(labels)} measured the same way")
    return "Their ranks rest partly on different signals: " + "; ".join(parts) + "."


def tentative_sentence(a: Side, b: Side, threshold: float) -> str:
    """Why the comparison is tentative, when either side's confidence is below ``threshold``."""
    low = [s for s in (a, b) if s.score.confidence < threshold]
    if not low:
        return ""
    shares = _join([f"{round(100 * s.score.confidence)}% of {s.name}'s" for s in low])
    missing = "; ".join(
        f"unknown for {s.name}: {', '.join(s.score.missing) or 'none'}" for s in low
    )
    return (
        f"This comparison is tentative: only {shares} score weight "
        f"{'is' if len(low) == 1 else 'are'} backed by known signals ({missing})."
    )


def summary_sentence(a: Side, b: Side, threshold: float) -> str:
    """The rank comparison, what it rests on across kinds, and whether it is tentative."""
    return " ".join(
        s
        for s in (rank_sentence(a, b), basis_sentence(a, b), tentative_sentence(a, b, threshold))
        if s
    )


def verdict_sentence(a: Side, b: Side) -> str:
    """E.g. "X leads on ecosystem, while Y is stronger on adoption."; only comparable dimensions."""
    by: dict[Standing, list[str]] = {}
    for dim in DIMENSIONS:
        st = standing(a.score.dimensions[dim], b.score.dimensions[dim])
        by.setdefault(st, []).append(a.score.dimensions[dim].label.lower())
    a_leads, b_leads = by.get(Standing.A_LEADS, []), by.get(Standing.B_LEADS, [])
    parts: list[str] = []
    if a_leads and b_leads:
        parts.append(
            f"{a.name} leads on {_join(a_leads)}, while {b.name} is stronger on {_join(b_leads)}."
        )
    elif a_leads or b_leads:
        name, dims = (a.name, a_leads) if a_leads else (b.name, b_leads)
        parts.append(f"{name} leads on {_join(dims)}.")
    else:
        parts.append("Neither leads on any dimension they can be compared on.")
    if level := by.get(Standing.LEVEL):
        parts.append(f"They are level on {_join(level)}.")
    if differ := by.get(Standing.MEASURED_DIFFERENTLY):
        kinds = f"{a.kinds} and {b.kinds}"
        parts.append(
            f"{_join(differ).capitalize()} {_be(differ)} measured differently for {kinds}, "
            "so neither is said to lead there."
        )
    for key, side in ((Standing.B_ONLY, a), (Standing.A_ONLY, b)):
        if only := by.get(key):
            parts.append(f"{_join(only).capitalize()} {_be(only)} not measured for {side.kinds}.")
    if disjoint := by.get(Standing.DIFFERENT_SIGNALS):
        parts.append(
            f"On {_join(disjoint)} their scores rest on different known signals, "
            "so neither is said to lead."
        )
    if unknown := by.get(Standing.UNKNOWN):
        parts.append(f"Too few signals are known to compare {_join(unknown)}.")
    return " ".join(parts)
