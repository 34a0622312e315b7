"""Relative links: the fast path of ``relative_url`` agrees with ``posixpath.relpath``."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.urls import _relative_slow, relative_url

FOLDERS = st.sampled_from(["a", "b", "compare", "x-vs-y", "page"])
NAMES = st.sampled_from(["", "index.html", "f.json", "sitemap-1.xml"])
PATHS = st.builds(
    lambda folders, name: "/" + "".join(f + "/" for f in folders) + name,
    st.lists(FOLDERS, max_size=4),
    NAMES,
)


@settings(max_examples=2000, deadline=None)
@given(PATHS, PATHS)
def test_fast_relative_url_equals_relpath(page: str, target: str) -> None:
    assert relative_url(page, target) == _relative_slow(page, target)


def test_relative_url_examples() -> None:
    assert relative_url("/compare/a-vs-b/", "/model/a/") == "../../model/a/"
    assert relative_url("/", "/") == "./"
    assert relative_url("/model/a/", "/model/a/") == "./"
    assert relative_url("/model/page/2/", "/model/") == "../../"
    assert relative_url("/404.html", "/static/css/site.css") == "static/css/site.css"
