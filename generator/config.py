"""The site configuration, ``content/site.yaml``."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from generator.errors import Problems, UserError
from generator.fields import SLUG_RE, URL_RE, Reader
from generator.limits import quote
from generator.yamlsource import display_path, join, load_yaml, outside

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
# Bounds of the whole-number settings: each multiplies pages or matches.
MAX_SHOWN = 1_000
MAX_PARTNERS = 100
MAX_MATCHES_PER_CAPABILITY = 1_000


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    plural: str
    schema_type: str  # schema.org type for JSON-LD


@dataclass(frozen=True)
class SignalDef:
    """A signal editors may record, with its fixed mapping onto 0–100 points.

    The mapping never looks at other records: ``linear`` maps ``zero_at`` to 0 and ``full_at``
    to 100 in a straight line, ``log`` does the same on ``log10`` of the value (orders of
    magnitude), ``binary`` maps 0 (no) to 0 and 1 (yes) to 100. Values beyond the reference
    points are clamped; values outside ``[low, high]`` are content errors.
    """

    id: str
    dimension: str
    label: str
    scale: str  # "linear", "log" or "binary"
    unit: str | None  # None only for binary signals
    low: float  # valid range, inclusive
    high: float
    zero_at: float  # value that scores 0 (and anything below it)
    full_at: float  # value that scores 100 (and anything above it)
    description: str | None
    kinds: tuple[str, ...] | None  # kinds it applies to; None: every kind

    def applies_to(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds

    def in_range(self, value: float) -> bool:
        if self.scale == "binary":
            return value in (0.0, 1.0)
        return self.low <= value <= self.high

    def points(self, value: float) -> float:
        """The value on 0–100; monotone, and depends on nothing but the value."""
        if self.scale == "binary":
            return 100.0 if value >= 1 else 0.0
        if self.scale == "log":
            x = math.log10(max(value, self.zero_at))
            lo, hi = math.log10(self.zero_at), math.log10(self.full_at)
        else:
            x, lo, hi = value, self.zero_at, self.full_at
        return 100.0 * min(1.0, max(0.0, (x - lo) / (hi - lo)))

    def with_unit(self, value: float) -> str:
        """A value as pages print it: ``78.8%``, ``3 formats``, ``yes``."""
        if self.scale == "binary":
            return "yes" if value >= 1 else "no"
        return with_unit(value, self.unit)

    @property
    def range_text(self) -> str:
        if self.scale == "binary":
            return "0 (no) or 1 (yes)"
        low = with_unit(self.low, self.unit) if self.unit == "%" else format_number(self.low)
        return f"{low} to {with_unit(self.high, self.unit)}"

    @property
    def mapping_text(self) -> str:
        """E.g. "log10: 10 or less → 0, 10,000,000 or more → 100" (units are in the range)."""
        if self.scale == "binary":
            return "no → 0, yes → 100"
        zero, full = format_number(self.zero_at), format_number(self.full_at)
        low = f"{zero} → 0" if self.zero_at <= self.low else f"{zero} or less → 0"
        high = f"{full} → 100" if self.full_at >= self.high else f"{full} or more → 100"
        return f"{'log10' if self.scale == 'log' else 'linear'}: {low}, {high}"


def format_number(value: float) -> str:
    """Whole numbers with thousands separators (short form when huge), others as written."""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:g}"


def with_unit(value: float, unit: str | None) -> str:
    number = format_number(value)
    if not unit:
        return number
    if value == 1 and unit.endswith("s"):
        unit = unit[:-1]  # 1 format, 1 download
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


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
    confidence_threshold: float  # 0–1; below it a comparison is called tentative

    @property
    def base_path(self) -> str:
        """The path part of the base URL, e.g. ``/preview/123/``."""
        return urlsplit(self.base_url).path or "/"

    def with_base_url(self, base_url: str) -> SiteConfig:
        """This configuration served from ``base_url`` (``--base-url``; checked like
        ``site.yaml``'s ``base_url``)."""
        from dataclasses import replace

        if not URL_RE.match(base_url.strip()):
            raise UserError(f"--base-url: {quote(base_url)} is not an absolute http(s) URL")
        return replace(self, base_url=normalise_base_url(base_url))


def normalise_base_url(url: str) -> str:
    url = url.strip()
    return url if url.endswith("/") else url + "/"


def load_site_config(content_dir: Path, problems: Problems) -> SiteConfig | None:
    """Read ``site.yaml``; problems are collected, ``None`` when it cannot be used at all."""
    path = content_dir / "site.yaml"
    if path.is_symlink() and outside(path, content_dir):
        problems.add(
            display_path(path),
            1,
            1,
            "",
            "a symbolic link to a file outside the content folder; site.yaml must be inside it",
        )
        return None
    doc = load_yaml(path, problems)
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
        optional=(
            "description",
            "language",
            "capabilities_shown",
            "matching",
            "confidence_threshold",
        ),
    )
    title = r.text("", data, "title") or "Unfragile"
    base_url = r.url("", data, "base_url") or "http://localhost/"
    kinds = _read_kinds(r, data.get("kinds"))
    weights = _read_weights(r, data.get("weights"))
    signals = _read_signals(r, data.get("signals"))
    matching = _read_matching(r, data.get("matching"))
    shown = r.integer("", data, "capabilities_shown", minimum=1, maximum=MAX_SHOWN)
    threshold = r.number("", data, "confidence_threshold", minimum=0, maximum=1)
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
        confidence_threshold=threshold if threshold is not None else 0.5,
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
        scale = r.text(path, entry, "scale")
        if scale is not None and scale not in SCALES:
            r.problem(join(path, "scale"), f"'{scale}' is not one of {', '.join(SCALES)}")
            scale = None
        mapping_keys = () if scale == "binary" else ("unit", "range")
        r.keys(
            path,
            entry,
            required=("dimension", "label", "scale", *mapping_keys),
            optional=("about", "kinds", "unit")
            + (() if scale == "binary" else ("zero_at", "full_at")),
        )
        dimension = r.text(path, entry, "dimension")
        if dimension is not None and dimension not in DIMENSIONS[:-1]:
            r.problem(
                join(path, "dimension"),
                f"'{dimension}' is not one of adoption, quality, ecosystem "
                "(the match graph dimension is computed by the build)",
            )
            continue
        unit = r.text(path, entry, "unit")
        bounds = _read_mapping(r, path, entry, scale) if scale is not None else None
        if dimension is None or scale is None or bounds is None:
            continue
        low, high, zero_at, full_at = bounds
        signals[sid] = SignalDef(
            id=sid,
            dimension=dimension,
            label=r.text(path, entry, "label") or sid,
            scale=scale,
            unit=unit,
            low=low,
            high=high,
            zero_at=zero_at,
            full_at=full_at,
            description=r.text(path, entry, "about"),
            kinds=tuple(kinds) if (kinds := r.string_list(path, entry, "kinds")) else None,
        )
    return signals


def _read_mapping(
    r: Reader, path: str, entry: dict[str, object], scale: str
) -> tuple[float, float, float, float] | None:
    """``(low, high, zero_at, full_at)`` of a signal; ``None`` (with a problem) when unusable."""
    if scale == "binary":
        return (0.0, 1.0, 0.0, 1.0)
    raw = entry.get("range")
    if raw is None:
        return None  # reported as a missing required field
    where = join(path, "range")
    if (
        not isinstance(raw, list)
        or len(raw) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in raw)
        or not all(_finite(v) for v in raw)
        or not raw[0] < raw[1]
    ):
        r.problem(where, "expected [lowest, highest], two finite numbers, lowest first")
        return None
    low, high = float(raw[0]), float(raw[1])
    zero_at = r.number(path, entry, "zero_at", minimum=low, maximum=high)
    full_at = r.number(path, entry, "full_at", minimum=low, maximum=high)
    if scale == "log":
        for key, value in (("zero_at", zero_at), ("full_at", full_at)):
            if key not in entry:
                r.problem(
                    join(path, key), "field required (a log scale needs its reference points)"
                )
            elif value is not None and value <= 0:
                r.problem(join(path, key), "a log scale's reference points are above 0")
                return None
        if zero_at is None or full_at is None:
            return None
    zero_at = low if zero_at is None else zero_at
    full_at = high if full_at is None else full_at
    if zero_at >= full_at:
        r.problem(join(path, "full_at"), "must be above zero_at (higher values score higher)")
        return None
    return (low, high, zero_at, full_at)


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer beyond a float's range
        return False


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
    top = r.integer("matching", data, "top_partners", minimum=0, maximum=MAX_PARTNERS)
    per_cap = r.integer(
        "matching", data, "max_per_capability", minimum=1, maximum=MAX_MATCHES_PER_CAPABILITY
    )
    return Matching(
        min_similarity=sim if sim is not None else 0.2,
        top_partners=top if top is not None else 2,
        max_per_capability=per_cap if per_cap is not None else 5,
    )
