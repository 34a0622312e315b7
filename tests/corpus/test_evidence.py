"""The build's seam: cached by content, errors that name the record, and the rendered partial."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import markupsafe
import pytest

import generator.corpus.evidence as evidence_module
from generator.cache import ContentCache
from generator.corpus.errors import CorpusError
from generator.corpus.evidence import CorpusEvidenceResult, compute_corpus_evidence
from generator.corpus.published import load_published
from generator.corpus.spec import CorpusEvidenceSpec
from generator.errors import ContentErrors
from generator.evidence import EvidenceEnv
from tests.corpus.helpers import NAMES, encode, make_docs, reference_figures

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = ROOT / "content" / "corpus" / "pile-published.yaml"


@pytest.fixture
def env(tmp_path: Path) -> EvidenceEnv:
    content = tmp_path / "content"
    (content / "corpus" / "shards").mkdir(parents=True)
    return EvidenceEnv(
        project_root=ROOT,
        content_dir=content,
        cache=ContentCache(tmp_path / "cache"),
        node_modules=tmp_path / "node_modules",
    )


def spec(
    *globs: str, published: Path | None = PUBLISHED, note: str | None = "A sample."
) -> CorpusEvidenceSpec:
    return CorpusEvidenceSpec(
        record="content/artifacts/the-pile.yaml",
        slug="the-pile",
        shards=globs or ("corpus/shards/*.jsonl",),
        published=published,
        sample_note=note,
    )


def write(env: EvidenceEnv, name: str, seed: int) -> list[tuple[str, str]]:
    docs = make_docs(80, seed=seed)
    (env.content_dir / "corpus" / "shards" / name).write_bytes(encode(docs))
    return docs


def test_an_unchanged_rebuild_computes_nothing(
    env: EvidenceEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = write(env, "a.jsonl", 1) + write(env, "b.jsonl", 2)
    first = compute_corpus_evidence(spec(), env)
    assert (env.cache.hits, env.cache.misses) == (0, 1)
    assert first.stats.total.bytes == reference_figures(docs).bytes

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("statistics recomputed on an unchanged rebuild")

    monkeypatch.setattr(evidence_module, "compute_corpus_stats", must_not_run)
    # A fresh cache object over the same folder, as a second build would open it.
    second_env = EvidenceEnv(
        env.project_root, env.content_dir, ContentCache(env.cache.root), env.node_modules
    )
    second = compute_corpus_evidence(spec(), second_env)
    assert (second_env.cache.hits, second_env.cache.misses) == (1, 0)
    assert second.to_json() == first.to_json()


def test_a_changed_shard_is_measured_again(env: EvidenceEnv) -> None:
    write(env, "a.jsonl", 1)
    compute_corpus_evidence(spec(), env)
    docs = write(env, "a.jsonl", 5)
    again = compute_corpus_evidence(spec(), env)
    assert env.cache.misses == 2
    assert again.stats.total.documents == len(docs)


def test_a_glob_that_matches_nothing_names_record_and_glob(env: EvidenceEnv) -> None:
    with pytest.raises(CorpusError) as caught:
        compute_corpus_evidence(spec("corpus/nothing/*.jsonl.zst"), env)
    assert str(caught.value) == (
        "content/artifacts/the-pile.yaml: evidence.corpus.shards: "
        "corpus/nothing/*.jsonl.zst: the glob matched no files"
    )


def test_a_bad_shard_names_the_record_and_the_line(env: EvidenceEnv) -> None:
    (env.content_dir / "corpus" / "shards" / "a.jsonl").write_bytes(b'{"text": "x"}\n')
    with pytest.raises(CorpusError) as caught:
        compute_corpus_evidence(spec(), env)
    assert str(caught.value).startswith(
        "content/artifacts/the-pile.yaml: evidence.corpus: corpus/shards/a.jsonl:1: "
        'no "meta.pile_set_name" field'
    )
    assert env.cache.misses == 1 and not list(env.cache.root.rglob("*.json"))  # nothing stored


def test_published_yaml_errors_carry_file_and_line(env: EvidenceEnv, tmp_path: Path) -> None:
    write(env, "a.jsonl", 1)
    bad = tmp_path / "published.yaml"
    bad.write_text(
        "source: {title: T, authors: A, year: 2020, table: T1, url: u}\n"
        "components:\n"
        "  - {name: Pile-CC, weight_percent: lots}\n"
        "  - {name: Github, epoch: 1}\n"
        "total: {}\n"
    )
    with pytest.raises(ContentErrors) as caught:
        compute_corpus_evidence(spec(published=bad), env)
    text = caught.value.format()
    assert re.search(
        r"published\.yaml:3:\d+: components\[0\]\.weight_percent: expected a number", text
    )
    assert re.search(r"published\.yaml:4:\d+: components\[1\]\.epoch: unknown key", text)


def test_json_twin_has_the_cli_shape_plus_published(env: EvidenceEnv) -> None:
    write(env, "a.jsonl", 1)
    result = compute_corpus_evidence(spec(), env)
    data = result.to_json()
    assert set(data) == {"total", "subsets", "files", "published", "sample_note"}
    assert data["files"][0]["path"] == "corpus/shards/a.jsonl"  # relative to content/
    assert data["published"]["components"]["Pile-CC"]["weight_percent"] == 18.11


def render(result: CorpusEvidenceResult) -> str:
    loader = jinja2.FileSystemLoader(ROOT / "templates")
    jinja = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    return jinja.get_template("partials/corpus_evidence.html").render(corpus=result)


def test_the_partial_shows_sample_and_published_side_by_side(env: EvidenceEnv) -> None:
    docs = write(env, "a.jsonl", 1)
    result = compute_corpus_evidence(spec(note="Synthetic <b>sample</b> & more."), env)
    html = render(result)
    assert "These are the statistics of the small sample shipped with this site" in html
    assert "Synthetic &lt;b&gt;sample&lt;/b&gt; &amp; more." in html  # autoescaped
    published = load_published(PUBLISHED)
    for name in published.components:  # every published row, measured or not
        assert f'<th scope="row">{markupsafe.escape(name)}</th>' in html
    assert html.count("not in the shards") == len(published.components) - len(NAMES)
    assert f"<td>{len(docs):,}</td>" in html  # the measured total
    assert '<td class="corpus-published">227.12</td>' in html  # Pile-CC raw size, published
    assert '<td class="corpus-published">unknown</td>' in html  # total raw size: not verified
    assert re.search(
        r"<svg role=\"img\" aria-labelledby=\"corpus-chart-title corpus-chart-desc\"", html
    )
    assert '<title id="corpus-chart-title">' in html and '<desc id="corpus-chart-desc">' in html
    assert html.count('class="corpus-bar corpus-bar--published"') == len(published.components)


def test_without_a_sample_note_the_page_does_not_call_it_a_sample(env: EvidenceEnv) -> None:
    write(env, "a.jsonl", 1)
    html = render(compute_corpus_evidence(spec(note=None, published=None), env))
    assert "sample" not in html.lower()
    assert "Published" not in html
    assert (
        html.count("<tr>") == 2 + len(NAMES) + 1 + 1 + 1
    )  # subset head, body, foot; files head, body
