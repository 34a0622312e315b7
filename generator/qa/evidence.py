"""QA evidence for a model page: run its example sets through the ONNX model, cached by content.

The build calls :func:`compute_qa_evidence` once per model record with ``evidence.qa``. When the
configured model is not here, one warning says what is missing and how to provide it, and the
bundled stand-in answers instead; the result names the model that actually produced it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.cache import hash_key
from generator.errors import Problems
from generator.evidence import EvidenceEnv
from generator.qa.evaluate import Scored, Timing, prepare_sets, run_sets, score_set, totals
from generator.qa.examples import ExampleSet, load_example_set
from generator.qa.metrics import Split, Totals
from generator.qa.pipeline import QAPipeline
from generator.qa.resolve import (
    BUNDLED_DIR,
    BUNDLED_NAME,
    ModelUnavailable,
    ResolvedModel,
    bundled_model,
    resolve_model,
)
from generator.qa.session import open_qa
from generator.qa.spec import QAEvidenceSpec
from generator.qa.windows import DecodingSettings

log = logging.getLogger(__name__)

# Bump when tokenization, windowing, decoding or the result layout changes what a run yields.
CODE_VERSION = "qa-1"
CACHE_NAMESPACE = "qa"
# One window per ONNX Runtime call. Dynamic int8 quantisation picks one activation scale per
# tensor, i.e. over the whole batch (padding included), so a window's logits depend on the other
# rows of its batch: up to 5.8 logits on the bundled model, enough to flip near-ties (fp32 showed
# 0.0; docs/qa.md). Batch 1 keeps every answer a function of its own question and passage,
# identical to the browser widget's, which runs one window per call. QAPipeline still batches
# with dynamic padding where that is safe (fp32 models; ``build.py qa --batch-size``).
BATCH_SIZE = 1


@dataclass(frozen=True)
class QAExampleResult:
    """One question as the page shows it; ``before``/``highlight``/``after`` split the passage."""

    id: str
    question: str
    passage: str
    expected: tuple[str, ...]  # empty: unanswerable
    answer: str
    start: int | None
    end: int | None
    score: float | None
    null_score: float
    abstained: bool
    exact: int
    f1: float

    @property
    def answerable(self) -> bool:
        return bool(self.expected)

    @property
    def before(self) -> str:
        return self.passage if self.start is None else self.passage[: self.start]

    @property
    def highlight(self) -> str:
        return "" if self.start is None else self.passage[self.start : self.end]

    @property
    def after(self) -> str:
        return "" if self.end is None else self.passage[self.end :]

    @classmethod
    def of(cls, scored: Scored) -> QAExampleResult:
        e, a = scored.example, scored.answer
        return cls(
            e.id,
            e.question,
            e.passage,
            e.answers,
            a.answer,
            a.start,
            a.end,
            a.score,
            a.null_score,
            a.abstained,
            scored.exact,
            scored.f1,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "passage": self.passage,
            "expected": list(self.expected),
            "unanswerable": not self.answerable,
            "answer": self.answer,
            "start": self.start,
            "end": self.end,
            "score": self.score,
            "null_score": self.null_score,
            "abstained": self.abstained,
            "exact": self.exact,
            "f1": self.f1,
        }


@dataclass(frozen=True)
class QASetResult:
    title: str
    source: str  # the YAML file, relative to the content folder
    examples: tuple[QAExampleResult, ...]
    totals: Totals

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "source": self.source,
            "totals": self.totals.to_json(),
            "examples": [e.to_json() for e in self.examples],
        }


@dataclass(frozen=True)
class EvaluationRow:
    """One model's totals on the bundled model's hand-written evaluation set (its manifest)."""

    model: str
    note: str
    totals: Totals

    @classmethod
    def of(cls, raw: Any) -> EvaluationRow | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("totals"), dict):
            return None
        t = raw["totals"]
        try:
            splits = [
                Split(int(t[k]["count"]), t[k]["exact"], t[k]["f1"])
                for k in ("all", "has_answer", "no_answer")
            ]
        except (KeyError, TypeError, ValueError):
            return None
        return cls(str(raw.get("model", "")), str(raw.get("note", "")), Totals(*splits))

    def to_json(self) -> dict[str, Any]:
        return {"model": self.model, "note": self.note, "totals": self.totals.to_json()}


def evaluation_rows(model: ResolvedModel) -> tuple[str, tuple[EvaluationRow, ...]]:
    """The bundled model's recorded evaluation (set, rows); empty for any other model, whose
    example sets on the page are its evaluation."""
    evaluation = model.manifest.get("evaluation") if model.bundled else None
    if not isinstance(evaluation, dict):
        return "", ()
    rows = tuple(r for r in map(EvaluationRow.of, evaluation.get("rows", ())) if r is not None)
    return str(evaluation.get("test_set", "")), rows


def bundled_null_threshold(model: ResolvedModel, configured: float) -> float:
    """A record's ``null_threshold`` is tuned for its configured model; the bundled model
    abstains with the threshold chosen for it on its validation split (in its manifest)."""
    value = model.manifest.get("null_threshold") if model.bundled else None
    return float(value) if isinstance(value, int | float) else configured


@dataclass
class QAEvidenceResult:
    """What the page partial (``templates/partials/qa_evidence.html``, variable ``qa``) shows."""

    slug: str
    configured_model: str  # what the record asked for
    model_name: str  # what produced these results
    model_sha256: str
    bundled: bool
    fallback_reason: str | None  # why the configured model was not used, if it was not
    onnx_path: Path  # int8 ONNX file (the widget ships it)
    tokenizer_path: Path
    settings: DecodingSettings
    sets: tuple[QASetResult, ...]
    totals: Totals
    latency: dict[str, Any]  # measured on the run that filled the cache
    parameters: int | None = None
    onnx_bytes: int = 0
    evaluation_set: str = ""  # the bundled model's hand-written evaluation set, if recorded
    evaluation: tuple[EvaluationRow, ...] = ()

    @property
    def sha_short(self) -> str:
        return self.model_sha256[:12]

    @property
    def model_label(self) -> str:
        if self.bundled:
            return (
                f"{self.model_name} (the project's bundled stand-in: all-MiniLM-L6-v2 fine-tuned "
                "on rule-made questions about World Factbook text)"
            )
        return self.model_name

    def to_json(self) -> dict[str, Any]:
        return {
            "model": {
                "name": self.model_name,
                "sha256": self.model_sha256,
                "bundled": self.bundled,
                "configured": self.configured_model,
                "fallback_reason": self.fallback_reason,
                "parameters": self.parameters,
                "onnx_bytes": self.onnx_bytes,
            },
            "settings": self.settings.to_json(),
            "totals": self.totals.to_json(),
            "latency": self.latency,
            "sets": [s.to_json() for s in self.sets],
            "evaluation": {
                "set": self.evaluation_set,
                "rows": [r.to_json() for r in self.evaluation],
            }
            if self.evaluation
            else None,
        }


def choose_model(spec: QAEvidenceSpec, env: EvidenceEnv) -> tuple[ResolvedModel, str | None]:
    """The configured model, or the bundled one after a single warning."""
    work_dir = env.cache.root / "qa-models"
    try:
        model = resolve_model(spec.model, env.project_root, work_dir)
    except ModelUnavailable as exc:
        log.warning(
            "%s: QA model %s is not available (%s); using the bundled stand-in %s instead, "
            "and the page says so",
            spec.record,
            spec.model,
            exc,
            BUNDLED_NAME,
        )
        return bundled_model(env.project_root, work_dir), str(exc)
    if model.directory.resolve() == (env.project_root / BUNDLED_DIR).resolve():
        model = bundled_model(env.project_root, work_dir)
    return model, None


def load_sets(spec: QAEvidenceSpec) -> list[ExampleSet]:
    if spec.sets:  # already read and checked with the records
        return list(spec.sets)
    problems = Problems()
    sets = [load_example_set(path, problems) for path in spec.examples]
    problems.raise_if_any()
    return [s for s in sets if s is not None]


def compute_qa_evidence(spec: QAEvidenceSpec, env: EvidenceEnv) -> QAEvidenceResult:
    """Answer every example of ``spec`` with the chosen model; cached by content."""
    sets = load_sets(spec)
    model, reason = choose_model(spec, env)
    settings = DecodingSettings(null_threshold=bundled_null_threshold(model, spec.null_threshold))
    session = open_qa(model, settings, batch_size=BATCH_SIZE)

    problems = Problems()
    prepared = prepare_sets(session.preparer, sets, problems)
    problems.raise_if_any()

    def compute() -> dict[str, Any]:  # the ONNX session loads only on a cache miss
        pipeline = session.pipeline()
        answers, timing = run_sets(pipeline, prepared)
        return {
            "answers": [[a.to_json() for a in group] for group in answers],
            "latency": _latency(timing, pipeline),
        }

    key = hash_key(
        model.sha256, [s.sha256 for s in sets], settings.to_json(), CODE_VERSION, BATCH_SIZE
    )
    cached = env.cache.get_or_compute(CACHE_NAMESPACE, key, compute)
    return _result(spec, model, reason, settings, sets, cached)


def _latency(timing: Timing, pipeline: QAPipeline) -> dict[str, Any]:
    backend = pipeline.backend
    threads = getattr(getattr(backend, "session", None), "get_session_options", None)
    latency = timing.to_json()
    latency["threads"] = threads().intra_op_num_threads if threads else None
    latency["batch_size"] = pipeline.batch_size
    return latency


def _result(
    spec: QAEvidenceSpec,
    model: ResolvedModel,
    reason: str | None,
    settings: DecodingSettings,
    sets: list[ExampleSet],
    cached: dict[str, Any],
) -> QAEvidenceResult:
    from generator.qa.decoding import Answer

    set_results: list[QASetResult] = []
    all_scored: list[Scored] = []
    for example_set, group in zip(sets, cached["answers"], strict=True):
        scored = score_set(example_set, [Answer(**a) for a in group])
        all_scored.extend(scored)
        rows = tuple(QAExampleResult.of(s) for s in scored)
        set_results.append(QASetResult(example_set.title, example_set.source, rows, totals(scored)))
    parameters = model.manifest.get("parameters")
    evaluation_set, evaluation = evaluation_rows(model)
    return QAEvidenceResult(
        slug=spec.slug,
        configured_model=spec.model,
        model_name=model.name,
        model_sha256=model.sha256,
        bundled=model.bundled,
        fallback_reason=reason,
        onnx_path=model.onnx_path,
        tokenizer_path=model.tokenizer_path,
        settings=settings,
        sets=tuple(set_results),
        totals=totals(all_scored),
        latency=cached["latency"],
        parameters=parameters if isinstance(parameters, int) else None,
        onnx_bytes=model.onnx_path.stat().st_size,
        evaluation_set=evaluation_set,
        evaluation=evaluation,
    )
