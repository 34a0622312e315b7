"""A deterministic, synthetic Pile-format sample: ``python -m tools.corpus_sample``.

The real Pile cannot be downloaded here, so the project writes its own stand-in: documents for
all 22 ``pile_set_name`` values, in a style loosely suggesting each source (prose, code, chat
logs, e-mail headers, arithmetic drills, …), built from a seeded pseudo-word vocabulary. No
third-party text is copied. Document lengths follow each component's published mean document
size (``content/corpus/pile-published.yaml``) divided by ``--scale``; the document count of each
component follows its published weight. The same arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import logging
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import zstandard

from generator.corpus.published import PublishedFigures, load_published

log = logging.getLogger(__name__)

SEED = 20201231  # the Pile's release date
DUPLICATE_RATE = {"Pile-CC": 0.04, "OpenWebText2": 0.03, "Github": 0.05, "StackExchange": 0.02}
_CONSONANTS = "bcdfghjklmnprstvwz"
_VOWELS = "aeiou"
_ACCENTED = "éèüößøåñç"
_FUNCTION_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "with",
    "was",
    "on",
    "be",
    "by",
    "at",
    "this",
    "from",
    "or",
    "an",
]

Style = Callable[[random.Random, "Vocabulary", int], str]


@dataclass(frozen=True)
class Vocabulary:
    words: tuple[str, ...]
    accented: tuple[str, ...]

    @classmethod
    def make(cls, rng: random.Random, size: int = 4000) -> Vocabulary:
        def word(extra: str = "") -> str:
            syllables = rng.choice((1, 2, 2, 3, 3, 4))
            letters = _CONSONANTS + extra
            return "".join(rng.choice(letters) + rng.choice(_VOWELS) for _ in range(syllables))

        words = {word() for _ in range(size)}
        accented = {word(_ACCENTED) for _ in range(size // 4)}
        return cls(tuple(sorted(words)) + tuple(_FUNCTION_WORDS) * 40, tuple(sorted(accented)))


def _sentence(rng: random.Random, vocab: Vocabulary, pool: tuple[str, ...] | None = None) -> str:
    words = rng.choices(pool or vocab.words, k=rng.randint(5, 22))
    if rng.random() < 0.1:  # typographic punctuation, so text is not all ASCII
        at = rng.randrange(len(words))
        words[at] = rng.choice(("“{}”", "‘{}’", "{} —", "{}…")).format(words[at])
    return " ".join(words).capitalize() + rng.choice((".", ".", ".", "?", "!", ";"))


def _fill(rng: random.Random, target: int, unit: Callable[[], str], sep: str = "\n\n") -> str:
    pieces: list[str] = []
    size = 0
    while size < target:
        piece = unit()
        pieces.append(piece)
        size += len(piece) + len(sep)
    return sep.join(pieces)


def prose(rng: random.Random, vocab: Vocabulary, target: int) -> str:
    return _fill(
        rng, target, lambda: " ".join(_sentence(rng, vocab) for _ in range(rng.randint(2, 7)))
    )


def multilingual(rng: random.Random, vocab: Vocabulary, target: int) -> str:
    pool = vocab.words + vocab.accented * 3
    return _fill(rng, target, lambda: " ".join(_sentence(rng, vocab, pool) for _ in range(4)))


def code(rng: random.Random, vocab: Vocabulary, target: int) -> str:
    def function() -> str:
        name, arg, other = rng.sample(vocab.words[:2000], 3)
        body = [f"    {other} = {arg} * {rng.randint(2, 99)} + {rng.randint(0, 9)}"]
        body += [f"    # {_sentence(rng, vocab)}"] if rng.random() < 0.5 else []
        body.append(f"    return {other} if {other} > {rng.randint(0, 500)} else {arg}")
        return f"def {name}_{rng.randint(0, 99)}({arg}):\n" + "\n".join(body)

    return _fill(rng, target, function)


def arithmetic(rng: random.Random, vocab: Vocabulary, target: int) -> str:
    def drill() -> str:
        a, b, c = rng.randint(-99, 999), rng.randint(-99, 99), rng.randint(1, 9)
        return f"Let x = {a} + {b}*{c}. What is x?\n{a + b * c}"

    return _fill(rng, target, drill, "\n")


def chat(rng: random.Random, vocab: Vocabulary, target: int) -> str:
    nicks = rng.sample(vocab.words[:1000], 6)

    def message() -> str:
        stamp = f"[{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}]"
        words = " ".join(rng.choices(vocab.words, k=rng.randint(2, 12)))
        return f"{stamp} <{rng.choice(nicks)}> {words}"

    return _fill(rng, target, message, "\n")


def subtitles(rng: random.Random, vocab: Vocabulary, target: int) -> str:
    return _fill(rng, target, lambda: " ".join(rng.choices(vocab.words, k=rng.randint(2, 9))), "\n")


def email(rng: random.Random, vocab: Vocabulary, target: int) -> str:
    sender, receiver = rng.sample(vocab.words[:1000], 2)
    head = (
        f"From: {sender}@example.com\nTo: {receiver}@example.com\nSubject: {_sentence(rng, vocab)}"
    )
    return head + "\n\n" + prose(rng, vocab, max(target - len(head), 1))


def qa(rng: random.Random, vocab: Vocabulary, target: int) -> str:
    question = prose(rng, vocab, max(target // 3, 1))
    return f"Q:\n\n{_sentence(rng, vocab)}\n\n{question}\n\nA:\n\n" + prose(
        rng, vocab, max(target - len(question), 1)
    )


def latex(rng: random.Random, vocab: Vocabulary, target: int) -> str:
    def section() -> str:
        symbol = rng.choice("xyzk")
        formula = f"$\\sum_{{{symbol}=1}}^{{{rng.randint(2, 50)}}} {symbol}^{rng.randint(2, 4)}$"
        return f"\\section{{{rng.choice(vocab.words).title()}}}\n{prose(rng, vocab, 300)} {formula}"

    return _fill(rng, target, section)


STYLES: dict[str, Style] = {
    "Github": code,
    "DM Mathematics": arithmetic,
    "Ubuntu IRC": chat,
    "OpenSubtitles": subtitles,
    "YoutubeSubtitles": subtitles,
    "Enron Emails": email,
    "StackExchange": qa,
    "ArXiv": latex,
    "EuroParl": multilingual,
}


def generate_documents(
    published: PublishedFigures, scale: float, total_bytes: int, seed: int = SEED
) -> Iterator[tuple[str, str]]:
    """``(pile_set_name, text)`` pairs, component after component, deterministically."""
    vocab = Vocabulary.make(random.Random(seed))
    for index, component in enumerate(published.components.values()):
        rng = random.Random(seed * 1000 + index)
        mean = max((component.mean_document_kib or 4.0) * 1024 / scale, 64.0)
        weight = (component.weight_percent or 1.0) / 100
        count = max(3, round(total_bytes * weight / mean))
        style = STYLES.get(component.name, prose)
        sigma = 0.6
        mu = math.log(mean) - sigma * sigma / 2  # log-normal lengths with the published mean
        dup_rate = DUPLICATE_RATE.get(component.name, 0.0)
        made: list[str] = []
        for _ in range(count):
            if made and rng.random() < dup_rate:
                text = rng.choice(made)  # an exact duplicate, as crawled corpora have
            else:
                text = style(rng, vocab, max(1, int(rng.lognormvariate(mu, sigma))))
                if len(made) < 64:
                    made.append(text)
            yield component.name, text


def encode_line(name: str, text: str) -> bytes:
    return orjson.dumps({"text": text, "meta": {"pile_set_name": name}}) + b"\n"


def write_sample(
    published: PublishedFigures,
    out_dir: Path,
    shards: int = 4,
    scale: float = 8.0,
    total_bytes: int = 4 << 20,
    level: int = 10,
) -> list[Path]:
    """Write ``shards`` ``.jsonl.zst`` files with the documents shuffled among them."""
    lines = [encode_line(n, t) for n, t in generate_documents(published, scale, total_bytes)]
    random.Random(SEED).shuffle(lines)
    out_dir.mkdir(parents=True, exist_ok=True)
    compressor = zstandard.ZstdCompressor(level=level, write_checksum=True)
    paths = []
    for shard in range(shards):
        path = out_dir / f"{shard:02d}.jsonl.zst"
        data = b"".join(lines[shard::shards])
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(compressor.compress(data))
        tmp.replace(path)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--published", type=Path, default=Path("content/corpus/pile-published.yaml")
    )
    parser.add_argument("--out", type=Path, default=Path("content/corpus/pile-sample"))
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument(
        "--scale", type=float, default=8.0, help="divide mean document sizes by this"
    )
    parser.add_argument("--total-mb", type=float, default=4.0, help="approximate uncompressed size")
    args = parser.parse_args(argv)
    paths = write_sample(
        load_published(args.published),
        args.out,
        args.shards,
        args.scale,
        int(args.total_mb * 2**20),
    )
    for path in paths:
        print(f"{path}  {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
