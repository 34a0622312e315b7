"""The shared test vectors match the Python implementation and cover what the browser needs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from generator.qa.decoding import decode
from generator.qa.windows import DecodingSettings, Encoded, Window
from tools.qa_vectors import DEFAULT_OUT, build_vectors

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT_OUT.read_text(encoding="utf-8"))
    return data


def test_vectors_are_current(committed: dict[str, Any], bundled_dir: Path) -> None:
    """Regenerate in memory: ids, offsets and answers equal; logits within the tolerance."""
    fresh = build_vectors(bundled_dir)
    assert fresh["model"] == committed["model"], "retrained? run python -m tools.qa_vectors"
    assert fresh["settings"] == committed["settings"]
    assert len(fresh["cases"]) == len(committed["cases"])
    tol = committed["logit_tolerance"]
    for new, old in zip(fresh["cases"], committed["cases"], strict=True):
        assert {k: v for k, v in new.items() if k not in ("windows", "expected")} == {
            k: v for k, v in old.items() if k not in ("windows", "expected")
        }
        for wn, wo in zip(new.get("windows", []), old.get("windows", []), strict=True):
            for key in ("input_ids", "token_type_ids", "context_start", "first", "count"):
                assert wn[key] == wo[key]
            for key in ("start_logits", "end_logits"):
                assert np.allclose(wn[key], wo[key], atol=tol, rtol=0)
        if "expected" in old:
            assert new["expected"]["answer"] == old["expected"]["answer"]
            assert new["expected"]["abstained"] == old["expected"]["abstained"]


def test_vectors_cover_the_hard_cases(committed: dict[str, Any]) -> None:
    cases = {c["id"]: c for c in committed["cases"]}
    assert len(cases["long-passage"]["windows"]) >= 2
    assert cases["unanswerable"]["expected"]["abstained"] is True
    assert cases["answerable"]["expected"]["answer"] == "1989"
    emoji = cases["emoji-before-answer"]
    assert emoji["passage_offsets"] != emoji["passage_offsets_utf16"]  # astral characters
    assert emoji["expected"]["answer"] == "Stockholm"
    assert emoji["expected_utf16"]["start"] == emoji["expected"]["start"] + 1
    second = cases["long-passage-second-window"]
    assert len(second["windows"]) == 2 and second["expected"]["answer"] == "1873"
    assert cases["error-long-question"]["error"]["field"] == "question"
    assert cases["error-empty-passage"]["error"] == {"field": "passage", "message": "is empty"}
    for case in cases.values():
        if "expected" in case and not case["expected"]["abstained"]:
            e = case["expected"]
            assert case["passage"][e["start"] : e["end"]] == e["answer"]
            utf16 = case["passage"].encode("utf-16-le")
            u = case["expected_utf16"]
            assert utf16[2 * u["start"] : 2 * u["end"]].decode("utf-16-le") == e["answer"]


def test_decoding_the_committed_logits_gives_the_committed_answers(
    committed: dict[str, Any],
) -> None:
    """What the browser does: decode from stored logits only, no model."""
    settings = DecodingSettings(**committed["settings"])
    for case in committed["cases"]:
        if "error" in case:
            continue
        tokens = Encoded(
            tuple(case["passage_ids"]), tuple(tuple(o) for o in case["passage_offsets"])
        )
        windows = [
            Window(
                tuple(w["input_ids"]),
                tuple(w["token_type_ids"]),
                w["context_start"],
                w["first"],
                w["count"],
            )
            for w in case["windows"]
        ]
        starts = [np.asarray(w["start_logits"], dtype=np.float32) for w in case["windows"]]
        ends = [np.asarray(w["end_logits"], dtype=np.float32) for w in case["windows"]]
        answer = decode(case["passage"], tokens, windows, starts, ends, settings)
        assert answer.to_json() == case["expected"], case["id"]
