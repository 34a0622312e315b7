"""Lines with more than the Pile's two keys: the compiled scanner takes them whole.

Other corpora in the Pile's format carry more under ``meta`` (nested objects, arrays, numbers,
escaped strings) and sometimes beside ``text``. The scanner finds ``pile_set_name`` wherever it
sits in ``meta`` and skips every other value without handing the line to ``orjson``; a value
that is not valid JSON still sends the line to ``orjson``, which words the error as before.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.corpus import layout
from generator.corpus.scan import _Tables, diagnose_line
from tests.corpus.helpers import comparable, make_docs
from tests.corpus.test_kernel import scan_bytes

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
ascii_keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=10).filter(
    lambda key: key not in ("text", "meta", "pile_set_name")
)


def _line(text: str, name: str, extra: dict[str, Any], first: bool, escaped: bool) -> bytes:
    meta = {"pile_set_name": name, **extra} if first else {**extra, "pile_set_name": name}
    return json.dumps({"text": text, "meta": meta}, ensure_ascii=escaped).encode() + b"\n"


def kernel_takes(data: bytes) -> int:
    """How many lines the compiled scanner counts from the start before it stops; it must
    stop only at the end."""
    status, _, lines = _Tables().scan(data, 0)
    assert status == layout.END
    return lines


@settings(max_examples=120, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "Pile-CC"]),  # escaped names go to orjson
            st.text(max_size=30),
            st.dictionaries(ascii_keys, json_values, max_size=3),
            st.booleans(),
            st.booleans(),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_other_meta_is_skipped_in_compiled_code(
    rows: list[tuple[str, str, dict[str, Any], bool, bool]],
) -> None:
    data = b"".join(
        _line(text, name, extra, first, escaped) for name, text, extra, first, escaped in rows
    )
    assert kernel_takes(data) == len(rows)
    partial = scan_bytes(data)
    for name in {row[0] for row in rows}:
        texts = [row[1].encode() for row in rows if row[0] == name]
        subset = partial.subsets[name]
        assert subset.documents == len(texts)
        assert subset.bytes == sum(map(len, texts))
        assert subset.characters == sum(len(row[1]) for row in rows if row[0] == name)
        assert subset.words == sum(len(t.split()) for t in texts)
    # The same documents without the extra meta: the same sketches, hash included.
    plain = scan_bytes(b"".join(_line(t, n, {}, True, False) for n, t, *_ in rows))
    for name, subset in plain.subsets.items():
        assert partial.subsets[name].sizes == subset.sizes
        assert partial.subsets[name].distinct.registers.tobytes() == (
            subset.distinct.registers.tobytes()
        )


SHAPES = {
    "text last": b'{"meta": {"pile_set_name": "A"}, "text": "a b"}',
    "key beside text": b'{"id": 7, "text": "a b", "meta": {"pile_set_name": "A"}}',
    "name after nested": (
        b'{"text": "a b", "meta": {"src": {"u": "x\\u00e9\\"", "n": [1, -2.5e-3, true, null,'
        b' {}, [], [[{"k": false}]]]}, "pile_set_name": "A"}}'
    ),
    "loose": b' { "text" : "a b" , "meta" : { "x" : [ 1 , { } ] , "pile_set_name" : "A" } } ',
    "a name deeper down too": (
        b'{"text": "a b", "meta": {"x": {"pile_set_name": "B"}, "pile_set_name": "A"}}'
    ),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_other_shapes_are_counted_by_the_kernel(shape: str) -> None:
    line = SHAPES[shape] + b"\n"
    assert kernel_takes(line) == 1
    partial = scan_bytes(line)
    assert list(partial.subsets) == ["A"]
    subset = partial.subsets["A"]
    assert (subset.documents, subset.bytes, subset.characters, subset.words) == (1, 3, 3, 2)


# Lines the kernel hands to orjson, which counts them as documents: (line, text, name).
VALID_ELSEWHERE = {
    "text twice": (b'{"text": "a", "text": "b c", "meta": {"pile_set_name": "A"}}', "b c", "A"),
    "name twice": (
        b'{"text": "a", "meta": {"pile_set_name": "A", "pile_set_name": "B"}}',
        "a",
        "B",
    ),
    "meta twice": (
        b'{"text": "a", "meta": {"pile_set_name": "A"}, "meta": {"pile_set_name": "B"}}',
        "a",
        "B",
    ),
    "escaped key": (b'{"text": "a", "meta": {"pile\\u005fset_name": "A"}}', "a", "A"),
    "escaped name": (b'{"text": "a", "meta": {"pile_set_name": "\\u0041"}}', "a", "A"),
    "long exponent": (b'{"text": "a", "meta": {"x": 1e100, "pile_set_name": "A"}}', "a", "A"),
    "deep": (
        b'{"text": "a", "meta": {"x": ' + b"[" * 70 + b"]" * 70 + b', "pile_set_name": "A"}}',
        "a",
        "A",
    ),
}


@pytest.mark.parametrize("kind", sorted(VALID_ELSEWHERE))
def test_lines_the_kernel_refuses_are_counted_as_orjson_reads_them(kind: str) -> None:
    line, text, name = VALID_ELSEWHERE[kind]
    status, _, lines = _Tables().scan(line + b"\n", 0)
    assert (status, lines) == (layout.OTHER_LINE, 0)
    assert orjson.loads(line)["meta"]["pile_set_name"] == name
    partial = scan_bytes(line + b"\n")
    assert list(partial.subsets) == [name]
    subset = partial.subsets[name]
    assert (subset.documents, subset.bytes, subset.words) == (1, len(text), len(text.split()))


# Malformed values inside meta: the line is bad, with orjson's reason, as before.
MALFORMED = {
    "trailing comma": b"[1, 2,]",
    "leading zero": b"01",
    "bare word": b"tru",
    "unclosed": b'{"a": [1, 2}',
    "no colon": b'{"a" 1}',
    "single quotes": b"'x'",
    "lone surrogate": b'"\\ud800"',
    "raw control byte": b'"a\x01b"',
    "invalid UTF-8": b'"caf\xe9"',
    "infinite": b"1e400",
    "NaN": b"NaN",
    "fraction without digits": b"1.",
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_meta_is_a_bad_line_with_orjsons_reason(kind: str) -> None:
    line = b'{"text": "fine", "meta": {"x": ' + MALFORMED[kind] + b', "pile_set_name": "A"}}'
    good = b'{"text": "fine", "meta": {"pile_set_name": "A"}}\n'
    partial = scan_bytes(good + line + b"\n" + good, skip_bad_lines=True)
    (file,) = partial.files.values()
    assert (file.lines, file.documents, file.skipped_lines) == (3, 2, 1)
    assert file.skipped_examples == [(2, diagnose_line(line))]
    assert diagnose_line(line).startswith(("not JSON", "invalid UTF-8"))


def test_a_name_only_deeper_down_is_missing() -> None:
    line = b'{"text": "a", "meta": {"x": {"pile_set_name": "B"}}}\n'
    partial = scan_bytes(line, skip_bad_lines=True)
    (file,) = partial.files.values()
    assert file.skipped_examples == [(1, 'no "meta.pile_set_name" field')]


def test_realistic_lines_with_and_without_extra_meta_agree() -> None:
    docs = make_docs(300, seed=4)
    extra = {"source": {"url": "https://example.org/?q=caf\u00e9", "id": 3, "tags": ["a", "b"]}}
    lines = [
        _line(text, name, extra if i % 5 == 2 else {}, i % 2 == 0, i % 3 == 0)
        for i, (name, text) in enumerate(docs)
    ]
    data = b"".join(lines)
    assert kernel_takes(data) == len(docs)
    plain = scan_bytes(b"".join(_line(t, n, {}, True, True) for n, t in docs))
    assert comparable(scan_bytes(data))[0] == comparable(plain)[0]  # the files differ
