"""The search page and its Pagefind bundle (``generator.search_index``).

The bundle's files are planned like any other output: each under ``pagefind/`` with the digest
of its bytes as its input, so when an edit changes what is searchable only the chunks Pagefind
rewrote are rendered again and the rest are carried over. The bundle itself is made (or taken
from the cache) while planning, because Pagefind's file names are hashes of their contents.
"""

from __future__ import annotations

import orjson

from generator.markup import render_markdown
from generator.pages.context import SiteContext, planner, renderer
from generator.plan import Output, PagePlan
from generator.scores import display_score
from generator.search_index import (
    BUNDLE_DIR,
    SearchBundle,
    SearchCapability,
    SearchRecord,
    bundle_key,
    bundle_path,
    digest_of,
    get_bundle,
    language_code,
    read_bundle,
)
from generator.urls import artifact_url, compare_url

SEARCH_URL = "/search/"
RECORD_TEMPLATE = "search_record.html"
_MEMO = ("search", "bundle key")  # SiteContext memo entry: this build's bundle key


def search_records(ctx: SiteContext) -> list[SearchRecord]:
    """Every artifact as the index sees it, best ranked first."""
    site = ctx.site
    records = []
    for slug in ctx.ranked:
        artifact = site.by_slug(slug)
        comparisons = []
        for pair in ctx.compare_of.get(slug, []):
            other = pair.b if pair.a == slug else pair.a
            comparisons.append((compare_url(pair.slug), other, site.by_slug(other).name))
        records.append(
            SearchRecord(
                slug=slug,
                kind=artifact.kind,
                kind_label=site.config.kinds[artifact.kind].label,
                name=artifact.name,
                url=artifact_url(artifact.kind, slug),
                summary=artifact.summary,
                rank=display_score(site.scores[slug].rank),
                capabilities=tuple(
                    SearchCapability(f"cap-{slug}-{c.id}", c.title, c.description)
                    for c in artifact.capabilities
                ),
                comparisons=tuple(comparisons),
            )
        )
    return records


def _document(ctx: SiteContext, record: SearchRecord) -> str:
    return ctx.env.get_template(RECORD_TEMPLATE).render(
        record=record,
        language=ctx.site.config.language,
        descriptions=[render_markdown(c.description) for c in record.capabilities],
        comparisons=orjson.dumps([list(c) for c in record.comparisons]).decode(),
    )


def search_bundle(ctx: SiteContext) -> SearchBundle:
    records = search_records(ctx)
    language = language_code(ctx.site.config.language)
    key = bundle_key(records, language, ctx.digests["code"], ctx.template_digest(RECORD_TEMPLATE))
    bundle = get_bundle(records, key, lambda r: _document(ctx, r), language, ctx.options.cache_dir)
    ctx._memo[_MEMO] = key
    return bundle


@planner
def _plan_search(ctx: SiteContext, plan: PagePlan) -> None:
    bundle = search_bundle(ctx)
    plan.add(
        "search/index.html",
        "search",
        "",
        (*ctx.common("search.html"), repr(_kinds(ctx)), bool(bundle.files)),
        url=SEARCH_URL,
    )
    for rel, data in sorted(bundle.files.items()):
        path = f"{BUNDLE_DIR}/{rel}"
        plan.add(path, "search-index", rel, (digest_of(data),))


def _kinds(ctx: SiteContext) -> list[tuple[str, str, str, int]]:
    """(slug, label, plural, count) of each kind with artifacts, in site.yaml's order."""
    kinds = ctx.site.config.kinds
    return [(k, kinds[k].label, kinds[k].plural, len(m)) for k, m in ctx.by_kind.items()]


@renderer("search")
def _render_search(ctx: SiteContext, output: Output) -> bytes:
    title = ctx.site.config.title
    return ctx.page(
        "search.html",
        ctx.meta(
            SEARCH_URL,
            f"Search — {title}",
            "Search artifacts by name, summary and capability; filter by kind.",
        ),
        kinds=_kinds(ctx),
        searchable=bool(ctx.by_kind),
        bundle=f"/{BUNDLE_DIR}/pagefind.js",
    )


@renderer("search-index")
def _render_search_index(ctx: SiteContext, output: Output) -> bytes:
    key = ctx._memo.get(_MEMO)
    if key is None:  # a renderer in a process that did not plan: find the bundle again
        return search_bundle(ctx).files[output.key]
    return read_bundle(bundle_path(ctx.options.cache_dir, key))[output.key]
