"""The compiled scanner against Python's own decoding: any text, any escaping, any JSON shape.

Every figure the kernel computes on the escaped bytes must equal what decoding the line with a
JSON library and counting in Python gives, and the hash must not depend on how the text was
escaped. Its sketches must equal the reference sketches built from the exact values.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.corpus import kernel, layout
from generator.corpus.partials import CorpusPartial
from generator.corpus.scan import ScanOptions, _Tables, scan_part
from generator.corpus.shards import load_shards, plan_parts
from generator.corpus.sketches import HyperLogLog, SizeHistogram, size_buckets
from tests.corpus.helpers import make_docs


def _encoders() -> dict[str, object]:
    def spaced(text: str, name: str) -> bytes:
        return json.dumps({"text": text, "meta": {"pile_set_name": name}}).encode()

    def raw(text: str, name: str) -> bytes:
        doc = {"text": text, "meta": {"pile_set_name": name}}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()

    def loose(text: str, name: str) -> bytes:
        body = json.dumps(text, ensure_ascii=False)
        return f' \t{{ "text" :{body} ,\t"meta":{{"pile_set_name" : "{name}" }}\t}} \r'.encode()

    def reordered(text: str, name: str) -> bytes:  # the kernel refuses it; orjson reads it
        return orjson.dumps({"meta": {"pile_set_name": name, "id": 7}, "text": text, "n": [1]})

    return {"spaced": spaced, "raw": raw, "loose": loose, "reordered": reordered}


ENCODERS = _encoders()


def scan_bytes(data: bytes, **options: bool) -> CorpusPartial:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.jsonl"
        path.write_bytes(data)
        (shard,) = load_shards([path])
        return CorpusPartial.merge_all(
            scan_part(p, ScanOptions(**options)) for p in plan_parts([shard])
        )


def encode_with(how: str, docs: list[tuple[str, str]]) -> bytes:
    encoder = ENCODERS[how]
    return b"".join(encoder(text, name) + b"\n" for name, text in docs)  # type: ignore[operator]


texts = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),  # any code point but surrogates: controls, quotes, emoji
        st.sampled_from(' \t\n\r\x0b\x0c"\\/ \u00a0\u2003\u2028é日🙂'),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(
    docs=st.lists(st.tuples(st.sampled_from(["A", "Bé", "Pile-CC"]), texts), min_size=1, max_size=6)
)
def test_figures_equal_python_decoding_for_any_text(docs: list[tuple[str, str]]) -> None:
    partials = {how: scan_bytes(encode_with(how, docs)) for how in ENCODERS}
    for how, partial in partials.items():
        for name in {n for n, _ in docs}:
            chosen = [t.encode() for n, t in docs if n == name]
            subset = partial.subsets[name]
            assert subset.documents == len(chosen), how
            assert subset.bytes == sum(map(len, chosen)), how
            assert subset.characters == sum(len(t) for n, t in docs if n == name), how
            assert subset.words == sum(len(t.split()) for t in chosen), how
        (file,) = partial.files.values()
        assert file.documents == len(docs)
    # However the text was escaped, the sketches (hash included) come out the same.
    first = partials["spaced"]
    for partial in partials.values():
        assert partial.subsets.keys() == first.subsets.keys()
        for name, subset in partial.subsets.items():
            assert subset.sizes == first.subsets[name].sizes
            assert np.array_equal(subset.distinct.registers, first.subsets[name].distinct.registers)


def test_sketches_equal_the_reference_sketches() -> None:
    docs = make_docs(800, seed=21, duplicates=0.2)
    docs += [("Pile-CC", "x" * size) for size in (0, 1, 2, 3, 255, 256, 257, 4096, 70_000)]
    partial = scan_bytes(encode_with("spaced", docs))
    for name, subset in partial.subsets.items():
        chosen = [t for n, t in docs if n == name]
        sizes = SizeHistogram()
        sizes.add_many(np.array([len(t.encode()) for t in chosen], dtype=np.int64))
        assert subset.sizes == sizes
        distinct = HyperLogLog()
        distinct.add_hashes(np.array([kernel.text_hash(t) for t in chosen], dtype=np.uint64))
        assert np.array_equal(subset.distinct.registers, distinct.registers)


def test_size_buckets_agree_at_every_boundary() -> None:
    thresholds = layout.bucket_thresholds()
    sizes = np.unique(np.concatenate([thresholds - 1, thresholds, thresholds + 1]))
    sizes = sizes[(sizes > 0) & (sizes < 2**48)]  # above, float log2 blurs size_buckets
    expected = size_buckets(sizes)
    assert np.array_equal(np.searchsorted(thresholds, sizes, side="right"), expected)


_MASK = (1 << 64) - 1


def reference_hash(data: bytes) -> int:
    """The kernel's text hash as its docstring defines it, in plain Python: a multiply-xorshift
    chain over the little-endian 8-byte words of the UTF-8 text (the last one zero-padded, even
    when empty), then the length mixed in with splitmix64's finaliser."""

    def step(state: int, block: int) -> int:
        state = ((state ^ block) * 0x9E3779B97F4A7C15) & _MASK
        return state ^ (state >> 32)

    state = 0x243F6A8885A308D3
    whole = len(data) - len(data) % 8
    for i in range(0, whole, 8):
        state = step(state, int.from_bytes(data[i : i + 8], "little"))
    z = step(state, int.from_bytes(data[whole:], "little")) ^ len(data)
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


# Plain runs of every length around the 8-byte steps, broken by every kind of special byte.
_PIECES = st.sampled_from(["a", "b c", "  ", "xyzw" * 3, '"', "\\", "\n", "\t", "é", "🙂", "\x01"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join) | st.text(max_size=200))
def test_hash_is_the_documented_function(text: str) -> None:
    assert kernel.text_hash(text) == reference_hash(text.encode())


def test_hash_tells_texts_apart_and_ignores_escaping() -> None:
    texts = ["", "a", "a ", "ab", "ba", "12345678", "123456789", "\x00", "\x00\x00", "é", "🙂"]
    hashes = [kernel.text_hash(t) for t in texts]
    assert len(set(hashes)) == len(texts)
    line = b'{"text": "\\u00e9\\ud83d\\ude42", "meta": {"pile_set_name": "A"}}\n'
    same = b'{"text": "\xc3\xa9\xf0\x9f\x99\x82", "meta": {"pile_set_name": "A"}}\n'
    registers = [scan_bytes(x).subsets["A"].distinct.registers for x in (line, same)]
    assert np.array_equal(registers[0], registers[1])
    assert scan_bytes(line).subsets["A"].characters == 2


# Lines the kernel must refuse (so that orjson judges them), each with what orjson says.
REFUSED = {
    "lone high surrogate": (b'"\\ud800"', "surrogate"),
    "lone low surrogate": (b'"\\udc00"', "not JSON"),
    "high then not low": (b'"\\ud800\\u0041"', "not JSON"),
    "overlong UTF-8": (b'"\xc0\x80"', "invalid UTF-8"),
    "UTF-8 surrogate": (b'"\xed\xa0\x80"', "invalid UTF-8"),
    "above U+10FFFF": (b'"\xf4\x90\x80\x80"', "invalid UTF-8"),
    "cut UTF-8": (b'"\xe2\x80"', "invalid UTF-8"),
    "raw control byte": (b'"a\x01b"', "not JSON"),
    "unknown escape": (b'"\\x41"', "not JSON"),
    "bad hex": (b'"\\u12G4"', "not JSON"),
    "unterminated": (b'"abc', "not JSON"),
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_refused_lines_are_bad_lines_with_orjsons_reason(kind: str) -> None:
    text, reason = REFUSED[kind]
    good = b'{"text": "fine", "meta": {"pile_set_name": "A"}}\n'
    bad = b'{"text": ' + text + b', "meta": {"pile_set_name": "A"}}\n'
    partial = scan_bytes(good + bad + good, skip_bad_lines=True)
    (file,) = partial.files.values()
    assert (file.lines, file.documents, file.skipped_lines) == (3, 2, 1)
    ((line, said),) = file.skipped_examples
    assert line == 2 and reason in said
    assert partial.subsets["A"].documents == 2


@pytest.mark.parametrize(
    "tail",
    [b"}}x", b"}", b"}} \t", b"}},", b'}, "x": 1}'],
    ids=["junk", "short", "spaces", "comma", "key"],
)
def test_a_line_that_does_not_end_like_a_pile_line_goes_to_orjson(tail: bytes) -> None:
    line = b'{"text": "t", "meta": {"pile_set_name": "A"' + tail + b"\n"
    partial = scan_bytes(line, skip_bad_lines=True)
    valid = tail in (b"}} \t", b'}, "x": 1}')
    (file,) = partial.files.values()
    assert (file.documents, file.skipped_lines) == ((1, 0) if valid else (0, 1))


def test_many_long_and_escaped_subset_names_grow_the_tables() -> None:
    names = [f"set-{i}" for i in range(70)] + ["Ü" * 400, "x" * 700]
    docs = [(name, f"text of {name}") for name in names for _ in range(2)]
    data = encode_with("raw", docs)
    data += b'{"text": "a b", "meta": {"pile_set_name": "set\\u002d0"}}\n'  # set-0, escaped
    partial = scan_bytes(data)
    assert sorted(partial.subsets) == sorted(names)
    assert {n: s.documents for n, s in partial.subsets.items()} == {
        n: 3 if n == "set-0" else 2 for n in names
    }
    assert partial.subsets["set-0"].words == 2 * 3 + 2


# Bytes a JSON string may hold raw but for the quote and the backslash, with every UTF-8 lead,
# continuation and never-used byte likely: valid and invalid UTF-8 alike.
_RAW = st.binary(max_size=40).map(
    lambda data: bytes(b for b in data if b >= 0x20 and b not in (0x22, 0x5C))
) | st.lists(
    st.sampled_from([b"a", b" ", b"\xc3\xa9", b"\xe6\x97\xa5", b"\xf0\x9f\x99\x82", b"\x80",
                     b"\xc3", b"\xe0\x80\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xff"]),
    max_size=30,
).map(b"".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(raw=_RAW, pad=st.integers(0, 9))
def test_raw_bytes_are_taken_exactly_when_they_are_utf8(raw: bytes, pad: int) -> None:
    text = b"x" * pad + raw  # every alignment against the eight-byte steps
    line = b'{"text": "' + text + b'", "meta": {"pile_set_name": "A"}}\n'
    partial = scan_bytes(line, skip_bad_lines=True)
    (file,) = partial.files.values()
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError:
        assert (file.documents, file.skipped_lines) == (0, 1)
        assert file.skipped_examples[0][1].startswith("invalid UTF-8")
        return
    assert _Tables().scan(line, 0) == (layout.END, len(line), 1)  # taken in compiled code
    subset = partial.subsets["A"]
    assert (subset.documents, subset.bytes, subset.characters, subset.words) == (
        1,
        len(text),
        len(decoded),
        len(text.split()),
    )
