"""Render a ``PageView`` with the package's Jinja2 template (autoescaped: document text and
labels can never become markup)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from ...io.jsonl import atomic_writer
from .view import PageView

TEMPLATE = "page.html.j2"


@cache
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("toolkit.present.html", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined)
    env.filters["num"] = _num
    env.filters["ci"] = _ci
    env.filters["n"] = _n
    env.filters["pack"] = _pack
    return env


def _num(value, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _n(value) -> str:
    """A count; half credit can make it a float, so 3.0 shows as 3."""
    return str(int(value) if float(value).is_integer() else value)


def _pack(html: str) -> str:
    """gzip + base64: a document's HTML kept out of the parser until it is shown (the page
    unpacks it with the browser's DecompressionStream). mtime=0 keeps the output reproducible."""
    import base64
    import gzip

    return base64.b64encode(gzip.compress(str(html).encode("utf-8"), mtime=0)).decode("ascii")


def _ci(interval) -> str:
    return "" if interval is None else f"{interval[0]:.3f}–{interval[1]:.3f}"


def render_html(view: PageView) -> str:
    """The page as one string."""
    return _environment().get_template(TEMPLATE).render(view=view)


def write_html(path: str | os.PathLike, view: PageView) -> Path:
    """Write the page atomically (temp file, then rename)."""
    with atomic_writer(path) as fh:
        fh.write(render_html(view))
    return Path(path)
