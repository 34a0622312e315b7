"""Small, position-aware field readers used by every content loader.

Each reader checks one field of a YAML mapping, records a problem with ``path:line:col`` when it
is wrong and returns ``None``, so a loader can keep going and report everything in one pass.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from generator.errors import Problems
from generator.limits import MAX_TEXT_CHARS, quote
from generator.yamlsource import YamlDocument, join

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


@dataclass
class Reader:
    """Reads fields of one YAML document, collecting problems."""

    doc: YamlDocument
    problems: Problems

    def problem(self, field_path: str, message: str) -> None:
        self.doc.problem(self.problems, field_path, message)

    def mapping(self, path: str, value: Any) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        what = "a mapping of fields" if not path else "a mapping"
        self.problem(path, f"expected {what}, got {_type_name(value)}")
        return None

    def sequence(self, path: str, value: Any) -> list[Any] | None:
        if isinstance(value, list):
            return value
        self.problem(path, f"expected a list, got {_type_name(value)}")
        return None

    def keys(
        self, path: str, mapping: dict[str, Any], required: Iterable[str], optional: Iterable[str]
    ) -> None:
        """Report missing required keys and unknown keys (usually typos)."""
        required = list(required)
        allowed = set(required) | set(optional)
        for key in required:
            if key not in mapping or mapping[key] is None:
                self.problem(join(path, key), "field required")
        for key in mapping:
            if key not in allowed:
                hint = difflib.get_close_matches(key, sorted(allowed), n=1)
                suffix = f" (did you mean '{hint[0]}'?)" if hint else ""
                pos = self.doc.key_position(join(path, key))
                self.problems.add(
                    self.doc.display, pos.line, pos.col, join(path, key), f"unknown field{suffix}"
                )

    def text(
        self, path: str, mapping: dict[str, Any], key: str, *, limit: int = MAX_TEXT_CHARS
    ) -> str | None:
        """A non-empty string of at most ``limit`` characters (missing optional fields give
        ``None`` silently)."""
        value = mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(join(path, key), f"expected text, got {_type_name(value)}")
            return None
        if not value.strip():
            self.problem(join(path, key), "must not be empty")
            return None
        if len(value) > limit:
            self.problem(
                join(path, key),
                f"{len(value):,} characters; the limit for this field is {limit:,}",
            )
            return None
        return value.strip()

    def slug(self, path: str, mapping: dict[str, Any], key: str) -> str | None:
        value = self.text(path, mapping, key)
        if value is not None and not SLUG_RE.match(value):
            self.problem(
                join(path, key),
                f"{quote(value)} is not a valid slug (lower-case letters, digits and single "
                "hyphens)",
            )
            return None
        return value

    def url(self, path: str, mapping: dict[str, Any], key: str) -> str | None:
        value = self.text(path, mapping, key)
        if value is not None and not URL_RE.match(value):
            self.problem(join(path, key), f"{quote(value)} is not an http(s) URL")
            return None
        return value

    def number(
        self,
        path: str,
        mapping: dict[str, Any],
        key: str,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(join(path, key), f"expected a number, got {_type_name(value)}")
            return None
        try:
            number = float(value)
        except OverflowError:  # the YAML reader refuses these first; kept for other sources
            self.problem(join(path, key), "too large: numbers must be within a float's range")
            return None
        if not math.isfinite(number):
            self.problem(join(path, key), "must be a finite number")
            return None
        if minimum is not None and number < minimum:
            self.problem(join(path, key), f"must be at least {minimum:g}, got {number:g}")
            return None
        if maximum is not None and number > maximum:
            self.problem(join(path, key), f"must be at most {maximum:g}, got {number:g}")
            return None
        return number

    def integer(
        self,
        path: str,
        mapping: dict[str, Any],
        key: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(join(path, key), f"expected a whole number, got {_type_name(value)}")
            return None
        if minimum is not None and value < minimum:
            self.problem(join(path, key), f"must be at least {minimum}, got {quote(value)}")
            return None
        if maximum is not None and value > maximum:
            self.problem(join(path, key), f"must be at most {maximum:,}, got {quote(value)}")
            return None
        return value

    def string_list(self, path: str, mapping: dict[str, Any], key: str) -> list[str] | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        items = self.sequence(join(path, key), value)
        if items is None:
            return None
        result: list[str] = []
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                self.problem(join(join(path, key), i), "expected non-empty text")
            elif len(item) > MAX_TEXT_CHARS:
                self.problem(
                    join(join(path, key), i),
                    f"{len(item):,} characters; the limit is {MAX_TEXT_CHARS:,}",
                )
            else:
                result.append(item.strip())
        return result


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dt.datetime):
        return "a date and time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
