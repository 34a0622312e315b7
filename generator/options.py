"""Build options: what a build reads and writes, shared by the commands, the build and the pages.

Kept in a module of its own so that argument parsing imports no rendering code and the build
and the page kinds do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path
    out_dir: Path
    base_url: str | None = None
    strict: bool = False
    cache_dir: Path = PROJECT_ROOT / ".cache" / "unfragile"
    templates_dir: Path = PROJECT_ROOT / "templates"
    static_dir: Path = PROJECT_ROOT / "static"
    node_modules: Path = PROJECT_ROOT / "node_modules"
    # Render processes; None: every usable core (one process for small sites).
    jobs: int | None = None
    # Carry unchanged outputs over from the previous build (its manifest); False renders all.
    incremental: bool = True
    # Show a progress bar on a long render stage (only when stderr is a terminal).
    progress: bool = True
