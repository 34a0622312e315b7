"""Display names: how they are compared, and how they are kept from disturbing the text around
them.

Two names are the same name when they differ only by Unicode normalisation, letter case,
invisible characters (zero-width spaces and joiners, soft hyphens, variation selectors) or runs
of white space: ``"Alpha QA"``, ``"alpha\u200bqa"`` with a zero-width space and ``"Alpha  QA"``
all compare equal, so a catalog cannot hold two artifacts a reader cannot tell apart.

A name written in a right-to-left script must not reorder the text around it (a heading
"<name> vs <name>", a sentence, the page title). HTML templates wrap every name in ``<bdi>``;
where a name is plain text (``<title>``, JSON-LD, the JSON files) :func:`isolate` wraps it in
U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL ISOLATE. Names may not hold the explicit
bidi controls (overrides, embeddings, isolates) themselves: one could reverse or leak out of the
isolation.
"""

from __future__ import annotations

import unicodedata

FSI = "\u2068"
PDI = "\u2069"
# Explicit bidi formatting: embeddings, overrides and their terminator; isolates.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_RTL_CLASSES = frozenset({"R", "AL", "AN"})
# Invisible characters outside the format category (Cf) that Unicode lists as default-ignorable.
_IGNORABLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u3164\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)


def invisible(ch: str) -> bool:
    """Characters that show nothing: format characters (Cf) and other default-ignorables."""
    return unicodedata.category(ch) == "Cf" or ch in _IGNORABLE or 0xE0100 <= ord(ch) <= 0xE01EF


def normalise(name: str) -> str:
    """The name as it is shown: NFC, with its outer white space removed."""
    return unicodedata.normalize("NFC", name).strip()


def name_key(name: str) -> str:
    """What two names must share to be the same name (see the module docstring)."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if not invisible(ch))
    return " ".join(text.split()).casefold()


def problem_with(name: str) -> str | None:
    """Why ``name`` cannot be a display name, or ``None``."""
    for ch in name:
        if ch in BIDI_CONTROLS:
            return (
                f"holds the invisible bidi control U+{ord(ch):04X} "
                f"({unicodedata.name(ch, 'unnamed')}), which can reverse the text around it; "
                "remove it"
            )
        if unicodedata.category(ch) == "Cc":
            return "must be one line of text, without control characters"
    if not name_key(name):
        return "has no visible characters"
    return None


def isolate(text: str) -> str:
    """``text`` wrapped in FSI … PDI when it holds right-to-left characters, else as it is."""
    if any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text):
        return f"{FSI}{text}{PDI}"
    return text
