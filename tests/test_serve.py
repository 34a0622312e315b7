"""``build.py serve``: serves on 127.0.0.1, rebuilds on change, survives a broken edit."""

from __future__ import annotations

import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> tuple[str, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode(), dict(response.headers)


def wait_for(predicate: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture
def server(basic_content: Path, tmp_path: Path) -> Iterator[tuple[str, Path, queue.Queue[str]]]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "serve",
            "--content",
            str(basic_content),
            "--out",
            str(tmp_path / "out"),
            "--cache-dir",
            str(tmp_path / "cache"),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stdout is not None
    stdout = proc.stdout

    def pump() -> None:
        for line in stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    try:
        seen: list[str] = []
        wait_for(lambda: _drain(lines, seen) and any("Serving" in s for s in seen))
        yield f"http://127.0.0.1:{port}/", basic_content, lines
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        stdout.close()


def _drain(lines: queue.Queue[str], into: list[str]) -> bool:
    while not lines.empty():
        into.append(lines.get())
    return True


def test_serve_rebuilds_and_keeps_last_good_site(
    server: tuple[str, Path, queue.Queue[str]],
) -> None:
    url, content, lines = server
    html, headers = fetch(url + "model/alpha-qa/")
    assert "A small extractive question answering model." in html
    assert 'new EventSource("/__livereload")' in html
    on_disk = (content.parent / "out" / "model" / "alpha-qa" / "index.html").read_text()
    assert "__livereload" not in on_disk  # added to the response only
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"

    record = content / "artifacts" / "alpha-qa.yaml"
    record.write_text(record.read_text().replace("A small extractive", "An edited extractive"))
    wait_for(lambda: "An edited extractive" in fetch(url + "model/alpha-qa/")[0])

    record.write_text("name: [broken\n")
    output: list[str] = []
    wait_for(lambda: _drain(lines, output) and any("rebuild failed" in s for s in output))
    assert any("alpha-qa.yaml:2:1: YAML syntax error" in s for s in output)
    assert "An edited extractive" in fetch(url + "model/alpha-qa/")[0]
