"""The search page in headless Chromium: Pagefind over artifacts and capabilities, under a
sub-path, with a kind filter, keyboard-only use, axe-core, and the plain lists without JS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.build import BuildOptions, build_site
from tests.browser.qa_site import CHROMIUM, CHROMIUM_ARGS, NODE_MODULES, missing_prerequisite, serve
from tests.browser.search_site import search_context, write_search_site

PROJECT = Path(__file__).resolve().parents[2]
BASIC = PROJECT / "tests" / "fixtures" / "basic" / "content"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
TIMEOUT_MS = 15_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(missing_prerequisite() is not None, reason=str(missing_prerequisite())),
]


def _build(content: Path, root: Path, cache: Path) -> None:
    build_site(BuildOptions(content_dir=content, out_dir=root / "sub", cache_dir=cache))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The basic fixture site, served under ``/sub/`` (a sub-path, as previews are)."""
    tmp = tmp_path_factory.mktemp("search-site")
    _build(BASIC, tmp / "root", tmp / "cache")
    with serve(tmp / "root") as (base, _state):
        yield base + "/sub/"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Console:
    """Console errors, uncaught exceptions and failed requests of a page and its workers."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", self._message)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("worker", lambda worker: worker.on("console", self._message))
        page.on("requestfailed", self._failed)

    def _failed(self, request: Any) -> None:
        # A request cut short because the page navigated away (the favicon of a page left at
        # once) is not a failure of the site.
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"request failed: {request.url} ({request.failure})")

    def _message(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Console]]:
    context = browser.new_context()
    page = context.new_page()
    try:
        yield page, Console(page)
    finally:
        context.close()


def search(page: Any, query: str) -> None:
    """Type ``query`` into the search box and wait until its results are shown."""
    before = _searches(page)
    page.fill("#search-q", query)
    wait_for_results(page, before)


def _searches(page: Any) -> int:
    return int(page.get_attribute("[data-search]", "data-searches") or 0)


def wait_for_results(page: Any, before: int) -> None:
    page.wait_for_function(
        "n => Number(document.querySelector('[data-search]').dataset.searches || 0) > n"
        " && document.querySelector('[data-search]').dataset.state === 'done'",
        arg=before,
        timeout=TIMEOUT_MS,
    )


def titles(page: Any) -> list[str]:
    return [str(t) for t in page.locator(".search-result h3").all_inner_texts()]


def test_a_capability_word_of_one_artifact_finds_it(page: tuple[Any, Console], site: str) -> None:
    tab, console = page
    requests: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    tab.goto(site + "search/")
    tab.wait_for_selector("[data-search][data-ready=true]")  # Pagefind's runtime, while idle
    chunks = ("/pagefind/index/", "/pagefind/fragment/")
    assert not any(c in u for u in requests for c in chunks)  # the index: per query
    search(tab, "quantized")  # only Alpha QA's "ONNX export" capability says it
    assert all(any(c in u for u in requests) for c in chunks)
    assert titles(tab) == ["Alpha QA"]
    result = tab.locator(".search-result").first
    assert "UnfragileRank" in result.inner_text()
    assert re.search(r"UnfragileRank \d+/100|UnfragileRank unknown", result.inner_text())
    capability = result.locator(".result-capabilities a")
    assert capability.all_inner_texts() == ["ONNX export for fast CPU inference"]
    assert capability.get_attribute("href") == site + "model/alpha-qa/#cap-alpha-qa-onnx-export"
    assert result.locator(".result-capabilities mark").inner_text().lower() == "quantized"
    comparisons = result.locator(".result-comparisons a")
    assert sorted(comparisons.all_inner_texts()) == ["vs Beta QA", "vs Gamma Corpus"]
    hrefs = sorted(str(comparisons.nth(i).get_attribute("href")) for i in range(2))
    assert hrefs == [
        site + "compare/alpha-qa-vs-beta-qa/",
        site + "compare/alpha-qa-vs-gamma-corpus/",
    ]
    assert tab.locator(".search-status").inner_text() == "1 result for “quantized”."
    assert tab.url == site + "search/?q=quantized"
    # Every request stayed under the sub-path the site is served from.
    assert all(u.startswith(site) for u in requests if "/pagefind/" in u)
    assert console.errors == []


def test_kind_filter(page: tuple[Any, Console], site: str) -> None:
    tab, console = page
    tab.goto(site + "search/")
    search(tab, "answer span")
    assert sorted(titles(tab)) == ["Alpha QA", "Beta QA"]
    before = _searches(tab)
    tab.check("input[name=kind][value=dataset]")
    wait_for_results(tab, before)
    assert titles(tab) == []
    assert (
        tab.locator(".search-status").inner_text() == "No results for “answer span” among datasets."
    )
    before = _searches(tab)
    tab.fill("#search-q", "")
    wait_for_results(tab, before)  # no words and a kind: that kind's artifacts by rank
    assert titles(tab) == ["Gamma Corpus"]
    assert tab.url == site + "search/?kind=dataset"
    before = _searches(tab)
    tab.check("input[name=kind][value=model]")
    wait_for_results(tab, before)
    assert sorted(titles(tab)) == ["Alpha QA", "Beta QA"]
    assert console.errors == []


def test_the_address_holds_the_search(page: tuple[Any, Console], site: str) -> None:
    tab, console = page
    tab.goto(site + "search/?q=zstandard&kind=dataset")
    wait_for_results(tab, 0)
    assert tab.input_value("#search-q") == "zstandard"
    assert tab.is_checked("input[name=kind][value=dataset]")
    assert titles(tab) == ["Gamma Corpus"]
    assert console.errors == []


def test_opening_a_result(page: tuple[Any, Console], site: str) -> None:
    tab, console = page
    tab.goto(site + "search/")
    search(tab, "curated")
    with tab.expect_navigation():
        tab.click(".search-result h3 a")
    assert tab.url == site + "dataset/gamma-corpus/"
    assert tab.locator("h1").inner_text() == "Gamma Corpus"
    tab.go_back()
    search(tab, "curated")
    with tab.expect_navigation():
        tab.click(".result-capabilities a")
    assert tab.url.startswith(site + "dataset/gamma-corpus/#cap-gamma-corpus-")
    anchor = tab.url.split("#", 1)[1]
    assert tab.locator(f"#{anchor} h3").inner_text() == "Curated subsets of diverse text"
    assert console.errors == []


def _focused(tab: Any) -> dict[str, str]:
    found: dict[str, str] = tab.evaluate(
        "() => { const e = document.activeElement; return { tag: e.tagName, id: e.id,"
        " name: e.getAttribute('name') ?? '', text: e.textContent.trim() }; }"
    )
    return found


def _tab_to(tab: Any, **wanted: str) -> None:
    """Press Tab until the focused element has every attribute in ``wanted``."""
    for _ in range(40):
        tab.keyboard.press("Tab")
        focused = _focused(tab)
        if all(focused[k] == v for k, v in wanted.items()):
            return
    raise AssertionError(f"Tab never reached {wanted}; last: {_focused(tab)}")


def test_keyboard_only(page: tuple[Any, Console], site: str) -> None:
    tab, console = page
    tab.goto(site + "search/")
    _tab_to(tab, id="search-q")
    before = _searches(tab)
    tab.keyboard.type("inference")
    wait_for_results(tab, before)
    assert titles(tab) == ["Alpha QA"]
    # Into the kind radios (the checked one takes focus), then arrows move the choice.
    _tab_to(tab, name="kind")
    assert tab.evaluate("() => document.activeElement.value") == ""  # "All", the checked one
    before = _searches(tab)
    tab.keyboard.press("ArrowRight")  # Models
    wait_for_results(tab, before)
    assert tab.is_checked("input[name=kind][value=model]")
    assert titles(tab) == ["Alpha QA"]
    _tab_to(tab, tag="A", text="Alpha QA")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert tab.url == site + "model/alpha-qa/"
    assert console.errors == []


def test_axe_finds_no_serious_violations(page: tuple[Any, Console], site: str) -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run npm ci")
    tab, console = page
    tab.goto(site + "search/")
    tab.wait_for_selector("[data-search][data-state=idle]")
    found: list[str] = []
    for state in ("empty", "results"):
        if state == "results":
            search(tab, "answer")
        tab.add_script_tag(path=str(AXE))
        report = tab.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
        found += [
            f"{state}: {v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"])
            for v in report["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    assert found == []
    assert console.errors == []


def test_without_javascript_the_lists_remain(browser: Any, site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(site + "search/")
        assert not tab.locator("#search-q").is_visible()  # a form that could do nothing
        assert tab.locator("noscript").count() == 1
        with tab.expect_navigation():
            tab.get_by_role("link", name="Datasets", exact=True).last.click()
        assert tab.url == site + "dataset/"
        assert tab.get_by_role("link", name="Gamma Corpus").count() >= 1
    finally:
        context.close()


def test_comparison_pages_lead_to_search(page: tuple[Any, Console], site: str) -> None:
    tab, console = page
    tab.goto(site + "compare/alpha-qa-vs-beta-qa/")
    with tab.expect_navigation():
        tab.get_by_role("link", name="Search the match graph →").click()
    assert tab.url == site + "search/"
    assert tab.locator("#search-q").is_visible()
    assert console.errors == []


def test_abstain_finds_the_squad2_models(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The issue's check on the bundled content: "abstain" finds the SQuAD 2.0 models. Only the
    search page and its index are made (the index does not depend on evidence)."""
    tmp = tmp_path_factory.mktemp("default-content")
    out = tmp / "root" / "sub"
    write_search_site(search_context(PROJECT / "content", out, tmp / "cache"), out)
    context = browser.new_context()
    try:
        with serve(tmp / "root") as (base, _state):
            tab = context.new_page()
            console = Console(tab)
            tab.goto(base + "/sub/search/")
            search(tab, "abstain")
            found = titles(tab)
            for name in (
                "tinyroberta-squad2",
                "roberta-base-squad2",
                "mobilebert-uncased-squad-v2",
            ):
                assert name in found
            assert found.index("mobilebert-uncased-squad-v2") < 5
            assert console.errors == []
    finally:
        context.close()
