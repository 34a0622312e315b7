"""Site build benchmark: how the build scales with the catalog (not a test).

Generates synthetic catalogs (N artifacts, 6 capabilities each; seeded vocabulary of 40 topics
of 30 words plus a long tail, so related artifacts match) and times each build stage in one
run: load + validate, match graph, scores + pairs, render + write. Results go to docs/benchmarks.md.

    .venv/bin/python benchmarks/site.py [--sizes 100 400 1600] [--write-docs]
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

from bench_common import machine, write_docs_section

from generator.build import PROJECT_ROOT, BuildOptions
from generator.config import load_site_config
from generator.errors import Problems
from generator.evidence import Evidence
from generator.matching import build_match_graph
from generator.pages import render_site
from generator.pairs import resolve_pairs
from generator.records import load_records
from generator.scores import compute_scores
from generator.site import Site
from generator.write import SiteWriter

WORDS = [
    *"question answering span passage extractive retrieval corpus dataset tokens web".split(),
    *"crawl filtering deduplication quantized onnx runtime browser latency distillation".split(),
    *"teacher student encoder decoder attention layers benchmark evaluation license".split(),
    *"books code papers math multilingual vision audio speech translation embedding".split(),
]


def make_catalog(root: Path, n: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    content = root / "content"
    (content / "artifacts").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "content" / "site.yaml", content / "site.yaml")
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
        (content / "artifacts" / f"artifact-{i:05d}.yaml").write_text(
            f"name: Artifact {i}\nkind: {kind}\nsummary: Synthetic artifact {i}.\n"
            f"pricing: Free\nsignals:\n"
            f"  hub_likes: {{value: {rng.randint(0, 5000)}, source: bench}}\n"
            f"capabilities:\n{''.join(caps)}"
        )
    return content


def measure(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        content = make_catalog(Path(tmp), n)
        times: dict[str, float] = {}
        t0 = time.perf_counter()
        problems = Problems()
        config = load_site_config(content, problems)
        assert config is not None
        records = load_records(content, config, problems)
        assert not problems, list(problems)[:3]
        t1 = time.perf_counter()
        graph = build_match_graph(
            records, config.matching.min_similarity, config.matching.max_per_capability
        )
        t2 = time.perf_counter()
        scores = compute_scores(records, config, graph)
        pairs = resolve_pairs(records, graph, config.matching.top_partners)
        t3 = time.perf_counter()
        out = Path(tmp) / "public"
        writer = SiteWriter(out)
        options = BuildOptions(content_dir=content, out_dir=out, cache_dir=Path(tmp) / "c")
        render_site(Site(config, records, graph, scores, pairs), Evidence(), writer, options)
        writer.commit()
        t4 = time.perf_counter()
        times.update(load=t1 - t0, graph=t2 - t1, scores=t3 - t2, render=t4 - t3, total=t4 - t0)
        times["pages"] = float(len(writer.written))
        times["matches"] = float(len(graph.matches))
        return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 400, 1600])
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        r = measure(n)
        rows.append(
            f"| {n} | {int(r['matches'])} | {int(r['pages'])} | {r['load']:.2f} | {r['graph']:.2f} "
            f"| {r['scores']:.2f} | {r['render']:.2f} | {r['total']:.2f} "
            f"| {r['pages'] / r['render']:.0f} |"
        )
        print(rows[-1], flush=True)
    table = "\n".join(
        [
            "Command: `.venv/bin/python benchmarks/site.py --sizes "
            + " ".join(map(str, args.sizes))
            + " --write-docs`",
            f"Machine: {machine()}; one process.",
            "",
            "| artifacts | matches | files | load+validate s | match graph s | scores+pairs s "
            "| render+write s | total s | files/s rendering |",
            "|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            "Everything runs in one process today; the roadmap's parallel, incremental build "
            "starts from these stage timings.",
        ]
    )
    if args.write_docs:
        write_docs_section("site", table)


if __name__ == "__main__":
    main()
