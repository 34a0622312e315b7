"""Steps 1–2 of docs/qa-decoding.md: tokenization, offsets and windows."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import UserError
from generator.qa.windows import DecodingSettings, Encoded, InputError, QATokenizer, make_windows

SMALL = DecodingSettings(max_length=32, doc_stride=8, max_question_tokens=8)


def _passage(n: int) -> Encoded:
    return Encoded(tuple(range(1000, 1000 + n)), tuple((i, i + 1) for i in range(n)))


def test_window_layout_is_cls_question_sep_passage_sep() -> None:
    question = Encoded((7, 8, 9), ((0, 1), (2, 3), (4, 5)))
    windows = make_windows(question, _passage(5), SMALL, cls_id=101, sep_id=102)
    assert len(windows) == 1
    (w,) = windows
    assert w.input_ids == (101, 7, 8, 9, 102, 1000, 1001, 1002, 1003, 1004, 102)
    assert w.token_type_ids == (0,) * 5 + (1,) * 6
    assert (w.context_start, w.first, w.count) == (5, 0, 5)


def test_windows_overlap_by_stride_and_stop_at_the_end() -> None:
    question = Encoded((7, 8), ((0, 1), (2, 3)))
    # W = 32 - 2 - 3 = 27 passage tokens per window, step 27 - 8 = 19.
    windows = make_windows(question, _passage(60), SMALL, cls_id=101, sep_id=102)
    assert [(w.first, w.count) for w in windows] == [(0, 27), (19, 27), (38, 22)]
    assert all(len(w) <= SMALL.max_length for w in windows)


def test_a_passage_exactly_one_window_long_gives_one_window() -> None:
    question = Encoded((7, 8), ((0, 1), (2, 3)))
    assert len(make_windows(question, _passage(27), SMALL, 101, 102)) == 1
    assert len(make_windows(question, _passage(28), SMALL, 101, 102)) == 2


@settings(max_examples=200, deadline=None)
@given(q=st.integers(1, 8), n=st.integers(1, 400))
def test_windows_cover_every_passage_token(q: int, n: int) -> None:
    question = Encoded(tuple(range(q)), tuple((i, i + 1) for i in range(q)))
    windows = make_windows(question, _passage(n), SMALL, 101, 102)
    covered: set[int] = set()
    for a, b in itertools.pairwise(windows):
        assert b.first - a.first == 32 - q - 3 - SMALL.doc_stride
        assert a.first + a.count - b.first == SMALL.doc_stride
    for w in windows:
        assert len(w) <= SMALL.max_length
        covered.update(range(w.first, w.first + w.count))
    assert covered == set(range(n))
    assert windows[-1].first + windows[-1].count == n


def test_settings_refuse_a_stride_that_leaves_no_progress() -> None:
    with pytest.raises(ValueError, match="not more than doc_stride"):
        DecodingSettings(max_length=100, doc_stride=64, max_question_tokens=64)


def test_offsets_are_code_points_of_the_original_text(tokenizer: QATokenizer) -> None:
    text = "Zoë Ångström 🚀 met 東京 in Malmö."
    encoded = tokenizer.encode_passage(text)
    pieces = [text[a:b] for a, b in encoded.offsets]
    assert pieces[:2] == ["Zoë", "Ångström"] or pieces[0].startswith("Zo")
    assert "🚀" in pieces and "東" in pieces and "京" in pieces
    assert pieces[-2:] == ["Malmö", "."]
    # Accents are stripped and text lower-cased for the ids, never for the offsets.
    assert str(tokenizer.tokenizer.id_to_token(encoded.ids[-2])).startswith("malm")


def test_emoji_is_unknown_but_keeps_its_span(tokenizer: QATokenizer) -> None:
    text = "a 🚀 b"
    encoded = tokenizer.encode_passage(text)
    assert encoded.offsets == ((0, 1), (2, 3), (4, 5))
    assert tokenizer.tokenizer.id_to_token(encoded.ids[1]) == "[UNK]"


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_empty_question_is_refused(tokenizer: QATokenizer, question: str) -> None:
    with pytest.raises(InputError, match="question: is empty"):
        tokenizer.encode_question(question, DecodingSettings())


def test_empty_passage_is_refused(tokenizer: QATokenizer) -> None:
    with pytest.raises(InputError, match="passage: is empty"):
        tokenizer.encode_passage("  \n ")


def test_question_longer_than_the_limit_is_refused_not_truncated(tokenizer: QATokenizer) -> None:
    with pytest.raises(InputError) as info:
        tokenizer.encode_question("why " * 65, DecodingSettings())
    assert info.value.message == "is 65 tokens long; the limit is 64 (max_question_tokens)"


def test_tokenizer_file_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "tokenizer.json"
    with pytest.raises(UserError, match=f"{missing}: tokenizer file not found"):
        QATokenizer.from_file(missing)
    missing.write_text("{not json")
    with pytest.raises(UserError, match=f"{missing}: not a readable tokenizer.json"):
        QATokenizer.from_file(missing)


def test_padding_and_truncation_are_off(tokenizer: QATokenizer) -> None:
    long = "word " * 600
    assert len(tokenizer.encode_passage(long).ids) == 600
    assert tokenizer.tokenizer.padding is None and tokenizer.tokenizer.truncation is None
