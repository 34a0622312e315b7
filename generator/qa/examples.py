"""QA example sets: YAML files of passages, questions and expected answers.

Format (``content/qa/*.yaml``)::

    title: Science and history, in our own words
    passages:                    # optional: passages shared by several questions
      photosynthesis: >-
        Plants turn light into chemical energy …
    examples:
      - id: photosynthesis-1     # unique in the file
        passage_id: photosynthesis   # or an inline `passage: text`
        question: What do plants turn light into?
        answers: [chemical energy]   # each must occur in the passage, verbatim
      - id: photosynthesis-2
        passage_id: photosynthesis
        question: When did the first plants appear?
        unanswerable: true

Every problem is collected with its ``path:line:col`` and field path and reported at once.
Passages are at most ``MAX_PASSAGE_CHARS`` characters and questions ``MAX_QUESTION_CHARS``
(``generator/limits.py``): a passage's windows, and so the model's work, stay bounded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import Problems
from generator.limits import MAX_PASSAGE_CHARS, MAX_QUESTION_CHARS, MAX_TEXT_CHARS, quote
from generator.yamlsource import YamlDocument, load_yaml, read_bounded

TOP_KEYS = frozenset({"title", "description", "passages", "examples"})
EXAMPLE_KEYS = frozenset(
    {"id", "question", "passage", "passage_id", "answers", "unanswerable", "note"}
)


@dataclass(frozen=True)
class QAExample:
    id: str
    question: str
    passage: str
    answers: tuple[str, ...]  # empty when unanswerable
    index: int  # position in ``examples``
    passage_field: str  # field path of the passage text, for messages

    @property
    def answerable(self) -> bool:
        return bool(self.answers)

    @property
    def field(self) -> str:
        return f"examples[{self.index}]"


@dataclass(frozen=True)
class ExampleSet:
    path: Path = field(repr=False)
    display: str = field(repr=False)  # the path as messages show it (working-directory relative)
    title: str
    examples: tuple[QAExample, ...]
    sha256: str  # of the file's bytes: part of the evidence cache key
    document: YamlDocument = field(repr=False)
    # The file as pages and JSON show it: relative to the content folder, so the output is the
    # same whatever the working directory.
    source: str = ""

    def problem(self, problems: Problems, field: str, message: str) -> None:
        self.document.problem(problems, field, message)


def _text(
    doc: YamlDocument,
    problems: Problems,
    data: Mapping[str, Any],
    key: str,
    at: str,
    limit: int = MAX_TEXT_CHARS,
) -> str | None:
    value = data.get(key)
    if not isinstance(value, str):
        doc.problem(problems, at, f"must be text, got {type(value).__name__}")
        return None
    if not value.strip():
        doc.problem(problems, at, "is empty")
        return None
    if len(value) > limit:
        doc.problem(problems, at, f"{len(value):,} characters; the limit is {limit:,}")
        return None
    return value


def _unknown(
    doc: YamlDocument, problems: Problems, data: Mapping[str, Any], allowed: frozenset[str], at: str
) -> None:
    for key in data:
        if key not in allowed:
            field = f"{at}.{key}" if at else key
            pos = doc.key_position(field)
            problems.add(
                doc.display,
                pos.line,
                pos.col,
                field,
                f"unknown key (expected one of: {', '.join(sorted(allowed))})",
            )


def _passages(doc: YamlDocument, problems: Problems, raw: Any) -> dict[str, str | None]:
    """Passages by name; a passage already reported as wrong is there as ``None`` (the
    examples that use it are not reported again)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        doc.problem(problems, "passages", "must be a mapping of name to passage text")
        return {}
    return {
        name: _text(doc, problems, raw, name, f"passages.{name}", MAX_PASSAGE_CHARS) for name in raw
    }


def _example(
    doc: YamlDocument,
    problems: Problems,
    raw: Any,
    index: int,
    passages: dict[str, str | None],
    seen: dict[str, int],
) -> QAExample | None:
    at = f"examples[{index}]"
    if not isinstance(raw, dict):
        doc.problem(problems, at, "must be a mapping with id, question, passage and answers")
        return None
    before = len(problems)
    _unknown(doc, problems, raw, EXAMPLE_KEYS, at)
    ident = _text(doc, problems, raw, "id", f"{at}.id")
    if ident is not None:
        if ident in seen:
            doc.problem(problems, f"{at}.id", f"duplicate id (also examples[{seen[ident]}])")
        seen.setdefault(ident, index)
    question = _text(doc, problems, raw, "question", f"{at}.question", MAX_QUESTION_CHARS)
    passage: str | None = None
    passage_field = f"{at}.passage"
    if ("passage" in raw) == ("passage_id" in raw):
        doc.problem(problems, at, "needs exactly one of passage (text) or passage_id (a name)")
    elif "passage" in raw:
        passage = _text(doc, problems, raw, "passage", passage_field, MAX_PASSAGE_CHARS)
    else:
        name = raw["passage_id"]
        if not isinstance(name, str) or name not in passages:
            known = ", ".join(sorted(passages)) or "none defined"
            doc.problem(problems, f"{at}.passage_id", f"no passage named {quote(name)} ({known})")
        elif passages[name] is None:
            return None  # the passage itself is reported
        else:
            passage, passage_field = passages[name], f"passages.{name}"
    answers: tuple[str, ...] = ()
    unanswerable = raw.get("unanswerable", False)
    if not isinstance(unanswerable, bool):
        doc.problem(problems, f"{at}.unanswerable", "must be true or false")
    elif unanswerable == ("answers" in raw):
        doc.problem(problems, at, "needs answers (a list) or unanswerable: true, not both")
    elif not unanswerable:
        raw_answers = raw["answers"]
        if not isinstance(raw_answers, list) or not raw_answers:
            doc.problem(problems, f"{at}.answers", "must be a non-empty list of answer texts")
        else:
            for j, answer in enumerate(raw_answers):
                where = f"{at}.answers[{j}]"
                if not isinstance(answer, str) or not answer.strip():
                    doc.problem(problems, where, "must be non-empty text")
                elif passage is not None and answer not in passage:
                    doc.problem(problems, where, f"{quote(answer)} does not occur in the passage")
            answers = tuple(a for a in raw_answers if isinstance(a, str))
    if len(problems) > before or ident is None or question is None or passage is None:
        return None
    return QAExample(ident, question, passage, answers, index, passage_field)


def load_example_set(
    path: Path, problems: Problems, display: str | None = None, source: str | None = None
) -> ExampleSet | None:
    """Load and validate one example file; problems go to ``problems``, never raised.

    ``source`` is how outputs name the file (default: its name).
    """
    doc = load_yaml(path, problems, display)
    if doc is None:
        return None
    data = doc.data
    if not isinstance(data, dict):
        doc.problem(problems, "", "an example set is a mapping with an `examples` list")
        return None
    before = len(problems)
    _unknown(doc, problems, data, TOP_KEYS, "")
    title = data.get("title", path.stem)
    if not isinstance(title, str):
        doc.problem(problems, "title", "must be text")
    elif len(title) > MAX_TEXT_CHARS:
        doc.problem(
            problems, "title", f"{len(title):,} characters; the limit is {MAX_TEXT_CHARS:,}"
        )
    passages = _passages(doc, problems, data.get("passages"))
    raw_examples = data.get("examples")
    if not isinstance(raw_examples, list) or not raw_examples:
        doc.problem(problems, "examples", "must be a non-empty list")
        return None
    seen: dict[str, int] = {}
    examples = [
        _example(doc, problems, raw, i, passages, seen) for i, raw in enumerate(raw_examples)
    ]
    if len(problems) > before:
        return None
    raw = read_bounded(path, doc.display, problems)  # read again only for its hash
    if raw is None:
        return None
    sha = hashlib.sha256(raw).hexdigest()
    kept = tuple(e for e in examples if e is not None)
    name = source if source is not None else path.name
    return ExampleSet(path, doc.display, str(title), kept, sha, doc, name)
