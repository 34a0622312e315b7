"""Pagefind's indexing service, spoken directly: documents in, the bundle's files out, in memory.

``pagefind_extended --service`` is the process behind Pagefind's own Node and Python APIs: it
reads requests from stdin and answers on stdout, each message base64-encoded JSON followed by a
comma. We speak it ourselves instead of using ``pagefind.index.PagefindIndex``, whose client
sleeps 100 ms before reading each answer (one answer per document: about 17 minutes for 10,000
artifacts). Against the CLI (``pagefind --site DIR``) it saves writing every document and
reading every output file through the disk: on this machine's disk, creating and deleting 2,000
small files took longer than Pagefind's indexing itself.

Requests are written from a thread while answers are read, so neither pipe can fill up and
block the other side.
"""

from __future__ import annotations

import base64
import contextlib
import io
import logging
import os
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, cast

import orjson

log = logging.getLogger(__name__)

READ_CHUNK = 1 << 20


class ServiceError(RuntimeError):
    """The service failed, answered with an error, or stopped answering."""


class _Channel:
    def __init__(self, process: subprocess.Popen[bytes], errors: IO[bytes]) -> None:
        assert process.stdin is not None and process.stdout is not None
        self.process = process
        self.stdin = process.stdin
        self.stdout = cast(io.BufferedReader, process.stdout)
        self.errors = errors
        self.buffer = bytearray()
        self.scanned = 0  # bytes of the buffer known to hold no separator

    def send(self, message_id: int, payload: dict[str, Any]) -> None:
        message = orjson.dumps({"message_id": message_id, "payload": payload})
        self.stdin.write(base64.b64encode(message) + b",")

    def receive(self) -> dict[str, Any]:
        while True:
            end = self.buffer.find(b",", self.scanned)
            if end >= 0:
                break
            self.scanned = len(self.buffer)
            chunk = self.stdout.read1(READ_CHUNK)
            if not chunk:
                raise self.failure()
            self.buffer += chunk
        message = bytes(self.buffer[:end])
        del self.buffer[: end + 1]
        self.scanned = 0
        answer: dict[str, Any] = orjson.loads(base64.b64decode(message))
        return answer

    def failure(self) -> ServiceError:
        """The service is gone: say how it ended and what it printed."""
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        self.errors.seek(0)
        text = self.errors.read().decode("utf-8", "replace").strip()
        ended = "stopped answering" if code is None else f"stopped answering (exit {code})"
        return ServiceError(f"Pagefind {ended}" + (f": {text}" if text else ""))


def index_documents(
    executable: Path, documents: Sequence[tuple[str, str]], language: str
) -> dict[str, bytes]:
    """Index ``(URL, HTML)`` documents; every file of the bundle Pagefind makes of them."""
    # No PAGEFIND_* variables and an empty working folder: no stray setting or config file
    # changes the index.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    with (
        tempfile.TemporaryDirectory(prefix="unfragile-pagefind-") as cwd,
        tempfile.TemporaryFile() as errors,
    ):
        process = subprocess.Popen(
            [str(executable), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            cwd=cwd,
            env=env,
        )
        try:
            return _index(_Channel(process, errors), documents, language)
        except BaseException:
            process.kill()  # also unblocks the writer thread (a broken pipe ends it)
            raise
        finally:
            if process.stdin is not None:
                with contextlib.suppress(OSError):  # it is gone already
                    process.stdin.close()
            if process.stdout is not None:
                process.stdout.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _index(
    channel: _Channel, documents: Sequence[tuple[str, str]], language: str
) -> dict[str, bytes]:
    try:
        channel.send(1, {"type": "NewIndex", "config": {"force_language": language}})
        channel.stdin.flush()
    except OSError:  # it exited before reading anything
        raise channel.failure() from None
    index_id = _payload(channel.receive(), "NewIndex", "creating the index")["index_id"]
    failed: list[BaseException] = []

    def write() -> None:
        try:
            for number, (url, html) in enumerate(documents, start=2):
                channel.send(
                    number,
                    {
                        "type": "AddFile",
                        "index_id": index_id,
                        "file_path": None,
                        "url": url,
                        "file_contents": html,
                    },
                )
            channel.send(len(documents) + 2, {"type": "GetFiles", "index_id": index_id})
            channel.stdin.flush()
        except OSError as error:  # the service died; the reader reports it
            failed.append(error)

    writer = threading.Thread(target=write, name="pagefind-writer", daemon=True)
    writer.start()
    files: list[dict[str, str]] | None = None
    for _ in range(len(documents) + 1):
        answer = channel.receive()
        number = answer.get("message_id")
        what = (
            f"indexing {documents[number - 2][0]}"
            if isinstance(number, int) and 2 <= number < len(documents) + 2
            else "collecting the bundle"
        )
        payload = _payload(answer, None, what)
        if payload["type"] == "GetFiles":
            files = payload["files"]
        elif payload["type"] != "IndexedFile":
            raise ServiceError(f"unexpected answer {payload['type']!r} while {what}")
    writer.join()
    if failed:
        raise channel.failure() from failed[0]
    if files is None:
        raise ServiceError("Pagefind sent no bundle")
    return {f["path"]: base64.b64decode(f["content"]) for f in files}


def _payload(answer: dict[str, Any], expected: str | None, what: str) -> dict[str, Any]:
    payload: dict[str, Any] = answer.get("payload") or {}
    if payload.get("type") == "Error":
        raise ServiceError(f"Pagefind failed while {what}: {payload.get('message')}")
    if expected is not None and payload.get("type") != expected:
        raise ServiceError(f"unexpected answer {payload.get('type')!r} while {what}")
    return payload
