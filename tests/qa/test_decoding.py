"""Steps 4–7 of docs/qa-decoding.md on hand-made logits, and the pipeline around a fake backend."""

from __future__ import annotations

import numpy as np
import pytest

from generator.qa.decoding import decode
from generator.qa.pipeline import QAPipeline
from generator.qa.windows import DecodingSettings, Encoded, QATokenizer, Window, make_windows

from .fakes import FakeBackend

PASSAGE = "aa bb cc dd"
TOKENS = Encoded((11, 12, 13, 14), ((0, 2), (3, 5), (6, 8), (9, 11)))
SETTINGS = DecodingSettings(max_length=32, doc_stride=8, max_question_tokens=8, max_answer_tokens=2)


def _window() -> Window:
    return make_windows(Encoded((7,), ((0, 1),)), TOKENS, SETTINGS, 101, 102)[0]


def _logits(values: dict[int, float], n: int = 8) -> np.ndarray:
    out = np.zeros(n, dtype=np.float32)
    for i, v in values.items():
        out[i] = v
    return out


def test_best_span_maps_back_to_character_offsets() -> None:
    w = _window()  # [CLS] q [SEP] aa bb cc dd [SEP]: passage tokens at 3..6
    answer = decode(PASSAGE, TOKENS, [w], [_logits({4: 3.0})], [_logits({5: 2.0})], SETTINGS)
    assert (answer.answer, answer.start, answer.end, answer.abstained) == ("bb cc", 3, 8, False)
    assert answer.score == 5.0 and answer.null_score == 0.0


def test_abstains_when_null_beats_the_best_span_by_more_than_the_threshold() -> None:
    w = _window()
    start, end = _logits({0: 3.0, 4: 1.0}), _logits({0: 1.0, 4: 1.0})  # null 4, span 2
    answer = decode(PASSAGE, TOKENS, [w], [start], [end], SETTINGS)
    assert answer.abstained and answer.answer == "" and answer.start is None and answer.end is None
    assert (answer.score, answer.null_score) == (2.0, 4.0)
    lenient = DecodingSettings(**{**SETTINGS.to_json(), "null_threshold": 2.0})
    assert not decode(PASSAGE, TOKENS, [w], [start], [end], lenient).abstained


def test_spans_respect_max_answer_tokens_and_order() -> None:
    w = _window()
    # Best unconstrained pair is s=3 (aa), e=6 (dd): 4 tokens > 2, so not allowed.
    start, end = _logits({3: 4.0, 5: 1.0}), _logits({6: 4.0, 4: 1.0})
    answer = decode(PASSAGE, TOKENS, [w], [start], [end], SETTINGS)
    assert answer.answer == "aa bb"  # s=3, e=4: 4 + 1
    # An end before its start is never a span.
    backwards = decode(PASSAGE, TOKENS, [w], [_logits({6: 9.0})], [_logits({3: 9.0})], SETTINGS)
    assert backwards.score == 9.0 and backwards.answer in {"dd", "aa"}


def test_question_and_special_tokens_are_never_in_a_span() -> None:
    w = _window()
    answer = decode(
        PASSAGE,
        TOKENS,
        [w],
        [_logits({1: 50.0, 2: 50.0, 7: 50.0})],
        [_logits({1: 50.0, 7: 50.0})],
        SETTINGS,
    )
    assert answer.score == 0.0  # only passage tokens count; all of them score 0


def test_ties_go_to_the_smaller_start_then_the_smaller_end() -> None:
    w = _window()
    answer = decode(PASSAGE, TOKENS, [w], [_logits({})], [_logits({})], SETTINGS)
    assert (answer.answer, answer.start, answer.end) == ("aa", 0, 2)


def test_null_is_the_minimum_over_windows_and_ties_keep_the_earlier_window() -> None:
    passage = Encoded(tuple(range(40)), tuple((i, i + 1) for i in range(40)))
    text = "x" * 40
    s = DecodingSettings(max_length=32, doc_stride=8, max_question_tokens=8, max_answer_tokens=1)
    windows = make_windows(Encoded((7,), ((0, 1),)), passage, s, 101, 102)
    assert len(windows) == 2
    starts = [_logits({0: 5.0}, 32), _logits({0: -1.0}, 32)]
    ends = [_logits({0: 5.0}, 32), _logits({0: -1.5}, 32)]
    answer = decode(text, passage, windows, starts, ends, s)
    assert answer.null_score == -2.5 and not answer.abstained
    assert (answer.start, answer.end) == (0, 1)  # score 0 everywhere: first window, first token


def test_pipeline_pads_per_batch_and_decodes_each_window_alone(tokenizer: QATokenizer) -> None:
    ids = tokenizer.encode("zebra giraffe").ids
    fake = FakeBackend(start_id=ids[0], end_id=ids[-1])
    pipeline = QAPipeline(tokenizer, fake, DecodingSettings(), batch_size=2)
    pairs = [
        ("Which animals?", "We saw a zebra giraffe today."),
        ("What?", "Nothing here."),
        ("Which animals?", "A zebra giraffe " + "and more words " * 200),
    ]
    answers = pipeline.answer_many(pairs)
    assert [a.answer for a in answers] == ["zebra giraffe", "", "zebra giraffe"]
    assert [a.abstained for a in answers] == [False, True, False]
    # Dynamic padding: no batch is wider than its longest window.
    assert all(width <= 384 for _, width in fake.calls)
    assert fake.calls[0][1] < 20


@pytest.mark.parametrize("threshold", [-1.0, 0.0, 10.0])
def test_threshold_is_a_strict_comparison(threshold: float) -> None:
    w = _window()
    start, end = _logits({0: 2.0, 4: 2.0}), _logits({4: 0.0})  # null 2, span 2: difference 0
    s = DecodingSettings(**{**SETTINGS.to_json(), "null_threshold": threshold})
    assert decode(PASSAGE, TOKENS, [w], [start], [end], s).abstained == (threshold < 0)
