"""End-to-end builds of the fixture site."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from generator.build import BuildOptions, build_site
from generator.errors import ContentErrors, StrictFailure
from tests.conftest import minimal
from tests.sitecheck import broken_links, tree_digest


def options(content: Path, out: Path, **kw: object) -> BuildOptions:
    return BuildOptions(content_dir=content, out_dir=out, cache_dir=out.parent / "cache", **kw)  # type: ignore[arg-type]


@pytest.fixture
def built(basic_content: Path, tmp_path: Path) -> Path:
    out = tmp_path / "public"
    build_site(options(basic_content, out))
    return out


def test_every_page_is_written(built: Path) -> None:
    files = set(tree_digest(built))
    for expected in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "methodology/index.html",
        "compare/index.html",
        "model/index.html",
        "dataset/index.html",
        "model/alpha-qa/index.html",
        "model/beta-qa/index.html",
        "dataset/gamma-corpus/index.html",
        "compare/alpha-qa-vs-gamma-corpus/index.html",
        "compare/alpha-qa-vs-gamma-corpus/index.json",
        "compare/gamma-corpus-vs-alpha-qa/index.html",
        "compare/alpha-qa-vs-beta-qa/index.html",
        "static/css/site.css",
    ]:
        assert expected in files


def test_comparison_page_has_every_seed_section(built: Path) -> None:
    html = (built / "compare/alpha-qa-vs-gamma-corpus/index.html").read_text()
    assert "<h1><bdi>Alpha QA</bdi> vs <bdi>Gamma Corpus</bdi></h1>" in html
    data = json.loads((built / "compare/alpha-qa-vs-gamma-corpus/index.json").read_text())
    assert data["summary"] in html
    assert data["summary"].startswith("Gamma Corpus ranks higher at ")
    assert "quality is measured differently for models and datasets" in data["summary"]
    features = [row["feature"] for row in data["feature_table"]]
    assert features == [
        "Type",
        "UnfragileRank",
        "Adoption",
        "Quality",
        "Ecosystem",
        "Match Graph",
        "Pricing",
        "Capabilities",
        "Times Matched",
    ]
    for feature in features:
        assert f'<th scope="row">{feature}</th>' in html
    assert "3 decomposed" in html and "2 decomposed" in html
    assert "<bdi>Alpha QA</bdi> Capabilities" in html
    assert "<bdi>Gamma Corpus</bdi> Capabilities" in html
    assert "<summary>+1 more capability</summary>" in html  # 3 capabilities, 2 shown
    assert "<strong>Unique:</strong>" in html and "<strong>vs alternatives:</strong>" in html
    assert '<h2 id="verdict-h">Verdict</h2>' in html and data["verdict"] in html
    assert "Need something different?" in html and "Search the match graph →" in html
    assert '<script type="application/ld+json">' in html


def test_reversed_url_redirects(built: Path) -> None:
    html = (built / "compare/gamma-corpus-vs-alpha-qa/index.html").read_text()
    assert 'content="0; url=../alpha-qa-vs-gamma-corpus/"' in html
    assert 'href="https://fixture.example/compare/alpha-qa-vs-gamma-corpus/"' in html


def test_all_local_links_resolve_under_any_base_path(basic_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "preview"
    build_site(options(basic_content, out, base_url="https://host.example/preview/123/"))
    assert broken_links(out, "http://127.0.0.1:8000/preview/123/") == []
    not_found = (out / "404.html").read_text()
    assert 'href="/preview/123/static/css/site.css"' in not_found
    index = (out / "sitemap.xml").read_text()
    assert "<loc>https://host.example/preview/123/sitemaps/sitemap-1.xml</loc>" in index
    part = (out / "sitemaps" / "sitemap-1.xml").read_text()
    assert "<loc>https://host.example/preview/123/model/alpha-qa/</loc>" in part
    assert (
        '<link rel="canonical" href="https://host.example/preview/123/">'
        in (out / "index.html").read_text()
    )


def test_builds_are_byte_identical(basic_content: Path, tmp_path: Path) -> None:
    build_site(options(basic_content, tmp_path / "one"))
    build_site(options(basic_content, tmp_path / "two"))
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_failed_build_leaves_previous_site(basic_content: Path, built: Path) -> None:
    before = tree_digest(built)
    (basic_content / "artifacts" / "broken.yaml").write_text("name: [oops\n")
    with pytest.raises(ContentErrors):
        build_site(options(basic_content, built))
    assert tree_digest(built) == before
    assert sorted(p.name for p in built.parent.iterdir() if p.name.startswith(".")) == []


def test_template_error_leaves_previous_site(
    basic_content: Path, built: Path, tmp_path: Path
) -> None:
    before = tree_digest(built)
    templates = tmp_path / "templates"
    shutil.copytree(Path(__file__).parent.parent / "templates", templates)
    page = templates / "compare.html"
    page.write_text(page.read_text().replace("view.verdict", "view.verdcit"))
    with pytest.raises(Exception, match="verdcit"):
        build_site(options(basic_content, built, templates_dir=templates))
    assert tree_digest(built) == before


def test_new_record_gets_pages_without_code_change(basic_content: Path, tmp_path: Path) -> None:
    (basic_content / "artifacts" / "delta-qa.yaml").write_text(
        minimal("Delta QA").replace(
            "title: Question answering",
            "title: Extractive question answering over passages with answer spans",
        )
    )
    out = tmp_path / "out"
    build_site(options(basic_content, out))
    assert (out / "model/delta-qa/index.html").is_file()
    assert any("delta-qa" in p.name for p in (out / "compare").iterdir())


def test_script_injection_never_reaches_pages(basic_content: Path, tmp_path: Path) -> None:
    (basic_content / "artifacts" / "evil.yaml").write_text(
        minimal("Evil </script><script>alert(1)</script>").replace(
            "description: Answers questions.",
            "description: 'Answers <script>alert(2)</script> <img src=x onerror=alert(3)>'",
        )
    )
    out = tmp_path / "out"
    build_site(options(basic_content, out))
    for page in out.rglob("*.html"):
        text = page.read_text()
        assert "<script>alert" not in text and "onerror=" not in text, page


def test_strict_turns_warnings_into_failure(
    basic_content: Path, built: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (basic_content / "artifacts" / "empty.yaml").write_text(
        "name: Empty\nkind: model\nsummary: Nothing yet.\ncapabilities: []\n"
    )
    before = tree_digest(built)
    with caplog.at_level(logging.WARNING), pytest.raises(StrictFailure):
        build_site(options(basic_content, built, strict=True))
    assert tree_digest(built) == before
    assert "capabilities: the list is empty" in caplog.text
    build_site(options(basic_content, built))  # without --strict it is a warning only
    assert (built / "model/empty/index.html").is_file()
