"""Artifact records: one YAML file per artifact in ``content/artifacts/<slug>.yaml``.

The loader validates every record against the site configuration and collects all problems;
nothing downstream ever sees a half-valid record.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.config import SiteConfig
from generator.errors import Problems
from generator.evidence import CorpusEvidenceSpec, QAEvidenceSpec
from generator.fields import SLUG_RE, Reader
from generator.yamlsource import YamlDocument, display_path, join, load_yaml

log = logging.getLogger(__name__)

UNKNOWN = "unknown"
RECORD_FIELDS_REQUIRED = ("name", "kind", "summary", "capabilities")
RECORD_FIELDS_OPTIONAL = (
    "homepage",
    "hub",
    "paper",
    "license",
    "pricing",
    "facts",
    "signals",
    "compare_with",
    "evidence",
)
CAPABILITY_FIELDS = ("id", "title", "description", "unique", "vs_alternatives")


@dataclass(frozen=True)
class Signal:
    """A raw number with its source; ``value`` is ``None`` when unknown."""

    id: str
    value: float | None
    source: str | None
    as_of: str | None
    note: str | None


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    source: str


@dataclass(frozen=True)
class Capability:
    id: str
    title: str
    description: str  # Markdown
    unique: str  # Markdown
    vs_alternatives: str  # Markdown


@dataclass
class Artifact:
    slug: str
    path: Path
    display: str
    name: str
    kind: str
    summary: str
    homepage: str | None
    hub: str | None
    paper: str | None
    license: str | None
    pricing: str | None
    facts: list[Fact]
    signals: dict[str, Signal]
    capabilities: list[Capability]
    compare_with: list[str]
    qa: QAEvidenceSpec | None = None
    corpus: CorpusEvidenceSpec | None = None
    doc: YamlDocument | None = field(default=None, repr=False, compare=False)


def load_records(content_dir: Path, config: SiteConfig, problems: Problems) -> list[Artifact]:
    """Load every ``artifacts/*.yaml`` in a sorted walk; cross-record checks included."""
    folder = content_dir / "artifacts"
    paths = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not paths:
        problems.add(display_path(folder), 1, 1, "", "no artifact records (*.yaml) found")
    records: list[Artifact] = []
    stems: dict[str, Path] = {}
    for path in sorted(paths):
        if path.stem in stems:
            problems.add(
                display_path(path),
                1,
                1,
                "<file name>",
                f"duplicate slug '{path.stem}': also {display_path(stems[path.stem])}",
            )
            continue
        stems[path.stem] = path
        record = load_record(path, content_dir, config, problems)
        if record is not None:
            records.append(record)
    _check_across(records, problems)
    return sorted(records, key=lambda a: a.slug)


def load_record(
    path: Path, content_dir: Path, config: SiteConfig, problems: Problems
) -> Artifact | None:
    display = display_path(path)
    slug = path.stem
    if not SLUG_RE.match(slug) or "-vs-" in f"-{slug}-":
        problems.add(
            display,
            1,
            1,
            "<file name>",
            f"'{slug}' is not a safe slug: use lower-case letters, digits and single hyphens, "
            "and not the word 'vs' between hyphens",
        )
        return None
    doc = load_yaml(path, problems, display)
    if doc is None:
        return None
    r = Reader(doc, problems)
    data = r.mapping("", doc.data)
    if data is None:
        return None
    r.keys("", data, RECORD_FIELDS_REQUIRED, RECORD_FIELDS_OPTIONAL)
    kind = r.text("", data, "kind")
    if kind is not None and kind not in config.kinds:
        r.problem("kind", f"'{kind}' is not a kind in site.yaml ({', '.join(config.kinds)})")
    artifact = Artifact(
        slug=slug,
        path=path,
        display=display,
        name=r.text("", data, "name") or slug,
        kind=kind or "",
        summary=r.text("", data, "summary") or "",
        homepage=r.url("", data, "homepage"),
        hub=r.url("", data, "hub"),
        paper=r.url("", data, "paper"),
        license=r.text("", data, "license"),
        pricing=r.text("", data, "pricing"),
        facts=_read_facts(r, data.get("facts")),
        signals=_read_signals(r, data.get("signals"), config, kind or ""),
        capabilities=_read_capabilities(r, data.get("capabilities")),
        compare_with=r.string_list("", data, "compare_with") or [],
        doc=doc,
    )
    _read_evidence(r, data.get("evidence"), artifact, content_dir)
    if isinstance(data.get("capabilities"), list) and not data["capabilities"]:
        pos = doc.where("capabilities")
        log.warning(
            "%s:%d:%d: capabilities: the list is empty; the artifact's pages will say "
            "nothing about what it can do",
            display,
            pos.line,
            pos.col,
        )
    return artifact


def _read_facts(r: Reader, raw: Any) -> list[Fact]:
    if raw is None:
        return []
    items = r.sequence("facts", raw) or []
    facts: list[Fact] = []
    for i, item in enumerate(items):
        path = join("facts", i)
        entry = r.mapping(path, item)
        if entry is None:
            continue
        r.keys(path, entry, ("label", "value", "source"), ())
        value = entry.get("value")
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = f"{value:g}" if isinstance(value, float) else str(value)
            entry = {**entry, "value": value}
        label, text, source = (r.text(path, entry, k) for k in ("label", "value", "source"))
        if label and text and source:
            facts.append(Fact(label, text, source))
    return facts


def _read_signals(r: Reader, raw: Any, config: SiteConfig, kind: str) -> dict[str, Signal]:
    if raw is None:
        return {}
    data = r.mapping("signals", raw) or {}
    signals: dict[str, Signal] = {}
    for sid, value in data.items():
        path = join("signals", sid)
        if sid not in config.signals:
            pos = r.doc.key_position(path)
            known = ", ".join(sorted(config.signals))
            r.problems.add(
                r.doc.display,
                pos.line,
                pos.col,
                path,
                f"unknown signal (site.yaml defines: {known})",
            )
            continue
        entry = r.mapping(path, value)
        if entry is None:
            continue
        sdef = config.signals[sid]
        if not sdef.applies_to(kind):
            pos = r.doc.key_position(path)
            log.warning(
                "%s:%d:%d: %s: this signal applies to %s only; it is ignored for a %s",
                r.doc.display,
                pos.line,
                pos.col,
                path,
                ", ".join(sdef.kinds or ()),
                kind,
            )
        r.keys(path, entry, ("value",), ("source", "as_of", "note"))
        raw_value = entry.get("value")
        number: float | None = None
        if raw_value == UNKNOWN:
            number = None
        else:
            number = r.number(path, entry, "value", minimum=0)
            if number is None:
                continue
            if sdef.scale == "binary" and number not in (0.0, 1.0):
                r.problem(join(path, "value"), "a yes/no signal is 0, 1 or unknown")
                continue
        source = r.text(path, entry, "source")
        if number is not None and source is None and "source" in entry:
            continue
        if number is not None and source is None:
            r.problem(join(path, "source"), "a known value needs its source")
            continue
        as_of = entry.get("as_of")
        if isinstance(as_of, dt.date):
            as_of = as_of.isoformat()
        elif as_of is not None and not isinstance(as_of, str):
            r.problem(join(path, "as_of"), "expected a date (YYYY-MM-DD)")
            as_of = None
        signals[sid] = Signal(sid, number, source, as_of, r.text(path, entry, "note"))
    return signals


def _read_capabilities(r: Reader, raw: Any) -> list[Capability]:
    if raw is None:
        return []
    items = r.sequence("capabilities", raw) or []
    result: list[Capability] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        path = join("capabilities", i)
        entry = r.mapping(path, item)
        if entry is None:
            continue
        r.keys(path, entry, CAPABILITY_FIELDS, ())
        cap_id = r.slug(path, entry, "id")
        if cap_id is not None and cap_id in seen:
            r.problem(join(path, "id"), f"duplicate capability id '{cap_id}'")
            continue
        values = [r.text(path, entry, key) for key in CAPABILITY_FIELDS[1:]]
        if cap_id is None or any(v is None for v in values):
            continue
        seen.add(cap_id)
        title, description, unique, vs = (v or "" for v in values)
        result.append(Capability(cap_id, title, description, unique, vs))
    return result


def _read_evidence(r: Reader, raw: Any, artifact: Artifact, content_dir: Path) -> None:
    if raw is None:
        return
    data = r.mapping("evidence", raw)
    if data is None:
        return
    r.keys("evidence", data, (), ("qa", "corpus"))
    if data.get("qa") is not None:
        qa = r.mapping("evidence.qa", data["qa"])
        if qa is not None:
            r.keys("evidence.qa", qa, ("model", "examples"), ("null_threshold",))
            model = r.text("evidence.qa", qa, "model")
            examples = _content_files(r, "evidence.qa", qa, "examples", content_dir)
            threshold = r.number("evidence.qa", qa, "null_threshold")
            if model and examples:
                artifact.qa = QAEvidenceSpec(
                    record=artifact.display,
                    slug=artifact.slug,
                    model=model,
                    examples=tuple(examples),
                    null_threshold=threshold or 0.0,
                )
    if data.get("corpus") is not None:
        corpus = r.mapping("evidence.corpus", data["corpus"])
        if corpus is not None:
            r.keys("evidence.corpus", corpus, ("shards",), ("published", "sample_note"))
            shards = r.string_list("evidence.corpus", corpus, "shards")
            published = _content_files(r, "evidence.corpus", corpus, "published", content_dir)
            if shards:
                artifact.corpus = CorpusEvidenceSpec(
                    record=artifact.display,
                    slug=artifact.slug,
                    shards=tuple(shards),
                    published=published[0] if published else None,
                    sample_note=r.text("evidence.corpus", corpus, "sample_note"),
                )


def _content_files(
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


def _check_across(records: list[Artifact], problems: Problems) -> None:
    """Checks that need the whole catalog: duplicate names, dangling ``compare_with``."""
    by_slug = {a.slug: a for a in records}
    names: dict[str, Artifact] = {}
    for artifact in records:
        key = artifact.name.casefold()
        if key in names and artifact.doc is not None:
            artifact.doc.problem(
                problems, "name", f"duplicate name: also used by {names[key].display}"
            )
        names.setdefault(key, artifact)
        for i, other in enumerate(artifact.compare_with):
            if artifact.doc is None:
                continue
            where = join("compare_with", i)
            if other == artifact.slug:
                artifact.doc.problem(problems, where, "an artifact cannot be compared with itself")
            elif other not in by_slug:
                artifact.doc.problem(problems, where, f"no artifact with slug '{other}'")
