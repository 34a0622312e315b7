"""Make Pagefind's bundle byte-identical from run to run.

Pagefind 1.5.2 writes everything deterministically except the order of a filter's values (they
come out of a Rust ``HashMap``): the filter chunk's bytes, and so its hash-based name, change
between runs, and with them the meta file that names the chunk and the entry file that names the
meta file. Measured here: 2 of 6 runs over the same documents differed, only in those files.

This module puts the values of each filter chunk in sorted order, names the chunk (and then the
meta file) by a hash of the new bytes, and rewrites the references, so the same documents always
give the same bundle. It understands just enough of the format to do that (Pagefind's chunks are
gzip-compressed ``pagefind_dcd`` + CBOR) and refuses, naming the file, anything it does not
expect, so a Pagefind upgrade that changes the format fails loudly instead of shipping a broken
index.
"""

from __future__ import annotations

import gzip
import hashlib
import re

SIGNATURE = b"pagefind_dcd"
_FILTER = re.compile(r"^filter/([a-z]+_)([0-9a-f]+)\.pf_filter$")
_META = re.compile(r"^pagefind\.([a-z]+_)([0-9a-f]+)\.pf_meta$")
ENTRY = "pagefind-entry.json"


class BundleFormatError(RuntimeError):
    """Pagefind's output is not what this module was written for (a new Pagefind version?)."""


def _head(data: bytes, pos: int) -> tuple[int, int, int]:
    """(major type, argument, position after the head) of the CBOR item at ``pos``."""
    initial = data[pos]
    major, info = initial >> 5, initial & 0x1F
    if info < 24:
        return major, info, pos + 1
    sizes = {24: 1, 25: 2, 26: 4, 27: 8}
    if info not in sizes:
        raise BundleFormatError(f"unexpected CBOR item 0x{initial:02x} at byte {pos}")
    end = pos + 1 + sizes[info]
    return major, int.from_bytes(data[pos + 1 : end], "big"), end


def _skip(data: bytes, pos: int) -> int:
    """Position after the CBOR item that starts at ``pos``."""
    major, argument, pos = _head(data, pos)
    if major in (2, 3):  # byte and text strings
        return pos + argument
    if major == 4:  # array
        for _ in range(argument):
            pos = _skip(data, pos)
    elif major == 5:  # map
        for _ in range(2 * argument):
            pos = _skip(data, pos)
    elif major == 6:  # tag
        pos = _skip(data, pos)
    return pos  # integers and simple values have nothing after their head


def _text(data: bytes, pos: int) -> bytes:
    major, length, start = _head(data, pos)
    if major != 3:
        raise BundleFormatError(f"expected a text string at byte {pos}")
    return data[start : start + length]


def sort_filter_values(payload: bytes) -> bytes:
    """A filter chunk's CBOR (``[name, [[value, [pages...]], ...]]``) with values sorted."""
    major, count, pos = _head(payload, 0)
    if major != 4 or count != 2:
        raise BundleFormatError("a filter chunk is not a [name, values] pair")
    name_end = _skip(payload, pos)
    _text(payload, pos)
    major, values, pos = _head(payload, name_end)
    if major != 4:
        raise BundleFormatError("a filter chunk's values are not an array")
    first = pos
    items = []
    for _ in range(values):
        end = _skip(payload, pos)
        kind, pair, inner = _head(payload, pos)
        if kind != 4 or pair != 2:
            raise BundleFormatError("a filter value is not a [value, pages] pair")
        items.append((_text(payload, inner), payload[pos:end]))
        pos = end
    if pos != len(payload):
        raise BundleFormatError("a filter chunk has bytes after its values")
    return payload[:first] + b"".join(item for _, item in sorted(items))


def _decode(rel: str, data: bytes) -> bytes:
    payload = gzip.decompress(data)
    if not payload.startswith(SIGNATURE):
        raise BundleFormatError(f"{rel}: no {SIGNATURE.decode()} signature")
    return payload[len(SIGNATURE) :]


def _encode(payload: bytes) -> bytes:
    return gzip.compress(SIGNATURE + payload, compresslevel=9, mtime=0)


def _name(prefix: str, digits: int, data: bytes) -> str:
    return prefix + hashlib.sha256(data).hexdigest()[:digits]


def canonical_bundle(files: dict[str, bytes]) -> dict[str, bytes]:
    """``files`` (a bundle: path inside it -> bytes) with filter chunks in canonical form."""
    out = dict(files)
    # Old chunk hash -> new one, of the same length: the meta file's CBOR strings keep their
    # length, so replacing their bytes is enough.
    renamed: dict[str, str] = {}
    for rel in sorted(files):
        found = _FILTER.match(rel)
        if found is None:
            continue
        prefix, digits = found.group(1), found.group(2)
        data = _encode(sort_filter_values(_decode(rel, files[rel])))
        new = _name(prefix, len(digits), data)
        del out[rel]
        out[f"filter/{new}.pf_filter"] = data
        renamed[prefix + digits] = new
    if not renamed:
        return out
    metas = [rel for rel in files if _META.match(rel)]
    if len(metas) != 1 or ENTRY not in files:
        raise BundleFormatError(f"expected one meta file and {ENTRY}, found {sorted(metas)}")
    meta_rel = metas[0]
    meta = _decode(meta_rel, files[meta_rel])
    for old, new in renamed.items():
        if meta.count(old.encode()) != 1:
            raise BundleFormatError(f"{meta_rel} does not name filter chunk {old} once")
        meta = meta.replace(old.encode(), new.encode())
    found = _META.match(meta_rel)
    assert found is not None
    old_meta = found.group(1) + found.group(2)
    data = _encode(meta)
    new_meta = _name(found.group(1), len(found.group(2)), data)
    del out[meta_rel]
    out[f"pagefind.{new_meta}.pf_meta"] = data
    entry = files[ENTRY].decode("utf-8")
    if entry.count(f'"{old_meta}"') != 1:
        raise BundleFormatError(f"{ENTRY} does not name {meta_rel} once")
    out[ENTRY] = entry.replace(f'"{old_meta}"', f'"{new_meta}"').encode("utf-8")
    return out
