"""Engines that run the toolkit's per-document work somewhere other than this process.

``local`` is the runner's own loop (and its ``--workers`` process pool); ``ray`` (this
package's ``ray`` module, imported only when asked for) spreads the same per-document
functions over a Ray cluster or this machine's cores. Every engine gives the same output.
"""

ENGINES = ("local", "ray")
