"""Jinja rendering: one environment per build, one typed context per page.

Autoescape is on for HTML and XML and ``StrictUndefined`` turns any template typo into a build
failure. Each page gets ``link(path)``, which turns a site path into a link relative to the page
(so the site works under any base path); ``404.html`` is served at arbitrary paths, so there
``link`` prefixes the base path instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from generator.scores import points_text
from generator.urls import relative_url
from generator.views import PageMeta

log = logging.getLogger(__name__)


def ld_json(value: Any) -> Markup:
    """JSON for a ``<script>`` block: ``<``, ``>`` and ``&`` escaped so content cannot close it."""
    text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2).decode()
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def make_environment(*templates_dirs: Path) -> Environment:
    """The site's templates first, then any folders evidence kinds bring."""
    env = Environment(
        loader=FileSystemLoader([str(d) for d in templates_dirs]),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["ld_json"] = ld_json
    env.filters["points"] = points_text
    env.filters["number"] = _number
    env.filters["percent"] = lambda v: "unknown" if v is None else f"{round(100 * v)}%"
    return env


def _number(value: float | None) -> str:
    """Raw signal values as written: whole numbers with thousands separators."""
    if value is None:
        return "unknown"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4g}" if abs(value) >= 1000 else f"{value:g}"


def linker(meta: PageMeta) -> Callable[[str], str]:
    if meta.absolute_links:
        base = meta.site.base_path
        return lambda to: base + to.lstrip("/")
    return lambda to: relative_url(meta.path, to)


def render_page(env: Environment, template: str, meta: PageMeta, **context: Any) -> str:
    return env.get_template(template).render(
        meta=meta, site=meta.site, link=linker(meta), **context
    )
