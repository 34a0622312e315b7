"""In-browser QA latency (onnxruntime-web in headless Chromium) vs native ONNX Runtime in Python.

Not a test. For each model (the bundled one and the full-size MobileBERT architecture with random
weights, exported to a temporary folder) and each question (a short passage: one window of ~40
tokens, and a long one: two windows of up to 384 tokens), it measures side by side in one run:

* browser, WebAssembly, 1 thread (plain page) and 2 threads (cross-origin isolated page):
  the widget's own per-question time in its worker (tokenize + run + decode), median of N;
* native ONNX Runtime (CPU, same int8 file, same windows) with 1 and 2 intra-op threads:
  ``QAPipeline.answer`` (tokenize + run + decode), median of N;
* click to first answer with an empty cache (download, start, first answer) and the bytes the
  first and the second visit download.

Run: ``.venv/bin/python benchmarks/browser_qa.py [--repeat 7] [--no-full] [--no-write]``
(needs /usr/bin/chromium, ``npm ci`` and, for the full-size model, the ``export`` extra).
It writes its table between ``<!-- browser:start -->`` and ``<!-- browser:end -->`` in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench_common import cpu_model, write_docs_section  # noqa: E402

from generator.cache import file_sha256 as sha256_of  # noqa: E402
from generator.qa.resolve import BUNDLED_DIR  # noqa: E402
from tests.browser.qa_site import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    build_harness_site,
    missing_prerequisite,
    serve,
)

BUNDLED = PROJECT_ROOT / BUNDLED_DIR
BUNDLED_ONNX = BUNDLED / "onnx" / "model.int8.onnx"
DOCS = PROJECT_ROOT / "docs" / "benchmarks.md"
START, END = "<!-- browser:start -->", "<!-- browser:end -->"
ROOT = "[data-qa-widget]"

SHORT = (
    "Who designed the harbour bridge?",
    "The harbour bridge was designed by the engineer Ada Lindqvist and opened to traffic in "
    "1932, after six years of construction by a crew of nearly three thousand workers.",
)
LONG = (
    "How many lamps did the lighthouse have?",
    " ".join(
        "The lighthouse on the northern cape was rebuilt in stone after the storm of 1851, and "
        "its keepers logged the weather, the passing ships and the state of the lamps every "
        "night for more than a century."
        for _ in range(12)
    )
    + " In its last years the lighthouse had four lamps.",
)
QUESTIONS = {"short": SHORT, "long": LONG}


@dataclass
class Row:
    model: str
    question: str
    windows: int
    tokens: int
    native1: float
    native2: float
    wasm1: float
    wasm2: float


def export_full_size(out: Path, tokenizer_dir: Path) -> Path:
    """Full-size MobileBERT QA (random weights) -> ONNX int8 in ``out``, with that tokenizer."""
    import torch
    from transformers import MobileBertConfig, MobileBertForQuestionAnswering

    from generator.qa.export import export_onnx, quantize_int8

    torch.manual_seed(0)
    model = MobileBertForQuestionAnswering(MobileBertConfig())
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    export_onnx(model, out / "onnx" / "model.onnx")
    quantize_int8(out / "onnx" / "model.onnx", out / "onnx" / "model.int8.onnx")
    (out / "onnx" / "model.onnx").unlink()  # 98 MB; only int8 is compared
    for name in ("tokenizer.json", "tokenizer_config.json"):
        if (tokenizer_dir / name).is_file():
            shutil.copyfile(tokenizer_dir / name, out / name)
    return out


def _open(page: Any, url: str) -> float:
    """Load the page and answer its prefilled question on an empty cache; returns the wall ms
    from the click to the answer (download, start, first answer)."""
    page.goto(url)
    began = time.perf_counter()
    page.click('[data-qa="ask"]')
    page.wait_for_function(
        f"document.querySelector('{ROOT}').dataset.qaDone === '1'", timeout=300_000
    )
    return (time.perf_counter() - began) * 1000


def _ask(page: Any, question: str, passage: str) -> float:
    """The widget's own time for one question (tokenize, run, decode in its worker)."""
    before = page.get_attribute(ROOT, "data-qa-done")
    page.fill('[data-qa="passage"]', passage)
    page.fill('[data-qa="question"]', question)
    page.click('[data-qa="ask"]')
    page.wait_for_function(
        f"document.querySelector('{ROOT}').dataset.qaDone !== '{before}'", timeout=300_000
    )
    return float(page.get_attribute(ROOT, "data-qa-ms") or "nan")


def _native_ms(pipe: Any, question: str, passage: str) -> float:
    began = time.perf_counter()
    pipe.answer(question, passage)
    return (time.perf_counter() - began) * 1000


def measure(
    name: str, model_dir: Path, site: Path, page_url: str, repeat: int, chromium: Any
) -> tuple[list[Row], dict[str, float]]:
    """Native and browser, interleaved question by question so that a busy machine slows
    both sides alike (the machines are shared)."""
    from generator.qa.backend import OnnxBackend
    from generator.qa.pipeline import QAPipeline
    from generator.qa.windows import QATokenizer

    tokenizer = QATokenizer.from_file(model_dir / "tokenizer.json")
    onnx = model_dir / "onnx" / "model.int8.onnx"
    pipes = {t: QAPipeline(tokenizer, OnnxBackend(onnx, t)) for t in (1, 2)}
    with serve(site) as (plain_base, plain), serve(site, isolated=True) as (iso_base, _):
        contexts = [chromium.new_context(), chromium.new_context()]
        pages = {1: contexts[0].new_page(), 2: contexts[1].new_page()}
        first = _open(pages[1], plain_base + page_url)
        cold = sum(plain.bytes_sent.values())
        _open(pages[2], iso_base + page_url)
        threads = {t: int(pages[t].get_attribute(ROOT, "data-qa-threads") or 0) for t in pages}
        if threads != {1: 1, 2: 2}:
            raise RuntimeError(f"expected 1 and 2 WASM threads, the pages run {threads}")
        times: dict[tuple[str, str], list[float]] = {}
        for label, (q, p) in QUESTIONS.items():
            for t in (1, 2):  # warm-up
                _native_ms(pipes[t], q, p)
                _ask(pages[t], q, p)
            for _ in range(repeat):
                for t in (1, 2):
                    times.setdefault((label, f"native{t}"), []).append(_native_ms(pipes[t], q, p))
                    times.setdefault((label, f"wasm{t}"), []).append(_ask(pages[t], q, p))
        sent = sum(plain.bytes_sent.values())
        pages[1].reload()
        _ask(pages[1], *SHORT)
        warm = sum(plain.bytes_sent.values()) - sent
        for context in contexts:
            context.close()
    rows = []
    for label, (q, p) in QUESTIONS.items():
        prepared = pipes[1].prepare(q, p)
        med = {
            k: statistics.median(times[(label, k)])
            for k in ("native1", "native2", "wasm1", "wasm2")
        }
        rows.append(
            Row(
                name,
                label,
                len(prepared.windows),
                len(prepared.passage_tokens.ids),
                med["native1"],
                med["native2"],
                med["wasm1"],
                med["wasm2"],
            )
        )
    facts = {
        "first_answer_ms": first,
        "cold_bytes": cold,
        "warm_bytes": warm,
        "model_bytes": float(onnx.stat().st_size),
    }
    return rows, facts


def _machine() -> str:
    cpu = cpu_model()
    chromium = subprocess.run(
        [str(CHROMIUM), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    import onnxruntime

    from generator.qa.widget import find_runtime

    runtime = find_runtime(PROJECT_ROOT / "node_modules")
    web = runtime.ort_version if runtime else "?"
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"{chromium}; onnxruntime-web {web}; onnxruntime {onnxruntime.__version__} (Python)"
    )


def _table(rows: list[Row], extra: dict[str, dict[str, float]], repeat: int, command: str) -> str:
    lines = [
        f"Command: `{command}` (median of {repeat} runs after a warm-up, native and browser "
        "interleaved question by question; same int8 file and inputs on both sides; "
        "per-question time = tokenize + run + decode; 2 threads = a cross-origin isolated page "
        "vs 2 intra-op threads).",
        "",
        f"Machine: {_machine()}.",
        "",
        "Models (int8 ONNX): "
        + "; ".join(f"{name}, {e['model_bytes'] / 1e6:.1f} MB" for name, e in extra.items())
        + (
            f"; the bundled model's int8 file has sha256 {sha256_of(BUNDLED_ONNX)[:12]}…"
            if BUNDLED_ONNX.is_file()
            else ""
        )
        + ".",
        "",
        "| model | question | windows | native 1 thr (ms) | wasm 1 thr (ms) | wasm/native 1 thr "
        "| native 2 thr (ms) | wasm 2 thr, isolated (ms) | wasm/native 2 thr |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.model} | {r.question}, {r.tokens} passage tokens | {r.windows} "
            f"| {r.native1:.1f} | {r.wasm1:.1f} | {r.wasm1 / r.native1:.2f}× "
            f"| {r.native2:.1f} | {r.wasm2:.1f} | {r.wasm2 / r.native2:.2f}× |"
        )
    full = [r for r in rows if "full size" in r.model]
    if full:
        worst1 = max(r.wasm1 / r.native1 for r in full)
        best = min(min(r.wasm1 / r.native1, r.wasm2 / r.native2) for r in full)
        verdict = "met" if worst1 <= 2 else "not met"
        lines += [
            "",
            f"Target of issue 4 (browser within 2× of native, full-size model): **{verdict}** "
            f"here: wasm/native is {best:.1f}×–{worst1:.1f}×. The gap is the int8 matrix "
            "kernels (native ONNX Runtime uses the CPU's AVX2/AVX-512 int8 kernels; "
            "onnxruntime-web 1.30 ships one 128-bit WASM SIMD build, whose instruction set has "
            "no 8-bit dot product; the Relaxed SIMD dot product that would help is not in the "
            "npm build, see `docs/qa-widget.md`), not the widget's own work: "
            "tokenizing, windowing and decoding cost a few ms per question.",
        ]
        longest = max(full, key=lambda r: r.tokens)

        def change(ratio: float) -> str:
            return f"{1 - ratio:.0%} faster" if ratio < 1 else f"{ratio - 1:.0%} slower"

        web, nat = longest.wasm2 / longest.wasm1, longest.native2 / longest.native1
        lines[-1] += (
            f" With a second thread the long question is {change(web)} in the browser "
            f"(isolated page) and {change(nat)} natively on this {os.cpu_count()}-core machine"
            + (
                "; it is shared and was busy, so a second thread competed with other work."
                if min(web, nat) > 0.9
                else "."
            )
        )
    lines += [
        "",
        "| model | click → first answer, empty cache | first visit downloads "
        "| second visit downloads |",
        "|---|---:|---:|---:|",
    ]
    for model, e in extra.items():
        lines.append(
            f"| {model} | {e['first_answer_ms'] / 1000:.2f} s | {e['cold_bytes'] / 1e6:.1f} MB "
            f"| {e['warm_bytes'] / 1e3:.0f} kB (model and runtime from the Cache API) |"
        )
    return "\n".join(lines)


def write_docs(text: str) -> None:
    write_docs_section("browser", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--model", type=Path, default=BUNDLED, help="the small model's folder")
    parser.add_argument("--no-full", action="store_true", help="skip the full-size model")
    parser.add_argument("--no-write", action="store_true", help="print, do not edit the docs")
    args = parser.parse_args(argv)
    reason = missing_prerequisite()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    rows: list[Row] = []
    extra: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="browser-qa-bench-") as tmp:
        small = "bundled MiniLM-L6 QA" if args.model == BUNDLED else args.model.name
        models = {small: args.model}
        if not args.no_full:
            full = export_full_size(Path(tmp) / "full", args.model)
            models["MobileBERT full size (random weights)"] = full
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for name, model_dir in models.items():
                site = Path(tmp) / f"site-{len(extra)}"
                page_url = build_harness_site(site, model_dir, SHORT)
                model_rows, extra[name] = measure(
                    name, model_dir, site, page_url, args.repeat, chromium
                )
                rows.extend(model_rows)
                print(f"{name}: done", file=sys.stderr)
            chromium.close()
    command = "python benchmarks/browser_qa.py" + (" --no-full" if args.no_full else "")
    if args.repeat != 7:
        command += f" --repeat {args.repeat}"
    text = _table(rows, extra, args.repeat, command)
    print(text)
    if not args.no_write:
        write_docs(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
