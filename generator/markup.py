"""Markdown from content, rendered and then sanitised.

Content is written by editors through pull requests, so it is untrusted: after Markdown renders
it, ``nh3`` keeps only a small allow-list of tags and attributes (no scripts, no event handlers,
no ``javascript:`` URLs), and external links get ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import functools
import html
import re
from typing import TYPE_CHECKING

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import (
    IMAGE_LINK_RE,
    LINK_RE,
    ImageInlineProcessor,
    LinkInlineProcessor,
)
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "p",
        "a",
        "em",
        "strong",
        "code",
        "pre",
        "ul",
        "ol",
        "li",
        "blockquote",
        "br",
        "sub",
        "sup",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "del",
        "abbr",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


# Text made only of these characters, starting with a letter, is one plain paragraph: Markdown
# gives it no markup and nothing in it needs escaping, so it skips the Markdown parser (most
# capability text is like this; a test checks the shortcut against the parser).
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.;:'?%/-]*")


def _markdown(text: str, **options: object) -> str:
    """Markdown to HTML with one parser per process (building a parser costs more than most
    conversions)."""
    key = tuple(sorted(options.items()))
    parser = _PARSERS.get(key)
    if parser is None:
        parser = _PARSERS[key] = markdown.Markdown(**options)  # type: ignore[arg-type]
    html: str = parser.reset().convert(text)
    return html


_PARSERS: dict[tuple[tuple[str, object], ...], markdown.Markdown] = {}


class _LinkDestination:
    """``[text](destination "title")`` read as CommonMark reads it: the destination ends at
    white space or at the ``)`` that balances its parentheses, and only then may a title follow.

    Python-Markdown's own reader takes a quote anywhere after ``(`` as the start of a title, so
    ``[x](https://host/f('a'))`` became a link to ``https://host/f(`` followed by a stray
    ``)``, and a link removed for an unsafe scheme (``javascript:alert('x')``) left that ``)``
    in the text.
    """

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        if _ANGLE_DESTINATION.match(data, index):
            return super().getLink(data, index)  # type: ignore[misc,no-any-return]
        pos = index + 1
        while pos < len(data) and data[pos] in " \t\n":
            pos += 1
        start, depth = pos, 0
        while pos < len(data):
            c = data[pos]
            if c == "\\" and pos + 1 < len(data):
                pos += 2
                continue
            if c.isspace() or (c == ")" and depth == 0):
                break
            depth += {"(": 1, ")": -1}.get(c, 0)
            pos += 1
        href = data[start:pos]
        tail = _TITLE_AND_CLOSE.match(data, pos)
        if depth or tail is None:
            return href, None, index, False
        quoted = tail.group(1)
        title = None if quoted is None else " ".join(self.unescape(quoted[1:-1]).split())
        return self.unescape(href).strip(), title, tail.end(), True

    if TYPE_CHECKING:

        def unescape(self, text: str) -> str:  # InlineProcessor's: placeholders back to text
            ...


_ANGLE_DESTINATION = re.compile(r"\(\s*<[^<>\n]*>")
_TITLE_AND_CLOSE = re.compile(
    r"""\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\))?\s*\)""",
    re.DOTALL,
)


class _Link(_LinkDestination, LinkInlineProcessor):
    pass


class _Image(_LinkDestination, ImageInlineProcessor):
    pass


class _CommonMarkLinks(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.inlinePatterns.register(_Link(LINK_RE, md), "link", 160)
        md.inlinePatterns.register(_Image(IMAGE_LINK_RE, md), "image_link", 150)


_LINKS = _CommonMarkLinks()


@functools.lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    if _PLAIN.fullmatch(text) and not text.endswith(" "):
        return Markup(f"<p>{text}</p>")
    html = _markdown(text, extensions=("tables", "sane_lists", _LINKS), output_format="html")
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )
    return Markup(clean.strip())


def plain_text(text: str) -> str:
    """Markdown reduced to text (for meta descriptions and JSON twins): plain characters, not
    HTML (``<`` is ``<``; templates escape it once, where it is shown)."""
    if _PLAIN.fullmatch(text):
        return text.strip()
    return html.unescape(nh3.clean(_markdown(text, extensions=(_LINKS,)), tags=set())).strip()
