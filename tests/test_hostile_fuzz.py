"""A fuzzer over record structure (issue 15): whatever shape a record has, loading the site
either succeeds or raises ContentErrors whose every problem is located; no other exception.

Records are drawn by hypothesis from the record schema with every field sometimes replaced by
an arbitrary YAML value (huge integers, NaN, dates, nested lists and mappings, text with
invisible and right-to-left characters), written with PyYAML, and loaded in-process. A second
property mutates the bytes of a valid record. A third builds the site from records of the
right shape with arbitrary text, so templates and escaping see hostile names and Markdown.
The example budget is fixed and the runs derandomized, so CI runs the same examples each time.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import build_site
from generator.errors import ContentErrors
from generator.options import BuildOptions
from generator.site import load_site
from tests.conftest import BASIC

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Text as editors might paste it: letters of any script, invisible and bidi characters,
# Markdown and HTML punctuation.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=["Cs"]),
        st.sampled_from(list("<>&\"'[]()*_`#!\\\n\t \u200b\u202e\u2066\u0627\u05d0é")),
    ),
    max_size=40,
)


class BadDate(str):
    """A date-shaped scalar written unquoted, as an editor would (``2024-13-45``)."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    BadDate,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:timestamp", str(value)),
)

# Values at the edges of what YAML can say and a float can hold.
EDGES = st.sampled_from(
    [
        10**400,
        -(10**309),
        float("nan"),
        float("inf"),
        float("-inf"),
        1e308,
        BadDate("2024-13-45"),
        BadDate("2024-02-30"),
        BadDate("2024-01-01T25:00:00"),
        "",
        " ",
        "\u202e",
    ]
)
SCALARS = st.one_of(
    EDGES,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(),
)
ANY = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.one_of(TEXT, st.integers(), st.booleans()), inner, max_size=4)
    ),
    max_leaves=12,
)


def maybe(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a value of the right shape, sometimes anything at all."""
    return st.one_of(valid, valid, ANY)


SLUGS = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
CAPABILITY = st.fixed_dictionaries(
    {
        "id": maybe(SLUGS),
        "title": maybe(TEXT),
        "description": maybe(TEXT),
        "unique": maybe(TEXT),
        "vs_alternatives": maybe(TEXT),
    }
)
SIGNAL = st.fixed_dictionaries(
    {"value": maybe(st.one_of(st.floats(0, 100), st.just("unknown"), EDGES))},
    optional={"source": maybe(TEXT), "as_of": maybe(st.dates() | EDGES), "note": maybe(TEXT)},
)
RECORD = st.fixed_dictionaries(
    {
        "name": maybe(TEXT),
        "kind": maybe(st.sampled_from(["model", "dataset", "robot"])),
        "summary": maybe(TEXT),
        "capabilities": maybe(st.lists(maybe(CAPABILITY), max_size=3)),
    },
    optional={
        "homepage": maybe(st.sampled_from(["https://example.org/", "javascript:alert(1)"])),
        "license": maybe(TEXT),
        "pricing": maybe(TEXT),
        "facts": maybe(
            st.lists(
                st.fixed_dictionaries(
                    {"label": maybe(TEXT), "value": maybe(TEXT), "source": maybe(TEXT)}
                ),
                max_size=2,
            )
        ),
        "signals": maybe(st.dictionaries(st.sampled_from(["f1", "downloads", "nope"]), SIGNAL)),
        "compare_with": maybe(st.lists(st.sampled_from(["alpha-qa", "beta-qa", "x"]))),
        "evidence": ANY,
        "colour": ANY,
    },
)


@pytest.fixture(scope="module")
def content() -> Iterator[Path]:
    """A private copy of the basic fixture site; each example rewrites one record in it."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "content"
        shutil.copytree(BASIC, target)
        yield target


def _assert_located(content: Path) -> None:
    try:
        load_site(content)
    except ContentErrors as exc:
        assert exc.problems
        for problem in exc.problems:
            assert Path(problem.path).name.endswith(".yaml"), problem
            assert problem.line >= 1 and problem.col >= 1, problem
            assert problem.message.strip(), problem


def _dump(record: Any) -> str:
    text: str = yaml.dump(record, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    return text


@FUZZ
@given(record=RECORD)
def test_any_record_structure_gives_located_problems(content: Path, record: Any) -> None:
    (content / "artifacts" / "fuzz.yaml").write_text(_dump(record), encoding="utf-8")
    _assert_located(content)


@settings(FUZZ, max_examples=100)
@given(
    at=st.integers(min_value=0, max_value=10_000),
    cut=st.integers(min_value=0, max_value=8),
    insert=st.binary(max_size=8),
)
def test_any_bytes_give_located_problems(content: Path, at: int, cut: int, insert: bytes) -> None:
    data = (BASIC / "artifacts" / "alpha-qa.yaml").read_bytes()
    at %= len(data) + 1
    (content / "artifacts" / "alpha-qa.yaml").write_bytes(data[:at] + insert + data[at + cut :])
    try:
        _assert_located(content)
    finally:
        shutil.copy(BASIC / "artifacts" / "alpha-qa.yaml", content / "artifacts" / "alpha-qa.yaml")


def _capability_id(capability: Any) -> Any:
    return capability["id"]


WELL_SHAPED = st.fixed_dictionaries(
    {
        "name": TEXT.filter(lambda t: t.strip() and "\n" not in t and "\t" not in t),
        "kind": st.just("model"),
        "summary": TEXT.filter(str.strip),
        "capabilities": st.lists(
            st.fixed_dictionaries(
                {
                    "id": SLUGS,
                    "title": TEXT.filter(str.strip),
                    "description": TEXT.filter(str.strip),
                    "unique": TEXT.filter(str.strip),
                    "vs_alternatives": TEXT.filter(str.strip),
                }
            ),
            min_size=1,
            max_size=2,
            unique_by=_capability_id,
        ),
        "compare_with": st.just(["alpha-qa"]),
    }
)


@settings(FUZZ, max_examples=12)
@given(record=WELL_SHAPED)
def test_records_with_hostile_text_build(content: Path, record: Any) -> None:
    """A record that validates also renders: names, Markdown and summaries of any text."""
    (content / "artifacts" / "fuzz.yaml").write_text(_dump(record), encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        options = BuildOptions(
            content_dir=content,
            out_dir=Path(tmp) / "out",
            cache_dir=Path(tmp) / "cache",
            incremental=False,
            progress=False,
        )
        try:
            report = build_site(options)
        except ContentErrors as exc:  # e.g. a name already taken, a name of control characters
            assert all(p.line >= 1 for p in exc.problems)
            return
        assert report.files > 0
        page = (Path(tmp) / "out" / "model" / "fuzz" / "index.html").read_text(encoding="utf-8")
        assert "<h1><bdi>" in page
