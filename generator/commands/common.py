"""Options shared by ``build``, ``check`` and ``serve``."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.build import PROJECT_ROOT, BuildOptions


def add_site_arguments(parser: argparse.ArgumentParser, *, output: bool = True) -> None:
    parser.add_argument(
        "--content",
        type=Path,
        default=PROJECT_ROOT / "content",
        metavar="DIR",
        help="content folder with site.yaml and artifacts/ (default: content/)",
    )
    if output:
        parser.add_argument(
            "--out",
            type=Path,
            default=PROJECT_ROOT / "public",
            metavar="DIR",
            help="output folder (default: public/)",
        )
        parser.add_argument(
            "--cache-dir",
            type=Path,
            default=PROJECT_ROOT / ".cache" / "unfragile",
            metavar="DIR",
            help="evidence cache (default: .cache/unfragile)",
        )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="absolute URL the site is served from (overrides site.yaml's base_url)",
    )
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="how to print content errors (github: workflow annotations)",
    )


def options_from_args(args: argparse.Namespace, *, dev_reload: bool = False) -> BuildOptions:
    return BuildOptions(
        content_dir=args.content,
        out_dir=args.out,
        base_url=args.base_url,
        strict=args.strict,
        cache_dir=args.cache_dir,
        dev_reload=dev_reload,
    )
