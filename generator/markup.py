"""Markdown from content, rendered and then sanitised.

Content is written by editors through pull requests, so it is untrusted: after Markdown renders
it, ``nh3`` keeps only a small allow-list of tags and attributes (no scripts, no event handlers,
no ``javascript:`` URLs), and external links get ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import functools

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


@functools.lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
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
    return nh3.clean(markdown.markdown(text), tags=set()).strip()
