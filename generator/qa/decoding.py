"""Steps 4–7 of docs/qa-decoding.md: from per-window logits to one answer or an abstention.

Scores are sums of two float32 logits computed in float64, as JavaScript does with numbers read
from a ``Float32Array``, so both implementations compare the same values against the threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from generator.qa.windows import DecodingSettings, Encoded, Window

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Answer:
    """What the model says about one question (the fields of step 7)."""

    answer: str
    start: int | None  # code points into the passage; None when abstaining
    end: int | None  # exclusive
    score: float | None  # best span score; None when no span exists
    null_score: float
    abstained: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "start": self.start,
            "end": self.end,
            "score": self.score,
            "null_score": self.null_score,
            "abstained": self.abstained,
        }


@dataclass(frozen=True)
class _Best:
    score: float
    window: int
    start: int  # passage token index
    end: int


def best_span_in_window(
    window: Window, start_logits: FloatArray, end_logits: FloatArray, max_answer_tokens: int
) -> tuple[float, int, int] | None:
    """Highest ``start[s] + end[e]`` over the window's passage tokens (step 4).

    Returns ``(score, s, e)`` with ``s``/``e`` as passage token indices; ties keep the smaller
    ``s``, then the smaller ``e`` (``argmax`` returns the first maximum in row-major order).
    """
    if window.count == 0:
        return None
    lo, hi = window.context_start, window.context_start + window.count
    starts = start_logits[lo:hi].astype(np.float64)
    ends = end_logits[lo:hi].astype(np.float64)
    scores = starts[:, None] + ends[None, :]
    offset = np.arange(window.count)
    length = offset[None, :] - offset[:, None]  # e - s
    allowed = (length >= 0) & (length < max_answer_tokens)
    scores = np.where(allowed, scores, -np.inf)
    flat = int(np.argmax(scores))
    s, e = divmod(flat, window.count)
    return float(scores[s, e]), window.first + s, window.first + e


def decode(
    passage: str,
    passage_tokens: Encoded,
    windows: Sequence[Window],
    start_logits: Sequence[FloatArray],
    end_logits: Sequence[FloatArray],
    settings: DecodingSettings,
) -> Answer:
    """Steps 4–7 over every window of one question."""
    null_score = float("inf")
    best: _Best | None = None
    for k, window in enumerate(windows):
        starts, ends = start_logits[k], end_logits[k]
        null_score = min(null_score, float(np.float64(starts[0]) + np.float64(ends[0])))
        found = best_span_in_window(window, starts, ends, settings.max_answer_tokens)
        # Strictly greater: on a tie the earlier window wins.
        if found is not None and (best is None or found[0] > best.score):
            best = _Best(found[0], k, found[1], found[2])
    if best is None or null_score - best.score > settings.null_threshold:
        score = None if best is None else best.score
        return Answer("", None, None, score, null_score, True)
    start = passage_tokens.offsets[best.start][0]
    end = passage_tokens.offsets[best.end][1]
    return Answer(passage[start:end], start, end, best.score, null_score, False)
