"""Page kinds: every output of the site is planned here, then rendered from its plan entry.

Each page kind is a pair of functions registered with :func:`page_kind`: ``plan`` adds the
kind's outputs to the :class:`~generator.plan.PagePlan`, each with the inputs its bytes are made
of (hashed into its fingerprint), and ``render`` makes the bytes of one planned output. Adding a
page kind means adding one pair here; the build, the incremental writer, the parallel renderer
and the sitemap take it from the plan.

Inputs are digests of what a page shows, never of what it could show: an artifact page hashes
its own record, score and evidence and the names of its comparison partners, so editing an
unrelated record plans the same fingerprint and the page is carried over unchanged.
"""

from __future__ import annotations

import functools
import logging
import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from jinja2 import Environment, meta
from markupsafe import Markup

from generator.cache import file_sha256, hash_key
from generator.config import DIMENSION_LABELS, DIMENSIONS
from generator.evidence import Evidence, PageEvidence, kinds
from generator.options import PROJECT_ROOT, BuildOptions
from generator.pairs import Pair
from generator.plan import Output, PagePlan
from generator.render import make_environment, render_page
from generator.scores import MATCH_SIGNALS
from generator.site import Site
from generator.urls import absolute_url, artifact_url, beside, compare_url, output_file
from generator.views import (
    ArtifactView,
    CompareView,
    PageMeta,
    artifact_json_ld,
    artifact_view,
    compare_json,
    compare_view,
    description_of,
)

log = logging.getLogger(__name__)

LIST_PAGE_SIZE = 100  # artifacts per page of a kind list and of the comparison index
HOME_TOP = 10  # artifacts per kind on the home page
SITEMAP_MAX_URLS = 50_000  # the sitemap protocol's limit per file
PICKER_DATA = "compare/artifacts.json"  # what the home page's compare picker fetches


def _json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"


def code_version() -> str:
    """A hash of the generator's source: any code change re-renders every page."""
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
    plan: PagePlan | None = field(init=False, default=None)  # set once made (make_plan)
    _views: dict[str, ArtifactView] = field(init=False, default_factory=dict)
    _memo: dict[tuple[str, str], str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        options, site = self.options, self.site
        self.env = make_environment(options.templates_dir)
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
        self.by_kind = dict(sorted(self.by_kind.items()))
        self.compare_of = defaultdict(list)
        for pair in site.pairs:
            self.compare_of[pair.a].append(pair)
            self.compare_of[pair.b].append(pair)
        self.evidence_pages = defaultdict(list)
        self.site_files = {}
        urls = {a.slug: artifact_url(a.kind, a.slug) for a in site.records}
        for name, kind in kinds().items():
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
        root = self.options.templates_dir
        return {
            p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

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

    # -- views, built on demand ---------------------------------------------------------------

    def view(self, slug: str) -> ArtifactView:
        found = self._views.get(slug)
        if found is None:
            found = self._views[slug] = artifact_view(self.site, self.site.by_slug(slug))
        return found

    def views(self, slugs: list[str]) -> dict[str, ArtifactView]:
        return {s: self.view(s) for s in slugs}

    def comparison(self, pair: Pair) -> CompareView:
        return compare_view(self.site, pair, self.views([pair.a, pair.b]))

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
PLANNERS: dict[str, Planner] = {}
RENDERERS: dict[str, Renderer] = {}


def page_kind(name: str, plan: Planner) -> Callable[[Renderer], Renderer]:
    """Register a page kind: ``plan`` adds its outputs, the decorated function renders one."""

    def register(render: Renderer) -> Renderer:
        if name in PLANNERS:
            raise ValueError(f"page kind {name!r} registered twice")
        PLANNERS[name] = plan
        RENDERERS[name] = render
        return render

    return register


def make_plan(ctx: SiteContext) -> PagePlan:
    """Every output of the site, in a fixed order, before anything renders."""
    plan = PagePlan(common=ctx.digests["code"])
    for planner in PLANNERS.values():
        planner(ctx, plan)
    ctx.plan = plan
    return plan


def render_output(ctx: SiteContext, output: Output) -> bytes:
    return RENDERERS[output.kind](ctx, output)


# -- pages of listings ------------------------------------------------------------------------


def _pages(items: list[str], size: int) -> Iterator[tuple[int, int, list[str]]]:
    """(page number, page count, items) for each page of a listing; one page when empty."""
    count = max(1, math.ceil(len(items) / size))
    for number in range(1, count + 1):
        yield number, count, items[(number - 1) * size : number * size]


def _list_url(base: str, number: int) -> str:
    return base if number == 1 else f"{base}page/{number}/"


@dataclass(frozen=True)
class Pagination:
    """Links between the pages of a listing (``templates/partials/pagination.html``)."""

    number: int
    count: int
    base: str

    @property
    def previous(self) -> str | None:
        return _list_url(self.base, self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return _list_url(self.base, self.number + 1) if self.number < self.count else None


def _plan_index(ctx: SiteContext, plan: PagePlan) -> None:
    tops = {k: [ctx.card(s) for s in members[:HOME_TOP]] for k, members in ctx.by_kind.items()}
    counts = {k: len(members) for k, members in ctx.by_kind.items()}
    plan.add(
        "index.html",
        "index",
        "/",
        (*ctx.common("index.html"), repr(tops), repr(counts)),
        url="/",
    )


@page_kind("index", _plan_index)
def _render_index(ctx: SiteContext, output: Output) -> bytes:
    config = ctx.site.config
    return ctx.page(
        "index.html",
        ctx.meta("/", config.title, config.description),
        by_kind={k: [ctx.view(s) for s in m[:HOME_TOP]] for k, m in ctx.by_kind.items()},
        counts={k: len(m) for k, m in ctx.by_kind.items()},
        picker_data=PICKER_DATA,
    )


def _plan_kind_lists(ctx: SiteContext, plan: PagePlan) -> None:
    for kind, members in ctx.by_kind.items():
        for number, count, slugs in _pages(members, LIST_PAGE_SIZE):
            url = _list_url(f"/{kind}/", number)
            cards = [ctx.card(s) for s in slugs]
            plan.add(
                output_file(url),
                "kind-list",
                f"{kind}:{number}",
                (*ctx.common("kind.html"), count, len(members), repr(cards)),
                url=url,
            )


@page_kind("kind-list", _plan_kind_lists)
def _render_kind_list(ctx: SiteContext, output: Output) -> bytes:
    kind, number_text = output.key.split(":")
    number = int(number_text)
    members = ctx.by_kind[kind]
    pages = list(_pages(members, LIST_PAGE_SIZE))
    _, count, slugs = pages[number - 1]
    label = ctx.site.config.kinds[kind].plural
    title = f"{label} — {ctx.site.config.title}"
    if count > 1:
        title = f"{label}, page {number} of {count} — {ctx.site.config.title}"
    url = _list_url(f"/{kind}/", number)
    return ctx.page(
        "kind.html",
        ctx.meta(url, title, f"All {label.lower()} ranked."),
        kind=ctx.site.config.kinds[kind],
        members=[ctx.view(s) for s in slugs],
        first_rank=(number - 1) * LIST_PAGE_SIZE + 1,
        total=len(members),
        pagination=Pagination(number, count, f"/{kind}/"),
    )


def _comparison_cards(ctx: SiteContext, slug: str) -> list[tuple[str, str, str]]:
    site = ctx.site
    return [
        (compare_url(p.slug), site.by_slug(p.a).name, site.by_slug(p.b).name)
        for p in ctx.compare_of.get(slug, [])
    ]


def _plan_compare_index(ctx: SiteContext, plan: PagePlan) -> None:
    for number, count, slugs in _pages(ctx.ranked, LIST_PAGE_SIZE):
        url = _list_url("/compare/", number)
        shown = [(s, ctx.site.by_slug(s).name, _comparison_cards(ctx, s)) for s in slugs]
        plan.add(
            output_file(url),
            "compare-index",
            str(number),
            (*ctx.common("compare_index.html"), count, repr(shown)),
            url=url,
        )


@dataclass(frozen=True)
class ComparisonsOf:
    """One artifact's comparison pages as the comparison index lists them."""

    slug: str
    name: str
    links: tuple[tuple[str, str], ...]  # (URL, "A vs B")


@page_kind("compare-index", _plan_compare_index)
def _render_compare_index(ctx: SiteContext, output: Output) -> bytes:
    number = int(output.key)
    _, count, slugs = list(_pages(ctx.ranked, LIST_PAGE_SIZE))[number - 1]
    groups = [
        ComparisonsOf(
            s,
            ctx.site.by_slug(s).name,
            tuple((url, f"{a} vs {b}") for url, a, b in _comparison_cards(ctx, s)),
        )
        for s in slugs
    ]
    url = _list_url("/compare/", number)
    title = f"Comparisons — {ctx.site.config.title}"
    if count > 1:
        title = f"Comparisons, page {number} of {count} — {ctx.site.config.title}"
    return ctx.page(
        "compare_index.html",
        ctx.meta(url, title, "Every comparison page."),
        groups=groups,
        pagination=Pagination(number, count, "/compare/"),
    )


def _plan_picker_data(ctx: SiteContext, plan: PagePlan) -> None:
    plan.add(PICKER_DATA, "picker-data", "", tuple(ctx.card(s)[:2] for s in sorted(ctx.ranked)))


@page_kind("picker-data", _plan_picker_data)
def _render_picker_data(ctx: SiteContext, output: Output) -> bytes:
    """Name and page of every artifact, for the home page's type-ahead compare picker."""
    site = ctx.site
    artifacts = [
        {"slug": a.slug, "name": a.name, "url": artifact_url(a.kind, a.slug)}
        for a in sorted(site.records, key=lambda a: (a.name.casefold(), a.slug))
    ]
    return orjson.dumps({"artifacts": artifacts}, option=orjson.OPT_SORT_KEYS) + b"\n"


# -- artifact pages and their evidence --------------------------------------------------------


def _plan_artifacts(ctx: SiteContext, plan: PagePlan) -> None:
    for slug in ctx.ranked:
        artifact = ctx.site.by_slug(slug)
        url = artifact_url(artifact.kind, slug)
        evidence = ctx.evidence_pages.get(slug, [])
        templates = ["artifact.html"] + [s.template for e in evidence for s in e.sections]
        plan.add(
            output_file(url),
            "artifact",
            slug,
            (
                *ctx.common(*templates),
                ctx.record_digest(slug),
                repr(_comparison_cards(ctx, slug)),
                tuple(e.digest for e in evidence),
            ),
            url=url,
        )
        for page in evidence:
            for rel, item in sorted(page.files.items()):
                if isinstance(item, Path):
                    plan.add(rel, "copy", rel, (file_sha256(item),), source=item)
                else:
                    plan.add(rel, "evidence-file", f"{slug}:{rel}", (hash_key(item),))


@page_kind("artifact", _plan_artifacts)
def _render_artifact(ctx: SiteContext, output: Output) -> bytes:
    view = ctx.view(output.key)
    config = ctx.site.config
    page_meta = ctx.meta(
        view.url,
        f"{view.name} — {config.title}",
        description_of(view.artifact),
        og_type="article",
        json_ld=artifact_json_ld(config, view),
    )
    sections = [
        Markup(render_page(ctx.env, s.template, page_meta, **s.context))
        for e in ctx.evidence_pages.get(view.slug, [])
        for s in e.sections
    ]
    return ctx.page(
        "artifact.html",
        page_meta,
        view=view,
        comparison_links=[(url, f"{a} vs {b}") for url, a, b in _comparison_cards(ctx, view.slug)],
        dimensions=DIMENSIONS,
        evidence_sections=sections,
    )


def _render_evidence_file(ctx: SiteContext, output: Output) -> bytes:
    slug, rel = output.key.split(":", 1)
    for page in ctx.evidence_pages[slug]:
        item = page.files.get(rel)
        if isinstance(item, bytes):
            return item
    raise KeyError(f"no evidence file {rel!r} for {slug!r}")


page_kind("evidence-file", lambda ctx, plan: None)(_render_evidence_file)


# -- comparison pages -------------------------------------------------------------------------


def _plan_comparisons(ctx: SiteContext, plan: PagePlan) -> None:
    site = ctx.site
    for pair in site.pairs:
        between = repr(site.graph.between(pair.a, pair.b))
        inputs = (ctx.record_digest(pair.a), ctx.record_digest(pair.b), between)
        url = compare_url(pair.slug)
        plan.add(
            output_file(url),
            "compare",
            pair.slug,
            (*ctx.common("compare.html"), *inputs),
            url=url,
        )
        plan.add(beside(url, "index.json"), "compare-json", pair.slug, (*ctx.common(), *inputs))
        plan.add(
            output_file(compare_url(pair.reversed_slug)),
            "redirect",
            pair.slug,
            (*ctx.common("redirect.html"), *inputs),
        )


def _pair(ctx: SiteContext, slug: str) -> Pair:
    return ctx.pairs_by_slug[slug]


def _compare_meta(ctx: SiteContext, comparison: CompareView, **kw: Any) -> PageMeta:
    config = ctx.site.config
    title = f"{comparison.a.name} vs {comparison.b.name}"
    return ctx.meta(
        comparison.url, f"{title} — {config.title}", comparison.summary, og_type="article", **kw
    )


@page_kind("compare", _plan_comparisons)
def _render_compare(ctx: SiteContext, output: Output) -> bytes:
    comparison = ctx.comparison(_pair(ctx, output.key))
    config = ctx.site.config
    ld = {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": f"{comparison.a.name} vs {comparison.b.name}",
        "url": absolute_url(config.base_url, comparison.url),
        "about": [
            artifact_json_ld(config, comparison.a),
            artifact_json_ld(config, comparison.b),
        ],
    }
    return ctx.page("compare.html", _compare_meta(ctx, comparison, json_ld=ld), view=comparison)


def _render_compare_json(ctx: SiteContext, output: Output) -> bytes:
    comparison = ctx.comparison(_pair(ctx, output.key))
    return _json(compare_json(ctx.site.config, comparison))


def _render_redirect(ctx: SiteContext, output: Output) -> bytes:
    pair = _pair(ctx, output.key)
    comparison = ctx.comparison(pair)
    reverse = compare_url(pair.reversed_slug)
    title = f"{comparison.a.name} vs {comparison.b.name}"
    return ctx.page(
        "redirect.html",
        ctx.meta(reverse, title, comparison.summary, noindex=True),
        target=comparison.url,
    )


page_kind("compare-json", lambda ctx, plan: None)(_render_compare_json)
page_kind("redirect", lambda ctx, plan: None)(_render_redirect)


# -- pages about the site ---------------------------------------------------------------------


def _plan_fixed(ctx: SiteContext, plan: PagePlan) -> None:
    plan.add(
        "methodology/index.html",
        "methodology",
        "",
        ctx.common("methodology.html"),
        url="/methodology/",
    )
    plan.add("404.html", "not-found", "", ctx.common("404.html"))


@page_kind("methodology", _plan_fixed)
def _render_methodology(ctx: SiteContext, output: Output) -> bytes:
    title = ctx.site.config.title
    return ctx.page(
        "methodology.html",
        ctx.meta("/methodology/", f"Methodology — {title}", "How the UnfragileRank is computed."),
        dimensions=DIMENSIONS,
        labels=DIMENSION_LABELS,
        match_signals=MATCH_SIGNALS,
    )


def _render_not_found(ctx: SiteContext, output: Output) -> bytes:
    title = ctx.site.config.title
    return ctx.page(
        "404.html",
        ctx.meta(
            "/404.html",
            f"Page not found — {title}",
            "Page not found.",
            noindex=True,
            absolute_links=True,
        ),
    )


page_kind("not-found", lambda ctx, plan: None)(_render_not_found)


def _plan_static(ctx: SiteContext, plan: PagePlan) -> None:
    static_dir = ctx.options.static_dir
    for path in sorted(static_dir.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            rel = path.relative_to(static_dir).as_posix()
            target = rel if rel == "_headers" else f"static/{rel}"
            plan.add(target, "copy", target, (file_sha256(path),), source=path)
    for rel, source in sorted(ctx.site_files.items()):
        plan.add(rel, "copy", rel, (file_sha256(source),), source=source)


@page_kind("copy", _plan_static)
def _render_copy(ctx: SiteContext, output: Output) -> bytes:
    if output.source is None:
        raise ValueError(f"{output.path}: a copied output without a source")
    return output.source.read_bytes()


# -- files about all pages (planned last: they list the others) -------------------------------


def _sitemap_parts(urls: list[str]) -> list[list[str]]:
    return [urls[i : i + SITEMAP_MAX_URLS] for i in range(0, len(urls), SITEMAP_MAX_URLS)]


def _plan_sitemaps(ctx: SiteContext, plan: PagePlan) -> None:
    base = ctx.site.config.base_url
    urls = [absolute_url(base, u) for u in plan.urls()]
    parts = _sitemap_parts(urls) or [[]]
    for number, part in enumerate(parts, start=1):
        plan.add(
            f"sitemaps/sitemap-{number}.xml",
            "sitemap-part",
            str(number),
            (*ctx.common("sitemap.xml"), repr(part)),
        )
    plan.add(
        "sitemap.xml",
        "sitemap-index",
        "",
        (*ctx.common("sitemap_index.xml"), len(parts)),
    )
    plan.add("robots.txt", "robots", "", ctx.common("robots.txt"))


def _sitemap_urls(ctx: SiteContext) -> list[list[str]]:
    if ctx.plan is None:
        raise RuntimeError("the sitemap renders from the page plan, which is not made yet")
    base = ctx.site.config.base_url
    return _sitemap_parts([absolute_url(base, u) for u in ctx.plan.urls()]) or [[]]


@page_kind("sitemap-index", _plan_sitemaps)
def _render_sitemap_index(ctx: SiteContext, output: Output) -> bytes:
    base = ctx.site.config.base_url
    count = len(_sitemap_urls(ctx))
    sitemaps = [absolute_url(base, f"/sitemaps/sitemap-{n}.xml") for n in range(1, count + 1)]
    return ctx.env.get_template("sitemap_index.xml").render(sitemaps=sitemaps).encode("utf-8")


def _render_sitemap_part(ctx: SiteContext, output: Output) -> bytes:
    part = _sitemap_urls(ctx)[int(output.key) - 1]
    return ctx.env.get_template("sitemap.xml").render(urls=part).encode("utf-8")


def _render_robots(ctx: SiteContext, output: Output) -> bytes:
    sitemap = absolute_url(ctx.site.config.base_url, "/sitemap.xml")
    return ctx.env.get_template("robots.txt").render(sitemap=sitemap).encode("utf-8")


page_kind("sitemap-part", lambda ctx, plan: None)(_render_sitemap_part)
page_kind("robots", lambda ctx, plan: None)(_render_robots)
