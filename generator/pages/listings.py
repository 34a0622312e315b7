"""Listings: the home page, the kind lists and the comparison index (paginated, so each page
is linear in its own length), and the small file the home page's compare picker fetches."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import orjson

from generator.cache import hash_key
from generator.pages.context import SiteContext, planner, renderer
from generator.plan import Output, PagePlan
from generator.urls import artifact_url, output_file

LIST_PAGE_SIZE = 100  # artifacts per page of a kind list and of the comparison index
HOME_TOP = 10  # artifacts per kind on the home page
PICKER_DATA = "compare/artifacts.json"  # what the home page's compare picker fetches


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


@planner
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


@renderer("index")
def _render_index(ctx: SiteContext, output: Output) -> bytes:
    config = ctx.site.config
    return ctx.page(
        "index.html",
        ctx.meta("/", config.title, config.description),
        by_kind={k: [ctx.view(s) for s in m[:HOME_TOP]] for k, m in ctx.by_kind.items()},
        counts={k: len(m) for k, m in ctx.by_kind.items()},
        picker_data=PICKER_DATA,
    )


@planner
def _plan_kind_lists(ctx: SiteContext, plan: PagePlan) -> None:
    # Every kind of site.yaml has its list, even with no members: the navigation links to each.
    for kind in ctx.site.config.kinds:
        members = ctx.by_kind.get(kind, [])
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


@renderer("kind-list")
def _render_kind_list(ctx: SiteContext, output: Output) -> bytes:
    kind, number_text = output.key.split(":")
    number = int(number_text)
    members = ctx.by_kind.get(kind, [])
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


@planner
def _plan_compare_index(ctx: SiteContext, plan: PagePlan) -> None:
    for number, count, slugs in _pages(ctx.ranked, LIST_PAGE_SIZE):
        url = _list_url("/compare/", number)
        shown = [(s, ctx.site.by_slug(s).name, ctx.comparison_cards(s)) for s in slugs]
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


@renderer("compare-index")
def _render_compare_index(ctx: SiteContext, output: Output) -> bytes:
    number = int(output.key)
    _, count, slugs = list(_pages(ctx.ranked, LIST_PAGE_SIZE))[number - 1]
    groups = [
        ComparisonsOf(
            s,
            ctx.site.by_slug(s).name,
            tuple((url, f"{a} vs {b}") for url, a, b in ctx.comparison_cards(s)),
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


def _picker_bytes(ctx: SiteContext) -> bytes:
    """Name, page and comparison partners of every artifact, for the home page's type-ahead
    compare picker (so it knows whether a pair has a page without asking the server)."""
    site = ctx.site
    artifacts = [
        {
            "slug": a.slug,
            "name": a.name,
            "url": artifact_url(a.kind, a.slug),
            "with": sorted(p.b if p.a == a.slug else p.a for p in ctx.compare_of.get(a.slug, [])),
        }
        for a in sorted(site.records, key=lambda a: (a.name.casefold(), a.slug))
    ]
    return orjson.dumps({"artifacts": artifacts}, option=orjson.OPT_SORT_KEYS) + b"\n"


@planner
def _plan_picker_data(ctx: SiteContext, plan: PagePlan) -> None:
    plan.add(PICKER_DATA, "picker-data", "", (hash_key(_picker_bytes(ctx)),))


@renderer("picker-data")
def _render_picker_data(ctx: SiteContext, output: Output) -> bytes:
    return _picker_bytes(ctx)
