"""Markdown from content: the plain-text shortcut must give exactly what the parser gives."""

from __future__ import annotations

import markdown
import nh3
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import markup

PLAIN_CHARS = "abcXYZ019 ,.;:'?%/-"


def _slow_html(text: str) -> str:
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=set(markup.ALLOWED_TAGS),
        attributes={k: set(v) for k, v in markup.ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(markup.URL_SCHEMES),
        link_rel="noopener noreferrer",
    )
    return clean.strip()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=PLAIN_CHARS, min_size=1, max_size=60))
def test_plain_shortcut_equals_the_parser(text: str) -> None:
    markup.render_markdown.cache_clear()
    assert str(markup.render_markdown(text)) == _slow_html(text)
    assert markup.plain_text(text) == nh3.clean(markdown.markdown(text), tags=set()).strip()


def test_shortcut_is_taken_only_for_plain_text() -> None:
    assert markup._PLAIN.fullmatch("Answers questions over passages, 2-3 words.")
    for text in ("- a list", "1. first", "*em*", "a <b>", "# head", "x\ny", "[a](b)", "a & b"):
        assert not markup._PLAIN.fullmatch(text), text


def test_a_reused_parser_keeps_no_state_between_texts() -> None:
    first = markup.render_markdown("[^1]: note\n\n* item *one*")
    markup.render_markdown.cache_clear()
    assert str(markup.render_markdown("* item *one*")) == _slow_html("* item *one*")
    assert "<em>one</em>" in first
