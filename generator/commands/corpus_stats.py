"""``python build.py corpus-stats PATH…``: statistics over Pile-format shards.

Prints a table (default) or JSON on stdout once every shard has been read; a bad shard stops the
run with ``error: <file>:<line>: …`` and prints nothing else. Heavy modules (numpy, dask) are
imported inside :func:`run` so ``build.py check`` never loads them.
"""

from __future__ import annotations

import argparse
import logging
import sys

from generator.errors import UserError

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="shards: .jsonl, .jsonl.zst or .jsonl.gz files, folders of them, or globs",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="local workers (default: all cores; 1 runs in this thread)",
    )
    parser.add_argument(
        "--processes",
        action="store_true",
        help="local workers are processes, not threads: faster for corpora whose lines are not "
        "in the Pile's exact shape (those are parsed under Python's GIL)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDR",
        help="a dask.distributed scheduler, e.g. tcp://host:8786 (workers must see PATH)",
    )
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format"
    )
    parser.add_argument(
        "--skip-bad-lines",
        action="store_true",
        help="count and skip lines that are not Pile documents instead of stopping",
    )
    parser.add_argument(
        "--part-mb",
        type=int,
        default=None,
        metavar="MB",
        help="cut plain and multi-frame zstd shards into parts of about this size "
        "(default: about four parts per core, 8-64 MB)",
    )


def run(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        raise UserError(f"--workers must be at least 1, got {args.workers}")
    if args.part_mb is not None and args.part_mb < 1:
        raise UserError(f"--part-mb must be at least 1, got {args.part_mb}")
    if args.scheduler is not None and args.workers is not None:
        raise UserError("--workers and --scheduler exclude each other (Dask decides the workers)")
    if args.scheduler is not None and args.processes:
        raise UserError("--processes and --scheduler exclude each other (Dask decides the workers)")

    import orjson

    from generator.corpus.report import format_table
    from generator.corpus.stats import compute_corpus_stats

    stats = compute_corpus_stats(
        args.paths,
        workers=args.workers,
        scheduler=args.scheduler,
        skip_bad_lines=args.skip_bad_lines,
        show_progress=not getattr(args, "quiet", False),
        part_bytes=None if args.part_mb is None else args.part_mb << 20,
        processes=args.processes,
    )
    if args.format == "json":
        sys.stdout.buffer.write(orjson.dumps(stats.to_json(), option=orjson.OPT_INDENT_2) + b"\n")
    else:
        print(format_table(stats))
    for file in stats.files:
        if file.skipped_lines:
            log.warning("%s: skipped %d bad line(s)", file.path, file.skipped_lines)
    return 0
