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

# Importing the page-kind modules registers them; their planners run in this order. The sitemap
# planner (site_files) lists every URL planned before it, so page kinds with URLs come first;
# redirects come after it: they add no URL and must see every page to check their targets.
from generator.pages import artifacts, listings, search, site_files
from generator.pages import redirects as redirects
from generator.pages.context import SiteContext, make_plan, render_output

__all__ = [
    "SiteContext",
    "artifacts",
    "listings",
    "make_plan",
    "redirects",
    "render_output",
    "search",
    "site_files",
]
