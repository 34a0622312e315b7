"""Corpus statistics throughput: ``python benchmarks/corpus.py [--size-mb 500] [--write-docs]``.

Not a test. Writes Pile-format files in a temporary folder, then in one run measures, each in its
own process and interleaved round by round:

* ``zstd -dc FILE | wc -l``: the single-core decompression floor, for every file;
* a plain ``zstandard`` + ``orjson`` loop computing the same statistics (the baseline);
* the project with 1 worker and with all local cores (threads, the default), and on the first
  file also with processes, through Dask with 2 workers, and with the scanner loaded first;
* the project's one-time start in a fresh process (imports, loading the compiled scanner).

The files: the sample's synthetic text (``tools.corpus_sample``, mostly ASCII) in 32 MiB zstd
frames, as before; and held-out-like shards as real ones are written (issue 14): one zstd frame
(a streaming writer's output), mixed-script text with emoji, one line in five with a nested
object under ``meta``, written escaped (``ensure_ascii``, as the Pile is), as raw UTF-8, or half
and half (the held-out-like mix, ``--real-mb``); the mix also in 32 MiB frames.

It reports MB/s of uncompressed JSON lines and peak RSS (summed over the run's processes) and,
with ``--write-docs``, writes the tables into ``docs/benchmarks.md`` between the corpus markers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import random
import resource
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


_NAMES = (
    "Pile-CC", "PubMed Central", "Books3", "OpenWebText2", "ArXiv", "Github", "FreeLaw",
    "StackExchange", "USPTO Backgrounds", "PubMed Abstracts", "Gutenberg (PG-19)",
    "OpenSubtitles", "Wikipedia (en)", "DM Mathematics", "Ubuntu IRC", "BookCorpus2",
    "EuroParl", "HackerNews", "YoutubeSubtitles", "PhilPapers", "NIH ExPorter", "Enron Emails",
)  # fmt: skip
# Words outside ASCII: accented Latin, Cyrillic, Greek, CJK, Arabic, Hebrew, Devanagari, Hangul,
# emoji (one with a skin-tone modifier: a surrogate pair each when escaped), typography.
_FOREIGN = (
    "café", "naïve", "déjà", "Müller", "straße", "niño", "façade", "Ångström", "łódź",
    "привет", "данные", "мир", "λόγος", "κόσμος", "日本語", "数据集", "中文文本", "テキスト",
    "مرحبا", "שלום", "नमस्ते", "한국어", "🙂", "🚀", "👍🏽", "“quoted”", "—", "…", "€20", "²",
)  # fmt: skip
TEXT_KINDS = ("ascii", "escaped", "raw", "mixed")


def _sentences(rng: random.Random, count: int, foreign: float) -> list[str]:
    consonants, vowels = "bcdfghjklmnprstvwz", "aeiou"
    words = [
        "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.choice((1, 2, 3))))
        for _ in range(3000)
    ] + ["the", "of", "and", "to", "in", "is"] * 60
    sentences = []
    for _ in range(count):
        chosen = [
            rng.choice(_FOREIGN) if rng.random() < foreign else rng.choice(words)
            for _ in range(rng.randint(6, 24))
        ]
        sentences.append(" ".join(chosen).capitalize() + rng.choice(".?!."))
    return sentences


def generate_held_out(path: Path, size_mb: int, kind: str, frame_bytes: int | None) -> int:
    """A shard like a held-out one: ``kind`` of text (see :data:`TEXT_KINDS`), one line in five
    with a nested object under ``meta`` (before or after ``pile_set_name``), one zstd frame
    (a streaming writer, as lm_dataformat's) or ``frame_bytes`` frames. Returns its
    uncompressed size."""
    import zstandard

    rng = random.Random(14)
    pool = _sentences(rng, 20000, foreign=0.0 if kind == "ascii" else 0.12)
    target = size_mb << 20
    written = index = 0
    pending = bytearray()
    compressor = zstandard.ZstdCompressor(level=3)
    with path.open("wb") as raw:
        stream = compressor.stream_writer(raw, closefd=False) if frame_bytes is None else None
        while written < target:
            count = max(1, int(rng.lognormvariate(3.7, 1.0)))  # sentences: ~5 KB mean
            separators = rng.choices((" ", " ", " ", "\n", "\n\n", "\t"), k=count)
            pieces = zip(rng.choices(pool, k=count), separators, strict=True)
            text = "".join(p + s for p, s in pieces)
            name = _NAMES[index % len(_NAMES)]
            meta: dict[str, Any] = {"pile_set_name": name}
            if index % 5 == 2:
                extra = {
                    "url": f"https://example.org/{index}?q=caf\u00e9",
                    "id": index,
                    "lang": ["en", "ru"],
                    "scores": {"quality": 0.5 + index % 7 / 10, "toxicity": 1.5e-3},
                    "ok": True,
                    "note": None,
                    "title": rng.choice(pool),
                }
                meta = {"source": extra, **meta} if index % 2 else {**meta, "source": extra}
            escaped = kind == "escaped" or (kind == "mixed" and index % 2 == 0)
            line = json.dumps({"text": text, "meta": meta}, ensure_ascii=escaped).encode() + b"\n"
            written += len(line)
            index += 1
            if stream is not None:
                stream.write(line)
                continue
            pending += line
            if len(pending) >= (frame_bytes or 0):  # whole frames, each compressed on its own
                raw.write(compressor.compress(bytes(pending)))
                pending.clear()
        if stream is not None:
            stream.close()  # type: ignore[no-untyped-call]  # ends the frame, not the file
        elif pending:
            raw.write(compressor.compress(bytes(pending)))
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


def decompress_only(path: Path) -> dict[str, Any]:
    """The engine's own reads and decompression of the whole file, and nothing else: the stage
    a single-frame shard cannot spread over cores."""
    from generator.corpus.shards import load_shards, plan_parts
    from generator.corpus.streams import region_blocks

    start, cpu = time.perf_counter(), time.process_time()
    (part,) = plan_parts(load_shards([path]), part_bytes=path.stat().st_size)
    lines = sum(block.count(b"\n") for block in region_blocks(part))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"documents": lines, "seconds": seconds, "cpu": cpu}


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
        start, cpu = time.perf_counter(), time.process_time()
        stats = compute_corpus_stats([str(path)], workers=workers, processes=processes)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        if not processes:  # every thread's CPU time is this process's
            return {"documents": stats.total.documents, "seconds": seconds, "cpu": cpu}
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
    cpu: float | None = None  # CPU seconds of the timed work (all its threads), where known


def measure(label: str, command: list[str], inner_time: bool) -> Measured:
    peak = peak_process = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
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
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    detail = json.loads(out) if inner_time else {"output": out.decode().strip()}
    seconds = float(detail.get("seconds", wall)) if inner_time else wall
    cpu: float | None
    if inner_time:
        cpu = None if detail.get("cpu") is None else float(detail["cpu"])
    else:  # the whole command: bash, zstd and wc
        cpu = sum(getattr(after, f) - getattr(before, f) for f in ("ru_utime", "ru_stime"))
    return Measured(label, seconds, peak, peak_process, detail, cpu)


@dataclass
class BenchFile:
    """One generated file and the variants measured on it."""

    key: str
    title: str  # what the table says about the file
    path: Path
    size: int  # uncompressed bytes
    variants: list[tuple[str, str, list[str]]]  # (key, label, command)


def table(bench: BenchFile, results: list[Measured]) -> str:
    floor, base = results[0], results[1]
    rows = [
        "| Variant | Time (s) | MB/s | × floor | × baseline | CPU (s) | × floor, CPU "
        "| Peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rate = bench.size / r.seconds / 1e6
        cpu = "—" if r.cpu is None else f"{r.cpu:.2f}"
        by_cpu = "—" if r.cpu is None or floor.cpu is None else f"{floor.cpu / r.cpu:.2f}"
        rows.append(
            f"| {r.label} | {r.seconds:.2f} | {rate:,.0f} | {floor.seconds / r.seconds:.2f} "
            f"| {base.seconds / r.seconds:.2f} | {cpu} | {by_cpu} | {r.peak_rss / 1e6:,.0f} |"
        )
    compressed = bench.path.stat().st_size
    return "\n".join(
        [
            f"**{bench.title}**: {bench.size / 1e6:,.0f} MB of JSON lines, "
            f"{compressed / 1e6:,.0f} MB as zstd level 3.",
            "",
            *rows,
        ]
    )


def verdict(by: dict[str, Measured], project_runs: list[Measured]) -> str:
    """Issue 5's targets, on the sample text in 32 MiB frames."""
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
    return "Targets from issue 5, on the sample text in 32 MiB frames:\n\n" + "\n".join(lines)


def verdict_held_out(by: dict[str, Measured], project_runs: list[Measured]) -> str:
    """Issue 14's targets, on the held-out-like single-frame mix."""
    floor, base, one, every = by["floor"], by["baseline"], by["one"], by["threads"]
    checks = [
        ("all cores ≥ 1.0× the floor", floor.seconds / every.seconds, 1.0),
        ("one worker ≥ 0.5× the floor", floor.seconds / one.seconds, 0.5),
        ("one worker ≥ 3× the baseline", base.seconds / one.seconds, 3.0),
    ]
    lines = [
        f"- {name}: {ratio:.2f}× — {'met' if ratio >= target else 'not met'}"
        for name, ratio, target in checks
    ]
    largest = max(r.peak_process for r in project_runs) / 1e6
    lines.append(
        f"- peak RSS < 300 MB: {largest:,.0f} MB — {'met' if largest < 300 else 'not met'}"
    )
    return "Targets from issue 14, on the held-out-like single-frame mix:\n\n" + "\n".join(lines)


def write_docs(text: str) -> None:
    write_docs_section("corpus", text)


def _files(tmp: Path, args: argparse.Namespace, cores: int) -> list[BenchFile]:
    """Generate the benchmark's files and say what to run on each."""
    me = [sys.executable, str(Path(__file__).resolve())]
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    made: list[BenchFile] = []

    def common(path: Path) -> list[tuple[str, str, list[str]]]:
        run = [*me, "--file", str(path), "--inner", "project"]
        floor = ["bash", "-c", f"zstd -dc '{path}' | wc -l"]
        return [
            ("floor", "`zstd -dc FILE \\| wc -l` (floor)", floor),
            (
                "baseline",
                "zstandard + orjson loop (baseline)",
                [*me, "--file", str(path), "--inner", "baseline"],
            ),
            (
                "decompress",
                "decompression alone (the engine's reads, counting lines)",
                [*me, "--file", str(path), "--inner", "decompress"],
            ),
            ("one", "project, 1 worker", [*run, "--workers", "1"]),
            (
                "threads",
                f"project, {cores} local threads (default)",
                [*run, "--workers", str(cores)],
            ),
        ]

    if "sample" in kinds:
        path = tmp / "sample.jsonl.zst"
        size = generate(path, args.size_mb)
        run = [*me, "--file", str(path), "--inner", "project"]
        warm = "scanner loaded before the clock"
        variants = [
            *common(path),
            (
                "processes",
                f"project, {cores} local processes",
                [*run, "--workers", str(cores), "--processes"],
            ),
            ("dask", "project, Dask LocalCluster, 2 workers", [*run, "--dask", "2"]),
            ("one-warm", f"project, 1 worker, {warm}", [*run, "--workers", "1", "--warm"]),
            (
                "threads-warm",
                f"project, {cores} local threads, {warm}",
                [*run, "--workers", str(cores), "--warm"],
            ),
        ]
        for count in sorted({int(n) for n in args.sweep.split(",") if n.strip()} - {1, cores}):
            variants.append(
                (
                    f"sweep-{count}",
                    f"project, {count} local threads",
                    [*run, "--workers", str(count)],
                )
            )
        title = (
            "Sample text in 32 MiB frames (synthetic, from `tools.corpus_sample` at full document "
            "sizes; mostly ASCII)"
        )
        made.append(BenchFile("sample", title, path, size, variants))
    titles = {
        "mixed": "Held-out-like: half the lines escaped, half raw UTF-8",
        "escaped": "All lines escaped (`ensure_ascii`)",
        "raw": "All lines raw UTF-8",
        "ascii": "ASCII text only",
    }
    note = "mixed scripts and emoji, one line in five with a nested object under `meta`"
    for kind in TEXT_KINDS:
        for framing in ("one", "32") if kind == "mixed" else ("one",):
            key = f"{kind}-{framing}"
            if kind not in kinds and key not in kinds:
                continue
            path = tmp / f"{key}.jsonl.zst"
            size_mb = args.real_mb if key == "mixed-one" else args.size_mb
            frames = None if framing == "one" else FRAME_BYTES
            size = generate_held_out(path, size_mb, kind, frames)
            framed = "one zstd frame" if frames is None else f"{FRAME_BYTES >> 20} MiB frames"
            text = note if kind != "ascii" else note.replace("mixed scripts and emoji, ", "")
            made.append(
                BenchFile(key, f"{titles[kind]}, {framed} ({text})", path, size, common(path))
            )
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size-mb", type=int, default=500, help="size of each file but the next")
    parser.add_argument(
        "--real-mb", type=int, default=1000, help="size of the held-out-like single-frame mix"
    )
    parser.add_argument(
        "--kinds",
        default="sample,mixed,escaped,raw,ascii",
        help="files to measure: sample, and the text kinds of held-out-like shards (mixed "
        "gives one frame and 32 MiB frames; mixed-one or mixed-32 picks one)",
    )
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; each variant's best counts")
    parser.add_argument(
        "--sweep",
        default="",
        help="also measure these thread counts on the sample, comma-separated (e.g. 2,4,8)",
    )
    parser.add_argument(
        "--inner",
        choices=("baseline", "project", "startup", "decompress"),
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--processes", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--warm", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--dask", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner == "baseline":
        start, cpu = time.perf_counter(), time.process_time()
        result = baseline(args.file)
        elapsed = {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}
        print(json.dumps({**result, **elapsed}))
        return 0
    if args.inner == "project":
        print(json.dumps(project(args.file, args.workers, args.dask, args.processes, args.warm)))
        return 0
    if args.inner == "startup":
        print(json.dumps(startup()))
        return 0
    if args.inner == "decompress":
        print(json.dumps(decompress_only(args.file)))
        return 0

    with tempfile.TemporaryDirectory(prefix="corpus-bench-") as tmp:
        from generator.corpus.executors import usable_cores  # here: --inner runs time imports

        cores = usable_cores()
        files = _files(Path(tmp), args, cores)
        me = [sys.executable, str(Path(__file__).resolve())]
        load_before = os.getloadavg()[0]
        # Compile the scanner into its cache first (once per machine, seconds): not measured.
        measure("prepare", [*me, "--inner", "startup"], True)
        best: dict[tuple[str, str], Measured] = {}
        for _ in range(args.repeat):  # interleaved rounds; the best of each variant counts
            for bench in files:
                for key, label, command in bench.variants:
                    run = measure(label, command, inner_time=command[0] != "bash")
                    kept = best.setdefault((bench.key, key), run)
                    kept.peak_rss = max(kept.peak_rss, run.peak_rss)
                    kept.peak_process = max(kept.peak_process, run.peak_process)
                    if run.cpu is not None and kept.cpu is not None:
                        kept.cpu = min(kept.cpu, run.cpu)
                    if run.seconds < kept.seconds:
                        kept.seconds, kept.detail = run.seconds, run.detail
        starts = [measure("start", [*me, "--inner", "startup"], True).detail for _ in range(3)]
        imports = min(d["import"] for d in starts)
        load = min(d["load"] for d in starts)
        load_after = os.getloadavg()[0]
        sections = []
        for bench in files:
            results = [best[(bench.key, key)] for key, _, _ in bench.variants]
            by = {key: best[(bench.key, key)] for key, _, _ in bench.variants}
            documents = {r.label: r.detail.get("documents") for r in results[1:]}
            floor_lines = int(by["floor"].detail["output"])
            if len(set(documents.values())) != 1 or floor_lines not in documents.values():
                raise SystemExit(f"{bench.key}: counts disagree: {documents}, floor {floor_lines}")
            sections.append(table(bench, results))
            runs = [
                by[k] for k, _, _ in bench.variants if k not in ("floor", "baseline", "decompress")
            ]
            if bench.key == "mixed-one":
                sections.append(verdict_held_out(by, runs))
            if bench.key == "sample":
                sections.append(verdict(by, runs))
        text = "\n\n".join(
            [
                "MB/s counts uncompressed JSON lines; each table's ratios compare rows of that "
                "table, measured side by side in the same rounds.",
                *sections,
                "One-time start of the engine in a fresh process (best of 3): importing it takes "
                f"{imports:.2f} s (not in the times above; numba is not imported once the "
                f"scanner's machine code is cached) and loading that code {load:.2f} s (in the "
                "times above, once per process: once for threads, once per worker for processes "
                "and Dask).",
                f"Command: `python benchmarks/corpus.py --size-mb {args.size_mb} --real-mb "
                f"{args.real_mb} --repeat {args.repeat}"
                f"{f' --kinds {args.kinds}' if args.kinds != parser.get_default('kinds') else ''}"
                f"{f' --sweep {args.sweep}' if args.sweep else ''} --write-docs` "
                f"(each variant's best of {args.repeat} interleaved "
                "rounds; peak RSS is the largest seen). "
                f"Machine: {machine()}; measured {time.strftime('%Y-%m-%d', time.gmtime())} on a "
                "shared machine (other engineers' jobs ran at the same time: 1-minute load "
                f"average {load_before:.1f} before the runs, {load_after:.1f} after), so compare "
                "ratios within a table, not absolute times. Times exclude interpreter start; "
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
