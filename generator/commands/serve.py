"""``build.py serve``: build, serve on 127.0.0.1, rebuild on change and reload the browser.

The server reads files from the output folder on every request, so the atomic swap of a rebuild
is picked up at once. Rebuilds are incremental (only changed pages render). HTML responses get a
small live-reload script that listens on ``/__livereload`` (server-sent events); it is added to
the response only, so the output folder is byte-identical to ``build.py build``. A rebuild that
fails prints its errors and keeps the last good site. Responses carry COOP/COEP headers so the
QA widget can use threads, as it would behind a host that honours ``_headers``.
"""

from __future__ import annotations

import argparse
import functools
import logging
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from generator.commands.common import add_site_arguments, options_from_args, whole_number
from generator.errors import ContentErrors, UserError

log = logging.getLogger(__name__)


class Generation:
    """A counter bumped after each successful rebuild; waiters wake up on change."""

    def __init__(self) -> None:
        self.value = 0
        self.changed = threading.Condition()

    def bump(self) -> None:
        with self.changed:
            self.value += 1
            self.changed.notify_all()

    def wait_past(self, seen: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.value != seen, timeout=timeout)
            return self.value


RELOAD_SCRIPT = (
    b'<script>new EventSource("/__livereload").onmessage = () => location.reload();</script>\n'
)


def inject_reload(html: bytes) -> bytes:
    """``html`` with the live-reload script before its closing ``</body>`` (or at the end)."""
    at = html.rfind(b"</body>")
    return html + RELOAD_SCRIPT if at < 0 else html[:at] + RELOAD_SCRIPT + html[at:]


class DevHandler(SimpleHTTPRequestHandler):
    generation: Generation

    def end_headers(self) -> None:
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        if self.path == "/__livereload":
            self._events()
            return
        page = self._html_file()
        if page is None:
            super().do_GET()
            return
        try:
            body = inject_reload(page.read_bytes())
        except OSError:
            self.send_error(404, "File not found")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _html_file(self) -> Path | None:
        """The HTML file a GET of this path serves, or None (redirects, other files)."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return None  # the base class redirects to the folder URL
            path = path / "index.html"
        return path if path.suffix == ".html" and path.is_file() else None

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen = self.generation.value
        try:
            while True:
                now = self.generation.wait_past(seen, timeout=15)
                message = b"data: reload\n\n" if now != seen else b": keep-alive\n\n"
                self.wfile.write(message)
                self.wfile.flush()
                seen = now
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("serve: " + format, *args)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_site_arguments(parser)
    parser.add_argument(
        "--port",
        type=whole_number(1, 65535),
        default=8000,
        help="port on 127.0.0.1 (default 8000)",
    )


def run(args: argparse.Namespace) -> int:
    from watchfiles import watch

    from generator.build import PROJECT_ROOT, build_site

    options = options_from_args(args)
    build_site(options, args.warning_counter)
    generation = Generation()
    handler = functools.partial(DevHandler, directory=str(options.out_dir))
    DevHandler.generation = generation
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(
        f"Serving {options.out_dir} at http://127.0.0.1:{server.server_address[1]}/ "
        "(Ctrl-C to stop)"
    )
    watched = [
        p
        for p in (
            options.content_dir,
            options.templates_dir,
            options.static_dir,
            PROJECT_ROOT / "generator",
        )
        if Path(p).exists()
    ]
    try:
        for changes in watch(*watched, debounce=300):
            started = time.perf_counter()
            names = sorted({Path(path).name for _, path in changes})
            try:
                build_site(options, args.warning_counter)
            except ContentErrors as exc:
                print(exc.format(), flush=True)
                print("rebuild failed; still serving the last good site", flush=True)
                continue
            except UserError as exc:
                print(f"error: {exc}; still serving the last good site", flush=True)
                continue
            generation.bump()
            print(
                f"rebuilt after {', '.join(names)} in {time.perf_counter() - started:.2f} s",
                flush=True,
            )
    finally:
        server.shutdown()
    return 0
