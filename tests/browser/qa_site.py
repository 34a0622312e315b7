"""Helpers for the browser tests and benchmarks/browser_qa.py: a local static server and Chromium.

The server serves a built site from a thread on 127.0.0.1, counts requests per path (so a test
can prove the second visit took the model from the Cache API), can fail chosen paths with 404,
and can add the COOP/COEP headers of ``static/_headers`` for the cross-origin isolated variant.
Every response says ``Cache-Control: no-store`` so the HTTP cache cannot hide a second download.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
NODE_MODULES = PROJECT_ROOT / "node_modules"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # CI containers often have a tiny /dev/shm
]
ISOLATION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
}


def missing_prerequisite() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    if not (NODE_MODULES / "onnxruntime-web" / "dist").is_dir():
        return f"{NODE_MODULES}/onnxruntime-web is missing (npm ci)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright for Python is not installed (pip install -e '.[dev]')"
    return None


@dataclass
class ServerState:
    root: Path
    isolated: bool = False
    fail: set[str] = field(default_factory=set)  # site paths answered with 404
    hits: Counter[str] = field(default_factory=Counter)
    bytes_sent: Counter[str] = field(default_factory=Counter)  # file bytes of 200 responses
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, path: str) -> int:
        with self.lock:
            return self.hits[path]


_TYPES = {
    **SimpleHTTPRequestHandler.extensions_map,
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".onnx": "application/octet-stream",
    ".json": "application/json",
}


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, state: ServerState, **kwargs: Any) -> None:
        self.state = state
        self.extensions_map = _TYPES
        super().__init__(*args, directory=str(state.root), **kwargs)

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        with self.state.lock:
            self.state.hits[path] += 1
        if path in self.state.fail:
            self.send_error(404, "File not found")
            return
        local = Path(self.translate_path(self.path))
        if local.is_file():
            with self.state.lock:
                self.state.bytes_sent[path] += local.stat().st_size
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        if self.state.isolated:
            for name, value in ISOLATION_HEADERS.items():
                self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the tests look at ServerState.hits


@contextlib.contextmanager
def serve(root: Path, isolated: bool = False) -> Iterator[tuple[str, ServerState]]:
    """Serve ``root`` on 127.0.0.1 (a free port) from a thread; yields (base URL, state)."""
    state = ServerState(root=root, isolated=isolated)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, state=state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


HARNESS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>QA widget harness</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{ widget.css_url }}">
</head>
<body>
<main>
{% include "partials/qa_widget.html" %}
</main>
</body>
</html>
"""


class _DictWriter:
    """What ship_widget uses of generator.write.SiteWriter, writing straight into a folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: dict[str, str] = {}

    def _target(self, rel: str, origin: str) -> Path:
        if rel in self.written:
            raise AssertionError(f"{rel} written twice ({self.written[rel]}, {origin})")
        self.written[rel] = origin
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def copy_file(self, rel: str, source: Path, origin: str) -> None:
        self._target(rel, origin).write_bytes(source.read_bytes())

    def write_text(self, rel: str, text: str, origin: str) -> None:
        self._target(rel, origin).write_text(text, encoding="utf-8")


def build_harness_site(
    out: Path,
    model_dir: Path,
    example: tuple[str, str],
    page_url: str = "/models/test-qa/",
) -> str:
    """A one-page site with the widget partial, laid out like the real build; returns the page URL.

    ``model_dir`` holds ``onnx/model.int8.onnx``, ``tokenizer.json`` and ``tokenizer_config.json``.
    """
    import shutil

    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from generator.qa.widget import WidgetModel, find_runtime, ship_widget
    from generator.qa.windows import DecodingSettings

    runtime = find_runtime(NODE_MODULES)
    assert runtime is not None, "node_modules is missing: run npm ci"
    config = model_dir / "tokenizer_config.json"
    model = WidgetModel(
        name="test model",
        onnx_path=model_dir / "onnx" / "model.int8.onnx",
        tokenizer_path=model_dir / "tokenizer.json",
        tokenizer_config_path=config if config.is_file() else None,
    )
    shutil.copytree(PROJECT_ROOT / "static", out / "static")
    writer = _DictWriter(out)
    context = ship_widget(writer, page_url, model, runtime, DecodingSettings(), example)
    env = Environment(
        loader=FileSystemLoader(str(PROJECT_ROOT / "templates")),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
    )
    html = env.from_string(HARNESS_PAGE).render(widget=context)
    page = out / page_url.strip("/") / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(html, encoding="utf-8")
    return page_url
