"""The build: content in, a complete static site out."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator.cache import ContentCache
from generator.errors import CountingHandler, StrictFailure
from generator.evidence import Evidence, EvidenceEnv
from generator.pages import render_site
from generator.site import Site, load_site
from generator.write import SiteWriter

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path
    out_dir: Path
    base_url: str | None = None
    strict: bool = False
    cache_dir: Path = PROJECT_ROOT / ".cache" / "unfragile"
    templates_dir: Path = PROJECT_ROOT / "templates"
    static_dir: Path = PROJECT_ROOT / "static"
    node_modules: Path = PROJECT_ROOT / "node_modules"
    dev_reload: bool = False


@dataclass
class BuildReport:
    site: Site
    evidence: Evidence
    files: int
    seconds: float
    cache: ContentCache
    warnings: list[str] = field(default_factory=list)


def build_site(options: BuildOptions, counter: CountingHandler | None = None) -> BuildReport:
    """Build the site into ``options.out_dir``.

    Order: load site config -> load + validate records -> resolve pairs and references -> scores
    -> evidence (QA, corpus stats; cached) -> template contexts -> render -> write (atomic).
    Nothing touches the output folder until everything before the final swap has succeeded; with
    ``strict``, any warning logged during the build fails it before the swap.
    """
    started = time.perf_counter()
    counter = counter or _attach_counter()
    warnings_before = counter.count
    site = load_site(options.content_dir, options.base_url)
    cache = ContentCache(options.cache_dir)
    env = EvidenceEnv(
        project_root=PROJECT_ROOT,
        content_dir=options.content_dir,
        cache=cache,
        node_modules=options.node_modules,
    )
    evidence = compute_evidence(site, env)
    writer = SiteWriter(options.out_dir)
    try:
        render_site(site, evidence, writer, options)
        if options.strict and counter.count > warnings_before:
            raise StrictFailure(
                f"{counter.count - warnings_before} warning(s) with --strict; nothing was written"
            )
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    seconds = time.perf_counter() - started
    log.info("built %d files into %s in %.2f s", len(writer.written), options.out_dir, seconds)
    return BuildReport(
        site, evidence, len(writer.written), seconds, cache, counter.messages[warnings_before:]
    )


def compute_evidence(site: Site, env: EvidenceEnv) -> Evidence:
    """Run each record's evidence through its backend (imported only when a record needs it)."""
    evidence = Evidence()
    for artifact in site.records:
        if artifact.qa is not None:
            from generator.qa.evidence import compute_qa_evidence

            evidence.qa[artifact.slug] = compute_qa_evidence(artifact.qa, env)
        if artifact.corpus is not None:
            from generator.corpus.evidence import compute_corpus_evidence

            evidence.corpus[artifact.slug] = compute_corpus_evidence(artifact.corpus, env)
    return evidence


def _attach_counter() -> CountingHandler:
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, CountingHandler):
            return handler
    counter = CountingHandler()
    root.addHandler(counter)
    return counter
