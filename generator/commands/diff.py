"""``build.py diff --base PATH_OR_GIT_REF``: what the working tree's content changes on the site.

Builds the base (a git ref or a content folder; a built site is read as it is) and the working
tree with the working tree's generator, each into a temporary folder, and reports pages added,
removed and changed, score changes and the signal edits behind them, comparison pages added and
dropped, broken internal links and published URLs that would vanish (generator/report.py).

Exit status: 0 when the report was made; 1 on errors (content that does not validate, a base
that cannot be found); 3 with ``--fail-on-removed`` when a published URL would vanish.
``--write-redirects`` first appends a redirect to ``redirects.yaml`` for every such URL (and
points redirects whose target is gone at a page), so the report then shows them redirected.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from generator.options import PROJECT_ROOT, BuildOptions

log = logging.getLogger(__name__)

EXIT_VANISHED = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base",
        required=True,
        metavar="PATH_OR_GIT_REF",
        help="what to compare with: a git ref of the content's repository (origin/main, HEAD~1), "
        "a content folder, or a built site (a folder with .unfragile-manifest.json)",
    )
    parser.add_argument(
        "--content",
        type=Path,
        default=PROJECT_ROOT / "content",
        metavar="DIR",
        help="the working tree's content folder (default: content/)",
    )
    parser.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="markdown: a GitHub pull-request comment (default); json: stable, for tools",
    )
    parser.add_argument(
        "--output", type=Path, metavar="FILE", help="write the report here (default: stdout)"
    )
    parser.add_argument(
        "--fail-on-removed",
        action="store_true",
        help=f"exit with status {EXIT_VANISHED} when a published URL would vanish without a "
        "redirect",
    )
    parser.add_argument(
        "--write-redirects",
        action="store_true",
        help="append a redirect to redirects.yaml for each published URL the change removes",
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="build both sides for this base URL (default: each side's site.yaml)",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=PROJECT_ROOT / ".cache" / "unfragile",
        metavar="DIR",
        help="evidence cache, shared with builds (default: .cache/unfragile)",
    )
    parser.add_argument("--jobs", "-j", type=int, metavar="N", help="render processes")


def run(args: argparse.Namespace) -> int:
    from generator.errors import Problems, UserError
    from generator.redirects import load_redirects, write_redirects
    from generator.report import compare, load_snapshot, redirect_fixes
    from generator.report_base import build_snapshot, materialise, planned_pages
    from generator.report_format import to_json, to_markdown

    if args.jobs is not None and args.jobs < 1:
        raise UserError(f"--jobs must be at least 1, got {args.jobs}")
    with tempfile.TemporaryDirectory(prefix="unfragile-diff-") as tmp_name:
        tmp = Path(tmp_name)
        options = BuildOptions(
            content_dir=args.content,
            out_dir=tmp / "head",
            base_url=args.base_url,
            cache_dir=args.cache_dir,
            jobs=args.jobs,
            incremental=False,
            progress=False,
        )
        with materialise(args.base, args.content, tmp) as base:
            if base.site is not None:
                old = load_snapshot(base.site, base.label)
            else:
                assert base.content is not None
                side = replace(options, content_dir=base.content, out_dir=tmp / "base")
                old = build_snapshot(side, base.label)
        if args.write_redirects:
            problems = Problems()
            existing = load_redirects(args.content, problems)
            problems.raise_if_any()
            head = planned_pages(args.content, options, with_redirects=False)
            added, retarget = redirect_fixes(old, head, existing.sources)
            if added or retarget:
                path = write_redirects(args.content, added, retarget)
                log.warning(
                    "%s: %d redirect(s) added, %d pointed at a new page; review and commit it",
                    path,
                    len(added),
                    len(retarget),
                )
        new = build_snapshot(options, "working tree")
        report = compare(old, new)
    text = to_json(report).decode() if args.format == "json" else to_markdown(report)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if report.vanished:
        urls = ", ".join(v.url for v in report.vanished)
        log.warning(
            "%d published URL(s) would vanish without a redirect: %s "
            "(python build.py diff --base %s --write-redirects adds them)",
            len(report.vanished),
            urls,
            args.base,
        )
        if args.fail_on_removed:
            return EXIT_VANISHED
    return 0
