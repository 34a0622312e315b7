"""``build.py check``: validate everything, write nothing. Fast: no evidence is computed."""

from __future__ import annotations

import argparse

from generator.commands.common import add_site_arguments
from generator.errors import StrictFailure


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_site_arguments(parser, output=False)


def run(args: argparse.Namespace) -> int:
    from generator.site import load_site

    before = args.warning_counter.count
    site = load_site(args.content, args.base_url)
    if args.strict and args.warning_counter.count > before:
        raise StrictFailure(f"{args.warning_counter.count - before} warning(s) with --strict")
    print(
        f"OK: {len(site.records)} artifacts, {len(site.pairs)} comparison pages, "
        f"{len(site.graph.matches)} capability matches."
    )
    return 0
