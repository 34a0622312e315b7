"""Validate what evidence will read — QA example sets, published corpus figures, shard globs —
without computing any evidence. Runs with the record checks, so ``check`` catches a bad example
file in the same pass as a bad record, and ``build`` never starts inference on bad input. Each
registered evidence kind checks its own inputs and returns its spec with them resolved, so
they are read once per build."""

from __future__ import annotations

from pathlib import Path

from generator.errors import Problems
from generator.evidence import kinds
from generator.fields import Reader
from generator.records import Artifact


def check_evidence_inputs(records: list[Artifact], content_dir: Path, problems: Problems) -> None:
    registered = kinds()
    for artifact in records:
        if artifact.doc is None:
            continue
        reader = Reader(artifact.doc, problems)
        for name, spec in list(artifact.evidence.items()):
            artifact.evidence[name] = registered[name].check(spec, content_dir, problems, reader)
