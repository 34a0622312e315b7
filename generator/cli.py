"""Command line: ``python build.py [build|check|serve|qa|corpus-stats] ...``.

Each sub-command lives in ``generator/commands/<name>.py`` with ``add_arguments(parser)`` and
``run(args) -> int``. Those modules import heavy libraries (onnxruntime, dask, …) inside ``run``
only, so ``check`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from typing import Protocol

from generator.errors import PROJECT_LOGGER, ContentErrors, CountingHandler, UserError

log = logging.getLogger(PROJECT_LOGGER)

COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("generator.commands.build", "validate, compute evidence and write the site"),
    "check": ("generator.commands.check", "validate the content only; writes nothing"),
    "serve": ("generator.commands.serve", "build, serve on 127.0.0.1 and rebuild on change"),
    "qa": ("generator.commands.qa", "answer questions with an extractive QA model"),
    "corpus-stats": ("generator.commands.corpus_stats", "statistics over Pile-format shards"),
    "diff": ("generator.commands.diff", "report what the content changes against a base"),
}


class Command(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def _load(name: str) -> Command:
    module: Command = importlib.import_module(COMMANDS[name][0])
    return module


def make_parser(only: str | None = None) -> argparse.ArgumentParser:
    # -v/-q are accepted before or after the command name.
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS keeps a sub-command's default from overwriting a flag given before it.
    common.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="log debug details",
    )
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="log warnings and errors only",
    )
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Unfragile: comparison pages of AI artifacts.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        if only is None or name == only:
            _load(name).add_arguments(sub_parser)
    return parser


def _configure_logging(verbose: bool, quiet: bool) -> CountingHandler:
    """Everything logged goes to stderr; only this project's warnings count for ``--strict``."""
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    counter = CountingHandler()
    project = logging.getLogger(PROJECT_LOGGER)
    project.handlers[:] = [h for h in project.handlers if not isinstance(h, CountingHandler)]
    project.addHandler(counter)
    return counter


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # ``python build.py --strict`` means ``python build.py build --strict``.
    first = next((a for a in args_list if a not in ("-v", "--verbose", "-q", "--quiet")), None)
    if first is None or (first.startswith("-") and first not in ("-h", "--help")):
        insert_at = args_list.index(first) if first is not None else len(args_list)
        args_list.insert(insert_at, "build")
        first = "build"
    parser = make_parser(first if first in COMMANDS else None)
    args = parser.parse_args(args_list)
    counter = _configure_logging(getattr(args, "verbose", False), getattr(args, "quiet", False))
    args.warning_counter = counter
    command = _load(args.command)
    try:
        return command.run(args)
    except ContentErrors as exc:
        # GitHub reads workflow commands (annotations) from stdout only.
        github = getattr(args, "format", "text") == "github"
        print(exc.format("github" if github else "text"), file=sys.stdout if github else sys.stderr)
        print(f"error: {exc}; nothing was written", file=sys.stderr)
        return 1
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        # The machine refused a read or write the command line asked for (an output folder
        # that cannot be written, a full disk): say which file and why, without a traceback.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
