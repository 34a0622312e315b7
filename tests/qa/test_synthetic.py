"""The synthetic task the bundled model is trained on: labels that mean what they say, no leaks."""

from __future__ import annotations

from pathlib import Path

from generator.qa.windows import DecodingSettings, QATokenizer
from tools.qa_synthetic import long_example, make_set
from tools.train_tiny import features, heldout_set, training_part, validation_set


def test_answers_and_sentence_spans_point_into_the_passage() -> None:
    examples = make_set(7, 300, "t", max_entities=3, unanswerable=0.45, same_kind=0.5)
    kinds = {e.kind for e in examples}
    assert kinds == {"answer", "other", "missing", "stranger"}
    for e in examples:
        if e.answer:
            assert e.passage[e.answer_start : e.answer_start + len(e.answer)] == e.answer
            # the answer lies inside a sentence about the entity asked for
            assert any(a <= e.answer_start < b for a, b in e.about), e
        else:
            assert e.answer_start == -1 and e.kind != "answer"
        if e.kind == "stranger":
            assert e.about == ()
        for a, b in e.about:
            assert 0 <= a < b <= len(e.passage) and e.passage[b - 1] in ".!?"


def test_same_seed_same_set_and_long_passages_keep_their_labels() -> None:
    assert make_set(3, 50, "x") == make_set(3, 50, "x")
    example = long_example(11, "long", 14, answerable=True, anywhere=True)
    assert len(example.passage) > 1500
    start = example.answer_start
    assert example.passage[start : start + len(example.answer)] == example.answer


def test_held_out_and_validation_passages_never_occur_in_training() -> None:
    heldout = {e.passage for e in heldout_set()}
    validation = {e.passage for e in validation_set()}
    train = {e.passage for e in training_part(0)}
    assert len(heldout) > 150 and len(validation) > 300
    assert not heldout & train and not validation & train and not heldout & validation


def test_features_mark_the_answer_tokens_and_the_sentences_about_the_entity(
    bundled_dir: Path,
) -> None:
    tokenizer = QATokenizer.from_file(bundled_dir / "tokenizer.json")
    examples = make_set(5, 40, "f", max_entities=2)
    feats = features(tokenizer, examples, DecodingSettings())
    assert len(feats) == len(examples)  # short passages: one window each
    for e, (ids, types, start, end, about) in zip(examples, feats, strict=True):
        assert len(ids) == len(types) == len(about)
        context = types.index(1)  # first passage token
        assert set(about[:context]) == {-1} and about[-1] == -1  # question, [CLS], [SEP]s
        if e.answer:
            span = tokenizer.tokenizer.decode(list(ids[start : end + 1]))
            assert span.replace(" ", "") == e.answer.lower().replace(" ", "")
            assert about[start] == 1 and about[end] == 1
        else:
            assert (start, end) == (0, 0)
        if e.kind == "stranger":
            assert 1 not in about
