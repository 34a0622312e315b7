"""``python build.py qa``: answer questions with an extractive QA model, for people and scripts.

    python build.py qa --model PATH_OR_ID --examples content/qa/science.yaml [--format json]
    python build.py qa --model PATH_OR_ID --question "Who?" --passage "…"

``--model`` is a checkpoint folder or a hub id found in the Hugging Face cache (offline). There is
no fallback here: a missing model is an error, so a script never gets another model's answers.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, TextIO

from generator.commands.common import whole_number
from generator.errors import UserError
from generator.limits import MAX_BATCH_SIZE, MAX_PASSAGE_CHARS, MAX_QUESTION_CHARS, MAX_THREADS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        required=True,
        metavar="PATH_OR_ID",
        help="checkpoint folder, or a hub id in the Hugging Face cache",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--examples",
        type=Path,
        nargs="+",
        metavar="FILE.yaml",
        help="QA example sets (see content/qa/)",
    )
    source.add_argument("--question", help="one question (needs --passage)")
    parser.add_argument("--passage", help="the passage for --question")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--null-threshold",
        type=_finite,
        default=0.0,
        help="abstain when null score - best span score exceeds this (default 0)",
    )
    parser.add_argument(
        "--threads",
        type=whole_number(1, MAX_THREADS),
        default=None,
        metavar="N",
        help="ONNX Runtime intra-op threads (default: ONNX Runtime's choice)",
    )
    parser.add_argument(
        "--batch-size",
        type=whole_number(1, MAX_BATCH_SIZE),
        default=1,
        metavar="N",
        help=f"windows per ONNX Runtime call, 1 to {MAX_BATCH_SIZE} (default 1, as the build: "
        "with int8 models a window's logits depend on the rest of its batch; see docs/qa.md)",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=Path(".cache") / "qa-models",
        help="where an ONNX export of a PyTorch-only checkpoint is kept",
    )


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _check_text(option: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise UserError(f"{option}: {len(text):,} characters; the limit is {limit:,}")


def _rows(args: argparse.Namespace) -> tuple[list[dict[str, Any]], dict[str, Any] | None, Any]:
    from generator.errors import Problems
    from generator.qa.evaluate import prepare_sets, run_sets, score_set, totals
    from generator.qa.examples import load_example_set
    from generator.qa.resolve import resolve_model
    from generator.qa.session import open_qa
    from generator.qa.windows import DecodingSettings, InputError

    settings = DecodingSettings(null_threshold=args.null_threshold)
    problems = Problems()
    sets = []
    if args.examples:
        sets = [load_example_set(path, problems) for path in args.examples]
        problems.raise_if_any()
    elif args.passage is None:
        raise UserError("--question needs --passage")
    else:
        _check_text("--question", args.question, MAX_QUESTION_CHARS)
        _check_text("--passage", args.passage, MAX_PASSAGE_CHARS)
    model = resolve_model(args.model, Path.cwd(), args.work_dir)
    session = open_qa(model, settings, batch_size=args.batch_size, threads=args.threads)
    pipeline = session.pipeline()
    who = {"model": model.name, "model_sha256": model.sha256}
    if not args.examples:
        try:
            answer = pipeline.answer(args.question, args.passage)
        except InputError as exc:
            raise UserError(f"--{exc.field}: {exc.message}") from exc
        return [{"question": args.question, **answer.to_json(), **who}], None, model
    present = [s for s in sets if s is not None]
    prepared = prepare_sets(pipeline, present, problems)
    problems.raise_if_any()
    answers, timing = run_sets(pipeline, prepared)
    rows: list[dict[str, Any]] = []
    scored_all = []
    for example_set, group in zip(present, answers, strict=True):
        scored = score_set(example_set, group)
        scored_all.extend(scored)
        for s in scored:
            rows.append(
                {
                    "id": s.example.id,
                    "source": example_set.display,
                    "question": s.example.question,
                    **s.answer.to_json(),
                    "expected": list(s.example.answers),
                    "exact": s.exact,
                    "f1": s.f1,
                    **who,
                }
            )
    summary = {"totals": totals(scored_all).to_json(), "latency": timing.to_json()}
    return rows, summary, model


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _table(
    rows: list[dict[str, Any]], summary: dict[str, Any] | None, model: Any, out: TextIO
) -> None:
    label = f"{model.name} (sha256 {model.sha256[:12]})"
    print(f"model: {label}", file=out)
    width = min(40, max((len(str(r.get("id", ""))) for r in rows), default=2))
    for r in rows:
        answer = "no answer" if r["abstained"] else repr(r["answer"])
        scores = f"score {_number(r['score'])}  null {_number(r['null_score'])}"
        grade = f"  EM {r['exact']} F1 {r['f1']:.2f}" if "exact" in r else ""
        name = str(r.get("id", r["question"]))[:width]
        print(f"{name:<{width}}  {answer:<32}  {scores}{grade}", file=out)
    if summary:
        t = summary["totals"]
        parts = [
            f"{k}: EM {_number(v['exact'])} F1 {_number(v['f1'])} (n={v['count']})"
            for k, v in t.items()
        ]
        print("totals  " + "; ".join(parts), file=out)
        lat = summary["latency"]
        print(
            f"latency {lat['per_question_ms']:.1f} ms/question over {lat['questions']} "
            f"questions, {lat['windows']} windows",
            file=out,
        )


def run(args: argparse.Namespace) -> int:
    rows, summary, model = _rows(args)
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        _table(rows, summary, model, sys.stdout)
    return 0
