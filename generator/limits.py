"""The documented limits on what content may hold (``docs/content.md``, "Limits").

Every input the build reads is bounded before it can cost much: a file is refused by its size
before it is parsed, a YAML document by its node count as its values are built (so an alias
bomb stops after a bounded amount of work), a text field by its length. With these limits a
content file under 1 MB never makes the build use more than a few hundred MB of memory. Each
message that refuses an input states the limit.
"""

from __future__ import annotations

import unicodedata

# Any YAML file the build reads: site.yaml, a record, a QA example set, published figures.
MAX_YAML_BYTES = 1 << 20  # 1 MiB
# Values built from one YAML document, and the characters of its text, every use of an alias
# counted again (a file of a few hundred bytes can otherwise stand for billions of values).
MAX_YAML_NODES = 100_000
MAX_YAML_CHARS = 2_000_000
# Nesting of mappings and lists in one YAML document, and the length of a mapping key.
MAX_YAML_DEPTH = 20
MAX_KEY_CHARS = 100
# A free-text field of a record or site.yaml (summary, Markdown fields, notes, sources).
MAX_TEXT_CHARS = 10_000
# An artifact's name (one line).
MAX_NAME_CHARS = 200
# Capabilities and facts of one record: each is shown on its pages, and every capability is
# matched against every other artifact's (a record of thousands would make the match graph
# and the pages grow with the product of two such records).
MAX_CAPABILITIES = 100
MAX_FACTS = 100
# A QA passage and question (content example sets and ``build.py qa``).
MAX_PASSAGE_CHARS = 20_000
MAX_QUESTION_CHARS = 1_000
# Windows per ONNX Runtime call (``build.py qa --batch-size``) and threads (``--threads``).
MAX_BATCH_SIZE = 256
MAX_THREADS = 1024


def size_text(n: int) -> str:
    """``1,048,576 bytes (1 MiB)``-style sizes for messages."""
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return f"{n:,} bytes ({n >> 20} MiB)"
    return f"{n:,} bytes"


def quote(value: object, limit: int = 60) -> str:
    """``'value'`` for a message, cut to ``limit`` characters (a message never echoes a huge
    input back), with invisible and control characters written as ``\\u200b`` (so the
    message shows what differs, and a bidi control cannot reorder the terminal's line)."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text
    )
    return f"'{text}'" if isinstance(value, str) else text
