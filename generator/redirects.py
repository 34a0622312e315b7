"""Published URLs never silently vanish: ``content/redirects.yaml`` maps old URLs to pages.

    # Old URLs of the site and the page each now leads to.
    redirects:
      - {from: /compare/a-vs-b/, to: /model/a/}
      - from: /model/old-name/
        to: /model/new-name/

Each ``from`` is a site path that is no longer a page (a folder ending in ``/`` or a file ending
in ``.html``); each ``to`` is a page the build plans. The build writes a small page at every
``from`` (meta refresh and a canonical link to the target, like the reversed-pair redirects) and
a ``_redirects`` file for hosts that read one (Netlify, Cloudflare Pages). Chains and loops are
errors: a visitor should reach the page in one hop, so each entry names the final page.

``build.py diff --write-redirects`` appends an entry for every URL an edit removes and points
entries whose target the edit removed at the new target (see :func:`write_redirects`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.errors import Problems
from generator.fields import Reader
from generator.yamlsource import YamlDocument, display_path, join, load_yaml

log = logging.getLogger(__name__)

REDIRECTS_FILE = "redirects.yaml"
# Page kinds that are redirects themselves: a target among them would make a chain.
REDIRECT_KINDS = frozenset({"redirect", "moved"})
NOT_PAGES = frozenset({"not-found"})  # HTML outputs that are not pages of their own URL
_SEGMENT = r"(?:[A-Za-z0-9_~-]|%[0-9A-Fa-f]{2}|\.(?=[^/]*[A-Za-z0-9_~%-]))+"
SITE_PATH_RE = re.compile(rf"^/(?:{_SEGMENT}/)*(?:{_SEGMENT}\.html)?$")
PATH_HELP = (
    "start with '/' and end with '/' (a page folder) or '.html'; between slashes use letters, "
    "digits, '-', '_', '~' and '.' (no '.' or '..' folders)"
)


@dataclass(frozen=True)
class Redirect:
    source: str  # the old site path, e.g. /compare/a-vs-b/
    target: str  # the page it leads to, e.g. /model/a/
    field: str  # where it is in the file: redirects[3]


@dataclass
class RedirectFile:
    path: Path
    display: str
    entries: list[Redirect]
    doc: YamlDocument | None  # None when the file is missing or unreadable

    @property
    def sources(self) -> dict[str, str]:
        return {r.source: r.target for r in self.entries}


def page_url(output_path: str) -> str:
    """The site path an HTML output is served at: ``model/a/index.html`` -> ``/model/a/``."""
    if output_path == "index.html":
        return "/"
    if output_path.endswith("/index.html"):
        return "/" + output_path[: -len("index.html")]
    return "/" + output_path


def output_path(site_path: str) -> str:
    """The file a page's site path is written to: ``/model/a/`` -> ``model/a/index.html``."""
    rel = site_path.lstrip("/")
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def is_site_path(text: str) -> bool:
    return bool(SITE_PATH_RE.match(text))


def load_redirects(content_dir: Path, problems: Problems) -> RedirectFile:
    """Read and check the shape of ``redirects.yaml`` (a missing file means no redirects)."""
    path = content_dir / REDIRECTS_FILE
    found = RedirectFile(path, display_path(path), [], None)
    if not path.is_file():
        return found
    doc = load_yaml(path, problems)
    if doc is None:
        return found
    found.doc = doc
    r = Reader(doc, problems)
    if doc.data is None:
        return found
    top = r.mapping("", doc.data)
    if top is None:
        return found
    r.keys("", top, required=(), optional=("redirects",))
    raw = top.get("redirects")
    if raw is None:
        return found
    items = r.sequence("redirects", raw)
    if items is None:
        return found
    first_at: dict[str, str] = {}
    for i, item in enumerate(items):
        where = join("redirects", i)
        entry = r.mapping(where, item)
        if entry is None:
            continue
        r.keys(where, entry, required=("from", "to"), optional=())
        source = _site_path(r, where, entry, "from")
        target = _site_path(r, where, entry, "to")
        if source is None or target is None:
            continue
        if source == "/":
            r.problem(join(where, "from"), "the home page cannot redirect")
            continue
        if source == target:
            r.problem(join(where, "to"), f"{source} redirects to itself")
            continue
        if source in first_at:
            line = doc.where(first_at[source]).line
            r.problem(join(where, "from"), f"{source} is redirected twice (also on line {line})")
            continue
        first_at[source] = where
        found.entries.append(Redirect(source, target, where))
    return found


def _site_path(r: Reader, where: str, entry: dict[str, object], key: str) -> str | None:
    value = r.text(where, entry, key)
    if value is not None and not is_site_path(value):
        r.problem(join(where, key), f"'{value}' is not a site path: {PATH_HELP}")
        return None
    return value


def check_redirects(
    loaded: RedirectFile,
    outputs: Mapping[str, str],
    problems: Problems,
) -> list[Redirect]:
    """The entries that can be written, given every planned output (path -> page kind); every
    other entry is a located problem: a ``from`` that is still a page or file of the site, a
    ``to`` that is not a page, and chains and loops (which name the page to point at)."""
    doc = loaded.doc
    if doc is None:
        return []
    pages = {page_url(p): kind for p, kind in outputs.items() if p.endswith(".html")}
    # An entry whose ``from`` is a page again is reported as such, not as a link in a chain.
    sources = {s: t for s, t in loaded.sources.items() if output_path(s) not in outputs}
    good: list[Redirect] = []
    for entry in loaded.entries:
        at_from, at_to = join(entry.field, "from"), join(entry.field, "to")
        taken = outputs.get(output_path(entry.source))
        if taken is not None:
            doc.problem(
                problems,
                at_from,
                f"{entry.source} is a page of the site again ({taken}); remove this redirect",
            )
            continue
        if entry.target in sources:
            doc.problem(problems, at_to, _chain(entry.source, sources))
            continue
        kind = pages.get(entry.target)
        if kind is None or kind in NOT_PAGES:
            doc.problem(problems, at_to, f"{entry.target} is not a page of the site")
            continue
        if kind in REDIRECT_KINDS:
            doc.problem(
                problems,
                at_to,
                f"{entry.target} is itself a redirect; point at the page it leads to",
            )
            continue
        good.append(entry)
    return good


def _chain(start: str, sources: Mapping[str, str]) -> str:
    hops = [start]
    current = sources[start]
    while current in sources and current not in hops:
        hops.append(current)
        current = sources[current]
    hops.append(current)
    path = " → ".join(hops)
    if current in hops[:-1]:
        return f"redirect loop: {path}"
    return f"redirect chain: {path}; point {start} straight at {current}"


def redirects_file(entries: list[Redirect], base_path: str) -> bytes:
    """``_redirects`` for Netlify and Cloudflare Pages: ``/old/ /new/ 301`` per line."""
    lines = ["# Permanent redirects from content/redirects.yaml, written by the build."]
    for entry in sorted(entries, key=lambda e: e.source):
        lines.append(f"{base_path}{entry.source[1:]} {base_path}{entry.target[1:]} 301")
    return ("\n".join(lines) + "\n").encode("utf-8")


# -- writing entries (build.py diff --write-redirects) -----------------------------------------

HEADER = """\
# Old URLs of the site and the page each now leads to (see docs/contributing-content.md).
# The build writes a redirect page at every `from` and a _redirects file for hosts that read one;
# `python build.py diff --base REF --write-redirects` adds entries for the URLs an edit removes.
redirects:
"""


def write_redirects(
    content_dir: Path, added: Mapping[str, str], retarget: Mapping[str, str]
) -> Path:
    """Append ``added`` (old URL -> page) to ``redirects.yaml`` and point the entries whose
    ``from`` is in ``retarget`` at their new page, keeping the rest of the file as written."""
    path = content_dir / REDIRECTS_FILE
    problems = Problems()
    loaded = load_redirects(content_dir, problems)
    problems.raise_if_any()
    text = path.read_text("utf-8") if path.is_file() else ""
    lines = text.splitlines(keepends=True)
    doc = loaded.doc
    if doc is not None:
        for entry in loaded.entries:
            new = retarget.get(entry.source)
            if new is not None:
                pos = doc.where(join(entry.field, "to"))
                lines[pos.line - 1] = _replace_scalar(lines[pos.line - 1], pos.col - 1, new)
    text = "".join(lines)
    fresh = [(s, t) for s, t in sorted(added.items()) if s not in loaded.sources]
    if fresh:
        indent = _list_indent(text, loaded) if text.strip() else "  "
        if not text.strip():
            text = HEADER
        elif indent is None:
            text, indent = _rewrite(text, loaded, retarget), "  "
        if not text.endswith("\n"):
            text += "\n"
        text += "".join(f"{indent}- {{from: {s}, to: {t}}}\n" for s, t in fresh)
    path.write_text(text, encoding="utf-8")
    return path


_SCALAR = re.compile(r"\"[^\"]*\"|'[^']*'|[^\s,}\]#]+")


def _replace_scalar(line: str, col: int, value: str) -> str:
    found = _SCALAR.match(line, col)
    end = found.end() if found else col
    return line[:col] + value + line[end:]


def _list_indent(text: str, loaded: RedirectFile) -> str | None:
    """The indentation that extends the ``redirects`` list by appending ``- {...}`` lines, or
    None when appending cannot (a flow-style list, ``redirects: [...]``)."""
    doc = loaded.doc
    if doc is None or not isinstance(doc.data, dict) or list(doc.data) != ["redirects"]:
        return None
    lines = text.splitlines()
    if doc.data.get("redirects") is None:
        key = doc.key_position("redirects")
        rest = lines[key.line - 1].split("#", 1)[0].rstrip()
        return "  " if rest.endswith("redirects:") else None
    value = doc.where("redirects")
    if lines[value.line - 1][value.col - 1 :].startswith("-"):
        return " " * (value.col - 1)
    return None


def _rewrite(text: str, loaded: RedirectFile, retarget: Mapping[str, str]) -> str:
    """The file's leading comments, then every entry in block style (for files whose list is
    written in flow style, ``redirects: [...]``, which cannot be appended to)."""
    head = []
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("#") or not line.strip():
            head.append(line)
        else:
            break
    body = "".join(
        f"  - {{from: {e.source}, to: {retarget.get(e.source, e.target)}}}\n"
        for e in loaded.entries
    )
    return "".join(head) + "redirects:\n" + body
