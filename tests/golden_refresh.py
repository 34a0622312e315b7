"""Refresh the golden tree: ``python -m tests.golden_refresh`` (or ``make golden``).

Review the diff of tests/golden/ before committing it: it is the expected output of the basic
fixture site.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from generator.build import BuildOptions, build_site
from generator.manifest import MANIFEST_NAME

HERE = Path(__file__).parent
GOLDEN = HERE / "golden" / "basic"
CONTENT = HERE / "fixtures" / "basic" / "content"
TEMPLATES = HERE.parent / "templates"
# The golden test checks our pages, not the static assets other work ships.
STATIC = HERE / "fixtures" / "basic" / "static"
# Pagefind's own runtime (pinned with the package): in the site, but not ours to snapshot. The
# search index beside it (entry, meta, chunks, fragments) is made from our content and is kept.
VENDORED = ("pagefind/pagefind.js", "pagefind/wasm.en.pagefind")


def build_golden(out: Path, cache: Path) -> None:
    build_site(
        BuildOptions(
            content_dir=CONTENT,
            out_dir=out,
            cache_dir=cache,
            templates_dir=TEMPLATES,
            static_dir=STATIC,
        )
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        build_golden(Path(tmp) / "out", Path(tmp) / "cache")
        shutil.rmtree(GOLDEN, ignore_errors=True)
        out = Path(tmp) / "out"
        for rel in VENDORED:
            (out / rel).unlink()
        shutil.copytree(out, GOLDEN, ignore=shutil.ignore_patterns(MANIFEST_NAME))
    print(f"golden tree refreshed: {GOLDEN}")


if __name__ == "__main__":
    main()
