"""Find the files of a QA model: a local folder, or a hub id in the Hugging Face cache.

Offline first: a hub id is looked up with ``snapshot_download(local_files_only=True)``, which
never touches the network and honours ``HF_HUB_CACHE`` / ``HF_HOME``. A folder that has PyTorch
weights but no ONNX file is exported (and quantised) into a work folder when torch is installed;
a folder with only ``vocab.txt`` gets a ``tokenizer.json`` built from it. Anything missing raises
:class:`ModelUnavailable`, which the build turns into one warning and the bundled model.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.cache import file_sha256
from generator.errors import UserError
from generator.qa.vocab import tokenizer_from_vocab

log = logging.getLogger(__name__)

# all-MiniLM-L6-v2 fine-tuned for extractive QA by ``python -m tools.train_qa`` (docs/qa.md).
BUNDLED_NAME = "minilm-l6-qa"
BUNDLED_DIR = Path("generator") / "assets" / BUNDLED_NAME
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
# Where an int8 ONNX file may sit in a checkpoint folder: ours first, then the layout
# transformers.js / Xenova conversions use.
ONNX_CANDIDATES = (
    "onnx/model.int8.onnx",
    "onnx/model_quantized.onnx",
    "model.int8.onnx",
    "model_quantized.onnx",
)
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
DOCS = "docs/qa.md"


class ModelUnavailable(UserError):
    """The configured model's files are not here (as opposed to being here and broken)."""


@dataclass(frozen=True)
class ResolvedModel:
    """The files that actually answer the questions, and the name they are reported under."""

    name: str
    directory: Path
    onnx_path: Path  # int8: the file the build runs and the widget ships
    tokenizer_path: Path
    sha256: str  # of ``onnx_path``
    bundled: bool = False
    manifest: dict[str, Any] = field(default_factory=dict, compare=False)


def _local_dir(ref: str, base: Path) -> Path | None:
    path = Path(ref).expanduser()
    path = path if path.is_absolute() else base / path
    return path if path.is_dir() else None


def hub_snapshot(repo_id: str) -> Path:
    """The cached snapshot of ``repo_id`` (revision ``main``), without any network access."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    cache = os.environ.get("HF_HUB_CACHE")  # read now, not at import, so tests can point it
    try:
        found = snapshot_download(repo_id, local_files_only=True, cache_dir=cache)
    except (LocalEntryNotFoundError, FileNotFoundError, OSError) as exc:
        where = cache or "the Hugging Face cache (HF_HUB_CACHE / HF_HOME)"
        raise ModelUnavailable(
            f"model {repo_id!r} is not in {where}; see {DOCS} for how to provide it"
        ) from exc
    return Path(str(found))


def _export_dir(model_dir: Path, name: str, work_dir: Path) -> Path:
    weights = next(model_dir / w for w in WEIGHT_FILES if (model_dir / w).is_file())
    safe = re.sub(r"[^\w.-]+", "--", name).strip("-")
    return work_dir / f"{safe}-{file_sha256(weights)[:16]}"


def _export_if_needed(model_dir: Path, name: str, work_dir: Path) -> Path:
    """An ONNX int8 file for ``model_dir``: exported once into ``work_dir``, then reused."""
    has_weights = any((model_dir / w).is_file() for w in WEIGHT_FILES)
    if not has_weights or not (model_dir / "config.json").is_file():
        raise ModelUnavailable(
            f"{model_dir}: no ONNX model ({', '.join(ONNX_CANDIDATES)}) and no PyTorch "
            f"checkpoint to export one from; see {DOCS}"
        )
    target = _export_dir(model_dir, name, work_dir)
    int8 = target / "model.int8.onnx"
    if int8.is_file() and (target / "manifest.json").is_file():
        return int8
    if importlib.util.find_spec("torch") is None:
        raise ModelUnavailable(
            f"{model_dir}: has PyTorch weights but no ONNX export, and torch is not installed "
            f"to make one (pip install -e '.[export]', or run python -m generator.qa.export "
            f"elsewhere); see {DOCS}"
        )
    from generator.qa.export import export_checkpoint

    log.info("exporting %s to ONNX in %s (once)", name, target)
    export_checkpoint(model_dir, target, name=name)
    return int8


def load_dir(model_dir: Path, name: str, work_dir: Path, bundled: bool = False) -> ResolvedModel:
    """Resolve the ONNX int8 file and tokenizer of a checkpoint folder."""
    onnx = next((model_dir / c for c in ONNX_CANDIDATES if (model_dir / c).is_file()), None)
    if onnx is None:
        onnx = _export_if_needed(model_dir, name, work_dir)
    tokenizer = model_dir / "tokenizer.json"
    if not tokenizer.is_file():
        if not (model_dir / "vocab.txt").is_file():
            raise UserError(
                f"{tokenizer}: tokenizer file not found (and no vocab.txt to build one from)"
            )
        derived = onnx.parent / "tokenizer.json"
        tokenizer = derived if derived.is_file() else tokenizer_from_vocab(model_dir, onnx.parent)
    manifest: dict[str, Any] = {}
    manifest_path = onnx.parent / "manifest.json"
    if manifest_path.is_file():
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise UserError(f"{manifest_path}: not valid JSON ({exc})") from exc
    return ResolvedModel(name, model_dir, onnx, tokenizer, file_sha256(onnx), bundled, manifest)


def resolve_model(ref: str, base: Path, work_dir: Path) -> ResolvedModel:
    """``ref`` is a folder (relative to ``base``) or a hub id; raises ModelUnavailable."""
    local = _local_dir(ref, base)
    if local is not None:
        return load_dir(local, ref, work_dir)
    if HUB_ID.match(ref):
        return load_dir(hub_snapshot(ref), ref, work_dir)
    raise ModelUnavailable(f"model {ref!r}: no such folder, and not a hub id; see {DOCS}")


def bundled_model(project_root: Path, work_dir: Path) -> ResolvedModel:
    """The stand-in made by ``python -m tools.train_qa`` and committed in git."""
    return load_dir(project_root / BUNDLED_DIR, BUNDLED_NAME, work_dir, bundled=True)
