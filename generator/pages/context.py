"""The site context every page kind plans and renders from, and the page-kind registries.

A page kind is a planner (``@planner``: adds outputs to the plan, each with the inputs its
bytes are made of) and a renderer per output kind (``@renderer("kind")``: the bytes of one
planned output). Adding a page kind means adding one module beside this one.
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from jinja2 import Environment, meta

from generator.cache import file_sha256, hash_key
from generator.evidence import Evidence, PageEvidence, kinds
from generator.options import PROJECT_ROOT, BuildOptions
from generator.pairs import Pair
from generator.plan import Output, PagePlan
from generator.render import make_environment, render_page
from generator.site import Site
from generator.urls import artifact_url, compare_url
from generator.views import ArtifactView, CompareView, PageMeta, artifact_view, compare_view

log = logging.getLogger(__name__)


def pretty_json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"


@functools.cache
def code_version() -> str:
    """A hash of the generator's source: any code change re-renders every page.

    Computed once per process, so it describes the code this process runs: ``serve`` keeps
    rendering with the code it imported after a source file changes, and its fingerprints say
    so; the next ``build`` (a new process) sees the new code and renders everything again.
    """
    root = PROJECT_ROOT / "generator"
    digest = [(p.relative_to(root).as_posix(), file_sha256(p)) for p in sorted(root.rglob("*.py"))]
    return hash_key(repr(digest))


@dataclass
class SiteContext:
    """Everything the page kinds plan and render from; built once per build.

    Views (which render Markdown) are made lazily and cached, so planning never builds them and
    a render process builds only those its pages show.
    """

    site: Site
    evidence: Evidence
    options: BuildOptions
    env: Environment = field(init=False)
    stylesheets: tuple[str, ...] = field(init=False)
    ranked: list[str] = field(init=False)  # slugs by rank, best first
    by_kind: dict[str, list[str]] = field(init=False)
    compare_of: dict[str, list[Pair]] = field(init=False)
    evidence_pages: dict[str, list[PageEvidence]] = field(init=False)
    site_files: dict[str, Path] = field(init=False)
    digests: dict[str, str] = field(init=False)
    template_dirs: list[Path] = field(init=False)  # the site's, then those of evidence kinds
    plan: PagePlan | None = field(init=False, default=None)  # set once made (make_plan)
    _views: dict[str, ArtifactView] = field(init=False, default_factory=dict)
    _memo: dict[tuple[str, str], str] = field(init=False, default_factory=dict)
    _comparisons: dict[str, CompareView] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        options, site = self.options, self.site
        registered = kinds()
        self.template_dirs = [options.templates_dir] + [
            k.template_dir for k in registered.values() if k.template_dir is not None
        ]
        self.env = make_environment(*self.template_dirs)
        self.stylesheets = tuple(
            "/static/" + p.relative_to(options.static_dir).as_posix()
            for p in sorted(options.static_dir.glob("css/*.css"))
        )
        scores = site.scores

        def rank_key(slug: str) -> tuple[float, str]:
            rank = scores[slug].rank
            return (-(rank if rank is not None else -1.0), slug)

        self.ranked = sorted((a.slug for a in site.records), key=rank_key)
        self.by_kind = defaultdict(list)
        for slug in self.ranked:
            self.by_kind[site.by_slug(slug).kind].append(slug)
        # In site.yaml's order of kinds, like the site's navigation.
        self.by_kind = {k: self.by_kind[k] for k in site.config.kinds if k in self.by_kind}
        self.compare_of = defaultdict(list)
        for pair in site.pairs:
            self.compare_of[pair.a].append(pair)
            self.compare_of[pair.b].append(pair)
        self.evidence_pages = defaultdict(list)
        self.site_files = {}
        urls = {a.slug: artifact_url(a.kind, a.slug) for a in site.records}
        for name, kind in registered.items():
            results = self.evidence.results.get(name, {})
            if not results:
                continue
            contribution = kind.pages(results, {s: urls[s] for s in results}, options)
            for slug, page in contribution.pages.items():
                self.evidence_pages[slug].append(page)
            self.site_files.update(contribution.site_files)
        self.digests = {
            "code": code_version(),
            "config": hash_key(repr(site.config)),
            "stylesheets": repr(self.stylesheets),
        }

    @functools.cached_property
    def pairs_by_slug(self) -> dict[str, Pair]:
        return {p.slug: p for p in self.site.pairs}

    # -- digests of what pages show ---------------------------------------------------------

    @functools.cached_property
    def _template_sources(self) -> dict[str, str]:
        sources: dict[str, str] = {}
        for root in self.template_dirs:  # the first folder that has a name wins, as in Jinja
            for p in sorted(root.rglob("*")):
                if p.is_file():
                    sources.setdefault(p.relative_to(root).as_posix(), p.read_text("utf-8"))
        return sources

    def template_digest(self, name: str) -> str:
        """Hash of a template and every template it extends, includes or imports."""
        found = self._memo.get(("template", name))
        if found is None:
            found = self._memo[("template", name)] = self._template_closure(name)
        return found

    def _template_closure(self, name: str) -> str:
        sources = self._template_sources
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            refs = meta.find_referenced_templates(self.env.parse(sources[current]))
            for ref in refs:
                if ref is None:  # a name computed at render time: depend on every template
                    return hash_key(repr(sorted(sources.items())))
                todo.append(ref)
        return hash_key(repr([(n, sources[n]) for n in sorted(seen)]))

    def common(self, *templates: str) -> tuple[str, ...]:
        """Inputs every page has: code, site config, stylesheets, its templates."""
        d = self.digests
        return (
            d["code"],
            d["config"],
            d["stylesheets"],
            *(self.template_digest(t) for t in templates),
        )

    def record_digest(self, slug: str) -> str:
        """The record and its scores: everything an artifact's own sections show."""
        found = self._memo.get(("record", slug))
        if found is None:
            site = self.site
            found = self._memo[("record", slug)] = hash_key(
                repr(site.by_slug(slug)),
                repr(site.scores[slug]),
                site.graph.times_matched(slug),
            )
        return found

    def card(self, slug: str) -> tuple[str, str, str, str]:
        """What a listing shows of an artifact: name, URL, score and summary."""
        artifact = self.site.by_slug(slug)
        score = self.site.scores[slug]
        return (
            artifact.name,
            artifact_url(artifact.kind, slug),
            repr((score.rank, score.confidence)),
            artifact.summary,
        )

    def comparison_cards(self, slug: str) -> list[tuple[str, str, str]]:
        """What a page lists of an artifact's comparisons: URL and the two names."""
        site = self.site
        return [
            (compare_url(p.slug), site.by_slug(p.a).name, site.by_slug(p.b).name)
            for p in self.compare_of.get(slug, [])
        ]

    # -- views, built on demand ---------------------------------------------------------------

    def view(self, slug: str) -> ArtifactView:
        found = self._views.get(slug)
        if found is None:
            found = self._views[slug] = artifact_view(self.site, self.site.by_slug(slug))
        return found

    def views(self, slugs: list[str]) -> dict[str, ArtifactView]:
        return {s: self.view(s) for s in slugs}

    def comparison(self, pair: Pair) -> CompareView:
        """The pair's view; its page, JSON twin and redirect are planned side by side, so they
        usually render in one batch and share it (the last few are kept)."""
        found = self._comparisons.get(pair.slug)
        if found is None:
            found = compare_view(self.site, pair, self.views([pair.a, pair.b]))
            if len(self._comparisons) >= 64:
                self._comparisons.pop(next(iter(self._comparisons)))
            self._comparisons[pair.slug] = found
        return found

    def meta(self, path: str, title: str, description: str, **kw: Any) -> PageMeta:
        return PageMeta(
            site=self.site.config,
            path=path,
            title=title,
            description=description,
            stylesheets=self.stylesheets,
            **kw,
        )

    def page(self, template: str, page_meta: PageMeta, **context: Any) -> bytes:
        return render_page(self.env, template, page_meta, **context).encode("utf-8")


Planner = Callable[[SiteContext, PagePlan], None]
Renderer = Callable[[SiteContext, Output], bytes]
PLANNERS: list[Planner] = []  # in planning order: the sitemap planner comes last
RENDERERS: dict[str, Renderer] = {}


def planner(plan: Planner) -> Planner:
    """Register a function that adds outputs to the plan (run in registration order)."""
    PLANNERS.append(plan)
    return plan


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    """Register the function that makes the bytes of every planned output of ``kind``."""

    def register(render: Renderer) -> Renderer:
        if kind in RENDERERS:
            raise ValueError(f"output kind {kind!r} registered twice")
        RENDERERS[kind] = render
        return render

    return register


def make_plan(ctx: SiteContext) -> PagePlan:
    """Every output of the site, in a fixed order, before anything renders."""
    plan = PagePlan(common=ctx.digests["code"])
    for plan_outputs in PLANNERS:
        plan_outputs(ctx, plan)
    ctx.plan = plan
    return plan


def render_output(ctx: SiteContext, output: Output) -> bytes:
    return RENDERERS[output.kind](ctx, output)
