"""``scores.json``: stable, sorted, and unmoved by unrelated records."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import orjson
import pytest

from generator.scores_json import scores_json
from generator.site import load_site
from tests.conftest import BASIC

CONTENT = Path(__file__).resolve().parent.parent / "content"

# A record whose capabilities share no vocabulary with the default content.
UNRELATED = """\
name: Ledger Macro Kit
kind: tool
summary: Spreadsheet macros for bookkeeping ledgers.
signals:
  open_license: {value: 1, source: "https://example.org/ledger-macro-kit/LICENSE"}
capabilities:
  - id: ledger-reconciliation
    title: Bookkeeping ledger reconciliation macros
    description: Reconciles invoices against bank statements inside spreadsheet workbooks.
    unique: Keeps an audit trail of every reconciled invoice.
    vs_alternatives: Lighter than accounting suites.
"""


def _entries(data: bytes) -> dict[str, bytes]:
    """Each artifact's entry, as the bytes it has inside the file."""
    parsed = orjson.loads(data)
    entries: dict[str, bytes] = {}
    for entry in parsed["artifacts"]:
        block = orjson.dumps(entry, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
        indented = textwrap.indent(block.decode(), "    ").strip().encode()
        assert indented in data  # the entry appears in the file exactly like this
        entries[entry["slug"]] = indented
    return entries


def test_document_shape_and_order() -> None:
    site = load_site(BASIC)
    data = scores_json(site)
    assert data.endswith(b"}\n") and data == scores_json(load_site(BASIC))
    doc = orjson.loads(data)
    assert doc["version"] == 1
    assert doc["weights"] == {
        "adoption": 0.3,
        "quality": 0.3,
        "ecosystem": 0.2,
        "match_graph": 0.2,
    }
    slugs = [e["slug"] for e in doc["artifacts"]]
    assert slugs == sorted(slugs) == ["alpha-qa", "beta-qa", "gamma-corpus"]
    beta = doc["artifacts"][1]
    assert beta["kind"] == "model"
    assert beta["dimensions"]["ecosystem"]["score"] is None  # formats unknown
    assert beta["dimensions"]["ecosystem"]["signals"] == [
        {
            "id": "formats",
            "value": None,
            "unit": "formats",
            "points": None,
            "source": None,
            "as_of": None,
        }
    ]
    f1 = beta["dimensions"]["quality"]["signals"][0]
    assert f1 == {
        "id": "f1",
        "value": 85.0,
        "unit": "%",
        "points": 85.0,
        "source": "Fixture paper, Table 2",
        "as_of": None,
    }
    gamma = doc["artifacts"][2]
    # A dataset's quality is its own (documented); the model-only F1 is not listed.
    assert [s["id"] for s in gamma["dimensions"]["quality"]["signals"]] == ["documented"]
    match = gamma["dimensions"]["match_graph"]["signals"][0]
    assert match["source"] == "computed by the build from the match graph"


def test_dimensions_without_signals_for_a_kind_are_left_out(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(BASIC, content)
    text = (content / "site.yaml").read_text()
    text = text.replace("  dataset: {", "  tool: {label: Tool}\n  dataset: {")
    (content / "site.yaml").write_text(text)
    (content / "artifacts" / "ledger.yaml").write_text(
        UNRELATED.replace("open_license", "formats").replace("value: 1,", "value: 2,")
    )
    tool = orjson.loads(scores_json(load_site(content)))["artifacts"][3]
    assert tool["slug"] == "ledger" and sorted(tool["dimensions"]) == [
        "adoption",
        "ecosystem",
        "match_graph",
    ]


@pytest.mark.parametrize("source", [BASIC, CONTENT], ids=["fixture", "default-content"])
def test_an_unrelated_record_leaves_every_other_entry_byte_identical(
    source: Path, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(source, content)
    before = _entries(scores_json(load_site(content)))
    unrelated = UNRELATED.replace("kind: tool", "kind: dataset").replace(
        '  open_license: {value: 1, source: "https://example.org/ledger-macro-kit/LICENSE"}\n', ""
    )
    (content / "artifacts" / "ledger-macro-kit.yaml").write_text(
        unrelated.replace("signals:\n", "")
    )
    after = _entries(scores_json(load_site(content)))
    assert sorted(after) == sorted([*before, "ledger-macro-kit"])
    for slug, entry in before.items():
        assert after[slug] == entry, slug
