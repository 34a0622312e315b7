"""The narrow seam between QA decoding and a model runtime: an encoded batch in, logits out.

:class:`OnnxBackend` runs real builds; tests of everything around it use a fake with the same
one method (``tests/qa/fakes.py``). Batches are padded to their longest window only (dynamic
padding), never to ``max_length``: padding every question to 384 tokens costs ~3× at 128.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from generator.errors import UserError
from generator.qa.windows import Window

log = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class EncodedBatch:
    """``[batch, seq]`` int64 arrays, as BERT-family ONNX exports take them."""

    input_ids: IntArray
    attention_mask: IntArray
    token_type_ids: IntArray

    @classmethod
    def pad(cls, windows: Sequence[Window], pad_id: int = 0) -> EncodedBatch:
        """Pad with ``pad_id``, type 0 and mask 0 to the longest window (step 2)."""
        if not windows:
            raise ValueError("an encoded batch needs at least one window")
        width = max(len(w) for w in windows)
        ids = np.full((len(windows), width), pad_id, dtype=np.int64)
        mask = np.zeros((len(windows), width), dtype=np.int64)
        types = np.zeros((len(windows), width), dtype=np.int64)
        for row, window in enumerate(windows):
            n = len(window)
            ids[row, :n] = window.input_ids
            mask[row, :n] = 1
            types[row, :n] = window.token_type_ids
        return cls(ids, mask, types)


@dataclass(frozen=True)
class SpanLogits:
    """``[batch, seq]`` float32 start and end logits."""

    start: FloatArray
    end: FloatArray


class QABackend(Protocol):
    """Anything that turns an encoded batch into span logits."""

    def run(self, batch: EncodedBatch) -> SpanLogits: ...


def default_threads() -> int:
    # Two intra-op threads: the measured sweet spot on our 2-core build machines, and never
    # more than the cores we have. Inter-op parallelism buys nothing for one sequential graph.
    return max(1, min(2, os.cpu_count() or 1))


class OnnxBackend:
    """ONNX Runtime on the CPU, with session options chosen on purpose."""

    def __init__(self, path: Path, threads: int | None = None) -> None:
        import onnxruntime as ort  # heavy; imported only when a model really runs

        self.path = path
        if not path.is_file():
            raise UserError(f"{path}: ONNX model file not found")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or default_threads()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # Full graph optimisation (constant folding, node fusions, layout changes) once at load.
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # errors only; ORT's warnings are not ours to show
        try:
            self.session = ort.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # ORT raises its own pybind exception types
            reason = str(exc).splitlines()[0][:200]
            raise UserError(
                f"{path}: not a loadable ONNX model (corrupt or truncated?): {reason}"
            ) from exc
        self.input_names = {i.name for i in self.session.get_inputs()}
        needed = {"input_ids", "attention_mask"}
        if not needed <= self.input_names:
            raise UserError(
                f"{path}: expected inputs input_ids and attention_mask, "
                f"found {', '.join(sorted(self.input_names))}"
            )
        outputs = [o.name for o in self.session.get_outputs()]
        if not {"start_logits", "end_logits"} <= set(outputs):
            raise UserError(
                f"{path}: expected outputs start_logits and end_logits, found {', '.join(outputs)}"
            )

    def run(self, batch: EncodedBatch) -> SpanLogits:
        feed: dict[str, IntArray] = {
            "input_ids": batch.input_ids,
            "attention_mask": batch.attention_mask,
        }
        if "token_type_ids" in self.input_names:
            feed["token_type_ids"] = batch.token_type_ids
        try:
            start, end = self.session.run(["start_logits", "end_logits"], feed)
        except Exception as exc:
            raise UserError(f"{self.path}: inference failed: {str(exc).splitlines()[0]}") from exc
        return SpanLogits(np.asarray(start, dtype=np.float32), np.asarray(end, dtype=np.float32))
