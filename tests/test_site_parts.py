"""URLs, sanitised Markdown and the atomic writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.markup import render_markdown
from generator.urls import output_file, relative_url
from generator.write import DuplicateOutput, SiteWriter, UnsafeOutputPath, wait_for_removals


@pytest.mark.parametrize(
    ("src", "dst", "expected"),
    [
        ("/", "/model/x/", "model/x/"),
        ("/compare/a-vs-b/", "/model/x/", "../../model/x/"),
        ("/compare/a-vs-b/", "/", "../../"),
        ("/model/x/", "/model/x/", "./"),
        ("/404.html", "/static/css/site.css", "static/css/site.css"),
        ("/model/x/", "/static/css/site.css", "../../static/css/site.css"),
    ],
)
def test_relative_urls(src: str, dst: str, expected: str) -> None:
    assert relative_url(src, dst) == expected


def test_output_file() -> None:
    assert output_file("/") == "index.html"
    assert output_file("/compare/a-vs-b/") == "compare/a-vs-b/index.html"
    assert output_file("/sitemap.xml") == "sitemap.xml"


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>hello",
        '<img src=x onerror="alert(1)">hello',
        "[hello](javascript:alert(1))",
        '<a href="#" onclick="alert(1)">hello</a>',
        "<iframe src='https://evil.example'></iframe>hello",
    ],
)
def test_markdown_is_sanitised(text: str) -> None:
    html = str(render_markdown(text))
    assert "hello" in html
    for bad in ("<script", "onerror", "javascript:", "onclick", "<iframe", "<img"):
        assert bad not in html


def test_markdown_keeps_formatting_and_marks_links() -> None:
    html = str(render_markdown("**bold** and [a link](https://example.org)"))
    assert "<strong>bold</strong>" in html
    assert 'rel="noopener noreferrer"' in html


def test_writer_refuses_escapes_and_duplicates(tmp_path: Path) -> None:
    writer = SiteWriter(tmp_path / "out")
    writer.write_text("a/index.html", "one", "first")
    with pytest.raises(DuplicateOutput, match="written twice: by first and second"):
        writer.write_text("a/index.html", "two", "second")
    for bad in ("../evil.html", "/etc/passwd", "a/../../evil", ""):
        with pytest.raises(UnsafeOutputPath):
            writer.write_text(bad, "x", "bad")
    writer.abort()
    assert not (tmp_path / "out").exists()
    assert list(tmp_path.iterdir()) == []


def test_writer_swaps_whole_site(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = SiteWriter(out)
    first.write_text("old.html", "old", "t")
    first.commit()
    second = SiteWriter(out)
    second.write_text("new.html", "new", "t")
    assert (out / "old.html").exists() and not (out / "new.html").exists()
    second.commit()
    assert sorted(p.name for p in out.iterdir()) == ["new.html"]
    wait_for_removals()  # the replaced site is deleted by a process of its own
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_stale_replaced_sites_are_swept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stale = tmp_path / ".out.old-crashed"
    (stale / "deep").mkdir(parents=True)
    (stale / "deep" / "file.html").write_text("left by a build that crashed")
    writer = SiteWriter(out)
    writer.write_text("index.html", "new", "t")
    writer.commit()
    wait_for_removals()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_beside_names_a_file_in_the_page_folder() -> None:
    from generator.urls import beside

    assert beside("/compare/a-vs-b/", "index.json") == "compare/a-vs-b/index.json"
    with pytest.raises(ValueError, match="not a folder page"):
        beside("/404.html", "x.json")
