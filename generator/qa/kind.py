"""The ``qa`` evidence kind: extractive QA examples run through an ONNX model at build time.

Registered with :mod:`generator.evidence`; everything the build needs to know about QA evidence
is here. The backend (ONNX Runtime, tokenizers) is imported only by :meth:`QAKind.compute`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from generator.cache import hash_key
from generator.contentfiles import content_files
from generator.errors import Problems
from generator.evidence import (
    EvidenceEnv,
    KindPages,
    PageEvidence,
    RecordRef,
    Section,
    register,
)
from generator.fields import Reader
from generator.options import PROJECT_ROOT, BuildOptions
from generator.qa.spec import QAEvidenceSpec
from generator.urls import beside
from generator.yamlsource import content_name


def _json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"


class QAKind:
    name = "qa"
    template_dir = None  # templates/partials/qa_*.html

    def read(
        self, r: Reader, raw: Any, record: RecordRef, content_dir: Path
    ) -> QAEvidenceSpec | None:
        qa = r.mapping("evidence.qa", raw)
        if qa is None:
            return None
        r.keys("evidence.qa", qa, ("model", "examples"), ("null_threshold",))
        model = r.text("evidence.qa", qa, "model")
        examples = content_files(r, "evidence.qa", qa, "examples", content_dir)
        threshold = r.number("evidence.qa", qa, "null_threshold")
        if not model or not examples:
            return None
        return QAEvidenceSpec(
            record=record.display,
            slug=record.slug,
            model=model,
            examples=tuple(examples),
            null_threshold=threshold or 0.0,
        )

    def check(
        self, spec: QAEvidenceSpec, content_dir: Path, problems: Problems, r: Reader
    ) -> QAEvidenceSpec:
        from generator.qa.examples import load_example_set

        sets = [
            load_example_set(path, problems, source=content_name(path, content_dir))
            for path in spec.examples
        ]
        return replace(spec, sets=tuple(s for s in sets if s is not None))

    def input_files(self, spec: QAEvidenceSpec) -> list[Path]:
        """A local model folder, or the hub cache's pointer to the model's current snapshot
        (listed even while missing: the model turning up there changes the build)."""
        local = Path(spec.model).expanduser()
        if local.is_absolute():
            return [local]
        # A relative folder is taken from the project (as resolve_model does), never from the
        # working directory: the same build from another folder reads the same files.
        if (PROJECT_ROOT / local).exists() or "/" not in spec.model:
            return []
        import os

        from huggingface_hub import constants

        cache = Path(os.environ.get("HF_HUB_CACHE") or constants.HF_HUB_CACHE)
        return [cache / ("models--" + spec.model.replace("/", "--")) / "refs" / "main"]

    def compute(self, spec: QAEvidenceSpec, env: EvidenceEnv) -> Any:
        from generator.qa.evidence import compute_qa_evidence

        return compute_qa_evidence(spec, env)

    def pages(
        self, results: Mapping[str, Any], page_urls: Mapping[str, str], options: BuildOptions
    ) -> KindPages:
        from generator.qa.widget import (
            find_runtime,
            page_files,
            prefill_example,
            widget_context,
            widget_model,
        )

        # Looked up once per build: it warns (once) when `npm ci` was not run.
        runtime = find_runtime(options.node_modules) if results else None
        pages: dict[str, PageEvidence] = {}
        for slug, qa in sorted(results.items()):
            url = page_urls[slug]
            files: dict[str, bytes | Path] = {beside(url, "qa.json"): _json(qa.to_json())}
            sections = [Section("partials/qa_evidence.html", {"qa": qa})]
            if runtime is not None:
                model = widget_model(qa)
                widget = widget_context(url, model, runtime, qa.settings, prefill_example(qa))
                files.update(page_files(url, model))
                sections.append(Section("partials/qa_widget.html", {"widget": widget}))
            pages[slug] = PageEvidence(tuple(sections), files, hash_key(repr(sections)))
        return KindPages(pages, runtime.files() if runtime is not None else {})


register(QAKind())
