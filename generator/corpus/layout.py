"""What the compiled scanner and its callers agree on: status codes, table shapes, constants.

Kept free of numba, so that a process which loads the scanner's cached machine code
(:mod:`generator.corpus.native`) never imports the compiler.
"""

from __future__ import annotations

import functools
from typing import Protocol

import numpy as np
import numpy.typing as npt

from generator.corpus.sketches import PRECISION, size_buckets

# What the scanner stopped at.
END = 0  # every line up to the end of the buffer is counted
OTHER_LINE = 1  # the line at ``position`` is not in the fast shape: parse it in Python
NAMES_FULL = 2  # the line at ``position`` names a subset the table has no room for: grow it

# Columns of the per-subset ``totals`` table.
DOCUMENTS, BYTES, CHARACTERS, WORDS, MINIMUM, MAXIMUM = range(6)
TOTAL_COLUMNS = 6

MAX_BUCKETS = 2 + 61 * 32  # size buckets 0..1953 cover every size below 2**61 bytes
HASH_BITS = 64 - PRECISION  # hash bits left after the HyperLogLog register index

U8Array = npt.NDArray[np.uint8]
I64Array = npt.NDArray[np.int64]

# The keys of a Pile line, in the only order the scanner takes.
KEYS = (
    np.frombuffer(b'"text"', dtype=np.uint8),
    np.frombuffer(b'"meta"', dtype=np.uint8),
    np.frombuffer(b'"pile_set_name"', dtype=np.uint8),
)


@functools.cache
def bucket_thresholds() -> I64Array:
    """``thresholds[b - 1]``: the smallest size in bucket ``b`` (``b >= 1``), from
    :func:`~generator.corpus.sketches.size_buckets` itself, so both agree on every size below
    2**48 bytes (above that, float64 ``log2`` blurs ``size_buckets`` by a bucket)."""
    count = MAX_BUCKETS - 1
    buckets = np.arange(1, count + 1)
    # A guess at or below each threshold, then up one size at a time until it is reached.
    thresholds = np.maximum(np.floor(2.0 ** ((buckets - 1) / 32.0)).astype(np.int64) - 2, 1)
    while True:
        low = size_buckets(thresholds) < buckets
        if not low.any():
            return thresholds
        thresholds[low] += 1


class ScanTables(Protocol):
    """One part's per-subset tables, as the scanner fills them (see ``kernel.scan_lines``):
    ``names[k, :name_lengths[k]]`` is subset ``k``'s name (used rows end at the first negative
    length), ``totals[k]`` its counts (the column constants above), ``buckets[k]`` its size
    histogram, ``registers[k]`` its HyperLogLog registers."""

    names: U8Array
    name_lengths: I64Array
    totals: I64Array
    buckets: I64Array
    registers: U8Array
    addresses: tuple[int, int, int, int, int]  # of the five arrays above, in this order


# The scanner's C entry point, ``void scan(...)``, as the compiler (``kernel.c_scan_lines``) and
# the loader (:mod:`generator.corpus.native`) both build it: each argument's name and kind.
C_ARGUMENTS: tuple[tuple[str, str], ...] = (
    ("data", "pointer"),  # the buffer of lines
    ("size", "int64"),  # its length in bytes
    ("position", "int64"),  # where to start
    ("key_text", "pointer"),  # KEYS[0], KEYS[1], KEYS[2]
    ("key_meta", "pointer"),
    ("key_name", "pointer"),
    ("rows", "int64"),  # the tables' shape
    ("width", "int64"),
    ("names", "pointer"),
    ("name_lengths", "pointer"),
    ("totals", "pointer"),
    ("buckets", "pointer"),
    ("registers", "pointer"),
    ("thresholds", "pointer"),  # bucket_thresholds()
    ("result", "pointer"),  # int64[3]: status, position, lines
)
