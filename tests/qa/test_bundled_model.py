"""The whole pipeline on the bundled int8 ONNX model: real answers and real abstentions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.errors import Problems
from generator.qa.backend import OnnxBackend
from generator.qa.examples import ExampleSet, load_example_set
from generator.qa.pipeline import QAPipeline
from generator.qa.windows import DecodingSettings, QATokenizer
from tools.qa_vectors import second_window_case

ROOT = Path(__file__).resolve().parents[2]
EVAL_SET = ROOT / "content" / "qa" / "real-topics-eval.yaml"


@pytest.fixture(scope="module")
def manifest(bundled_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((bundled_dir / "onnx" / "manifest.json").read_text())
    return data


@pytest.fixture(scope="module")
def pipeline(bundled_dir: Path, tokenizer: QATokenizer, manifest: dict[str, Any]) -> QAPipeline:
    backend = OnnxBackend(bundled_dir / "onnx" / "model.int8.onnx", threads=1)
    settings = DecodingSettings(null_threshold=manifest["null_threshold"])
    return QAPipeline(tokenizer, backend, settings, batch_size=1)  # as the build runs it


@pytest.fixture(scope="module")
def eval_set() -> ExampleSet:
    problems = Problems()
    loaded = load_example_set(EVAL_SET, problems)
    problems.raise_if_any()
    assert loaded is not None
    return loaded


def test_recorded_evaluation_is_what_the_model_scores_now(
    pipeline: QAPipeline, eval_set: ExampleSet, manifest: dict[str, Any]
) -> None:
    """The manifest's table (docs/qa.md, the model page) is reproduced from the committed file;
    a broken tokenizer, window or decoding step would drop it to the all-abstain score."""
    from generator.qa.evaluate import score_set, totals

    answers = pipeline.answer_many([(e.question, e.passage) for e in eval_set.examples])
    measured = totals(score_set(eval_set, answers)).to_json()
    (row,) = [r for r in manifest["evaluation"]["rows"] if r["model"] == manifest["name"]]
    assert manifest["evaluation"]["test_set"] == "content/qa/real-topics-eval.yaml"
    for split in ("all", "has_answer", "no_answer"):
        assert measured[split]["count"] == row["totals"][split]["count"]
        assert measured[split]["exact"] == pytest.approx(row["totals"][split]["exact"], abs=0.02)
        assert measured[split]["f1"] == pytest.approx(row["totals"][split]["f1"], abs=0.02)
    assert measured["has_answer"]["count"] >= 60 and measured["no_answer"]["count"] >= 30
    # recorded: answerable EM 0.181, unanswerable 0.818 (the previous stand-in: 0.014, 0.667)
    assert measured["has_answer"]["exact"] >= 0.15 and measured["no_answer"]["exact"] >= 0.75


@pytest.mark.parametrize(
    ("ident", "expected"),
    [
        ("jupiter-2", "Galileo Galilei"),
        ("marathon-1", "42.195 kilometres"),
        ("dna-3", "46"),
        ("volcano-2", "Mauna Loa"),
        ("moon-4", "21.5 kilograms"),
        ("cells-1", "Robert Hooke"),  # a passage of two windows
        ("electricity-6", "Thomas Edison"),  # in the second window
        ("printing-5", ""),  # unanswerable: abstains
        ("coffee-5", ""),
        ("cells-9", ""),
    ],
)
def test_specific_answers(
    pipeline: QAPipeline, eval_set: ExampleSet, ident: str, expected: str
) -> None:
    (example,) = [e for e in eval_set.examples if e.id == ident]
    assert (expected in example.answers) if expected else not example.answers
    answer = pipeline.answer(example.question, example.passage)
    assert (answer.answer, answer.abstained) == (expected, not expected)
    if expected:
        assert example.passage[answer.start : answer.end] == expected
    else:
        assert answer.start is None and answer.score is not None


def test_answer_in_the_second_window_of_a_long_passage(pipeline: QAPipeline) -> None:
    _, question, passage = second_window_case()
    prepared = pipeline.prepare(question, passage)
    assert len(prepared.passage_tokens.ids) > 384 and len(prepared.windows) == 2
    answer = pipeline.answer(question, passage)
    assert answer.answer == "1873" and passage[answer.start : answer.end] == "1873"
    assert answer.start is not None and answer.start > passage.index("Birch Works") - 1


def test_non_ascii_and_emoji_offsets_point_into_the_original_text(pipeline: QAPipeline) -> None:
    passage = "🚀 Zoë says: the capital of Sweden is Stockholm, and Malmö is its third city 🍲."
    answer = pipeline.answer("What is the capital of Sweden?", passage)
    assert answer.answer == "Stockholm"
    at = passage.index("Stockholm")  # code points: the emoji counts one
    assert (answer.start, answer.end) == (at, at + len("Stockholm")) == (37, 46)


def test_int8_answers_do_not_depend_on_the_neighbours_at_batch_1(
    tokenizer: QATokenizer, bundled_dir: Path, eval_set: ExampleSet
) -> None:
    """With batch 1 (the build's setting) a question's logits do not depend on the other
    questions; in a batch they can (one activation scale per tensor), which is why the build
    runs one window per call. (fp32 batching: tests/qa/test_export.py.)"""
    pairs = [(e.question, e.passage) for e in eval_set.examples[:12]]
    backend = OnnxBackend(bundled_dir / "onnx" / "model.int8.onnx", threads=1)
    int8 = QAPipeline(tokenizer, backend, batch_size=1)
    together = int8.answer_many(pairs)
    alone = [int8.answer(q, p) for q, p in pairs]
    assert [a.to_json() for a in together] == [a.to_json() for a in alone]
