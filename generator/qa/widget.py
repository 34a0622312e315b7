"""The in-browser QA widget: which files a QA model page ships, and the widget's template context.

The widget itself is static (``static/qa/*.mjs``, ``static/css/qa-widget.css``, copied with the
rest of ``static/``; ``templates/partials/qa_widget.html`` renders it). A QA model page adds:

* per page, beside it in ``<page>/qa-widget/``: the int8 ONNX model, ``tokenizer.json`` and
  ``tokenizer_config.json`` (the very files the build-time pipeline used);
* once per site, in ``qa-runtime/``: onnxruntime-web's CPU/WASM build (``ort.wasm.bundle.min.mjs``
  and ``ort-wasm-simd-threaded.wasm``) and ``@huggingface/tokenizers``' browser module, copied
  from ``node_modules`` (``npm ci``; never committed).

When ``node_modules`` lacks them, :func:`find_runtime` logs one warning naming the fix
(``npm ci``) and returns None: the page then shows the precomputed examples without the live
widget, and ``--strict`` turns the warning into a failed build.

Every URL in :class:`WidgetContext` is relative to the page, so the site works under any base
path (``/preview/123/``). Multi-threaded WebAssembly needs a cross-origin isolated page:
``static/_headers`` (see :func:`headers_file`) asks hosts that read it for COOP/COEP; elsewhere
the widget runs on one thread (docs/qa-widget.md).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from generator.cache import file_sha256
from generator.errors import UserError
from generator.urls import relative_url

if TYPE_CHECKING:
    from generator.qa.evidence import QAEvidenceResult
    from generator.qa.windows import DecodingSettings

log = logging.getLogger(__name__)

RUNTIME_DIR = "qa-runtime"  # site folder of the runtime files, shared by every QA page
MODEL_DIR = "qa-widget"  # folder beside each QA model page holding its model and tokenizer
STATIC_DIR = "static"  # where the build copies ``static/`` (generator/pages.py)

ORT_PACKAGE = "onnxruntime-web"
ORT_FILES = ("ort.wasm.bundle.min.mjs", "ort-wasm-simd-threaded.wasm")
TOKENIZERS_PACKAGE = "@huggingface/tokenizers"
TOKENIZERS_FILE = "tokenizers.min.mjs"

DEFAULT_MAX_THREADS = 4  # WASM threads on a cross-origin isolated page (capped by the CPU count)

# The host-read header file for Netlify and Cloudflare Pages (static/_headers is copied to the
# site root). COOP + COEP make pages cross-origin isolated, which multi-threaded WebAssembly
# needs. ``require-corp`` is the value every current browser supports; it only affects
# cross-origin subresources, and the site loads none.
HEADERS = """\
# Cross-origin isolation for the in-browser QA widget (multi-threaded WebAssembly).
# Read by Netlify and Cloudflare Pages; see docs/qa-widget.md for other hosts.
/*
  Cross-Origin-Opener-Policy: same-origin
  Cross-Origin-Embedder-Policy: require-corp
"""


def headers_file() -> str:
    """The content of ``static/_headers`` (a test keeps the committed file equal to it)."""
    return HEADERS


@dataclass(frozen=True)
class WidgetRuntime:
    """The front-end packages the widget loads, found in ``node_modules``."""

    ort_module: Path
    ort_wasm: Path
    tokenizers_module: Path
    ort_version: str
    tokenizers_version: str

    def files(self) -> dict[str, Path]:
        """Site path -> source, copied once per site."""
        return {
            f"{RUNTIME_DIR}/{self.ort_module.name}": self.ort_module,
            f"{RUNTIME_DIR}/{self.ort_wasm.name}": self.ort_wasm,
            f"{RUNTIME_DIR}/{TOKENIZERS_FILE}": self.tokenizers_module,
        }


def _package_version(package_dir: Path) -> str:
    try:
        data = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(
            f"{package_dir / 'package.json'}: unreadable ({exc}); run `npm ci`"
        ) from exc
    return str(data.get("version", "unknown"))


def find_runtime(node_modules: Path) -> WidgetRuntime | None:
    """The runtime files in ``node_modules``, or None after one warning saying to run ``npm ci``."""
    ort_dist = node_modules / ORT_PACKAGE / "dist"
    tok_dist = node_modules / TOKENIZERS_PACKAGE / "dist"
    wanted = [ort_dist / name for name in ORT_FILES] + [tok_dist / TOKENIZERS_FILE]
    missing = [p for p in wanted if not p.is_file()]
    if missing:
        log.warning(
            "the in-browser QA widget is left out: %s missing (run `npm ci` in the project "
            "root to install onnxruntime-web and @huggingface/tokenizers from package-lock.json)",
            ", ".join(str(p) for p in missing),
        )
        return None
    return WidgetRuntime(
        ort_module=wanted[0],
        ort_wasm=wanted[1],
        tokenizers_module=wanted[2],
        ort_version=_package_version(node_modules / ORT_PACKAGE),
        tokenizers_version=_package_version(node_modules / TOKENIZERS_PACKAGE),
    )


@dataclass(frozen=True)
class WidgetModel:
    """The model a page's widget runs: the same files the build-time QA pipeline used."""

    name: str  # as shown on the page, e.g. "tiny MobileBERT (bundled)"
    onnx_path: Path  # the int8 ONNX model
    tokenizer_path: Path  # tokenizer.json
    tokenizer_config_path: Path | None = None  # tokenizer_config.json; "{}" is shipped if None
    sha256: str | None = None  # of ``onnx_path``; computed when not given

    def files(self, page_url: str) -> dict[str, Path]:
        """Site path -> source for this model, in the page's ``qa-widget/`` folder."""
        base = _model_dir(page_url)
        files = {
            f"{base}/model.int8.onnx": self.onnx_path,
            f"{base}/tokenizer.json": self.tokenizer_path,
        }
        if self.tokenizer_config_path is not None:
            files[f"{base}/tokenizer_config.json"] = self.tokenizer_config_path
        return files


@dataclass(frozen=True)
class WidgetContext:
    """What ``templates/partials/qa_widget.html`` receives as ``widget``."""

    element_id: str  # id of the widget's <section>; prefix of its controls' ids
    model_name: str
    model_bytes: int
    model_sha256: str
    total_bytes: int  # everything the first use downloads: model, wasm, tokenizer files
    script_url: str  # static/qa/widget.mjs, relative to the page
    css_url: str  # static/css/qa-widget.css (base.html already links every static/css file)
    config_json: str  # the widget's configuration, for its data-qa-config attribute
    prefill_question: str
    prefill_passage: str

    @property
    def model_size_text(self) -> str:
        return f"{self.model_bytes / 1e6:.1f} MB"


def _model_dir(page_url: str) -> str:
    if not page_url.startswith("/") or not page_url.endswith("/"):
        raise ValueError(f"a QA model page is a folder URL like '/models/x/', not {page_url!r}")
    return (page_url.strip("/") + "/" + MODEL_DIR).lstrip("/")


def _relative(page_url: str, site_path: str) -> str:
    """Link from the folder page ``page_url`` to the site file ``site_path`` (no leading /)."""
    return relative_url(page_url, "/" + site_path)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as exc:
        raise UserError(f"{path}: cannot ship it with the QA widget ({exc.strerror})") from exc


def widget_files(page_url: str, model: WidgetModel, runtime: WidgetRuntime) -> dict[str, Path]:
    """Every file a QA model page needs, site path -> source (the runtime ones are shared)."""
    return {**runtime.files(), **model.files(page_url)}


def widget_context(
    page_url: str,
    model: WidgetModel,
    runtime: WidgetRuntime,
    settings: DecodingSettings | Mapping[str, Any],
    example: tuple[str, str],
    *,
    element_id: str | None = None,
    max_threads: int = DEFAULT_MAX_THREADS,
) -> WidgetContext:
    """The template context of the widget on the page at ``page_url`` (a folder URL).

    ``example`` is ``(question, passage)``, one of the page's examples, to prefill the form.
    """
    base = _model_dir(page_url)
    model_bytes = _size(model.onnx_path)
    sha256 = model.sha256 or file_sha256(model.onnx_path)
    tok_bytes = _size(model.tokenizer_path)
    if model.tokenizer_config_path is not None:
        config_bytes = _size(model.tokenizer_config_path)
    else:
        config_bytes = len(EMPTY_TOKENIZER_CONFIG)
    wasm_bytes = _size(runtime.ort_wasm)

    def rel(site_path: str) -> str:
        return _relative(page_url, site_path)

    model_version = sha256[:16]
    config = {
        "model": {
            "url": rel(f"{base}/model.int8.onnx"),
            "bytes": model_bytes,
            "sha256": sha256,
            "version": model_version,
        },
        "tokenizer": {
            "url": rel(f"{base}/tokenizer.json"),
            "bytes": tok_bytes,
            "version": model_version,
            "type": "application/json",
        },
        "tokenizerConfig": {
            "url": rel(f"{base}/tokenizer_config.json"),
            "bytes": config_bytes,
            "version": model_version,
            "type": "application/json",
        },
        "wasm": {
            "url": rel(f"{RUNTIME_DIR}/{runtime.ort_wasm.name}"),
            "bytes": wasm_bytes,
            "version": runtime.ort_version,
            "type": "application/wasm",
        },
        "ortUrl": rel(f"{RUNTIME_DIR}/{runtime.ort_module.name}"),
        "tokenizersUrl": rel(f"{RUNTIME_DIR}/{TOKENIZERS_FILE}"),
        "settings": dict(settings) if isinstance(settings, Mapping) else settings.to_json(),
        "maxThreads": max_threads,
    }
    slug = page_url.strip("/").replace("/", "-") or "home"
    question, passage = example
    return WidgetContext(
        element_id=element_id or f"qa-widget-{slug}",
        model_name=model.name,
        model_bytes=model_bytes,
        model_sha256=sha256,
        total_bytes=model_bytes + tok_bytes + config_bytes + wasm_bytes,
        script_url=rel(f"{STATIC_DIR}/qa/widget.mjs"),
        css_url=rel(f"{STATIC_DIR}/css/qa-widget.css"),
        config_json=json.dumps(config, sort_keys=True, separators=(",", ":")),
        prefill_question=question,
        prefill_passage=passage,
    )


EMPTY_TOKENIZER_CONFIG = "{}\n"


class FileWriter(Protocol):
    """What :func:`ship_widget` needs from ``generator.write.SiteWriter``."""

    written: dict[str, str]

    def copy_file(self, rel: str, source: Path, origin: str) -> None: ...

    def write_text(self, rel: str, text: str, origin: str) -> None: ...


def ship_widget(
    writer: FileWriter,
    page_url: str,
    model: WidgetModel,
    runtime: WidgetRuntime,
    settings: DecodingSettings | Mapping[str, Any],
    example: tuple[str, str],
) -> WidgetContext:
    """Copy the widget's files for the page at ``page_url`` and return its template context.

    Runtime files are shared by every QA page and copied by the first one only.
    """
    context = widget_context(page_url, model, runtime, settings, example)
    for rel, source in runtime.files().items():
        if rel not in writer.written:
            writer.copy_file(rel, source, "qa widget")
    for rel, item in page_files(page_url, model).items():
        if isinstance(item, Path):
            writer.copy_file(rel, item, "qa widget")
        else:
            writer.write_text(rel, item.decode(), "qa widget")
    return context


def prefill_example(qa: QAEvidenceResult) -> tuple[str, str]:
    """The page's first answerable example the model got right, else its first example."""
    examples = [e for s in qa.sets for e in s.examples]
    if not examples:
        return ("", "")
    best = next((e for e in examples if e.answerable and e.exact), examples[0])
    return (best.question, best.passage)


def widget_model(qa: QAEvidenceResult) -> WidgetModel:
    """The widget's model: the very files the build-time QA pipeline used."""
    config = qa.tokenizer_path.with_name("tokenizer_config.json")
    return WidgetModel(
        name=qa.model_label,
        onnx_path=qa.onnx_path,
        tokenizer_path=qa.tokenizer_path,
        tokenizer_config_path=config if config.is_file() else None,
        sha256=qa.model_sha256,
    )


def page_files(page_url: str, model: WidgetModel) -> dict[str, bytes | Path]:
    """The files beside one QA page (its ``qa-widget/`` folder): output path -> source or bytes."""
    files: dict[str, bytes | Path] = dict(model.files(page_url))
    if model.tokenizer_config_path is None:
        files[f"{_model_dir(page_url)}/tokenizer_config.json"] = EMPTY_TOKENIZER_CONFIG.encode()
    return files


def widget_for_qa(
    writer: FileWriter, page_url: str, qa: QAEvidenceResult, runtime: WidgetRuntime | None
) -> WidgetContext | None:
    """Ship the widget for a QA model page from its evidence result; None without a runtime.

    Call :func:`find_runtime` once per build (it warns when ``npm ci`` was not run) and pass
    its result to every QA page.
    """
    if runtime is None:
        return None
    return ship_widget(
        writer, page_url, widget_model(qa), runtime, qa.settings, prefill_example(qa)
    )
