"""Questions in, answers out: tokenize, window, batch, run the backend, decode.

Windows of all questions go through the backend in batches of ``batch_size`` with dynamic
padding; each window's logits are cut back to its own length before decoding, so an answer never
depends on which other questions shared its batch (beyond float rounding of the runtime).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from generator.qa.backend import EncodedBatch, FloatArray, QABackend
from generator.qa.decoding import Answer, decode
from generator.qa.windows import DecodingSettings, Encoded, QATokenizer, Window


@dataclass(frozen=True)
class Prepared:
    """One question/passage pair after steps 1–2."""

    question: str
    passage: str
    question_tokens: Encoded
    passage_tokens: Encoded
    windows: tuple[Window, ...]


@dataclass(frozen=True)
class Detailed:
    """A prepared pair with its per-window logits and the decoded answer."""

    prepared: Prepared
    start_logits: tuple[FloatArray, ...]
    end_logits: tuple[FloatArray, ...]
    answer: Answer


class QAPipeline:
    def __init__(
        self,
        tokenizer: QATokenizer,
        backend: QABackend,
        settings: DecodingSettings | None = None,
        batch_size: int = 8,
    ) -> None:
        self.tokenizer = tokenizer
        self.backend = backend
        self.settings = settings or DecodingSettings()
        self.batch_size = batch_size

    def prepare(self, question: str, passage: str) -> Prepared:
        """Steps 1–2; raises :class:`~generator.qa.windows.InputError` on refused input."""
        q = self.tokenizer.encode_question(question, self.settings)
        p = self.tokenizer.encode_passage(passage)
        windows = self.tokenizer.windows(q, p, self.settings)
        return Prepared(question, passage, q, p, tuple(windows))

    def run_prepared(self, items: Sequence[Prepared]) -> list[Detailed]:
        flat = [(i, w) for i, item in enumerate(items) for w in item.windows]
        starts: list[FloatArray] = []
        ends: list[FloatArray] = []
        for lo in range(0, len(flat), self.batch_size):
            chunk = [w for _, w in flat[lo : lo + self.batch_size]]
            logits = self.backend.run(EncodedBatch.pad(chunk, self.tokenizer.pad_id))
            for row, window in enumerate(chunk):
                starts.append(np.ascontiguousarray(logits.start[row, : len(window)]))
                ends.append(np.ascontiguousarray(logits.end[row, : len(window)]))
        results: list[Detailed] = []
        cursor = 0
        for item in items:
            n = len(item.windows)
            s, e = tuple(starts[cursor : cursor + n]), tuple(ends[cursor : cursor + n])
            cursor += n
            answer = decode(item.passage, item.passage_tokens, item.windows, s, e, self.settings)
            results.append(Detailed(item, s, e, answer))
        return results

    def answer_many(self, pairs: Sequence[tuple[str, str]]) -> list[Answer]:
        """Answer ``(question, passage)`` pairs; input errors propagate as ``InputError``."""
        prepared = [self.prepare(q, p) for q, p in pairs]
        return [d.answer for d in self.run_prepared(prepared)]

    def answer(self, question: str, passage: str) -> Answer:
        return self.answer_many([(question, passage)])[0]
