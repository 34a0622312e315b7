"""The evidence-kind registry: a kind registered from outside ``generator/`` needs no edit there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from generator.build import BuildOptions, build_site
from generator.errors import ContentErrors
from generator.evidence import kinds, register, unregister
from tests.conftest import MakeSite, minimal
from tests.fixtures.wordcount_kind import WordCountKind


@pytest.fixture
def wordcount() -> Iterator[WordCountKind]:
    from tests.fixtures import wordcount_kind

    if "wordcount" not in kinds():  # registered at first import; re-register after teardown
        register(wordcount_kind.KIND)
    kind = wordcount_kind.KIND
    assert isinstance(kind, WordCountKind)
    kind.computed.clear()
    yield kind
    unregister("wordcount")


def _with_wordcount(name: str, field: str = "summary") -> str:
    return minimal(name) + f"evidence:\n  wordcount: {{field: {field}}}\n"


def test_builtin_kinds_are_registered_by_name() -> None:
    assert list(kinds())[:2] == ["qa", "corpus"]


def test_a_third_kind_reaches_records_pages_and_files(
    wordcount: WordCountKind, make_site: MakeSite, tmp_path: Path
) -> None:
    content = make_site({"alpha": _with_wordcount("Alpha Model"), "beta": minimal("Beta")})
    out = tmp_path / "out"
    build_site(BuildOptions(content_dir=content, out_dir=out, cache_dir=tmp_path / "cache"))
    page = (out / "model/alpha/index.html").read_text()
    assert '<strong class="wordcount-words">2</strong>' in page  # "A model."
    assert 'href="../../methodology/"' in page  # the kind's template gets the page's link()
    assert orjson.loads((out / "model/alpha/wordcount.json").read_bytes()) == {
        "field": "summary",
        "words": 2,
    }
    assert "wordcount" not in (out / "model/beta/index.html").read_text()
    assert wordcount.computed == ["alpha"]


def test_a_third_kind_reports_problems_in_the_record(
    wordcount: WordCountKind, make_site: MakeSite, tmp_path: Path
) -> None:
    content = make_site({"alpha": _with_wordcount("Alpha", field="license")})
    with pytest.raises(ContentErrors) as caught:
        build_site(BuildOptions(content_dir=content, out_dir=tmp_path / "o", cache_dir=tmp_path))
    messages = [p.format() for p in caught.value.problems]
    assert len(messages) == 1
    assert messages[0].endswith(
        "alpha.yaml:11:22: evidence.wordcount.field: 'license' is not one of summary, name"
    )


def test_unknown_kind_is_an_unknown_field(make_site: MakeSite, tmp_path: Path) -> None:
    content = make_site({"alpha": _with_wordcount("Alpha")})
    with pytest.raises(ContentErrors) as caught:
        build_site(BuildOptions(content_dir=content, out_dir=tmp_path / "o", cache_dir=tmp_path))
    (message,) = [p.format() for p in caught.value.problems]
    assert message.endswith("alpha.yaml:11:3: evidence.wordcount: unknown field")
