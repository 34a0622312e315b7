"""Options shared by ``build``, ``check`` and ``serve``."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from generator.options import PROJECT_ROOT, BuildOptions


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
            "--jobs",
            "-j",
            type=_positive_int,
            metavar="N",
            help="render processes (default: every usable core; small sites use one)",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="render every page, ignoring the previous build's manifest",
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


def options_from_args(args: argparse.Namespace) -> BuildOptions:
    return BuildOptions(
        # Absolute (not resolved: a symbolic link keeps its name in messages), so the
        # manifest names the same files whatever the working directory.
        content_dir=Path(os.path.abspath(args.content)),
        out_dir=args.out,
        base_url=args.base_url,
        strict=args.strict,
        cache_dir=args.cache_dir,
        jobs=getattr(args, "jobs", None),
        incremental=not getattr(args, "full", False),
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value
