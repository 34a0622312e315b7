"""Sentences generated from scores: the comparison summary and the verdict."""

from __future__ import annotations

from generator.config import DIMENSION_LABELS, DIMENSIONS
from generator.scores import ArtifactScore, display_score

# Dimension scores closer than this (in points) count as a tie.
TIE_POINTS = 1


def leader(a: float | None, b: float | None) -> int | None:
    """-1 when ``a`` leads, 1 when ``b`` leads, 0 for a tie, None when either is unknown."""
    if a is None or b is None:
        return None
    da, db = display_score(a), display_score(b)
    assert da is not None and db is not None
    if abs(da - db) < TIE_POINTS:
        return 0
    return -1 if da > db else 1


def _rank_text(score: float | None) -> str:
    shown = display_score(score)
    return "unknown" if shown is None else f"{shown}/100"


def summary_sentence(
    name_a: str, a: ArtifactScore, name_b: str, b: ArtifactScore, verb: str = "ranks"
) -> str:
    who = leader(a.rank, b.rank)
    if who is None:
        known = [(n, s) for n, s in ((name_a, a), (name_b, b)) if s.rank is not None]
        if not known:
            return f"Neither {name_a} nor {name_b} has enough known signals for an UnfragileRank."
        name, score = known[0]
        other = name_b if name == name_a else name_a
        return f"{name} {verb} {_rank_text(score.rank)}; {other}'s UnfragileRank is unknown."
    if who == 0:
        return f"{name_a} and {name_b} are level at {_rank_text(a.rank)}."
    (hi_name, hi), (lo_name, lo) = (
        ((name_a, a), (name_b, b)) if who == -1 else ((name_b, b), (name_a, a))
    )
    return (
        f"{hi_name} {verb} higher at {_rank_text(hi.rank)} vs {lo_name} at {_rank_text(lo.rank)}."
    )


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def verdict_sentence(name_a: str, a: ArtifactScore, name_b: str, b: ArtifactScore) -> str:
    """E.g. "X leads on ecosystem, while Y is stronger on adoption and quality."."""
    a_leads: list[str] = []
    b_leads: list[str] = []
    ties: list[str] = []
    unknown: list[str] = []
    for dim in DIMENSIONS:
        label = DIMENSION_LABELS[dim].lower()
        who = leader(a.dimensions[dim].score, b.dimensions[dim].score)
        if who is None:
            unknown.append(label)
        elif who == 0:
            ties.append(label)
        else:
            (a_leads if who == -1 else b_leads).append(label)
    parts: list[str] = []
    if a_leads and b_leads:
        parts.append(
            f"{name_a} leads on {_join(a_leads)}, while {name_b} is stronger on {_join(b_leads)}."
        )
    elif a_leads or b_leads:
        name, dims = (name_a, a_leads) if a_leads else (name_b, b_leads)
        parts.append(f"{name} leads on {_join(dims)}.")
    else:
        parts.append("Neither leads on any dimension with known signals.")
    if ties:
        parts.append(f"They are level on {_join(ties)}.")
    if unknown:
        parts.append(f"Too few signals are known to compare {_join(unknown)}.")
    return " ".join(parts)
