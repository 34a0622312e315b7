"""Plain-text tables of corpus statistics for the terminal (``corpus-stats --format table``)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from generator.corpus.stats import CorpusStats, SubsetStats

log = logging.getLogger(__name__)

SUBSET_COLUMNS = (
    "subset",
    "documents",
    "bytes",
    "share",
    "characters",
    "words",
    "mean B",
    "median B",
    "p90 B",
    "max B",
    "distinct≈",
    "dup rate",
)
FILE_COLUMNS = ("file", "compressed", "uncompressed", "ratio", "lines", "documents", "skipped")


def _size(value: float | int | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _subset_row(name: str, s: SubsetStats) -> list[str]:
    return [
        name,
        f"{s.documents:,}",
        f"{s.bytes:,}",
        f"{s.share:.1%}",
        f"{s.characters:,}",
        f"{s.words:,}",
        _size(s.mean_bytes),
        _size(s.median_bytes),
        _size(s.p90_bytes),
        _size(s.max_bytes),
        f"{s.distinct_estimate:,}",
        f"{s.duplicate_rate:.1%}",
    ]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return [line(header), rule, *(line(r) for r in rows)]


def format_table(stats: CorpusStats) -> str:
    """Subsets (largest first), the total, then one row per file and any skipped lines."""
    ordered = sorted(stats.subsets.items(), key=lambda item: (-item[1].bytes, item[0]))
    rows = [_subset_row(name, s) for name, s in ordered]
    rows.append(_subset_row("total", stats.total))
    out = _table(SUBSET_COLUMNS, rows)
    out.append("")
    file_rows = [
        [
            f.path,
            f"{f.compressed_bytes:,}",
            f"{f.uncompressed_bytes:,}",
            f"{f.compression_ratio:.2f}",
            f"{f.lines:,}",
            f"{f.documents:,}",
            f"{f.skipped_lines:,}",
        ]
        for f in stats.files
    ]
    out.extend(_table(FILE_COLUMNS, file_rows))
    for f in stats.files:
        if f.skipped_lines:
            out.append("")
            out.append(f"{f.path}: skipped {f.skipped_lines:,} bad line(s), first ones:")
            out.extend(f"  {example}" for example in f.skipped_examples)
    out.append("")
    out.append(
        "bytes: UTF-8 bytes of text; median and p90 from a log-scale histogram (±1.1 %); "
        "distinct≈: HyperLogLog estimate"
    )
    return "\n".join(out)
