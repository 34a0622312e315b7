"""Steps 1–2 of docs/qa-decoding.md: tokenize a question and a passage, cut overlapping windows.

The tokenizer is the model's own ``tokenizer.json`` read by the ``tokenizers`` library (never
``BertTokenizerFast(vocab_file=…)``, which builds a 5-token vocabulary in transformers 5.x).
Question and passage are encoded separately without special tokens; ``[CLS]``/``[SEP]`` are
placed here, so the browser widget can build the very same windows from ids and offsets alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tokenizers import Tokenizer

from generator.errors import UserError


@dataclass(frozen=True)
class DecodingSettings:
    """The knobs of docs/qa-decoding.md; part of every cache key."""

    max_length: int = 384
    doc_stride: int = 128
    max_answer_tokens: int = 30
    max_question_tokens: int = 64
    null_threshold: float = 0.0

    def __post_init__(self) -> None:
        room = self.max_length - self.max_question_tokens - 3
        if room <= self.doc_stride:
            raise ValueError(
                f"max_length {self.max_length} leaves {room} passage tokens per window, "
                f"not more than doc_stride {self.doc_stride}"
            )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class InputError(ValueError):
    """A question or passage the algorithm refuses (empty, question too long)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Encoded:
    """Token ids without special tokens, with code-point offsets into the original text."""

    ids: tuple[int, ...]
    offsets: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Window:
    """One model input: ``[CLS] question [SEP] passage[first:first+count] [SEP]``."""

    input_ids: tuple[int, ...]
    token_type_ids: tuple[int, ...]
    context_start: int  # index in ``input_ids`` of the first passage token
    first: int  # index of that token among the passage tokens
    count: int  # passage tokens in this window

    def __len__(self) -> int:
        return len(self.input_ids)


class QATokenizer:
    """The model's tokenizer with padding and truncation switched off."""

    def __init__(self, tokenizer: Tokenizer, source: str) -> None:
        tokenizer.no_padding()
        tokenizer.no_truncation()
        self.tokenizer = tokenizer
        self.source = source
        cls_id, sep_id, pad_id = (tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]", "[PAD]"))
        if cls_id is None or sep_id is None or pad_id is None:
            raise UserError(f"{source}: the vocabulary lacks [CLS], [SEP] or [PAD]")
        self.cls_id: int = cls_id
        self.sep_id: int = sep_id
        self.pad_id: int = pad_id

    @classmethod
    def from_file(cls, path: Path) -> QATokenizer:
        if not path.is_file():
            raise UserError(f"{path}: tokenizer file not found")
        try:
            tokenizer = Tokenizer.from_file(str(path))
        except Exception as exc:  # tokenizers raises a bare Exception on bad JSON
            raise UserError(f"{path}: not a readable tokenizer.json ({exc})") from exc
        return cls(tokenizer, str(path))

    def encode(self, text: str) -> Encoded:
        encoding = self.tokenizer.encode(text, add_special_tokens=False)
        return Encoded(tuple(encoding.ids), tuple(tuple(o) for o in encoding.offsets))  # type: ignore[misc]

    def encode_question(self, question: str, settings: DecodingSettings) -> Encoded:
        if not question.strip():
            raise InputError("question", "is empty")
        encoded = self.encode(question)
        if not encoded.ids:
            raise InputError("question", "has no tokens the model can read")
        if len(encoded.ids) > settings.max_question_tokens:
            raise InputError(
                "question",
                f"is {len(encoded.ids)} tokens long; the limit is "
                f"{settings.max_question_tokens} (max_question_tokens)",
            )
        return encoded

    def encode_passage(self, passage: str) -> Encoded:
        if not passage.strip():
            raise InputError("passage", "is empty")
        encoded = self.encode(passage)
        if not encoded.ids:
            raise InputError("passage", "has no tokens the model can read")
        return encoded

    def windows(
        self, question: Encoded, passage: Encoded, settings: DecodingSettings
    ) -> list[Window]:
        return make_windows(question, passage, settings, self.cls_id, self.sep_id)


def make_windows(
    question: Encoded, passage: Encoded, settings: DecodingSettings, cls_id: int, sep_id: int
) -> list[Window]:
    """Step 2: windows of ``W`` passage tokens, each starting ``W - doc_stride`` after the last."""
    room = settings.max_length - len(question.ids) - 3
    step = room - settings.doc_stride
    head = (cls_id, *question.ids, sep_id)
    windows: list[Window] = []
    total = len(passage.ids)
    first = 0
    while True:
        chunk = passage.ids[first : first + room]
        input_ids = (*head, *chunk, sep_id)
        token_type_ids = (0,) * len(head) + (1,) * (len(chunk) + 1)
        windows.append(Window(input_ids, token_type_ids, len(head), first, len(chunk)))
        if first + room >= total:
            return windows
        first += step
