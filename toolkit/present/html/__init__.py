"""The HTML report: one self-contained page (inline CSS, inline SVG charts, no network) showing
one or more systems' scores and every document's gold and predicted mentions side by side.

``view.build_view`` turns ``score()`` reports into plain data; ``render.render_html`` lays that
data out with a Jinja2 template shipped in ``templates/``; ``render.write_html`` writes it
atomically. The CLI (``ecbench report``) and ``ecbench benchmark`` are thin layers over these.
"""

from .render import render_html, write_html
from .view import build_view

__all__ = ["build_view", "render_html", "write_html"]
