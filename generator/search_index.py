"""The search index: one small document per artifact, indexed by Pagefind into a static bundle.

Pagefind usually crawls a built site. Here the page plan must know every output path before
anything renders, and Pagefind names its files by content hash, so the index is made from the
records while planning: each artifact becomes one document (``templates/search_record.html``,
which carries the ``data-pagefind-*`` attributes: weights, the kind filter, the rank sort and
the meta a result shows), at the artifact page's URL, and the Pagefind CLI indexes them.

The bundle is cached by a digest of everything searchable (names, summaries, capability titles
and descriptions, ranks, URLs, comparison partners), the document template, the code and
Pagefind's version, so a build runs Pagefind only when one of those changed. Pagefind's output
is made deterministic (``generator.search_canonical``: same documents, same bytes), and files
whose bytes did not change keep their fingerprint, so the incremental build carries them over
like any other page.

The documents go to Pagefind's indexing service and the bundle comes back in memory
(``generator.search_service``: why not Pagefind's own Python client, nor its CLI).
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import orjson

from generator.cache import atomic_write, hash_key
from generator.errors import UserError
from generator.plan import check_path
from generator.search_canonical import canonical_bundle
from generator.search_service import ServiceError, index_documents
from generator.urls import output_file

log = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"  # where the bundle lives in the site
PAGEFIND_PACKAGE = "pagefind_bin_extended"  # ships the binary (pip install "pagefind[extended]")
CACHE_NAMESPACE = "search"
KEEP_BUNDLES = 4  # cached bundles kept (most recently used); older ones are deleted
# What the browser needs of Pagefind's output: its runtime, the entry and meta files, the index,
# filter and fragment chunks, and the wasm of each indexed language. The stock UIs
# (pagefind-ui.js and friends) are left out: static/js/search.js is ours; so is the web worker
# (static/js/search-core.js searches on the page's own thread: a faster first query).
RUNTIME_FILES = ("pagefind.js", "pagefind-entry.json")
CHUNK_DIRS = ("fragment/", "index/", "filter/")


class SearchIndexError(UserError):
    """Pagefind is missing or failed."""


@dataclass(frozen=True)
class SearchCapability:
    anchor: str  # the capability's id on the artifact page
    title: str
    description: str  # Markdown, as the record has it


@dataclass(frozen=True)
class SearchRecord:
    """What the index knows of one artifact: what is searched, and what a result shows."""

    slug: str
    kind: str  # the kind's slug: the filter
    kind_label: str
    name: str
    url: str  # site path of the artifact page
    summary: str
    rank: int | None  # as pages show it (whole points)
    capabilities: tuple[SearchCapability, ...]
    comparisons: tuple[tuple[str, str, str], ...]  # (comparison page URL, partner slug, name)


@dataclass(frozen=True)
class SearchBundle:
    key: str  # the digest the bundle is cached under
    files: dict[str, bytes]  # path inside the bundle folder -> bytes
    indexed: bool  # True when this call ran Pagefind; False when the cache had it
    seconds: float  # how long getting it took


def pagefind_version() -> str:
    try:
        return metadata.version(PAGEFIND_PACKAGE)
    except metadata.PackageNotFoundError:
        return "missing"


def pagefind_executable() -> Path:
    """The Pagefind binary: ``PAGEFIND_BINARY_PATH``, else the one ``pagefind[extended]`` ships."""
    missing = "the Pagefind binary is missing: pip install -e . (it installs pagefind[extended])"
    try:
        from pagefind.service import get_executable
    except ImportError as error:
        raise SearchIndexError(missing) from error
    found = get_executable()
    if found is None or not Path(found).is_file():
        raise SearchIndexError(missing)
    return Path(found)


def bundle_key(records: list[SearchRecord], language: str, *digests: str) -> str:
    """A digest of everything the bundle is made from."""
    return hash_key(pagefind_version(), language, *digests, repr(records))


def get_bundle(
    records: list[SearchRecord],
    key: str,
    document: Callable[[SearchRecord], str],
    language: str,
    cache_dir: Path,
) -> SearchBundle:
    """The cached bundle for ``key``, or a new one made by Pagefind (and cached)."""
    started = time.perf_counter()
    path = bundle_path(cache_dir, key)
    folder = path.parent
    if path.is_file():
        try:
            files = read_bundle(path)
        except (OSError, zipfile.BadZipFile, KeyError):
            log.debug("ignoring unreadable search bundle %s", path)
        else:
            os.utime(path)  # most recently used: kept when older bundles are pruned
            return SearchBundle(key, files, False, time.perf_counter() - started)
    files = run_pagefind(((r.url, document(r)) for r in records), language)
    _store(path, files)
    _prune(folder, keep=path)
    seconds = time.perf_counter() - started
    log.info("indexed %d artifacts for search in %.2f s", len(records), seconds)
    return SearchBundle(key, files, True, seconds)


def run_pagefind(documents: Iterable[tuple[str, str]], language: str) -> dict[str, bytes]:
    """Index ``(site path, HTML)`` documents with Pagefind; the bundle's files, canonical."""
    docs = list(documents)
    if not docs:
        return {}  # Pagefind refuses to make an empty index; there is nothing to search
    for url, _ in docs:
        check_path(output_file(url), "search index")
    try:
        made = index_documents(pagefind_executable(), docs, language)
    except (OSError, ServiceError) as error:
        raise SearchIndexError(f"search index: {error}") from error
    return canonical_bundle(_bundle_files(made))


def _bundle_files(made: dict[str, bytes]) -> dict[str, bytes]:
    """What the browser needs of all Pagefind made (its stock UIs, the worker, unused wasm out)."""
    if "pagefind-entry.json" not in made:
        raise SearchIndexError("Pagefind made no pagefind-entry.json")
    entry = orjson.loads(made["pagefind-entry.json"])
    wasm = {f"wasm.{info['wasm']}.pagefind" for info in entry["languages"].values()}
    files = {
        rel: data
        for rel, data in sorted(made.items())
        if rel in RUNTIME_FILES
        or rel in wasm
        or ("/" not in rel and rel.endswith(".pf_meta"))
        or rel.startswith(CHUNK_DIRS)
    }
    missing = [name for name in (*RUNTIME_FILES, *sorted(wasm)) if name not in files]
    if missing:
        raise SearchIndexError(f"Pagefind made no {', '.join(missing)}")
    return files


def language_code(language: str) -> str:
    """Pagefind takes ISO 639-1 codes: ``en-GB`` -> ``en``."""
    return language.split("-")[0].split("_")[0].lower() or "en"


# -- the cache: one zip per bundle ---------------------------------------------------------------


def bundle_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / CACHE_NAMESPACE / f"{key}.zip"


@functools.lru_cache(maxsize=2)
def read_bundle(path: Path) -> dict[str, bytes]:
    """Every file of a cached bundle (memoised: forked render processes inherit it)."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _store(path: Path, files: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED  # Pagefind's chunks are gzipped already
            archive.writestr(info, data)
    atomic_write(path, buffer.getvalue())


def _prune(folder: Path, keep: Path) -> None:
    """Delete all but the ``KEEP_BUNDLES`` most recently used bundles."""
    bundles = []
    for path in folder.glob("*.zip"):
        try:
            bundles.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    bundles.sort(reverse=True)
    for _, path in bundles[KEEP_BUNDLES:]:
        if path != keep:
            path.unlink(missing_ok=True)


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
