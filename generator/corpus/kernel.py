"""The compiled line scanner: Pile-format JSON lines in, per-subset counts and sketches out.

Why compiled (measured, ``docs/corpus.md``): decoding each line into Python strings with
``orjson`` already costs the whole one-core budget of the issue (0.5x the ``zstd -dc`` floor),
before a single word is counted. This kernel reads the escaped JSON bytes once, in place,
compiled by numba, and for each document computes what the decoded text would give: its UTF-8
bytes, characters, words, a 64-bit hash, its size bucket and its HyperLogLog register, straight
into per-subset tables. Callers run it through :mod:`generator.corpus.native`, which caches its
machine code (:func:`c_scan_lines`) so that numba is only needed to compile it.

It accepts only the exact shape of a Pile line, ``{"text": "…", "meta": {"pile_set_name":
"…"}}`` (JSON whitespace allowed between tokens, any valid escapes in the text, none in the
name). Anything else - other keys, another order, invalid UTF-8, a control byte, a lone
surrogate, a truncated line - stops it *at that line* with :data:`OTHER_LINE`; the caller then
parses the line with ``orjson`` (which decides whether it is a document or a bad line, and
words the error) and feeds the document back re-encoded in the canonical shape. So the kernel
never judges JSON validity on its own, and every document, fast or not, is counted by the same
code.

Words are runs of bytes other than ASCII whitespace (space, \\t, \\n, \\v, \\f, \\r), what
``bytes.split()`` counts on the UTF-8 text. The hash feeds the decoded UTF-8 bytes through a
multiply-xorshift chain, eight bytes at a time, then mixes in the length with splitmix64's
finaliser: the same text hashes the same however it was escaped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
import orjson
from numba.np.numpy_support import carray

from generator.corpus.layout import (
    BYTES,
    C_ARGUMENTS,
    CHARACTERS,
    DOCUMENTS,
    END,
    HASH_BITS,
    KEYS,
    MAX_BUCKETS,
    MAXIMUM,
    MINIMUM,
    NAMES_FULL,
    OTHER_LINE,
    TOTAL_COLUMNS,
    WORDS,
    I64Array,
    U8Array,
)
from generator.corpus.sketches import REGISTERS

log = logging.getLogger(__name__)

_Function = TypeVar("_Function", bound=Callable[..., Any])


def _compiled(**options: Any) -> Callable[[_Function], _Function]:
    """``numba.njit(**options)``, typed as keeping the function's own signature."""
    return cast(Callable[[_Function], _Function], numba.njit(**options))


# Bytes a JSON string holds as themselves: printable ASCII but the quote and the backslash.
_PLAIN = np.zeros(256, dtype=np.bool_)
_PLAIN[0x20:0x80] = True
_PLAIN[[0x22, 0x5C]] = False

# Each 8-byte step of the text hash; odd, so every step is a bijection of the state.
_STEP = np.uint64(0x9E3779B97F4A7C15)
_SEED = np.uint64(0x243F6A8885A308D3)


@_compiled(inline="always")
def _step(state: np.uint64, block: np.uint64) -> np.uint64:
    state = (state ^ block) * _STEP
    return state ^ (state >> np.uint64(32))


@_compiled(inline="always")
def _finish(state: np.uint64, block: np.uint64, size: int) -> np.uint64:
    z = _step(state, block) ^ np.uint64(size)
    z ^= z >> np.uint64(30)
    z *= np.uint64(0xBF58476D1CE4E5B9)
    z ^= z >> np.uint64(27)
    z *= np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@_compiled(inline="always")
def _utf8_length(buf: U8Array, i: int, n: int) -> int:
    """Bytes of the valid UTF-8 sequence that starts at ``buf[i] >= 0x80``, or 0 if invalid."""
    lead = buf[i]
    if 0xC2 <= lead <= 0xDF:
        if i + 1 < n and buf[i + 1] & 0xC0 == 0x80:
            return 2
        return 0
    if 0xE0 <= lead <= 0xEF:
        if i + 2 >= n or buf[i + 2] & 0xC0 != 0x80:
            return 0
        second = buf[i + 1]
        low = 0xA0 if lead == 0xE0 else 0x80
        high = 0x9F if lead == 0xED else 0xBF  # no UTF-16 surrogates
        return 3 if low <= second <= high else 0
    if 0xF0 <= lead <= 0xF4:
        if i + 3 >= n or buf[i + 2] & 0xC0 != 0x80 or buf[i + 3] & 0xC0 != 0x80:
            return 0
        second = buf[i + 1]
        low = 0x90 if lead == 0xF0 else 0x80
        high = 0x8F if lead == 0xF4 else 0xBF  # nothing above U+10FFFF
        return 4 if low <= second <= high else 0
    return 0


@_compiled(inline="always")
def _hex4(buf: U8Array, i: int, n: int) -> int:
    """The value of four hex digits at ``buf[i:i+4]``, or -1."""
    if i + 4 > n:
        return -1
    value = 0
    for j in range(i, i + 4):
        c = buf[j]
        if 0x30 <= c <= 0x39:
            digit = c - 0x30
        elif 0x61 <= c <= 0x66:
            digit = c - 0x57
        elif 0x41 <= c <= 0x46:
            digit = c - 0x37
        else:
            return -1
        value = value * 16 + digit
    return value


@_compiled(inline="always")
def _skip_space(buf: U8Array, i: int, n: int) -> int:
    while i < n and (buf[i] == 0x20 or buf[i] == 0x09 or buf[i] == 0x0D):
        i += 1
    return i


@_compiled(inline="always")
def _token(buf: U8Array, i: int, n: int, byte: int) -> int:
    """Past ``byte`` if it comes next after JSON whitespace at ``i``, else -1 (also for -1)."""
    if i < 0:
        return -1
    i = _skip_space(buf, i, n)
    return i + 1 if i < n and buf[i] == byte else -1


@_compiled(inline="always")
def _key(buf: U8Array, i: int, n: int, word: U8Array) -> int:
    """Past ``"word":`` (with JSON whitespace around) at ``i``, else -1 (also for -1)."""
    if i < 0:
        return -1
    i = _skip_space(buf, i, n)
    if i + word.size > n:
        return -1
    for j in range(word.size):
        if buf[i + j] != word[j]:
            return -1
    return _token(buf, i + word.size, n, 0x3A)


@_compiled(inline="always")
def _feed(
    state: np.uint64, block: np.uint64, filled: int, byte: int
) -> tuple[np.uint64, np.uint64, int]:
    """Add one byte to the hash (blocks are little-endian 8-byte words)."""
    block |= np.uint64(byte) << np.uint64(8 * filled)
    filled += 1
    if filled == 8:
        return _step(state, block), np.uint64(0), 0
    return state, block, filled


@_compiled(inline="always")
def _feed_word(
    state: np.uint64, block: np.uint64, filled: int, part: np.uint64, count: int
) -> tuple[np.uint64, np.uint64, int]:
    """Add the ``count`` (0-7) low bytes of ``part`` (its other bytes zero) to the hash."""
    if count == 0:
        return state, block, filled
    block |= part << np.uint64(8 * filled)
    filled += count
    if filled < 8:
        return state, block, filled
    taken = np.uint64(8 * (8 - (filled - count)))  # bytes of ``part`` that completed the word
    return _step(state, block), part >> taken if filled > 8 else np.uint64(0), filled - 8


@_compiled(inline="always")
def _word(solid: bool, words: int, white: bool) -> tuple[bool, int]:
    """After one decoded byte: whether it was solid, and the words so far (a word starts at a
    solid byte after whitespace)."""
    if white:
        return False, words
    return True, words if solid else words + 1


@_compiled(inline="always")
def _word_starts(buf: U8Array, start: int, stop: int, solid: bool) -> int:
    """Words that start in ``buf[start:stop]``, a run of plain ASCII (where only the space is
    whitespace), after a solid byte or not. A loop without early exits: it vectorises."""
    first, last = np.uint64(start), np.uint64(stop)
    starts = 0 if solid or buf[first] == 0x20 else 1
    for k in range(first + np.uint64(1), last):
        starts += (buf[k] != 0x20) & (buf[k - np.uint64(1)] == 0x20)
    return starts


@_compiled(inline="always")
def _load8(buf: U8Array, i: int) -> np.uint64:
    """The little-endian 64-bit word at ``buf[i:i+8]``.

    Indexed with an unsigned position: numba then skips its negative-index wraparound, and the
    compiler fuses the eight byte loads into one.
    """
    j = np.uint64(i)
    return (
        np.uint64(buf[j])
        | (np.uint64(buf[j + np.uint64(1)]) << np.uint64(8))
        | (np.uint64(buf[j + np.uint64(2)]) << np.uint64(16))
        | (np.uint64(buf[j + np.uint64(3)]) << np.uint64(24))
        | (np.uint64(buf[j + np.uint64(4)]) << np.uint64(32))
        | (np.uint64(buf[j + np.uint64(5)]) << np.uint64(40))
        | (np.uint64(buf[j + np.uint64(6)]) << np.uint64(48))
        | (np.uint64(buf[j + np.uint64(7)]) << np.uint64(56))
    )


@_compiled()
def _text(buf: U8Array, i: int, n: int) -> tuple[int, int, int, int, np.uint64]:
    """Scan the JSON string body at ``i`` (after its opening quote).

    Returns ``(next index after the closing quote, UTF-8 bytes, characters, words, hash)``, or
    ``(-1, ...)`` when the string is not one the fast path decodes.

    Most bytes sit in runs of plain ASCII (no quote, backslash, control byte or UTF-8): each run
    is found first, then counted in loops without early exits, which the compiler vectorises.
    """
    size = 0
    chars = 0
    words = 0
    solid = False  # the previous decoded byte was not whitespace
    state = _SEED
    block = np.uint64(0)
    filled = 0
    ones = np.uint64(0x0101010101010101)
    highs = np.uint64(0x8080808080808080)
    while i < n:
        # A run of plain ASCII (no byte >= 0x80, < 0x20, '"' or '\\'), eight bytes at a time
        # (SWAR): the loop only finds the run's end and hashes it; words are counted after.
        start = i
        while i + 8 <= n:
            w = _load8(buf, i)
            quote = w ^ (ones * np.uint64(0x22))
            slash = w ^ (ones * np.uint64(0x5C))
            special = (
                w
                | ((w - ones * np.uint64(0x20)) & ~w)
                | ((quote - ones) & ~quote)
                | ((slash - ones) & ~slash)
            ) & highs
            if special:  # hash the plain bytes below the first special one, then stop
                lowest = special & (~special + np.uint64(1))  # 0x80 in that byte
                below = (lowest - np.uint64(1)) >> np.uint64(7)  # 0xFF in each byte before it
                count = int(((below & ones) * ones) >> np.uint64(56))
                state, block, filled = _feed_word(state, block, filled, w & below, count)
                i += count
                break
            if filled == 0:
                state = _step(state, w)
            else:
                shift = np.uint64(8 * filled)
                state = _step(state, block | (w << shift))
                block = w >> (np.uint64(64) - shift)
            i += 8
        if i > start:
            size += i - start
            chars += i - start
            words += _word_starts(buf, start, i, solid)
            solid = buf[i - 1] != 0x20
        if i >= n:
            break
        c = buf[i]
        if _PLAIN[c]:
            i += 1
            size += 1
            chars += 1
            solid, words = _word(solid, words, c == 0x20)
            state, block, filled = _feed(state, block, filled, c)
            continue
        if c == 0x22:
            return i + 1, size, chars, words, _finish(state, block, size)
        if c < 0x20:
            break  # a raw control byte: not JSON
        if c == 0x5C:  # an escape, decoded inline (a helper function measured 8 % slower)
            if i + 1 >= n:
                break
            e = buf[i + 1]
            point = -1
            if e == 0x6E:
                point = 0x0A
            elif e == 0x22 or e == 0x5C or e == 0x2F:
                point = e
            elif e == 0x74:
                point = 0x09
            elif e == 0x72:
                point = 0x0D
            elif e == 0x62:
                point = 0x08
            elif e == 0x66:
                point = 0x0C
            elif e == 0x75:
                point = _hex4(buf, i + 2, n)
                if point < 0 or 0xDC00 <= point <= 0xDFFF:
                    break  # bad hex or a lone low surrogate
                if 0xD800 <= point <= 0xDBFF:
                    if i + 8 > n or buf[i + 6] != 0x5C or buf[i + 7] != 0x75:
                        break  # a lone high surrogate
                    low = _hex4(buf, i + 8, n)
                    if not 0xDC00 <= low <= 0xDFFF:
                        break
                    point = 0x10000 + ((point - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                i += 4
            if point < 0:
                break  # an unknown escape
            i += 2
            chars += 1
            if point < 0x80:
                size += 1
                solid, words = _word(solid, words, point == 0x20 or 0x09 <= point <= 0x0D)
                state, block, filled = _feed(state, block, filled, point)
                continue
            solid, words = _word(solid, words, False)
            if point < 0x800:
                size += 2
                state, block, filled = _feed(state, block, filled, 0xC0 | (point >> 6))
            elif point < 0x10000:
                size += 3
                state, block, filled = _feed(state, block, filled, 0xE0 | (point >> 12))
                state, block, filled = _feed(state, block, filled, 0x80 | ((point >> 6) & 0x3F))
            else:
                size += 4
                state, block, filled = _feed(state, block, filled, 0xF0 | (point >> 18))
                state, block, filled = _feed(state, block, filled, 0x80 | ((point >> 12) & 0x3F))
                state, block, filled = _feed(state, block, filled, 0x80 | ((point >> 6) & 0x3F))
            state, block, filled = _feed(state, block, filled, 0x80 | (point & 0x3F))
            continue
        count = _utf8_length(buf, i, n)  # c >= 0x80: raw UTF-8
        if count == 0:
            break
        size += count
        chars += 1
        solid, words = _word(solid, words, False)
        for k in range(i, i + count):
            state, block, filled = _feed(state, block, filled, buf[k])
        i += count
    return -1, 0, 0, 0, np.uint64(0)


@_compiled(inline="always")
def _name_end(buf: U8Array, i: int, n: int) -> int:
    """End (the closing quote) of a subset name at ``i``: printable ASCII or valid UTF-8 with
    no escapes; -1 otherwise."""
    while i < n:
        c = buf[i]
        if c == 0x22:
            return i
        if c < 0x20 or c == 0x5C:
            return -1
        if c < 0x80:
            i += 1
        else:
            count = _utf8_length(buf, i, n)
            if count == 0:
                return -1
            i += count
    return -1


@_compiled(nogil=True, cache=True)
def scan_lines(
    buf: U8Array,
    position: int,
    keys: tuple[U8Array, U8Array, U8Array],
    names: U8Array,
    name_lengths: I64Array,
    totals: I64Array,
    buckets: I64Array,
    registers: U8Array,
    thresholds: I64Array,
) -> tuple[int, int, int]:
    """Count the lines of ``buf`` from ``position`` on, until the end or a line it cannot take.

    ``buf`` holds whole lines, each ending in a newline except perhaps the last. Tables are
    indexed by subset: ``names[k, :name_lengths[k]]`` is subset ``k``'s name (the table's used
    rows end at the first negative length), ``totals[k]`` its counts (see the column
    constants), ``buckets[k]`` its size histogram, ``registers[k]`` its HyperLogLog registers.

    Returns ``(status, position, lines)``: where and why it stopped and how many lines it
    counted. After :data:`OTHER_LINE` or :data:`NAMES_FULL`, ``position`` is the start of the
    line in question.
    """
    key_text, key_meta, key_name = keys
    n = buf.size
    lines = 0
    low_mask = np.uint64((1 << HASH_BITS) - 1)
    while position < n:
        i = _key(buf, _token(buf, position, n, 0x7B), n, key_text)  # {"text":
        i = _token(buf, i, n, 0x22)  # the text's opening quote
        if i < 0:
            return OTHER_LINE, position, lines
        i, size, chars, words, digest = _text(buf, i, n)
        i = _key(buf, _token(buf, i, n, 0x2C), n, key_meta)  # , "meta":
        i = _key(buf, _token(buf, i, n, 0x7B), n, key_name)  # {"pile_set_name":
        name_start = _token(buf, i, n, 0x22)
        name_stop = _name_end(buf, name_start, n) if name_start >= 0 else -1
        i = _token(buf, _token(buf, name_stop + 1, n, 0x7D), n, 0x7D) if name_stop >= 0 else -1
        if i < 0:
            return OTHER_LINE, position, lines
        i = _skip_space(buf, i, n)
        if i < n and buf[i] != 0x0A:  # anything but JSON whitespace before the newline
            return OTHER_LINE, position, lines

        # Which subset: a linear search over the few names seen (22 in the Pile).
        length = name_stop - name_start
        subset = -1
        rows = name_lengths.size
        for k in range(rows):
            if name_lengths[k] < 0:
                if length > names.shape[1]:
                    return NAMES_FULL, position, lines
                for j in range(length):
                    names[k, j] = buf[name_start + j]
                name_lengths[k] = length
                subset = k
                break
            if name_lengths[k] == length:
                same = True
                for j in range(length):
                    if names[k, j] != buf[name_start + j]:
                        same = False
                        break
                if same:
                    subset = k
                    break
        if subset < 0:
            return NAMES_FULL, position, lines

        row = totals[subset]
        if row[DOCUMENTS] == 0 or size < row[MINIMUM]:
            row[MINIMUM] = size
        if size > row[MAXIMUM]:
            row[MAXIMUM] = size
        row[DOCUMENTS] += 1
        row[BYTES] += size
        row[CHARACTERS] += chars
        row[WORDS] += words
        bucket = 0 if size == 0 else np.searchsorted(thresholds, size, side="right")
        buckets[subset, bucket] += 1
        register = int(digest >> np.uint64(HASH_BITS))
        rest = digest & low_mask
        rank = 1
        bit = np.uint64(1 << (HASH_BITS - 1))
        while rank <= HASH_BITS and rest & bit == 0:
            rank += 1
            bit >>= np.uint64(1)
        if rank > registers[subset, register]:
            registers[subset, register] = rank
        lines += 1
        position = i + 1
    return END, n, lines


def c_scan_lines() -> Any:
    """:func:`scan_lines` behind a C ABI (:data:`~generator.corpus.layout.C_ARGUMENTS`), as a
    ``numba.cfunc``. Compiled afresh on each call (seconds): :mod:`generator.corpus.native`
    caches its machine code. The tables arrive as raw pointers, so the compiled code keeps no
    reference counts on them."""
    kinds = {"pointer": numba.types.voidptr, "int64": numba.types.int64}
    signature = numba.types.void(*(kinds[kind] for _, kind in C_ARGUMENTS))
    text_length, meta_length, name_length = (key.size for key in KEYS)
    threshold_count = MAX_BUCKETS - 1

    @numba.cfunc(signature, error_model="numpy")
    def scan(
        data: Any,
        size: int,
        position: int,
        key_text: Any,
        key_meta: Any,
        key_name: Any,
        rows: int,
        width: int,
        names: Any,
        name_lengths: Any,
        totals: Any,
        buckets: Any,
        registers: Any,
        thresholds: Any,
        result: Any,
    ) -> None:
        keys = (
            carray(key_text, text_length, np.uint8),
            carray(key_meta, meta_length, np.uint8),
            carray(key_name, name_length, np.uint8),
        )
        status, stop, lines = scan_lines(
            carray(data, size, np.uint8),
            position,
            keys,
            carray(names, (rows, width), np.uint8),
            carray(name_lengths, rows, np.int64),
            carray(totals, (rows, TOTAL_COLUMNS), np.int64),
            carray(buckets, (rows, MAX_BUCKETS), np.int64),
            carray(registers, (rows, REGISTERS), np.uint8),
            carray(thresholds, threshold_count, np.int64),
        )
        out = carray(result, 3, np.int64)
        out[0], out[1], out[2] = status, stop, lines

    return scan


@_compiled(cache=True)
def _string_hash(buf: U8Array) -> np.uint64:
    return _text(buf, 1, buf.size)[4]


def text_hash(text: str) -> int:
    """The 64-bit hash the kernel gives a document whose text is ``text``."""
    return int(_string_hash(np.frombuffer(orjson.dumps(text), dtype=np.uint8)))
