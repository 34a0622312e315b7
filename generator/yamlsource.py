"""YAML loading that remembers where every value came from.

PyYAML's composer gives nodes with line/column marks; we construct plain Python values from
them and keep a map from each value's field path (``capabilities[2].title``) to its position, so
validation errors can point at the exact line. Duplicate mapping keys are reported (PyYAML would
silently keep the last one). Every limit of ``generator/limits.py`` on a YAML file is enforced
here: its size before it is read, its values and text (aliases expanded) as they are built, its
nesting, and numbers and dates that cannot be represented.
"""

from __future__ import annotations

import math
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml

from generator.errors import Problems
from generator.limits import (
    MAX_KEY_CHARS,
    MAX_YAML_BYTES,
    MAX_YAML_CHARS,
    MAX_YAML_DEPTH,
    MAX_YAML_NODES,
    quote,
    size_text,
)
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


class _TooBig(Exception):
    """A document over a limit: building stops at once (the problem is already recorded)."""


class _Builder:
    """Builds plain values from composed nodes, recording each value's position.

    Aliases are expanded here (the composer shares the anchored node), so this is where a
    "billion laughs" document would explode: every value built counts towards
    ``MAX_YAML_NODES`` and every character of text towards ``MAX_YAML_CHARS``, an alias's
    values again at each use, and building stops as soon as either is passed.
    """

    def __init__(self, doc: YamlDocument, problems: Problems) -> None:
        self.doc = doc
        self.problems = problems
        self.constructor = yaml.SafeLoader("")
        self.nodes = 0
        self.chars = 0
        self.invalid = False  # a value that cannot be read (bad date, number out of range)
        self.top: tuple[str, Position] | None = None  # the top-level field being built

    def _add(self, node: yaml.Node, path: str, message: str) -> None:
        mark = node.start_mark
        self.problems.add(self.doc.display, mark.line + 1, mark.column + 1, path, message)

    def _stop(self, node: yaml.Node, path: str, message: str) -> NoReturn:
        """Report a limit at the top-level field being built (an alias's node would point
        at its anchor, wherever that is) and stop."""
        if self.top is None:
            self._add(node, path, message)
        else:
            field_path, pos = self.top
            self.problems.add(self.doc.display, pos.line, pos.col, field_path, message)
        raise _TooBig

    def build(self, node: yaml.Node, path: str, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_YAML_NODES:
            self._stop(
                node,
                path,
                f"more than {MAX_YAML_NODES:,} values in one file, the limit (each use of an "
                "alias counts again)",
            )
        if depth > MAX_YAML_DEPTH:
            self._stop(node, path, f"nested more than {MAX_YAML_DEPTH} levels deep, the limit")
        mark = node.start_mark
        self.doc.positions.setdefault(path, Position(mark.line + 1, mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self._key(key_node, path)
                if key is None:
                    continue
                child = join(path, key)
                kpos = Position(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in result:
                    self.problems.add(self.doc.display, kpos.line, kpos.col, child, "duplicate key")
                    continue
                self.doc.positions[f"{child}#key"] = kpos
                if depth == 0:
                    self.top = (child, kpos)
                result[key] = self.build(value_node, child, depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, join(path, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _key(self, node: yaml.Node, path: str) -> str | None:
        where = path
        if not isinstance(node, yaml.ScalarNode):
            kind = "a mapping" if isinstance(node, yaml.MappingNode) else "a list"
            self._add(node, where, f"keys must be text, got {kind}")
            return None
        before = len(self.problems)
        key = self._scalar(node, where)
        if not isinstance(key, str):
            if len(self.problems) == before:
                self._add(node, where, f"keys must be text, got {quote(key)}")
            return None
        if len(key) > MAX_KEY_CHARS:
            self._add(
                node,
                where,
                f"a key of {len(key):,} characters; keys are at most {MAX_KEY_CHARS}",
            )
            return None
        return key

    def _scalar(self, node: yaml.Node, path: str) -> Any:
        text = node.value if isinstance(node.value, str) else ""
        self.chars += len(text)
        if self.chars > MAX_YAML_CHARS:
            self._stop(
                node,
                path,
                f"more than {MAX_YAML_CHARS:,} characters of text in one file, the limit "
                "(each use of an alias counts again)",
            )
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:  # a date that does not exist, a huge number
            self.invalid = True
            if node.tag == "tag:yaml.org,2002:timestamp":
                self._add(node, path, f"{quote(text)} is not a real date ({exc})")
            elif node.tag == "tag:yaml.org,2002:int":
                self._add(node, path, _TOO_BIG.format(quote(text)))
            else:
                self._add(node, path, f"{quote(text)} cannot be read: {exc}")
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            try:
                float(value)
            except OverflowError:
                self.invalid = True
                self._add(node, path, _TOO_BIG.format(quote(text)))
                return None
        elif isinstance(value, float) and not math.isfinite(value):
            self.invalid = True
            self._add(node, path, f"{quote(text)} is not a finite number (no NaN or infinity)")
            return None
        return value


# Files up to this size get the pure-Python parser's clearer syntax messages.
FRIENDLY_PARSE_CHARS = 256 << 10

_TOO_BIG = "{} is too large: numbers must be within a float's range (about ±1.8e308)"


def _compose(text: str) -> yaml.Node | None:
    """Compose with libyaml; on a syntax error, compose again with the pure-Python parser,
    whose messages say what it expected and what it found ("but got ':'")."""
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=COMPOSER)
    except yaml.YAMLError:
        if COMPOSER is yaml.SafeLoader or len(text) > FRIENDLY_PARSE_CHARS:
            raise  # the pure parser would take seconds on a large file: libyaml's message
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)  # raises the friendlier error
        except RecursionError:  # nested too deep for the pure parser: libyaml's message
            pass
        else:
            return node
        raise
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
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, …)
        line, col = _line_col(text, exc.position)
        what = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
        problems.add(display, line, col, "", f"YAML syntax error: {what} is not allowed in YAML")
        return None
    except yaml.YAMLError as exc:
        problems.add(display, 1, 1, "", f"YAML error: {exc}")
        return None
    if node is None:
        doc.data = None
        return doc
    builder = _Builder(doc, problems)
    try:
        doc.data = builder.build(node, "")
    except _TooBig:
        return None
    except yaml.YAMLError as exc:  # e.g. an unknown tag
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problems.add(display, line, col, "", f"YAML error: {getattr(exc, 'problem', exc)}")
        return None
    return None if builder.invalid else doc


def _line_col(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of the character at ``position``."""
    line_start = text.rfind("\n", 0, position) + 1
    return text.count("\n", 0, position) + 1, position - line_start + 1


def read_bounded(path: Path, display: str, problems: Problems) -> bytes | None:
    """The bytes of a regular file of at most ``MAX_YAML_BYTES``; anything else is a problem.

    The size is checked before reading (and again while reading, for a file that grows), so an
    oversized file costs nothing; a FIFO or device is never opened.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        problems.add(display, 1, 1, "", "file not found")
        return None
    except OSError as exc:
        problems.add(display, 1, 1, "", f"cannot read: {exc.strerror}")
        return None
    if not stat.S_ISREG(info.st_mode):
        problems.add(display, 1, 1, "", "not a regular file")
        return None
    too_big = f"the file is larger than the limit of {size_text(MAX_YAML_BYTES)} for a YAML file"
    if info.st_size > MAX_YAML_BYTES:
        problems.add(display, 1, 1, "", f"{too_big} ({size_text(info.st_size)})")
        return None
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_YAML_BYTES + 1)
    except OSError as exc:
        problems.add(display, 1, 1, "", f"cannot read: {exc.strerror}")
        return None
    if len(raw) > MAX_YAML_BYTES:
        problems.add(display, 1, 1, "", too_big)
        return None
    return raw


def decode_utf8(raw: bytes, display: str, problems: Problems) -> str | None:
    """``raw`` as text; a bad byte is reported at its line and column."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
        problems.add(
            display,
            line,
            col,
            "",
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
        )
        return None


def load_yaml(
    path: Path,
    problems: Problems,
    display: str | None = None,
    cache: ParseCache | None = None,
) -> YamlDocument | None:
    """Read and parse ``path``; unreadable files and bad UTF-8 become problems, not exceptions.

    With a ``cache``, a file whose bytes were parsed cleanly before is not parsed again (the
    size limit is checked first: a cached document passed every other limit when it was
    parsed).
    """
    shown = display or display_path(path)
    raw = read_bounded(path, shown, problems)
    if raw is None:
        return None
    key = ParseCache.key(raw) if cache is not None else ""
    if cache is not None:
        found = cache.get(key)
        if found is not None:
            return YamlDocument(path=path, display=shown, data=found[0], positions=found[1])
    text = decode_utf8(raw, shown, problems)
    if text is None:
        return None
    before = len(problems)
    doc = parse_yaml(text, path, shown, problems)
    if cache is not None and doc is not None and len(problems) == before:
        cache.put(key, (doc.data, doc.positions))
    return doc


def _link_path(path: Path) -> Path:
    """``path`` made absolute with its folders resolved but not its own name: a symbolic link
    is shown by its own name, never by where it points."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.parent.resolve() / absolute.name
    except (OSError, RuntimeError):
        return absolute


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is inside it (for messages)."""
    try:
        return str(_link_path(path).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def content_name(path: Path, content_dir: Path) -> str:
    """``path`` relative to the content folder, with ``/``: what outputs may show (the same
    whatever the working directory); the file name alone when it is outside."""
    try:
        return _link_path(path).relative_to(content_dir.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return path.name


def outside(path: Path, root: Path) -> bool:
    """Whether ``path``, after following symbolic links, lies outside the folder ``root``."""
    try:
        return not path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return True
