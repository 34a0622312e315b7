"""The match graph: capabilities of different artifacts matched by the similarity of their text.

TF-IDF vectors over each capability's title, description and "what is unique" text, compared by
cosine similarity. A pair of capabilities from different artifacts whose similarity reaches
``matching.min_similarity`` is an edge. Rows are compared in blocks so a catalog of tens of
thousands of capabilities stays within memory.
"""

from __future__ import annotations

import functools
import logging
import pickle
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from generator.cache import atomic_write, hash_key
from generator.records import Artifact

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

log = logging.getLogger(__name__)

_MARKUP = re.compile(r"[`*_#>\[\]()~|]+")
BLOCK_ROWS = 2048


# Named tuples, not dataclasses: a catalog of thousands has hundreds of thousands of edges,
# made again from the cache on every build (same fields, order and repr).
class CapabilityRef(NamedTuple):
    slug: str
    capability: str


class Match(NamedTuple):
    """An edge of the match graph; ``a`` sorts before ``b``."""

    a: CapabilityRef
    b: CapabilityRef
    similarity: float


@dataclass
class MatchGraph:
    """The edges plus indexes by artifact and by artifact pair (built once)."""

    matches: list[Match]
    _by_slug: dict[str, list[Match]] = field(init=False, repr=False, compare=False)
    _by_pair: dict[tuple[str, str], list[Match]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_slug = defaultdict(list)
        self._by_pair = defaultdict(list)
        for m in self.matches:
            self._by_slug[m.a.slug].append(m)
            self._by_slug[m.b.slug].append(m)
            self._by_pair[_ordered(m.a.slug, m.b.slug)].append(m)

    def times_matched(self, slug: str) -> int:
        return len(self._by_slug.get(slug, ()))

    def partners(self, slug: str) -> dict[str, float]:
        """Other artifacts matched with ``slug``, with their summed similarity."""
        totals: dict[str, float] = defaultdict(float)
        for m in self._by_slug.get(slug, ()):
            other = m.b.slug if m.a.slug == slug else m.a.slug
            totals[other] += m.similarity
        return dict(totals)

    def between(self, one: str, other: str) -> list[Match]:
        """Matches between two artifacts, strongest first."""
        found = self._by_pair.get(_ordered(one, other), [])
        return sorted(found, key=lambda m: (-m.similarity, m.a, m.b))


def _ordered(one: str, other: str) -> tuple[str, str]:
    return (one, other) if one < other else (other, one)


def _dense_rows(
    block: csr_matrix,
    start: int,
    owners: np.ndarray,
    max_per_capability: int,
    edges: dict[tuple[int, int], float],
) -> None:
    """Rows of a block when every pair counts (``min_similarity`` of 0), one at a time."""
    for offset in range(block.shape[0]):
        i = start + offset
        lo, hi = block.indptr[offset], block.indptr[offset + 1]
        cols, sims = block.indices[lo:hi], block.data[lo:hi]
        keep = owners[cols] != owners[i]
        extra = np.setdiff1d(np.nonzero(owners != owners[i])[0], cols)
        cols = np.concatenate([cols[keep], extra])
        sims = np.concatenate([sims[keep], np.zeros(len(extra))])
        order = np.lexsort((cols, -sims))[:max_per_capability]
        for j, sim in zip(cols[order].tolist(), sims[order].tolist(), strict=True):
            edges[(i, j) if i < j else (j, i)] = round(sim, 6)


def capability_text(title: str, description: str, unique: str) -> str:
    return _MARKUP.sub(" ", f"{title}. {title}. {description} {unique}")


MATCH_VERSION = "match-graph/4"  # bump when the matching changes what it finds


def cached_match_graph(
    records: list[Artifact], min_similarity: float, max_per_capability: int, cache_dir: Path
) -> MatchGraph:
    """:func:`build_match_graph`, reused while every capability text and setting is the same."""
    texts = [
        (a.slug, c.id, capability_text(c.title, c.description, c.unique))
        for a in sorted(records, key=lambda a: a.slug)
        for c in a.capabilities
    ]
    key = hash_key(MATCH_VERSION, min_similarity, max_per_capability, texts)
    path = cache_dir / "match-graph" / f"{key}.pickle"
    try:
        with path.open("rb") as handle:
            names, edges = pickle.load(handle)
        refs = [CapabilityRef(slug, cap) for slug, cap in names]
        return MatchGraph([Match(refs[i], refs[j], s) for i, j, s in edges])
    except FileNotFoundError:
        pass
    except Exception as exc:  # a damaged entry is recomputed
        log.debug("ignoring unreadable match graph cache %s: %s", path, exc)
    graph = build_match_graph(records, min_similarity, max_per_capability)
    # Each capability once, edges as positions: a small file that loads fast.
    index: dict[CapabilityRef, int] = {}
    for m in graph.matches:
        index.setdefault(m.a, len(index))
        index.setdefault(m.b, len(index))
    names = [(ref.slug, ref.capability) for ref in index]
    edges = [(index[m.a], index[m.b], m.similarity) for m in graph.matches]
    atomic_write(path, pickle.dumps((names, edges), protocol=pickle.HIGHEST_PROTOCOL))
    return graph


_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@functools.cache
def stop_words() -> frozenset[str]:
    text = (Path(__file__).parent / "stopwords.txt").read_text(encoding="utf-8")
    return frozenset(
        w for line in text.splitlines() if not line.startswith("#") for w in line.split()
    )


def tfidf(texts: list[str]) -> csr_matrix:
    """TF-IDF rows, L2-normalised: words of two or more letters or digits, lower-cased, stop words
    left out; term frequency ``1 + ln(count)``, inverse document frequency
    ``ln((1 + n) / (1 + df)) + 1``. The same vectors as scikit-learn's
    ``TfidfVectorizer(stop_words="english", sublinear_tf=True)`` (a test compares them), without
    its import time (about a second)."""
    from scipy.sparse import csr_matrix

    stop = stop_words()
    docs = [Counter(w for w in _TOKEN.findall(t.lower()) if w not in stop) for t in texts]
    vocabulary = {w: i for i, w in enumerate(sorted({w for d in docs for w in d}))}
    indptr, indices, counts = [0], [], []
    for doc in docs:
        columns = sorted((vocabulary[w], c) for w, c in doc.items())
        indices += [j for j, _ in columns]
        counts += [c for _, c in columns]
        indptr.append(len(indices))
    n = len(texts)
    data = np.log(np.asarray(counts, dtype=np.float64)) + 1.0
    columns_of = np.asarray(indices, dtype=np.int64)
    df = np.bincount(columns_of, minlength=len(vocabulary))
    data *= (np.log((1.0 + n) / (1.0 + df)) + 1.0)[columns_of]
    rows = np.repeat(np.arange(n), np.diff(np.asarray(indptr)))
    data /= np.sqrt(np.bincount(rows, weights=data * data, minlength=n))[rows]
    return csr_matrix((data, columns_of, np.asarray(indptr)), shape=(n, len(vocabulary)))


def build_match_graph(
    records: list[Artifact], min_similarity: float, max_per_capability: int = 5
) -> MatchGraph:
    """Match every capability with its ``max_per_capability`` most similar capabilities of other
    artifacts at or above ``min_similarity``; an edge chosen from either side is kept. The bound
    keeps the graph linear in the catalog size even where texts are alike."""
    refs: list[CapabilityRef] = []
    texts: list[str] = []
    for artifact in sorted(records, key=lambda a: a.slug):
        for cap in artifact.capabilities:
            refs.append(CapabilityRef(artifact.slug, cap.id))
            texts.append(capability_text(cap.title, cap.description, cap.unique))
    if len(refs) < 2:
        return MatchGraph([])
    matrix = tfidf(texts)
    if matrix.shape[1] == 0:  # every text was stop words
        return MatchGraph([])
    owner_ids = {slug: n for n, slug in enumerate(sorted({r.slug for r in refs}))}
    owners = np.array([owner_ids[ref.slug] for ref in refs])
    edges: dict[tuple[int, int], float] = {}
    transposed = matrix.T.tocsr()
    for start in range(0, len(refs), BLOCK_ROWS):
        # Sparse products: only pairs that share a term are ever looked at.
        block = (matrix[start : start + BLOCK_ROWS] @ transposed).tocsr()
        if min_similarity <= 0:  # pairs sharing no term have similarity 0 and count too
            _dense_rows(block, start, owners, max_per_capability, edges)
            continue
        block.sort_indices()  # within each row, by position
        rows = np.repeat(np.arange(start, start + block.shape[0]), np.diff(block.indptr))
        cols, sims = block.indices, block.data
        keep = (owners[cols] != owners[rows]) & (sims >= min_similarity)
        rows, cols, sims = rows[keep], cols[keep], sims[keep]
        # One stable sort for the whole block: by row, strongest first; entries are already by
        # position within a row, so ties stay in that order and the result is deterministic.
        # Then each row's first ``max_per_capability``.
        order = np.lexsort((-sims, rows))
        rows, cols, sims = rows[order], cols[order], sims[order]
        rank = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left")
        chosen = rank < max_per_capability
        for i, j, sim in zip(
            rows[chosen].tolist(), cols[chosen].tolist(), sims[chosen].tolist(), strict=True
        ):
            edges[(i, j) if i < j else (j, i)] = round(sim, 6)
    matches = [Match(refs[i], refs[j], sim) for (i, j), sim in edges.items()]
    matches.sort(key=lambda m: (m.a.slug, m.a.capability, m.b.slug, m.b.capability))
    log.debug("match graph: %d capabilities, %d matches", len(refs), len(matches))
    return MatchGraph(matches)
