"""``build.py build``: validate, compute evidence and write the site."""

from __future__ import annotations

import argparse
import logging

from generator.commands.common import add_site_arguments, options_from_args

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_site_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from generator.build import build_site

    report = build_site(options_from_args(args), args.warning_counter)
    out = args.out.resolve()
    if report.up_to_date:
        print(f"Site in {out} is up to date ({report.files} files, {report.seconds:.1f} s).")
    else:
        print(
            f"Site written to {out} ({report.files} files: {report.rendered} rendered, "
            f"{report.carried} unchanged, {report.deleted} removed; {report.seconds:.1f} s)."
        )
    print(f"Serve it with: python -m http.server --directory {out} 8000")
    return 0
