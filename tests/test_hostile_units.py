"""Unit tests behind the hostile-input table (issue 15): names, quoting, Markdown escaping,
the ``--strict`` counter's scope, the YAML limits and the QA export's bounded batches."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from generator.cli import _configure_logging
from generator.errors import Problems
from generator.limits import MAX_YAML_NODES, quote
from generator.markup import plain_text, render_markdown
from generator.names import isolate, name_key, problem_with
from generator.yamlsource import parse_yaml


def test_names_compare_without_case_invisibles_spacing_or_normalisation() -> None:
    assert name_key("Alpha QA") == name_key("alpha\u200b  qa".replace("a\u200b ", "a "))
    assert name_key("Be\u200bta QA") == name_key("Beta QA")
    assert name_key("Caf\u00e9") == name_key("Cafe\u0301")
    assert name_key("Alpha\u00a0QA") == name_key("Alpha QA")
    assert name_key("Alpha QA") != name_key("Alpha QB")


def test_names_refuse_bidi_controls_and_control_characters() -> None:
    assert problem_with("Alpha \u202eQA") == (
        "holds the invisible bidi control U+202E (RIGHT-TO-LEFT OVERRIDE), which can reverse "
        "the text around it; remove it"
    )
    assert problem_with("a\nb") == "must be one line of text, without control characters"
    assert problem_with("\u200b") == "has no visible characters"
    assert problem_with("نموذج") is None


def test_isolate_wraps_right_to_left_text_only() -> None:
    assert isolate("Alpha QA") == "Alpha QA"
    assert isolate("נתונים 1") == "\u2068נתונים 1\u2069"


def test_quote_cuts_and_shows_invisible_characters() -> None:
    assert quote("Be\u200bta") == "'Be\\u200bta'"
    assert quote("x" * 100) == "'" + "x" * 59 + "…'"
    assert quote(10**100) == "1" + "0" * 58 + "…"


def test_plain_text_is_not_html_escaped() -> None:
    assert plain_text("A model for x < y & **z**.") == "A model for x < y & z."


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        (
            "[Click](javascript:alert('x')) for more.",
            '<p><a rel="noopener noreferrer">Click</a> for more.</p>',
        ),
        (
            "[f](https://host/f('a')) then",
            '<p><a href="https://host/f(\'a\')" rel="noopener noreferrer">f</a> then</p>',
        ),
        (
            '[t](https://host/ "A title") then',
            '<p><a href="https://host/" title="A title" rel="noopener noreferrer">t</a> then</p>',
        ),
        (
            "[x](https://host/(a)) t",
            '<p><a href="https://host/(a)" rel="noopener noreferrer">x</a> t</p>',
        ),
        ("[x](https://host/f(  t", "<p>[x](https://host/f(  t</p>"),
    ],
)
def test_link_destinations_read_as_commonmark(markdown: str, html: str) -> None:
    assert render_markdown(markdown) == html
    assert ")" not in plain_text(markdown).replace("(  t", "")


def test_strict_counts_only_this_projects_warnings() -> None:
    counter = _configure_logging(verbose=False, quiet=True)
    logging.getLogger("some.library").warning("not ours")
    logging.getLogger("generator.records").warning("ours")
    assert counter.count == 1 and counter.messages == ["ours"]
    assert counter not in logging.getLogger().handlers


def _parse(text: str) -> tuple[object, list[str]]:
    problems = Problems()
    doc = parse_yaml(text, Path("x.yaml"), "x.yaml", problems)
    return (None if doc is None else doc.data), [p.format() for p in problems]


def test_alias_expansion_stops_at_the_value_limit() -> None:
    levels = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for i in range(1, 6):
        prev, name = "abcdef"[i - 1], "abcdef"[i]
        levels.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]")
    data, problems = _parse("\n".join(levels) + "\n")
    assert data is None
    assert problems == [
        f"x.yaml:5:1: e: more than {MAX_YAML_NODES:,} values in one file, the limit (each use "
        "of an alias counts again)"
    ]


def test_small_aliases_still_work() -> None:
    data, problems = _parse("a: &a [1, 2]\nb: *a\n")
    assert problems == [] and data == {"a": [1, 2], "b": [1, 2]}


def test_impossible_numbers_and_dates_are_located() -> None:
    data, problems = _parse("a: 1.0e+999\nb: 2023-02-29\nc: [.nan]\n")
    assert data is None
    assert problems == [
        "x.yaml:1:4: a: '1.0e+999' is not a finite number (no NaN or infinity)",
        "x.yaml:2:4: b: '2023-02-29' is not a real date (day is out of range for month)",
        "x.yaml:3:5: c[0]: '.nan' is not a finite number (no NaN or infinity)",
    ]


def test_export_runs_probe_windows_in_bounded_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """188 probe questions went through PyTorch as one padded batch (6.7 GB); now at most
    ``PROBE_BATCH`` windows go at a time."""
    torch = pytest.importorskip("torch")
    import numpy as np

    from generator.qa import export
    from generator.qa.backend import EncodedBatch, SpanLogits
    from generator.qa.windows import Window

    sizes: list[int] = []

    class Logits:
        def __init__(self, shape: tuple[int, ...]) -> None:
            self.start_logits = torch.zeros(shape)
            self.end_logits = torch.zeros(shape)

    def model(input_ids: object, attention_mask: object, token_type_ids: object) -> Logits:
        assert isinstance(input_ids, torch.Tensor)
        sizes.append(int(input_ids.shape[0]))
        return Logits(tuple(input_ids.shape))

    class Backend:
        def __init__(self, path: Path, threads: int | None = None) -> None:
            pass

        def run(self, batch: EncodedBatch) -> SpanLogits:
            zeros = np.zeros(batch.input_ids.shape, dtype=np.float32)
            return SpanLogits(zeros, zeros)

    monkeypatch.setattr(export, "OnnxBackend", Backend)
    windows = [Window((1, 2, 3), (0, 0, 1), 2, 0, 1) for _ in range(20)]
    diffs = export.compare_logits(model, tmp_path / "a", tmp_path / "b", windows)
    assert export.PROBE_BATCH == 8 and sizes == [8, 8, 4]
    assert diffs == {"onnx_fp32_vs_pytorch": 0.0, "onnx_int8_vs_onnx_fp32": 0.0}
