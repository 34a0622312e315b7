"""Run example sets through a pipeline and score them (shared by the build, the CLI, training).

Input the algorithm refuses (an empty question, one longer than ``max_question_tokens``) is
reported per example as a located content problem, all at once, before any inference runs.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import Problems
from generator.qa.decoding import Answer
from generator.qa.examples import ExampleSet, QAExample, load_example_set
from generator.qa.metrics import Totals, score
from generator.qa.pipeline import Prepared, QAPipeline
from generator.qa.windows import InputError


@dataclass(frozen=True)
class Scored:
    example: QAExample
    answer: Answer
    exact: int
    f1: float


@dataclass(frozen=True)
class Timing:
    """Wall time of inference plus decoding for every question of a run (session load excluded)."""

    seconds: float
    questions: int
    windows: int

    @property
    def per_question_ms(self) -> float:
        return 1000 * self.seconds / max(1, self.questions)

    def to_json(self) -> dict[str, Any]:
        return {
            "total_ms": round(1000 * self.seconds, 3),
            "per_question_ms": round(self.per_question_ms, 3),
            "questions": self.questions,
            "windows": self.windows,
        }


def prepare_sets(
    pipeline: QAPipeline, sets: Sequence[ExampleSet], problems: Problems
) -> list[list[Prepared]]:
    """Steps 1–2 for every example; refused input becomes a problem at the example's field."""
    prepared: list[list[Prepared]] = []
    for example_set in sets:
        items: list[Prepared] = []
        for example in example_set.examples:
            try:
                items.append(pipeline.prepare(example.question, example.passage))
            except InputError as exc:
                where = (
                    f"{example.field}.question"
                    if exc.field == "question"
                    else example.passage_field
                )
                example_set.problem(problems, where, f"{exc.field} {exc.message}")
        prepared.append(items)
    return prepared


def run_sets(
    pipeline: QAPipeline, prepared: Sequence[Sequence[Prepared]]
) -> tuple[list[list[Answer]], Timing]:
    """Answer every prepared example (all sets in one batched pass) and time it."""
    flat = [item for items in prepared for item in items]
    began = time.perf_counter()
    detailed = pipeline.run_prepared(flat)
    elapsed = time.perf_counter() - began
    answers: list[list[Answer]] = []
    cursor = 0
    for items in prepared:
        answers.append([d.answer for d in detailed[cursor : cursor + len(items)]])
        cursor += len(items)
    windows = sum(len(item.windows) for item in flat)
    return answers, Timing(elapsed, len(flat), windows)


def score_set(example_set: ExampleSet, answers: Sequence[Answer]) -> list[Scored]:
    scored: list[Scored] = []
    for example, answer in zip(example_set.examples, answers, strict=True):
        em, f = score(example.answers, answer.answer)
        scored.append(Scored(example, answer, em, f))
    return scored


def totals(scored: Sequence[Scored]) -> Totals:
    return Totals.of([(s.example.answerable, s.exact, s.f1) for s in scored])


def evaluate_dir(
    model_dir: Path, examples_path: Path, threads: int | None = None
) -> dict[str, Any]:
    """EM/F1 totals of a checkpoint folder's int8 ONNX model on one example file."""
    from generator.qa.resolve import load_dir
    from generator.qa.session import open_qa

    model = load_dir(model_dir, model_dir.name, model_dir / "onnx")
    # Batches of 8 windows: a report on many questions, not the build's per-question answers.
    pipeline = open_qa(model, batch_size=8, threads=threads).pipeline()
    problems = Problems()
    example_set = load_example_set(examples_path, problems)
    problems.raise_if_any()
    assert example_set is not None
    prepared = prepare_sets(pipeline, [example_set], problems)
    problems.raise_if_any()
    answers, timing = run_sets(pipeline, prepared)
    result = totals(score_set(example_set, answers[0])).to_json()
    result["latency"] = timing.to_json()
    return result
