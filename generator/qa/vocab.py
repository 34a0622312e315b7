"""``tokenizer.json`` from a BERT ``vocab.txt``, for checkpoints that ship only the latter.

Its own module because both :mod:`generator.qa.resolve` (a checkpoint with an ONNX file but no
``tokenizer.json``) and :mod:`generator.qa.export` (exporting such a checkpoint) need it, and
``resolve`` imports ``export``: living in either, it would make the two import each other.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.errors import UserError


def tokenizer_from_vocab(model_dir: Path, out_dir: Path) -> Path:
    """Build ``tokenizer.json`` from a BERT ``vocab.txt`` (older checkpoints ship only that)."""
    from tokenizers.implementations.bert_wordpiece import BertWordPieceTokenizer

    vocab = model_dir / "vocab.txt"
    if not vocab.is_file():
        raise UserError(f"{model_dir}: no tokenizer.json and no vocab.txt; cannot tokenize")
    lowercase = True
    config = model_dir / "tokenizer_config.json"
    if config.is_file():
        try:
            lowercase = bool(json.loads(config.read_text()).get("do_lower_case", True))
        except (json.JSONDecodeError, AttributeError) as exc:
            raise UserError(f"{config}: not valid JSON ({exc})") from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "tokenizer.json"
    BertWordPieceTokenizer(str(vocab), lowercase=lowercase).save(str(target))
    return target
