"""Incremental builds: the page plan, the manifest, carried files and parallel rendering.

The central property: after any edit, an incremental rebuild of the previous output is
byte-identical to a clean full build of the same content.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator import parallel
from generator.build import BuildOptions, BuildReport, build_site
from generator.manifest import MANIFEST_NAME, read_manifest
from generator.pages import listings, site_files
from tests.conftest import BASIC
from tests.sitecheck import broken_links, site_digest, tree_digest

ROOT = Path(__file__).resolve().parent.parent
TOPICS = [
    "question answering passages spans extractive abstain",
    "web crawl corpus deduplication filtering english",
    "onnx runtime inference quantized browser latency",
    "books fiction corpus training language models",
]


def _record(i: int, *, signal: int = 10, words: str = "") -> str:
    topic = TOPICS[i % len(TOPICS)]
    kind = ("model", "dataset")[i % 2]
    return textwrap.dedent(
        f"""\
        name: Synthetic {i}
        kind: {kind}
        summary: Synthetic artifact number {i}.
        signals:
          downloads: {{value: {signal}, source: test}}
        capabilities:
          - id: main
            title: {topic.split()[0]} {topic.split()[1]}
            description: Handles {topic} {words}.
            unique: Unique {i} {topic.split()[2]}.
            vs_alternatives: Compared with others, {topic.split()[3]}.
        """
    )


def _catalog(root: Path, n: int) -> Path:
    content = root / "content"
    (content / "artifacts").mkdir(parents=True)
    shutil.copy(BASIC / "site.yaml", content / "site.yaml")
    for i in range(n):
        (content / "artifacts" / f"synthetic-{i:03d}.yaml").write_text(_record(i))
    return content


def _options(content: Path, out: Path, **kw: object) -> BuildOptions:
    fields: dict[str, object] = {
        "content_dir": content,
        "out_dir": out,
        "cache_dir": out.parent / f"{out.name}-cache",
        "progress": False,
    }
    fields.update(kw)
    return BuildOptions(**fields)  # type: ignore[arg-type]


def _inodes(root: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_no_change_rebuild_writes_nothing(tmp_path: Path) -> None:
    content = _catalog(tmp_path, 12)
    out = tmp_path / "out"
    first = build_site(_options(content, out))
    assert first.rendered == first.planned > 0 and not first.up_to_date
    before = _inodes(out)
    again = build_site(_options(content, out))
    assert again.up_to_date and again.rendered == 0
    assert _inodes(out) == before
    # Touching a file (same bytes) goes through the whole pipeline and still writes nothing
    # but the manifest's record of the sources.
    record = content / "artifacts" / "synthetic-003.yaml"
    record.write_bytes(record.read_bytes())
    os.utime(record, ns=(1, 1))
    touched = build_site(_options(content, out))
    assert not touched.up_to_date and touched.rendered == 0 and touched.deleted == 0
    after = _inodes(out)
    assert {k: v for k, v in after.items() if k != MANIFEST_NAME} == {
        k: v for k, v in before.items() if k != MANIFEST_NAME
    }
    assert build_site(_options(content, out)).up_to_date


def test_manifest_describes_every_output(tmp_path: Path) -> None:
    content = _catalog(tmp_path, 6)
    out = tmp_path / "out"
    report = build_site(_options(content, out))
    manifest = read_manifest(out)
    assert manifest is not None
    digest = site_digest(out)
    assert sorted(manifest.entries) == sorted(digest)
    assert len(manifest.entries) == report.planned
    for path, entry in manifest.entries.items():
        assert entry.sha256 == digest[path]
        assert entry.size == (out / path).stat().st_size
    assert manifest.entries["index.html"].url == "/"
    assert manifest.entries["compare/index.html"].kind == "compare-index"


def test_description_edit_renders_only_pages_that_show_it(tmp_path: Path) -> None:
    content = _catalog(tmp_path, 12)
    out = tmp_path / "out"
    build_site(_options(content, out))
    before = _inodes(out)
    record = content / "artifacts" / "synthetic-005.yaml"
    # Words the match graph ignores (stop words), so only this artifact's text changes.
    record.write_text(_record(5, words="and the of it"))
    report = build_site(_options(content, out))
    after = _inodes(out)
    changed = {k for k in after if before.get(k) != after[k]} - {MANIFEST_NAME}
    assert "dataset/synthetic-005/index.html" in changed
    assert "model/synthetic-000/index.html" not in changed
    assert report.rendered == len(changed) > 0
    assert report.carried == report.planned - report.rendered
    pages = {k for k in changed if not k.startswith("pagefind/")}
    assert all("synthetic-005" in k for k in pages), sorted(pages)
    # The search index holds the description too: Pagefind rewrites this artifact's fragment
    # and the chunks that list words; every other artifact's fragment is carried over.
    fragments = [k for k in changed if k.startswith("pagefind/fragment/")]
    assert len(fragments) == 1, sorted(changed)


def test_removed_record_removes_its_outputs(tmp_path: Path) -> None:
    content = _catalog(tmp_path, 8)
    out = tmp_path / "out"
    build_site(_options(content, out))
    assert (out / "model/synthetic-004/index.html").is_file()
    (content / "artifacts" / "synthetic-004.yaml").unlink()
    report = build_site(_options(content, out))
    assert report.deleted > 0
    assert not (out / "model/synthetic-004").exists()
    assert not any("synthetic-004" in p.name for p in (out / "compare").iterdir())
    full = build_site(_options(content, tmp_path / "full", incremental=False))
    assert full.rendered == full.planned
    assert site_digest(out) == site_digest(tmp_path / "full")


def test_parallel_rendering_gives_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = _catalog(tmp_path, 10)
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)
    monkeypatch.setattr(parallel, "BATCH", 3)
    build_site(_options(content, tmp_path / "one", jobs=1))
    report = build_site(_options(content, tmp_path / "two", jobs=2))
    assert report.rendered == report.planned
    assert site_digest(tmp_path / "one") == site_digest(tmp_path / "two")


def test_render_failure_in_a_worker_leaves_previous_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = _catalog(tmp_path, 10)
    out = tmp_path / "out"
    build_site(_options(content, out))
    before = tree_digest(out)
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    page = templates / "compare.html"
    page.write_text(page.read_text().replace("view.verdict", "view.verdcit"))
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)
    with pytest.raises(Exception, match="verdcit"):
        build_site(_options(content, out, templates_dir=templates, jobs=2))
    assert tree_digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_listings_paginate_and_sitemaps_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = _catalog(tmp_path, 14)
    monkeypatch.setattr(listings, "LIST_PAGE_SIZE", 2)
    monkeypatch.setattr(listings, "HOME_TOP", 2)
    monkeypatch.setattr(site_files, "SITEMAP_MAX_URLS", 7)
    out = tmp_path / "out"
    build_site(_options(content, out, base_url="https://host.example/sub/"))
    assert (out / "model/page/4/index.html").is_file()
    assert not (out / "model/page/5/index.html").exists()  # 7 models, 2 per page
    second = (out / "model/page/2/index.html").read_text()
    assert 'rel="prev" href="../../"' in second and 'rel="next" href="../3/"' in second
    assert (out / "compare/page/7/index.html").is_file()
    home = (out / "index.html").read_text()
    assert "All 7 models" in home
    assert home.count('<th scope="row">') == 4  # the top two of each kind
    manifest = read_manifest(out)
    assert manifest is not None
    urls = sorted(e.url for e in manifest.entries.values() if e.url is not None)
    index = (out / "sitemap.xml").read_text()
    parts = sorted((out / "sitemaps").iterdir())
    assert len(parts) == -(-len(urls) // 7)
    listed = []
    for part in parts:
        assert f"<loc>https://host.example/sub/sitemaps/{part.name}</loc>" in index
        text = part.read_text()
        assert text.count("<url>") <= 7
        listed += [
            line.split("<loc>")[1].split("</loc>")[0]
            for line in text.splitlines()
            if "<loc>" in line
        ]
    assert sorted(listed) == sorted("https://host.example/sub/" + u.lstrip("/") for u in urls)
    assert broken_links(out, "https://host.example/sub/") == []


def test_picker_data_lists_every_artifact(tmp_path: Path) -> None:
    content = _catalog(tmp_path, 5)
    out = tmp_path / "out"
    build_site(_options(content, out))
    data = orjson.loads((out / listings.PICKER_DATA).read_bytes())
    assert [a["slug"] for a in data["artifacts"]] == [f"synthetic-{i:03d}" for i in range(5)]
    assert data["artifacts"][1]["url"] == "/dataset/synthetic-001/"
    home = (out / "index.html").read_text()
    assert "<select" not in home and "synthetic-004-vs" not in home


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["signal", "description", "add", "remove", "template", "site"]),
        st.integers(min_value=0, max_value=11),
    ),
    min_size=1,
    max_size=3,
)


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=EDITS)
# Every kind of edit on records in the middle of the catalog (both sides of comparisons), on top
# of what hypothesis draws.
@example(edits=[("signal", 5)])
@example(edits=[("description", 7), ("remove", 3)])
@example(edits=[("add", 2), ("template", 1), ("site", 0), ("template", 2)])
def test_incremental_rebuild_equals_full_build(
    tmp_path_factory: pytest.TempPathFactory, edits: list[tuple[str, int]]
) -> None:
    root = tmp_path_factory.mktemp("edits")
    content = _catalog(root, 8)
    templates = root / "templates"
    shutil.copytree(ROOT / "templates", templates)
    out = root / "out"
    build_site(_options(content, out, templates_dir=templates))
    for step, (edit, n) in enumerate(edits):
        path = content / "artifacts" / f"synthetic-{n:03d}.yaml"
        if edit == "signal":
            path.write_text(_record(n, signal=1000 * (step + 2)))
        elif edit == "description":
            path.write_text(_record(n, words=f"edited {step} crawl"))
        elif edit == "add":
            path.write_text(_record(n + 100 * (step + 1)))
        elif edit == "remove":
            path.unlink(missing_ok=True)
        elif edit == "template":
            page = templates / ("artifact.html" if n % 2 else "partials/ranking.html")
            page.write_text(page.read_text() + f"\n{{# edit {step} #}}<!-- {step} -->\n")
        else:
            site = content / "site.yaml"
            site.write_text(site.read_text().replace("title: ", f"title: Edit {step} ", 1))
        incremental = build_site(_options(content, out, templates_dir=templates))
        fresh = root / f"fresh-{step}"
        full: BuildReport = build_site(
            _options(content, fresh, templates_dir=templates, incremental=False)
        )
        assert full.carried == 0
        assert site_digest(out) == site_digest(fresh), (edits, step)
        assert incremental.planned == full.planned


def test_a_site_written_by_another_build_is_not_taken_as_current(tmp_path: Path) -> None:
    content = _catalog(tmp_path, 4)
    out = tmp_path / "out"
    first = _options(content, out, base_url="https://one.example/", cache_dir=tmp_path / "c1")
    other = _options(content, out, base_url="https://two.example/", cache_dir=tmp_path / "c2")
    build_site(first)
    build_site(other)  # its own cache: it knows nothing of the first build
    again = build_site(first)
    assert not again.up_to_date and again.rendered > 0
    assert "https://one.example/" in (out / "index.html").read_text()


def test_manifest_is_the_same_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = _catalog(tmp_path, 4)
    (tmp_path / "elsewhere").mkdir()
    build_site(_options(content, tmp_path / "a"))
    monkeypatch.chdir(tmp_path / "elsewhere")
    build_site(_options(content, tmp_path / "b"))
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")
