"""Artifact pages (with the files their evidence contributes) and comparison pages (with their
JSON twins and the redirect from the reversed pair)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup

from generator.cache import file_sha256, hash_key
from generator.config import DIMENSIONS
from generator.pages.context import SiteContext, planner, pretty_json, renderer
from generator.pairs import Pair
from generator.plan import Output, PagePlan
from generator.render import render_page
from generator.urls import absolute_url, artifact_url, beside, compare_url, output_file
from generator.views import (
    CompareView,
    PageMeta,
    artifact_json_ld,
    compare_json,
    description_of,
)


@planner
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
                repr(ctx.comparison_cards(slug)),
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


@renderer("artifact")
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
        comparison_links=[(url, f"{a} vs {b}") for url, a, b in ctx.comparison_cards(view.slug)],
        dimensions=DIMENSIONS,
        evidence_sections=sections,
    )


@renderer("evidence-file")
def _render_evidence_file(ctx: SiteContext, output: Output) -> bytes:
    slug, rel = output.key.split(":", 1)
    for page in ctx.evidence_pages[slug]:
        item = page.files.get(rel)
        if isinstance(item, bytes):
            return item
    raise KeyError(f"no evidence file {rel!r} for {slug!r}")


@planner
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


@renderer("compare")
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


@renderer("compare-json")
def _render_compare_json(ctx: SiteContext, output: Output) -> bytes:
    comparison = ctx.comparison(_pair(ctx, output.key))
    return pretty_json(compare_json(ctx.site.config, comparison))


def _render_redirect(ctx: SiteContext, output: Output) -> bytes:
    pair = _pair(ctx, output.key)
    comparison = ctx.comparison(pair)
    reverse = compare_url(pair.reversed_slug)
    title = f"{comparison.a.name} vs {comparison.b.name}"
    return ctx.page(
        "redirect.html",
        ctx.meta(reverse, title, comparison.summary, noindex=True),
        target=comparison.url,
        lead="This comparison lives at",
        label=title,
    )


renderer("redirect")(_render_redirect)
