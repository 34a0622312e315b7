"""The build: content in, a complete static site out, rendering only what changed."""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cache import ContentCache, hash_key
from generator.errors import (
    PROJECT_LOGGER,
    ContentErrors,
    CountingHandler,
    Problem,
    StrictFailure,
)
from generator.evidence import Evidence, EvidenceEnv, kinds
from generator.manifest import (
    MANIFEST_NAME,
    MANIFEST_VERSION,
    BuildState,
    Entry,
    Manifest,
    read_manifest,
    read_state,
    state_path,
    write_state,
)
from generator.options import PROJECT_ROOT, BuildOptions
from generator.site import Site, load_site

if TYPE_CHECKING:
    from generator.write import SiteWriter

log = logging.getLogger(__name__)

__all__ = ["PROJECT_ROOT", "BuildOptions", "BuildReport", "build_site", "compute_evidence"]


@dataclass
class BuildReport:
    files: int  # outputs of the site (the manifest not counted)
    seconds: float
    planned: int = 0
    rendered: int = 0  # outputs whose bytes this build made
    carried: int = 0  # unchanged outputs brought over from the previous site
    deleted: int = 0  # outputs of the previous site that are no longer planned
    up_to_date: bool = False  # nothing the build reads had changed: nothing was done
    stages: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    site: Site | None = None
    evidence: Evidence | None = None
    cache: ContentCache | None = None
    broken_links: list[Problem] = field(default_factory=list)  # only with allow_broken_links


def build_site(
    options: BuildOptions,
    counter: CountingHandler | None = None,
    *,
    allow_broken_links: bool = False,
) -> BuildReport:
    """Build the site into ``options.out_dir``.

    Order: load site config -> load + validate records -> resolve pairs and references -> scores
    -> evidence (QA, corpus stats; cached) -> page plan (every output and its fingerprint)
    -> render what changed (in parallel) -> check internal links -> write (atomic: unchanged
    files carried over into a staging folder that replaces the output folder). Nothing touches
    the output folder until everything before the final swap has succeeded; with ``strict``,
    any warning logged by the build fails it before the swap, and so does a broken internal
    link unless ``allow_broken_links`` (the pull-request report) keeps them in the report.
    """
    from generator.pages import SiteContext, make_plan, render_output
    from generator.parallel import render_all
    from generator.write import SiteWriter

    started = time.perf_counter()
    stages: dict[str, float] = {}
    clock = _Clock(stages)
    counter = counter or _attach_counter()
    warnings_before = counter.count
    out_dir = options.out_dir.resolve()
    stamp = _stamp(options)
    state_file = state_path(options.cache_dir, out_dir)
    state = read_state(state_file) if options.incremental else None
    if state is not None and _unchanged(out_dir, state, stamp):
        clock("check")
        for message in state.warnings:  # the same input gives the same warnings
            log.warning("%s", message)
        if options.strict and state.warnings:
            raise StrictFailure(
                f"{len(state.warnings)} warning(s) with --strict; nothing was written"
            )
        log.info("nothing changed since the last build of %s", out_dir)
        return BuildReport(
            files=state.files,
            seconds=time.perf_counter() - started,
            planned=state.files,
            carried=state.files,
            up_to_date=True,
            stages=stages,
        )
    previous = read_manifest(out_dir) if options.incremental else None

    site = load_site(options.content_dir, options.base_url, options.cache_dir)
    clock("load")
    cache = ContentCache(options.cache_dir)
    env = EvidenceEnv(
        project_root=PROJECT_ROOT,
        content_dir=options.content_dir,
        cache=cache,
        node_modules=options.node_modules,
    )
    evidence = compute_evidence(site, env)
    clock("evidence")
    ctx = SiteContext(site, evidence, options)
    plan = make_plan(ctx)
    clock("plan")

    writer = SiteWriter(out_dir)
    try:
        todo = []
        for output in plan:
            old = previous.entries.get(output.path) if previous is not None else None
            if (
                old is not None
                and old.fingerprint == output.fingerprint
                and writer.carry(output.path, old.sha256, old.size, output.kind)
            ):
                continue
            todo.append(output)
        clock("carry")
        written = render_all(
            functools.partial(render_output, ctx),
            todo,
            writer.staging,
            options.jobs,
            options.progress,
        )
        for path, sha, size in written:
            writer.record(path, sha, size, plan.kind_of(path))
        clock("render")
        broken = _check_links(writer, site.config.base_url, options, out_dir)
        clock("links")
        if broken and not allow_broken_links:
            raise ContentErrors(broken)
        warnings = counter.count - warnings_before
        if options.strict and warnings:
            raise StrictFailure(f"{warnings} warning(s) with --strict; nothing was written")
        manifest = Manifest(
            {o.path: Entry(o.fingerprint, *writer.files[o.path], o.kind, o.url) for o in plan}
        )
        manifest_bytes = manifest.to_bytes()
        deleted = 0 if previous is None else len(set(previous.entries) - set(manifest.entries))
        if previous is not None and not written and not deleted and previous == manifest:
            # Every output is what the current site already holds: leave it as it is.
            writer.abort(background=True)
        else:
            writer.write_bytes(MANIFEST_NAME, manifest_bytes, "manifest")
            writer.commit()
        write_state(
            state_file,
            BuildState(
                stamp=stamp,
                manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
                files=len(plan),
                sources=_sources(options, _evidence_files(site), ctx.site_files.values()),
                warnings=counter.messages[warnings_before:],
            ),
        )
        clock("write")
    except BaseException:
        writer.abort()
        raise
    seconds = time.perf_counter() - started
    log.info(
        "built %d files (%d rendered, %d unchanged, %d deleted) into %s in %.2f s",
        len(plan),
        len(written),
        writer.carried,
        deleted,
        out_dir,
        seconds,
    )
    return BuildReport(
        files=len(plan),
        seconds=seconds,
        planned=len(plan),
        rendered=len(written),
        carried=writer.carried,
        deleted=deleted,
        stages=stages,
        warnings=counter.messages[warnings_before:],
        site=site,
        evidence=evidence,
        cache=cache,
        broken_links=broken,
    )


def _check_links(
    writer: SiteWriter, base_url: str, options: BuildOptions, out_dir: Path
) -> list[Problem]:
    """Every link of every page to our own site names a planned output (generator/links.py)."""
    from generator.links import check_site
    from generator.yamlsource import display_path

    return check_site(
        ((rel, sha) for rel, (sha, _) in writer.files.items()),
        writer.staging,
        writer.files,
        base_url,
        options.cache_dir,
        display_path(out_dir),
    )


def compute_evidence(site: Site, env: EvidenceEnv) -> Evidence:
    """Run each record's evidence through its kind's backend (imported when a record needs it)."""
    evidence = Evidence()
    registered = kinds()
    for artifact in site.records:
        for name, spec in artifact.evidence.items():
            evidence.of(name)[artifact.slug] = registered[name].compute(spec, env)
    return evidence


MISSING = (-1, -1)


class _Clock:
    def __init__(self, stages: dict[str, float]) -> None:
        self.stages = stages
        self.last = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] = now - self.last
        self.last = now


def _stamp(options: BuildOptions) -> str:
    """What, besides the source files, decides the output: the options that shape it."""
    return hash_key(
        MANIFEST_VERSION,
        str(options.content_dir.resolve()),
        options.base_url,
        str(options.templates_dir.resolve()),
        str(options.static_dir.resolve()),
        str(options.node_modules.resolve()),
    )


def _evidence_files(site: Site) -> list[Path]:
    registered = kinds()
    return [
        path
        for artifact in site.records
        for name, spec in artifact.evidence.items()
        for path in registered[name].input_files(spec)
    ]


def _walk(root: Path) -> Iterable[Path]:
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*")):
        if "__pycache__" not in path.parts and (path.is_file() or path.is_dir()):
            yield path


def _sources(options: BuildOptions, *extra: Iterable[Path]) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file the build read (folders: their listing time).

    Like Lektor's ``FileInfo.unchanged``, an unchanged size and time mean an unchanged file; any
    difference sends the build through the full pipeline, where content hashes decide.
    """
    roots = [
        options.content_dir,
        options.templates_dir,
        options.static_dir,
        PROJECT_ROOT / "generator",
    ]
    found: dict[str, tuple[int, int]] = {}
    for path in [p for root in roots if root.exists() for p in _walk(root)] + [
        p for group in extra for p in group
    ]:
        try:
            info = path.stat()
        except OSError:
            found[str(path)] = MISSING  # an input that is not there (yet)
            continue
        found[str(path)] = (info.st_size if path.is_file() else 0, info.st_mtime_ns)
    return found


def _unchanged(out_dir: Path, state: BuildState, stamp: str) -> bool:
    """True when the site in the output folder is the one the last build wrote, and that build
    read exactly the files that are there now, unchanged."""
    if state.stamp != stamp or not state.sources:
        return False
    try:
        manifest = (out_dir / MANIFEST_NAME).read_bytes()
    except OSError:
        return False
    if hashlib.sha256(manifest).hexdigest() != state.manifest_sha256:
        return False  # another build (other options, another cache) wrote the site since
    for name, (size, mtime) in state.sources.items():
        path = Path(name)
        try:
            info = path.stat()
        except OSError:
            if (size, mtime) == MISSING:
                continue
            return False
        if (size, mtime) == MISSING:
            return False
        if info.st_mtime_ns != mtime or (path.is_file() and info.st_size != size):
            return False
    return True


def _attach_counter() -> CountingHandler:
    # On the project's logger: --strict counts this project's warnings, not third parties'.
    root = logging.getLogger(PROJECT_LOGGER)
    for handler in root.handlers:
        if isinstance(handler, CountingHandler):
            return handler
    counter = CountingHandler()
    root.addHandler(counter)
    return counter
