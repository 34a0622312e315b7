"""Hostile and careless input (issue 15): every row gets a located message, bounded resources,
no traceback, and the previous output left as it was.

Each row edits a private copy of the basic fixture site, then runs ``build.py check`` and
``build.py build`` (or the command line it names) in a subprocess whose address space is capped
with ``resource.setrlimit`` (a row that made the build allocate without bound fails with a
MemoryError instead of stalling CI). For each command the test asserts the exit status, the
exact message line, that no traceback was printed, and, for a failed build, that the previous
output is byte-identical. All subprocesses run at once before the rows are checked, so the
whole table costs a few seconds of wall time.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator.limits import MAX_YAML_BYTES
from tests.conftest import BASIC
from tests.sitecheck import site_digest

ROOT = Path(__file__).resolve().parent.parent
MEMORY_LIMIT = 1 << 30  # address space of each subprocess: 1 GiB
TIMEOUT = 120  # seconds per subprocess (a FIFO read would hang without a limit)
ALPHA = "content/artifacts/alpha-qa.yaml"
BETA = "content/artifacts/beta-qa.yaml"
GAMMA = "content/artifacts/gamma-corpus.yaml"

Edit = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One hostile input: how to make it, what each command must print, its exit status."""

    id: str
    edit: Edit
    message: str  # a whole line of stderr
    code: int = 1
    extra: tuple[str, ...] = ()  # options added to check and build
    argv: tuple[str, ...] | None = None  # another command line instead of check and build
    # For inputs that build (the display rows): a check of the new output.
    built: Callable[[Path], None] | None = None
    commands: tuple[str, ...] = field(default=("check", "build"))


def replace_in(rel: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def replace_bytes(rel: str, old: bytes, new: bytes) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        data = path.read_bytes()
        assert old in data, (rel, old)
        path.write_bytes(data.replace(old, new, 1))

    return edit


def append_to(rel: str, text: str) -> Edit:
    def edit(root: Path) -> None:
        with (root / rel).open("a", encoding="utf-8") as handle:
            handle.write(text)

    return edit


def write(rel: str, data: str | bytes) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")

    return edit


def both(*edits: Edit) -> Edit:
    def edit(root: Path) -> None:
        for one in edits:
            one(root)

    return edit


def symlink(rel: str, target: str) -> Edit:
    """A link at ``rel``; a relative ``target`` is taken from the case's folder (outside
    ``content/``)."""

    def edit(root: Path) -> None:
        to = Path(target) if Path(target).is_absolute() else root / target
        (root / rel).symlink_to(to)

    return edit


def fifo(rel: str) -> Edit:
    def edit(root: Path) -> None:
        os.mkfifo(root / rel)

    return edit


def mkdir(rel: str) -> Edit:
    def edit(root: Path) -> None:
        (root / rel).mkdir(parents=True)

    return edit


BILLION_LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip([None, *"abcdefgh"], "abcdefghi", strict=True)
)
ALPHA_CORPUS = "evidence:\n  corpus:\n    shards: [{}]\n"
QA_EVIDENCE = "evidence:\n  qa:\n    model: some/model\n    examples: [qa/set.yaml]\n"
QA_SET = """\
title: A set
passages:
  long: {passage}
examples:
  - id: q1
    passage_id: long
    question: What?
    answers: [x]
"""
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def _html(rel: str) -> Callable[[Path], str]:
    return lambda out: (out / rel).read_text(encoding="utf-8")


def _rtl_name_isolated(out: Path) -> None:
    page = _html("model/alpha-qa/index.html")(out)
    assert "<h1><bdi>\u2068نموذج\u2069</bdi></h1>" in page
    assert "<title>\u2068نموذج\u2069 — Fixture Site</title>" in page
    assert '"name": "\u2068نموذج\u2069"' in page  # JSON-LD
    compare = _html("compare/alpha-qa-vs-gamma-corpus/index.html")(out)
    assert "<h1><bdi>\u2068نموذج\u2069</bdi> vs <bdi>Gamma Corpus</bdi></h1>" in compare


def _description_escaped_once(out: Path) -> None:
    page = _html("model/alpha-qa/index.html")(out)
    assert '<meta name="description" content="A model for x &lt; y &amp; z.">' in page
    assert "&amp;lt;" not in page


def _no_stray_parenthesis(out: Path) -> None:
    page = _html("model/alpha-qa/index.html")(out)
    assert '<p><a rel="noopener noreferrer">Click</a> for more.</p>' in page
    assert "</a>)" not in page


def _kept(rel: str) -> Callable[[Path], None]:
    """The file at ``rel`` in the row's folder is still there, unchanged."""

    def check(out: Path) -> None:
        path = out.parent / rel
        assert path.is_file(), f"{rel} was removed"
        if path.suffix == ".txt":
            assert path.read_text(encoding="utf-8") == "keep me\n"

    return check


def _sub_folder_record_not_published(out: Path) -> None:
    assert not (out / "model" / "x").exists()


CASES: list[Case] = [
    # -- numbers and dates ------------------------------------------------------------------
    Case(
        "integer-400-digits",
        replace_in(ALPHA, "value: 1000,", "value: 1" + "0" * 400 + ","),
        f"{ALPHA}:9:22: signals.downloads.value: '1{'0' * 58}…' is too large: numbers must "
        "be within a float's range (about ±1.8e308)",
    ),
    Case(
        "integer-5000-digits",
        replace_in(ALPHA, "value: 1000,", "value: 1" + "0" * 5000 + ","),
        f"{ALPHA}:9:22: signals.downloads.value: '1{'0' * 58}…' is too large: numbers must "
        "be within a float's range (about ±1.8e308)",
    ),
    Case(
        "float-beyond-range",
        replace_in(ALPHA, "value: 80,", "value: 1.0e+400,"),
        f"{ALPHA}:10:15: signals.f1.value: '1.0e+400' is not a finite number (no NaN or infinity)",
    ),
    Case(
        "nan",
        replace_in(ALPHA, "value: 80,", "value: .nan,"),
        f"{ALPHA}:10:15: signals.f1.value: '.nan' is not a finite number (no NaN or infinity)",
    ),
    Case(
        "infinity-in-site-range",
        replace_in("content/site.yaml", "range: [0, 1000000000]", "range: [0, .inf]"),
        "content/site.yaml:10:82: signals.downloads.range[1]: '.inf' is not a finite number "
        "(no NaN or infinity)",
    ),
    Case(
        "fact-value-negative-infinity",
        replace_in(ALPHA, "value: 25M,", "value: -.inf,"),
        f"{ALPHA}:7:32: facts[0].value: '-.inf' is not a finite number (no NaN or infinity)",
    ),
    Case(
        "as-of-month-13",
        replace_in(
            ALPHA,
            'value: 80, source: "Fixture paper, Table 2"',
            'value: 80, source: "P", as_of: 2024-13-45',
        ),
        f"{ALPHA}:10:39: signals.f1.as_of: '2024-13-45' is not a real date (month must be in "
        "1..12)",
    ),
    Case(
        "as-of-february-30-quoted",
        replace_in(
            ALPHA,
            'value: 80, source: "Fixture paper, Table 2"',
            'value: 80, source: "P", as_of: "2024-02-30"',
        ),
        f"{ALPHA}:10:39: signals.f1.as_of: '2024-02-30' is not a date written YYYY-MM-DD",
    ),
    Case(
        "timestamp-hour-25",
        replace_in(ALPHA, "pricing: Free", "pricing: 2024-01-01T25:00:00"),
        f"{ALPHA}:5:10: pricing: '2024-01-01T25:00:00' is not a real date (hour must be in 0..23)",
    ),
    Case(
        "date-where-text-belongs",
        replace_in(ALPHA, "pricing: Free", "pricing: 2024-01-01"),
        f"{ALPHA}:5:10: pricing: expected text, got a date",
    ),
    Case(
        "huge-integer-setting",
        replace_in(
            "content/site.yaml", "capabilities_shown: 2", "capabilities_shown: 1" + "0" * 30
        ),
        f"content/site.yaml:4:21: capabilities_shown: must be at most 1,000, got 1{'0' * 30}",
    ),
    # -- bounded resources ------------------------------------------------------------------
    Case(
        "billion-laughs",
        write("content/artifacts/laughs.yaml", BILLION_LAUGHS),
        "content/artifacts/laughs.yaml:6:1: f: more than 100,000 values in one file, the "
        "limit (each use of an alias counts again)",
    ),
    Case(
        "alias-text-bomb",
        write(
            "content/artifacts/words.yaml",
            f"a: &a {'x' * 60_000}\nb: [{', '.join(['*a'] * 40)}]\n",
        ),
        "content/artifacts/words.yaml:2:1: b: more than 2,000,000 characters of text in one "
        "file, the limit (each use of an alias counts again)",
    ),
    Case(
        "nested-30-levels",
        write("content/artifacts/deep.yaml", "a: " + "[" * 30 + "]" * 30 + "\n"),
        "content/artifacts/deep.yaml:1:1: a: nested more than 20 levels deep, the limit",
    ),
    Case(
        "nested-5000-levels",
        write("content/artifacts/deeper.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n"),
        "content/artifacts/deeper.yaml:1:1003: YAML syntax error: exceeded maximum nesting depth",
    ),
    Case(
        "file-5-mb",
        replace_in(ALPHA, "summary: A small", "summary: A small" + "x" * (5 << 20)),
        f"{ALPHA}:1:1: the file is larger than the limit of 1,048,576 bytes (1 MiB) for a "
        "YAML file (5,243,970 bytes)",
    ),
    Case(
        "description-20k-characters",
        replace_in(ALPHA, "description: Predicts", "description: " + "w" * 20_000 + " Predicts"),
        f"{ALPHA}:16:18: capabilities[0].description: 20,075 characters; the limit for this "
        "field is 10,000",
    ),
    Case(
        "name-300-characters",
        replace_in(ALPHA, "name: Alpha QA", "name: " + "A" * 300),
        f"{ALPHA}:1:7: name: 300 characters; the limit for this field is 200",
    ),
    Case(
        "key-200-characters",
        replace_in(ALPHA, "pricing: Free", "k" * 200 + ": Free"),
        f"{ALPHA}:5:1: a key of 200 characters; keys are at most 100",
    ),
    Case(
        "capabilities-101",
        write(
            "content/artifacts/many.yaml",
            "name: Many\nkind: model\nsummary: S.\ncapabilities:\n"
            + "".join(
                f"  - {{id: c{i}, title: T, description: D, unique: U, vs_alternatives: V}}\n"
                for i in range(101)
            ),
        ),
        "content/artifacts/many.yaml:5:3: capabilities: 101 capabilities; a record has at most 100",
    ),
    Case(
        "qa-passage-200-kb",
        both(
            append_to(BETA, QA_EVIDENCE),
            write("content/qa/set.yaml", QA_SET.format(passage="x " * 100_000)),
        ),
        "content/qa/set.yaml:3:9: passages.long: 199,999 characters; the limit is 20,000",
    ),
    # -- files: encoding, kinds, places -----------------------------------------------------
    Case(
        "bad-utf8-on-line-4",
        replace_bytes(ALPHA, b"license: MIT", b"license: MIT \xff"),
        f"{ALPHA}:4:14: not valid UTF-8 (byte 0xff); save the file as UTF-8",
    ),
    Case(
        "nul-bytes",
        replace_in(ALPHA, "license: MIT", "license: M\x00IT"),
        f"{ALPHA}:4:11: YAML syntax error: U+0000 is not allowed in YAML",
    ),
    Case(
        "fifo-record",
        fifo("content/artifacts/pipe.yaml"),
        "content/artifacts/pipe.yaml:1:1: not a regular file",
    ),
    Case(
        "folder-named-like-a-record",
        mkdir("content/artifacts/folder.yaml"),
        "content/artifacts/folder.yaml:1:1: not a regular file",
    ),
    Case(
        "symlink-to-record-outside-content",
        both(
            write("elsewhere/outside.yaml", (BASIC / "artifacts" / "beta-qa.yaml").read_text()),
            symlink("content/artifacts/outside.yaml", "elsewhere/outside.yaml"),
        ),
        "content/artifacts/outside.yaml:1:1: a symbolic link to a file outside the content "
        "folder; records must be inside it",
    ),
    Case(
        "symlink-to-etc-passwd",
        symlink("content/artifacts/passwd.yaml", "/etc/passwd"),
        "content/artifacts/passwd.yaml:1:1: a symbolic link to a file outside the content "
        "folder; records must be inside it",
    ),
    Case(
        "symlink-site-yaml-outside",
        both(
            write("elsewhere/site.yaml", (BASIC / "site.yaml").read_text()),
            lambda root: (root / "content" / "site.yaml").unlink(),
            symlink("content/site.yaml", "elsewhere/site.yaml"),
        ),
        "content/site.yaml:1:1: a symbolic link to a file outside the content folder; "
        "site.yaml must be inside it",
    ),
    Case(
        "record-in-sub-folder-strict",
        write("content/artifacts/sub/x.yaml", (BASIC / "artifacts" / "beta-qa.yaml").read_text()),
        "error: 1 warning(s) with --strict",
        extra=("--strict",),
        commands=("check",),
    ),
    Case(
        "record-in-sub-folder-warns",
        write("content/artifacts/sub/x.yaml", (BASIC / "artifacts" / "beta-qa.yaml").read_text()),
        "WARNING: content/artifacts/sub: a folder in artifacts/; records are files "
        "artifacts/<slug>.yaml (it is ignored)",
        code=0,
        built=_sub_folder_record_not_published,
    ),
    Case(
        "record-with-other-extension-warns",
        write("content/artifacts/delta.yaml.bak", "name: Delta\n"),
        "WARNING: content/artifacts/delta.yaml.bak: not a record: records are files "
        "artifacts/<slug>.yaml (it is ignored)",
        code=0,
        commands=("check",),
    ),
    # -- YAML shapes ------------------------------------------------------------------------
    Case(
        "list-as-key",
        replace_in(ALPHA, "pricing: Free", "? [a, b]\n: Free"),
        f"{ALPHA}:5:3: keys must be text, got a list",
    ),
    Case(
        "python-tag",
        replace_in(ALPHA, "pricing: Free", "pricing: !!python/object:os.system x"),
        f"{ALPHA}:5:10: YAML error: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object:os.system'",
    ),
    Case(
        "record-is-text",
        write("content/artifacts/text.yaml", "just some words\n"),
        "content/artifacts/text.yaml:1:1: expected a mapping of fields, got text",
    ),
    # -- names ------------------------------------------------------------------------------
    Case(
        "name-with-rtl-override",
        replace_in(ALPHA, "name: Alpha QA", 'name: "Alpha \\u202eQA"'),
        f"{ALPHA}:1:7: name: holds the invisible bidi control U+202E (RIGHT-TO-LEFT "
        "OVERRIDE), which can reverse the text around it; remove it",
    ),
    Case(
        "name-differs-by-zero-width-space",
        replace_in(ALPHA, "name: Alpha QA", 'name: "Be\\u200bta QA"'),
        f"{BETA}:1:7: name: duplicate name: also used by {ALPHA} as 'Be\\u200bta QA' (names "
        "are compared ignoring case, invisible characters, white space runs and Unicode "
        "normalisation)",
    ),
    Case(
        "name-differs-by-normalisation",
        both(
            replace_in(ALPHA, "name: Alpha QA", 'name: "Caf\\u00e9"'),
            replace_in(BETA, "name: Beta QA", 'name: "Cafe\\u0301"'),
        ),
        f"{BETA}:1:7: name: duplicate name: also used by {ALPHA}",
    ),
    Case(
        "name-in-arabic-is-isolated",
        replace_in(ALPHA, "name: Alpha QA", "name: نموذج"),
        "",
        code=0,
        built=_rtl_name_isolated,
        commands=("build",),
    ),
    Case(
        "name-only-invisible",
        replace_in(ALPHA, "name: Alpha QA", 'name: "\\u200b\\u200d"'),
        f"{ALPHA}:1:7: name: has no visible characters",
    ),
    # -- Markdown and escaping (display rows) -----------------------------------------------
    Case(
        "summary-with-less-than",
        replace_in(
            ALPHA,
            "summary: A small extractive question answering model.",
            'summary: "A model for x < y & z."',
        ),
        "",
        code=0,
        built=_description_escaped_once,
        commands=("build",),
    ),
    Case(
        "link-with-unsafe-scheme",
        replace_in(
            ALPHA,
            "unique: Abstains when the passage holds no answer.",
            "unique: \"[Click](javascript:alert('x')) for more.\"",
        ),
        "",
        code=0,
        built=_no_stray_parenthesis,
        commands=("build",),
    ),
    # -- what check validates for build: shards and example sets ----------------------------
    Case(
        "shard-glob-matches-nothing",
        append_to(GAMMA, ALPHA_CORPUS.format('"shards/*.jsonl.zst"')),
        f"{GAMMA}:22:14: evidence.corpus.shards[0]: shards/*.jsonl.zst: the glob matched no files",
    ),
    Case(
        "shard-glob-matches-text-file",
        both(
            append_to(GAMMA, ALPHA_CORPUS.format('"shards/*"')),
            write("content/shards/notes.txt", "hello\n"),
        ),
        f"{GAMMA}:22:14: evidence.corpus.shards[0]: shards/notes.txt: unknown format "
        "(expected .jsonl, .jsonl.zst or .jsonl.gz)",
    ),
    Case(
        "shard-empty-file",
        both(
            append_to(GAMMA, ALPHA_CORPUS.format('"shards/*.jsonl"')),
            write("content/shards/empty.jsonl", b""),
        ),
        f"{GAMMA}:22:14: evidence.corpus.shards[0]: shards/empty.jsonl: empty file (0 bytes)",
    ),
    Case(
        "shard-not-zstd",
        both(
            append_to(GAMMA, ALPHA_CORPUS.format('"shards/a.jsonl.zst"')),
            write("content/shards/a.jsonl.zst", b'{"text": "plain, not compressed"}\n'),
        ),
        f"{GAMMA}:22:14: evidence.corpus.shards[0]: shards/a.jsonl.zst: not a zstandard "
        "stream (no zstd magic number)",
    ),
    Case(
        "shard-symlink-outside",
        both(
            append_to(GAMMA, ALPHA_CORPUS.format('"shards/*.jsonl.zst"')),
            write("elsewhere/b.jsonl.zst", ZSTD_MAGIC + b"\0" * 16),
            mkdir("content/shards"),
            symlink("content/shards/b.jsonl.zst", "elsewhere/b.jsonl.zst"),
        ),
        f"{GAMMA}:22:14: evidence.corpus.shards[0]: 'shards/*.jsonl.zst' matches 1 file(s) "
        "outside the content folder (a symbolic link or '..'); a relative pattern must stay "
        "inside it (write an absolute path for shards kept elsewhere)",
    ),
    Case(
        "qa-example-set-broken",
        both(append_to(BETA, QA_EVIDENCE), write("content/qa/set.yaml", "examples: [\n")),
        "content/qa/set.yaml:2:1: YAML syntax error: expected the node content, but found "
        "'<stream end>'",
    ),
    # -- command-line input -----------------------------------------------------------------
    Case(
        "qa-batch-size-0",
        lambda root: None,
        "build.py qa: error: argument --batch-size: must be from 1 to 256, got 0",
        code=2,
        argv=("qa", "--model", "x", "--question", "q", "--passage", "p", "--batch-size", "0"),
    ),
    Case(
        "qa-threads-negative",
        lambda root: None,
        "build.py qa: error: argument --threads: must be from 1 to 1,024, got -1",
        code=2,
        argv=("qa", "--model", "x", "--question", "q", "--passage", "p", "--threads", "-1"),
    ),
    Case(
        "qa-null-threshold-nan",
        lambda root: None,
        "build.py qa: error: argument --null-threshold: expected a finite number, got 'nan'",
        code=2,
        argv=("qa", "--model", "x", "--question", "q", "--passage", "p", "--null-threshold", "nan"),
    ),
    Case(
        "qa-passage-100-kb-on-the-command-line",
        lambda root: None,
        "error: --passage: 100,000 characters; the limit is 20,000",
        argv=("qa", "--model", "x", "--question", "q", "--passage", "y" * 100_000),
    ),
    Case(
        "serve-port-out-of-range",
        lambda root: None,
        "build.py serve: error: argument --port: must be from 1 to 65,535, got 99999",
        code=2,
        argv=("serve", "--content", "content", "--port", "99999"),
    ),
    Case(
        "out-is-a-file",
        write("notes.txt", "keep me\n"),
        "error: --out 'notes.txt' is a file; the build would replace it with the site",
        argv=("build", "--content", "content", "--out", "notes.txt", "--cache-dir", "cache"),
        built=_kept("notes.txt"),
    ),
    Case(
        "out-holds-other-files",
        write("mine/notes.txt", "keep me\n"),
        "error: --out 'mine' holds files no earlier build wrote (it has no "
        ".unfragile-manifest.json); the build replaces its output folder whole, so choose an "
        "empty or new folder",
        argv=("build", "--content", "content", "--out", "mine", "--cache-dir", "cache"),
        built=_kept("mine/notes.txt"),
    ),
    Case(
        "out-holds-the-content",
        lambda root: None,
        "error: --out '.' holds the content folder; the build would replace it",
        argv=("build", "--content", "content", "--out", ".", "--cache-dir", "cache"),
        built=_kept("content/site.yaml"),
    ),
    Case(
        "base-url-not-a-url",
        lambda root: None,
        "error: --base-url: 'not a url' is not an absolute http(s) URL",
        extra=("--base-url", "not a url"),
    ),
]


@dataclass
class Run:
    code: int
    stderr: str
    stdout: str


@dataclass
class Prepared:
    case: Case
    root: Path
    runs: dict[str, Run] = field(default_factory=dict)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run(argv: list[str], cwd: Path) -> Run:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    try:
        done = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), *argv],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            preexec_fn=_limit_memory,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Run(-1, f"timed out after {TIMEOUT} s", "")
    return Run(done.returncode, done.stderr, done.stdout)


def _command(case: Case, command: str, root: Path) -> list[str]:
    if command == "check":
        return ["check", "--content", "content", *case.extra]
    return [
        "build",
        "--content",
        "content",
        "--out",
        "out",
        "--cache-dir",
        "cache",
        *case.extra,
    ]


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The basic fixture site, built once: every row's ``out/`` starts as a copy of it."""
    root = tmp_path_factory.mktemp("previous")
    shutil.copytree(BASIC, root / "content")
    run = _run(["build", "--content", "content", "--out", "out", "--cache-dir", "cache"], root)
    assert run.code == 0, run.stderr
    return root / "out"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory, previous: Path) -> dict[str, Prepared]:
    """Every row's content made, then every command of every row run, several at a time."""
    rows: dict[str, Prepared] = {}
    jobs: list[tuple[Prepared, str, list[str]]] = []
    for case in CASES:
        root = tmp_path_factory.mktemp(case.id)
        shutil.copytree(BASIC, root / "content")
        case.edit(root)
        shutil.copytree(previous, root / "out", symlinks=True)
        row = rows[case.id] = Prepared(case, root)
        if case.argv is not None:
            jobs.append((row, "argv", list(case.argv)))
        else:
            jobs.extend((row, command, _command(case, command, root)) for command in case.commands)
    workers = max(2, min(8, os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [(row, name, pool.submit(_run, argv, row.root)) for row, name, argv in jobs]
        for row, name, future in futures:
            row.runs[name] = future.result()
    return rows


def _check_runs(row: Prepared, previous: Path) -> Iterator[str]:
    """Everything wrong with one row (empty when it behaves)."""
    case = row.case
    for name, run in row.runs.items():
        where = f"{case.id} [{name}]"
        if run.code != case.code:
            yield f"{where}: exit status {run.code}, expected {case.code}\n{run.stderr[-2000:]}"
        if "Traceback" in run.stderr:
            yield f"{where}: printed a traceback\n{run.stderr[-2000:]}"
        if case.message and case.message not in run.stderr.splitlines():
            yield f"{where}: no line {case.message!r} in stderr:\n{run.stderr[-2000:]}"
    out = row.root / "out"
    failed_build = "build" in row.runs and case.code != 0
    if failed_build and site_digest(out) != site_digest(previous):
        yield f"{case.id}: the failed build changed the previous output"
    if case.built is not None:
        case.built(out)


@pytest.mark.parametrize("case_id", [case.id for case in CASES])
def test_hostile_input(case_id: str, prepared: dict[str, Prepared], previous: Path) -> None:
    problems = list(_check_runs(prepared[case_id], previous))
    assert not problems, "\n".join(problems)


def test_the_table_covers_every_limit() -> None:
    """The rows above exercise each documented limit at least once."""
    ids = {case.id for case in CASES}
    assert {
        "file-5-mb",
        "billion-laughs",
        "alias-text-bomb",
        "nested-30-levels",
        "description-20k-characters",
        "name-300-characters",
        "key-200-characters",
        "capabilities-101",
        "qa-passage-200-kb",
        "qa-passage-100-kb-on-the-command-line",
    } <= ids
    assert MAX_YAML_BYTES < 5 << 20  # the 5 MB row is over the limit
