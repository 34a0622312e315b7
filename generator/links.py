"""Internal links: every ``href``, ``src`` and ``action`` of a page that points into our own site
must name a planned output.

A link is ours when it is relative (``../x/``, ``x.css``), or absolute under the site's base URL
(``https://host/base/x/``, ``/base/x/``); everything else (other hosts, ``mailto:``, fragments on
the same page) is left alone. Links are read from the rendered bytes with ``bytes.find`` rather
than an HTML parser: our templates and the Markdown sanitiser always write double-quoted
attributes, and a scan of the whole 2,000-artifact benchmark site (56 MB of HTML) this way takes
a few hundred milliseconds where ``html.parser`` takes tens of seconds.

Pages carried over unchanged by an incremental build are not read again: their resolved link
targets are kept in a small cache keyed by output path and the sha256 of the page's bytes (the
same bytes always link to the same targets), so each build checks every page's links against
the new plan, including pages whose target vanished while they themselves did not change.
"""

from __future__ import annotations

import html
import logging
import pickle
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.cache import atomic_write
from generator.errors import Problem

log = logging.getLogger(__name__)

LINKS_VERSION = "page-links/1"
ATTRIBUTES = (b'href="', b'src="', b'action="')
_SPACE = b" \t\r\n"
_SKIP_SCHEMES = ("mailto:", "tel:", "data:", "javascript:", "blob:", "about:")


@dataclass(frozen=True)
class Link:
    raw: str  # the attribute value as written (entities decoded)
    offset: int  # byte offset of the value in the page
    attribute: str  # href, src or action


def extract(data: bytes) -> Iterator[Link]:
    """Every ``href``/``src``/``action`` value of an HTML page, in no particular order."""
    for attr in ATTRIBUTES:
        start = data.find(attr)
        while start >= 0:
            begin = start + len(attr)
            end = data.find(b'"', begin)
            if end < 0:
                break
            # ``data-href="..."`` and ``xhref="..."`` are not links: the name must stand alone.
            if start > 0 and data[start - 1] in _SPACE:
                raw = data[begin:end].decode("utf-8", "replace")
                if "&" in raw:
                    raw = html.unescape(raw)
                yield Link(raw, begin, attr[:-2].decode())
            start = data.find(attr, end + 1)


@dataclass(frozen=True)
class SiteBase:
    """Where the site is served: decides which links are ours and what they resolve to."""

    scheme: str
    host: str
    path: str  # the base path, starting and ending with "/"

    @classmethod
    def of(cls, base_url: str) -> SiteBase:
        parts = urlsplit(base_url)
        path = parts.path or "/"
        return cls(parts.scheme.lower(), parts.netloc.lower(), path.rstrip("/") + "/")


def page_folder(output_path: str) -> str:
    """The site path of the folder an output sits in: ``model/x/index.html`` -> ``/model/x/``."""
    folder = posixpath.dirname(output_path)
    return "/" + folder + "/" if folder else "/"


def resolve(raw: str, folder: str, base: SiteBase) -> str | None:
    """The output path a link on a page in ``folder`` names, or None when it is not ours.

    ``folder`` is the page's folder as a site path (``/model/x/``). The result is relative to
    the output folder, with ``index.html`` added to folder links (``""`` is the home page).
    """
    if not raw or raw.startswith("#"):
        return None
    cut = len(raw)
    for mark in ("#", "?"):
        at = raw.find(mark)
        if 0 <= at < cut:
            cut = at
    target = raw[:cut]
    if target.startswith("//"):
        target = f"{base.scheme}:{target}"
    colon = target.find(":")
    if colon > 0 and "/" not in target[:colon]:  # has a scheme
        lowered = target.lower()
        if lowered.startswith(_SKIP_SCHEMES) or not lowered.startswith(("http:", "https:")):
            return None
        parts = urlsplit(target)
        if parts.netloc.lower() != base.host:
            return None
        target = parts.path or "/"
        if not (target + "/").startswith(base.path):
            return None
        site_path = "/" + target[len(base.path) :]
    elif target.startswith("/"):
        if not (target + "/").startswith(base.path):
            return None  # on our host but outside the site's base path: not ours
        site_path = "/" + target[len(base.path) :]
    elif target == "":
        return None  # "?query" alone: the same page
    else:
        site_path = folder + target
    if "%" in site_path:
        site_path = unquote(site_path)
    folder_link = site_path.endswith(("/", "/.", "/.."))
    rel = posixpath.normpath(site_path).lstrip("/")
    if not rel:
        return "index.html"
    return f"{rel}/index.html" if folder_link else rel


class Resolver:
    """:func:`resolve` with a memo: most links of a site repeat (navigation, stylesheets, the
    comparison links every partner page shows), and a link that climbs to the site root
    (``../../static/site.css`` from any page two folders deep) resolves the same everywhere."""

    def __init__(self, base: SiteBase) -> None:
        self.base = base
        self._memo: dict[tuple[str, str], str | None] = {}

    def targets(self, data: bytes, output_path: str) -> frozenset[str]:
        """The outputs a page links to (only our own site)."""
        folder = page_folder(output_path)
        climb = "../" * (folder.count("/") - 1)
        memo = self._memo
        found: set[str] = set()
        for attr in ATTRIBUTES:
            start = data.find(attr)
            while start >= 0:
                begin = start + len(attr)
                end = data.find(b'"', begin)
                if end < 0:
                    break
                if start > 0 and data[start - 1] in _SPACE:
                    raw = data[begin:end].decode("utf-8", "replace")
                    if "&" in raw:
                        raw = html.unescape(raw)
                    key = (_scope(raw, folder, climb), raw)
                    if key in memo:
                        target = memo[key]
                    else:
                        target = memo[key] = resolve(raw, folder, self.base)
                    if target is not None:
                        found.add(target)
                start = data.find(attr, end + 1)
        return frozenset(found)


def _scope(raw: str, folder: str, climb: str) -> str:
    """What besides ``raw`` a link's target depends on: nothing for an absolute link, the depth
    for one that climbs to the root, else the page's folder."""
    colon = raw.find(":")
    if raw.startswith("/") or (colon > 0 and "/" not in raw[:colon]):
        return ""
    if climb and raw.startswith(climb):
        return climb
    return folder


def targets_of(data: bytes, output_path: str, base: SiteBase) -> frozenset[str]:
    """The outputs a page links to (only our own site)."""
    return Resolver(base).targets(data, output_path)


def exists(target: str, planned: set[str] | frozenset[str]) -> bool:
    """A link to ``x`` also resolves when ``x/index.html`` is planned (hosts add the slash)."""
    return target in planned or f"{target}/index.html" in planned


def is_page(path: str) -> bool:
    return path.endswith(".html")


class LinkCache:
    """Resolved link targets of each page, by output path and the sha256 of its bytes."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._old: dict[str, tuple[str, frozenset[str]]] = {}
        self._new: dict[str, tuple[str, frozenset[str]]] = {}
        if path is None:
            return
        try:
            with path.open("rb") as handle:
                version, entries = pickle.load(handle)
            if version == LINKS_VERSION and isinstance(entries, dict):
                self._old = entries
        except FileNotFoundError:
            pass
        except Exception as exc:  # a damaged cache is rebuilt, never trusted
            log.debug("ignoring unreadable link cache %s: %s", path, exc)

    def get(self, rel: str, sha256: str) -> frozenset[str] | None:
        found = self._old.get(rel)
        if found is not None and found[0] == sha256:
            self._new[rel] = found
            return found[1]
        return None

    def put(self, rel: str, sha256: str, targets: frozenset[str]) -> None:
        self._new[rel] = (sha256, targets)

    def save(self) -> None:
        """Keep only this build's pages; an unchanged cache is not rewritten."""
        if self.path is None or self._new == self._old:
            return
        # One string object per distinct target keeps the pickle small (pickle memoises by id).
        interned: dict[str, str] = {}
        entries = {
            rel: (sha, frozenset(interned.setdefault(t, t) for t in targets))
            for rel, (sha, targets) in sorted(self._new.items())
        }
        data = pickle.dumps((LINKS_VERSION, entries), protocol=pickle.HIGHEST_PROTOCOL)
        atomic_write(self.path, data)


def check_pages(
    pages: Iterable[tuple[str, str]],
    root: Path,
    planned: set[str] | frozenset[str],
    base_url: str,
    cache: LinkCache,
    display_root: str,
) -> list[Problem]:
    """Check the links of ``pages`` (output path, sha256), whose bytes are under ``root``.

    A page whose targets are cached for its bytes is not read. A broken link is reported as
    ``<display_root>/<page>:line:col: href: …`` with its position in the rendered page.
    """
    base = SiteBase.of(base_url)
    resolver = Resolver(base)
    problems: list[Problem] = []
    for rel, sha in pages:
        targets = cache.get(rel, sha)
        data: bytes | None = None
        if targets is None:
            data = (root / rel).read_bytes()
            targets = resolver.targets(data, rel)
            cache.put(rel, sha, targets)
        if planned.issuperset(targets) or all(exists(t, planned) for t in targets):
            continue
        problems += _locate(rel, data or (root / rel).read_bytes(), planned, base, display_root)
    return problems


def _locate(
    rel: str, data: bytes, planned: set[str] | frozenset[str], base: SiteBase, display_root: str
) -> list[Problem]:
    folder = page_folder(rel)
    found: list[Problem] = []
    for link in extract(data):
        target = resolve(link.raw, folder, base)
        if target is None or exists(target, planned):
            continue
        line = data.count(b"\n", 0, link.offset) + 1
        col = link.offset - (data.rfind(b"\n", 0, link.offset) + 1) + 1
        site_path = "/" + (
            target[: -len("index.html")] if target.endswith("index.html") else target
        )
        found.append(
            Problem(
                posixpath.join(display_root, rel),
                line,
                col,
                link.attribute,
                f"link {link.raw!r} leads to {site_path}, which is not a page or file of the site",
            )
        )
    return found


def check_site(
    pages: Iterable[tuple[str, str]],
    root: Path,
    planned: Iterable[str],
    base_url: str,
    cache_dir: Path | None,
    display_root: str,
) -> list[Problem]:
    """Check every page of a build (output path, sha256) staged under ``root``; the link cache
    lives in ``cache_dir`` (``None``: no cache, every page is read)."""
    cache = LinkCache(cache_dir / "page-links.pickle" if cache_dir is not None else None)
    problems = check_pages(
        ((rel, sha) for rel, sha in pages if is_page(rel)),
        root,
        frozenset(planned),
        base_url,
        cache,
        display_root,
    )
    cache.save()
    return sorted(problems)
