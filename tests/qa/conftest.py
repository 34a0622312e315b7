"""Fixtures for the QA tests: the bundled model's files, its tokenizer and its pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.qa.resolve import BUNDLED_DIR
from generator.qa.windows import QATokenizer

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / BUNDLED_DIR


@pytest.fixture(scope="session")
def bundled_dir() -> Path:
    return BUNDLED


@pytest.fixture(scope="session")
def tokenizer() -> QATokenizer:
    return QATokenizer.from_file(BUNDLED / "tokenizer.json")
