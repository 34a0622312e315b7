"""Redirects from ``content/redirects.yaml``: a page at each old URL and ``_redirects``.

Planned after every other page kind: each entry's target must be a page of the plan, and its
old URL must not be one. Redirect pages are not in the sitemap (``url=None``), so planning them
after the sitemap changes nothing there.
"""

from __future__ import annotations

from generator.errors import Problems
from generator.pages.context import SiteContext, planner, renderer
from generator.plan import Output, PagePlan
from generator.redirects import (
    check_redirects,
    load_redirects,
    output_path,
    page_url,
    redirects_file,
)

REDIRECTS_FILE = "_redirects"  # read by Netlify and Cloudflare Pages


@planner
def _plan_redirects(ctx: SiteContext, plan: PagePlan) -> None:
    problems = Problems()
    loaded = load_redirects(ctx.options.content_dir, problems)
    entries = check_redirects(loaded, {o.path: o.kind for o in plan}, problems)
    problems.raise_if_any()
    for entry in entries:
        plan.add(
            output_path(entry.source),
            "moved",
            entry.target,
            (*ctx.common("redirect.html"), entry.source, entry.target),
        )
    if entries:
        base_path = ctx.site.config.base_path
        text = redirects_file(entries, base_path).decode("utf-8")
        plan.add(REDIRECTS_FILE, "redirects-file", text, (ctx.digests["code"], text))


@renderer("moved")
def _render_moved(ctx: SiteContext, output: Output) -> bytes:
    title = f"Moved — {ctx.site.config.title}"
    meta = ctx.meta(page_url(output.path), title, "This page has moved.", noindex=True)
    target = output.key
    label = ctx.site.config.base_url + target.lstrip("/")
    return ctx.page(
        "redirect.html", meta, target=target, lead="This page has moved to", label=label
    )


@renderer("redirects-file")
def _render_redirects_file(ctx: SiteContext, output: Output) -> bytes:
    return output.key.encode("utf-8")  # the file's text, made when planned


def plan_without_redirects(ctx: SiteContext) -> PagePlan:
    """The plan of every other page kind: what redirects may point at, before they are read
    (``build.py diff --write-redirects`` fixes redirects.yaml from it, ``check --base`` too)."""
    from generator.pages.context import PLANNERS

    plan = PagePlan(common=ctx.digests["code"])
    for plan_outputs in PLANNERS:
        if plan_outputs is not _plan_redirects:
            plan_outputs(ctx, plan)
    ctx.plan = plan
    return plan
