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
from generator.qa.resolve import ModelUnavailable, resolve_model

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "generator" / "assets" / "tiny-mobilebert-squad2"


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
