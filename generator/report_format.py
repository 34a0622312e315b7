"""The pull-request report as JSON (stable, for tools) and as Markdown (a GitHub PR comment).

JSON: keys sorted, lists sorted by path or slug, numbers as ``scores.json`` rounds them, a
``version``; nothing about when or where it ran. Markdown: a summary line, then one section per
finding; a section of more than :data:`COLLAPSE_AFTER` rows is folded into ``<details>``, and
the whole comment stays under GitHub's 65,536-character limit by listing at most
:data:`MAX_ROWS` rows per section (the JSON report has them all).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import orjson

from generator.config import DIMENSION_LABELS, format_number, with_unit
from generator.report import REPORT_VERSION, PageChange, Position, Report, ScoreChange

COLLAPSE_AFTER = 50
MAX_ROWS = 300
COMMENT_LIMIT = 65_000  # GitHub refuses comments over 65,536 characters
MARKER = "<!-- unfragile-diff -->"  # lets a workflow find and update its own comment


# -- JSON ---------------------------------------------------------------------------------------


def to_json(report: Report) -> bytes:
    def page(p: PageChange) -> dict[str, Any]:
        return {"path": p.path, "kind": p.kind, "url": p.url}

    document = {
        "version": REPORT_VERSION,
        "base": report.base,
        "head": report.head,
        "summary": summary_counts(report),
        "pages": {
            "added": [page(p) for p in report.added],
            "removed": [page(p) for p in report.removed],
            "changed": [page(p) for p in report.changed],
            "by_kind": _by_kind(report),
        },
        "scores": [_score_json(s) for s in report.scores],
        "weights": {"old": report.weights[0], "new": report.weights[1]},
        "pairs": {
            "added": [_pair_json(p) for p in report.pairs_added],
            "dropped": [_pair_json(p) for p in report.pairs_dropped],
        },
        "broken_links": [
            {
                "page": p.path,
                "line": p.line,
                "col": p.col,
                "attribute": p.field,
                "message": p.message,
            }
            for p in report.broken_links
        ],
        "vanished": [
            {"url": v.url, "kind": v.kind, "redirect_to": v.redirect_to} for v in report.vanished
        ],
        "redirected": report.redirected,
    }
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"


def summary_counts(report: Report) -> dict[str, int]:
    return {
        "pages_added": len(report.added),
        "pages_removed": len(report.removed),
        "pages_changed": len(report.changed),
        "scores_changed": sum(s.status != "reordered" for s in report.scores),
        "pairs_added": len(report.pairs_added),
        "pairs_dropped": len(report.pairs_dropped),
        "broken_links": len(report.broken_links),
        "vanished_urls": len(report.vanished),
    }


def _by_kind(report: Report) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for name, pages in (("added", report.added), ("removed", report.removed)):
        for p in pages:
            counts.setdefault(p.kind, {"added": 0, "removed": 0, "changed": 0})[name] += 1
    for p in report.changed:
        counts.setdefault(p.kind, {"added": 0, "removed": 0, "changed": 0})["changed"] += 1
    return counts


def _position_json(p: Position | None) -> dict[str, int] | None:
    return None if p is None else {"number": p.number, "of": p.of}


def _score_json(s: ScoreChange) -> dict[str, Any]:
    return {
        "slug": s.slug,
        "name": s.name,
        "kind": s.kind,
        "status": s.status,
        "unfragile_rank": {"old": s.rank[0], "new": s.rank[1]},
        "confidence": {"old": s.confidence[0], "new": s.confidence[1]},
        "position": {"old": _position_json(s.position[0]), "new": _position_json(s.position[1])},
        "dimensions": {d: {"old": v[0], "new": v[1]} for d, v in s.dimensions.items()},
        "signals": [
            {
                "id": c.id,
                "dimension": c.dimension,
                "computed": c.computed,
                "changed": c.what,
                "old": c.old,
                "new": c.new,
            }
            for c in s.signals
        ],
    }


def _pair_json(p: Any) -> dict[str, str]:
    return {"slug": p.slug, "a": p.a, "b": p.b, "url": p.url, "reason": p.reason}


# -- Markdown -----------------------------------------------------------------------------------


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell (and not read as HTML)."""
    value = str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return value.replace("<", "&lt;").replace(">", "&gt;")


def _code(text: str) -> str:
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def _number(value: float | None) -> str:
    if value is None:
        return "unknown"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) >= 1000 else f"{value:g}"


def _arrow(old: float | None, new: float | None) -> str:
    if old == new:
        return _number(new)
    text = f"{_number(old)} → {_number(new)}"
    if old is not None and new is not None:
        text += f" ({new - old:+.2f})".replace(".00)", ")")
    return text


def _places(old: Position | None, new: Position | None) -> str:
    """``#2 → #1 of 5`` (places among the artifacts of its kind)."""
    if old is None and new is None:
        return "—"
    if old is None or new is None:
        p = new or old
        assert p is not None
        return f"#{p.number} of {p.of}" + (" (new)" if old is None else " (gone)")
    if old.number == new.number:
        return f"#{new.number} of {new.of}"
    return f"#{old.number} → #{new.number} of {new.of}"


def _value(signal: dict[str, Any] | None) -> str:
    """A signal's value as pages print it: ``78.8%``, ``3 formats``, ``unknown``."""
    if signal is None or signal.get("value") is None:
        return "unknown"
    unit = signal.get("unit")
    value = float(signal["value"])
    return with_unit(value, unit) if unit else format_number(value)


def _table(header: list[str], rows: list[list[str]], title: str) -> list[str]:
    """A section: heading, and a table that folds into <details> past COLLAPSE_AFTER rows."""
    shown = rows[:MAX_ROWS]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(r) + " |" for r in shown),
    ]
    if len(rows) > len(shown):
        lines.append(f"\n… and {len(rows) - len(shown)} more (the JSON report lists them all).")
    if len(rows) > COLLAPSE_AFTER:
        return [
            f"<details><summary>{title} ({len(rows)})</summary>",
            "",
            *lines,
            "",
            "</details>",
            "",
        ]
    return [f"**{title}** ({len(rows)})", "", *lines, ""]


def _signal_text(s: ScoreChange) -> str:
    parts = []
    for c in s.signals:
        label = _code(c.id) + (" (computed from the match graph)" if c.computed else "")
        if c.old is None or c.new is None:
            state = "added" if c.old is None else "removed"
            parts.append(f"{label} {state} ({_value(c.new or c.old)})")
            continue
        if "value" in c.what:
            text = f"{label}: {_value(c.old)} → {_value(c.new)}"
        elif "points" in c.what:
            text = (
                f"{label}: same value, {_number(c.old.get('points'))} → "
                f"{_number(c.new.get('points'))} points (scale in site.yaml)"
            )
        else:
            text = f"{label}: {', '.join(c.what)} changed"
        if "source" in c.what and "value" in c.what:
            text += f" (source: {c.new.get('source') or 'none'})"
        parts.append(text)
    return "; ".join(_cell(p) for p in parts)


def _score_rows(report: Report) -> list[list[str]]:
    rows = []
    weights_moved = report.weights[0] != report.weights[1]
    for s in report.scores:
        if s.status == "reordered":
            continue
        dims = ", ".join(
            f"{DIMENSION_LABELS.get(d, d)} {_arrow(*v)}" for d, v in s.dimensions.items()
        )
        if s.status == "added":
            cause = "new record"
        elif s.status == "removed":
            cause = "record removed"
        else:
            cause = _signal_text(s) or (
                "dimension weights in site.yaml" if weights_moved else "no signal edit"
            )
        rank = _arrow(*s.rank)
        old_conf, new_conf = s.confidence
        if old_conf is not None and new_conf is not None and old_conf != new_conf:
            rank += f"; confidence {round(100 * old_conf)}% → {round(100 * new_conf)}%"
        rows.append(
            [
                _artifact(s),
                rank,
                _places(*s.position),
                _cell(dims) or "—",
                cause,
            ]
        )
    return rows


def _artifact(s: ScoreChange) -> str:
    if s.name == s.slug:
        return f"**{_code(s.slug)}** ({_cell(s.kind)})"
    return f"**{_cell(s.name)}** ({_code(s.slug)}, {_cell(s.kind)})"


def to_markdown(report: Report) -> str:
    counts = summary_counts(report)
    out = [
        MARKER,
        "### What this change does to the site",
        "",
        f"Base: {_code(report.base)} · head: {_code(report.head)}",
        "",
        " · ".join(
            [
                f"**{counts['pages_added']}** added, **{counts['pages_removed']}** removed, "
                f"**{counts['pages_changed']}** changed outputs",
                f"**{counts['scores_changed']}** score changes",
                f"comparisons **+{counts['pairs_added']} / −{counts['pairs_dropped']}**",
                f"**{counts['broken_links']}** broken links",
                f"**{counts['vanished_urls']}** published URLs gone without a redirect",
            ]
        ),
        "",
    ]
    if report.vanished:
        out += [
            "#### ⚠️ Published URLs that would vanish",
            "",
            "Nothing serves these addresses any more. Add the redirects with "
            "`python build.py diff --base " + report.base + " --write-redirects` "
            "(it appends them to `content/redirects.yaml`) and commit the file.",
            "",
            *_table(
                ["URL", "was", "suggested redirect"],
                [[_code(v.url), _cell(v.kind), _code(v.redirect_to)] for v in report.vanished],
                "Vanishing URLs",
            ),
        ]
    if report.broken_links:
        out += [
            "#### ❌ Broken internal links",
            "",
            *_table(
                ["page", "link"],
                [
                    [_code(f"{p.path}:{p.line}:{p.col}"), _cell(p.message)]
                    for p in report.broken_links
                ],
                "Broken links",
            ),
        ]
    score_rows = _score_rows(report)
    if score_rows:
        out += [
            "#### Scores",
            "",
            *_table(
                ["artifact", "UnfragileRank", "place in its kind", "dimensions", "caused by"],
                score_rows,
                "Score changes",
            ),
        ]
        if report.weights[0] != report.weights[1]:
            out += ["The dimension weights in `site.yaml` changed, which moves every rank.", ""]
    reordered = [s for s in report.scores if s.status == "reordered"]
    if reordered:
        out += _table(
            ["artifact", "place in its kind"],
            [[_artifact(s), _places(*s.position)] for s in reordered],
            "Moved in their list by others' changes",
        )
    if report.pairs_added or report.pairs_dropped:
        out += ["#### Comparison pages", ""]
        rows = [["added", _code(p.url), _cell(p.reason)] for p in report.pairs_added] + [
            ["dropped", _code(p.url), _cell(p.reason)] for p in report.pairs_dropped
        ]
        out += _table(["", "page", "why"], rows, "Comparison pages added and dropped")
    if report.added or report.removed or report.changed:
        out += ["#### Outputs", ""]
        by_kind = _by_kind(report)
        out += [
            "| kind | added | removed | changed |",
            "|---|---|---|---|",
            *(
                f"| {_cell(k)} | {c['added']} | {c['removed']} | {c['changed']} |"
                for k, c in sorted(by_kind.items())
            ),
            "",
        ]
        for title, pages in (
            ("Added", report.added),
            ("Removed", report.removed),
            ("Changed", report.changed),
        ):
            if pages:
                out += _table(
                    ["path", "kind"],
                    [[_code(p.url or "/" + p.path), _cell(p.kind)] for p in _by_kind_order(pages)],
                    title,
                )
    if not any(counts.values()):
        out += ["No output changes: the site this change builds is byte-identical to the base.", ""]
    text = "\n".join(out).rstrip() + "\n"
    if len(text) > COMMENT_LIMIT:
        cut = text.rfind("\n", 0, COMMENT_LIMIT - 200)
        text = text[:cut] + "\n\n… (cut to fit a GitHub comment; the JSON report has it all)\n"
    return text


def _by_kind_order(pages: list[PageChange]) -> list[PageChange]:
    """Grouped by kind (most frequent first), then by path."""
    frequency = Counter(p.kind for p in pages)
    return sorted(pages, key=lambda p: (-frequency[p.kind], p.kind, p.path))
