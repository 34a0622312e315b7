"""The pull-request report: what a content edit does to the site.

Two built sites are compared through what every build leaves beside its pages: the manifest
(each output's path, kind and the sha256 of its bytes), ``scores.json`` (each artifact's rank,
dimensions and the signals behind them) and the compare picker's ``compare/artifacts.json``
(each artifact's name and page). Pages are compared by the sha256 of their bytes, never by
fingerprint: fingerprints also hash the content folder's location and the code version, which
differ between a base checked out into a temporary folder and the working tree.

A *published URL* is the address of any HTML page of the base site (404.html aside), redirect
pages included: people and search engines may hold any of them. One vanishes when the head
site has no HTML output at that address, neither a page nor a redirect.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from generator.errors import Problem, UserError
from generator.manifest import Entry, read_manifest
from generator.redirects import NOT_PAGES, REDIRECT_KINDS, output_path, page_url

log = logging.getLogger(__name__)

REPORT_VERSION = 1
SCORES_FILE = "scores.json"
PICKER_FILE = "compare/artifacts.json"
_COMPARE = re.compile(r"^compare/([a-z0-9-]+-vs-[a-z0-9-]+)/index\.html$")
_CANONICAL = re.compile(rb'<link rel="canonical" href="([^"]*)"')


@dataclass
class Snapshot:
    """What the report reads of one built site."""

    label: str  # how the report names it: a git ref, a folder, "working tree"
    root: Path  # the built site
    entries: dict[str, Entry]
    scores: dict[str, dict[str, Any]]  # slug -> scores.json entry
    names: dict[str, str]  # slug -> artifact name
    urls: dict[str, str]  # slug -> artifact page URL
    base_url: str = ""  # the home page's canonical URL
    weights: dict[str, float] = field(default_factory=dict)  # by dimension (scores.json)
    broken_links: list[Problem] = field(default_factory=list)

    @property
    def html(self) -> dict[str, str]:
        """Site path -> page kind of every HTML output."""
        return {page_url(p): e.kind for p, e in self.entries.items() if p.endswith(".html")}

    @property
    def published(self) -> dict[str, str]:
        return {u: k for u, k in self.html.items() if k not in NOT_PAGES}

    @property
    def pages(self) -> set[str]:
        """Site paths of real pages (not redirects): what a redirect may point at."""
        return {u for u, k in self.published.items() if k not in REDIRECT_KINDS}


def load_snapshot(root: Path, label: str, broken_links: list[Problem] | None = None) -> Snapshot:
    """Read a built site; a folder without a manifest is not one we can compare."""
    manifest = read_manifest(root)
    if manifest is None:
        raise UserError(f"{root} has no readable build manifest (.unfragile-manifest.json)")
    scores: dict[str, dict[str, Any]] = {}
    weights: dict[str, float] = {}
    if (root / SCORES_FILE).is_file():
        doc = orjson.loads((root / SCORES_FILE).read_bytes())
        scores = {str(a["slug"]): a for a in doc.get("artifacts", [])}
        weights = {str(k): float(v) for k, v in doc.get("weights", {}).items()}
    names: dict[str, str] = {}
    urls: dict[str, str] = {}
    if (root / PICKER_FILE).is_file():
        for item in orjson.loads((root / PICKER_FILE).read_bytes()).get("artifacts", []):
            names[str(item["slug"])] = str(item.get("name", item["slug"]))
            if "url" in item:
                urls[str(item["slug"])] = str(item["url"])
    for slug, entry in scores.items():  # sites without the picker file: the URL scheme
        urls.setdefault(slug, f"/{entry['kind']}/{slug}/")
    base_url = ""
    index = root / "index.html"
    if index.is_file():
        found = _CANONICAL.search(index.read_bytes())
        base_url = found.group(1).decode() if found else ""
    return Snapshot(
        label,
        root,
        manifest.entries,
        scores,
        names,
        urls,
        base_url,
        weights,
        list(broken_links or []),
    )


# -- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageChange:
    path: str
    kind: str
    url: str | None


@dataclass(frozen=True)
class SignalChange:
    id: str
    dimension: str
    old: dict[str, Any] | None  # the scores.json signal entry; None: not there
    new: dict[str, Any] | None

    @property
    def computed(self) -> bool:
        side = self.new or self.old or {}
        return str(side.get("source", "")).startswith("computed by the build")

    @property
    def what(self) -> list[str]:
        """Which of the signal's fields changed: value, points, source, as_of, unit."""
        if self.old is None or self.new is None:
            return ["added" if self.old is None else "removed"]
        return [
            k
            for k in ("value", "points", "source", "as_of", "unit")
            if self.old.get(k) != self.new.get(k)
        ]


@dataclass(frozen=True)
class Position:
    number: int  # 1 = best of its kind
    of: int


@dataclass(frozen=True)
class ScoreChange:
    slug: str
    name: str
    kind: str
    status: str  # "changed", "added", "removed"; "reordered": only its place in the list moved
    rank: tuple[float | None, float | None]
    confidence: tuple[float | None, float | None]
    position: tuple[Position | None, Position | None]
    dimensions: dict[str, tuple[float | None, float | None]]  # only those that changed
    signals: list[SignalChange]


@dataclass(frozen=True)
class PairChange:
    slug: str
    a: str
    b: str
    url: str
    reason: str  # why it was dropped or added


@dataclass(frozen=True)
class Vanished:
    url: str
    kind: str
    redirect_to: str  # the page --write-redirects points it at


@dataclass
class Report:
    base: str
    head: str
    added: list[PageChange]
    removed: list[PageChange]
    changed: list[PageChange]
    scores: list[ScoreChange]
    pairs_added: list[PairChange]
    pairs_dropped: list[PairChange]
    broken_links: list[Problem]
    vanished: list[Vanished]  # published URLs with neither a page nor a redirect in head
    redirected: list[str]  # published URLs whose page is gone but which redirect in head
    weights: tuple[dict[str, float], dict[str, float]]  # the dimensions' weights, base and head


def compare(base: Snapshot, head: Snapshot) -> Report:
    old, new = base.entries, head.entries
    added = [_page(p, new[p]) for p in sorted(set(new) - set(old))]
    removed = [_page(p, old[p]) for p in sorted(set(old) - set(new))]
    changed = [
        _page(p, new[p]) for p in sorted(set(old) & set(new)) if old[p].sha256 != new[p].sha256
    ]
    head_html = head.html
    vanished: list[Vanished] = []
    redirected: list[str] = []
    for url, kind in sorted(base.published.items()):
        if url in head_html:
            if head_html[url] in REDIRECT_KINDS and kind not in REDIRECT_KINDS:
                redirected.append(url)
            continue
        vanished.append(Vanished(url, kind, suggest_target(url, kind, base, head_pages(head))))
    return Report(
        base=base.label,
        head=head.label,
        added=added,
        removed=removed,
        changed=changed,
        scores=score_changes(base, head),
        pairs_added=_pairs(head, base, added=True),
        pairs_dropped=_pairs(base, head, added=False),
        broken_links=sorted(head.broken_links),
        vanished=vanished,
        redirected=redirected,
        weights=(base.weights, head.weights),
    )


def _page(path: str, entry: Entry) -> PageChange:
    return PageChange(path, entry.kind, page_url(path) if path.endswith(".html") else None)


def _ranked(scores: dict[str, dict[str, Any]]) -> dict[str, Position]:
    """Each artifact's place within its kind, as the kind lists order them."""
    by_kind: dict[str, list[str]] = {}
    for slug, entry in scores.items():
        by_kind.setdefault(str(entry["kind"]), []).append(slug)
    places: dict[str, Position] = {}
    for slugs in by_kind.values():

        def key(slug: str) -> tuple[float, str]:
            rank = scores[slug]["unfragile_rank"]
            return (-(rank if rank is not None else -1.0), slug)

        ordered = sorted(slugs, key=key)
        for i, slug in enumerate(ordered, start=1):
            places[slug] = Position(i, len(ordered))
    return places


def _signals(entry: dict[str, Any] | None) -> dict[str, tuple[str, dict[str, Any]]]:
    if entry is None:
        return {}
    return {
        str(s["id"]): (dim, s)
        for dim, d in entry.get("dimensions", {}).items()
        for s in d.get("signals", [])
    }


def score_changes(base: Snapshot, head: Snapshot) -> list[ScoreChange]:
    old_places, new_places = _ranked(base.scores), _ranked(head.scores)
    found: list[ScoreChange] = []
    for slug in sorted(set(base.scores) | set(head.scores)):
        old, new = base.scores.get(slug), head.scores.get(slug)
        status = "added" if old is None else "removed" if new is None else "changed"
        old_dims = (old or {}).get("dimensions", {})
        new_dims = (new or {}).get("dimensions", {})
        dims = {
            d: (old_dims.get(d, {}).get("score"), new_dims.get(d, {}).get("score"))
            for d in sorted(set(old_dims) | set(new_dims), key=_dimension_order)
        }
        dims = {d: v for d, v in dims.items() if v[0] != v[1] or status != "changed"}
        old_signals, new_signals = _signals(old), _signals(new)
        signals = [
            SignalChange(
                sid,
                (new_signals.get(sid) or old_signals[sid])[0],
                old_signals[sid][1] if sid in old_signals else None,
                new_signals[sid][1] if sid in new_signals else None,
            )
            for sid in sorted(set(old_signals) | set(new_signals), key=_signal_order(old, new))
            if status == "changed"
            and (old_signals.get(sid, ("", None))[1] != new_signals.get(sid, ("", None))[1])
        ]
        rank = ((old or {}).get("unfragile_rank"), (new or {}).get("unfragile_rank"))
        confidence = ((old or {}).get("confidence"), (new or {}).get("confidence"))
        position = (old_places.get(slug), new_places.get(slug))
        if status == "changed" and not (
            signals or dims or rank[0] != rank[1] or confidence[0] != confidence[1]
        ):
            if position[0] == position[1]:
                continue  # nothing about this artifact's score moved
            status = "reordered"  # others moved past it
        entry = new or old or {}
        found.append(
            ScoreChange(
                slug=slug,
                name=head.names.get(slug) or base.names.get(slug) or slug,
                kind=str(entry.get("kind", "")),
                status=status,
                rank=rank,
                confidence=confidence,
                position=position,
                dimensions=dims,
                signals=signals,
            )
        )
    return found


def _dimension_order(dim: str) -> tuple[int, str]:
    from generator.config import DIMENSIONS

    return (DIMENSIONS.index(dim) if dim in DIMENSIONS else len(DIMENSIONS), dim)


def _signal_order(*entries: dict[str, Any] | None) -> Any:
    """Signals in the order scores.json lists them (dimension order, then as configured)."""
    order: dict[str, int] = {}
    for entry in entries:
        for sid in _signals(entry):
            order.setdefault(sid, len(order))
    return lambda sid: order.get(sid, len(order))


def split_pair(slug: str, known: set[str]) -> tuple[str, str]:
    """``a-vs-b`` into its two slugs; slugs may hold ``-vs-`` themselves, so known slugs decide."""
    candidates = [(slug[: m.start()], slug[m.end() :]) for m in re.finditer(r"-vs-", slug)]
    for a, b in candidates:
        if a in known and b in known:
            return a, b
    return candidates[0] if candidates else (slug, "")


def _pairs(side: Snapshot, other: Snapshot, *, added: bool) -> list[PairChange]:
    """Comparison pages ``side`` has and ``other`` has not."""
    known = set(side.scores) | set(other.scores)
    theirs = {p for p, e in other.entries.items() if e.kind == "compare"}
    found: list[PairChange] = []
    for path, entry in sorted(side.entries.items()):
        if entry.kind != "compare" or path in theirs:
            continue
        match = _COMPARE.match(path)
        if match is None:
            continue
        slug = match.group(1)
        a, b = split_pair(slug, known)
        gone = [s for s in (a, b) if s not in other.scores]
        if added:
            reason = f"{', '.join(gone)} added" if gone else "the match graph paired them"
        else:
            reason = (
                f"{', '.join(gone)} removed" if gone else "the match graph no longer pairs them"
            )
        found.append(PairChange(slug, a, b, page_url(path), reason))
    return found


@dataclass(frozen=True)
class HeadPages:
    """What a redirect may point at in the head site: its pages (not redirects, not 404) and
    each artifact's page by slug."""

    pages: set[str]
    served: set[str]  # every HTML output's address, redirects included
    artifacts: dict[str, str]


def head_pages(head: Snapshot) -> HeadPages:
    artifacts = {s: head.urls[s] for s in head.scores if s in head.urls}
    return HeadPages(head.pages, set(head.html), artifacts)


def suggest_target(url: str, kind: str, base: Snapshot, head: HeadPages) -> str:
    """The page a vanished URL should redirect to: a dropped comparison to its first artifact's
    page, a removed artifact to its kind's list, a page that moved to where it is now, a base
    redirect to where it led; else the list of its folder, else the home page. Always a page of
    the head site."""
    pages = head.pages
    known = set(base.scores) | set(head.artifacts)

    def artifact_page(slug: str) -> str | None:
        if head.artifacts.get(slug) in pages:
            return head.artifacts[slug]
        kind_list = f"/{(base.scores.get(slug) or {}).get('kind', '')}/"
        return kind_list if kind_list in pages else None

    choice: str | None = None
    parts = url.strip("/").split("/")
    if kind in ("compare", "redirect") and len(parts) == 2 and parts[0] == "compare":
        a, b = split_pair(parts[1], known)
        first = a if kind == "compare" else b  # a reversed pair's page is the canonical b-vs-a
        choice = artifact_page(first)
    elif kind == "artifact" and len(parts) == 2:
        choice = artifact_page(parts[1])
    elif kind == "moved":
        choice = _moved_target(base, url, pages)
    if choice is None and f"/{parts[0]}/" in pages:
        choice = f"/{parts[0]}/"  # a list page that shrank, a page under a kept folder
    return choice or "/"


def redirect_fixes(
    base: Snapshot, head: HeadPages, existing: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """What ``--write-redirects`` writes: a redirect for every published URL of ``base`` that
    is neither a page of ``head`` nor redirected already, and a new target for each existing
    redirect whose target is no longer a page (its old ``from`` -> to)."""
    base_html = base.html
    added = {
        url: suggest_target(url, kind, base, head)
        for url, kind in sorted(base.published.items())
        if url not in head.served and url not in existing
    }
    retarget = {
        source: suggest_target(target, base_html.get(target, ""), base, head)
        for source, target in sorted(existing.items())
        if target not in head.pages and source not in head.pages
    }
    return added, retarget


def _moved_target(base: Snapshot, url: str, pages: set[str]) -> str | None:
    """Where a base redirect page led (its canonical link), when that is still a page."""
    try:
        data = (base.root / output_path(url)).read_bytes()
    except OSError:
        return None
    found = _CANONICAL.search(data)
    if not found or not base.base_url:
        return None
    href = found.group(1).decode()
    if not href.startswith(base.base_url):
        return None
    target = "/" + href[len(base.base_url) :]
    return target if target in pages else None
