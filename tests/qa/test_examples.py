"""Example sets: the committed one loads; every mistake is reported with its position."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.errors import Problems
from generator.qa.examples import load_example_set

ROOT = Path(__file__).resolve().parents[2]


def _load(tmp_path: Path, text: str) -> tuple[object, list[str]]:
    path = tmp_path / "set.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    problems = Problems()
    loaded = load_example_set(path, problems, display="set.yaml")
    return loaded, [p.format() for p in problems]


def test_committed_set_is_valid_and_big_enough() -> None:
    problems = Problems()
    loaded = load_example_set(ROOT / "content/qa/science-and-history.yaml", problems)
    assert not problems and loaded is not None
    assert len(loaded.examples) >= 20
    assert sum(not e.answerable for e in loaded.examples) >= 5
    assert loaded.examples[1].passage.startswith("The Rosetta Stone")
    assert loaded.examples[1].answers == ("1799",)


def test_every_problem_is_reported_with_its_position(tmp_path: Path) -> None:
    loaded, messages = _load(
        tmp_path,
        """\
        title: t
        passages:
          p: The Danube flows to the Black Sea.
        examples:
          - id: a
            passage_id: p
            question: Where does the Danube flow?
            answers: [the Black Sea]
          - id: a
            passage_id: missing
            question: ""
            answers: [x]
          - id: c
            passage: Some text.
            question: What?
            answers: [absent words]
            colour: blue
          - id: d
            passage: Some text.
            question: What?
          - id: e
            passage: Some text.
            passage_id: p
            question: What?
            unanswerable: true
        """,
    )
    assert loaded is None
    assert messages == [
        "set.yaml:9:9: examples[1].id: duplicate id (also examples[0])",
        "set.yaml:10:17: examples[1].passage_id: no passage named 'missing' (p)",
        "set.yaml:11:15: examples[1].question: is empty",
        "set.yaml:16:15: examples[2].answers[0]: 'absent words' does not occur in the passage",
        "set.yaml:17:5: examples[2].colour: unknown key (expected one of: answers, id, note, "
        "passage, passage_id, question, unanswerable)",
        "set.yaml:18:5: examples[3]: needs answers (a list) or unanswerable: true, not both",
        "set.yaml:21:5: examples[4]: needs exactly one of passage (text) or passage_id (a name)",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("examples: []\n", "set.yaml:1:11: examples: must be a non-empty list"),
        ("- just a list\n", "set.yaml:1:1: an example set is a mapping with an `examples` list"),
        (
            "examples: [\n",
            "set.yaml:2:1: YAML syntax error: expected the node content, but found '<stream end>'",
        ),
    ],
)
def test_file_level_problems(tmp_path: Path, text: str, message: str) -> None:
    loaded, messages = _load(tmp_path, text)
    assert loaded is None and messages == [message]


def test_non_english_and_emoji_examples_load(tmp_path: Path) -> None:
    loaded, messages = _load(
        tmp_path,
        """\
        examples:
          - id: ü
            passage: "Zoë Ångström 🚀 lebte in Malmö."
            question: "Wo lebte Zoë? 🤔"
            answers: [Malmö]
        """,
    )
    assert messages == []
    assert loaded is not None and loaded.examples[0].answers == ("Malmö",)  # type: ignore[attr-defined]
