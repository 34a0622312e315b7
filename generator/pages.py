"""Every page of the site, rendered into the staging writer."""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from generator.config import DIMENSION_LABELS, DIMENSIONS
from generator.evidence import Evidence
from generator.render import make_environment, render_page
from generator.scores import MATCH_SIGNALS
from generator.site import Site
from generator.urls import absolute_url, beside, compare_url, output_file
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
from generator.write import SiteWriter

if TYPE_CHECKING:
    from generator.build import BuildOptions

log = logging.getLogger(__name__)


def _json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2).decode() + "\n"


def _rank_key(view: ArtifactView) -> tuple[float, str]:
    return (-(view.score.rank if view.score.rank is not None else -1.0), view.slug)


def render_site(site: Site, evidence: Evidence, writer: SiteWriter, options: BuildOptions) -> None:
    env = make_environment(options.templates_dir)
    config = site.config
    stylesheets = tuple(
        "/static/" + p.relative_to(options.static_dir).as_posix()
        for p in sorted(options.static_dir.glob("css/*.css"))
    )

    def meta(path: str, title: str, description: str, **kw: Any) -> PageMeta:
        return PageMeta(
            site=config,
            path=path,
            title=title,
            description=description,
            dev_reload=options.dev_reload,
            stylesheets=stylesheets,
            **kw,
        )

    def page(path: str, template: str, page_meta: PageMeta, **context: Any) -> None:
        writer.write_text(
            output_file(path), render_page(env, template, page_meta, **context), template
        )

    views = {a.slug: artifact_view(site, a) for a in site.records}
    ranked = sorted(views.values(), key=_rank_key)
    by_kind: dict[str, list[ArtifactView]] = defaultdict(list)
    for view in ranked:
        by_kind[view.kind.slug].append(view)
    comparisons = [compare_view(site, pair, views) for pair in site.pairs]
    compare_of: dict[str, list[CompareView]] = defaultdict(list)
    for comparison in comparisons:
        compare_of[comparison.a.slug].append(comparison)
        compare_of[comparison.b.slug].append(comparison)

    page(
        "/",
        "index.html",
        meta("/", config.title, config.description),
        by_kind=dict(by_kind),
        ranked=ranked,
        comparisons=comparisons,
    )

    for kind, members in sorted(by_kind.items()):
        label = config.kinds[kind].plural
        page(
            f"/{kind}/",
            "kind.html",
            meta(f"/{kind}/", f"{label} — {config.title}", f"All {label.lower()} ranked."),
            kind=config.kinds[kind],
            members=members,
        )

    runtime: Any = None
    if evidence.qa:
        from generator.widget import find_runtime

        runtime = find_runtime(options.node_modules)  # warns once when `npm ci` was not run
    for view in ranked:
        qa = evidence.qa.get(view.slug)
        corpus = evidence.corpus.get(view.slug)
        widget = None
        if qa is not None:
            from generator.widget import widget_for_qa

            widget = widget_for_qa(writer, view.url, qa, runtime)
            writer.write_text(
                beside(view.url, "qa.json"),
                _json(qa.to_json()),
                "qa evidence",
            )
        if corpus is not None:
            writer.write_text(
                beside(view.url, "corpus.json"),
                _json(corpus.to_json()),
                "corpus evidence",
            )
        page(
            view.url,
            "artifact.html",
            meta(
                view.url,
                f"{view.name} — {config.title}",
                description_of(view.artifact),
                og_type="article",
                json_ld=artifact_json_ld(config, view),
            ),
            view=view,
            comparisons=compare_of[view.slug],
            dimensions=DIMENSIONS,
            qa=qa,
            corpus=corpus,
            widget=widget,
        )

    for comparison in comparisons:
        title = f"{comparison.a.name} vs {comparison.b.name}"
        ld = {
            "@context": "https://schema.org",
            "@type": "WebPage",
            "name": title,
            "url": absolute_url(config.base_url, comparison.url),
            "about": [
                artifact_json_ld(config, comparison.a),
                artifact_json_ld(config, comparison.b),
            ],
        }
        page(
            comparison.url,
            "compare.html",
            meta(
                comparison.url,
                f"{title} — {config.title}",
                comparison.summary,
                og_type="article",
                json_ld=ld,
            ),
            view=comparison,
        )
        writer.write_text(
            beside(comparison.url, "index.json"),
            _json(compare_json(config, comparison)),
            "compare.json",
        )
        reverse = compare_url(comparison.pair.reversed_slug)
        page(
            reverse,
            "redirect.html",
            meta(reverse, title, comparison.summary, noindex=True),
            target=comparison.url,
        )

    page(
        "/compare/",
        "compare_index.html",
        meta("/compare/", f"Comparisons — {config.title}", "Every comparison page."),
        comparisons=comparisons,
        ranked=ranked,
    )
    page(
        "/methodology/",
        "methodology.html",
        meta(
            "/methodology/", f"Methodology — {config.title}", "How the UnfragileRank is computed."
        ),
        dimensions=DIMENSIONS,
        labels=DIMENSION_LABELS,
        match_signals=MATCH_SIGNALS,
    )
    page(
        "/404.html",
        "404.html",
        meta(
            "/404.html",
            f"Page not found — {config.title}",
            "Page not found.",
            noindex=True,
            absolute_links=True,
        ),
    )

    urls = ["/", "/compare/", "/methodology/"] + [f"/{k}/" for k in sorted(by_kind)]
    urls += [v.url for v in ranked] + [c.url for c in comparisons]
    writer.write_text(
        "sitemap.xml",
        env.get_template("sitemap.xml").render(
            urls=[absolute_url(config.base_url, u) for u in urls]
        ),
        "sitemap",
    )
    writer.write_text(
        "robots.txt",
        env.get_template("robots.txt").render(
            sitemap=absolute_url(config.base_url, "/sitemap.xml")
        ),
        "robots",
    )
    _copy_static(options.static_dir, writer)


def _copy_static(static_dir: Path, writer: SiteWriter) -> None:
    for path in sorted(static_dir.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            rel = path.relative_to(static_dir).as_posix()
            target = rel if rel == "_headers" else f"static/{rel}"
            writer.copy_file(target, path, "static")
