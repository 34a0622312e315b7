"""Files a record names relative to the content folder (QA example sets, published figures)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.fields import Reader
from generator.yamlsource import display_path, join


def content_files(
    r: Reader, path: str, mapping: dict[str, Any], key: str, content_dir: Path
) -> list[Path]:
    """Files named relative to the content folder; they must exist and stay inside it."""
    names = r.string_list(path, mapping, key) or []
    root = content_dir.resolve()
    files: list[Path] = []
    for i, name in enumerate(names):
        where = join(path, key) if isinstance(mapping.get(key), str) else join(join(path, key), i)
        candidate = (content_dir / name).resolve()
        if not candidate.is_relative_to(root):
            r.problem(where, f"'{name}' is outside the content folder")
        elif not candidate.is_file():
            r.problem(where, f"file '{name}' not found in {display_path(content_dir)}")
        else:
            files.append(candidate)
    return files
