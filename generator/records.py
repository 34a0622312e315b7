"""Artifact records: one YAML file per artifact in ``content/artifacts/<slug>.yaml``.

The loader validates every record against the site configuration and collects all problems;
nothing downstream ever sees a half-valid record.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.config import SiteConfig, format_number
from generator.errors import Problems
from generator.evidence import RecordRef, kinds
from generator.fields import SLUG_RE, Reader
from generator.limits import MAX_CAPABILITIES, MAX_FACTS, MAX_NAME_CHARS, quote
from generator.names import isolate, name_key, normalise, problem_with
from generator.parsecache import ParseCache
from generator.yamlsource import YamlDocument, display_path, join, load_yaml, outside

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
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
    # Where the record was read from; left out of ``repr`` (which page fingerprints hash), so
    # the output does not depend on the working directory or how the content folder was named.
    path: Path = field(repr=False)
    display: str = field(repr=False)
    name: str  # NFC; wrapped in FSI … PDI when it holds right-to-left text (generator.names)
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
    # evidence kind name -> its spec (generator.evidence); read by the registered kinds. Not in
    # ``repr``: pages depend on evidence through its results, which have digests of their own.
    evidence: dict[str, Any] = field(default_factory=dict, repr=False)
    doc: YamlDocument | None = field(default=None, repr=False, compare=False)


def load_records(
    content_dir: Path,
    config: SiteConfig,
    problems: Problems,
    cache: ParseCache | None = None,
) -> list[Artifact]:
    """Load every ``artifacts/*.yaml`` in a sorted walk; cross-record checks included.

    With a ``cache``, records whose bytes are unchanged are not parsed again.
    """
    folder = content_dir / "artifacts"
    paths = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not paths:
        problems.add(display_path(folder), 1, 1, "", "no artifact records (*.yaml) found")
    _warn_unexpected(content_dir, set(paths))
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
        if path.is_symlink() and outside(path, content_dir):
            problems.add(
                display_path(path),
                1,
                1,
                "",
                "a symbolic link to a file outside the content folder; records must be inside it",
            )
            continue
        record = load_record(path, content_dir, config, problems, cache)
        if record is not None:
            records.append(record)
    _check_across(records, problems)
    return sorted(records, key=lambda a: a.slug)


def _warn_unexpected(content_dir: Path, records: set[Path]) -> None:
    """Warn about what the build would silently skip in ``artifacts/``: a sub-folder (its
    records are not read) or a file that is not ``<slug>.yaml``/``.yml``. Hidden files
    (editor swap files, ``.DS_Store``) are left alone."""
    folder = content_dir / "artifacts"
    unexpected: list[tuple[Path, str]] = []
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            if entry in records or entry.name.startswith("."):
                continue
            if entry.is_dir():
                why = "a folder in artifacts/; records are files artifacts/<slug>.yaml"
            else:
                why = "not a record: records are files artifacts/<slug>.yaml"
            unexpected.append((entry, why))
    for entry, why in unexpected:
        log.warning("%s: %s (it is ignored)", display_path(entry), why)


def load_record(
    path: Path,
    content_dir: Path,
    config: SiteConfig,
    problems: Problems,
    cache: ParseCache | None = None,
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
    doc = load_yaml(path, problems, display, cache)
    if doc is None:
        return None
    r = Reader(doc, problems)
    data = r.mapping("", doc.data)
    if data is None:
        return None
    r.keys("", data, RECORD_FIELDS_REQUIRED, RECORD_FIELDS_OPTIONAL)
    kind = r.text("", data, "kind")
    if kind is not None and kind not in config.kinds:
        r.problem("kind", f"{quote(kind)} is not a kind in site.yaml ({', '.join(config.kinds)})")
    artifact = Artifact(
        slug=slug,
        path=path,
        display=display,
        name=_read_name(r, data) or slug,
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


def _read_name(r: Reader, data: dict[str, Any]) -> str | None:
    """The display name: one line, NFC, no bidi controls, isolated when right-to-left."""
    name = r.text("", data, "name", limit=MAX_NAME_CHARS)
    if name is None:
        return None
    why = problem_with(name)
    if why is not None:
        r.problem("name", why)
        return None
    return isolate(normalise(name))


def _read_facts(r: Reader, raw: Any) -> list[Fact]:
    if raw is None:
        return []
    items = r.sequence("facts", raw) or []
    if len(items) > MAX_FACTS:
        r.problem("facts", f"{len(items):,} facts; a record has at most {MAX_FACTS}")
        return []
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
            number = r.number(path, entry, "value")
            if number is None:
                continue
            if sdef.scale == "binary" and number not in (0.0, 1.0):
                r.problem(join(path, "value"), "a yes/no signal is 0, 1 or unknown")
                continue
            if not sdef.in_range(number):
                r.problem(
                    join(path, "value"),
                    f"{format_number(number)} is outside the valid range of "
                    f"{sdef.label}: {sdef.range_text}",
                )
                continue
        source = r.text(path, entry, "source")
        if number is not None and source is None and "source" in entry:
            continue
        if number is not None and source is None:
            r.problem(join(path, "source"), "a known value needs its source")
            continue
        as_of = _read_as_of(r, path, entry.get("as_of"))
        signals[sid] = Signal(sid, number, source, as_of, r.text(path, entry, "note"))
    return signals


def _read_as_of(r: Reader, path: str, raw: Any) -> str | None:
    """A calendar date written ``YYYY-MM-DD`` (YAML reads it as a date, or text when quoted)."""
    if raw is None:
        return None
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw.isoformat()
    text = raw if isinstance(raw, str) else str(raw)
    if isinstance(raw, str) and ISO_DATE_RE.match(raw):
        try:
            return dt.date.fromisoformat(raw).isoformat()
        except ValueError:
            pass
    r.problem(join(path, "as_of"), f"{quote(text)} is not a date written YYYY-MM-DD")
    return None


def _read_capabilities(r: Reader, raw: Any) -> list[Capability]:
    if raw is None:
        return []
    items = r.sequence("capabilities", raw) or []
    if len(items) > MAX_CAPABILITIES:
        r.problem(
            "capabilities",
            f"{len(items):,} capabilities; a record has at most {MAX_CAPABILITIES}",
        )
        return []
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
    """Each entry of ``evidence:`` is read by the registered kind of that name."""
    if raw is None:
        return
    data = r.mapping("evidence", raw)
    if data is None:
        return
    registered = kinds()
    r.keys("evidence", data, (), registered)
    ref = RecordRef(artifact.display, artifact.slug)
    for name, kind in registered.items():
        if data.get(name) is not None:
            spec = kind.read(r, data[name], ref, content_dir)
            if spec is not None:
                artifact.evidence[name] = spec


def _check_across(records: list[Artifact], problems: Problems) -> None:
    """Checks that need the whole catalog: duplicate names, dangling ``compare_with``."""
    by_slug = {a.slug: a for a in records}
    names: dict[str, Artifact] = {}
    for artifact in records:
        key = name_key(artifact.name)
        if key in names and artifact.doc is not None:
            first = names[key]
            message = f"duplicate name: also used by {first.display}"
            if first.name.casefold() != artifact.name.casefold():
                message += (
                    f" as {quote(first.name)} (names are compared ignoring case, invisible "
                    "characters, white space runs and Unicode normalisation)"
                )
            artifact.doc.problem(problems, "name", message)
        names.setdefault(key, artifact)
        for i, other in enumerate(artifact.compare_with):
            if artifact.doc is None:
                continue
            where = join("compare_with", i)
            if other == artifact.slug:
                artifact.doc.problem(problems, where, "an artifact cannot be compared with itself")
            elif other not in by_slug:
                artifact.doc.problem(problems, where, f"no artifact with slug {quote(other)}")
