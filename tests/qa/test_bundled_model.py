"""The whole pipeline on the bundled int8 ONNX model: real answers and real abstentions."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import Problems
from generator.qa.backend import OnnxBackend
from generator.qa.evaluate import evaluate_dir
from generator.qa.examples import load_example_set
from generator.qa.pipeline import QAPipeline
from generator.qa.windows import DecodingSettings, QATokenizer
from tools.qa_vectors import second_window_case


@pytest.fixture(scope="module")
def pipeline(bundled_dir: Path, tokenizer: QATokenizer) -> QAPipeline:
    backend = OnnxBackend(bundled_dir / "onnx" / "model.int8.onnx", threads=1)
    return QAPipeline(tokenizer, backend, DecodingSettings())


def test_held_out_synthetic_questions_are_answered_and_abstained(bundled_dir: Path) -> None:
    # Measured when the model was trained (int8, batch 1, 188 questions): has-answer EM 0.835,
    # no-answer EM 0.945, all 0.878. A broken tokenizer, window or decoding step drops these to ~0.
    report = evaluate_dir(bundled_dir, bundled_dir / "heldout.yaml", threads=1)
    assert report["has_answer"]["count"] >= 100 and report["no_answer"]["count"] >= 60
    assert report["has_answer"]["exact"] >= 0.8, report
    assert report["no_answer"]["exact"] >= 0.9, report
    assert report["all"]["exact"] >= 0.85, report
    assert report["all"]["f1"] >= 0.85, report


@pytest.mark.parametrize(
    ("ident", "expected"),
    [
        ("heldout-0001", "9,411"),
        ("heldout-0002", "sculptor"),
        ("heldout-0005", "sailing boats"),
        ("heldout-0010", "Colby"),
        ("heldout-long-0", "radio receivers"),  # several windows
        ("heldout-0041", "1760"),
        ("heldout-0000", ""),  # unanswerable: abstains
        ("heldout-0003", ""),
        ("heldout-0016", ""),
    ],
)
def test_specific_held_out_answers(
    pipeline: QAPipeline, bundled_dir: Path, ident: str, expected: str
) -> None:
    heldout = load_example_set(bundled_dir / "heldout.yaml", Problems())
    assert heldout is not None
    (example,) = [e for e in heldout.examples if e.id == ident]
    assert example.answers == ((expected,) if expected else ())
    answer = pipeline.answer(example.question, example.passage)
    assert (answer.answer, answer.abstained) == (expected, not expected)
    if expected:
        assert example.passage[answer.start : answer.end] == expected
    else:
        assert answer.start is None and answer.score is not None
        assert answer.null_score > answer.score


def test_answer_in_the_second_window_of_a_long_passage(pipeline: QAPipeline) -> None:
    _, question, passage = second_window_case()
    prepared = pipeline.prepare(question, passage)
    assert len(prepared.passage_tokens.ids) > 384 and len(prepared.windows) == 2
    answer = pipeline.answer(question, passage)
    assert answer.answer == "1873" and passage[answer.start : answer.end] == "1873"
    assert answer.start is not None and answer.start > passage.index("Birch Works") - 1


def test_non_ascii_and_emoji_offsets_point_into_the_original_text(pipeline: QAPipeline) -> None:
    passage = (
        "🚀 Zoë Ångström was born in the town of Malmö. Café Crème Foods makes canned soup 🍲."
    )
    answer = pipeline.answer("Where was Zoë Ångström born?", passage)
    assert answer.answer == "Malmö"
    assert (answer.start, answer.end) == (passage.index("Malmö"), passage.index("Malmö") + 5)


def test_batching_and_neighbours(tokenizer: QATokenizer, bundled_dir: Path) -> None:
    """fp32: batching changes nothing. int8: with batch 1 (the build's setting) a question's
    logits do not depend on the other questions; in a batch they can (one activation scale per
    tensor), which is why the build runs one window per call."""
    problems = Problems()
    heldout = load_example_set(bundled_dir / "heldout.yaml", problems)
    assert heldout is not None
    pairs = [(e.question, e.passage) for e in heldout.examples[:12]]
    onnx = bundled_dir / "onnx"
    fp32 = OnnxBackend(onnx / "model.onnx", threads=1)
    one = QAPipeline(tokenizer, fp32, batch_size=1).answer_many(pairs)
    eight = QAPipeline(tokenizer, fp32, batch_size=8).answer_many(pairs)
    assert [a.to_json() for a in one] == [a.to_json() for a in eight]

    int8 = QAPipeline(tokenizer, OnnxBackend(onnx / "model.int8.onnx", threads=1), batch_size=1)
    together = int8.answer_many(pairs)
    alone = [int8.answer(q, p) for q, p in pairs]
    assert [a.to_json() for a in together] == [a.to_json() for a in alone]
