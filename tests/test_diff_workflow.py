"""The example content workflow (docs/ci/content-pr.yml): every ``build.py`` command it runs
parses with our command line, and the pull-request job's steps, run as the runner runs them
(bash, the step's env, a git checkout with ``origin/main``), do what the workflow relies on."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import make_parser
from tests.conftest import BASIC

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "docs" / "ci" / "content-pr.yml"
ENV = {
    "BASE_REF": "origin/main",
    "PREVIEW_URL": "https://preview.invalid/pr-7/",
    "PAGES_URL": "https://owner.github.io/site",
}


def _jobs() -> dict[str, Any]:
    jobs: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    return jobs


def _steps(job: str) -> list[dict[str, Any]]:
    return [s for s in _jobs()[job]["steps"] if "build.py" in s.get("run", "")]


def _commands() -> list[list[str]]:
    """Every ``python build.py …`` command line, variables filled in as the runner would."""
    found = []
    for job in _jobs():
        for step in _steps(job):
            script = step["run"].replace("\\\n", " ")
            for line in script.splitlines():
                if "build.py" in line:
                    words = [_fill(w) for w in shlex.split(line)]
                    assert words[:2] == ["python", "build.py"], line
                    found.append(words[2:])
    return found


def _fill(word: str) -> str:
    for name, value in ENV.items():
        word = word.replace(f"${name}", value)
    return word


def test_the_workflow_runs_check_build_and_diff() -> None:
    commands = [c[0] for c in _commands()]
    assert commands == ["check", "build", "diff", "build"]


@pytest.mark.parametrize("argv", _commands(), ids=lambda a: " ".join(a[:1]))
def test_every_command_parses(argv: list[str]) -> None:
    args = make_parser(argv[0]).parse_args(argv)
    assert args.command == argv[0]
    assert Path(args.content) == Path("content")
    if argv[0] == "check":
        assert (args.format, args.strict, args.base) == ("github", True, "origin/main")
    if argv[0] == "build":
        assert args.strict and args.base_url.startswith("https://")
    if argv[0] == "diff":
        assert (args.format, args.base) == ("markdown", "origin/main")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def _run_step(
    step: dict[str, Any], repo: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """As the runner does: ``bash -e`` with the job's and the step's env (values filled in)."""
    step_env = {k: _fill(str(v)) for k, v in step.get("env", {}).items()}
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=repo,
        env={**env, **step_env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_pull_request_job_on_a_removed_record(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(BASIC, repo / "content")
    shutil.copy(ROOT / "build.py", repo / "build.py")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "site")
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    _git(repo, "checkout", "-q", "-b", "remove-beta")
    (repo / "content" / "artifacts" / "beta-qa.yaml").unlink()
    _git(repo, "commit", "-q", "-am", "remove beta")

    shim = tmp_path / "bin"
    shim.mkdir()
    # A script, not a link: a venv's interpreter finds its packages from the path it runs as.
    (shim / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (shim / "python").chmod(0o755)
    summary = tmp_path / "summary.md"
    env = {
        **os.environ,
        **ENV,
        "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    check, build, report = _steps("pull-request")

    failed = _run_step(check, repo, env)
    assert failed.returncode == 1, failed.stderr
    annotations = failed.stdout.splitlines()
    assert len(annotations) == 3, failed.stderr
    assert all(
        a.startswith("::error file=content/redirects.yaml,line=1,col=1::") for a in annotations
    )
    assert "/model/beta-qa/ was published at origin/main" in annotations[2]

    built = _run_step(build, repo, env)
    assert built.returncode == 0, built.stderr
    canonical = '<link rel="canonical" href="https://preview.invalid/pr-7/model/alpha-qa/">'
    assert canonical in (repo / "preview" / "model" / "alpha-qa" / "index.html").read_text()

    reported = _run_step(report, repo, env)
    assert reported.returncode == 0, reported.stderr
    text = (repo / "report.md").read_text()
    assert text.startswith("<!-- unfragile-diff -->\n")
    assert "| `/model/beta-qa/` | artifact | `/model/` |" in text
    assert summary.read_text() == text

    # The fix the report suggests makes the check pass.
    fix = ["diff", "--content", "content", "--base", "origin/main", "--write-redirects"]
    subprocess.run(
        [sys.executable, "build.py", *fix, "--cache-dir", ".cache/unfragile"],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )
    assert _run_step(check, repo, env).returncode == 0
