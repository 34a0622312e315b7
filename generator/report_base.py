"""The two sides of a pull-request report: a base (a built site, a content folder or a git ref)
and the working tree, each built with the working tree's generator into a temporary folder.

A git ref is materialised with ``git archive`` of the content folder alone (records, QA sets
and corpus files are all under it), extracted into a temporary folder that is removed
afterwards; the generator, templates and static files are the working tree's, so the report
shows what the content edit does, not what a code change does.
"""

from __future__ import annotations

import contextlib
import io
import logging
import subprocess
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import UserError
from generator.manifest import MANIFEST_NAME
from generator.options import BuildOptions
from generator.redirects import NOT_PAGES, REDIRECT_KINDS, page_url
from generator.report import HeadPages, Snapshot, load_snapshot
from generator.yamlsource import display_path

if TYPE_CHECKING:
    from generator.site import Site

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Base:
    """Where the base comes from: a built site, or a content folder (maybe from git)."""

    label: str
    site: Path | None = None  # a built site: read, not built
    content: Path | None = None  # a content folder to build


def git_toplevel(folder: Path) -> Path:
    result = _git(folder, "rev-parse", "--show-toplevel")
    return Path(result.stdout.decode().strip())


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise UserError("git is not installed; give --base a folder instead") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UserError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return result


@contextlib.contextmanager
def materialise(spec: str, content_dir: Path, tmp: Path) -> Iterator[Base]:
    """Resolve ``--base``: a folder (built site or content) or a git ref of the content's repo."""
    path = Path(spec)
    if path.is_dir():
        if (path / MANIFEST_NAME).is_file():
            yield Base(spec, site=path)
        elif (path / "site.yaml").is_file():
            yield Base(spec, content=path)
        elif (path / "content" / "site.yaml").is_file():
            yield Base(spec, content=path / "content")
        else:
            raise UserError(
                f"--base {spec}: a folder, but neither a built site ({MANIFEST_NAME}) "
                "nor a content folder (site.yaml)"
            )
        return
    content = content_dir.resolve()
    if not content.is_dir():
        raise UserError(f"--content {content_dir}: not a folder")
    try:
        top = git_toplevel(content)
        commit_id = _git(top, "rev-parse", "--verify", f"{spec}^{{commit}}").stdout.decode()
    except UserError as exc:
        raise UserError(
            f"--base {spec}: not a folder, and not a commit of the content's git repository ({exc})"
        ) from None
    commit_id = commit_id.strip()
    prefix = content.relative_to(top.resolve()).as_posix()
    archive = _git(top, "archive", "--format=tar", commit_id, "--", prefix).stdout
    target = tmp / "base-tree"
    target.mkdir()
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    base_content = target / prefix
    if not (base_content / "site.yaml").is_file():
        raise UserError(f"--base {spec}: commit {commit_id[:12]} has no {prefix}/site.yaml")
    log.info("base %s (%s): content from git archive", spec, commit_id[:12])
    yield Base(spec, content=base_content)


def build_snapshot(options: BuildOptions, label: str) -> Snapshot:
    """Build ``options.content_dir`` into ``options.out_dir`` (broken links are reported, not
    fatal) and read it back."""
    from generator.build import build_site

    report = build_site(options, allow_broken_links=True)
    # Pages by their path in the site, not in this temporary folder.
    prefix = display_path(options.out_dir.resolve()) + "/"
    broken = [
        replace(p, path=p.path[len(prefix) :]) if p.path.startswith(prefix) else p
        for p in report.broken_links
    ]
    return load_snapshot(options.out_dir, label, broken)


def planned_pages(
    content_dir: Path, options: BuildOptions, *, with_redirects: bool = True
) -> HeadPages:
    """The pages ``content_dir`` plans (see :func:`plan_pages`)."""
    from generator.site import load_site

    site = load_site(content_dir, options.base_url)
    return plan_pages(site, replace(options, content_dir=content_dir), with_redirects)


def plan_pages(site: Site, options: BuildOptions, with_redirects: bool = True) -> HeadPages:
    """The pages a loaded site plans, without computing evidence (which adds files, never
    pages). ``with_redirects``: its redirects are checked and their pages served; without, the
    pages redirects may point at (``diff --write-redirects`` fixes redirects.yaml from these)."""
    from generator.evidence import Evidence
    from generator.pages import SiteContext, make_plan
    from generator.pages.redirects import plan_without_redirects
    from generator.urls import artifact_url

    ctx = SiteContext(site, Evidence(), options)
    plan = make_plan(ctx) if with_redirects else plan_without_redirects(ctx)
    html = {page_url(o.path): o.kind for o in plan if o.path.endswith(".html")}
    pages = {u for u, k in html.items() if k not in REDIRECT_KINDS | NOT_PAGES}
    artifacts = {a.slug: artifact_url(a.kind, a.slug) for a in site.records}
    return HeadPages(pages, set(html) - {u for u, k in html.items() if k in NOT_PAGES}, artifacts)
