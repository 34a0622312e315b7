"""The search index as part of the build: planned, deterministic, cached by what is searchable,
and in step with the artifact pages it points at."""

from __future__ import annotations

import gzip
import re
import stat
from pathlib import Path

import pytest

from generator import search_index
from generator.build import BuildOptions, build_site
from generator.manifest import read_manifest
from generator.search_index import (
    KEEP_BUNDLES,
    SearchIndexError,
    bundle_path,
    get_bundle,
    language_code,
)
from tests.sitecheck import site_digest

pytestmark = pytest.mark.skipif(
    search_index.pagefind_version() == "missing", reason="pip install -e . (pagefind[extended])"
)


def _options(content: Path, out: Path, cache: Path | None = None) -> BuildOptions:
    return BuildOptions(
        content_dir=content,
        out_dir=out,
        cache_dir=cache or out.parent / f"{out.name}-cache",
        progress=False,
    )


def _bundle(out: Path) -> dict[str, str]:
    return {k: v for k, v in site_digest(out).items() if k.startswith("pagefind/")}


def _fragments(out: Path) -> dict[str, str]:
    """Each indexed page's URL -> its fragment's JSON text (Pagefind gzips them)."""
    found = {}
    for path in sorted((out / "pagefind" / "fragment").iterdir()):
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
        assert text.startswith("pagefind_dcd")
        url = re.search(r'"url":"([^"]*)"', text)
        assert url is not None
        found[url.group(1)] = text
    return found


def test_the_search_page_and_its_index_are_planned(basic_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(_options(basic_content, out))
    manifest = read_manifest(out)
    assert manifest is not None
    assert manifest.entries["search/index.html"].kind == "search"
    assert manifest.entries["search/index.html"].url == "/search/"
    bundle = {p: e for p, e in manifest.entries.items() if p.startswith("pagefind/")}
    assert {e.kind for e in bundle.values()} == {"search-index"}
    names = {p.split("/", 1)[1] for p in bundle}
    assert {"pagefind.js", "pagefind-entry.json", "wasm.en.pagefind"} <= names
    # Our own UI, on the page's thread: no stock UI, no worker, no unused language.
    assert not any("-ui." in n or "worker" in n or n.startswith("wasm.unknown") for n in names)
    assert sorted(_fragments(out)) == [
        "/dataset/gamma-corpus/",
        "/model/alpha-qa/",
        "/model/beta-qa/",
    ]
    assert "https://fixture.example/search/" in (out / "sitemaps" / "sitemap-1.xml").read_text()
    page = (out / "search" / "index.html").read_text()
    assert 'data-bundle="../pagefind/pagefind.js"' in page
    assert 'data-root="../"' in page


def test_fragments_hold_what_results_show(basic_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(_options(basic_content, out))
    alpha = _fragments(out)["/model/alpha-qa/"]
    assert '"title":"Alpha QA"' in alpha
    assert '"kind":["model"]' in alpha  # the filter
    assert "Exports to ONNX and runs quantized on CPUs." in alpha  # a capability description
    assert "/compare/alpha-qa-vs-beta-qa/" in alpha  # comparison pages, for results
    # Each capability heading carries the anchor it has on the artifact page.
    page = (out / "model" / "alpha-qa" / "index.html").read_text()
    anchors = re.findall(r'"id":"(cap-[^"]+)"', alpha)
    assert anchors and all(f'id="{a}"' in page for a in anchors)
    # What is not searched stays out: the vs-alternatives text of a capability.
    record = (basic_content / "artifacts" / "alpha-qa.yaml").read_text()
    vs = re.search(r"vs_alternatives: (.+)", record)
    assert vs is not None and vs.group(1).strip() not in alpha


def test_two_builds_give_the_same_index(basic_content: Path, tmp_path: Path) -> None:
    build_site(_options(basic_content, tmp_path / "one"))
    build_site(_options(basic_content, tmp_path / "two"))
    one, two = _bundle(tmp_path / "one"), _bundle(tmp_path / "two")
    assert one and one == two


def test_only_searchable_edits_run_pagefind(
    basic_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build_site(_options(basic_content, out))
    before = _bundle(out)
    inodes = {p: (out / p).stat().st_ino for p in before}
    runs: list[int] = []
    real = search_index.run_pagefind

    def counting(documents: object, language: str) -> dict[str, bytes]:
        runs.append(1)
        return real(documents, language)  # type: ignore[arg-type]

    monkeypatch.setattr(search_index, "run_pagefind", counting)
    record = basic_content / "artifacts" / "alpha-qa.yaml"
    text = record.read_text()
    assert "license: MIT" in text
    record.write_text(text.replace("license: MIT", "license: Apache-2.0"))  # not searchable
    report = build_site(_options(basic_content, out))
    assert report.rendered > 0  # the artifact page changed
    assert runs == []
    assert _bundle(out) == before
    assert all((out / p).stat().st_ino == inodes[p] for p in before)  # carried over

    edited = text.replace("runs quantized on CPUs", "runs quantized on CPUs and zeppelins")
    record.write_text(edited)
    build_site(_options(basic_content, out))
    assert runs == [1]
    after = _bundle(out)
    changed = sorted(p for p in after if before.get(p) != after[p])
    assert "zeppelins" in _fragments(out)["/model/alpha-qa/"]
    assert [p for p in changed if p.startswith("pagefind/fragment/")] == [
        next(p for p in after if p.startswith("pagefind/fragment/") and p not in before)
    ]
    # The incremental result is what a full build makes.
    full = tmp_path / "full"
    build_site(_options(basic_content, full, tmp_path / "full-cache"))
    assert _bundle(full) == after


def test_a_failing_pagefind_is_reported(
    basic_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'index exploded' >&2\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    with pytest.raises(SearchIndexError, match=r"stopped answering \(exit 3\): index exploded$"):
        build_site(_options(basic_content, tmp_path / "out"))
    assert not (tmp_path / "out").exists()  # nothing was written
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "nowhere"))
    with pytest.raises(SearchIndexError, match="the Pagefind binary is missing"):
        build_site(_options(basic_content, tmp_path / "out"))


def test_the_cache_keeps_the_latest_bundles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake(documents: object, language: str) -> dict[str, bytes]:
        return {"pagefind.js": b"x"}

    monkeypatch.setattr(search_index, "run_pagefind", fake)
    keys = [f"{n:064x}" for n in range(KEEP_BUNDLES + 2)]
    for key in keys:
        bundle = get_bundle([], key, lambda r: "", "en", tmp_path)
        assert bundle.indexed and bundle.files == {"pagefind.js": b"x"}
    kept = sorted(p.stem for p in (tmp_path / "search").glob("*.zip"))
    assert len(kept) == KEEP_BUNDLES and keys[-1] in kept
    again = get_bundle([], keys[-1], lambda r: "", "en", tmp_path)
    assert not again.indexed and again.files == {"pagefind.js": b"x"}
    bundle_path(tmp_path, keys[-1]).write_bytes(b"not a zip")  # a damaged entry is remade
    search_index.read_bundle.cache_clear()
    assert get_bundle([], keys[-1], lambda r: "", "en", tmp_path).indexed


def test_language_codes() -> None:
    assert language_code("en") == "en"
    assert language_code("en-GB") == "en"
    assert language_code("pt_BR") == "pt"
