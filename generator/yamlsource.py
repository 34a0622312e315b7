"""YAML loading that remembers where every value came from.

PyYAML's composer gives nodes with line/column marks; we construct plain Python values from
them and keep a map from each value's field path (``capabilities[2].title``) to its position, so
validation errors can point at the exact line. Duplicate mapping keys are reported (PyYAML would
silently keep the last one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import Problems
from generator.parsecache import ParseCache

# libyaml's parser keeps line/column marks on nodes and is ~15x faster than the pure-Python one.
COMPOSER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class YamlDocument:
    """A parsed YAML file: its data plus the position of each field path."""

    path: Path
    display: str  # the path as printed in messages (relative to the working directory)
    data: Any
    positions: dict[str, Position] = field(default_factory=dict)

    def where(self, field_path: str) -> Position:
        """Position of ``field_path``, or of its nearest located parent, or of the file start."""
        probe = field_path
        while probe:
            if probe in self.positions:
                return self.positions[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return self.positions.get("", Position(1, 1))

    def key_position(self, field_path: str) -> Position:
        """Position of the key of ``field_path`` (for unknown-key messages)."""
        return self.positions.get(f"{field_path}#key", self.where(field_path))

    def problem(self, problems: Problems, field_path: str, message: str) -> None:
        pos = self.where(field_path)
        problems.add(self.display, pos.line, pos.col, field_path, message)


def join(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


class _Builder:
    def __init__(self, doc: YamlDocument, problems: Problems) -> None:
        self.doc = doc
        self.problems = problems
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: str) -> Any:
        mark = node.start_mark
        self.doc.positions.setdefault(path, Position(mark.line + 1, mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.constructor.construct_object(key_node, deep=True)
                kpos = Position(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if not isinstance(key, str):
                    self.problems.add(
                        self.doc.display,
                        kpos.line,
                        kpos.col,
                        path or "<root>",
                        f"keys must be strings, got {key!r}",
                    )
                    continue
                child = join(path, key)
                if key in result:
                    self.problems.add(self.doc.display, kpos.line, kpos.col, child, "duplicate key")
                    continue
                self.doc.positions[f"{child}#key"] = kpos
                result[key] = self.build(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, join(path, i)) for i, item in enumerate(node.value)]
        return self.constructor.construct_object(node, deep=True)


def _compose(text: str) -> yaml.Node | None:
    """Compose with libyaml; on a syntax error, compose again with the pure-Python parser,
    whose messages say what it expected and what it found ("but got ':'")."""
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=COMPOSER)
    except yaml.YAMLError:
        if COMPOSER is yaml.SafeLoader:
            raise
        node = yaml.compose(text, Loader=yaml.SafeLoader)  # raises the friendlier error
    return node


def parse_yaml(text: str, path: Path, display: str, problems: Problems) -> YamlDocument | None:
    """Parse one YAML document; syntax errors are added to ``problems`` and give ``None``."""
    doc = YamlDocument(path=path, display=display, data=None)
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        problems.add(display, line, col, "", f"YAML syntax error: {reason}")
        return None
    except yaml.YAMLError as exc:
        problems.add(display, 1, 1, "", f"YAML error: {exc}")
        return None
    if node is None:
        doc.data = None
        return doc
    try:
        doc.data = _Builder(doc, problems).build(node, "")
    except yaml.YAMLError as exc:  # e.g. a bad timestamp or an unknown tag
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problems.add(display, line, col, "", f"YAML error: {getattr(exc, 'problem', exc)}")
        return None
    return doc


def load_yaml(
    path: Path,
    problems: Problems,
    display: str | None = None,
    cache: ParseCache | None = None,
) -> YamlDocument | None:
    """Read and parse ``path``; unreadable files and bad UTF-8 become problems, not exceptions.

    With a ``cache``, a file whose bytes were parsed cleanly before is not parsed again.
    """
    shown = display or display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.add(shown, 1, 1, "", "file not found")
        return None
    except OSError as exc:
        problems.add(shown, 1, 1, "", f"cannot read: {exc.strerror}")
        return None
    key = ParseCache.key(raw) if cache is not None else ""
    if cache is not None:
        found = cache.get(key)
        if found is not None:
            return YamlDocument(path=path, display=shown, data=found[0], positions=found[1])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.add(shown, 1, 1, "", f"not valid UTF-8 (byte {exc.start})")
        return None
    before = len(problems)
    doc = parse_yaml(text, path, shown, problems)
    if cache is not None and doc is not None and len(problems) == before:
        cache.put(key, (doc.data, doc.positions))
    return doc


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
