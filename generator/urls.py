"""Site URLs. Pages are folders (``/compare/a-vs-b/`` -> ``compare/a-vs-b/index.html``) and
every link on a page is relative, so the site works under any base path and from a plain file
server. Canonical and OpenGraph URLs are absolute, from the base URL."""

from __future__ import annotations

import posixpath
from urllib.parse import urljoin


def artifact_url(kind: str, slug: str) -> str:
    return f"/{kind}/{slug}/"


def compare_url(pair_slug: str) -> str:
    return f"/compare/{pair_slug}/"


def relative_url(from_page: str, to: str) -> str:
    """Link from the page at site path ``from_page`` to site path ``to``.

    Both are site-absolute (``/a/b/``); a folder target keeps its trailing slash.
    """
    if not from_page.startswith("/") or not to.startswith("/"):
        raise ValueError(f"site paths must start with '/': {from_page!r}, {to!r}")
    if "/." in from_page or "/." in to or "//" in from_page or "//" in to:
        return _relative_slow(from_page, to)  # dot segments and empty ones: let posixpath decide
    # Every page links dozens of times, so this is a hot path: count the folders the two
    # paths share instead of calling posixpath.relpath (same result, tested).
    here = from_page.split("/")[1:-1]  # the folders of the page
    there = to.split("/")[1:]  # folders, then the file name ('' for a folder)
    shared = 0
    for a, b in zip(here, there[:-1], strict=False):
        if a != b:
            break
        shared += 1
    parts = [".."] * (len(here) - shared) + there[shared:]
    rel = "/".join(parts)
    if rel in ("", "/"):
        return "./"
    return rel


def _relative_slow(from_page: str, to: str) -> str:
    base = from_page if from_page.endswith("/") else posixpath.dirname(from_page) + "/"
    rel = posixpath.relpath(to, base)
    if to.endswith("/") and rel != "." and not rel.endswith("/"):
        rel += "/"
    return "./" if rel == "." else rel


def absolute_url(base_url: str, path: str) -> str:
    return urljoin(base_url, path.lstrip("/"))


def beside(page: str, name: str) -> str:
    """Output path of the file ``name`` in the folder of the page at site path ``page``."""
    if not page.endswith("/"):
        raise ValueError(f"{page!r} is not a folder page")
    return page.lstrip("/") + name


def output_file(path: str) -> str:
    """The file a site path is written to, relative to the output folder."""
    rel = path.lstrip("/")
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel
