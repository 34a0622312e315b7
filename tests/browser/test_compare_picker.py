"""The home page's compare picker in headless Chromium: type-ahead from the search index (loaded
on first use), straight to the comparison page, a clear message otherwise; a plain form without
JS."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from generator.build import BuildOptions, build_site
from tests.browser.qa_site import CHROMIUM, CHROMIUM_ARGS, missing_prerequisite, serve

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(missing_prerequisite() is not None, reason=str(missing_prerequisite())),
]


@pytest.fixture
def site(basic_content: Path, tmp_path: Path) -> Iterator[str]:
    out = tmp_path / "root" / "sub"
    build_site(BuildOptions(content_dir=basic_content, out_dir=out, cache_dir=tmp_path / "cache"))
    with serve(tmp_path / "root") as (base, _state):
        yield base + "/sub/"


@contextlib.contextmanager
def _browser(javascript: bool = True) -> Iterator[BrowserContext]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_context(java_script_enabled=javascript)
        finally:
            browser.close()


def test_picker_goes_to_the_comparison_page(site: str) -> None:
    with _browser() as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(site)
        assert not any("/pagefind/" in u for u in requests)  # the search index: on first use
        page.fill("input[name=a]", "Gam")
        options = page.locator("#picker-artifacts option")
        options.first.wait_for(state="attached")
        assert options.evaluate_all("os => os.map(o => o.value)") == ["Gamma Corpus"]
        page.fill("input[name=a]", "Gamma Corpus")
        page.fill("input[name=b]", "alpha qa")
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.url == site + "compare/alpha-qa-vs-gamma-corpus/"
        page.go_back()
        page.fill("input[name=a]", "Gamma Corpus")
        page.fill("input[name=b]", "Beta QA")
        page.click("button[type=submit]")
        status = page.locator(".picker-status")
        status.filter(has_text="no comparison page").wait_for()
        page.fill("input[name=b]", "Nobody")
        page.click("button[type=submit]")
        status.filter(has_text="Pick two artifacts from the list").wait_for()
        assert all(u.startswith(site) for u in requests if "/pagefind/" in u)
        assert not any(u.endswith("artifacts.json") for u in requests)  # no list of everything
        assert errors == []


def test_picker_without_javascript_lists_comparisons(site: str) -> None:
    with _browser(javascript=False) as context:
        page = context.new_page()
        page.goto(site)
        page.fill("input[name=a]", "Alpha QA")
        page.fill("input[name=b]", "Beta QA")
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.url.startswith(site + "compare/?a=Alpha+QA")
        assert page.get_by_role("link", name="Alpha QA vs Beta QA").count() >= 1
