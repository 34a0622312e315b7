"""PyTorch → ONNX fp32 → int8 and the manifest; export-on-demand of a PyTorch-only checkpoint."""

from __future__ import annotations

import importlib.util
import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from generator.cache import file_sha256
from generator.qa.resolve import BUNDLED_DIR, ModelUnavailable, resolve_model

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / BUNDLED_DIR


def _tiny_checkpoint(target: Path) -> Path:
    pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    import torch

    torch.manual_seed(0)
    config = transformers.MobileBertConfig(
        hidden_size=32,
        embedding_size=8,
        intra_bottleneck_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        num_feedforward_networks=1,
    )
    model = transformers.MobileBertForQuestionAnswering(config)
    model.save_pretrained(str(target))
    shutil.copy(BUNDLED / "tokenizer.json", target / "tokenizer.json")
    return target


@pytest.mark.export
@pytest.mark.slow
def test_export_writes_fp32_int8_and_a_truthful_manifest(tmp_path: Path) -> None:
    from generator.qa.export import export_checkpoint

    model_dir = _tiny_checkpoint(tmp_path / "ckpt")
    manifest = export_checkpoint(model_dir, model_dir / "onnx", name="tiny-test")
    onnx_dir = model_dir / "onnx"
    assert json.loads((onnx_dir / "manifest.json").read_text()) == manifest
    assert manifest["opset"] >= 17
    assert manifest["architecture"] == "MobileBertForQuestionAnswering"
    assert manifest["parameters"] > 30522 * 8
    for name in ("model.onnx", "model.int8.onnx"):
        entry = manifest["files"][name]
        assert entry["bytes"] == (onnx_dir / name).stat().st_size
        assert entry["sha256"] == file_sha256(onnx_dir / name)
    assert manifest["files"]["model.int8.onnx"]["bytes"] < manifest["files"]["model.onnx"]["bytes"]
    diffs = manifest["max_abs_logit_diff"]
    assert 0 <= diffs["onnx_fp32_vs_pytorch"] < 1e-3
    assert 0 < diffs["onnx_int8_vs_onnx_fp32"] < 1.0
    assert manifest["probes"]["windows"] >= 3  # the long probe takes two windows

    import onnxruntime as ort

    session = ort.InferenceSession(str(onnx_dir / "model.int8.onnx"))
    ids = np.ones((3, 50), dtype=np.int64)  # batch and sequence differ from the export dummy
    start, end = session.run(
        None, {"input_ids": ids, "attention_mask": ids, "token_type_ids": np.zeros_like(ids)}
    )
    assert start.shape == end.shape == (3, 50)


def _tiny_bert(target: Path) -> Path:
    """A tiny random BERT with dropout on (as all-MiniLM-L6-v2's config has it)."""
    pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    import torch

    torch.manual_seed(0)
    config = transformers.BertConfig(
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
    )
    transformers.BertForQuestionAnswering(config).save_pretrained(str(target))
    shutil.copy(BUNDLED / "tokenizer.json", target / "tokenizer.json")
    return target


@pytest.mark.export
@pytest.mark.slow
def test_bert_with_dropout_exports_with_parity_and_batches_without_change(
    tmp_path: Path,
) -> None:
    """The exporter restores the wrapper's training flag after tracing; without eval() the
    PyTorch reference ran with dropout and the parity check read 0.35 on the bundled model."""
    from generator.qa.backend import OnnxBackend
    from generator.qa.export import export_checkpoint
    from generator.qa.pipeline import QAPipeline
    from generator.qa.windows import QATokenizer

    model_dir = _tiny_bert(tmp_path / "bert")
    manifest = export_checkpoint(model_dir, model_dir / "onnx", name="tiny-bert")
    assert manifest["architecture"] == "BertForQuestionAnswering"
    assert manifest["max_abs_logit_diff"]["onnx_fp32_vs_pytorch"] < 1e-4

    # fp32: batching with dynamic padding changes nothing (int8 at batch 1:
    # tests/qa/test_bundled_model.py)
    tokenizer = QATokenizer.from_file(model_dir / "tokenizer.json")
    fp32 = OnnxBackend(model_dir / "onnx" / "model.onnx", threads=1)
    pairs = [
        ("Who founded the company?", "The company was founded in 1901 by Mara Velt in Oslo."),
        ("When did the bridge open?", "The old bridge opened in 1883. " * 60),
        ("Where is it?", "It is in Bergen."),
    ]
    one = QAPipeline(tokenizer, fp32, batch_size=1).answer_many(pairs)
    eight = QAPipeline(tokenizer, fp32, batch_size=8).answer_many(pairs)
    assert [a.to_json() for a in one] == [a.to_json() for a in eight]


@pytest.mark.export
@pytest.mark.slow
def test_pytorch_only_checkpoint_is_exported_once_into_the_work_dir(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model_dir = _tiny_checkpoint(tmp_path / "ckpt")
    work = tmp_path / "work"
    with caplog.at_level(logging.INFO):
        first = resolve_model(str(model_dir), tmp_path, work)
    assert first.onnx_path.parent.parent == work and first.onnx_path.name == "model.int8.onnx"
    assert any("exporting" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        second = resolve_model(str(model_dir), tmp_path, work)
    assert second.sha256 == first.sha256
    assert not any("exporting" in r.getMessage() for r in caplog.records)


def test_pytorch_only_checkpoint_without_torch_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model_dir = tmp_path / "ckpt"
    model_dir.mkdir()
    (model_dir / "config.json").write_text("{}")
    (model_dir / "model.safetensors").write_bytes(b"weights")
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a)
    )
    with pytest.raises(ModelUnavailable, match="has PyTorch weights but no ONNX export, and torch"):
        resolve_model(str(model_dir), tmp_path, tmp_path / "work")
