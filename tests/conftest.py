"""Shared fixtures: the small fixture site and a helper that writes throwaway sites."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
BASIC = FIXTURES / "basic" / "content"

MakeSite = Callable[..., Path]


@pytest.fixture
def basic_content(tmp_path: Path) -> Path:
    """A private copy of ``tests/fixtures/basic/content``."""
    target = tmp_path / "content"
    shutil.copytree(BASIC, target)
    return target


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Write a content folder: the fixture ``site.yaml`` plus the given records (YAML text)."""

    def make(records: dict[str, str], site_yaml: str | None = None, name: str = "site") -> Path:
        content = tmp_path / name
        (content / "artifacts").mkdir(parents=True)
        site = site_yaml if site_yaml is not None else (BASIC / "site.yaml").read_text()
        (content / "site.yaml").write_text(textwrap.dedent(site), encoding="utf-8")
        for slug, text in records.items():
            path = content / "artifacts" / f"{slug}.yaml"
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return content

    return make


MINIMAL_RECORD = """\
name: {name}
kind: model
summary: A model.
capabilities:
  - id: qa
    title: Question answering
    description: Answers questions.
    unique: Unique.
    vs_alternatives: Better.
"""


def minimal(name: str) -> str:
    return MINIMAL_RECORD.format(name=name)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """In CI (``UNFRAGILE_REQUIRE_BROWSER=1``, set by .ci/run) a skipped browser or JS test is a
    failure: a missing Chromium or ``npm ci`` must not pass silently."""
    outcome = yield
    report = outcome.get_result()
    if (
        report.skipped
        and os.environ.get("UNFRAGILE_REQUIRE_BROWSER")
        and "tests/browser/" in item.nodeid.replace("\\", "/")
    ):
        report.outcome = "failed"
        report.longrepr = f"skipped, but CI requires browser tests: {report.longrepr}"
