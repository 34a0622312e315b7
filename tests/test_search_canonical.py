"""Pagefind's filter chunks in canonical form: the two orders one Pagefind run or the next may
write (bytes as Pagefind 1.5.2 wrote them here) become one bundle, references and all."""

from __future__ import annotations

import gzip

import orjson
import pytest

from generator.search_canonical import (
    SIGNATURE,
    BundleFormatError,
    canonical_bundle,
    sort_filter_values,
)

# [name, [[value, [pages...]], ...]] in CBOR, the values in the two orders seen.
MODEL_FIRST = b"\x82dkind\x82\x82emodel\x82\x00\x01\x82gdataset\x81\x02"
DATASET_FIRST = b"\x82dkind\x82\x82gdataset\x81\x02\x82emodel\x82\x00\x01"


def _gz(payload: bytes) -> bytes:
    return gzip.compress(SIGNATURE + payload, mtime=0)


def _bundle(filter_payload: bytes, filter_hash: str, meta_hash: str) -> dict[str, bytes]:
    """A bundle as Pagefind lays it out: the meta file names the filter chunk, the entry file
    names the meta file."""
    meta = b"\x82e1.5.2\x81\x82dkindj" + filter_hash.encode()
    entry = {"version": "1.5.2", "languages": {"en": {"hash": meta_hash, "wasm": "en"}}}
    return {
        f"filter/{filter_hash}.pf_filter": _gz(filter_payload),
        f"pagefind.{meta_hash}.pf_meta": _gz(meta),
        "pagefind-entry.json": orjson.dumps(entry),
        "fragment/en_0000001.pf_fragment": b"unchanged",
    }


def test_filter_values_are_sorted() -> None:
    assert sort_filter_values(MODEL_FIRST) == DATASET_FIRST
    assert sort_filter_values(DATASET_FIRST) == DATASET_FIRST


def test_both_orders_give_one_bundle() -> None:
    one = canonical_bundle(_bundle(MODEL_FIRST, "en_35aff3e", "en_e3796953d8"))
    two = canonical_bundle(_bundle(DATASET_FIRST, "en_8623a6a", "en_1468292caa"))
    assert one == two
    assert one["fragment/en_0000001.pf_fragment"] == b"unchanged"
    (filter_rel,) = [r for r in one if r.startswith("filter/")]
    (meta_rel,) = [r for r in one if r.endswith(".pf_meta")]
    filter_hash = filter_rel.removeprefix("filter/").removesuffix(".pf_filter")
    meta_hash = meta_rel.removeprefix("pagefind.").removesuffix(".pf_meta")
    assert len(filter_hash) == len("en_35aff3e") and len(meta_hash) == len("en_e3796953d8")
    assert gzip.decompress(one[filter_rel]) == SIGNATURE + DATASET_FIRST
    assert filter_hash.encode() in gzip.decompress(one[meta_rel])  # references follow
    assert orjson.loads(one["pagefind-entry.json"])["languages"]["en"]["hash"] == meta_hash


def test_a_bundle_without_filters_is_left_alone() -> None:
    files = {"pagefind.js": b"js", "pagefind-entry.json": b"{}"}
    assert canonical_bundle(files) == files


@pytest.mark.parametrize(
    "payload",
    [
        b"\x83dkind\x80\x00",  # three items, not a pair
        b"\x82dkind\x81\x83emodel\x80\x00",  # a value that is not a [value, pages] pair
        b"\x82dkind\x81\x82emodel\x80\x00",  # bytes after the values
        b"\x82dkind\x81\x82\x1fmodel",  # an indefinite-length item
    ],
)
def test_an_unexpected_format_fails_loudly(payload: bytes) -> None:
    with pytest.raises(BundleFormatError):
        canonical_bundle(_bundle(payload, "en_35aff3e", "en_e3796953d8"))


def test_a_chunk_without_the_signature_fails_loudly() -> None:
    files = _bundle(MODEL_FIRST, "en_35aff3e", "en_e3796953d8")
    files["filter/en_35aff3e.pf_filter"] = gzip.compress(MODEL_FIRST, mtime=0)
    with pytest.raises(BundleFormatError, match="no pagefind_dcd signature"):
        canonical_bundle(files)
