"""Shared test vectors for the Python and the browser implementations of docs/qa-decoding.md.

    python -m tools.qa_vectors [--out tests/vectors/qa_vectors.json]

For each case: the question and passage, their token ids (no special tokens), the passage token
offsets in code points (the spec) and in UTF-16 units (what JavaScript strings index), every
window's ``input_ids``/``token_type_ids``/``context_start``/``first``/``count``, each window's
start/end logits from the bundled int8 model run one window at a time, and the decoded answer.
Cases the algorithm refuses carry ``error`` instead. Regenerate after retraining the model.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from generator.qa.pipeline import QAPipeline
from generator.qa.resolve import BUNDLED_DIR, BUNDLED_NAME, load_dir
from generator.qa.session import open_qa
from generator.qa.windows import DecodingSettings, InputError

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "tests" / "vectors" / "qa_vectors.json"
# Logits from another runtime (onnxruntime-web, another CPU) differ: fp32 in the last bits, but
# int8 (dynamic quantisation) more, since each runtime's integer kernels round differently and
# the differences grow through the layers (seen here between onnxruntime-web's WASM kernels and
# native x86: 0.06 on the 1.4M-parameter stand-in, 1.24 on the 6-layer MiniLM bundled since
# issue 16). Compare within this, and expect identical ids, offsets and answers.
LOGIT_TOLERANCE = 1.5

CASES: tuple[tuple[str, str, str], ...] = (
    (
        "answerable",
        "When was Vellemtu Systems founded?",
        "In 1989, Vellemtu Systems opened its doors. Wynnu Mirrak became a famous chemist. "
        "Vellemtu Systems makes garden tools.",
    ),
    (
        "answerable-multiword",
        "Who founded Rosami Motors?",
        "The headquarters of Rosami Motors are in Zelzelhaldlis. Rosami Motors was started by "
        "Amihald Lemgriwyn. Bexhald Rostu came from Lemtufen.",
    ),
    (
        "unanswerable",
        "How many people work at Kalo Systems?",
        "Dorvel Works was founded in 1873. Dorvel Works was started by Amira Holt. "
        "Kalo Systems is based in Fenrakdor. Many visitors arrive there every summer.",
    ),
    (
        "emoji-before-answer",
        "What is the capital of Sweden?",
        "🚀 Zoë says: the capital of Sweden is Stockholm, and Malmö is its third city 🍲.",
    ),
    (
        "unanswerable-model-answers",
        "When was Peren Calorbex born?",
        "Peren Calorbex worked as a poet. Tora Vendan was born in 1847. "
        "Peren Calorbex came from Bextess.",
    ),
    (
        "accents",
        "Where was Zoë Ångström born?",
        "Zoë Ångström was born in the town of Malmö. Zoë Ångström became a famous chemist. "
        "Café Crème Foods makes canned soup.",
    ),
    (
        "emoji",
        "What does Rocket Labs make? 🚀",
        "🚀 Rocket Labs makes solar panels 🌞. Rocket Labs was founded in 1923 👩‍🚀 by Ada Lin.",
    ),
    (
        "cjk-and-newlines",
        "Where is Tokai Motors based?",
        "東京 is far away.\n\nTokai Motors is based in Kyotomir.\t"
        "Tokai Motors employs 4,200 people.",
    ),
)


def _utf16(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


def _long_case() -> tuple[str, str, str]:
    from tools.qa_synthetic import long_example

    example = long_example(20261126 + 5000, "long", 14)
    return ("long-passage", example.question, example.passage)


def second_window_case() -> tuple[str, str, str]:
    """A passage of two windows whose answer is in the second (also used by the model tests)."""
    filler = " ".join(
        [
            "The river floods almost every spring.",
            "Many visitors arrive there every summer.",
            "Its history is told in several books.",
            "The region is known for its long winters.",
        ]
        * 12
    )
    passage = filler + " Birch Works was founded in 1873. Kalo Systems is based in Fenrakdor."
    return ("long-passage-second-window", "When was Birch Works founded?", passage)


def case_vector(pipeline: QAPipeline, ident: str, question: str, passage: str) -> dict[str, Any]:
    settings = pipeline.settings
    vector: dict[str, Any] = {"id": ident, "question": question, "passage": passage}
    try:
        prepared = pipeline.prepare(question, passage)
    except InputError as exc:
        vector["error"] = {"field": exc.field, "message": exc.message}
        return vector
    # One window per backend call: what a browser running windows one by one sees.
    single = QAPipeline(pipeline.tokenizer, pipeline.backend, settings, batch_size=1)
    detailed = single.run_prepared([prepared])[0]
    offsets = prepared.passage_tokens.offsets
    vector.update(
        question_ids=list(prepared.question_tokens.ids),
        passage_ids=list(prepared.passage_tokens.ids),
        passage_offsets=[list(o) for o in offsets],
        passage_offsets_utf16=[[_utf16(passage, a), _utf16(passage, b)] for a, b in offsets],
        windows=[
            {
                "input_ids": list(w.input_ids),
                "token_type_ids": list(w.token_type_ids),
                "context_start": w.context_start,
                "first": w.first,
                "count": w.count,
                "start_logits": [float(x) for x in detailed.start_logits[k]],
                "end_logits": [float(x) for x in detailed.end_logits[k]],
            }
            for k, w in enumerate(prepared.windows)
        ],
        expected=detailed.answer.to_json(),
    )
    answer = detailed.answer
    if answer.start is not None and answer.end is not None:
        vector["expected_utf16"] = {
            "start": _utf16(passage, answer.start),
            "end": _utf16(passage, answer.end),
        }
    return vector


def build_vectors(
    model_dir: Path, cases: Sequence[tuple[str, str, str]] | None = None
) -> dict[str, Any]:
    model = load_dir(model_dir, BUNDLED_NAME, model_dir / "onnx", bundled=True)
    settings = DecodingSettings()
    pipeline = open_qa(model, settings, batch_size=1, threads=1).pipeline()
    chosen = list(cases) if cases is not None else [*CASES, _long_case(), second_window_case()]
    errors = [
        ("error-empty-question", "   ", "Some passage."),
        ("error-empty-passage", "Who?", " \n "),
        ("error-long-question", "why " * 65 + "?", "A short passage."),
    ]
    return {
        "about": "generated by python -m tools.qa_vectors; algorithm: docs/qa-decoding.md",
        "model": {
            "name": model.name,
            "onnx": str(model.onnx_path.relative_to(ROOT))
            if model.onnx_path.is_relative_to(ROOT)
            else str(model.onnx_path),
            "sha256": model.sha256,
            "tokenizer": str(model.tokenizer_path.relative_to(ROOT))
            if model.tokenizer_path.is_relative_to(ROOT)
            else str(model.tokenizer_path),
        },
        "settings": settings.to_json(),
        "special_ids": {
            "cls": pipeline.tokenizer.cls_id,
            "sep": pipeline.tokenizer.sep_id,
            "pad": pipeline.tokenizer.pad_id,
        },
        "logit_tolerance": LOGIT_TOLERANCE,
        "cases": [case_vector(pipeline, *case) for case in [*chosen, *errors]],
    }


def _numeric(value: Any) -> bool:
    """A number, or a list of numbers (offset pairs): kept on one line."""
    if isinstance(value, list):
        return all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    return isinstance(value, int | float) and not isinstance(value, bool)


def dumps(value: Any, indent: int = 0) -> str:
    """Indented JSON with every list of numbers on one line (readable, diffable, small)."""
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {dumps(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}" if items else "{}"
    if isinstance(value, list) and value and not all(_numeric(v) for v in value):
        return "[\n" + ",\n".join(inner + dumps(v, indent + 1) for v in value) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.qa_vectors", description=__doc__)
    parser.add_argument("--model-dir", type=Path, default=ROOT / BUNDLED_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    vectors = build_vectors(args.model_dir)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dumps(vectors) + "\n", encoding="utf-8")
    print(f"wrote {len(vectors['cases'])} cases to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
