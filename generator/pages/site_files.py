"""Files about the site: methodology, 404, static assets, and the sitemap (planned last: it
lists every page of the plan), split into files of at most 50,000 URLs under an index."""

from __future__ import annotations

from generator.cache import file_sha256, hash_key
from generator.config import DIMENSION_LABELS, DIMENSIONS
from generator.pages.context import SiteContext, planner, renderer
from generator.plan import Output, PagePlan
from generator.scores import MATCH_SIGNALS
from generator.scores_json import scores_json
from generator.urls import absolute_url

SITEMAP_MAX_URLS = 50_000  # the sitemap protocol's limit per file


@planner
def _plan_fixed(ctx: SiteContext, plan: PagePlan) -> None:
    plan.add(
        "methodology/index.html",
        "methodology",
        "",
        ctx.common("methodology.html"),
        url="/methodology/",
    )
    plan.add("404.html", "not-found", "", ctx.common("404.html"))


@renderer("methodology")
def _render_methodology(ctx: SiteContext, output: Output) -> bytes:
    title = ctx.site.config.title
    return ctx.page(
        "methodology.html",
        ctx.meta("/methodology/", f"Methodology — {title}", "How the UnfragileRank is computed."),
        dimensions=DIMENSIONS,
        labels=DIMENSION_LABELS,
        match_signals=MATCH_SIGNALS,
    )


@renderer("not-found")
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


@planner
def _plan_scores(ctx: SiteContext, plan: PagePlan) -> None:
    """``scores.json``: every artifact's rank, dimensions and the signals behind them."""
    plan.add("scores.json", "scores", "", (ctx.digests["code"], hash_key(scores_json(ctx.site))))


@renderer("scores")
def _render_scores(ctx: SiteContext, output: Output) -> bytes:
    return scores_json(ctx.site)


@planner
def _plan_static(ctx: SiteContext, plan: PagePlan) -> None:
    static_dir = ctx.options.static_dir
    for path in sorted(static_dir.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            rel = path.relative_to(static_dir).as_posix()
            target = rel if rel == "_headers" else f"static/{rel}"
            plan.add(target, "copy", target, (file_sha256(path),), source=path)
    for rel, source in sorted(ctx.site_files.items()):
        plan.add(rel, "copy", rel, (file_sha256(source),), source=source)


@renderer("copy")
def _render_copy(ctx: SiteContext, output: Output) -> bytes:
    if output.source is None:
        raise ValueError(f"{output.path}: a copied output without a source")
    return output.source.read_bytes()


def _sitemap_parts(urls: list[str]) -> list[list[str]]:
    return [urls[i : i + SITEMAP_MAX_URLS] for i in range(0, len(urls), SITEMAP_MAX_URLS)]


@planner
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


@renderer("sitemap-index")
def _render_sitemap_index(ctx: SiteContext, output: Output) -> bytes:
    base = ctx.site.config.base_url
    count = len(_sitemap_urls(ctx))
    sitemaps = [absolute_url(base, f"/sitemaps/sitemap-{n}.xml") for n in range(1, count + 1)]
    return ctx.env.get_template("sitemap_index.xml").render(sitemaps=sitemaps).encode("utf-8")


@renderer("sitemap-part")
def _render_sitemap_part(ctx: SiteContext, output: Output) -> bytes:
    part = _sitemap_urls(ctx)[int(output.key) - 1]
    return ctx.env.get_template("sitemap.xml").render(urls=part).encode("utf-8")


def _render_robots(ctx: SiteContext, output: Output) -> bytes:
    sitemap = absolute_url(ctx.site.config.base_url, "/sitemap.xml")
    return ctx.env.get_template("robots.txt").render(sitemap=sitemap).encode("utf-8")


renderer("robots")(_render_robots)
