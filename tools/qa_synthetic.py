"""A synthetic extractive QA task for the bundled stand-in model.

Passages describe made-up companies and people in templated sentences; questions ask for one
attribute of one entity. About a third of the questions are unanswerable in the SQuAD v2 sense:
the passage holds a plausible answer of the right type (another entity's year, city, founder…)
but not the one asked for. Everything is drawn from a seeded ``random.Random``, so the training
and held-out sets are the same on every machine. No torch here: tests read the held-out set too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

SYLLABLES = (
    "ka",
    "lo",
    "mir",
    "dan",
    "vel",
    "tor",
    "sa",
    "ren",
    "bo",
    "qui",
    "zel",
    "mar",
    "fen",
    "ga",
    "lis",
    "dor",
    "pe",
    "nu",
    "rak",
    "tal",
    "vo",
    "shen",
    "gri",
    "ul",
    "bex",
    "ami",
    "jor",
    "tess",
    "cal",
    "wyn",
    "or",
    "fi",
    "hald",
    "ros",
    "ven",
    "tu",
    "lem",
    "kor",
    "sil",
    "bri",
)
COMPANY_KINDS = ("Industries", "Labs", "Works", "Systems", "Foods", "Motors", "Textiles", "Press")
PRODUCTS = (
    "bicycles",
    "solar panels",
    "glass lenses",
    "wooden toys",
    "sailing boats",
    "paper maps",
    "electric kettles",
    "wool blankets",
    "clay tiles",
    "garden tools",
    "radio receivers",
    "hiking boots",
    "pocket watches",
    "canned soup",
    "printing ink",
    "violin strings",
)
JOBS = (
    "painter",
    "chemist",
    "sculptor",
    "engineer",
    "poet",
    "architect",
    "botanist",
    "pianist",
    "surgeon",
    "astronomer",
    "carpenter",
    "journalist",
    "mathematician",
    "photographer",
)
FILLER = (
    "The region is known for its long winters.",
    "Many visitors arrive there every summer.",
    "Local newspapers wrote about it for years.",
    "The old market square is still busy on weekends.",
    "A small museum tells the story of the town.",
    "Rail lines connect the area to the coast.",
    "Its history is told in several books.",
    "The river floods almost every spring.",
)

NAME_WORDS = tuple(
    word
    for line in (
        Path(__file__).with_name("name_words.txt").read_text(encoding="utf-8").splitlines()
    )
    if not line.startswith("#")
    for word in line.split()
)
NAME_WORD_SHARE = 0.75

# attribute -> (sentence templates, question templates); {e} is the entity, {v} the answer.
COMPANY_FACTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "year": (
        ("{e} was founded in {v}.", "{e} was established in {v}.", "In {v}, {e} opened its doors."),
        ("When was {e} founded?", "In what year was {e} established?", "What year did {e} start?"),
    ),
    "founder": (
        ("{e} was started by {v}.", "{v} founded {e}.", "The founder of {e} was {v}."),
        ("Who founded {e}?", "Who started {e}?", "Who was the founder of {e}?"),
    ),
    "city": (
        ("{e} is based in {v}.", "The headquarters of {e} are in {v}.", "{e} has its home in {v}."),
        ("Where is {e} based?", "In which city is {e} headquartered?", "Where is {e} located?"),
    ),
    "product": (
        ("{e} makes {v}.", "{e} is best known for its {v}.", "{e} produces {v}."),
        ("What does {e} make?", "What does {e} produce?", "What is {e} known for making?"),
    ),
    "staff": (
        ("{e} employs {v} people.", "About {v} people work at {e}.", "{e} has a staff of {v}."),
        ("How many people work at {e}?", "How many employees does {e} have?"),
    ),
}
PERSON_FACTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "born": (
        (
            "{e} was born in {v}.",
            "{e}, born in {v}, grew up by the sea.",
            "Born in {v}, {e} moved often.",
        ),
        ("When was {e} born?", "In what year was {e} born?", "What year was {e} born in?"),
    ),
    "birthplace": (
        ("{e} was born in the town of {v}.", "{e} came from {v}.", "{e} spent childhood in {v}."),
        ("Where was {e} born?", "Where did {e} come from?", "What town is {e} from?"),
    ),
    "job": (
        ("{e} worked as a {v}.", "{e} became a famous {v}.", "By trade, {e} was a {v}."),
        ("What was the profession of {e}?", "What did {e} work as?", "What was {e}'s job?"),
    ),
}


@dataclass(frozen=True)
class SyntheticExample:
    """One question about one passage; ``answer_start`` is a character offset or -1."""

    id: str
    passage: str
    question: str
    answer: str  # "" when unanswerable
    answer_start: int
    kind: str = "answer"  # "answer", or why there is none: "other", "missing", "stranger"
    # Character spans of the sentences about the entity asked for (none for a stranger); training
    # uses them for an auxiliary per-token target, nothing else reads them.
    about: tuple[tuple[int, int], ...] = ()


def _word(rng: random.Random, low: int = 2, high: int = 3) -> str:
    """A made-up name part: mostly a real word used as a name ("Birch"), else invented syllables
    ("Zeltorshen"). Single-wordpiece parts make matching the question's entity learnable for a
    small model trained for minutes; the syllable names keep it honest about unseen names."""
    if rng.random() < NAME_WORD_SHARE:
        return rng.choice(NAME_WORDS).capitalize()
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(low, high))).capitalize()


def _value(rng: random.Random, attr: str) -> str:
    if attr in ("year", "born"):
        return str(rng.randint(1701, 2019))
    if attr == "founder":
        return f"{_word(rng)} {_word(rng)}"
    if attr in ("city", "birthplace"):
        return _word(rng, 2, 4)
    if attr == "product":
        return rng.choice(PRODUCTS)
    if attr == "staff":
        return (
            f"{rng.randint(2, 95)},{rng.randint(0, 999):03d}"
            if rng.random() < 0.5
            else str(rng.randint(12, 950))
        )
    return rng.choice(JOBS)


@dataclass
class _Entity:
    name: str
    facts: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    values: dict[str, str]


def _entity(rng: random.Random, company: bool | None = None) -> _Entity:
    if company is None:
        company = rng.random() < 0.5
    if company:
        name = f"{_word(rng)} {rng.choice(COMPANY_KINDS)}"
        facts = COMPANY_FACTS
    else:
        name = f"{_word(rng)} {_word(rng)}"
        facts = PERSON_FACTS
    attrs = rng.sample(sorted(facts), rng.randint(2, len(facts)))
    return _Entity(name, facts, {a: _value(rng, a) for a in attrs})


def make_example(
    rng: random.Random,
    ident: str,
    max_entities: int = 3,
    unanswerable: float = 0.35,
    same_kind: float = 0.0,
) -> SyntheticExample:
    """One passage of 1..max_entities entities with filler, and one question about it.

    ``unanswerable`` is the share of questions that try to be unanswerable (a few fall back to an
    answerable one); ``same_kind`` the share of passages whose entities are all companies or all
    people, so that an answer of the asked type belongs to several entities and only the name in
    the question tells them apart (the training set uses more of those than the held-out set)."""
    count = rng.randint(1, max_entities)
    if count > 1 and same_kind and rng.random() < same_kind:
        company = rng.random() < 0.5
        entities = [_entity(rng, company) for _ in range(count)]
    else:
        entities = [_entity(rng) for _ in range(count)]
    sentences: list[tuple[str, _Entity | None, str]] = []  # text, entity, attribute
    for entity in entities:
        for attr, value in entity.values.items():
            template = rng.choice(entity.facts[attr][0])
            sentences.append((template.format(e=entity.name, v=value), entity, attr))
    for _ in range(rng.randint(0, 3)):
        sentences.append((rng.choice(FILLER), None, ""))
    rng.shuffle(sentences)
    passage = " ".join(text for text, _, _ in sentences)
    starts = [0]
    for text, _, _ in sentences:
        starts.append(starts[-1] + len(text) + 1)

    def about(entity: _Entity) -> tuple[tuple[int, int], ...]:
        return tuple(
            (starts[i], starts[i] + len(text))
            for i, (text, owner, _) in enumerate(sentences)
            if owner is entity
        )

    target = rng.choice(entities)
    if rng.random() < unanswerable:
        # Unanswerable: ask for something the target lacks but a same-kind entity (or the target
        # under another name) has, so an answer of the right type sits in the passage.
        stated = [(e, a) for e in entities for a in e.values]
        entity, attr = rng.choice(stated)
        missing = [a for a in entity.facts if a not in entity.values]
        others = [e for e in entities if e is not entity and e.facts is entity.facts]
        if others and rng.random() < 0.5:
            absent = [e for e in others if attr not in e.values]
            if absent:
                question = rng.choice(entity.facts[attr][1]).format(e=absent[0].name)
                return SyntheticExample(ident, passage, question, "", -1, "other", about(absent[0]))
        if missing and rng.random() < 0.3:
            question = rng.choice(entity.facts[rng.choice(missing)][1]).format(e=entity.name)
            return SyntheticExample(ident, passage, question, "", -1, "missing", about(entity))
        stranger = (
            f"{_word(rng)} {_word(rng)}"
            if entity.facts is PERSON_FACTS
            else (f"{_word(rng)} {entity.name.split()[-1]}")
        )
        if stranger not in passage:
            question = rng.choice(entity.facts[attr][1]).format(e=stranger)
            return SyntheticExample(ident, passage, question, "", -1, "stranger")
    attr = rng.choice(sorted(target.values))
    value = target.values[attr]
    question = rng.choice(target.facts[attr][1]).format(e=target.name)
    # Locate the value inside the sentence about (target, attr), not an equal value elsewhere.
    for (text, owner, sentence_attr), offset in zip(sentences, starts, strict=False):
        if owner is target and sentence_attr == attr:
            start = offset + text.index(value)
            return SyntheticExample(ident, passage, question, value, start, "answer", about(target))
    raise AssertionError("the answer sentence is always present")


def make_set(
    seed: int,
    count: int,
    prefix: str,
    max_entities: int = 3,
    unanswerable: float = 0.35,
    same_kind: float = 0.0,
) -> list[SyntheticExample]:
    rng = random.Random(seed)
    return [
        make_example(rng, f"{prefix}-{i:04d}", max_entities, unanswerable, same_kind)
        for i in range(count)
    ]


def long_example(
    seed: int, ident: str, entities: int = 14, answerable: bool = True, anywhere: bool = False
) -> SyntheticExample:
    """A passage of many entities (several hundred tokens, often more than one window).

    The question is about one single-entity passage placed after ``entities`` others (the
    answer sits near the end), or at a random place among them with ``anywhere``. With
    ``answerable=False`` that question has no answer (a stranger's or a missing attribute), and
    every window must abstain although each holds answers of the asked type."""
    rng = random.Random(seed)
    while True:
        example = make_example(rng, ident, max_entities=1)
        if bool(example.answer) == answerable:
            break
    padding = [make_example(rng, ident, max_entities=1).passage for _ in range(entities)]
    at = rng.randint(0, entities) if anywhere else entities
    head = "".join(f"{text} " for text in padding[:at])
    tail = "".join(f" {text}" for text in padding[at:])
    start = len(head) + example.answer_start if example.answer else -1
    about = tuple((a + len(head), b + len(head)) for a, b in example.about)
    return SyntheticExample(
        ident,
        head + example.passage + tail,
        example.question,
        example.answer,
        start,
        example.kind,
        about,
    )
