"""Options shared by ``build``, ``check`` and ``serve``."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

from generator.errors import UserError
from generator.manifest import MANIFEST_NAME
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
    # Absolute (not resolved: a symbolic link keeps its name in messages), so the manifest
    # names the same files whatever the working directory.
    content_dir = Path(os.path.abspath(args.content))
    check_out_dir(args.out, content_dir)
    return BuildOptions(
        content_dir=content_dir,
        out_dir=args.out,
        base_url=args.base_url,
        strict=args.strict,
        cache_dir=args.cache_dir,
        jobs=getattr(args, "jobs", None),
        incremental=not getattr(args, "full", False),
    )


def check_out_dir(out: Path, content_dir: Path) -> None:
    """Refuse an output folder whose files the build would destroy.

    A build replaces its output folder whole. That is right for a site an earlier build wrote
    (it has the build's manifest) and for an empty or new folder; for a file, a folder of
    other files or a folder that holds the content itself it would lose them.
    """
    shown = f"--out {os.fspath(out)!r}"
    if out.exists() and not out.is_dir():
        raise UserError(f"{shown} is a file; the build would replace it with the site")
    if content_dir.resolve().is_relative_to(out.resolve()):
        raise UserError(f"{shown} holds the content folder; the build would replace it")
    if out.is_dir() and not (out / MANIFEST_NAME).is_file() and any(out.iterdir()):
        raise UserError(
            f"{shown} holds files no earlier build wrote (it has no {MANIFEST_NAME}); the "
            "build replaces its output folder whole, so choose an empty or new folder"
        )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` (argparse reports a bad one as
    ``argument --x: must be from 1 to 256, got 0`` and exits with status 2)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high:,}, got {value}")
        return value

    return parse
