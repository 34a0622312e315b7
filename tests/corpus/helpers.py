"""Helpers for corpus tests: small Pile-format documents and an independent reference count.

The reference (:func:`reference_figures`) is deliberately naive (plain Python over the decoded
documents) so that it shares no code with the engine it checks.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.corpus.partials import CorpusPartial

Doc = tuple[str, str]  # (pile_set_name, text)
WriteShard = Callable[..., Path]

_PIECES = [
    "alpha",
    "beta",
    "Gamma",
    "déjà",
    "vu",
    "naïve",
    "日本語",
    "テキスト",
    "emoji🙂",
    "x",
    "12345",
    '"quoted"',
    "back\\slash",
    "tab\there",
    "new\nline",
    "cr\r\nlf",
    "nbsp\u00a0joined",  # U+00A0 is not ASCII whitespace: one word
    "ctrl\x01byte",
    "",
]
_SEPARATORS = [" ", "  ", "\n", "\t", " \n ", "\r\n", "\x0b", "\x0c"]
NAMES = ["Pile-CC", "Github", "ArXiv", "Enron Emails", "Wikipedia (en)"]


def make_docs(count: int, seed: int = 1, duplicates: float = 0.0) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for _ in range(count):
        if docs and rng.random() < duplicates:
            docs.append(rng.choice(docs))
            continue
        words = [rng.choice(_PIECES) for _ in range(rng.randint(0, 60))]
        text = "".join(w + rng.choice(_SEPARATORS) for w in words)
        if rng.random() < 0.3:
            text = rng.choice(_SEPARATORS) + text  # leading whitespace
        docs.append((rng.choice(NAMES), text))
    return docs


def encode(docs: list[Doc]) -> bytes:
    # json.dumps (not orjson) so the writer shares nothing with the reader; ensure_ascii
    # escapes like the real Pile's lm_dataformat output.
    lines = [json.dumps({"text": t, "meta": {"pile_set_name": n}}) for n, t in docs]
    return "".join(line + "\n" for line in lines).encode()


@dataclass(frozen=True)
class Reference:
    documents: int
    bytes: int
    characters: int
    words: int
    median: int
    p90: int
    maximum: int
    distinct: int


def _nearest_rank(values: list[int], fraction: float) -> int:
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def reference_figures(docs: list[Doc], name: str | None = None) -> Reference:
    """Figures for the documents of ``name`` (all documents when ``None``), computed naively."""
    texts = [t for n, t in docs if name is None or n == name]
    sizes = [len(t.encode("utf-8")) for t in texts]
    return Reference(
        documents=len(texts),
        bytes=sum(sizes),
        characters=sum(len(t) for t in texts),
        words=sum(len(t.encode("utf-8").split()) for t in texts),
        median=_nearest_rank(sizes, 0.5),
        p90=_nearest_rank(sizes, 0.9),
        maximum=max(sizes),
        distinct=len(set(texts)),
    )


def comparable(partial: CorpusPartial) -> tuple[object, object]:
    """A partial's figures as plain values, to compare two scans of the same data."""
    subsets = {
        name: (
            s.documents,
            s.bytes,
            s.characters,
            s.words,
            s.sizes.to_json(),
            s.distinct.registers.tobytes(),
        )
        for name, s in partial.subsets.items()
    }
    files = sorted((f.stream_bytes, f.lines, f.documents) for f in partial.files.values())
    return subsets, files
