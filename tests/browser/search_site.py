"""The search page alone (page, bundle, static files) for a content folder, without a full build:
no evidence, no other pages. For tests on the bundled content (whose evidence needs models) and
for benchmarks/search.py."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.build import BuildOptions
from generator.evidence import Evidence
from generator.pages import SiteContext, render_output
from generator.pages.search import search_bundle
from generator.plan import Output
from generator.search_index import SearchBundle
from generator.site import load_site

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def search_context(content: Path, out: Path, cache: Path) -> SiteContext:
    options = BuildOptions(content_dir=content, out_dir=out, cache_dir=cache)
    return SiteContext(load_site(content, None, cache), Evidence(), options)


def write_search_site(ctx: SiteContext, out: Path) -> SearchBundle:
    """``out/search/index.html``, ``out/pagefind/…`` and ``out/static/…``; returns the bundle."""
    bundle = search_bundle(ctx)
    for rel, data in bundle.files.items():
        target = out / "pagefind" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    page = out / "search" / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_bytes(render_output(ctx, Output("search/index.html", "search", "", "")))
    shutil.copytree(PROJECT_ROOT / "static", out / "static", dirs_exist_ok=True)
    return bundle
