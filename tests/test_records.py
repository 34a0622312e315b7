"""Validation of records: every problem reported at once, with exact file:line:col messages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.errors import ContentErrors
from generator.site import load_site
from tests.conftest import BASIC, MakeSite, minimal


def problems_of(content: Path) -> list[str]:
    with pytest.raises(ContentErrors) as info:
        load_site(content)
    return [p.format() for p in info.value.problems]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages show paths relative to the working directory; make that predictable."""
    monkeypatch.chdir(tmp_path)


def rel(content: Path, slug: str) -> str:
    return os.path.relpath(content / "artifacts" / f"{slug}.yaml")


def test_fixture_site_loads(basic_content: Path) -> None:
    site = load_site(basic_content)
    assert [a.slug for a in site.records] == ["alpha-qa", "beta-qa", "gamma-corpus"]
    alpha = site.by_slug("alpha-qa")
    assert alpha.signals["f1"].value == 80
    assert alpha.capabilities[0].id == "span-extraction"
    assert site.by_slug("beta-qa").signals["formats"].value is None


def test_every_problem_reported_with_position(make_site: MakeSite) -> None:
    content = make_site(
        {
            "ok": minimal("OK"),
            "bad": """\
                name: Bad
                kind: robot
                summary: 12
                licence: MIT
                signals:
                  f1: {value: high, source: x}
                  stars: {value: 3, source: y}
                  downloads: {value: 10}
                compare_with: [nowhere]
                capabilities:
                  - id: Not A Slug
                    title: T
                    description: D
                    unique: U
                    vs_alternatives: V
                  - id: two
                    title: T
                    description: D
                    unique: U
            """,
        }
    )
    bad = rel(content, "bad")
    assert problems_of(content) == [
        f"{bad}:2:7: kind: 'robot' is not a kind in site.yaml (model, dataset)",
        f"{bad}:3:10: summary: expected text, got a number",
        f"{bad}:4:1: licence: unknown field (did you mean 'license'?)",
        f"{bad}:6:15: signals.f1.value: expected a number, got text",
        f"{bad}:7:3: signals.stars: unknown signal (site.yaml defines: documented, downloads, "
        "f1, formats)",
        f"{bad}:8:14: signals.downloads.source: a known value needs its source",
        f"{bad}:9:16: compare_with[0]: no artifact with slug 'nowhere'",
        f"{bad}:11:9: capabilities[0].id: 'Not A Slug' is not a valid slug (lower-case "
        "letters, digits and single hyphens)",
        f"{bad}:16:5: capabilities[1].vs_alternatives: field required",
    ]


def test_yaml_syntax_error_has_position(make_site: MakeSite) -> None:
    content = make_site({"broken": "name: [unclosed\nkind: model\n"})
    (message,) = problems_of(content)
    assert message == (
        f"{rel(content, 'broken')}:2:5: YAML syntax error: expected ',' or ']', but got ':'"
    )


def test_duplicate_key_and_duplicate_name(make_site: MakeSite) -> None:
    content = make_site(
        {
            "one": minimal("Same") + "pricing: Free\npricing: Paid\n",
            "two": minimal("same"),
        }
    )
    assert problems_of(content) == [
        f"{rel(content, 'one')}:11:1: pricing: duplicate key",
        f"{rel(content, 'two')}:1:7: name: duplicate name: also used by {rel(content, 'one')}",
    ]


def test_unsafe_slugs_are_refused(make_site: MakeSite) -> None:
    content = make_site({"a-vs-b": minimal("A"), "Upper": minimal("U"), "ok": minimal("OK")})
    messages = problems_of(content)
    assert len(messages) == 2
    assert all("<file name>: " in m and "is not a safe slug" in m for m in messages)


def test_duplicate_slug_across_extensions(make_site: MakeSite) -> None:
    content = make_site({"same": minimal("One")})
    (content / "artifacts" / "same.yml").write_text(minimal("Two"))
    (message,) = problems_of(content)
    assert message.endswith(f"<file name>: duplicate slug 'same': also {rel(content, 'same')}")


def test_evidence_paths_must_stay_inside_content(make_site: MakeSite, tmp_path: Path) -> None:
    (tmp_path / "secret.yaml").write_text("x: 1\n")
    content = make_site(
        {
            "m": minimal("M")
            + "evidence:\n  qa:\n    model: some/model\n    examples: [../secret.yaml, nope.yaml]\n"
        }
    )
    messages = problems_of(content)
    assert [m.split(": ", 2)[1:] for m in messages] == [
        ["evidence.qa.examples[0]", "'../secret.yaml' is outside the content folder"],
        ["evidence.qa.examples[1]", f"file 'nope.yaml' not found in {os.path.relpath(content)}"],
    ]


def test_unknown_signal_value_is_not_zero(make_site: MakeSite) -> None:
    content = make_site(
        {
            "m": minimal("M")
            + "signals:\n  f1: {value: unknown}\n  downloads: {value: 0, source: s}\n"
        }
    )
    site = load_site(content)
    signals = site.by_slug("m").signals
    assert signals["f1"].value is None
    assert signals["downloads"].value == 0.0


def test_signal_for_another_kind_warns_and_is_ignored(
    make_site: MakeSite, caplog: pytest.LogCaptureFixture
) -> None:
    content = make_site({"m": minimal("M") + "signals:\n  documented: {value: 1, source: s}\n"})
    site = load_site(content)
    assert (
        "site/artifacts/m.yaml:11:3: signals.documented: this signal applies to dataset only; "
        "it is ignored for a model"
    ) in caplog.text
    quality = site.scores["m"].dimensions["quality"]
    assert [p.id for p in quality.parts] == ["f1"]


def test_binary_signal_takes_only_yes_or_no(make_site: MakeSite) -> None:
    site_yaml = (
        (BASIC / "site.yaml")
        .read_text()
        .replace(
            "formats: {dimension: ecosystem, label: Formats, unit: formats, range: [0, 20], "
            "scale: linear, full_at: 4}",
            "formats: {dimension: ecosystem, label: Formats, scale: binary}",
        )
    )
    content = make_site(
        {"m": minimal("M") + "signals:\n  formats: {value: 3, source: s}\n"}, site_yaml
    )
    assert problems_of(content) == [
        "site/artifacts/m.yaml:11:20: signals.formats.value: a yes/no signal is 0, 1 or unknown"
    ]


def test_evidence_inputs_are_checked_with_the_records(make_site: MakeSite) -> None:
    content = make_site(
        {
            "m": minimal("M")
            + "evidence:\n  qa:\n    model: some/model\n    examples: [qa.yaml]\n",
            "d": minimal("D").replace("kind: model", "kind: dataset")
            + "evidence:\n  corpus:\n    shards: ['shards/*.jsonl.zst']\n",
        }
    )
    (content / "qa.yaml").write_text("examples:\n  - question: What?\n    answers: [x]\n")
    messages = problems_of(content)
    assert len(messages) >= 2
    assert messages[0].startswith("site/artifacts/d.yaml:") and (
        "evidence.corpus.shards[0]: shards/*.jsonl.zst: the glob matched no files" in messages[0]
    )
    assert any(m.startswith("site/qa.yaml:2:") for m in messages)
