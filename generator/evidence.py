"""The seam between the site build and expensive build-time evidence.

A record's ``evidence`` block names what to measure; the build turns it into a spec below and
hands it, with an :class:`EvidenceEnv`, to the backend's ``compute_*`` function (imported lazily,
so ``check`` never loads onnxruntime or dask). Backends return results that render themselves
into a JSON twin (``to_json``) and into their template partial.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cache import ContentCache

if TYPE_CHECKING:
    from generator.corpus.evidence import CorpusEvidenceResult
    from generator.qa.evidence import QAEvidenceResult


@dataclass(frozen=True)
class EvidenceEnv:
    """What every evidence backend may use."""

    project_root: Path  # the checkout: bundled assets live under generator/assets/
    content_dir: Path
    cache: ContentCache
    node_modules: Path  # where npm ci put front-end packages (may be missing)


@dataclass(frozen=True)
class QAEvidenceSpec:
    """``evidence.qa`` of a model record."""

    record: str  # display path of the record, for messages
    slug: str
    model: str  # a hub id (``csarron/mobilebert-uncased-squad-v2``) or a local directory
    examples: tuple[Path, ...]  # example-set files, resolved
    null_threshold: float = 0.0


@dataclass(frozen=True)
class CorpusEvidenceSpec:
    """``evidence.corpus`` of a dataset record."""

    record: str
    slug: str
    shards: tuple[str, ...]  # globs as written, relative to the content folder unless absolute
    published: Path | None  # published figures (YAML), resolved
    sample_note: str | None = None  # what the shards are, when they are not the full corpus


@dataclass
class Evidence:
    """All evidence of one build, by artifact slug."""

    qa: dict[str, QAEvidenceResult] = field(default_factory=dict)
    corpus: dict[str, CorpusEvidenceResult] = field(default_factory=dict)
