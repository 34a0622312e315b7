"""PyTorch checkpoint → ONNX fp32 → ONNX int8, with a manifest that records what was made.

Needs the ``export`` extra (torch, transformers, onnx); every such import is inside a function
so that importing this module costs nothing. Run it as::

    python -m generator.qa.export MODEL_DIR [--out DIR] [--examples content/qa/FILE.yaml]

``MODEL_DIR`` is a Hugging Face checkpoint folder (``config.json`` + weights + tokenizer files);
``--out`` defaults to ``MODEL_DIR/onnx``. The manifest (``manifest.json`` beside the ONNX files)
holds the parameter count, file sizes and sha256, the opset, and the largest logit difference of
ONNX fp32 vs PyTorch and of int8 vs fp32 on the probe questions.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from generator.cache import file_sha256
from generator.errors import UserError
from generator.qa.backend import EncodedBatch, OnnxBackend
from generator.qa.windows import DecodingSettings, QATokenizer, Window

log = logging.getLogger(__name__)

OPSET = 17
FP32_NAME = "model.onnx"
INT8_NAME = "model.int8.onnx"
MANIFEST_NAME = "manifest.json"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OUTPUTS = ("start_logits", "end_logits")
# Used when no example file is given: enough to exercise both segments and a second window.
DEFAULT_PROBES = (
    ("Who founded the company?", "The company was founded in 1901 by Mara Velt in Oslo."),
    ("When did the bridge open?", "The old bridge opened in 1883. " * 60),
)


def export_onnx(model: Any, path: Path, opset: int = OPSET) -> None:
    """Trace ``model`` (a ``*ForQuestionAnswering``) to ONNX with dynamic batch and sequence."""
    import torch

    class _Logits(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.start_logits, out.end_logits

    model.eval()
    dummy = torch.ones((2, 16), dtype=torch.long)
    axes = {name: {0: "batch", 1: "sequence"} for name in (*INPUTS, *OUTPUTS)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(), torch.no_grad():
        # The TorchScript exporter warns about traced Python conditions and Slice ops; they are
        # harmless for this graph and the logit check below catches any real divergence.
        warnings.simplefilter("ignore")
        # eval() on the wrapper too: the exporter restores the wrapper's training flag after
        # tracing, recursively, which would leave the inner model's dropout switched on.
        torch.onnx.export(
            _Logits(model).eval(),
            (dummy, dummy, torch.zeros_like(dummy)),
            str(path),
            input_names=list(INPUTS),
            output_names=list(OUTPUTS),
            dynamic_axes=axes,
            opset_version=opset,
            do_constant_folding=True,
            dynamo=False,
        )


def quantize_int8(fp32: Path, int8: Path) -> None:
    """Dynamic quantisation: int8 weights (QInt8), activations quantised at run time."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)


def probe_windows(
    tokenizer: QATokenizer, pairs: Sequence[tuple[str, str]], settings: DecodingSettings
) -> list[Window]:
    windows: list[Window] = []
    for question, passage in pairs:
        q = tokenizer.encode_question(question, settings)
        windows.extend(tokenizer.windows(q, tokenizer.encode_passage(passage), settings))
    return windows


# Probe windows per forward pass. PyTorch keeps every activation of a batch alive, so one
# padded batch of all windows grew with the example file (188 questions: 6.7 GB); batches of
# this size keep the check's memory flat whatever the number of probes.
PROBE_BATCH = 8


def _max_diff(a: tuple[Any, Any], b: tuple[Any, Any], mask: Any) -> float:
    real = mask.astype(bool)
    return float(max(np.abs(a[i] - b[i])[real].max() for i in range(2)))


def compare_logits(
    model: Any, fp32: Path, int8: Path, windows: Sequence[Window], batch_size: int = PROBE_BATCH
) -> dict[str, float]:
    """Largest |logit| difference over real tokens: ONNX fp32 vs PyTorch, int8 vs fp32.

    The windows go through in batches of ``batch_size`` (bounded memory); the differences are
    the largest over all batches.
    """
    import torch

    f_session = OnnxBackend(fp32, threads=1)
    q_session = OnnxBackend(int8, threads=1)
    fp32_vs_torch = int8_vs_fp32 = 0.0
    for first in range(0, len(windows), batch_size):
        batch = EncodedBatch.pad(windows[first : first + batch_size])
        with torch.no_grad():
            out = model(
                input_ids=torch.from_numpy(batch.input_ids),
                attention_mask=torch.from_numpy(batch.attention_mask),
                token_type_ids=torch.from_numpy(batch.token_type_ids),
            )
        ref = (out.start_logits.numpy(), out.end_logits.numpy())
        del out
        f = f_session.run(batch)
        q = q_session.run(batch)
        mask = batch.attention_mask
        fp32_vs_torch = max(fp32_vs_torch, _max_diff((f.start, f.end), ref, mask))
        int8_vs_fp32 = max(int8_vs_fp32, _max_diff((q.start, q.end), (f.start, f.end), mask))
    return {"onnx_fp32_vs_pytorch": fp32_vs_torch, "onnx_int8_vs_onnx_fp32": int8_vs_fp32}


def _file_entry(path: Path) -> dict[str, Any]:
    return {"bytes": path.stat().st_size, "sha256": file_sha256(path)}


def export_checkpoint(
    model_dir: Path,
    out_dir: Path,
    probes: Sequence[tuple[str, str]] = DEFAULT_PROBES,
    probe_source: str = "built-in probes",
    name: str | None = None,
) -> dict[str, Any]:
    """Export, quantise, compare, and write ``manifest.json``; returns the manifest."""
    import onnx
    import onnxruntime
    import torch
    import transformers
    from transformers import AutoModelForQuestionAnswering

    tokenizer_path = model_dir / "tokenizer.json"
    if not tokenizer_path.is_file():
        from generator.qa.vocab import tokenizer_from_vocab

        tokenizer_path = tokenizer_from_vocab(model_dir, out_dir)
    tokenizer = QATokenizer.from_file(tokenizer_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = AutoModelForQuestionAnswering.from_pretrained(str(model_dir))
    model.eval()
    fp32, int8 = out_dir / FP32_NAME, out_dir / INT8_NAME
    export_onnx(model, fp32)
    quantize_int8(fp32, int8)
    windows = probe_windows(tokenizer, probes, DecodingSettings())
    diffs = compare_logits(model, fp32, int8, windows)
    files = {FP32_NAME: _file_entry(fp32), INT8_NAME: _file_entry(int8)}
    weights = model_dir / "model.safetensors"
    if weights.is_file():
        files["../model.safetensors" if out_dir == model_dir / "onnx" else str(weights)] = (
            _file_entry(weights)
        )
    manifest: dict[str, Any] = {
        "name": name or model_dir.name,
        "architecture": type(model).__name__,
        "parameters": int(sum(p.numel() for p in model.parameters())),
        "opset": onnx.load(str(fp32), load_external_data=False).opset_import[0].version,
        "files": files,
        "max_abs_logit_diff": diffs,
        "probes": {"source": probe_source, "questions": len(probes), "windows": len(windows)},
        "tools": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "onnx": onnx.__version__,
            "onnxruntime": onnxruntime.__version__,
        },
    }
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    log.info("exported %s: %s", model_dir, json.dumps(diffs))
    return manifest


def _probes_from(path: Path) -> list[tuple[str, str]]:
    from generator.errors import Problems
    from generator.qa.examples import load_example_set

    problems = Problems()
    example_set = load_example_set(path, problems)
    problems.raise_if_any()
    assert example_set is not None
    return [(e.question, e.passage) for e in example_set.examples]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.qa.export", description=__doc__)
    parser.add_argument("model_dir", type=Path, help="Hugging Face checkpoint folder")
    parser.add_argument("--out", type=Path, help="output folder (default MODEL_DIR/onnx)")
    parser.add_argument("--examples", type=Path, help="QA example YAML for the logit check")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    try:
        import torch  # noqa: F401
    except ImportError:
        print("error: export needs the export extra: pip install -e '.[export]'", file=sys.stderr)
        return 1
    try:
        if not (args.model_dir / "config.json").is_file():
            raise UserError(f"{args.model_dir}: no config.json; not a checkpoint folder")
        probes = _probes_from(args.examples) if args.examples else list(DEFAULT_PROBES)
        source = str(args.examples) if args.examples else "built-in probes"
        out = args.out or args.model_dir / "onnx"
        manifest = export_checkpoint(args.model_dir, out, probes, source)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # an output folder that cannot be written, a full disk
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    print(json.dumps(manifest, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
