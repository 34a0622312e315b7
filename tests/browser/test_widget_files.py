"""generator/qa/widget.py and the widget partial, without a browser."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from generator.qa.widget import (
    WidgetModel,
    WidgetRuntime,
    find_runtime,
    headers_file,
    prefill_example,
    ship_widget,
    widget_context,
    widget_files,
    widget_for_qa,
)
from generator.qa.windows import DecodingSettings
from tests.browser.qa_site import PROJECT_ROOT

if TYPE_CHECKING:
    from generator.qa.evidence import QAEvidenceResult

SETTINGS = {
    "max_length": 384,
    "doc_stride": 128,
    "max_answer_tokens": 30,
    "max_question_tokens": 64,
    "null_threshold": 0.0,
}


def _fake_node_modules(root: Path) -> Path:
    nm = root / "node_modules"
    ort = nm / "onnxruntime-web"
    (ort / "dist").mkdir(parents=True)
    (ort / "package.json").write_text('{"version": "1.30.0"}')
    (ort / "dist" / "ort.wasm.bundle.min.mjs").write_text("export {};")
    (ort / "dist" / "ort-wasm-simd-threaded.wasm").write_bytes(b"\0asm" + b"\0" * 96)
    tok = nm / "@huggingface" / "tokenizers"
    (tok / "dist").mkdir(parents=True)
    (tok / "package.json").write_text('{"version": "0.2.0"}')
    (tok / "dist" / "tokenizers.min.mjs").write_text("export {};")
    return nm


def _model(root: Path) -> WidgetModel:
    (root / "m").mkdir()
    onnx = root / "m" / "model.int8.onnx"
    onnx.write_bytes(b"onnx" * 250)
    tok = root / "m" / "tokenizer.json"
    tok.write_text("{}")
    return WidgetModel(name="tiny <MobileBERT>", onnx_path=onnx, tokenizer_path=tok)


def test_missing_node_modules_warns_once_and_returns_none(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert find_runtime(tmp_path / "node_modules") is None
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert message.startswith("the in-browser QA widget is left out: ")
    assert "run `npm ci`" in message


def test_files_and_relative_urls(tmp_path: Path) -> None:
    runtime = find_runtime(_fake_node_modules(tmp_path))
    assert isinstance(runtime, WidgetRuntime)
    assert (runtime.ort_version, runtime.tokenizers_version) == ("1.30.0", "0.2.0")
    model = _model(tmp_path)
    files = widget_files("/models/tiny/", model, runtime)
    assert sorted(files) == [
        "models/tiny/qa-widget/model.int8.onnx",
        "models/tiny/qa-widget/tokenizer.json",
        "qa-runtime/ort-wasm-simd-threaded.wasm",
        "qa-runtime/ort.wasm.bundle.min.mjs",
        "qa-runtime/tokenizers.min.mjs",
    ]
    context = widget_context("/models/tiny/", model, runtime, SETTINGS, ("Q?", "P."))
    config = json.loads(context.config_json)
    assert config["model"]["url"] == "qa-widget/model.int8.onnx"
    assert config["model"]["bytes"] == 1000
    assert config["model"]["sha256"] == hashlib.sha256(b"onnx" * 250).hexdigest()
    assert config["wasm"]["url"] == "../../qa-runtime/ort-wasm-simd-threaded.wasm"
    assert config["ortUrl"] == "../../qa-runtime/ort.wasm.bundle.min.mjs"
    assert config["tokenizersUrl"] == "../../qa-runtime/tokenizers.min.mjs"
    assert config["settings"] == SETTINGS
    assert context.script_url == "../../static/qa/widget.mjs"
    assert context.total_bytes == 1000 + 2 + 3 + 100  # model, tokenizer, "{}\n", wasm
    assert context.element_id == "qa-widget-models-tiny"
    with pytest.raises(ValueError, match="folder URL"):
        widget_context("/models/tiny/index.html", model, runtime, SETTINGS, ("Q?", "P."))


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: dict[str, str] = {}

    def copy_file(self, rel: str, source: Path, origin: str) -> None:
        assert rel not in self.written, rel
        self.written[rel] = origin
        (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.root / rel).write_bytes(source.read_bytes())

    def write_text(self, rel: str, text: str, origin: str) -> None:
        assert rel not in self.written, rel
        self.written[rel] = origin
        (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.root / rel).write_text(text)


def test_two_pages_share_the_runtime_files(tmp_path: Path) -> None:
    runtime = find_runtime(_fake_node_modules(tmp_path))
    assert runtime is not None
    model = _model(tmp_path)
    writer = _Writer(tmp_path / "site")
    ship_widget(writer, "/models/a/", model, runtime, SETTINGS, ("Q?", "P."))
    ship_widget(writer, "/models/b/", model, runtime, SETTINGS, ("Q?", "P."))
    assert sum(rel.startswith("qa-runtime/") for rel in writer.written) == 3
    assert (tmp_path / "site/models/b/qa-widget/tokenizer_config.json").read_text() == "{}\n"


def test_partial_escapes_and_fails_loudly(tmp_path: Path) -> None:
    runtime = find_runtime(_fake_node_modules(tmp_path))
    assert runtime is not None
    evil = '</textarea><script>alert("x")</script>'
    context = widget_context(
        "/models/tiny/", _model(tmp_path), runtime, SETTINGS, ('Who "quoted"?', evil)
    )
    env = Environment(
        loader=FileSystemLoader(str(PROJECT_ROOT / "templates")),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
    )
    html = env.get_template("partials/qa_widget.html").render(widget=context)
    assert "<script>alert" not in html
    assert "&lt;/textarea&gt;&lt;script&gt;" in html
    assert 'value="Who &#34;quoted&#34;?"' in html
    assert "tiny &lt;MobileBERT&gt;" in html
    for hook in ("passage", "question", "ask", "answer", "status", "retry", "progress"):
        assert f'data-qa="{hook}"' in html
    assert 'role="status" aria-live="polite"' in html
    assert "The live widget needs JavaScript" in html
    # the config attribute round-trips through HTML escaping
    start = html.index('data-qa-config="') + len('data-qa-config="')
    raw = html[start : html.index('"', start)]
    unescaped = raw.replace("&#34;", '"').replace("&amp;", "&")
    assert json.loads(unescaped)["model"]["url"] == "qa-widget/model.int8.onnx"


def test_committed_headers_file_is_current() -> None:
    assert (PROJECT_ROOT / "static" / "_headers").read_text() == headers_file()


@dataclass(frozen=True)
class _Example:
    question: str
    passage: str
    answerable: bool
    exact: int


@dataclass(frozen=True)
class _Set:
    examples: tuple[_Example, ...]


@dataclass(frozen=True)
class _QA:
    model_label: str
    model_sha256: str
    onnx_path: Path
    tokenizer_path: Path
    settings: DecodingSettings
    sets: tuple[_Set, ...]


def test_widget_for_qa_prefills_a_right_answer(tmp_path: Path) -> None:
    model = _model(tmp_path)
    examples = (
        _Example("Unanswerable?", "P1", answerable=False, exact=1),
        _Example("Missed?", "P2", answerable=True, exact=0),
        _Example("Right?", "P3", answerable=True, exact=1),
    )
    # The widget reads only these fields of a QAEvidenceResult.
    qa = cast(
        "QAEvidenceResult",
        _QA(
            "tiny",
            "ab" * 32,
            model.onnx_path,
            model.tokenizer_path,
            DecodingSettings(),
            (_Set(examples),),
        ),
    )
    assert prefill_example(qa) == ("Right?", "P3")
    writer = _Writer(tmp_path / "site")
    assert widget_for_qa(writer, "/models/tiny/", qa, None) is None
    assert writer.written == {}
    runtime = find_runtime(_fake_node_modules(tmp_path))
    context = widget_for_qa(writer, "/models/tiny/", qa, runtime)
    assert context is not None
    assert (context.prefill_question, context.model_sha256) == ("Right?", "ab" * 32)
    assert json.loads(context.config_json)["settings"] == DecodingSettings().to_json()
