"""Typed template contexts. Templates receive these dataclasses, never loose dicts, and Jinja runs
with ``StrictUndefined``: a typo in a template fails the build."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator.config import DIMENSION_LABELS, DIMENSIONS, Kind, SiteConfig
from generator.markup import plain_text, render_markdown
from generator.matching import Match
from generator.pairs import Pair
from generator.records import Artifact, Capability
from generator.scores import ArtifactScore, DimensionScore, display_score, points_text
from generator.site import Site
from generator.urls import absolute_url, artifact_url, compare_url
from generator.verdict import (
    Side,
    Standing,
    leader,
    rank_sentence,
    standing,
    summary_sentence,
    verdict_sentence,
)


@dataclass(frozen=True)
class CapabilityView:
    id: str
    title: str
    description: Markup
    unique: Markup
    vs_alternatives: Markup


@dataclass(frozen=True)
class ArtifactView:
    artifact: Artifact
    kind: Kind
    url: str
    score: ArtifactScore
    rank: int | None
    confidence: int  # percent
    times_matched: int
    capabilities: tuple[CapabilityView, ...]

    @property
    def name(self) -> str:
        return self.artifact.name

    @property
    def slug(self) -> str:
        return self.artifact.slug

    def dimension(self, dim: str) -> DimensionScore:
        return self.score.dimensions[dim]


@dataclass(frozen=True)
class TableRow:
    feature: str
    a: str
    b: str
    leader: str | None  # "a", "b" or None
    note: str = ""


@dataclass(frozen=True)
class MatchView:
    a_title: str
    b_title: str
    similarity: float


@dataclass(frozen=True)
class CompareView:
    pair: Pair
    url: str
    a: ArtifactView
    b: ArtifactView
    summary: str
    verdict: str
    rows: tuple[TableRow, ...]
    matches: tuple[MatchView, ...]
    shown: int  # capabilities shown before "+N more"


def artifact_view(site: Site, artifact: Artifact) -> ArtifactView:
    score = site.scores[artifact.slug]
    return ArtifactView(
        artifact=artifact,
        kind=site.config.kinds[artifact.kind],
        url=artifact_url(artifact.kind, artifact.slug),
        score=score,
        rank=display_score(score.rank),
        confidence=round(100 * score.confidence),
        times_matched=site.graph.times_matched(artifact.slug),
        capabilities=tuple(_capability(c) for c in artifact.capabilities),
    )


def _capability(cap: Capability) -> CapabilityView:
    return CapabilityView(
        cap.id,
        cap.title,
        render_markdown(cap.description),
        render_markdown(cap.unique),
        render_markdown(cap.vs_alternatives),
    )


def _points(value: float | None) -> str:
    return points_text(value, "/100")


def _side(who: int | None) -> str | None:
    return {-1: "a", 1: "b"}.get(who) if who is not None else None


def side_of(view: ArtifactView) -> Side:
    return Side(view.name, view.kind.label.lower(), view.kind.plural.lower(), view.score)


def _dimension_row(dim: str, a: ArtifactView, b: ArtifactView) -> TableRow | None:
    """A dimension's row: a leader only where it means the same for both sides."""
    da, db = a.dimension(dim), b.dimension(dim)
    st = standing(da, db)
    if st is Standing.NEITHER:
        return None

    def cell(view: ArtifactView, d: DimensionScore) -> str:
        if not d.applicable:
            return f"not measured for {view.kind.plural.lower()}"
        if st is Standing.MEASURED_DIFFERENTLY:
            return f"{_points(d.score)} ({view.kind.label.lower()} signals)"
        return _points(d.score)

    notes = {
        Standing.MEASURED_DIFFERENTLY: "measured differently for each kind; no leader",
        Standing.DIFFERENT_SIGNALS: "different signals known; no leader",
    }
    lead = {Standing.A_LEADS: "a", Standing.B_LEADS: "b"}.get(st)
    return TableRow(DIMENSION_LABELS[dim], cell(a, da), cell(b, db), lead, notes.get(st, ""))


def compare_view(site: Site, pair: Pair, views: dict[str, ArtifactView]) -> CompareView:
    a, b = views[pair.a], views[pair.b]
    rows = [
        TableRow("Type", a.kind.label, b.kind.label, None),
        TableRow(
            "UnfragileRank",
            f"{_points(a.score.rank)} (confidence {a.confidence}%)",
            f"{_points(b.score.rank)} (confidence {b.confidence}%)",
            _side(leader(a.score.rank, b.score.rank)),
        ),
    ]
    rows += [row for dim in DIMENSIONS if (row := _dimension_row(dim, a, b)) is not None]
    rows += [
        TableRow("Pricing", a.artifact.pricing or "unknown", b.artifact.pricing or "unknown", None),
        TableRow(
            "Capabilities",
            f"{len(a.capabilities)} decomposed",
            f"{len(b.capabilities)} decomposed",
            None,
        ),
        TableRow("Times Matched", str(a.times_matched), str(b.times_matched), None),
    ]
    titles = {(s.slug, c.id): c.title for s in (a, b) for c in s.artifact.capabilities}
    matches = tuple(_match_view(m, titles, pair.a) for m in site.graph.between(pair.a, pair.b))
    sa, sb = side_of(a), side_of(b)
    return CompareView(
        pair=pair,
        url=compare_url(pair.slug),
        a=a,
        b=b,
        summary=summary_sentence(sa, sb, site.config.confidence_threshold),
        verdict=rank_sentence(sa, sb, verb="scores") + " " + verdict_sentence(sa, sb),
        rows=tuple(rows),
        matches=matches,
        shown=site.config.capabilities_shown,
    )


def _match_view(match: Match, titles: dict[tuple[str, str], str], a_slug: str) -> MatchView:
    first, second = (match.a, match.b) if match.a.slug == a_slug else (match.b, match.a)
    return MatchView(
        titles[(first.slug, first.capability)],
        titles[(second.slug, second.capability)],
        match.similarity,
    )


@dataclass(frozen=True)
class PageMeta:
    """What ``base.html`` needs for every page."""

    site: SiteConfig
    path: str  # site path of this page, e.g. "/compare/a-vs-b/"
    title: str
    description: str
    og_type: str = "website"
    json_ld: dict[str, Any] | None = None
    noindex: bool = False
    absolute_links: bool = False  # 404.html is served at any path: links from the base path
    stylesheets: tuple[str, ...] = ()

    @property
    def canonical(self) -> str:
        return absolute_url(self.site.base_url, self.path)


def description_of(artifact: Artifact) -> str:
    return plain_text(artifact.summary)[:300]


def artifact_json_ld(site: SiteConfig, view: ArtifactView) -> dict[str, Any]:
    artifact = view.artifact
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": view.kind.schema_type,
        "name": artifact.name,
        "description": description_of(artifact),
        "url": absolute_url(site.base_url, view.url),
    }
    same_as = [u for u in (artifact.homepage, artifact.hub, artifact.paper) if u]
    if same_as:
        data["sameAs"] = same_as
    if artifact.license:
        data["license"] = artifact.license
    return data


def compare_json(site: SiteConfig, view: CompareView) -> dict[str, Any]:
    """The machine-readable twin of a comparison page (``index.json``)."""

    def side(v: ArtifactView) -> dict[str, Any]:
        return {
            "slug": v.slug,
            "name": v.name,
            "kind": v.kind.slug,
            "url": absolute_url(site.base_url, v.url),
            "unfragile_rank": _round(v.score.rank),
            "confidence": round(v.score.confidence, 3),
            "dimensions": {
                d: {"score": _round(s.score), "confidence": round(s.confidence, 3)}
                for d, s in v.score.dimensions.items()
                if s.applicable
            },
            "pricing": v.artifact.pricing,
            "capabilities": [c.id for c in v.artifact.capabilities],
            "times_matched": v.times_matched,
        }

    return {
        "title": f"{view.a.name} vs {view.b.name}",
        "url": absolute_url(site.base_url, view.url),
        "summary": view.summary,
        "verdict": view.verdict,
        "a": side(view.a),
        "b": side(view.b),
        "feature_table": [
            {"feature": r.feature, "a": r.a, "b": r.b, "leader": r.leader, "note": r.note}
            for r in view.rows
        ],
        "matched_capabilities": [
            {"a": m.a_title, "b": m.b_title, "similarity": m.similarity} for m in view.matches
        ],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
