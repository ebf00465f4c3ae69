"""The HTML page (``ecbench report``, and ``report.html`` of ``ecbench benchmark``): one
self-contained page (inline CSS, inline SVG charts, no network) showing one or more systems'
scores and every document's gold and predicted mentions side by side.

``view.build_view`` turns ``score()``'s ``Report`` objects (the score data) into the page's
plain data, a ``PageView``; ``render.render_html`` lays that out with the Jinja2 template
``templates/page.html.j2``; ``render.write_html`` writes it atomically. The two commands are thin
layers over these.
"""

from .render import render_html, write_html
from .view import build_view, describe_gold

__all__ = ["build_view", "describe_gold", "render_html", "write_html"]
