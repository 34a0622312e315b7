"""Mergeable, deterministic sketches: a log-scale size histogram and HyperLogLog.

Both are integer-only, so merging is exactly associative and commutative: splitting a shard N
ways and merging the parts gives the same sketch, bit for bit, as one pass. That is what lets
one machine or a cluster compute the same figures.

* :class:`SizeHistogram` counts document sizes in fixed log-scale buckets (``BUCKETS_PER_OCTAVE``
  per doubling, so a bucket spans about 2.2 %). Mean and max are exact (kept beside the
  buckets); median and p90 are read from the buckets, within one bucket width of the truth.
* :class:`HyperLogLog` keeps ``2**PRECISION`` registers over a 64-bit hash of each document's
  text; its distinct estimate has a standard error of about ``1.04 / sqrt(2**PRECISION)``
  (0.8 %), and far better below a few thousand documents, where it counts linearly.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

BUCKETS_PER_OCTAVE = 32
PRECISION = 14
REGISTERS = 1 << PRECISION
_HASH_BITS = 64 - PRECISION
_LOW_MASK = np.uint64((1 << _HASH_BITS) - 1)

U64Array = npt.NDArray[np.uint64]
I64Array = npt.NDArray[np.int64]


def size_buckets(sizes: I64Array) -> I64Array:
    """Bucket of each size: 0 for empty documents, else ``1 + floor(log2(size) * 32)``."""
    result = np.zeros(sizes.shape, dtype=np.int64)
    positive = sizes > 0
    # log2 of an exact power of two is exact in float64, so boundaries land where they should.
    result[positive] = 1 + np.floor(np.log2(sizes[positive]) * BUCKETS_PER_OCTAVE).astype(np.int64)
    return result


def bucket_bounds(bucket: int) -> tuple[float, float]:
    """The half-open size range ``[low, high)`` that ``bucket`` counts."""
    if bucket == 0:
        return (0.0, 1.0)
    return (
        2.0 ** ((bucket - 1) / BUCKETS_PER_OCTAVE),
        2.0 ** (bucket / BUCKETS_PER_OCTAVE),
    )


@dataclass
class SizeHistogram:
    """Document sizes in log-scale buckets plus exact count, total, min and max."""

    counts: dict[int, int] = field(default_factory=dict)
    count: int = 0
    total: int = 0
    minimum: int | None = None
    maximum: int | None = None

    def add_many(self, sizes: I64Array) -> None:
        if sizes.size == 0:
            return
        buckets, per_bucket = np.unique(size_buckets(sizes), return_counts=True)
        for bucket, count in zip(buckets.tolist(), per_bucket.tolist(), strict=True):
            self.counts[bucket] = self.counts.get(bucket, 0) + count
        self.count += int(sizes.size)
        self.total += int(sizes.sum())
        low, high = int(sizes.min()), int(sizes.max())
        self.minimum = low if self.minimum is None else min(self.minimum, low)
        self.maximum = high if self.maximum is None else max(self.maximum, high)

    def merge(self, other: SizeHistogram) -> None:
        for bucket, count in other.counts.items():
            self.counts[bucket] = self.counts.get(bucket, 0) + count
        self.count += other.count
        self.total += other.total
        if other.minimum is not None:
            self.minimum = (
                other.minimum if self.minimum is None else min(self.minimum, other.minimum)
            )
        if other.maximum is not None:
            self.maximum = (
                other.maximum if self.maximum is None else max(self.maximum, other.maximum)
            )

    def mean(self) -> float | None:
        return self.total / self.count if self.count else None

    def quantile(self, fraction: float) -> float | None:
        """Nearest-rank quantile: the geometric middle of its bucket, clamped to min and max."""
        if not self.count or self.minimum is None or self.maximum is None:
            return None
        rank = max(1, math.ceil(fraction * self.count))
        seen = 0
        for bucket in sorted(self.counts):
            seen += self.counts[bucket]
            if seen >= rank:
                low, high = bucket_bounds(bucket)
                middle = 0.0 if bucket == 0 else math.sqrt(low * high)
                return min(max(middle, float(self.minimum)), float(self.maximum))
        return float(self.maximum)  # unreachable when counts add up to count

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": {str(k): v for k, v in sorted(self.counts.items())},
            "count": self.count,
            "total": self.total,
            "min": self.minimum,
            "max": self.maximum,
        }


@dataclass
class HyperLogLog:
    """Dense HyperLogLog registers (one byte each); merge is an element-wise maximum."""

    registers: npt.NDArray[np.uint8] = field(
        default_factory=lambda: np.zeros(REGISTERS, dtype=np.uint8)
    )

    def add_hashes(self, hashes: U64Array) -> None:
        if hashes.size == 0:
            return
        index = (hashes >> np.uint64(_HASH_BITS)).astype(np.intp)
        rest = (hashes & _LOW_MASK).astype(np.float64)  # < 2**50: exact in float64
        _, exponent = np.frexp(rest)  # rest in [2**(e-1), 2**e); frexp(0) gives e == 0
        rank = (_HASH_BITS + 1 - exponent).astype(np.uint8)
        np.maximum.at(self.registers, index, rank)

    def merge(self, other: HyperLogLog) -> None:
        np.maximum(self.registers, other.registers, out=self.registers)

    def estimate(self) -> float:
        """The cardinality estimate of Flajolet et al. with the small-range (linear) correction."""
        m = float(REGISTERS)
        alpha = 0.7213 / (1.0 + 1.079 / m)
        harmonic = float(np.sum(np.ldexp(1.0, -self.registers.astype(np.int64))))
        raw = alpha * m * m / harmonic
        zeros = int(np.count_nonzero(self.registers == 0))
        if raw <= 2.5 * m and zeros:
            return m * math.log(m / zeros)
        return raw
