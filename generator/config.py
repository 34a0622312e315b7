"""The site configuration, ``content/site.yaml``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from generator.errors import Problems
from generator.fields import SLUG_RE, Reader
from generator.yamlsource import join, load_yaml

log = logging.getLogger(__name__)

DIMENSIONS: tuple[str, ...] = ("adoption", "quality", "ecosystem", "match_graph")
DIMENSION_LABELS: dict[str, str] = {
    "adoption": "Adoption",
    "quality": "Quality",
    "ecosystem": "Ecosystem",
    "match_graph": "Match Graph",
}
# Page folders the site uses for itself; a kind cannot take one of these names.
RESERVED_FOLDERS = frozenset({"compare", "methodology", "static", "assets", "artifacts"})
SCALES = ("linear", "log", "binary")


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    plural: str
    schema_type: str  # schema.org type for JSON-LD


@dataclass(frozen=True)
class SignalDef:
    id: str
    dimension: str
    label: str
    scale: str  # "linear", "log" (compares orders of magnitude) or "binary" (0 or 1, as is)
    unit: str | None
    description: str | None
    kinds: tuple[str, ...] | None  # kinds it applies to; None: every kind

    def applies_to(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds


@dataclass(frozen=True)
class Matching:
    min_similarity: float
    top_partners: int  # comparison pages per artifact chosen from the match graph
    max_per_capability: int  # strongest matches kept per capability


@dataclass(frozen=True)
class SiteConfig:
    title: str
    description: str
    base_url: str  # always ends with "/"
    language: str
    capabilities_shown: int
    kinds: dict[str, Kind]
    weights: dict[str, float]  # by dimension, normalised to sum to 1
    signals: dict[str, SignalDef]
    matching: Matching

    @property
    def base_path(self) -> str:
        """The path part of the base URL, e.g. ``/preview/123/``."""
        return urlsplit(self.base_url).path or "/"

    def with_base_url(self, base_url: str) -> SiteConfig:
        from dataclasses import replace

        return replace(self, base_url=normalise_base_url(base_url))


def normalise_base_url(url: str) -> str:
    url = url.strip()
    return url if url.endswith("/") else url + "/"


def load_site_config(content_dir: Path, problems: Problems) -> SiteConfig | None:
    """Read ``site.yaml``; problems are collected, ``None`` when it cannot be used at all."""
    doc = load_yaml(content_dir / "site.yaml", problems)
    if doc is None:
        return None
    r = Reader(doc, problems)
    data = r.mapping("", doc.data if doc.data is not None else {})
    if data is None:
        return None
    r.keys(
        "",
        data,
        required=("title", "base_url", "kinds", "weights", "signals"),
        optional=("description", "language", "capabilities_shown", "matching"),
    )
    title = r.text("", data, "title") or "Unfragile"
    base_url = r.url("", data, "base_url") or "http://localhost/"
    kinds = _read_kinds(r, data.get("kinds"))
    weights = _read_weights(r, data.get("weights"))
    signals = _read_signals(r, data.get("signals"))
    matching = _read_matching(r, data.get("matching"))
    shown = r.integer("", data, "capabilities_shown", minimum=1)
    return SiteConfig(
        title=title,
        description=r.text("", data, "description") or "",
        base_url=normalise_base_url(base_url),
        language=r.text("", data, "language") or "en",
        capabilities_shown=shown if shown is not None else 3,
        kinds=kinds,
        weights=weights,
        signals=signals,
        matching=matching,
    )


def _read_kinds(r: Reader, raw: object) -> dict[str, Kind]:
    kinds: dict[str, Kind] = {}
    data = r.mapping("kinds", raw) if raw is not None else None
    for slug, value in (data or {}).items():
        path = join("kinds", slug)
        if not SLUG_RE.match(slug) or slug in RESERVED_FOLDERS:
            r.problem(path, f"'{slug}' cannot be a kind (a slug, not one of the reserved folders)")
            continue
        entry = r.mapping(path, value if value is not None else {})
        if entry is None:
            continue
        r.keys(path, entry, required=("label",), optional=("plural", "schema_type"))
        label = r.text(path, entry, "label") or slug.title()
        kinds[slug] = Kind(
            slug=slug,
            label=label,
            plural=r.text(path, entry, "plural") or f"{label}s",
            schema_type=r.text(path, entry, "schema_type") or "CreativeWork",
        )
    return kinds


def _read_weights(r: Reader, raw: object) -> dict[str, float]:
    data = r.mapping("weights", raw) if raw is not None else None
    if data is None:
        return {d: 1 / len(DIMENSIONS) for d in DIMENSIONS}
    r.keys("weights", data, required=DIMENSIONS, optional=())
    weights = {d: r.number("weights", data, d, minimum=0) or 0.0 for d in DIMENSIONS}
    total = sum(weights.values())
    if total <= 0:
        r.problem("weights", "at least one weight must be above zero")
        return {d: 1 / len(DIMENSIONS) for d in DIMENSIONS}
    return {d: w / total for d, w in weights.items()}


def _read_signals(r: Reader, raw: object) -> dict[str, SignalDef]:
    signals: dict[str, SignalDef] = {}
    data = r.mapping("signals", raw) if raw is not None else None
    for sid, value in (data or {}).items():
        path = join("signals", sid)
        entry = r.mapping(path, value)
        if entry is None:
            continue
        r.keys(
            path,
            entry,
            required=("dimension", "label"),
            optional=("scale", "unit", "about", "kinds"),
        )
        dimension = r.text(path, entry, "dimension")
        if dimension is not None and dimension not in DIMENSIONS[:-1]:
            r.problem(
                join(path, "dimension"),
                f"'{dimension}' is not one of adoption, quality, ecosystem "
                "(the match graph dimension is computed by the build)",
            )
            continue
        scale = r.text(path, entry, "scale") or "linear"
        if scale not in SCALES:
            r.problem(join(path, "scale"), f"'{scale}' is not one of {', '.join(SCALES)}")
        if dimension is None:
            continue
        signals[sid] = SignalDef(
            id=sid,
            dimension=dimension,
            label=r.text(path, entry, "label") or sid,
            scale=scale,
            unit=r.text(path, entry, "unit"),
            description=r.text(path, entry, "about"),
            kinds=tuple(kinds) if (kinds := r.string_list(path, entry, "kinds")) else None,
        )
    return signals


def _read_matching(r: Reader, raw: object) -> Matching:
    data = r.mapping("matching", raw) if raw is not None else {}
    data = data or {}
    r.keys(
        "matching",
        data,
        required=(),
        optional=("min_similarity", "top_partners", "max_per_capability"),
    )
    sim = r.number("matching", data, "min_similarity", minimum=0, maximum=1)
    top = r.integer("matching", data, "top_partners", minimum=0)
    per_cap = r.integer("matching", data, "max_per_capability", minimum=1)
    return Matching(
        min_similarity=sim if sim is not None else 0.2,
        top_partners=top if top is not None else 2,
        max_per_capability=per_cap if per_cap is not None else 5,
    )
