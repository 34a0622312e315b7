"""Published full-corpus figures (Table 1 of the Pile paper), loaded from content YAML.

Every problem is collected and reported once with ``file:line:col`` (via
:mod:`generator.yamlsource`); a figure may be ``null`` when the source could not be checked, and
the page then shows it as unknown rather than a guess.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from generator.errors import Problems
from generator.yamlsource import YamlDocument, load_yaml

log = logging.getLogger(__name__)

FIGURES = (
    "raw_size_gib",
    "weight_percent",
    "epochs",
    "effective_size_gib",
    "mean_document_kib",
)
TOTAL_FIGURES = ("raw_size_gib", "weight_percent", "effective_size_gib", "mean_document_kib")
SOURCE_FIELDS = ("title", "authors", "year", "table", "url")


@dataclass(frozen=True)
class PublishedComponent:
    name: str
    raw_size_gib: float | None
    weight_percent: float | None
    epochs: float | None
    effective_size_gib: float | None
    mean_document_kib: float | None


@dataclass(frozen=True)
class PublishedFigures:
    source: dict[str, str]
    components: dict[str, PublishedComponent]  # by pile_set_name, in the source's order
    total: dict[str, float | None]

    @property
    def citation(self) -> str:
        s = self.source
        return f"{s['authors']} ({s['year']}), “{s['title']}”, {s['table']}"

    def to_json(self) -> dict[str, Any]:
        return {
            "source": dict(self.source),
            "components": {name: asdict(c) for name, c in self.components.items()},
            "total": dict(self.total),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PublishedFigures:
        return cls(
            source=dict(data["source"]),
            components={n: PublishedComponent(**c) for n, c in data["components"].items()},
            total=dict(data["total"]),
        )


def load_published(path: Path) -> PublishedFigures:
    """Read and check the figures file; raises ``ContentErrors`` listing every problem."""
    problems = Problems()
    doc = load_yaml(path, problems)
    result = None if doc is None else _validate(doc, problems)
    problems.raise_if_any()
    assert result is not None  # no problems means the document validated
    return result


def _number(doc: YamlDocument, problems: Problems, where: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        doc.problem(problems, where, f"expected a number or null, got {value!r}")
        return None
    if value < 0:
        doc.problem(problems, where, "must not be negative")
    return float(value)


def _unknown_keys(
    doc: YamlDocument, problems: Problems, where: str, data: dict[str, Any], allowed: set[str]
) -> None:
    for key in sorted(set(data) - allowed):
        pos = doc.key_position(f"{where}.{key}" if where else key)
        problems.add(
            doc.display, pos.line, pos.col, f"{where}.{key}" if where else key, "unknown key"
        )


def _validate(doc: YamlDocument, problems: Problems) -> PublishedFigures | None:
    data = doc.data
    if not isinstance(data, dict):
        doc.problem(problems, "", "expected a mapping with source, components and total")
        return None
    _unknown_keys(doc, problems, "", data, {"source", "components", "total"})
    source = data.get("source")
    clean_source: dict[str, str] = {}
    if not isinstance(source, dict):
        doc.problem(problems, "source", "required: where the figures come from")
    else:
        _unknown_keys(doc, problems, "source", source, set(SOURCE_FIELDS))
        for key in SOURCE_FIELDS:
            if source.get(key) in (None, ""):
                doc.problem(problems, f"source.{key}", "required")
            else:
                clean_source[key] = str(source[key])
    components: dict[str, PublishedComponent] = {}
    rows = data.get("components")
    if not isinstance(rows, list) or not rows:
        doc.problem(problems, "components", "required: a list of components")
        rows = []
    for i, row in enumerate(rows):
        where = f"components[{i}]"
        if not isinstance(row, dict):
            doc.problem(problems, where, "expected a mapping")
            continue
        _unknown_keys(doc, problems, where, row, {"name", *FIGURES})
        name = row.get("name")
        if not isinstance(name, str) or not name:
            doc.problem(problems, f"{where}.name", "required: the pile_set_name")
            continue
        if name in components:
            doc.problem(problems, f"{where}.name", f"duplicate component {name!r}")
            continue
        values = {k: _number(doc, problems, f"{where}.{k}", row.get(k)) for k in FIGURES}
        components[name] = PublishedComponent(name=name, **values)
    total_data = data.get("total")
    total: dict[str, float | None] = {}
    if not isinstance(total_data, dict):
        doc.problem(problems, "total", "required (use null for unknown figures)")
    else:
        _unknown_keys(doc, problems, "total", total_data, set(TOTAL_FIGURES))
        total = {k: _number(doc, problems, f"total.{k}", total_data.get(k)) for k in TOTAL_FIGURES}
    return PublishedFigures(source=clean_source, components=components, total=total)
