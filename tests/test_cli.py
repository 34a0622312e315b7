"""The command line: exit codes, error formats, no tracebacks for content errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import MakeSite, minimal

ROOT = Path(__file__).parent.parent


def test_check_ok(basic_content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--content", str(basic_content)]) == 0
    assert "OK: 3 artifacts" in capsys.readouterr().out


def test_check_reports_all_errors_without_traceback(make_site: MakeSite, tmp_path: Path) -> None:
    content = make_site({"a": minimal("A") + "colour: red\n", "b": "name: [\n"})
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "check", "--content", str(content)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert "site/artifacts/a.yaml:10:1: colour: unknown field" in lines
    assert any(line.startswith("site/artifacts/b.yaml:2:1: YAML syntax error") for line in lines)
    assert lines[-1] == "error: 2 content problems; nothing was written"


def test_github_annotations(
    make_site: MakeSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    content = make_site({"a": minimal("A").replace("kind: model", "kind: 5")})
    assert main(["check", "--content", str(content), "--format", "github"]) == 1
    captured = capsys.readouterr()
    # The runner reads workflow commands from stdout only; the summary stays on stderr.
    assert captured.out.splitlines() == [
        "::error file=site/artifacts/a.yaml,line=2,col=7::kind: expected text, got a number"
    ]
    assert "::error" not in captured.err
    assert captured.err.splitlines()[-1] == "error: 1 content problem; nothing was written"


def test_build_is_the_default_command(
    basic_content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(
        ["--content", str(basic_content), "--out", str(out), "--cache-dir", str(tmp_path / "cache")]
    )
    assert code == 0
    assert (out / "index.html").is_file()
    assert f"Site written to {out.resolve()}" in capsys.readouterr().out


def test_build_failure_exit_status(make_site: MakeSite, tmp_path: Path) -> None:
    content = make_site({"a": "name: A\n"})
    out = tmp_path / "out"
    assert main(["build", "--content", str(content), "--out", str(out)]) == 1
    assert not out.exists()
