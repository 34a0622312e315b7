"""The sketches: accurate enough, and merges that equal one pass."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.corpus.sketches import (
    BUCKETS_PER_OCTAVE,
    HyperLogLog,
    SizeHistogram,
    bucket_bounds,
    size_buckets,
)


def test_buckets_hold_their_sizes() -> None:
    sizes = np.array([0, 1, 2, 3, 7, 8, 1000, 1 << 20, (1 << 40) + 12345], dtype=np.int64)
    for size, bucket in zip(sizes.tolist(), size_buckets(sizes).tolist(), strict=True):
        low, high = bucket_bounds(bucket)
        assert low <= size < high or (size == 0 and bucket == 0)
        assert bucket == 0 or high / low == pytest.approx(2 ** (1 / BUCKETS_PER_OCTAVE))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=300), st.integers(1, 5)
)
def test_histogram_merge_equals_one_pass(sizes: list[int], pieces: int) -> None:
    whole = SizeHistogram()
    whole.add_many(np.array(sizes, dtype=np.int64))
    merged = SizeHistogram()
    for i in range(pieces):
        part = SizeHistogram()
        part.add_many(np.array(sizes[i::pieces], dtype=np.int64))
        merged.merge(part)
    assert merged.to_json() == whole.to_json()
    ordered = sorted(sizes)
    exact_median = ordered[max(1, -(-len(ordered) // 2)) - 1]
    median = whole.quantile(0.5)
    assert median is not None
    assert median == pytest.approx(exact_median, rel=0.022, abs=1)


def _random_hashes(count: int, seed: int) -> np.ndarray[tuple[int], np.dtype[np.uint64]]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 2**64, size=count, dtype=np.uint64)


@pytest.mark.parametrize("count", [10, 1_000, 30_000, 300_000])
def test_hyperloglog_estimates_within_its_error(count: int) -> None:
    sketch = HyperLogLog()
    sketch.add_hashes(_random_hashes(count, seed=count))
    # 1.04 / sqrt(2**14) = 0.8 %; allow 3 sigma, and exactness by linear counting when small.
    assert sketch.estimate() == pytest.approx(count, rel=0.025)


@pytest.mark.parametrize("count", [1_000, 20_000])
def test_hyperloglog_over_the_kernels_hash_of_near_identical_texts(count: int) -> None:
    from generator.corpus.kernel import text_hash

    # Texts that differ in one or two bytes: a weak hash would bunch them in few registers.
    hashes = [text_hash(f"document number {i}") for i in range(count)]
    assert len(set(hashes)) == count
    sketch = HyperLogLog()
    sketch.add_hashes(np.array(hashes, dtype=np.uint64))
    assert sketch.estimate() == pytest.approx(count, rel=0.025)


def test_hyperloglog_merge_is_the_union_and_ignores_repeats() -> None:
    a, b = _random_hashes(5_000, 1), _random_hashes(5_000, 2)
    left, right, both = HyperLogLog(), HyperLogLog(), HyperLogLog()
    left.add_hashes(a)
    right.add_hashes(np.concatenate([b, a[:100]]))
    both.add_hashes(np.concatenate([a, b, a]))
    left.merge(right)
    assert left.registers.tobytes() == both.registers.tobytes()
    assert left.estimate() == pytest.approx(10_000, rel=0.025)
