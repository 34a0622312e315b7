"""What the page shows: measured and published figures side by side, formatted, plus the chart.

The template (``templates/partials/corpus_evidence.html``) only lays these out; every number is
formatted here, so it is tested here, and a figure the source does not give reads "unknown".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from generator.corpus.published import PublishedComponent, PublishedFigures
from generator.corpus.stats import CorpusStats, FileStats, SubsetStats

log = logging.getLogger(__name__)

UNKNOWN = "unknown"
NOT_LISTED = "—"


def count(value: int) -> str:
    return f"{value:,}"


def size(value: float | None) -> str:
    return NOT_LISTED if value is None else f"{value:,.0f}"


def percent(fraction: float, digits: int = 1) -> str:
    return f"{fraction * 100:.{digits}f} %"


def figure(value: float | None, digits: int = 2, unit: str = "") -> str:
    if value is None:
        return UNKNOWN
    return f"{value:,.{digits}f}{unit}"


@dataclass(frozen=True)
class MeasuredCells:
    documents: str
    bytes: str
    characters: str
    words: str
    mean: str
    median: str
    p90: str
    max: str
    share: str
    distinct: str
    duplicate_rate: str

    @classmethod
    def of(cls, s: SubsetStats) -> MeasuredCells:
        return cls(
            documents=count(s.documents),
            bytes=count(s.bytes),
            characters=count(s.characters),
            words=count(s.words),
            mean=size(s.mean_bytes),
            median=size(s.median_bytes),
            p90=size(s.p90_bytes),
            max=size(s.max_bytes),
            share=percent(s.share),
            distinct=count(s.distinct_estimate),
            duplicate_rate=percent(s.duplicate_rate),
        )


@dataclass(frozen=True)
class PublishedCells:
    raw_size: str  # GiB
    weight: str
    epochs: str
    effective_size: str  # GiB
    mean_document: str  # KiB

    @classmethod
    def of(cls, c: PublishedComponent) -> PublishedCells:
        return cls(
            raw_size=figure(c.raw_size_gib),
            weight=figure(c.weight_percent, unit=" %"),
            epochs=figure(c.epochs, digits=1),
            effective_size=figure(c.effective_size_gib),
            mean_document=figure(c.mean_document_kib),
        )

    @classmethod
    def total(cls, figures: PublishedFigures) -> PublishedCells:
        t = figures.total
        return cls(
            raw_size=figure(t.get("raw_size_gib")),
            weight=figure(t.get("weight_percent"), unit=" %"),
            epochs=NOT_LISTED,
            effective_size=figure(t.get("effective_size_gib")),
            mean_document=figure(t.get("mean_document_kib")),
        )


@dataclass(frozen=True)
class SubsetRow:
    name: str
    measured: MeasuredCells | None  # None: in the published table, absent from the shards
    published: PublishedCells | None  # None: in the shards, not in the published table


@dataclass(frozen=True)
class FileRow:
    path: str
    compressed: str
    uncompressed: str
    ratio: str
    documents: str
    skipped: str

    @classmethod
    def of(cls, f: FileStats) -> FileRow:
        return cls(
            path=f.path,
            compressed=count(f.compressed_bytes),
            uncompressed=count(f.uncompressed_bytes),
            ratio=f"{f.compression_ratio:.2f}",
            documents=count(f.documents),
            skipped=count(f.skipped_lines),
        )


@dataclass(frozen=True)
class ChartBar:
    label: str
    y: int  # top of the row
    measured_width: float  # px
    published_width: float | None
    measured_text: str
    published_text: str


@dataclass(frozen=True)
class CompositionChart:
    """Horizontal bars: the shards' share of text bytes next to the published weight."""

    width: int
    height: int
    label_width: int
    bar_height: int
    bars: tuple[ChartBar, ...]


def subset_rows(stats: CorpusStats, published: PublishedFigures | None) -> list[SubsetRow]:
    """Published components in the source's order, then any other measured subsets by name."""
    components = published.components if published else {}
    names = list(components) + sorted(n for n in stats.subsets if n not in components)
    return [
        SubsetRow(
            name=name,
            measured=MeasuredCells.of(stats.subsets[name]) if name in stats.subsets else None,
            published=PublishedCells.of(components[name]) if name in components else None,
        )
        for name in names
    ]


def composition_chart(
    stats: CorpusStats, published: PublishedFigures | None, width: int = 720
) -> CompositionChart:
    rows = subset_rows(stats, published)
    label_width, row_height, bar_height, top = 170, 30, 11, 8
    plot = width - label_width - 110  # room for the value text after the longest bar
    components = published.components if published else {}
    shares = {n: s.share for n, s in stats.subsets.items()}
    weights = {n: (c.weight_percent or 0.0) / 100 for n, c in components.items()}
    largest = max([*shares.values(), *weights.values(), 1e-9])
    bars = []
    for i, row in enumerate(rows):
        share = shares.get(row.name, 0.0)
        component = components.get(row.name)
        weight = None if component is None else component.weight_percent
        bars.append(
            ChartBar(
                label=row.name,
                y=top + i * row_height,
                measured_width=round(plot * share / largest, 1),
                published_width=None if weight is None else round(plot * weight / 100 / largest, 1),
                measured_text=percent(share),
                published_text=UNKNOWN if weight is None else f"{weight:.2f} %",
            )
        )
    return CompositionChart(
        width=width,
        height=top * 2 + len(rows) * row_height,
        label_width=label_width,
        bar_height=bar_height,
        bars=tuple(bars),
    )
