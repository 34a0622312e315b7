"""Helpers to inspect a built site: its files, and whether every local link resolves."""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def site_digest(root: Path) -> dict[str, str]:
    """The published files: the tree without the build manifest (which names the build's own
    paths and source times, so it differs between checkouts)."""
    from generator.manifest import MANIFEST_NAME

    return {k: v for k, v in tree_digest(root).items() if k != MANIFEST_NAME}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link" and dict(attrs).get("rel") == "canonical":
            return  # absolute, on the production host
        self.links += [v for k, v in attrs if k in ("href", "src", "action") and v]


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def broken_links(root: Path, base: str = "http://site.test/") -> list[str]:
    """Local links (relative or under ``base``) that do not resolve to a file of the site."""
    broken: list[str] = []
    for page in sorted(root.rglob("*.html")):
        rel = page.relative_to(root).as_posix()
        page_url = urljoin(base, rel)
        for link in links_of(page.read_text(encoding="utf-8")):
            target = urljoin(page_url, link)
            if not target.startswith(base):
                continue
            path = urlsplit(target).path[len(urlsplit(base).path) :]
            candidate = root / path
            if path.endswith("/") or path == "":
                candidate = candidate / "index.html"
            if not candidate.is_file():
                broken.append(f"{rel}: {link}")
    return broken
