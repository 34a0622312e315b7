"""Corpus statistics throughput: ``python benchmarks/corpus.py [--size-mb 500] [--write-docs]``.

Not a test. Generates a Pile-format file (synthetic, ~500 MB uncompressed, zstd in 32 MiB
frames) in a temporary folder, then in one run measures, each in its own process:

* ``zstd -dc FILE | wc -l``: the single-core decompression floor;
* a plain ``zstandard`` + ``orjson`` loop computing the same statistics (the baseline);
* the project with 1 worker, with all local cores (threads, the default; and processes), and
  through Dask with 2 workers;
* the project's one-time start in a fresh process (imports, loading the compiled scanner).

It reports MB/s of uncompressed JSON lines and peak RSS (summed over the run's processes) and,
with ``--write-docs``, writes the table into ``docs/benchmarks.md`` between the corpus markers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench_common import machine, write_docs_section

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

log = logging.getLogger(__name__)

FRAME_BYTES = 32 << 20


def generate(path: Path, size_mb: int) -> int:
    """Write the benchmark file; returns its uncompressed size."""
    import zstandard

    from generator.corpus.published import load_published
    from tools.corpus_sample import encode_line, generate_documents

    published = load_published(ROOT / "content" / "corpus" / "pile-published.yaml")
    rng = random.Random(1)
    compressor = zstandard.ZstdCompressor(level=3)
    written = 0
    buffer: list[bytes] = []
    pending = bytearray()
    with path.open("wb") as out:
        docs = generate_documents(published, scale=1.0, total_bytes=size_mb << 20)
        for name, text in docs:
            buffer.append(encode_line(name, text))
            if len(buffer) == 2000:  # shuffle in windows, as Pile shards are shuffled
                rng.shuffle(buffer)
                pending += b"".join(buffer)
                buffer.clear()
            while len(pending) >= FRAME_BYTES:
                out.write(compressor.compress(bytes(pending[:FRAME_BYTES])))
                written += FRAME_BYTES
                del pending[:FRAME_BYTES]
        rng.shuffle(buffer)
        pending += b"".join(buffer)
        if pending:
            out.write(compressor.compress(bytes(pending)))
            written += len(pending)
    return written


def baseline(path: Path) -> dict[str, Any]:
    """The obvious loop: the same figures, one document at a time, lengths kept in lists."""
    import orjson
    import zstandard

    lengths: dict[str, list[int]] = defaultdict(list)
    figures: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # bytes, characters, words
    seen: set[bytes] = set()
    reader = zstandard.ZstdDecompressor().stream_reader(path.open("rb"), read_across_frames=True)
    carry = b""
    while block := reader.read(1 << 22):
        lines = (carry + block).split(b"\n")
        carry = lines.pop()
        for line in lines:
            doc = orjson.loads(line)
            text, name = doc["text"], doc["meta"]["pile_set_name"]
            encoded = text.encode()
            lengths[name].append(len(encoded))
            row = figures[name]
            row[0] += len(encoded)
            row[1] += len(text)
            row[2] += len(text.split())
            seen.add(hashlib.blake2b(encoded, digest_size=8).digest())
    every = sorted(n for v in lengths.values() for n in v)
    return {
        "documents": len(every),
        "median": every[len(every) // 2],
        "p90": every[int(len(every) * 0.9)],
        "distinct": len(seen),
    }


def startup() -> dict[str, Any]:
    """Seconds to import the engine and to load its compiled scanner (from the cache)."""
    start = time.perf_counter()
    from generator.corpus.scan import _Tables

    imported = time.perf_counter()
    _Tables().scan(b'{"text": "a", "meta": {"pile_set_name": "A"}}', 0)
    loaded = time.perf_counter()
    return {"import": imported - start, "load": loaded - imported}


def project(
    path: Path, workers: int | None, dask_workers: int | None, processes: bool, warm: bool
) -> dict[str, Any]:
    from generator.corpus.stats import compute_corpus_stats

    if warm:  # load the compiled scanner before the clock starts: the steady-state rate
        startup()

    if dask_workers:
        import dask
        from distributed import LocalCluster

        # As docs/corpus.md recommends for clusters: no MALLOC_TRIM_THRESHOLD_ in the workers
        # (a None value tells the nanny to leave the variable unset).
        with (
            dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}),
            LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=dask_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
        ):
            start = time.perf_counter()
            stats = compute_corpus_stats([str(path)], scheduler=cluster.scheduler_address)
            seconds = time.perf_counter() - start
    else:
        start = time.perf_counter()
        stats = compute_corpus_stats([str(path)], workers=workers, processes=processes)
        seconds = time.perf_counter() - start
    return {"documents": stats.total.documents, "seconds": seconds}


def _tree_rss(root: int) -> tuple[int, int]:
    """Resident bytes of ``root`` and all its descendants, and of the largest one (Linux
    ``/proc``, children lists only, so the poller itself stays cheap on a busy machine)."""
    page = os.sysconf("SC_PAGE_SIZE")
    total, largest, stack, seen = 0, 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/statm") as handle:
                resident = int(handle.read().split()[1]) * page
            total += resident
            largest = max(largest, resident)
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    stack.extend(int(child) for child in handle.read().split())
        except OSError:  # it exited meanwhile
            continue
    return total, largest


@dataclass
class Measured:
    label: str
    seconds: float
    peak_rss: int  # all the run's processes together
    peak_process: int  # the largest single process
    detail: dict[str, Any]


def measure(label: str, command: list[str], inner_time: bool) -> Measured:
    peak = peak_process = 0
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=ROOT)
    done = threading.Event()

    def poll() -> None:
        nonlocal peak, peak_process
        while not done.is_set():
            total, largest = _tree_rss(process.pid)
            peak, peak_process = max(peak, total), max(peak_process, largest)
            done.wait(0.1)

    poller = threading.Thread(target=poll)
    poller.start()
    out, _ = process.communicate()
    wall = time.perf_counter() - start
    done.set()
    poller.join()
    if process.returncode != 0:
        raise SystemExit(f"{label} failed with exit status {process.returncode}")
    detail = json.loads(out) if inner_time else {"output": out.decode().strip()}
    seconds = float(detail.get("seconds", wall)) if inner_time else wall
    return Measured(label, seconds, peak, peak_process, detail)


def table(results: list[Measured], size: int, compressed: int) -> str:
    floor, base = results[0], results[1]
    rows = [
        "| Variant | Time (s) | MB/s | × floor | × baseline | Peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rate = size / r.seconds / 1e6
        rows.append(
            f"| {r.label} | {r.seconds:.2f} | {rate:,.0f} | {floor.seconds / r.seconds:.2f} "
            f"| {base.seconds / r.seconds:.2f} | {r.peak_rss / 1e6:,.0f} |"
        )
    return "\n".join(
        [
            f"File: {size / 1e6:,.0f} MB of Pile-format JSON lines (synthetic, from "
            f"`tools.corpus_sample` at full document sizes), {compressed / 1e6:,.0f} MB as "
            f"zstd level 3 in {FRAME_BYTES >> 20} MiB frames. MB/s counts uncompressed JSON lines.",
            "",
            *rows,
        ]
    )


def verdict(by: dict[str, Measured], project_runs: list[Measured]) -> str:
    """The issue's targets, checked against this run's numbers."""
    floor, base, one, every = by["floor"], by["baseline"], by["one"], by["threads"]
    on_dask, one_warm, every_warm = by["dask"], by["one-warm"], by["threads-warm"]
    checks = [
        ("one worker ≥ 0.5× the floor", floor.seconds / one.seconds, 0.5),
        ("one worker ≥ 3× the baseline", base.seconds / one.seconds, 3.0),
        ("all local cores (threads) ≥ 1.0× the floor", floor.seconds / every.seconds, 1.0),
    ]
    lines = [
        f"- {name}: {ratio:.2f}× — {'met' if ratio >= target else 'not met'}"
        for name, ratio, target in checks
    ]
    largest = max(r.peak_process for r in project_runs) / 1e6
    whole = max(r.peak_rss for r in project_runs) / 1e6
    lines.append(
        f"- peak memory under 300 MB: {largest:,.0f} MB in the largest single process of any "
        f"project run ({'met' if largest < 300 else 'not met'}); {whole:,.0f} MB at most for a "
        "whole run, all its processes together (Dask's scheduler and nannies included)"
    )
    lines.append(
        f"- Dask, 2 workers: {floor.seconds / on_dask.seconds:.2f}× the floor, "
        f"{one.seconds / on_dask.seconds:.2f}× one local worker"
    )
    lines.append(
        "- with the compiled scanner already loaded (the rate once the process has started): "
        f"one worker {floor.seconds / one_warm.seconds:.2f}× the floor, all local cores "
        f"{floor.seconds / every_warm.seconds:.2f}×"
    )
    return "Targets from issue 5, on this run:\n\n" + "\n".join(lines)


def write_docs(text: str) -> None:
    write_docs_section("corpus", text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size-mb", type=int, default=500)
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; each variant's best counts")
    parser.add_argument(
        "--sweep",
        default="",
        help="also measure these thread counts, comma-separated (e.g. 2,4,8): the scaling curve",
    )
    parser.add_argument(
        "--inner", choices=("baseline", "project", "startup"), help=argparse.SUPPRESS
    )
    parser.add_argument("--processes", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--warm", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--dask", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner == "baseline":
        start = time.perf_counter()
        result = baseline(args.file)
        print(json.dumps({**result, "seconds": time.perf_counter() - start}))
        return 0
    if args.inner == "project":
        print(json.dumps(project(args.file, args.workers, args.dask, args.processes, args.warm)))
        return 0
    if args.inner == "startup":
        print(json.dumps(startup()))
        return 0

    with tempfile.TemporaryDirectory(prefix="corpus-bench-") as tmp:
        path = Path(tmp) / "bench.jsonl.zst"
        size = generate(path, args.size_mb)
        load_before = os.getloadavg()[0]
        me = [sys.executable, str(Path(__file__).resolve()), "--file", str(path)]
        from generator.corpus.executors import usable_cores  # here: --inner runs time imports

        cores = usable_cores()
        project_run = [*me, "--inner", "project"]
        variants = [
            (
                "floor",
                "`zstd -dc FILE \\| wc -l` (floor)",
                ["bash", "-c", f"zstd -dc '{path}' | wc -l"],
            ),
            ("baseline", "zstandard + orjson loop (baseline)", [*me, "--inner", "baseline"]),
            ("one", "project, 1 worker", [*project_run, "--workers", "1"]),
            (
                "threads",
                f"project, {cores} local threads (default)",
                [*project_run, "--workers", str(cores)],
            ),
            (
                "processes",
                f"project, {cores} local processes",
                [*project_run, "--workers", str(cores), "--processes"],
            ),
            ("dask", "project, Dask LocalCluster, 2 workers", [*project_run, "--dask", "2"]),
            (
                "one-warm",
                "project, 1 worker, scanner loaded before the clock",
                [*project_run, "--workers", "1", "--warm"],
            ),
            (
                "threads-warm",
                f"project, {cores} local threads, scanner loaded before the clock",
                [*project_run, "--workers", str(cores), "--warm"],
            ),
        ]
        for count in sorted({int(n) for n in args.sweep.split(",") if n.strip()} - {1, cores}):
            variants.append(
                (
                    f"sweep-{count}",
                    f"project, {count} local threads",
                    [*project_run, "--workers", str(count)],
                )
            )
        # Compile the scanner into its cache first (once per machine, seconds): not measured.
        measure("prepare", [*me, "--inner", "startup"], True)
        best: dict[str, Measured] = {}
        for _ in range(args.repeat):  # interleaved rounds; the best of each variant counts
            for _, label, command in variants:
                run = measure(label, command, inner_time=command[0] != "bash")
                kept = best.setdefault(label, run)
                kept.peak_rss = max(kept.peak_rss, run.peak_rss)
                kept.peak_process = max(kept.peak_process, run.peak_process)
                if run.seconds < kept.seconds:
                    kept.seconds, kept.detail = run.seconds, run.detail
        results = [best[label] for _, label, _ in variants]
        by = {key: best[label] for key, label, _ in variants}
        starts = [measure("start", [*me, "--inner", "startup"], True).detail for _ in range(3)]
        imports = min(d["import"] for d in starts)
        load = min(d["load"] for d in starts)
        load_after = os.getloadavg()[0]
        documents = {r.label: r.detail.get("documents") for r in results[1:]}
        floor_lines = int(by["floor"].detail["output"])
        if len(set(documents.values())) != 1 or floor_lines not in documents.values():
            raise SystemExit(f"document counts disagree: {documents}, floor {floor_lines}")
        text = "\n".join(
            [
                table(results, size, path.stat().st_size),
                "",
                verdict(by, results[2:]),
                "",
                "One-time start of the engine in a fresh process (best of 3): importing it takes "
                f"{imports:.2f} s (not in the times above; numba is not imported once the "
                f"scanner's machine code is cached) and loading that code {load:.2f} s (in the "
                "times above, once per process: once for threads, once per worker for processes "
                "and Dask).",
                "",
                f"Command: `python benchmarks/corpus.py --size-mb {args.size_mb} --repeat "
                f"{args.repeat}{f' --sweep {args.sweep}' if args.sweep else ''} --write-docs` "
                f"(each variant's best of {args.repeat} interleaved "
                "rounds; peak RSS is the largest seen). "
                f"Machine: {machine()}; measured {time.strftime('%Y-%m-%d', time.gmtime())} on a "
                "shared machine (other engineers' jobs ran at the same time: 1-minute load "
                f"average {load_before:.1f} before the runs, {load_after:.1f} after), so compare "
                "ratios within this table, not absolute times. Times exclude interpreter start; "
                "the local processes' include starting them, Dask's exclude starting the "
                "cluster (workers started without `MALLOC_TRIM_THRESHOLD_`, as `docs/corpus.md` "
                "recommends). Peak RSS is summed over each run's processes.",
            ]
        )
    print(text)
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
