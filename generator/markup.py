"""Markdown from content, rendered and then sanitised.

Content is written by editors through pull requests, so it is untrusted: after Markdown renders
it, ``nh3`` keeps only a small allow-list of tags and attributes (no scripts, no event handlers,
no ``javascript:`` URLs), and external links get ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import functools
import re

import markdown
import nh3
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


@functools.lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    if _PLAIN.fullmatch(text) and not text.endswith(" "):
        return Markup(f"<p>{text}</p>")
    html = _markdown(text, extensions=("tables", "sane_lists"), output_format="html")
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )
    return Markup(clean.strip())


def plain_text(text: str) -> str:
    """Markdown reduced to text (for meta descriptions and JSON twins)."""
    if _PLAIN.fullmatch(text):
        return text.strip()
    return nh3.clean(_markdown(text), tags=set()).strip()
