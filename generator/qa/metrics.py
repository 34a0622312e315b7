"""Exact match and F1 with the official SQuAD v2 normalisation (``evaluate-v2.0.py``).

The normalisation is the official one, step for step: lower-case, drop ASCII punctuation
(``string.punctuation``), drop the articles a/an/the, collapse whitespace. Expected answers that
normalise to nothing are ignored; when none is left (an unanswerable question) the only expected
answer is ``""``, so abstaining scores 1 and any answer 0.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = frozenset(string.punctuation)


def normalize_answer(text: str) -> str:
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _PUNCTUATION)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def _tokens(text: str) -> list[str]:
    return normalize_answer(text).split() if text else []


def exact(gold: str, predicted: str) -> int:
    return int(normalize_answer(gold) == normalize_answer(predicted))


def f1(gold: str, predicted: str) -> float:
    gold_tokens, predicted_tokens = _tokens(gold), _tokens(predicted)
    if not gold_tokens or not predicted_tokens:
        return float(gold_tokens == predicted_tokens)
    same = sum((Counter(gold_tokens) & Counter(predicted_tokens)).values())
    if same == 0:
        return 0.0
    precision = same / len(predicted_tokens)
    recall = same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def gold_answers(answers: Sequence[str]) -> list[str]:
    kept = [a for a in answers if normalize_answer(a)]
    return kept or [""]


def score(answers: Sequence[str], predicted: str) -> tuple[int, float]:
    """(EM, F1) of ``predicted`` against the best of ``answers`` (empty for unanswerable)."""
    golds = gold_answers(answers)
    return max(exact(g, predicted) for g in golds), max(f1(g, predicted) for g in golds)


@dataclass(frozen=True)
class Split:
    """Mean EM and F1 over a group of examples (``None`` when the group is empty)."""

    count: int
    exact: float | None
    f1: float | None

    @classmethod
    def of(cls, scores: Sequence[tuple[int, float]]) -> Split:
        if not scores:
            return cls(0, None, None)
        n = len(scores)
        return cls(n, sum(s[0] for s in scores) / n, sum(s[1] for s in scores) / n)

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "exact": self.exact, "f1": self.f1}


@dataclass(frozen=True)
class Totals:
    """Totals as the official script reports them: all, has-answer and no-answer."""

    all: Split
    has_answer: Split
    no_answer: Split

    @classmethod
    def of(cls, rows: Sequence[tuple[bool, int, float]]) -> Totals:
        """``rows`` are (answerable, EM, F1) per example."""
        return cls(
            Split.of([(e, f) for _, e, f in rows]),
            Split.of([(e, f) for a, e, f in rows if a]),
            Split.of([(e, f) for a, e, f in rows if not a]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "all": self.all.to_json(),
            "has_answer": self.has_answer.to_json(),
            "no_answer": self.no_answer.to_json(),
        }
