"""QA model speed and size: PyTorch fp32 vs ONNX Runtime fp32 vs ONNX Runtime int8, side by side.

    python benchmarks/qa.py [--repeats 3] [--write-docs]

Full-size MobileBERT architecture (``MobileBertConfig()``, random weights: speed and size do not
depend on the weights), sequence 128 and 384, batch 1 and 8, one and two threads, all in one run
on the same machine. ``--write-docs`` replaces the ``qa`` section of docs/benchmarks.md. Not a
test: timings belong in the docs, never in assertions. Needs the export extra (torch).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_common import machine, write_docs_section  # noqa: E402

from generator.qa.export import export_onnx, quantize_int8  # noqa: E402

SEQS = (128, 384)
BATCHES = (1, 8)
THREADS = (1, 2)


def _median_ms(fn: Callable[[], Any], repeats: int) -> float:
    fn()  # warm-up: allocations, ORT's first-run planning
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - began))
    return statistics.median(times)


def run(repeats: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    import onnxruntime as ort
    import torch
    from transformers import MobileBertConfig, MobileBertForQuestionAnswering

    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = MobileBertForQuestionAnswering(MobileBertConfig())
        model.eval()  # type: ignore[no-untyped-call]
    work = Path(tempfile.mkdtemp(prefix="qa-bench-"))
    fp32, int8 = work / "model.onnx", work / "model.int8.onnx"
    export_onnx(model, fp32)
    quantize_int8(fp32, int8)
    sizes = {
        "parameters": sum(p.numel() for p in model.parameters()),
        "onnx_fp32_mb": fp32.stat().st_size / 1e6,
        "onnx_int8_mb": int8.stat().st_size / 1e6,
    }
    rng = np.random.default_rng(0)
    rows: list[dict[str, Any]] = []
    for threads in THREADS:
        torch.set_num_threads(threads)
        sessions = {}
        for name, path in (("ort_fp32", fp32), ("ort_int8", int8)):
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            sessions[name] = ort.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
        for seq in SEQS:
            for batch in BATCHES:
                ids = rng.integers(1000, 30000, size=(batch, seq), dtype=np.int64)
                feed = {
                    "input_ids": ids,
                    "attention_mask": np.ones_like(ids),
                    "token_type_ids": np.zeros_like(ids),
                }
                tensors = {k: torch.from_numpy(v) for k, v in feed.items()}

                def torch_run(tensors: dict[str, Any] = tensors) -> Any:
                    with torch.inference_mode():
                        return model(**tensors)

                row: dict[str, Any] = {"seq": seq, "batch": batch, "threads": threads}
                row["pytorch_fp32"] = _median_ms(torch_run, repeats)
                for name, session in sessions.items():
                    row[name] = _median_ms(partial(session.run, None, feed), repeats)
                rows.append(row)
                print(_row_md(row), flush=True)
    return rows, sizes


def _row_md(r: dict[str, Any]) -> str:
    return (
        f"| {r['seq']} | {r['batch']} | {r['threads']} | {r['pytorch_fp32']:.0f} | "
        f"{r['ort_fp32']:.0f} | {r['ort_int8']:.0f} | {r['pytorch_fp32'] / r['ort_fp32']:.2f}× | "
        f"{r['pytorch_fp32'] / r['ort_int8']:.2f}× |"
    )


def report(rows: list[dict[str, Any]], sizes: dict[str, Any], repeats: int, took: float) -> str:
    import onnxruntime
    import torch

    head = (
        "| seq | batch | threads | PyTorch fp32 ms | ORT fp32 ms | ORT int8 ms | "
        "ORT fp32 speed-up | int8 speed-up |\n|---|---|---|---|---|---|---|---|"
    )
    key = next(r for r in rows if (r["seq"], r["batch"], r["threads"]) == (384, 1, 1))
    ratio = key["pytorch_fp32"] / key["ort_int8"]
    return "\n".join(
        [
            "Command: `python benchmarks/qa.py --repeats "
            f"{repeats} --write-docs` (took {took:.0f} s).",
            f"Machine: {machine()}; torch {torch.__version__}, "
            f"onnxruntime {onnxruntime.__version__}.",
            "Model: full-size `MobileBertForQuestionAnswering(MobileBertConfig())`, "
            "random weights, "
            f"{sizes['parameters']:,} parameters; ONNX fp32 {sizes['onnx_fp32_mb']:.1f} MB, "
            f"int8 {sizes['onnx_int8_mb']:.1f} MB (target ≤ 26.5 MB: "
            f"{'met' if sizes['onnx_int8_mb'] <= 26.5 else 'missed'}).",
            f"Median of {repeats} runs after one warm-up, all variants in the same process, "
            "random token ids, no padding. Speed-ups are PyTorch time / ORT time.",
            "",
            head,
            *[_row_md(r) for r in rows],
            "",
            f"Target int8 ≥ 2× PyTorch fp32 at seq 384, batch 1 (1 thread): {ratio:.2f}× "
            f"({'met' if ratio >= 2 else 'missed'}).",
        ]
    )


def write_docs(text: str) -> None:
    write_docs_section("qa", text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    began = time.perf_counter()
    rows, sizes = run(args.repeats)
    text = report(rows, sizes, args.repeats, time.perf_counter() - began)
    print(text)
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
