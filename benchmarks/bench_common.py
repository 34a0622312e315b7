"""What every benchmark script shares: the machine line and writing its section of
docs/benchmarks.md (between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``)."""

from __future__ import annotations

import os
import platform
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    # Imported here, not at the top: benchmarks time the engine's import in fresh processes.
    from generator.corpus.executors import usable_cores

    return (
        f"{cpu_model()}, {os.cpu_count()} logical CPUs ({usable_cores()} usable; shared, noisy), "
        f"Linux {platform.release()}, Python {platform.python_version()}"
    )


def write_docs_section(name: str, text: str) -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    doc = DOCS.read_text(encoding="utf-8")
    head, rest = doc.split(start, 1)
    _, tail = rest.split(end, 1)
    DOCS.write_text(f"{head}{start}\n{text}\n{end}{tail}", encoding="utf-8")
