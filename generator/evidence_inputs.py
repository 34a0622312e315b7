"""Validate what evidence will read — QA example sets, published corpus figures, shard globs —
without computing any evidence. Runs with the record checks, so ``check`` catches a bad example
file in the same pass as a bad record, and ``build`` never starts inference on bad input."""

from __future__ import annotations

from pathlib import Path

from generator.errors import ContentErrors, Problems
from generator.records import Artifact


def check_evidence_inputs(records: list[Artifact], content_dir: Path, problems: Problems) -> None:
    from generator.corpus.errors import ShardNotFoundError
    from generator.corpus.published import load_published
    from generator.corpus.shards import expand_paths
    from generator.qa.examples import load_example_set

    for artifact in records:
        if artifact.qa is not None:
            for path in artifact.qa.examples:
                load_example_set(path, problems)
        if artifact.corpus is not None:
            if artifact.corpus.published is not None:
                try:
                    load_published(artifact.corpus.published)
                except ContentErrors as exc:
                    problems.extend(exc.problems)
            try:
                expand_paths(artifact.corpus.shards, content_dir)
            except ShardNotFoundError as exc:
                if artifact.doc is not None:
                    artifact.doc.problem(problems, "evidence.corpus.shards", str(exc))
