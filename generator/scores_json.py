"""``scores.json``: every artifact's UnfragileRank, dimensions and the signals behind them.

A later pull-request report diffs this file, so it is stable: artifacts sorted by slug, keys
sorted, fixed rounding, no dates or build details. Each entry depends only on its artifact's
record and matches, so adding an unrelated record leaves every other entry byte-identical.
Dimensions that are not defined for an artifact's kind are left out of its entry; a defined
dimension without a known signal has ``"score": null``.
"""

from __future__ import annotations

from typing import Any

import orjson

from generator.config import DIMENSIONS
from generator.scores import ArtifactScore, SignalPart
from generator.site import Site

FORMAT_VERSION = 1


def scores_json(site: Site) -> bytes:
    """The file's bytes: indented, keys sorted, artifacts by slug, ending in a newline."""
    document = {
        "version": FORMAT_VERSION,
        "weights": {d: round(site.config.weights[d], 6) for d in DIMENSIONS},
        "artifacts": [score_entry(site.scores[slug]) for slug in sorted(site.scores)],
    }
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"


def score_entry(score: ArtifactScore) -> dict[str, Any]:
    return {
        "slug": score.slug,
        "kind": score.kind,
        "unfragile_rank": _round(score.rank),
        "confidence": round(score.confidence, 4),
        "dimensions": {
            dim: {
                "score": _round(d.score),
                "confidence": round(d.confidence, 4),
                "signals": [_signal(p) for p in d.parts],
            }
            for dim, d in score.dimensions.items()
            if d.applicable
        },
    }


def _signal(part: SignalPart) -> dict[str, Any]:
    return {
        "id": part.id,
        "value": part.value,
        "unit": part.unit,
        "points": _round(part.points),
        "source": "computed by the build from the match graph" if part.computed else part.source,
        "as_of": part.as_of,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
