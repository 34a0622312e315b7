"""A fake QA backend: logits from simple rules over token ids, and a record of every call."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from generator.qa.backend import EncodedBatch, SpanLogits


@dataclass
class FakeBackend:
    """Start logit ``hit`` on tokens equal to ``start_id``, end logit ``hit`` on ``end_id``.

    ``[CLS]`` (position 0) gets ``null`` on both, every other token 0. Padding gets -100 so a
    test notices if padded positions ever leak into decoding.
    """

    start_id: int = -1
    end_id: int = -1
    hit: float = 5.0
    null: float = 1.0
    calls: list[tuple[int, int]] = field(default_factory=list)  # (batch, width) per call

    def run(self, batch: EncodedBatch) -> SpanLogits:
        self.calls.append(batch.input_ids.shape)
        start = np.where(batch.input_ids == self.start_id, self.hit, 0.0).astype(np.float32)
        end = np.where(batch.input_ids == self.end_id, self.hit, 0.0).astype(np.float32)
        start[:, 0] = end[:, 0] = self.null
        start[batch.attention_mask == 0] = -100.0
        end[batch.attention_mask == 0] = -100.0
        return SpanLogits(start, end)
