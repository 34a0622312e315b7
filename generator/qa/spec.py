"""What a model record's ``evidence.qa`` entry asks for, once read and checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.qa.examples import ExampleSet


@dataclass(frozen=True)
class QAEvidenceSpec:
    """``evidence.qa`` of a model record."""

    record: str  # display path of the record, for messages
    slug: str
    model: str  # a hub id (``csarron/mobilebert-uncased-squad-v2``) or a local directory
    examples: tuple[Path, ...]  # example-set files, resolved
    null_threshold: float = 0.0
    # The example sets, loaded and validated once by the kind's check (empty before it).
    sets: tuple[ExampleSet, ...] = ()
