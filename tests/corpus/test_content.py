"""The shipped content: published figures that add up, and a sample that regenerates exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.corpus.published import load_published
from generator.corpus.stats import compute_corpus_stats
from tools.corpus_sample import write_sample

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = ROOT / "content" / "corpus" / "pile-published.yaml"
SAMPLE = ROOT / "content" / "corpus" / "pile-sample"


def test_the_published_table_is_internally_consistent() -> None:
    """Cross-checks of the transcription against itself (Table 1 rounds to 0.01)."""
    figures = load_published(PUBLISHED)
    components = list(figures.components.values())
    assert len(components) == 22
    for c in components:
        assert c.raw_size_gib is not None and c.epochs is not None
        assert c.effective_size_gib is not None and c.weight_percent is not None
        # effective size = raw size x epochs
        assert c.effective_size_gib == pytest.approx(c.raw_size_gib * c.epochs, abs=0.011), c.name
        # weight = share of the effective total
        share = 100 * c.effective_size_gib / 1254.20
        assert c.weight_percent == pytest.approx(share, abs=0.006), c.name
    assert sum(c.weight_percent or 0 for c in components) == pytest.approx(100, abs=0.01)
    for figure in ("raw_size_gib", "effective_size_gib"):  # rows add up to the total row
        total = sum(getattr(c, figure) or 0 for c in components)
        assert total == pytest.approx(figures.total[figure], abs=0.01), figure


def test_the_sample_covers_every_published_component() -> None:
    stats = compute_corpus_stats([str(SAMPLE)], workers=1)
    assert set(stats.subsets) == set(load_published(PUBLISHED).components)
    assert sum(f.compressed_bytes for f in stats.files) < 4 << 20  # "a few MB"


def test_the_sample_regenerates_byte_for_byte(tmp_path: Path) -> None:
    written = write_sample(load_published(PUBLISHED), tmp_path)
    assert [p.name for p in written] == sorted(p.name for p in SAMPLE.glob("*.jsonl.zst"))
    for path in written:
        assert path.read_bytes() == (SAMPLE / path.name).read_bytes(), path.name
