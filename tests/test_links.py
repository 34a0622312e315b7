"""Internal links: every build checks that each link to our own site names a planned output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import BuildOptions, build_site
from generator.errors import ContentErrors
from generator.links import LinkCache, SiteBase, extract, resolve, targets_of
from tests.conftest import BASIC
from tests.sitecheck import broken_links, site_digest

BASE = SiteBase.of("https://host.test/")
SUB = SiteBase.of("https://host.test/preview/7/")


@pytest.mark.parametrize(
    ("raw", "folder", "base", "expected"),
    [
        ("../../compare/a-vs-b/", "/model/a/", BASE, "compare/a-vs-b/index.html"),
        ("./", "/", BASE, "index.html"),
        ("../", "/model/", BASE, "index.html"),
        ("static/css/site.css", "/", BASE, "static/css/site.css"),
        ("qa-widget/model.onnx?v=2#x", "/model/a/", BASE, "model/a/qa-widget/model.onnx"),
        ("../b/", "/model/a/", BASE, "model/b/index.html"),
        ("..", "/model/a/", BASE, "model/index.html"),
        ("a%20b.html", "/", BASE, "a b.html"),
        ("/methodology/", "/", BASE, "methodology/index.html"),
        ("https://host.test/model/", "/x/", BASE, "model/index.html"),
        ("https://HOST.test", "/x/", BASE, "index.html"),
        ("//host.test/static/a.css", "/x/", BASE, "static/a.css"),
        ("/preview/7/static/a.css", "/", SUB, "static/a.css"),
        ("https://host.test/preview/7/", "/a/", SUB, "index.html"),
        ("https://host.test/preview/7", "/a/", SUB, "index.html"),
        # not ours: other hosts, other paths on our host, other schemes, the same page
        ("/other/", "/", SUB, None),
        ("https://host.test/preview/8/", "/", SUB, None),
        ("https://other.test/model/", "/", BASE, None),
        ("mailto:editors@host.test", "/", BASE, None),
        ("javascript:void(0)", "/", BASE, None),
        ("#main", "/model/a/", BASE, None),
        ("?page=2", "/model/a/", BASE, None),
        ("", "/", BASE, None),
    ],
)
def test_resolve(raw: str, folder: str, base: SiteBase, expected: str | None) -> None:
    assert resolve(raw, folder, base) == expected


def test_extract_reads_href_src_action_not_data_attributes() -> None:
    page = (
        b'<a href="x/">x</a><img src="i.png"><form action="compare/">'
        b'<div data-href="nope/" xsrc="no.png"></div><a\nhref="a?b=1&amp;c=2">'
    )
    found = [(link.attribute, link.raw) for link in extract(page)]
    assert sorted(found) == [
        ("action", "compare/"),
        ("href", "a?b=1&c=2"),
        ("href", "x/"),
        ("src", "i.png"),
    ]
    assert targets_of(page, "index.html", BASE) == {
        "x/index.html",
        "i.png",
        "compare/index.html",
        "a",
    }


def _options(content: Path, out: Path, **kw: object) -> BuildOptions:
    fields: dict[str, object] = {
        "content_dir": content,
        "out_dir": out,
        "cache_dir": out.parent / "cache",
        "progress": False,
    }
    fields.update(kw)
    return BuildOptions(**fields)  # type: ignore[arg-type]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def test_a_broken_link_in_a_record_fails_the_build_naming_page_and_link(
    tmp_path: Path, basic_content: Path
) -> None:
    out = tmp_path / "out"
    build_site(_options(basic_content, out))
    before = site_digest(out)
    _edit(
        basic_content / "artifacts" / "alpha-qa.yaml",
        "unique: Int8 weights.",
        "unique: 'Int8 weights ([notes](/model/alpha-qa/notes/), [ok](/model/beta-qa/)).'",
    )
    with pytest.raises(ContentErrors) as caught:
        build_site(_options(basic_content, out))
    # Capability text shows on the artifact's page and on both of its comparison pages.
    where = "out/model/alpha-qa/index.html:"
    assert [p.format().split("out/", 1)[1].split(":", 1)[0] for p in caught.value.problems] == [
        "compare/alpha-qa-vs-beta-qa/index.html",
        "compare/alpha-qa-vs-gamma-corpus/index.html",
        "model/alpha-qa/index.html",
    ]
    problem = caught.value.problems[-1]
    assert where in problem.format()
    assert problem.format().endswith(
        "href: link '/model/alpha-qa/notes/' leads to /model/alpha-qa/notes/, "
        "which is not a page or file of the site"
    )
    # The location is the link's line and column in the rendered page.
    build_site(_options(basic_content, tmp_path / "allowed"), allow_broken_links=True)
    rendered = (tmp_path / "allowed" / "model" / "alpha-qa" / "index.html").read_text()
    line = rendered.splitlines()[problem.line - 1]
    assert line[problem.col - 1 :].startswith("/model/alpha-qa/notes/")
    assert site_digest(out) == before, "a failed build must leave the previous site as it was"


def test_a_carried_page_whose_target_vanished_is_caught(
    tmp_path: Path, basic_content: Path
) -> None:
    """Gamma's page does not change when Beta goes (they are not paired), so it is carried over
    without rendering; its cached links still name Beta's page, which is gone."""
    _edit(
        basic_content / "artifacts" / "gamma-corpus.yaml",
        "unique: Each subset documented.",
        "unique: 'Each subset documented (used by [Beta](../../model/beta-qa/)).'",
    )
    out = tmp_path / "out"
    first = build_site(_options(basic_content, out))
    assert first.rendered == first.planned
    assert (tmp_path / "cache" / "page-links.pickle").is_file()
    (basic_content / "artifacts" / "beta-qa.yaml").unlink()
    # Keep the page from being read again: a carried page's links come from the cache.
    reads: list[Path] = []
    original = Path.read_bytes

    def spy(self: Path) -> bytes:
        if self.name == "index.html" and "gamma-corpus" in self.parts:
            reads.append(self)
        return original(self)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Path, "read_bytes", spy)
        with pytest.raises(ContentErrors) as caught:
            build_site(_options(basic_content, out))
    messages = [p.format() for p in caught.value.problems]
    assert any(
        "dataset/gamma-corpus/index.html:" in m and "'../../model/beta-qa/'" in m for m in messages
    ), messages
    # Read once, to locate the broken link for the message; never to find the links.
    assert len(reads) == 1


def test_the_link_cache_is_keyed_by_bytes(tmp_path: Path) -> None:
    cache = LinkCache(tmp_path / "links.pickle")
    cache.put("a.html", "sha-1", frozenset({"b.html"}))
    cache.save()
    again = LinkCache(tmp_path / "links.pickle")
    assert again.get("a.html", "sha-1") == frozenset({"b.html"})
    assert again.get("a.html", "sha-2") is None
    (tmp_path / "links.pickle").write_bytes(b"not a pickle")
    assert LinkCache(tmp_path / "links.pickle").get("a.html", "sha-1") is None


def test_sites_built_under_a_sub_path_check_clean(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(BASIC, content)
    out = tmp_path / "out"
    report = build_site(_options(content, out, base_url="https://host.test/preview/7/"))
    assert report.broken_links == []
    assert broken_links(out, "https://host.test/preview/7/") == []
