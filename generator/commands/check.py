"""``build.py check``: validate everything, write nothing. Fast: no evidence is computed.

With entries in ``content/redirects.yaml``, the page plan is made too (without evidence, which
adds files but never pages) so every redirect's target is checked. ``--base REF`` also fails,
naming each URL, when a page published by the base (a git ref, a content folder or a built
site) is gone from this content without a redirect.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from generator.commands.common import add_site_arguments
from generator.errors import StrictFailure

if TYPE_CHECKING:
    from generator.options import BuildOptions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_site_arguments(parser, output=False)
    parser.add_argument(
        "--base",
        metavar="PATH_OR_GIT_REF",
        help="fail when a URL published by this base (a git ref such as origin/main, a content "
        "folder or a built site) is gone without a redirect",
    )


def run(args: argparse.Namespace) -> int:
    from generator.errors import Problems
    from generator.options import BuildOptions
    from generator.redirects import load_redirects
    from generator.report_base import plan_pages
    from generator.site import load_site

    before = args.warning_counter.count
    site = load_site(args.content, args.base_url)
    problems = Problems()
    redirects = load_redirects(args.content, problems)
    problems.raise_if_any()
    options = BuildOptions(content_dir=args.content, out_dir=Path("public"))  # writes nothing
    served: set[str] | None = None
    if args.base is not None or redirects.entries:
        # The page plan (without evidence) checks every redirect's target; it costs about
        # half of loading the records, so a site without redirects skips it.
        served = plan_pages(site, options).served
    if args.base is not None and served is not None:
        _check_published(args.base, args.content, options, served)
    if args.strict and args.warning_counter.count > before:
        raise StrictFailure(f"{args.warning_counter.count - before} warning(s) with --strict")
    print(
        f"OK: {len(site.records)} artifacts, {len(site.pairs)} comparison pages, "
        f"{len(site.graph.matches)} capability matches."
        + (f" Every URL published at {args.base} is still served." if args.base else "")
    )
    return 0


def _check_published(spec: str, content: Path, options: BuildOptions, served: set[str]) -> None:
    """Raise a located problem (in redirects.yaml, where the fix goes) per vanished URL."""
    import tempfile

    from generator.errors import ContentErrors, Problem, Problems
    from generator.redirects import load_redirects
    from generator.report import load_snapshot
    from generator.report_base import materialise, planned_pages

    with (
        tempfile.TemporaryDirectory(prefix="unfragile-check-") as tmp,
        materialise(spec, content, Path(tmp)) as base,
    ):
        if base.site is not None:
            published = set(load_snapshot(base.site, spec).published)
        else:
            assert base.content is not None
            try:
                published = planned_pages(base.content, options).served
            except ContentErrors:
                # The base's redirects do not validate with this generator: its pages, and the
                # addresses its redirects served, as written.
                published = planned_pages(base.content, options, with_redirects=False).served
                published |= set(load_redirects(base.content, Problems()).sources)
    gone = sorted(published - served)
    if not gone:
        return
    loaded = load_redirects(content, Problems())
    line = loaded.doc.key_position("redirects").line if loaded.doc is not None else 1
    hint = f"python build.py diff --base {spec} --write-redirects adds one"
    raise ContentErrors(
        [
            Problem(
                loaded.display,
                line,
                1,
                "redirects",
                f"{url} was published at {spec} and is gone without a redirect ({hint})",
            )
            for url in gone
        ]
    )
