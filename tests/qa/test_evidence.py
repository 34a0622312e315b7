"""Build-time QA evidence: model choice and fallback, the cache, bad model files, the partial."""

from __future__ import annotations

import json
import logging
import shutil
import textwrap
from pathlib import Path

import jinja2
import pytest

from generator.cache import ContentCache
from generator.errors import ContentErrors, UserError
from generator.evidence import EvidenceEnv
from generator.qa import backend as backend_module
from generator.qa.evidence import compute_qa_evidence
from generator.qa.resolve import BUNDLED_DIR, BUNDLED_NAME
from generator.qa.spec import QAEvidenceSpec

ROOT = Path(__file__).resolve().parents[2]
HUB_ID = "csarron/mobilebert-uncased-squad-v2"
SMALL_SET = """\
title: Small set
passages:
  p: >-
    Birch Works was founded in 1873. Birch Works was started by <Amira Holt>.
    Maple Systems is based in Glen. Many visitors arrive there every summer.
examples:
  - id: year
    passage_id: p
    question: When was Birch Works founded?
    answers: ["1873"]
  - id: founder
    passage_id: p
    question: Who founded Birch Works?
    answers: [Amira Holt]
  - id: maple-staff
    passage_id: p
    question: How many people work at Maple Systems?
    unanswerable: true
"""


@pytest.fixture
def env(tmp_path: Path) -> EvidenceEnv:
    return EvidenceEnv(
        ROOT, tmp_path / "content", ContentCache(tmp_path / "cache"), tmp_path / "nm"
    )


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_SET, encoding="utf-8")
    return path


def _spec(model: str, examples: Path) -> QAEvidenceSpec:
    return QAEvidenceSpec("content/artifacts/m.yaml", "m", model, (examples,))


def _copy_bundled(target: Path) -> Path:
    shutil.copytree(ROOT / BUNDLED_DIR, target)
    return target


def test_bundled_model_by_path(
    env: EvidenceEnv, examples: Path, caplog: pytest.LogCaptureFixture
) -> None:
    result = compute_qa_evidence(_spec(str(BUNDLED_DIR), examples), env)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert result.bundled and result.model_name == BUNDLED_NAME and result.fallback_reason is None
    assert result.onnx_path == ROOT / BUNDLED_DIR / "onnx" / "model.int8.onnx"
    assert result.tokenizer_path == ROOT / BUNDLED_DIR / "tokenizer.json"
    rows = {e.id: e for e in result.sets[0].examples}
    assert (rows["year"].before[-5:], rows["year"].highlight) == ("d in ", "1873")
    # "Who founded" gets the year from the bundled model (docs/qa.md, its limits)
    assert rows["founder"].answerable and not rows["founder"].abstained
    assert rows["maple-staff"].abstained and rows["maple-staff"].highlight == ""
    assert rows["maple-staff"].before == rows["maple-staff"].passage
    data = result.to_json()
    assert data["model"]["name"] == BUNDLED_NAME and data["model"]["sha256"] == result.model_sha256
    assert data["totals"]["all"]["count"] == 3 and data["latency"]["questions"] == 3


def test_missing_model_warns_once_and_names_the_bundled_model(
    env: EvidenceEnv,
    examples: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-hub"))
    result = compute_qa_evidence(_spec(HUB_ID, examples), env)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == [
        f"content/artifacts/m.yaml: QA model {HUB_ID} is not available (model '{HUB_ID}' is not "
        f"in {tmp_path / 'empty-hub'}; see docs/qa.md for how to provide it); using the bundled "
        f"stand-in {BUNDLED_NAME} instead, and the page says so"
    ]
    assert result.bundled and result.model_name == BUNDLED_NAME
    assert result.to_json()["model"]["configured"] == HUB_ID
    assert result.to_json()["model"]["fallback_reason"] is not None


def test_second_run_with_nothing_changed_runs_no_inference(
    env: EvidenceEnv, examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = compute_qa_evidence(_spec(str(BUNDLED_DIR), examples), env)
    assert (env.cache.misses, env.cache.hits) == (1, 0)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("inference ran on a cache hit")

    monkeypatch.setattr(backend_module.OnnxBackend, "__init__", refuse)
    second = compute_qa_evidence(_spec(str(BUNDLED_DIR), examples), env)
    assert (env.cache.misses, env.cache.hits) == (1, 1)
    assert second.to_json() == first.to_json()  # latency included: builds stay byte-identical
    # Changing the examples changes the key.
    examples.write_text(SMALL_SET.replace("every summer", "each summer"), encoding="utf-8")
    monkeypatch.undo()
    compute_qa_evidence(_spec(str(BUNDLED_DIR), examples), env)
    assert env.cache.misses == 2


def test_hub_id_resolves_from_the_hugging_face_cache(
    env: EvidenceEnv,
    examples: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The real-checkpoint path, with the bundled checkpoint standing in for csarron's."""
    hub = tmp_path / "hub"
    repo = hub / ("models--" + HUB_ID.replace("/", "--"))
    commit = "0123456789abcdef0123456789abcdef01234567"
    _copy_bundled(repo / "snapshots" / commit)
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setenv("HF_HUB_CACHE", str(hub))
    result = compute_qa_evidence(_spec(HUB_ID, examples), env)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert result.model_name == HUB_ID and not result.bundled
    assert result.onnx_path == repo / "snapshots" / commit / "onnx" / "model.int8.onnx"
    assert result.sets[0].examples[0].answer == "1873"


def test_checkpoint_with_only_vocab_txt_gets_a_tokenizer(
    env: EvidenceEnv, examples: Path, tmp_path: Path
) -> None:
    model = _copy_bundled(tmp_path / "model")
    table = json.loads((model / "tokenizer.json").read_text())["model"]["vocab"]
    words = sorted(table, key=table.__getitem__)
    (model / "vocab.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    (model / "tokenizer.json").unlink()
    result = compute_qa_evidence(_spec(str(model), examples), env)
    assert result.tokenizer_path == model / "onnx" / "tokenizer.json"
    reference = compute_qa_evidence(_spec(str(_copy_bundled(tmp_path / "ref")), examples), env)
    assert [e.answer for e in result.sets[0].examples] == [
        e.answer for e in reference.sets[0].examples
    ]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_corrupt_onnx_is_a_clear_error(
    env: EvidenceEnv, examples: Path, tmp_path: Path, damage: str
) -> None:
    model = _copy_bundled(tmp_path / "model")
    onnx = model / "onnx" / "model.int8.onnx"
    data = onnx.read_bytes()
    onnx.write_bytes(
        {"garbage": b"not a model" * 10, "truncated": data[: len(data) // 2], "empty": b""}[damage]
    )
    with pytest.raises(
        UserError, match=rf"^{onnx}: not a loadable ONNX model \(corrupt or truncated\?\)"
    ):
        compute_qa_evidence(_spec(str(model), examples), env)


def test_missing_tokenizer_is_a_clear_error(
    env: EvidenceEnv, examples: Path, tmp_path: Path
) -> None:
    model = _copy_bundled(tmp_path / "model")
    (model / "tokenizer.json").unlink()
    with pytest.raises(UserError) as info:
        compute_qa_evidence(_spec(str(model), examples), env)
    assert str(info.value) == (
        f"{model / 'tokenizer.json'}: tokenizer file not found (and no vocab.txt to build one from)"
    )


def test_bad_examples_are_located_and_earlier_results_survive(
    env: EvidenceEnv, examples: Path, tmp_path: Path
) -> None:
    compute_qa_evidence(_spec(str(BUNDLED_DIR), examples), env)
    cached = sorted(p.name for p in (env.cache.root / "qa").iterdir())
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        textwrap.dedent(f"""\
        examples:
          - id: long
            passage: Short passage.
            question: {"why " * 65}
            answers: [Short]
          - id: fine
            passage: "🚀 Ünïcödé passage about Malmö."
            question: "Where? 🤔"
            answers: [Malmö]
        """),
        encoding="utf-8",
    )
    with pytest.raises(ContentErrors) as info:
        compute_qa_evidence(_spec(str(BUNDLED_DIR), bad), env)
    assert info.value.format() == (
        f"{bad}:4:15: examples[0].question: question is 65 tokens long; the limit is 64 "
        "(max_question_tokens)"
    )
    assert sorted(p.name for p in (env.cache.root / "qa").iterdir()) == cached


def test_partial_renders_highlight_escapes_and_labels(env: EvidenceEnv, examples: Path) -> None:
    result = compute_qa_evidence(_spec("csarron/not-here", examples), env)
    jinja = jinja2.Environment(
        loader=jinja2.FileSystemLoader(ROOT / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    html = jinja.get_template("partials/qa_evidence.html").render(qa=result)
    assert '<mark class="qa-mark">1873</mark>' in html
    assert "&lt;Amira Holt&gt;" in html and "<Amira Holt>" not in html
    assert "no answer" in html and "Stand-in model." in html
    assert "<code>csarron/not-here</code>" in html
    assert f"<code>{result.model_sha256[:12]}</code>" in html


def test_bundled_model_abstains_with_its_own_threshold_and_shows_its_evaluation(
    env: EvidenceEnv, examples: Path, tmp_path: Path
) -> None:
    """A record's null_threshold is tuned for its configured model; the stand-in uses the one
    chosen for it on its validation split, and the page shows its recorded evaluation table."""
    manifest = json.loads((ROOT / BUNDLED_DIR / "onnx" / "manifest.json").read_text())
    spec = QAEvidenceSpec("content/artifacts/m.yaml", "m", "csarron/not-here", (examples,), 7.5)
    result = compute_qa_evidence(spec, env)
    assert result.bundled and result.settings.null_threshold == manifest["null_threshold"]
    rows = manifest["evaluation"]["rows"]
    assert [r.model for r in result.evaluation] == [r["model"] for r in rows]
    assert result.evaluation[0].totals.has_answer.count >= 60
    assert result.to_json()["evaluation"]["set"] == "content/qa/real-topics-eval.yaml"
    jinja = jinja2.Environment(
        loader=jinja2.FileSystemLoader(ROOT / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    html = jinja.get_template("partials/qa_evidence.html").render(qa=result)
    assert 'class="qa-evaluation"' in html and "all-MiniLM-L6-v2" in html
    assert all(r["model"] in html for r in rows)

    # the same files, not bundled (a copy under another path): the record's threshold applies
    other = _copy_bundled(tmp_path / "copy")
    spec = QAEvidenceSpec("content/artifacts/m.yaml", "m", str(other), (examples,), 7.5)
    result = compute_qa_evidence(spec, env)
    assert not result.bundled and result.settings.null_threshold == 7.5
    assert result.evaluation == () and result.to_json()["evaluation"] is None
