"""``build.py diff`` and ``check --base``: what a content edit does to the site, against a git
ref, a content folder or a built site; vanishing URLs and the redirects that keep them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import orjson
import pytest

from generator.build import BuildOptions, build_site
from generator.cli import main
from generator.commands.diff import EXIT_VANISHED
from generator.errors import Problem
from generator.report import PageChange, Report
from generator.report_format import COLLAPSE_AFTER, to_markdown
from tests.conftest import BASIC
from tests.sitecheck import broken_links

VANISHING = [
    "/compare/alpha-qa-vs-beta-qa/",
    "/compare/beta-qa-vs-alpha-qa/",
    "/model/beta-qa/",
]


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A content repository: the basic fixture site committed once."""
    root = tmp_path / "repo"
    shutil.copytree(BASIC, root / "content")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "the fixture site")
    return root


def _commit(repo: Path, message: str) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


_errors: list[str] = []  # what each _diff call printed on stderr


def _diff(
    repo: Path, capsys: pytest.CaptureFixture[str], *args: str, base: str = "HEAD~1"
) -> tuple[int, str]:
    cache = repo.parent / "cache"
    content = str(repo / "content")
    code = main(["diff", "--base", base, "--content", content, "--cache-dir", str(cache), *args])
    captured = capsys.readouterr()
    _errors.append(captured.err)
    return code, captured.out


def test_one_signal_edit_names_the_artifact_the_ranks_and_the_signal(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(
        repo / "content" / "artifacts" / "alpha-qa.yaml",
        'downloads: {value: 1000, source: "https://example.org/alpha"}',
        'downloads: {value: 1000000, source: "https://example.org/alpha/stats"}',
    )
    _commit(repo, "alpha: downloads")
    code, out = _diff(repo, capsys, "--format", "json")
    assert code == 0
    report = orjson.loads(out)
    [score] = [s for s in report["scores"] if s["status"] == "changed"]
    assert score["slug"] == "alpha-qa" and score["name"] == "Alpha QA"
    old, new = score["unfragile_rank"]["old"], score["unfragile_rank"]["new"]
    assert old is not None and new is not None and new > old
    assert score["position"] == {"old": {"number": 2, "of": 2}, "new": {"number": 1, "of": 2}}
    [signal] = score["signals"]
    assert signal["id"] == "downloads" and signal["changed"] == ["value", "points", "source"]
    assert (signal["old"]["value"], signal["new"]["value"]) == (1000.0, 1000000.0)
    assert score["dimensions"] == {"adoption": {"old": 40.0, "new": 100.0}}
    # Beta did not change, but Alpha moved past it.
    assert [(s["slug"], s["status"]) for s in report["scores"]] == [
        ("alpha-qa", "changed"),
        ("beta-qa", "reordered"),
    ]
    assert report["vanished"] == [] and report["pairs"] == {"added": [], "dropped": []}
    assert "model/alpha-qa/index.html" in [p["path"] for p in report["pages"]["changed"]]

    code, markdown = _diff(repo, capsys)
    assert code == 0
    row = next(line for line in markdown.splitlines() if line.startswith("| **Alpha QA**"))
    assert f"{old:g} → {new:g}" in row
    assert "#2 → #1 of 2" in row
    assert "Adoption 40 → 100 (+60)" in row
    assert (
        "`downloads`: 1,000 downloads → 1,000,000 downloads "
        "(source: https://example.org/alpha/stats)" in row
    )


def test_removing_a_record_lists_every_vanishing_url_and_writes_redirects(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "content" / "artifacts" / "beta-qa.yaml").unlink()
    _commit(repo, "remove beta")
    code, out = _diff(repo, capsys, "--format", "json", "--fail-on-removed")
    assert code == EXIT_VANISHED
    report = orjson.loads(out)
    assert report["vanished"] == [
        {"kind": "compare", "redirect_to": "/model/alpha-qa/", "url": VANISHING[0]},
        {"kind": "redirect", "redirect_to": "/model/alpha-qa/", "url": VANISHING[1]},
        {"kind": "artifact", "redirect_to": "/model/", "url": VANISHING[2]},
    ]
    assert report["pairs"]["dropped"] == [
        {
            "a": "alpha-qa",
            "b": "beta-qa",
            "reason": "beta-qa removed",
            "slug": "alpha-qa-vs-beta-qa",
            "url": VANISHING[0],
        }
    ]
    [gone] = [s for s in report["scores"] if s["slug"] == "beta-qa"]
    assert gone["status"] == "removed"

    # check --base names the same URLs, located in redirects.yaml, as annotations on stdout.
    content = str(repo / "content")
    assert main(["check", "--content", content, "--base", "HEAD~1", "--format", "github"]) == 1
    annotations = capsys.readouterr().out.splitlines()
    assert [a.split("::redirects: ")[1].split(" ")[0] for a in annotations] == VANISHING
    assert annotations[0].startswith("::error file=")
    assert "redirects.yaml,line=1,col=1::" in annotations[0]

    code, out = _diff(repo, capsys, "--write-redirects", "--fail-on-removed")
    assert code == 0
    assert (
        (repo / "content" / "redirects.yaml")
        .read_text()
        .endswith(
            "redirects:\n"
            "  - {from: /compare/alpha-qa-vs-beta-qa/, to: /model/alpha-qa/}\n"
            "  - {from: /compare/beta-qa-vs-alpha-qa/, to: /model/alpha-qa/}\n"
            "  - {from: /model/beta-qa/, to: /model/}\n"
        )
    )
    assert "**0** published URLs gone without a redirect" in out
    assert main(["check", "--content", content, "--base", "HEAD~1"]) == 0
    assert "Every URL published at HEAD~1 is still served." in capsys.readouterr().out

    out_dir = repo.parent / "site"
    build_site(BuildOptions(repo / "content", out_dir, cache_dir=repo.parent / "cache"))
    for url in VANISHING:
        page = (out_dir / url.strip("/") / "index.html").read_text()
        target = "alpha-qa/" if "compare" in url else "model/"
        assert f'<link rel="canonical" href="https://fixture.example/{target}' in page.replace(
            "model/alpha-qa/", "alpha-qa/"
        )
    assert "/model/beta-qa/ /model/ 301" in (out_dir / "_redirects").read_text()
    assert broken_links(out_dir, "https://fixture.example/") == []


def test_a_redirect_whose_target_goes_is_pointed_at_a_page(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "content" / "redirects.yaml").write_text(
        "redirects:\n  - {from: /model/old-beta/, to: /model/beta-qa/}\n"
    )
    _commit(repo, "an old redirect")
    (repo / "content" / "artifacts" / "beta-qa.yaml").unlink()
    # Without --write-redirects the head does not build: the redirect's target is gone.
    assert _diff(repo, capsys)[0] == 1
    code, _ = _diff(repo, capsys, "--write-redirects")
    assert code == 0
    text = (repo / "content" / "redirects.yaml").read_text()
    assert text.startswith("redirects:\n  - {from: /model/old-beta/, to: /model/}\n")
    assert "  - {from: /model/beta-qa/, to: /model/}\n" in text


def test_the_base_may_be_a_content_folder_or_a_built_site(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    built = tmp_path / "built"
    build_site(BuildOptions(repo / "content", built, cache_dir=tmp_path / "cache"))
    code, out = _diff(repo, capsys, base=str(built))
    assert code == 0
    assert "No output changes" in out
    (repo / "content" / "artifacts" / "beta-qa.yaml").unlink()
    for base in (str(built), str(BASIC)):
        code, out = _diff(repo, capsys, "--format", "json", base=base)
        assert code == 0
        assert [v["url"] for v in orjson.loads(out)["vanished"]] == VANISHING


def test_json_is_stable(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "content" / "artifacts" / "gamma-corpus.yaml").unlink()
    _edit(repo / "content" / "artifacts" / "alpha-qa.yaml", "compare_with: [gamma-corpus]\n", "")
    code, first = _diff(repo, capsys, "--format", "json", base="HEAD")
    assert code == 0
    assert _diff(repo, capsys, "--format", "json", base="HEAD") == (0, first)
    data = orjson.loads(first)
    assert list(data) == sorted(data)
    assert data["version"] == 1 and data["base"] == "HEAD" and data["head"] == "working tree"
    assert data["summary"]["pages_removed"] == len(data["pages"]["removed"]) > 0


def test_broken_links_are_reported_not_fatal(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(
        repo / "content" / "artifacts" / "gamma-corpus.yaml",
        "unique: Each subset documented.",
        "unique: 'Each subset documented ([sheet](/dataset/gamma-corpus/sheet/)).'",
    )
    code, out = _diff(repo, capsys, "--format", "json", base="HEAD")
    assert code == 0
    links = orjson.loads(out)["broken_links"]
    assert {link["page"] for link in links} == {
        "dataset/gamma-corpus/index.html",
        "compare/alpha-qa-vs-gamma-corpus/index.html",
    }
    assert links[0]["message"].startswith("link '/dataset/gamma-corpus/sheet/' leads to")


def test_errors_exit_1_without_a_report(
    repo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert _diff(repo, capsys, base="no-such-ref")[0] == 1
    err = _errors[-1]
    assert err.startswith("error: --base no-such-ref: not a folder, and not a commit")
    (tmp_path / "empty").mkdir()
    assert _diff(repo, capsys, base=str(tmp_path / "empty"))[0] == 1
    assert "neither a built site" in _errors[-1]
    (repo / "content" / "artifacts" / "alpha-qa.yaml").write_text("name: [\n")
    code, out = _diff(repo, capsys, base="HEAD")
    assert code == 1 and out == ""
    assert "alpha-qa.yaml:2:1: YAML syntax error" in _errors[-1]


def _report(changed: int) -> Report:
    pages = [
        PageChange(f"model/a{i}/index.html", "artifact", f"/model/a{i}/") for i in range(changed)
    ]
    broken = [Problem("public/index.html", 3, 9, "href", "link 'x|y' leads to /x|y")]
    return Report("main", "working tree", [], [], pages, [], [], [], broken, [], [], ({}, {}))


def test_markdown_folds_sections_past_fifty_rows() -> None:
    short, long = to_markdown(_report(COLLAPSE_AFTER)), to_markdown(_report(COLLAPSE_AFTER + 1))
    assert "<details>" not in short and f"**Changed** ({COLLAPSE_AFTER})" in short
    assert f"<details><summary>Changed ({COLLAPSE_AFTER + 1})</summary>" in long
    assert long.count("</details>") == 1
    # Table cells cannot be broken by what they show.
    assert "link 'x\\|y' leads to /x\\|y" in long
