"""The golden end-to-end test: the basic fixture site, diffed against tests/golden/basic.

Refresh after an intended change with ``make golden`` and review the diff.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from tests.golden_refresh import GOLDEN, VENDORED, build_golden
from tests.sitecheck import site_digest


def test_fixture_site_matches_golden_tree(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_golden(out, tmp_path / "cache")
    assert all((out / rel).stat().st_size > 0 for rel in VENDORED)
    expected = site_digest(GOLDEN)
    actual = {k: v for k, v in site_digest(out).items() if k not in VENDORED}
    assert sorted(actual) == sorted(expected), "files differ; run `make golden` and review"
    for rel, digest in sorted(actual.items()):
        if digest != expected[rel]:
            diff = "\n".join(
                difflib.unified_diff(
                    (GOLDEN / rel).read_text().splitlines(),
                    (out / rel).read_text().splitlines(),
                    f"golden/{rel}",
                    f"built/{rel}",
                    lineterm="",
                    n=1,
                )
            )
            raise AssertionError(f"{rel} differs from the golden tree:\n{diff[:4000]}")
