"""content/redirects.yaml: located validation, redirect pages, _redirects, and appending."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.build import BuildOptions, build_site
from generator.cli import main
from generator.errors import ContentErrors, Problems
from generator.pages.context import PLANNERS
from generator.redirects import load_redirects, page_url, write_redirects
from tests.sitecheck import broken_links


def _options(content: Path, out: Path, **kw: object) -> BuildOptions:
    fields: dict[str, object] = {
        "content_dir": content,
        "out_dir": out,
        "cache_dir": out.parent / "cache",
        "progress": False,
    }
    fields.update(kw)
    return BuildOptions(**fields)  # type: ignore[arg-type]


def _write(content: Path, text: str) -> None:
    (content / "redirects.yaml").write_text(textwrap.dedent(text), encoding="utf-8")


def _problems(content: Path, tmp_path: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        build_site(_options(content, tmp_path / "out"))
    return [p.format().split("content/", 1)[1] for p in caught.value.problems]


def test_redirect_pages_and_the_redirects_file(tmp_path: Path, basic_content: Path) -> None:
    _write(
        basic_content,
        """\
        # moved pages
        redirects:
          - {from: /compare/alpha-qa-vs-delta/, to: /model/alpha-qa/}
          - from: /old/methodology.html
            to: /methodology/
        """,
    )
    out = tmp_path / "out"
    build_site(_options(basic_content, out))
    page = (out / "compare" / "alpha-qa-vs-delta" / "index.html").read_text()
    assert '<link rel="canonical" href="https://fixture.example/model/alpha-qa/">' in page
    assert '<meta http-equiv="refresh" content="0; url=../../model/alpha-qa/">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert (out / "old" / "methodology.html").read_text().count('url=../methodology/"') == 1
    assert (out / "_redirects").read_text() == (
        "# Permanent redirects from content/redirects.yaml, written by the build.\n"
        "/compare/alpha-qa-vs-delta/ /model/alpha-qa/ 301\n"
        "/old/methodology.html /methodology/ 301\n"
    )
    sitemap = (out / "sitemaps" / "sitemap-1.xml").read_text()
    assert "alpha-qa-vs-delta" not in sitemap and "old/" not in sitemap
    assert broken_links(out, "https://fixture.example/") == []


def test_under_a_sub_path_the_redirects_file_has_the_base_path(
    tmp_path: Path, basic_content: Path
) -> None:
    _write(basic_content, "redirects:\n  - {from: /model/old/, to: /model/alpha-qa/}\n")
    out = tmp_path / "out"
    build_site(_options(basic_content, out, base_url="https://host.test/preview/7/"))
    assert (out / "_redirects").read_text().splitlines()[1] == (
        "/preview/7/model/old/ /preview/7/model/alpha-qa/ 301"
    )
    assert broken_links(out, "https://host.test/preview/7/") == []


def test_no_entries_no_redirects_file(tmp_path: Path, basic_content: Path) -> None:
    _write(basic_content, "# nothing yet\nredirects:\n")
    build_site(_options(basic_content, tmp_path / "out"))
    assert not (tmp_path / "out" / "_redirects").exists()


def test_every_problem_is_located(tmp_path: Path, basic_content: Path) -> None:
    _write(
        basic_content,
        """\
        redirect: typo
        redirects:
          - {from: /a/, to: /model/alpha-qa/, code: 302}
          - {from: /b/, too: /model/alpha-qa/}
          - {from: model/x/, to: /model/alpha-qa/}
          - {from: /x/../y/, to: /model/alpha-qa/}
          - {from: /c/, to: /model/missing/}
          - {from: /d/, to: /e/}
          - {from: /e/, to: /methodology/}
          - {from: /f/, to: /g/}
          - {from: /g/, to: /f/}
          - {from: /model/alpha-qa/, to: /methodology/}
          - {from: /h/, to: /compare/beta-qa-vs-alpha-qa/}
          - {from: /a/, to: /methodology/}
          - {from: /, to: /methodology/}
          - {from: /i/, to: /i/}
          - {from: /j/, to: /404.html}
          - {from: /k/, to: /scores.json}
          - just text
        """,
    )
    help_text = (
        "is not a site path: start with '/' and end with '/' (a page folder) or '.html'; "
        "between slashes use letters, digits, '-', '_', '~' and '.' (no '.' or '..' folders)"
    )
    assert _problems(basic_content, tmp_path) == [
        "redirects.yaml:1:1: redirect: unknown field (did you mean 'redirects'?)",
        "redirects.yaml:3:39: redirects[0].code: unknown field",
        "redirects.yaml:4:5: redirects[1].to: field required",
        "redirects.yaml:4:17: redirects[1].too: unknown field (did you mean 'to'?)",
        f"redirects.yaml:5:12: redirects[2].from: 'model/x/' {help_text}",
        f"redirects.yaml:6:12: redirects[3].from: '/x/../y/' {help_text}",
        "redirects.yaml:7:21: redirects[4].to: /model/missing/ is not a page of the site",
        "redirects.yaml:8:21: redirects[5].to: redirect chain: /d/ → /e/ → /methodology/; "
        "point /d/ straight at /methodology/",
        "redirects.yaml:10:21: redirects[7].to: redirect loop: /f/ → /g/ → /f/",
        "redirects.yaml:11:21: redirects[8].to: redirect loop: /g/ → /f/ → /g/",
        "redirects.yaml:12:12: redirects[9].from: /model/alpha-qa/ is a page of the site again "
        "(artifact); remove this redirect",
        "redirects.yaml:13:21: redirects[10].to: /compare/beta-qa-vs-alpha-qa/ is itself a "
        "redirect; point at the page it leads to",
        "redirects.yaml:14:12: redirects[11].from: /a/ is redirected twice (also on line 3)",
        "redirects.yaml:15:12: redirects[12].from: the home page cannot redirect",
        "redirects.yaml:16:21: redirects[13].to: /i/ redirects to itself",
        "redirects.yaml:17:21: redirects[14].to: /404.html is not a page of the site",
        f"redirects.yaml:18:21: redirects[15].to: '/scores.json' {help_text}",
        "redirects.yaml:19:5: redirects[16]: expected a mapping, got text",
    ]


def test_check_validates_redirects_without_building(
    basic_content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(basic_content, "redirects:\n  - {from: /old/, to: /model/gone/}\n")
    assert main(["check", "--content", str(basic_content)]) == 1
    err = capsys.readouterr().err
    assert "redirects.yaml:2:23: redirects[0].to: /model/gone/ is not a page of the site" in err
    _write(basic_content, "redirects:\n  - {from: /old/, to: /model/}\n")
    assert main(["check", "--content", str(basic_content)]) == 0


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("index.html", "/"),
        ("model/index.html", "/model/"),
        ("compare/a-vs-b/index.html", "/compare/a-vs-b/"),
        ("old/page.html", "/old/page.html"),
    ],
)
def test_page_url(path: str, url: str) -> None:
    assert page_url(path) == url


def test_redirects_plan_after_every_page_with_a_url() -> None:
    names = [p.__module__ + "." + p.__name__ for p in PLANNERS]
    assert names[-1] == "generator.pages.redirects._plan_redirects"
    assert names.index("generator.pages.site_files._plan_sitemaps") < len(names) - 1


# -- appending (diff --write-redirects) ---------------------------------------------------------


def _entries(content: Path) -> list[tuple[str, str]]:
    problems = Problems()
    loaded = load_redirects(content, problems)
    assert not problems, [p.format() for p in problems]
    return [(e.source, e.target) for e in loaded.entries]


def test_write_creates_the_file(tmp_path: Path) -> None:
    write_redirects(tmp_path, {"/b/": "/x/", "/a/": "/y/"}, {})
    text = (tmp_path / "redirects.yaml").read_text()
    assert text.startswith("# Old URLs of the site")
    assert text.endswith("redirects:\n  - {from: /a/, to: /y/}\n  - {from: /b/, to: /x/}\n")
    assert _entries(tmp_path) == [("/a/", "/y/"), ("/b/", "/x/")]


def test_write_appends_keeping_comments_and_indentation(tmp_path: Path) -> None:
    original = "# ours\nredirects:\n# first\n- from: /a/\n  to: '/old/'   # moved in May\n"
    (tmp_path / "redirects.yaml").write_text(original)
    write_redirects(tmp_path, {"/old/": "/new/", "/a/": "/ignored/"}, {"/a/": "/new/"})
    text = (tmp_path / "redirects.yaml").read_text()
    assert text == (
        "# ours\nredirects:\n# first\n- from: /a/\n  to: /new/   # moved in May\n"
        "- {from: /old/, to: /new/}\n"
    )
    assert _entries(tmp_path) == [("/a/", "/new/"), ("/old/", "/new/")]


def test_write_rewrites_a_flow_list(tmp_path: Path) -> None:
    (tmp_path / "redirects.yaml").write_text("# top\nredirects: [{from: /a/, to: /b/}]\n")
    write_redirects(tmp_path, {"/c/": "/d/"}, {"/a/": "/e/"})
    assert (tmp_path / "redirects.yaml").read_text() == (
        "# top\nredirects:\n  - {from: /a/, to: /e/}\n  - {from: /c/, to: /d/}\n"
    )


def test_write_refuses_a_broken_file(tmp_path: Path) -> None:
    (tmp_path / "redirects.yaml").write_text("redirects: {from: /a/}\n")
    with pytest.raises(ContentErrors):
        write_redirects(tmp_path, {"/c/": "/d/"}, {})
    assert (tmp_path / "redirects.yaml").read_text() == "redirects: {from: /a/}\n"
