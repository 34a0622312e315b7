"""Search benchmark (issue 13): what a visitor downloads for a first query, how long until the
first result shows in headless Chromium, and what indexing costs the build (not a test).

For each size, one synthetic catalog (``make_catalog`` from ``benchmarks/site.py``: N artifacts,
6 capabilities each) is loaded and:

- indexed the way the build does it (``generator.pages.search.search_bundle``): a cold index
  (empty cache: Pagefind over every artifact's search document; this is also what any change to
  searchable content costs, a full re-index), a cached one (the key computed and the bundle read
  back), and a re-index after one capability description edit, with how many bundle files
  changed (the incremental build renders only those);
- served as the search page, its static files and the bundle from 127.0.0.1 (no compression, no
  HTTP cache: every byte counts);
- queried in a fresh browser context per round: open the search page as shipped (it loads
  Pagefind's runtime, entry, meta and wasm once the page is idle), put the query in the box and
  submit (no type-ahead delay), and time from the submit to the first result in the page
  (``performance.now`` in the page), with the bytes of every request under ``pagefind/`` since
  the page opened; then a second query in the same page;
- and cold, in another fresh context: open ``search/?q=QUERY`` (a link to a search) and time from
  navigation start to the first result (page, runtime, wasm, index chunk and fragments).

Queries: a topic word (in about one artifact in 40), a long-tail word (a handful of artifacts)
and ``artifact`` (in every name: the largest result set). Figures are medians of the rounds.
Target (issue 13): at 10,000 artifacts a first query downloads under 300 kB and shows results
in under 300 ms.

    .venv/bin/python benchmarks/search.py [--sizes 2000 10000] [--repeat 5] [--write-docs]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench_common import machine, write_docs_section  # noqa: E402

from generator.pages.search import search_bundle  # noqa: E402
from tests.browser.qa_site import CHROMIUM, CHROMIUM_ARGS, missing_prerequisite, serve  # noqa: E402
from tests.browser.search_site import search_context, write_search_site  # noqa: E402


@functools.cache
def _site_benchmark() -> Any:
    """benchmarks/site.py (its catalog maker), loaded by path: its module name is the stdlib's."""
    spec = importlib.util.spec_from_file_location(
        "site_benchmark", Path(__file__).with_name("site.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


TARGET_KB = 300
TARGET_MS = 300
QUERIES = ("retrieval7", "w1234", "artifact")
SECOND = "corpus3"  # the second query of a page

# Submit the query and resolve with the milliseconds until the first result is in the page.
FIRST_RESULT_JS = """async (query) => {
  const box = document.querySelector("[data-search]");
  const form = box.querySelector("form");
  const list = box.querySelector(".search-results");
  list.replaceChildren();
  form.elements.namedItem("q").value = query;
  const shown = new Promise((resolve) => {
    const seen = new MutationObserver(() => {
      if (list.querySelector(".search-result")) {
        seen.disconnect();
        resolve(performance.now());
      }
    });
    seen.observe(list, { childList: true });
  });
  const began = performance.now();
  form.requestSubmit();
  return (await shown) - began;
}"""


@dataclass
class Index:
    artifacts: int
    cold_s: float  # Pagefind over every document, empty cache (= a full re-index)
    cached_s: float  # key computed, bundle read from the cache
    edit_s: float  # re-index after one description edit
    files: int
    total_bytes: int
    changed_by_edit: int  # bundle files added or changed by that edit
    removed_by_edit: int


@dataclass
class Query:
    query: str
    results: int
    first_ms: list[float] = field(default_factory=list)
    first_bytes: list[int] = field(default_factory=list)
    gzip_bytes: list[int] = field(default_factory=list)  # what a host gzipping .js/.json sends
    second_ms: list[float] = field(default_factory=list)
    link_ms: list[float] = field(default_factory=list)  # search/?q=... opened cold, to a result
    requests: int = 0
    errors: list[str] = field(default_factory=list)


def make_site(content: Path, out: Path, cache: Path) -> Index:
    """The search page, our static files and the Pagefind bundle of ``content``, in ``out``."""
    ctx = search_context(content, out, cache)
    cold = write_search_site(ctx, out)
    assert cold.indexed, "the cache was not empty"
    again = search_context(content, out, cache)
    began = time.perf_counter()
    cached = search_bundle(again)
    cached_s = time.perf_counter() - began
    assert not cached.indexed and cached.files == cold.files
    _site_benchmark().edit_description(content, "artifact-00005")
    edited = search_bundle(search_context(content, out, cache))
    assert edited.indexed
    changed = sum(1 for k, v in edited.files.items() if cold.files.get(k) != v)
    return Index(
        artifacts=len(ctx.site.records),
        cold_s=cold.seconds,
        cached_s=cached_s,
        edit_s=edited.seconds,
        files=len(cold.files),
        total_bytes=sum(len(v) for v in cold.files.values()),
        changed_by_edit=changed,
        removed_by_edit=len(set(cold.files) - set(edited.files)),
    )


def _gzip_size(path: Path) -> int:
    data = path.read_bytes()
    if path.suffix in (".js", ".json", ".html", ".css"):
        return len(gzip.compress(data, compresslevel=6))
    return len(data)  # Pagefind's chunks and wasm are compressed already


# Installed before any page script: the time (from navigation start) the first result appears.
FIRST_RESULT_OBSERVER = """(() => {
  new MutationObserver((changes, seen) => {
    if (document.querySelector(".search-result")) {
      window.firstResultAt = performance.now();
      seen.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
})();"""


def _pagefind_bytes(state: Any, root: Path) -> tuple[int, int, int]:
    """(bytes, bytes as a gzipping host sends them, requests) served under /pagefind/ so far."""
    with state.lock:
        fetched = {p: n for p, n in state.bytes_sent.items() if p.startswith("/pagefind/")}
        requests = sum(n for p, n in state.hits.items() if p.startswith("/pagefind/"))
    gzipped = sum(_gzip_size(root / p.lstrip("/")) for p in fetched)
    return sum(fetched.values()), gzipped, requests


def _reset(state: Any) -> None:
    with state.lock:
        state.bytes_sent.clear()
        state.hits.clear()


def measure_query(browser: Any, base: str, state: Any, root: Path, query: Query) -> None:
    """One round: the search page as shipped, then a link to the query opened cold."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("console", lambda m: query.errors.append(m.text) if m.type == "error" else None)
        _reset(state)
        page.goto(base + "/search/")
        page.wait_for_selector("[data-search][data-ready=true]")  # runtime loaded while idle
        query.first_ms.append(float(page.evaluate(FIRST_RESULT_JS, query.query)))
        got, gzipped, requests = _pagefind_bytes(state, root)
        query.first_bytes.append(got)
        query.gzip_bytes.append(gzipped)
        query.requests = requests
        page.wait_for_selector("[data-search][data-state=done]")
        status = str(page.text_content(".search-status") or "")
        query.results = int(status.split()[0]) if status[:1].isdigit() else 0
        query.second_ms.append(float(page.evaluate(FIRST_RESULT_JS, SECOND)))
    finally:
        context.close()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(FIRST_RESULT_OBSERVER)
        page.goto(f"{base}/search/?q={query.query}")
        page.wait_for_function("window.firstResultAt !== undefined")
        query.link_ms.append(float(page.evaluate("window.firstResultAt")))
    finally:
        context.close()


def run_size(n: int, repeat: int, tmp: Path) -> tuple[Index, list[Query]]:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix=f"search-{n}-", dir=tmp))
    try:
        print(f"{n} artifacts: catalog", flush=True)
        content = _site_benchmark().make_catalog(work, n)
        index = make_site(content, work / "site", work / "cache")
        print(f"  indexed in {index.cold_s:.2f} s ({index.files} files)", flush=True)
        queries = [Query(q, 0) for q in QUERIES]
        with serve(work / "site") as (base, state), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                for _ in range(repeat):
                    for query in queries:
                        measure_query(browser, base, state, work / "site", query)
            finally:
                browser.close()
        for q in queries:
            print(
                f"  {q.query!r}: {q.results} results, first {statistics.median(q.first_ms):.0f} ms,"
                f" {statistics.median(q.first_bytes) / 1000:.0f} kB",
                flush=True,
            )
        return index, queries
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _kb(values: list[int]) -> str:
    return f"{statistics.median(values) / 1000:.0f}"


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):.0f}"


def render(runs: list[tuple[Index, list[Query]]], repeat: int, load: tuple[float, float]) -> str:
    sizes = " ".join(str(index.artifacts) for index, _ in runs)
    lines = [
        f"Command: `.venv/bin/python benchmarks/search.py --sizes {sizes} --repeat {repeat} "
        "--write-docs`.",
        f"Machine: {machine()}; Debian Chromium headless, local server without compression; "
        f"1-minute load average {load[0]:.1f} before the run and {load[1]:.1f} after (other "
        "people's jobs share the cores: compare figures within this table).",
        "",
        "Indexing (as the build does it, while planning; times exclude loading the catalog):",
        "",
        "| artifacts | cold index (= full re-index) s | cached s | re-index after one edit s "
        "| bundle files | bundle MB | files changed by the edit |",
        "|---|---|---|---|---|---|---|",
    ]
    for index, _ in runs:
        lines.append(
            f"| {index.artifacts:,} | {index.cold_s:.2f} | {index.cached_s:.2f} "
            f"| {index.edit_s:.2f} | {index.files:,} | {index.total_bytes / 1e6:.1f} "
            f"| {index.changed_by_edit} (+{index.removed_by_edit} removed) |"
        )
    lines += [
        "",
        "First query in a fresh page (medians): bytes under `pagefind/` fetched from opening the "
        "search page to the first result (raw, and as a host gzipping `.js`/`.json` would send "
        "them) and requests; time from submitting the query to the first result (the runtime "
        "was loaded while the page sat idle); a second query in the same page; and a link to the "
        "search (`search/?q=…`) opened cold, from navigation start to the first result.",
        "",
        "| artifacts | query | results | first query kB (gzip) | requests | submit → first "
        "result ms | second query ms | cold link → first result ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    verdicts = []
    for index, queries in runs:
        for q in queries:
            lines.append(
                f"| {index.artifacts:,} | `{q.query}` | {q.results:,} | {_kb(q.first_bytes)} "
                f"({_kb(q.gzip_bytes)}) | {q.requests} | {_ms(q.first_ms)} | {_ms(q.second_ms)} "
                f"| {_ms(q.link_ms)} |"
            )
        if index.artifacts == 10_000:
            worst_kb = max(statistics.median(q.first_bytes) for q in queries) / 1000
            worst_ms = max(statistics.median(q.first_ms) for q in queries)
            verdicts.append(
                f"Target at 10,000 artifacts (first query < {TARGET_KB} kB and < {TARGET_MS} ms): "
                f"worst query {worst_kb:.0f} kB "
                f"({'met' if worst_kb < TARGET_KB else 'NOT met'}), {worst_ms:.0f} ms "
                f"({'met' if worst_ms < TARGET_MS else 'NOT met'})."
            )
    errors = sorted({e for _, queries in runs for q in queries for e in q.errors})
    lines += ["", *verdicts]
    if errors:
        lines += ["", "Console errors: " + "; ".join(errors)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--repeat", type=int, default=5, help="rounds per query; medians")
    parser.add_argument("--tmp", type=Path, default=None, help="where catalogs and sites go")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    missing = missing_prerequisite()
    if missing is not None:
        parser.error(missing)
    tmp = args.tmp or Path(tempfile.gettempdir())
    before = os.getloadavg()[0]
    runs = [run_size(n, args.repeat, tmp) for n in args.sizes]
    text = render(runs, args.repeat, (before, os.getloadavg()[0]))
    print(text)
    if args.write_docs:
        write_docs_section("search", text)


if __name__ == "__main__":
    main()
