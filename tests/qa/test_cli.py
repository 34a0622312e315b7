"""``python build.py qa``: JSON for scripts, a table for people, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.cli import main
from generator.qa.resolve import BUNDLED_DIR

ROOT = Path(__file__).resolve().parents[2]
MODEL = str(ROOT / BUNDLED_DIR)
PASSAGE = "Birch Works was founded in 1873. Kalo Systems is based in Fenrakdor."


def test_single_question_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "qa",
            "--model",
            MODEL,
            "--question",
            "When was Birch Works founded?",
            "--passage",
            PASSAGE,
            "--format",
            "json",
        ]
    )
    assert code == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["answer"] == "1873" and (row["start"], row["end"]) == (27, 31)
    assert row["abstained"] is False and row["score"] > row["null_score"]
    assert row["model"] == MODEL and len(row["model_sha256"]) == 64


def test_example_set_as_table(capsys: pytest.CaptureFixture[str]) -> None:
    examples = ROOT / "content" / "qa" / "real-topics-eval.yaml"
    assert main(["qa", "--model", MODEL, "--examples", str(examples)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"model: {MODEL} (sha256 ")
    assert "no answer" in out and "totals  all: EM" in out and "ms/question" in out


def test_example_set_as_json_has_scores(capsys: pytest.CaptureFixture[str]) -> None:
    examples = ROOT / "content" / "qa" / "science-and-history.yaml"
    assert main(["qa", "--model", MODEL, "--examples", str(examples), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) >= 20
    assert {
        "id",
        "answer",
        "start",
        "end",
        "score",
        "null_score",
        "abstained",
        "model",
        "model_sha256",
        "exact",
        "f1",
        "expected",
    } <= set(rows[0])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--question", "  ", "--passage", PASSAGE], "error: --question: is empty"),
        (["--question", "Who?", "--passage", ""], "error: --passage: is empty"),
        (["--question", "Who?"], "error: --question needs --passage"),
        (
            ["--model", "nobody/no-such-model", "--question", "Who?", "--passage", "x"],
            "error: model 'nobody/no-such-model' is not in",
        ),
        (
            ["--model", "no/such/dir", "--question", "Who?", "--passage", "x"],
            "error: model 'no/such/dir': no such folder, and not a hub id; see docs/qa.md",
        ),
    ],
)
def test_errors_exit_1_without_traceback(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    args = ["qa", *(["--model", MODEL] if "--model" not in argv else []), *argv]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and "Traceback" not in err


def test_bad_example_file_is_reported_with_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("examples:\n  - id: x\n    passage: p\n    question: ''\n    answers: [p]\n")
    assert main(["qa", "--model", MODEL, "--examples", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:4:15: examples[0].question: is empty" in err
