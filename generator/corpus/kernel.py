"""The compiled line scanner: Pile-format JSON lines in, per-subset counts and sketches out.

Why compiled (measured, ``docs/corpus.md``): decoding each line into Python strings with
``orjson`` already costs the whole one-core budget of the issue (0.5x the ``zstd -dc`` floor),
before a single word is counted. This kernel reads the escaped JSON bytes once, in place,
compiled by numba, and for each document computes what the decoded text would give: its UTF-8
bytes, characters, words, a 64-bit hash, its size bucket and its HyperLogLog register, straight
into per-subset tables. Callers run it through :mod:`generator.corpus.native`, which caches its
machine code (:func:`c_scan_lines`) so that numba is only needed to compile it.

It takes any line that is one JSON object with a ``"text"`` string and a ``"meta"`` object
holding a ``"pile_set_name"`` string, in any order and beside any other members, which it skips
(nested objects, arrays, numbers, escaped strings), checking them as strictly as the text. Its
limits - a key with an escape at those two levels, a key twice, an escaped subset name, invalid
UTF-8, a control byte, a lone surrogate, a truncated line, anything not JSON - stop it *at that
line* with :data:`OTHER_LINE`; the caller then parses the line with ``orjson`` (which decides
whether it is a document or a bad line, and words the error) and feeds the document back
re-encoded in the canonical shape. So the kernel takes only lines that are certainly valid,
``orjson`` judges every other one, and every document, fast or not, is counted by the same code.

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


# The value of each hex digit; -1 for any other byte.
_HEX = np.full(256, -1, dtype=np.int64)
for _digit in b"0123456789abcdef":
    _HEX[_digit] = int(chr(_digit), 16)
    _HEX[ord(chr(_digit).upper())] = int(chr(_digit), 16)


@_compiled(inline="always")
def _hex4(buf: U8Array, i: int, n: int) -> int:
    """The value of four hex digits at ``buf[i:i+4]``, or -1 (a negative value)."""
    if i + 4 > n:
        return -1
    a, b, c, d = _HEX[buf[i]], _HEX[buf[i + 1]], _HEX[buf[i + 2]], _HEX[buf[i + 3]]
    if (a | b | c | d) < 0:
        return -1
    return int((a << 12) | (b << 8) | (c << 4) | d)


@_compiled(inline="always")
def _utf8_run(buf: U8Array, start: int, stop: int, solid: bool) -> tuple[int, int]:
    """Word starts and UTF-8 continuation bytes in ``buf[start:stop]``, a run of bytes other
    than the quote, the backslash and control bytes; ``(-1, 0)`` if the run is not valid UTF-8
    (a sequence cut at its end included: the caller's slow path then decides).

    Validated from each byte and the three before it (which exist: ``start >= 3``, and what
    precedes a run is ASCII or a whole sequence): a byte must be a continuation exactly when a
    lead byte one, two or three back asks for one; the bytes UTF-8 never uses (C0, C1, F5-FF)
    and the second bytes that would make an overlong form, a surrogate or a code point above
    U+10FFFF are refused. Two loops without early exits, which the compiler vectorises: one
    only ORs the checks together (measured: 11 GB/s; with the counts in the same loop, 1 GB/s),
    the other counts.
    """
    first, last = np.uint64(start), np.uint64(stop)
    one, two, three = np.uint64(1), np.uint64(2), np.uint64(3)
    bad = False
    for k in range(first, last):
        b, p1, p2, p3 = buf[k], buf[k - one], buf[k - two], buf[k - three]
        follows = (b & 0xC0) == 0x80
        wanted = (p1 >= 0xC0) | (p2 >= 0xE0) | (p3 >= 0xF0)
        bad |= follows != wanted
        bad |= (b == 0xC0) | (b == 0xC1) | (b >= 0xF5)
        bad |= ((p1 == 0xE0) & (b < 0xA0)) | ((p1 == 0xED) & (b > 0x9F))
        bad |= ((p1 == 0xF0) & (b < 0x90)) | ((p1 == 0xF4) & (b > 0x8F))
    # No sequence may run past the end of the run.
    bad |= (buf[last - one] >= 0xC0) | (buf[last - two] >= 0xE0) | (buf[last - three] >= 0xF0)
    if bad:
        return -1, 0
    starts = 0 if solid or buf[first] == 0x20 else 1
    continuations = (buf[first] & 0xC0) == 0x80
    for k in range(first + one, last):
        continuations += (buf[k] & 0xC0) == 0x80
        starts += (buf[k] != 0x20) & (buf[k - one] == 0x20)
    return starts, int(continuations)


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
    """Add the ``count`` (0-7) low bytes of ``part`` (its other bytes zero) to the hash.

    Without branches (both outcomes computed, one kept): whether a word fills up depends on
    every byte before, so a branch here would be mispredicted about half the time.
    """
    joined = block | (part << np.uint64(8 * filled))
    total = filled + count
    full = total >= 8
    stepped = _step(state, joined)
    # The bytes of ``part`` past the completed word: a shift by 8 * (8 - filled), in two steps
    # so that it never shifts by 64.
    rest = (part >> np.uint64(63 - 8 * filled)) >> np.uint64(1)
    return (
        stepped if full else state,
        rest if full else joined,
        total - 8 if full else total,
    )


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


@_compiled(inline="always")
def _utf8_bytes(point: int) -> tuple[np.uint64, int]:
    """The UTF-8 encoding of code point ``point`` as a little-endian word, and its length."""
    p = np.uint64(point)
    six, twelve, eighteen = np.uint64(6), np.uint64(12), np.uint64(18)
    low = np.uint64(0x3F)
    if point < 0x80:
        return p, 1
    if point < 0x800:
        return (np.uint64(0xC0) | (p >> six)) | ((np.uint64(0x80) | (p & low)) << np.uint64(8)), 2
    if point < 0x10000:
        return (
            (np.uint64(0xE0) | (p >> twelve))
            | ((np.uint64(0x80) | ((p >> six) & low)) << np.uint64(8))
            | ((np.uint64(0x80) | (p & low)) << np.uint64(16))
        ), 3
    return (
        (np.uint64(0xF0) | (p >> eighteen))
        | ((np.uint64(0x80) | ((p >> twelve) & low)) << np.uint64(8))
        | ((np.uint64(0x80) | ((p >> six) & low)) << np.uint64(16))
        | ((np.uint64(0x80) | (p & low)) << np.uint64(24))
    ), 4


@_compiled()
def _text(buf: U8Array, i: int, n: int) -> tuple[int, int, int, int, np.uint64]:
    """Scan the JSON string body at ``i`` (after its opening quote; ``i >= 3``).

    Returns ``(next index after the closing quote, UTF-8 bytes, characters, words, hash)``, or
    ``(-1, ...)`` when the string is not one the fast path decodes.

    Most bytes sit in runs without a quote, backslash or control byte, ASCII or raw UTF-8 alike:
    each run is found first, eight bytes at a time, then counted in loops without early exits,
    which the compiler vectorises (characters are the run's bytes less its UTF-8 continuation
    bytes; a run with a high bit set is validated as UTF-8 on the way). Escapes are decoded one
    after another without going back to the run loop.
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
    hashed = 0  # bytes before this are in the hash already (a run cut near the buffer's end)
    while i < n:
        # A run without a quote, backslash or control byte, eight bytes at a time (SWAR): the
        # loop only finds the run's end and hashes it; it is counted after.
        start = i
        high = np.uint64(0)  # the run's bytes ORed together: does it hold UTF-8?
        stopped = False  # at a special byte, rather than near the buffer's end
        while i + 8 <= n:
            w = _load8(buf, i)
            quote = w ^ (ones * np.uint64(0x22))
            slash = w ^ (ones * np.uint64(0x5C))
            special = (
                ((w - ones * np.uint64(0x20)) & ~w)
                | ((quote - ones) & ~quote)
                | ((slash - ones) & ~slash)
            ) & highs
            if special:  # hash the bytes below the first special one, then stop
                lowest = special & (~special + np.uint64(1))  # 0x80 in that byte
                below = (lowest - np.uint64(1)) >> np.uint64(7)  # 0xFF in each byte before it
                count = int(((below & ones) * ones) >> np.uint64(56))
                high |= w & below
                state, block, filled = _feed_word(state, block, filled, w & below, count)
                i += count
                stopped = True
                break
            high |= w
            if filled == 0:
                state = _step(state, w)
            else:
                shift = np.uint64(8 * filled)
                state = _step(state, block | (w << shift))
                block = w >> (np.uint64(64) - shift)
            i += 8
        if not stopped and high & highs:
            # Near the buffer's end the run may stop inside a UTF-8 sequence: count up to
            # that sequence here, and let the byte path below take it (hashed already).
            hashed = i
            lead = i - 1
            while lead > start and lead > i - 4 and buf[lead] & 0xC0 == 0x80:
                lead -= 1
            c = buf[lead]
            need = 2 if c < 0xE0 else 3 if c < 0xF0 else 4
            if c >= 0xC0 and lead + need > i:
                i = lead
        if i > start:
            size += i - start
            if high & highs:
                starts, continuations = _utf8_run(buf, start, i, solid)
                if starts < 0:
                    break
                words += starts
                chars += i - start - continuations
            else:
                chars += i - start
                words += _word_starts(buf, start, i, solid)
            solid = buf[i - 1] != 0x20
        if i >= n:
            break
        c = buf[i]
        if c == 0x5C:  # escapes, decoded inline one after another
            while i + 1 < n and buf[i] == 0x5C:
                e = buf[i + 1]
                point = -1
                if e == 0x75:
                    point = _hex4(buf, i + 2, n)
                    if 0xD800 <= point <= 0xDFFF:
                        if (
                            point >= 0xDC00
                            or i + 12 > n
                            or buf[i + 6] != 0x5C
                            or buf[i + 7] != 0x75
                        ):
                            point = -1  # a lone surrogate
                        else:
                            low = _hex4(buf, i + 8, n)
                            if 0xDC00 <= low <= 0xDFFF:
                                point = 0x10000 + ((point - 0xD800) << 10) + (low - 0xDC00)
                                i += 6
                            else:
                                point = -1
                    i += 4
                elif e == 0x6E:
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
                if point < 0:
                    return -1, 0, 0, 0, np.uint64(0)  # an unknown escape, bad hex, a surrogate
                i += 2
                chars += 1
                white = point == 0x20 or 0x09 <= point <= 0x0D
                solid, words = _word(solid, words, white)
                encoded, count = _utf8_bytes(point)
                size += count
                state, block, filled = _feed_word(state, block, filled, encoded, count)
            continue
        if c == 0x22:
            return i + 1, size, chars, words, _finish(state, block, size)
        if c < 0x20:
            break  # a raw control byte: not JSON
        if c < 0x80:  # plain ASCII the run loop left (the last few bytes of the buffer)
            size += 1
            chars += 1
            solid, words = _word(solid, words, c == 0x20)
            if i >= hashed:
                state, block, filled = _feed(state, block, filled, c)
            i += 1
            continue
        count = _utf8_length(buf, i, n)  # raw UTF-8 the run loop left
        if count == 0:
            break
        size += count
        chars += 1
        solid, words = _word(solid, words, False)
        for k in range(i, i + count):
            if k >= hashed:
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


# Deepest nesting the value skipper follows (a bit per level in one word); deeper values go
# to orjson.
MAX_DEPTH = 60


@_compiled(inline="always")
def _member_key(buf: U8Array, i: int, n: int) -> tuple[int, int, int]:
    """A member's key without escapes and its colon, after JSON whitespace at ``i``.

    Returns ``(index after the colon, the key's opening quote, its closing quote + 1)``, or -1s.
    A key with an escape is refused: it might spell a key that matters.
    """
    i = _skip_space(buf, i, n)
    if i >= n or buf[i] != 0x22:
        return -1, -1, -1
    stop = _name_end(buf, i + 1, n)
    if stop < 0:
        return -1, -1, -1
    return _token(buf, stop + 1, n, 0x3A), i, stop + 1


@_compiled(inline="always")
def _is_key(buf: U8Array, start: int, stop: int, word: U8Array) -> bool:
    """Whether ``buf[start:stop]`` is ``word`` (a key with its quotes)."""
    if stop - start != word.size:
        return False
    for j in range(word.size):  # noqa: SIM110 - a plain loop compiles to a plain loop
        if buf[start + j] != word[j]:
            return False
    return True


@_compiled(inline="always")
def _literal(buf: U8Array, i: int, n: int, c: int) -> int:
    """Past ``true``, ``false`` or ``null`` at ``i`` (its first byte ``c``), else -1."""
    if c == 0x74:
        ok = i + 4 <= n and buf[i + 1] == 0x72 and buf[i + 2] == 0x75 and buf[i + 3] == 0x65
        return i + 4 if ok else -1
    if c == 0x66:
        ok = i + 5 <= n and buf[i + 1] == 0x61 and buf[i + 2] == 0x6C and buf[i + 3] == 0x73
        return i + 5 if ok and buf[i + 4] == 0x65 else -1
    ok = i + 4 <= n and buf[i + 1] == 0x75 and buf[i + 2] == 0x6C and buf[i + 3] == 0x6C
    return i + 4 if ok else -1


@_compiled(inline="always")
def _digits(buf: U8Array, i: int, n: int) -> int:
    while i < n and 0x30 <= buf[i] <= 0x39:
        i += 1
    return i


@_compiled(inline="always")
def _number(buf: U8Array, i: int, n: int) -> int:
    """Past a JSON number at ``i``, else -1. Numbers a double may not hold (more than 200
    integer digits, an exponent of three digits) are refused too: orjson judges those."""
    if buf[i] == 0x2D:
        i += 1
    start = i
    if i < n and buf[i] == 0x30:
        i += 1
    else:
        i = _digits(buf, i, n)
        if i == start or i - start > 200:
            return -1
    if i < n and buf[i] == 0x2E:
        after = _digits(buf, i + 1, n)
        if after == i + 1:
            return -1
        i = after
    if i < n and (buf[i] == 0x65 or buf[i] == 0x45):
        i += 1
        if i < n and (buf[i] == 0x2B or buf[i] == 0x2D):
            i += 1
        after = _digits(buf, i, n)
        if after == i or after - i > 2:
            return -1
        i = after
    return i


@_compiled(inline="always")
def _string_key(buf: U8Array, i: int, n: int) -> int:
    """Past a key string (escapes allowed) and its colon, after whitespace at ``i``; else -1."""
    i = _token(buf, i, n, 0x22)
    if i < 0:
        return -1
    i = _text(buf, i, n)[0]
    return _token(buf, i, n, 0x3A) if i >= 0 else -1


@_compiled()
def _skip_value(buf: U8Array, i: int, n: int) -> int:
    """Past the JSON value after whitespace at ``i`` (any value: objects and arrays nested up
    to :data:`MAX_DEPTH`), checking it as strictly as the text; -1 for anything else.

    Iterative: a bit per open container (1 for an object) says what closes it and whether a
    key comes after each comma.
    """
    objects = np.uint64(0)
    depth = 0
    while True:
        i = _skip_space(buf, i, n)
        if i >= n:
            return -1
        c = buf[i]
        if c == 0x22:
            i = _text(buf, i + 1, n)[0]
        elif c == 0x7B or c == 0x5B:
            i = _skip_space(buf, i + 1, n)
            if i < n and buf[i] == c + 2:  # "}" and "]" follow "{" and "[" by two
                i += 1
            else:
                if depth == MAX_DEPTH:
                    return -1
                bit = np.uint64(1) << np.uint64(depth)
                depth += 1
                if c == 0x7B:
                    objects |= bit
                    i = _string_key(buf, i, n)
                    if i < 0:
                        return -1
                else:
                    objects &= ~bit
                continue  # to the container's first value
        elif c == 0x74 or c == 0x66 or c == 0x6E:
            i = _literal(buf, i, n, c)
        elif c == 0x2D or 0x30 <= c <= 0x39:
            i = _number(buf, i, n)
        else:
            return -1
        if i < 0:
            return -1
        # After a value: close what it ends, or go on to the next element.
        more = False
        while depth > 0:
            i = _skip_space(buf, i, n)
            if i >= n:
                return -1
            in_object = (objects >> np.uint64(depth - 1)) & np.uint64(1)
            c = buf[i]
            if c == 0x2C:
                i = _string_key(buf, i + 1, n) if in_object else i + 1
                if i < 0:
                    return -1
                more = True
                break
            if c != (0x7D if in_object else 0x5D):
                return -1
            i += 1
            depth -= 1
        if not more:
            return i


@_compiled(inline="always")
def _meta(buf: U8Array, i: int, n: int, key_name: U8Array) -> tuple[int, int, int]:
    """The ``meta`` object after whitespace at ``i``: ``(index after it, start and end of the
    ``pile_set_name`` string)``, wherever that member sits, every other member skipped; -1s
    when there is no such name (or it has escapes, or comes twice: orjson decides then)."""
    i = _token(buf, i, n, 0x7B)
    name_start = name_stop = -1
    while i >= 0:
        i, key, key_end = _member_key(buf, i, n)
        if i < 0:
            break
        if _is_key(buf, key, key_end, key_name):
            if name_start >= 0:
                break
            name_start = _token(buf, i, n, 0x22)
            if name_start < 0:
                break
            name_stop = _name_end(buf, name_start, n)
            i = name_stop + 1 if name_stop >= 0 else -1
        else:
            i = _skip_value(buf, i, n)
        if i < 0:
            break
        i = _skip_space(buf, i, n)
        if i < n and buf[i] == 0x2C:
            i += 1
            continue
        if i < n and buf[i] == 0x7D and name_stop >= 0:
            return i + 1, name_start, name_stop
        break
    return -1, -1, -1


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

    A line is taken when it is one JSON object with a ``"text"`` string and a ``"meta"`` object
    holding a ``"pile_set_name"`` string, in any order, beside any other members (skipped, and
    checked as strictly as the text); keys at those two levels without escapes, each key once.

    Returns ``(status, position, lines)``: where and why it stopped and how many lines it
    counted. After :data:`OTHER_LINE` or :data:`NAMES_FULL`, ``position`` is the start of the
    line in question.
    """
    key_text, key_meta, key_name = keys
    n = buf.size
    lines = 0
    low_mask = np.uint64((1 << HASH_BITS) - 1)
    while position < n:
        i = _token(buf, position, n, 0x7B)
        if i < 0:
            return OTHER_LINE, position, lines
        has_text = False
        name_start = name_stop = -1
        size = chars = words = 0
        digest = np.uint64(0)
        while True:  # the object's members
            i, key, key_end = _member_key(buf, i, n)
            if i < 0:
                return OTHER_LINE, position, lines
            if _is_key(buf, key, key_end, key_text):
                i = _token(buf, i, n, 0x22)
                if has_text or i < 0:
                    return OTHER_LINE, position, lines
                i, size, chars, words, digest = _text(buf, i, n)
                has_text = True
            elif _is_key(buf, key, key_end, key_meta):
                if name_stop >= 0:
                    return OTHER_LINE, position, lines
                i, name_start, name_stop = _meta(buf, i, n, key_name)
            else:
                i = _skip_value(buf, i, n)
            if i < 0:
                return OTHER_LINE, position, lines
            i = _skip_space(buf, i, n)
            if i < n and buf[i] == 0x2C:
                i += 1
                continue
            if i < n and buf[i] == 0x7D and has_text and name_stop >= 0:
                break
            return OTHER_LINE, position, lines
        i = _skip_space(buf, i + 1, n)
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
    return _text(buf, 4, buf.size)[4]


def text_hash(text: str) -> int:
    """The 64-bit hash the kernel gives a document whose text is ``text``."""
    # Three bytes before the string: the scanner looks back that far from any text.
    return int(_string_hash(np.frombuffer(b"   " + orjson.dumps(text), dtype=np.uint8)))
